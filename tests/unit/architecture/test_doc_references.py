"""References to the design and the style point into the repository and name what is there.

Code, protos, tests and docs cite ``docs/DESIGN.md principle N`` and ``docs/STYLE.md habit N``; each N must
be a principle (``## Principle N``) or a habit (``N.``) of those files, and nothing refers to a copy
outside the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[3]
FOLDERS = (
    "daemon",
    "drivers",
    "frontyard",
    "simulators",
    "kiosk_ui",
    "bench",
    "tests",
    "proto",
    "install",
    "scripts",
)
SUFFIXES = {".py", ".proto", ".md", ".js", ".html", ".sh", ".toml", ".yml"}
PRINCIPLE = re.compile(r"DESIGN(?:\.md)? principles? (\d+)(?: and (\d+))?")
HABIT = re.compile(r"STYLE(?:\.md)? habits? (\d+)(?: and (\d+))?")


def sources() -> list[Path]:
    found = [path for path in ROOT.glob("*.md")]
    for folder in FOLDERS:
        found += [
            path
            for path in (ROOT / folder).rglob("*")
            if path.suffix in SUFFIXES and "node_modules" not in path.parts and path.is_file()
        ]
    return sorted(found)


def cited(pattern: re.Pattern[str]) -> dict[int, list[str]]:
    """Number → the files that cite it."""
    numbers: dict[int, list[str]] = {}
    for path in sources():
        for match in pattern.finditer(path.read_text(encoding="utf-8", errors="replace")):
            for number in filter(None, match.groups()):
                numbers.setdefault(int(number), []).append(str(path.relative_to(ROOT)))
    return numbers


def test_every_cited_principle_is_in_docs_design() -> None:
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    principles = {int(n) for n in re.findall(r"^## Principle (\d+):", design, re.MULTILINE)}
    numbers = cited(PRINCIPLE)
    assert 5 in numbers  # the walk found the citations (principle 5, personal data, is cited widely)
    assert {n: files for n, files in numbers.items() if n not in principles} == {}


def test_every_cited_habit_is_in_docs_style() -> None:
    style = (ROOT / "docs" / "STYLE.md").read_text(encoding="utf-8")
    habits = {int(n) for n in re.findall(r"^(\d+)\. ", style, re.MULTILINE)}
    numbers = cited(HABIT)
    assert numbers
    assert {n: files for n, files in numbers.items() if n not in habits} == {}


def test_nothing_refers_outside_the_repository() -> None:
    outside = re.compile(r"\.\./shared/")
    found = [
        str(path.relative_to(ROOT)) for path in sources() if outside.search(path.read_text(errors="replace"))
    ]
    assert found == []


def test_citations_outside_docs_name_the_docs_folder() -> None:
    """Code, protos and the top-level docs cite ``docs/DESIGN.md principle N``, never the bare file name."""
    bare = re.compile(r"(?<!docs/)\b(?:DESIGN|STYLE)(?:\.md)? (?:principle|habit)s? \d")
    cited_bare = [
        str(path.relative_to(ROOT))
        for path in sources()
        if path.parent != ROOT / "docs" and bare.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert any(path.suffix == ".proto" for path in sources())  # the walk reads the protos too
    assert cited_bare == []
