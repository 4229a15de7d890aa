"""``python -m tests.fuzz [--seconds N] [NAME ...]``: fuzz each parser for N seconds; a finding fails.

Each harness runs in its own process under atheris (libFuzzer), bounded by ``-max_total_time``; a crash
input is written to ``--artifacts`` (default: a temporary directory, printed). Without atheris, a seeded
random mutator runs instead and the output says so. Exit status: 0 when nothing was found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.fuzz.harnesses import HARNESSES, run_random

REPO_ROOT = Path(__file__).resolve().parents[2]


def have_atheris() -> bool:
    return importlib.util.find_spec("atheris") is not None


def child(name: str, seconds: int, artifacts: Path) -> None:
    """Runs inside the per-harness process; atheris.Fuzz() exits the process itself."""
    import atheris

    harness = HARNESSES[name]
    with atheris.instrument_imports(include=list(harness.modules)):
        target, seeds = harness.load()
    corpus = artifacts / f"corpus-{name}"
    corpus.mkdir(parents=True, exist_ok=True)
    for index, seed in enumerate(seeds):
        (corpus / f"seed-{index}").write_bytes(seed)
    atheris.Setup(
        [
            sys.argv[0],
            str(corpus),
            f"-max_total_time={seconds}",
            f"-artifact_prefix={artifacts}/{name}-",
            "-rss_limit_mb=1024",
            "-timeout=5",
            "-print_final_stats=1",
        ],
        target,
    )
    atheris.Fuzz()


def run_one(name: str, seconds: int, artifacts: Path) -> dict[str, object]:
    began = time.monotonic()
    if not have_atheris():
        try:
            result = run_random(HARNESSES[name], seconds)
        except Exception as exc:
            return {"name": name, "engine": "random", "finding": str(exc), "seconds": seconds}
        return {"name": name, "engine": "random", "finding": "", "runs": result["runs"], "seconds": seconds}
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.fuzz",
            "--child",
            name,
            "--seconds",
            str(seconds),
            "--artifacts",
            str(artifacts),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=seconds + 60,
    )
    runs = next(
        (
            line.split(":")[-1].strip()
            for line in process.stderr.splitlines()
            if "stat::number_of_executed_units" in line
        ),
        "?",
    )
    finding = ""
    if process.returncode != 0:
        output = process.stdout + process.stderr
        lines = [line for line in output.splitlines() if line.startswith("Finding:")]
        finding = lines[-1] if lines else output[-800:]
    return {
        "name": name,
        "engine": "atheris",
        "finding": finding,
        "runs": runs,
        "seconds": round(time.monotonic() - began, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", choices=[*HARNESSES, []], metavar="NAME", help=", ".join(HARNESSES)
    )
    parser.add_argument("--seconds", type=int, default=5, help="time per harness (default 5)")
    parser.add_argument("--artifacts", type=Path, help="where crash inputs go (default: a temporary dir)")
    parser.add_argument("--json", action="store_true", help="one JSON object per harness")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    artifacts = args.artifacts or Path(tempfile.mkdtemp(prefix="frontyard-fuzz-"))
    artifacts.mkdir(parents=True, exist_ok=True)
    if args.child:
        child(args.child, args.seconds, artifacts)
        return 0
    if not have_atheris():
        print("atheris is not installed: using the seeded random mutator instead", file=sys.stderr)
    failed = False
    for name in args.names or list(HARNESSES):
        result = run_one(name, args.seconds, artifacts)
        failed = failed or bool(result["finding"])
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            verdict = f"FINDING {result['finding']}" if result["finding"] else "ok"
            print(f"{name:14} {result['engine']:8} runs={result.get('runs', '?'):>8} {verdict}")
    if failed:
        print(f"crash inputs: {artifacts}", file=sys.stderr)
    elif args.artifacts is None:
        shutil.rmtree(artifacts, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
