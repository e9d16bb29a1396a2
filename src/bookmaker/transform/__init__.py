"""The transform stage: pure functions ``Book -> Book``, in named, ordered lists per output.

They touch text nodes only, never ids, hrefs or code, and never add or remove a character:
what they add is structure (a ``Span``, a flag on a block) that the templates and stylesheets
turn into typesetting. ``typography`` holds the transforms, ``pipelines`` the lists.
"""

from bookmaker.transform.pipelines import PRINT, VERTICAL, Transform, apply

__all__ = ["PRINT", "VERTICAL", "Transform", "apply"]
