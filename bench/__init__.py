"""Benchmarks: ``python -m bench`` (or ``make bench``) prints a table of figures.

Each module in ``BENCHES`` offers ``run(runs) -> list[Figure]``; the harness
prints them with the median of several runs. Figures go into docs/performance.md.
"""
