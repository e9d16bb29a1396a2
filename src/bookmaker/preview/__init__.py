"""``bookmaker serve``: the book as HTML on 127.0.0.1, reloaded when a source file changes.

Two views: the EPUB's documents with the EPUB's stylesheets (``/epub/text/…``), and the print
edition as one page with the print stylesheets (``/print``). Every page carries a bar to switch
views and the book's current diagnostics (load errors, lint findings); a script listens to
``/events`` (server-sent events) and reloads the page when a watcher (watchfiles) has seen a file
of the book change and the book has been rendered again. Only the book's files and bookmaker's
fonts are served; nothing is written.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from watchfiles import watch

from bookmaker import transform
from bookmaker.diagnostics import BookError, Diagnostic, error
from bookmaker.fonts import bundled_css_faces
from bookmaker.lint import lint_book
from bookmaker.load import load_book
from bookmaker.render import render_book
from bookmaker.render.documents import EPUB_FONT_BASE, fonts_stylesheet, image_name
from bookmaker.render.print_edition import render_print
from bookmaker.resources import fonts_dir

HOST = "127.0.0.1"
HEARTBEAT = 10.0  # seconds between keep-alive comments on an idle event stream
PANEL = jinja2.Environment(
    loader=jinja2.PackageLoader("bookmaker.preview", "."), autoescape=True,
).get_template("panel.html")


@dataclass
class Pages:
    """One rendering of the book: path -> (content type, bytes), and its diagnostics."""

    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    images: dict[str, Path] = field(default_factory=dict)  # /epub/images/x -> file
    diagnostics: list[Diagnostic] = field(default_factory=list)


def render_pages(book_dir: Path, version: int) -> Pages:
    result = Pages()
    try:
        book = load_book(book_dir)
        result.diagnostics = [f.diagnostic for f in lint_book(book_dir)]
    except BookError as exc:
        result.diagnostics = list(exc.diagnostics)
        panel = inject("<body></body>", "epub", version, result.diagnostics)
        result.pages["/epub/text/nav.xhtml"] = ("text/html; charset=utf-8", panel.encode())
        result.pages["/print"] = result.pages["/epub/text/nav.xhtml"]
        return result
    script = book.meta.script
    rendered = render_book(book, book_dir)
    fonts_css = fonts_stylesheet(book_dir, bundled_css_faces(script, EPUB_FONT_BASE))
    rendered = replace(rendered, stylesheets={"fonts.css": fonts_css, **rendered.stylesheets})
    for document in rendered.documents:
        page = inject(document.xhtml, "epub", version, result.diagnostics)
        result.pages[f"/epub/{document.name}"] = ("text/html; charset=utf-8", page.encode())
    for name, css in rendered.stylesheets.items():
        result.pages[f"/epub/styles/{name}"] = ("text/css; charset=utf-8", css.encode())
    for src in book.images:
        result.images[f"/epub/{image_name(src)}"] = book_dir / src
        result.images[f"/{src}"] = book_dir / src
    printed = render_print(transform.apply(book, transform.PRINT), book_dir, "screen", "")
    print_fonts = fonts_stylesheet(book_dir, bundled_css_faces(script, "/fonts/"))
    styles = "".join(f"<style>{css}</style>" for css in (print_fonts, *printed.stylesheets))
    page = printed.html.replace("</head>", f"{styles}</head>", 1)
    result.pages["/print"] = ("text/html; charset=utf-8",
                              inject(page, "print", version, result.diagnostics).encode())
    return result


def inject(page: str, view: str, version: int, diagnostics: list[Diagnostic]) -> str:
    """The page with the preview bar as the first thing in its body."""
    panel = PANEL.render(view=view, version=version, diagnostics=diagnostics)
    head, marker, rest = page.partition("<body")
    end = rest.index(">") + 1
    return f"{head}{marker}{rest[:end]}\n{panel}{rest[end:]}"


class Preview:
    """The current pages, rendered again on every change; waiters learn of each new version."""

    def __init__(self, book_dir: Path) -> None:
        self.book_dir = book_dir
        self.version = 0
        self.changed = threading.Condition()
        self.stop = threading.Event()
        self.current = render_pages(book_dir, self.version)

    def refresh(self) -> None:
        pages = render_pages(self.book_dir, self.version + 1)
        with self.changed:
            self.version += 1
            self.current = pages
            self.changed.notify_all()

    def watch(self) -> None:
        for _changes in watch(self.book_dir, stop_event=self.stop, debounce=200):
            self.refresh()

    def moved_on(self, seen: int) -> bool:
        return self.version != seen or self.stop.is_set()

    def versions(self) -> Iterator[int | None]:
        """The current version, then each new one; None when a heartbeat is due."""
        seen = self.version
        yield seen
        while not self.stop.is_set():
            with self.changed:
                self.changed.wait_for(partial(self.moved_on, seen), timeout=HEARTBEAT)
                if self.version == seen:
                    yield None
                    continue
                seen = self.version
            yield seen


def handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the preview is for one editor at a time

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == "/":
                self.redirect("/epub/text/nav.xhtml")
            elif path == "/bookmaker-preview.css":
                self.file(Path(str(files("bookmaker.preview") / "preview.css")))
            elif path == "/events":
                self.events()
            elif path in preview.current.pages:
                self.send(*preview.current.pages[path])
            elif path in preview.current.images:
                self.file(preview.current.images[path])
            elif path.startswith(("/fonts/", "/epub/fonts/")):
                self.file(fonts_dir() / Path(path).name)
            else:
                self.send_error(HTTPStatus.NOT_FOUND)

        def redirect(self, location: str) -> None:
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", location)
            self.end_headers()

        def send(self, content_type: str, data: bytes) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def file(self, path: Path) -> None:
            if not path.is_file():
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.send(kind, path.read_bytes())

        def events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                for version in preview.versions():
                    message = ": ping\n\n" if version is None else f"data: {version}\n\n"
                    self.wfile.write(message.encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


def make_server(book_dir: Path, port: int = 8000) -> tuple[ThreadingHTTPServer, Preview]:
    """The server (bound to 127.0.0.1 only) and the preview it shows; not started."""
    if not book_dir.is_dir():
        raise error("S004", f"no book directory '{book_dir}'", str(book_dir),
                    hint="give the path of a book directory (see docs/source-format.md)")
    preview = Preview(book_dir)
    server = ThreadingHTTPServer((HOST, port), handler(preview))
    server.daemon_threads = True
    return server, preview


def serve(server: ThreadingHTTPServer, preview: Preview) -> None:
    """Watch the book and serve until interrupted."""
    watcher = threading.Thread(target=preview.watch, daemon=True)
    watcher.start()
    try:
        server.serve_forever()
    finally:
        preview.stop.set()
        with preview.changed:
            preview.changed.notify_all()
        server.server_close()
