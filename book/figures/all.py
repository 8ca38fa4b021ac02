"""Draw every figure of the book: run each figure script of book/figures/ (all but style.py and this one).

    python book/figures/all.py      # rewrites every book/figures/<name>.svg
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    "The figure scripts, one per figure: every .py here but the style and this file."
    return sorted(p for p in HERE.glob("*.py") if p.name not in ("style.py", "all.py"))


def main() -> int:
    for script in scripts():
        subprocess.run([sys.executable, str(script)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
