"""Run one benchmark and print its figures: ``python -m bench NAME [--json] [--quick]``.

Every benchmark module ``bench/<name>.py`` defines ``run(quick: bool) -> dict[str, float | int | str]``
and a one-line docstring. Figures are ratios against a baseline measured in the same run where the
benchmark has one; the machine is shared and noisy, so each figure is a median of several runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from pathlib import Path


def available() -> dict[str, str]:
    names = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("_"):
            continue
        doc = importlib.import_module(f"bench.{module.name}").__doc__ or ""
        names[module.name] = doc.strip().splitlines()[0] if doc.strip() else ""
    return names


def main(argv: list[str] | None = None) -> int:
    benchmarks = available()
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run a Frontyard benchmark and print its figures.",
        epilog="benchmarks:\n" + "\n".join(f"  {name:10} {doc}" for name, doc in sorted(benchmarks.items())),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", choices=sorted(benchmarks), metavar="NAME", help="which benchmark to run")
    parser.add_argument("--json", action="store_true", help="print one JSON object of metrics")
    parser.add_argument("--quick", action="store_true", help="fewer iterations (for smoke tests)")
    args = parser.parse_args(argv)
    module = importlib.import_module(f"bench.{args.name}")
    metrics = module.run(quick=args.quick)
    if args.json:
        print(json.dumps(metrics, ensure_ascii=False, sort_keys=True))
    else:
        width = max(len(key) for key in metrics)
        print(f"{args.name}: {benchmarks[args.name]}")
        for key, value in metrics.items():
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            print(f"  {key:<{width}}  {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
