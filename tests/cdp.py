"""A small Chrome DevTools Protocol client over a pipe (``--remote-debugging-pipe``): headless
Chromium opens a page, and the test reads it with ``Runtime.evaluate`` as it changes."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe"]


class Browser:
    def __init__(self, chromium: str, profile: Path) -> None:
        to_browser, self._ours = os.pipe()  # we write, Chromium reads on fd 3
        self._theirs, from_browser = os.pipe()  # Chromium writes on fd 4, we read

        def pipes() -> None:
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self.process = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=pipes,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._out = os.fdopen(self._ours, "wb", buffering=0)
        self._in = os.fdopen(self._theirs, "rb", buffering=0)
        self._buffer = b""
        self._next = 0
        self.session = ""

    def call(self, method: str, session: str | None = None, **params: Any) -> dict:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = self._in.read(1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", url=url)["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", self.session, expression=expression,
                           returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 60) -> Any:
        """Evaluate until the value is truthy (the page changes by itself); fail after
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except RuntimeError:  # the page is being replaced
                value = None
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"the page never showed: {expression}")

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        self._out.close()
        self._in.close()
