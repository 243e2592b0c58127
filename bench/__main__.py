"""Run every benchmark module named on the command line, or all of them.

``python -m bench`` (``make bench``) or ``python -m bench workdays``.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["workdays", "ingest", "search", "check"]


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    for name in names:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        module = importlib.import_module(f"bench.{name}")
        print(f"== bench/{name}")
        module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
