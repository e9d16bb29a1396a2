"""The outputs read back by real outside programs: EPUBCheck and Calibre.

Without Java or Calibre these skip loudly; CI sets BOOKMAKER_REQUIRE_EXTERNAL so that they fail.
"""

from __future__ import annotations

import subprocess

from conftest import Epub, SessionEpubCheck, require_program


def test_epubcheck_reports_no_error_and_no_warning(sample_epub: Epub,
                                                   epubcheck: SessionEpubCheck) -> None:
    assert epubcheck(sample_epub.path, "EPUBCheck validation of the sample EPUB") == []


def test_epubcheck_does_find_a_broken_epub(sample_epub: Epub, tmp_path,
                                           epubcheck: SessionEpubCheck) -> None:
    """The validator is really running: a damaged copy must fail."""
    broken = sample_epub.damaged_copy(tmp_path / "broken.epub", "c01.xhtml", b"</section>", b"")
    found = epubcheck(broken, "EPUBCheck validation of a damaged EPUB")
    assert any("error EPUBCheck RSC-016" in d and "c01.xhtml" in d for d in found), found


def test_calibre_reads_title_isbn_and_language(sample_epub: Epub) -> None:
    ebook_meta = require_program("ebook-meta", "reading the metadata with Calibre")
    shown = subprocess.run([ebook_meta, str(sample_epub.path)], capture_output=True, text=True,
                           check=True).stdout
    fields = dict(line.split(":", 1) for line in shown.splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    assert fields["Title"] == "北京市保持共产党员先进性教育活动与党的先进性建设理论研讨会入选论文"
    assert "isbn:9787200065282" in fields["Identifiers"]
    assert fields["Languages"] == "zho"
