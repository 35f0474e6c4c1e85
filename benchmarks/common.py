"""What every benchmark shares: a measured figure, medians of several runs, the machine noted.

Each benchmark module exposes ``measure() -> list[Figure]``; ``python -m benchmarks`` runs them
all, prints one table and writes docs/PERFORMANCE.md (issue 7, item 3). Figures are medians of
``runs`` timings, never a single run; a benchmark never asserts a speed (tests do not time).
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One line of the table: what was measured, the median, its unit, and how it was measured."""

    benchmark: str
    name: str
    value: float
    unit: str
    detail: str = ""

    def formatted(self) -> str:
        if self.unit in {"queries", "files", "entries"} or isinstance(self.value, int):
            return f"{self.value:,.0f}"
        if abs(self.value) >= 100:
            return f"{self.value:,.0f}"
        return f"{self.value:.3g}" if abs(self.value) < 1 else f"{self.value:.2f}"


def median_seconds(fn: Callable[[], object], runs: int = 5, warmup: int = 1) -> float:
    """The median wall-clock time of ``fn()`` over ``runs`` calls, after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    """A short description of the machine, recorded beside every table."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} CPUs, {system}, Python {sys.version.split()[0]}"


def peak_rss_mb() -> float:
    """Return this process's own peak resident memory, in MB: the high-water mark of its
    memory since it started (Linux: VmHWM in /proc/self/status).

    Not getrusage's ru_maxrss: Linux carries the resident set of the process that started
    this one into it (at exec, the old memory's high-water mark is kept as the process's
    maximum), so a process started by a large one reports at least that one's size. The
    register PDF's step, started by the publish benchmark holding a 10,000-entry register,
    reported the benchmark's memory, not its own (tests/benchmarks: a child of a process
    holding 256 MB reports its own few megabytes here, and ru_maxrss says 256 or more).
    Elsewhere (no /proc), ru_maxrss: kilobytes on Linux and the BSDs."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
