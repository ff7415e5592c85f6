"""Run every benchmark and print the table: ``python -m bench [--runs N] [name ...]``."""

import argparse
import importlib

from bench.harness import table

BENCHES = ["startup", "desk", "crash", "sync", "treasury", "keys", "service", "forum"]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (median shown)")
    parser.add_argument("names", nargs="*", help=f"benches to run, among {', '.join(BENCHES)}")
    args = parser.parse_args()
    unknown = set(args.names) - set(BENCHES)
    if unknown:
        parser.error(f"unknown bench: {', '.join(sorted(unknown))}")
    figures = []
    for name in args.names or BENCHES:
        figures += importlib.import_module(f"bench.{name}").run(args.runs)
    print(table(figures))


if __name__ == "__main__":
    main()
