"""Images of a book, checked before anything is built from them.

A raster image must be what its name says (a PNG named .png), within the book's pixel limit
before it is decoded, and complete (a truncated file would ship and be drawn half). An SVG goes
into the EPUB as it is, so it must be passive: no scripts, no event attributes, no references
to other files or the network. bookmaker refuses such an SVG rather than edit it.
"""

from __future__ import annotations

import io
import re
import warnings

from lxml import etree

from bookmaker.diagnostics import error
from bookmaker.model import Limits

RASTER_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF"}
SVG_NS = "http://www.w3.org/2000/svg"
# Elements that run code or pull in other documents.
ACTIVE_ELEMENTS = {"script", "foreignObject", "handler", "listener", "iframe", "embed",
                   "object"}
# A reference that stays inside the SVG: a fragment, or an embedded raster image.
LOCAL_REFERENCE = re.compile(r"\s*(#|data:image/(png|jpeg|gif);)", re.IGNORECASE)
CSS_REFERENCE = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.IGNORECASE)
ACTIVE_URL = re.compile(r"^\s*(javascript|vbscript|data:text)", re.IGNORECASE)


def check_image(data: bytes, name: str, limits: Limits, referrer: str,
                line: int | None) -> None:
    """Refuses an image that is not what its name says, too large, incomplete or active."""
    suffix = name[name.rfind("."):].lower()
    if suffix == ".svg":
        check_svg(data, name, referrer, line)
    else:
        check_raster(data, name, RASTER_FORMATS[suffix], limits, referrer, line)


def check_raster(data: bytes, name: str, expected: str, limits: Limits, referrer: str,
                 line: int | None) -> None:
    from PIL import Image, UnidentifiedImageError  # only a book with images

    def refuse(what: str, hint: str) -> None:
        raise error("S014", f"image '{name}' {what}", referrer, line, hint)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        refuse(f"is not a {expected} image", "export it again as a JPEG or PNG file")
        return
    with image:
        if image.format != expected:
            refuse(f"is a {image.format} file, not {expected}",
                   f"rename it to its own extension, or convert it to {expected}")
        width, height = image.size
        if width * height > limits.image_pixels:
            raise error("S016", f"image '{name}' is {width}×{height} pixels, more than the "
                        f"limit of {limits.image_megapixels:g} million", referrer, line,
                        "make it smaller, or raise limits.image_megapixels in book.yaml")
        try:
            if expected == "PNG":
                image.verify()  # every chunk present and its checksum right, nothing decoded
            else:
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # JPEG: 1/8 scale
                image.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            refuse(f"is damaged or incomplete ({exc})", "export it again")


def check_svg(data: bytes, name: str, referrer: str, line: int | None) -> None:
    def refuse(what: str) -> None:
        raise error("S013", f"SVG image '{name}' {what}", referrer, line,
                    "an SVG in a book may hold only drawing: remove it, or use a PNG")

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        refuse(f"is not well-formed XML ({exc})")
        return
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is not None and (list(dtd.entities()) or list(dtd.elements())):
        refuse("declares entities or elements in its DOCTYPE")
    if docinfo.system_url and not (docinfo.public_id or "").startswith("-//W3C//DTD SVG"):
        refuse(f"names a DTD other than SVG's ('{docinfo.system_url}')")
    if root.tag != f"{{{SVG_NS}}}svg":
        refuse("is not an SVG document (its root is not <svg> in the SVG namespace)")
    for node in root.iter():
        if isinstance(node, etree._ProcessingInstruction):
            refuse(f"has a processing instruction <?{node.target}?>")
        if isinstance(node, etree._Entity):
            refuse(f"uses the entity &{node.name};")
        if not isinstance(node.tag, str):
            continue
        local = etree.QName(node).localname
        if local in ACTIVE_ELEMENTS:
            refuse(f"has a <{local}> element")
        if local == "style" and CSS_REFERENCE.search(node.text or ""):
            refuse("has a style sheet that refers to another file")
        for attribute, value in node.attrib.items():
            key = etree.QName(attribute).localname
            if key.lower().startswith("on"):
                refuse(f"has an event attribute '{key}'")
            if key == "href" and not LOCAL_REFERENCE.match(value):
                refuse(f"refers to another file or the network ('{value}')")
            if key == "style" and CSS_REFERENCE.search(value):
                refuse("has a style that refers to another file")
            if ACTIVE_URL.match(value):
                refuse(f"has active content in '{key}'")
