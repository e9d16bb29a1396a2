"""The variants stage: a book in another script (the Traditional-Chinese edition, through OpenCC).

``edition`` makes the converter for a book and converts its reader text; ``convert`` is the
string conversion (protected terms, corner quotes); ``names`` and ``dictionary`` say what is
protected; ``report`` lists the choices an editor should review.
"""

from bookmaker.targets import VARIANTS
from bookmaker.variants.edition import convert_book, make_converter, variant_config

__all__ = ["VARIANTS", "convert_book", "make_converter", "variant_config"]
