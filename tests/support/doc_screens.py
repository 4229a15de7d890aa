"""The screenshots in docs/screens/: every screen of the screen audit's walk, in Japanese on the portrait
kiosk, at 540 px wide (half the kiosk's 1080) with a reduced palette, plus docs/screens/README.md listing
them.

``make screenshots`` runs the audit walk (tests/e2e/test_screen_audit.py saves every screen it checks to
test-artifacts/screenshots/audit/) and then this module::

    python -m tests.support.doc_screens [--source test-artifacts/screenshots/audit] [--out docs/screens]

Screens with no personal data only: the walk uses the simulators' test personas.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image

from tests.support.processes import REPO_ROOT

SUFFIX = "-ja-portrait.png"
WIDTH = 540
COLOURS = 96  # a UI's flat colours; keeps each picture small


def shrink(source: Path, target: Path) -> None:
    with Image.open(source) as image:
        height = round(image.height * WIDTH / image.width)
        small = image.convert("RGB").resize((WIDTH, height), Image.Resampling.LANCZOS)
        small.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def index(names: list[str]) -> str:
    rows = "\n".join(f"| `{name}` | ![{name}]({name}.png) |" for name in names)
    return (
        "# Screens\n\n"
        "Every screen the screen audit walks (tests/e2e/test_screen_audit.py), in Japanese on the\n"
        "portrait kiosk (1080×1920, shown at 540 px). Regenerate with `make screenshots`; the audit\n"
        "itself also checks やさしい日本語 and English, landscape and 200 % zoom\n"
        "(test-artifacts/screenshots/audit/).\n\n"
        f"| screen | picture |\n|---|---|\n{rows}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=REPO_ROOT / "test-artifacts" / "screenshots" / "audit")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screens")
    arguments = parser.parse_args()
    shots = sorted(arguments.source.glob(f"*{SUFFIX}"))
    if not shots:
        raise SystemExit(f"no *{SUFFIX} in {arguments.source}: run the screen audit first (make screenshots)")
    arguments.out.mkdir(parents=True, exist_ok=True)
    for old in arguments.out.glob("*.png"):
        old.unlink()
    names = [shot.name.removesuffix(SUFFIX) for shot in shots]
    for shot, name in zip(shots, names, strict=True):
        shrink(shot, arguments.out / f"{name}.png")
    (arguments.out / "README.md").write_text(index(names), encoding="utf-8")
    total = sum(path.stat().st_size for path in arguments.out.glob("*.png"))
    print(f"{len(names)} screens, {total / 1e6:.1f} MB in {arguments.out}")


if __name__ == "__main__":
    main()
