"""bookmaker: one structured book source in, an EPUB 3 and a print-ready PDF out.

The pipeline runs in one direction (see ``build.py``)::

    load (files -> validated Book) -> transform -> render (Book -> XHTML) -> package (EPUB, PDF)
"""

__version__ = "0.1.0"
