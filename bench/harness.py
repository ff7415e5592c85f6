"""The common part of the benchmarks: figures, medians, the printed table."""

import statistics
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    median: float
    low: float
    high: float
    unit: str
    runs: int
    target: str = ""


def measure(name: str, unit: str, samples: list[float], target: str = "") -> Figure:
    return Figure(
        name, statistics.median(samples), min(samples), max(samples), unit, len(samples), target
    )


def repeat(times: int, one: Callable[[], float]) -> list[float]:
    return [one() for _ in range(times)]


def table(figures: list[Figure]) -> str:
    head = ("figure", "median", "min", "max", "unit", "runs", "target")
    rows = [head] + [
        (f.name, f"{f.median:.3f}", f"{f.low:.3f}", f"{f.high:.3f}", f.unit, str(f.runs), f.target)
        for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
