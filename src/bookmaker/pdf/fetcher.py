"""The only way WeasyPrint reads anything: files inside the book directory and the fonts
folder, and data: URLs. Everything else, the network included, stops the build."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher


class RefusedResource(FatalURLFetchingError):
    def __init__(self, url: str) -> None:
        super().__init__(f"the print edition may not read {url}")
        self.url = url

    def __reduce__(self) -> tuple[type, tuple[str]]:  # sent back from a process that writes
        return RefusedResource, (self.url,)


class BookURLFetcher(URLFetcher):
    def __init__(self, *allowed: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False,
                         fail_on_errors=True)
        self.allowed = [p.resolve() for p in allowed]

    def fetch(self, url: str, headers: object = None) -> object:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file":
            raise RefusedResource(url)
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed):
            raise RefusedResource(url)
        return super().fetch(url, headers)
