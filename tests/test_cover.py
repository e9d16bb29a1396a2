"""cover: the printed spread read back — its boxes against the interior's page count, the
barcode through a real reader, the spine's text, and the EPUB's cover against the front panel."""

from __future__ import annotations

import itertools
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat
from pypdf import PdfReader

from bookmaker.build import build
from bookmaker.cover import spine_width
from bookmaker.diagnostics import BookError
from bookmaker.model import CoverSpec
from conftest import ROOT, SAMPLE, Epub, require_program

sys.path.insert(0, str(ROOT / "bench"))
from synthetic import make_synthetic_book

pytestmark = pytest.mark.slow  # the interior typeset, then the cover around it

MM = 72 / 25.4
NAME = "beijing-xianjinxing-2006"
TRIM_W, TRIM_H, BLEED, CALIPER = 184, 260, 3, 0.1  # the sample's book.yaml and defaults


def box_mm(pdf: Path, name: str) -> tuple[float, float]:
    box = PdfReader(pdf).pages[0][f"/{name}"]
    return ((float(box[2]) - float(box[0])) / MM, (float(box[3]) - float(box[1])) / MM)


def pages_of(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


@pytest.fixture(scope="module")
def sample_cover(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cover")
    result = build(SAMPLE, out, formats=("epub", "pdf", "cover"), profiles=("press",))
    assert [d.code for d in result.diagnostics] == ["C001"]  # 18 pages: no room on the spine
    return out


@pytest.fixture(scope="module")
def long_cover(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = make_synthetic_book(tmp_path_factory.mktemp("long") / "book", chapters=6,
                               han_total=150_000)
    out = tmp_path_factory.mktemp("long-out")
    result = build(book, out, formats=("pdf", "cover"), profiles=("press",))
    assert result.diagnostics == []
    return out


def test_spine_is_half_the_pages_times_the_caliper() -> None:
    spec = CoverSpec(caliper=0.08, board=0.5)
    assert spine_width(400, spec) == pytest.approx(200 * 0.08 + 0.5)
    assert spine_width(401, spec) == spine_width(402, spec)  # a leaf has two pages


@pytest.mark.parametrize("which", ["sample_cover", "long_cover"])
def test_spread_is_two_trims_a_spine_and_the_bleed(which: str,
                                                    request: pytest.FixtureRequest) -> None:
    out: Path = request.getfixturevalue(which)
    pages = pages_of(out / f"{NAME}.press.pdf")
    spine = (pages + pages % 2) / 2 * CALIPER
    cover = out / f"{NAME}.cover.pdf"
    width, height = box_mm(cover, "BleedBox")
    assert width == pytest.approx(2 * TRIM_W + spine + 2 * BLEED, abs=0.1)
    assert height == pytest.approx(TRIM_H + 2 * BLEED, abs=0.1)
    trim_width, _ = box_mm(cover, "TrimBox")
    assert trim_width == pytest.approx(2 * TRIM_W + spine, abs=0.1)
    media_width, _ = box_mm(cover, "MediaBox")
    assert media_width >= trim_width + 2 * (3 + 5)  # 5 mm marks, 3 mm off the trim


def test_long_book_sets_its_title_down_the_spine(long_cover: Path) -> None:
    cover = long_cover / f"{NAME}.cover.pdf"
    pages = pages_of(long_cover / f"{NAME}.press.pdf")
    spine = (pages + pages % 2) / 2 * CALIPER
    assert spine > 5
    with pdfplumber.open(cover) as pdf:
        page = pdf.pages[0]
        left = 10 * MM + TRIM_W * MM  # the marks' margin, then the back
        on_spine = [c for c in page.chars if left < c["x0"] and c["x1"] < left + spine * MM]
    text = "".join(c["text"] for c in sorted(on_spine, key=lambda c: c["top"]))
    assert text.startswith("北京市保持共产党员")
    assert text.endswith("北京出版社")
    tops = [c["top"] for c in sorted(on_spine, key=lambda c: c["top"])]
    assert all(b - a > 5 for a, b in itertools.pairwise(tops))  # one under another


def test_marks_lie_outside_the_bleed(sample_cover: Path) -> None:
    cover = sample_cover / f"{NAME}.cover.pdf"
    reader = PdfReader(cover)
    bleed = [float(v) for v in reader.pages[0]["/BleedBox"]]
    with pdfplumber.open(cover) as pdf:
        rects = [r for r in pdf.pages[0].rects if min(r["width"], r["height"]) < 0.5]
        height = pdf.pages[0].height
    assert len(rects) == 12  # 8 crop marks at the corners, 4 fold marks at the spine
    for r in rects:
        y0, y1 = height - r["bottom"], height - r["top"]
        outside = (r["x1"] <= bleed[0] + 0.01 or r["x0"] >= bleed[2] - 0.01
                   or y1 <= bleed[1] + 0.01 or y0 >= bleed[3] - 0.01)
        assert outside, r
        assert max(r["width"], r["height"]) == pytest.approx(5 * MM, abs=0.1)


def test_barcode_reads_back_as_the_isbn(sample_cover: Path, tmp_path: Path) -> None:
    pdftoppm = require_program("pdftoppm", "rasterising the cover for the barcode reader")
    zbarimg = require_program("zbarimg", "reading the cover's EAN-13 barcode")
    subprocess.run([pdftoppm, "-r", "300", "-png", "-singlefile",
                    str(sample_cover / f"{NAME}.cover.pdf"), str(tmp_path / "spread")],
                   check=True)
    read = subprocess.run([zbarimg, "-q", "--raw", str(tmp_path / "spread.png")],
                          capture_output=True, text=True, check=True)
    assert read.stdout.split() == ["9787200065282"]


def test_epub_cover_is_the_front_panel(sample_cover: Path, tmp_path: Path) -> None:
    """Both come from one template: the EPUB's image (rasterised by PDFium) matches the
    spread's front panel rasterised by poppler at the same scale."""
    pdftoppm = require_program("pdftoppm", "rasterising the cover's front panel")
    epub = Epub(sample_cover / f"{NAME}.epub")
    item = next(i for i in epub.manifest().values() if i.get("properties") == "cover-image")
    image = Image.open(BytesIO(epub.zip.read(epub.base + item.get("href")))).convert("RGB")
    assert image.height >= 1600
    dpi = image.height / (TRIM_H / 25.4)
    pages = pages_of(sample_cover / f"{NAME}.press.pdf")
    left_mm = 10 + TRIM_W + (pages + pages % 2) / 2 * CALIPER
    px = dpi / 25.4
    subprocess.run([pdftoppm, "-r", f"{dpi:.4f}", "-png", "-singlefile",
                    "-x", str(round(left_mm * px)), "-y", str(round(10 * px)),
                    "-W", str(image.width), "-H", str(image.height),
                    str(sample_cover / f"{NAME}.cover.pdf"), str(tmp_path / "front")],
                   check=True)
    front = Image.open(tmp_path / "front.png").convert("RGB").resize(image.size)

    def ink(picture: Image.Image) -> Image.Image:  # the light text on the dark ground
        return picture.convert("L").point(lambda v: 255 if v > 128 else 0)

    def share(picture: Image.Image) -> float:
        return ImageStat.Stat(picture).mean[0] / 255

    def beyond(a: Image.Image, b: Image.Image) -> float:
        """The ink of ``a`` that lies more than 2 px from any ink of ``b``."""
        return share(ImageChops.subtract(a, b.filter(ImageFilter.MaxFilter(5))))

    ours, theirs = ink(image), ink(front)
    assert share(ours) > 0.01  # there is text to compare
    assert beyond(ours, theirs) < 0.02 * share(ours)
    assert beyond(theirs, ours) < 0.02 * share(theirs)


def test_spine_text_that_cannot_fit_is_an_error(book_copy: Path, tmp_path: Path) -> None:
    with (book_copy / "book.yaml").open("a", encoding="utf-8") as f:
        f.write("cover:\n  caliper: 1\n  min_spine: 1\n  spine_title: " + "长" * 200 + "\n")
    with pytest.raises(BookError) as caught:
        build(book_copy, tmp_path / "out", formats=("cover",))
    assert [d.code for d in caught.value.diagnostics] == ["C002"]
    assert caught.value.diagnostics[0].location.path == "book.yaml"


def test_traditional_edition_gets_its_own_cover_from_the_same_template() -> None:
    from bookmaker.build import make_edition
    from bookmaker.cover import front_geometry
    from bookmaker.load import load_book
    from bookmaker.render.cover_document import render_front

    edition = make_edition(load_book(SAMPLE), SAMPLE, "zh-Hant")
    document = render_front(edition.book, SAMPLE, front_geometry(edition.book),
                            edition.labels)
    # the mainland publisher's name is not this edition's: without a publisher of its own
    # under variants.zh-Hant (test_editions.py), the cover names none
    assert "北京出版社" not in document.html
    assert "党" not in document.html and "黨" in document.html
