"""A copy of the shared personas with distinctive PINs, and the card simulator run on that copy.

The shared ``residents.json`` uses common PINs ("1234", "7777") that would match ports, counters and
timestamps in a byte scan. The privacy proof writes a copy where every card holder gets PINs used nowhere
else, and runs the card simulator on it::

    python -m tests.support.privacy_personas --residents COPY.json -- <card simulator arguments>

Names, addresses and 個人番号 are those of the shared file (the camera simulator reads those).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simulators import personas
from simulators.personas import Persona


def distinctive_pins(index: int) -> dict[str, str]:
    """PINs for the ``index``-th card holder: 4 digits (text, auth) and 8 letters/digits (sign)."""
    return {
        "text_pin": f"{6173 + 37 * index}",
        "auth_pin": f"{8296 + 41 * index}",
        "sign_pin": f"QZ{index}PRIVXK",
    }


def write_residents_copy(target: Path) -> Path:
    """The shared residents with distinctive PINs for every card holder, written to ``target``."""
    data = json.loads(personas.RESIDENTS_PATH.read_text(encoding="utf-8"))
    index = 0
    for household in data["households"]:
        for member in household["members"]:
            if member["has_card"]:
                member.update(distinctive_pins(index))
                index += 1
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def card_holders_of(path: Path) -> tuple[Persona, ...]:
    """The card holders of a residents file (households parsed as ``simulators.personas`` does)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    households = [personas._parse_household(raw) for raw in data["households"]]
    return tuple(member for household in households for member in household.members if member.has_card)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.privacy_personas")
    parser.add_argument("--residents", type=Path, required=True)
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    personas.RESIDENTS_PATH = args.residents
    from simulators.mynumber_card.__main__ import main as card_main

    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    return card_main(rest)


if __name__ == "__main__":
    sys.exit(main())
