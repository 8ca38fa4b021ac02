"""Derive everything that depends on settings.ini, and clean the notebooks.

    python tools/sync.py          # rewrite: install cells, kernelspec, cleared outputs, book repo URL
    python tools/sync.py --check  # only report what is out of date (exit 1 if anything is)

Every notebook's first code cell becomes the Colab install cell (`tools/settings.install_cell`),
its outputs are cleared (nbdev's clean with clear_all), and book/_config.yml's repository URL and
branch are set from settings.ini.
"""
from __future__ import annotations

import argparse
import json
import re
import sys

from settings import ROOT, install_cell, settings

KERNELSPEC = {"display_name": "python3", "language": "python", "name": "python3"}
INSTALL_MARK = "# Colab: install the course library"


def synced_notebook(nb: dict) -> dict:
    "The notebook with the install cell first among code cells, outputs cleared, kernelspec set."
    from nbdev.clean import clean_nb

    nb = json.loads(json.dumps(nb))
    cells = nb["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": install_cell().splitlines(keepends=True)}
    first = "".join(cells[code[0]]["source"]) if code else ""
    if code and INSTALL_MARK in first:
        cells[code[0]] = {**cells[code[0]], **cell}  # keeps the cell's id
    else:
        # after the leading markdown (the title), before the first code cell
        at = code[0] if code else len(cells)
        cells.insert(at, cell)
    nb.setdefault("metadata", {})["kernelspec"] = dict(KERNELSPEC)
    clean_nb(nb, clear_all=True)
    return nb


def nb_text(nb: dict) -> str:
    from execnb.nbio import nb2str

    return nb2str(nb)


def synced_config(text: str) -> str:
    cfg = settings()
    text = re.sub(r"(repository:\s*\n\s*url:\s*)\S+", lambda m: m.group(1) + cfg["git_url"], text)
    text = re.sub(r"(repository:\s*\n(?:\s+\S.*\n)*?\s*branch:\s*)\S+", lambda m: m.group(1) + cfg["branch"], text)
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report, do not write")
    args = parser.parse_args(argv)
    stale = []
    for path in sorted((ROOT / settings()["nbs_path"]).glob("*.ipynb")):
        old = path.read_text(encoding="utf-8")
        new = nb_text(synced_notebook(json.loads(old)))
        if old != new:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(new, encoding="utf-8")
    config = ROOT / "book" / "_config.yml"
    old = config.read_text(encoding="utf-8")
    new = synced_config(old)
    if old != new:
        stale.append(config.relative_to(ROOT))
        if not args.check:
            config.write_text(new, encoding="utf-8")
    verb = "out of date (run `make sync`)" if args.check else "rewritten"
    for p in stale:
        print(f"{p}: {verb}")
    return 1 if (stale and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
