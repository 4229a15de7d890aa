"""Benchmarks: ``python -m bench NAME [--json]``. Each ``bench/<name>.py`` has ``run(quick) -> dict``."""
