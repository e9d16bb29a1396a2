"""The render stage: ``Book`` -> ``Rendered`` (XHTML documents, navigation, stylesheets).

Templates (``templates/``) and stylesheets (``styles/`` at the top of the project) hold all
presentation; a book directory may override either by placing a file of the same name in its own
``templates/`` or ``styles/``. This module only decides which documents exist, in which order,
and hands the model to the templates.
"""

from bookmaker.render.documents import Document, Landmark, Rendered, TocEntry, render_book

__all__ = ["Document", "Landmark", "Rendered", "TocEntry", "render_book"]
