"""Run every benchmark module named on the command line, or all of them.

``python -m bench`` (``make bench``), ``python -m bench workdays``, or a benchmark with its
options: ``python -m bench ingest --rows 100000`` (``python -m bench ingest --help``).
Options (everything from the first argument starting with ``-``) go to each benchmark named.
"""

from __future__ import annotations

import importlib
import inspect
import sys

BENCHMARKS = ["workdays", "ingest", "search", "check"]


def main(argv: list[str]) -> int:
    split = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names, options = argv[:split] or BENCHMARKS, argv[split:]
    for name in names:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== bench/{name}")
        if inspect.signature(module.main).parameters:
            module.main(options)
        elif options:
            print(f"bench/{name} takes no options", file=sys.stderr)
            return 2
        else:
            module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
