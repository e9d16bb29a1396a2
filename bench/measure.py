"""One subprocess, measured: wall time, CPU time, peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    wall: float  # seconds
    user: float  # CPU seconds in user mode, of the process and the processes it waited for
    system: float
    peak: float  # MiB, the largest resident set of any of them


def run(command: list[str], env: dict[str, str] | None = None) -> Figure:
    """One subprocess, measured; a failure stops the benchmark with its output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, **(env or {})},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    if code:
        sys.stdout.write(output.decode(errors="replace"))
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return Figure(wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024)
