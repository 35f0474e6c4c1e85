"""What every benchmark shares: a measured figure, medians of several runs, the machine noted.

Each benchmark module exposes ``measure() -> list[Figure]``; ``python -m benchmarks`` runs them
all, prints one table and writes docs/PERFORMANCE.md (issue 7, item 3). Figures are medians of
``runs`` timings, never a single run; a benchmark never asserts a speed (tests do not time).
"""

from __future__ import annotations

import os
import platform
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
