"""Build the book.

    python tools/book.py                        # execute every chapter and build _build/html
    python tools/book.py --executed _build/executed [--out DIR] [--only nbs/03_seq2seq ...]
        # build from notebooks that the test run already executed (no second execution);
        # --only: a book of the intro and these pages only (to check one chapter while writing it)

The library reference pages (book/api/, not committed) are generated first (tools/api.py).
Warnings are errors in both modes. What a reader needs of the built pages (every page there, its
Colab launch link, math typeset, no debris, the results table) is checked in one place,
tests/book, which `make test` runs on the book this script builds.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from api import write_pages
from settings import ROOT, settings, toc_files

IGNORE = shutil.ignore_patterns("_build", ".ipynb_checkpoints", "__pycache__", "data", "checkpoints", "*.pt")


def jupyter_book(source: Path, config: Path, toc: Path, out: Path, only: list[str] | None = None) -> list[str]:
    "Build; with `only`, warnings elsewhere (e.g. links to chapters left out) are tolerated."
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(source), "--config", str(config), "--toc", str(toc),
           "--path-output", str(out), "--all"]
    if not only:
        cmd += ["-W", "--keep-going"]
        print("$", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True, cwd=ROOT)
        return []
    print("$", " ".join(cmd), flush=True)
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    print(run.stdout[-5000:], run.stderr[-5000:])
    warnings = [l for l in (run.stdout + run.stderr).splitlines() if "WARNING" in l and any(f in l for f in only)]
    return warnings + ([f"jupyter-book exited with {run.returncode}"] if run.returncode else [])


def stage_executed(executed: Path, stage: Path, only: list[str] | None = None) -> Path:
    "A copy of the book's sources whose notebooks are the executed ones; returns its config path."
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    if only:
        toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
        pages = [f for f in toc_files()[1:] if not (ROOT / f"{f}.ipynb").exists()]  # references, how-to
        toc = {"format": toc["format"], "root": toc["root"], "chapters": [{"file": f} for f in [*only, *pages]] + [{"glob": "book/api/*"}]}
        (stage / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    else:
        shutil.copy(ROOT / "_toc.yml", stage / "_toc.yml")
    shutil.copytree(ROOT / "book", stage / "book", ignore=IGNORE)
    nbs = settings()["nbs_path"]
    shutil.copytree(ROOT / nbs, stage / nbs, ignore=IGNORE)
    missing = []
    for f in only or toc_files():
        src = ROOT / f"{f}.ipynb"
        if src.exists():
            done = executed / f"{f}.ipynb"
            if not done.exists():
                missing.append(str(done))
            else:
                shutil.copy(done, stage / f"{f}.ipynb")
    if missing:
        raise SystemExit("not executed by the test run (did a notebook fail?):\n  " + "\n  ".join(missing))
    config = yaml.safe_load((ROOT / "book" / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    (stage / "book" / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return stage / "book" / "_config.yml"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--executed", type=Path, help="build from notebooks executed by the test run")
    parser.add_argument("--out", type=Path, help="output folder (default: _build, or _build/test-book with --executed)")
    parser.add_argument("--only", nargs="+", help="with --executed: only these toc entries (e.g. nbs/01_rnn)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.executed:
        out = (args.out or ROOT / "_build" / "test-book").resolve()
        config = stage_executed(args.executed.resolve(), out.parent / f"{out.name}-src", args.only)
        write_pages(config.parent / "api")
        problems = jupyter_book(config.parent.parent, config, config.parent.parent / "_toc.yml", out, args.only)
    else:
        out = args.out or ROOT
        write_pages(ROOT / "book" / "api")
        problems = jupyter_book(ROOT, ROOT / "book" / "_config.yml", ROOT / "_toc.yml", out)
    html = out / "_build" / "html"
    for p in problems:
        print("BOOK CHECK FAILED:", p)
    if problems:
        return 1
    print(f"book built in {time.perf_counter() - start:.0f} s: {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
