"""Run chapters in the full profile and record what they glue in book/results/full_profile.json.

    python tools/full_profile.py                      # every chapter of _toc.yml, one after the other
    python tools/full_profile.py nbs/01_rnn nbs/04_attention [--threads 2] [--cell-timeout 14400]

Each chapter is executed with `ENCDEC_PROFILE=full` (on CUDA when torch sees a GPU, else on the
CPU), in its own folder (nbs/), as the test run executes it. Every value it glues is read from
the executed notebook and merged into the record chapter by chapter, so chapters can be run one
at a time and on different machines:

    {"device": ..., "date": ..., "commit": ...,            # the latest run
     "values": {glue name: value},                          # the values of each chapter's latest passing run
     "chapter_of": {glue name: "nbs/01_rnn"},               # which chapter each value comes from
     "chapters": {"nbs/01_rnn": {"device", "date", "commit", "seconds", "passed", "profile",
                                 "threads", "names": [...]}}}

A chapter's passing run replaces all of that chapter's previous values. A run that raises (a
failed assertion, a timeout) is recorded with "passed": false and its "error"; its values are not
merged (those it glued before failing are kept apart, under "partial_values"), and the values of
the chapter's previous passing run stay, described by "values_from". The executed notebooks are
kept in _build/full_profile/ for inspection. The book shows the record beside the fast profile's
numbers (encdec_lib.core.glue_full_profile, show_profiles) and on its results page.

A run takes long: start it with `nohup python tools/full_profile.py ... > full_profile.log &`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from settings import ROOT, toc_notebooks

RECORD = ROOT / "book" / "results" / "full_profile.json"
EXECUTED = ROOT / "_build" / "full_profile"
KEYS = ("device", "date", "commit", "values", "chapter_of", "chapters")


def empty_record() -> dict:
    return {"device": None, "date": None, "commit": None, "values": {}, "chapter_of": {}, "chapters": {}}


def read_record(path: Path) -> dict:
    record = empty_record()
    if path.exists():
        record.update(json.loads(path.read_text(encoding="utf-8")))
    return record


def write_record(record: dict, path: Path) -> None:
    "Write atomically, keys in the documented order, chapters and values sorted."
    ordered = {k: record.get(k, empty_record()[k]) for k in KEYS}
    for k in ("values", "chapter_of", "chapters"):
        ordered[k] = dict(sorted(ordered[k].items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(ordered, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def merge(record: dict, chapter: str, run: dict, values: dict) -> dict:
    """Merge one chapter's run into the record (returns it).

    `run`: device, date, commit, seconds, passed (and error when it failed, and any other fields).
    A passing run replaces the chapter's previous values by `values`; a failed one leaves them in
    place and keeps `values` apart as partial_values."""
    record = {**empty_record(), **record}
    record["values"], record["chapter_of"], record["chapters"] = dict(record["values"]), dict(record["chapter_of"]), dict(record["chapters"])
    previous = record["chapters"].get(chapter)
    entry = dict(run)
    if run["passed"]:
        for name in [n for n, c in record["chapter_of"].items() if c == chapter]:
            record["values"].pop(name, None)
            record["chapter_of"].pop(name)
        for name, value in values.items():
            other = record["chapter_of"].get(name)
            if other not in (None, chapter):
                print(f"warning: {chapter} glues {name!r}, which {other} glues too; {chapter}'s value is recorded", file=sys.stderr)
            record["values"][name] = value
            record["chapter_of"][name] = chapter
        entry["names"] = sorted(values)
    else:
        entry["partial_values"] = values
        if previous is not None:
            kept = previous if previous.get("passed") else previous.get("values_from")
            if kept:
                entry["values_from"] = {k: kept[k] for k in ("device", "date", "commit", "seconds") if k in kept}
    record["chapters"][chapter] = entry
    record["device"], record["date"], record["commit"] = run["device"], run["date"], run["commit"]
    return record


def device_words(threads: int | None = None) -> str:
    "The device the chapters compute on, in words: the GPU's name, or the CPU's model and cores."
    try:
        import torch

        if torch.cuda.is_available() and os.environ.get("ENCDEC_DEVICE", "cuda").startswith("cuda"):
            return f"{torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda})"
    except ImportError:
        pass
    model = "CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        import platform

        model = platform.processor() or model
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    words = f"CPU {model}, {cores} core{'s' if cores != 1 else ''}"
    return words + (f", {threads} thread{'s' if threads != 1 else ''}" if threads else "")


def commit_words(root: Path = ROOT) -> str:
    "`git rev-parse --short HEAD`, with +dirty when the work tree has changes (the record itself, an output, aside)."
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", ".", f":(exclude){RECORD.relative_to(ROOT).as_posix()}"],
                               cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def chapter_name(path: Path) -> str:
    "'nbs/01_rnn' for ROOT/nbs/01_rnn.ipynb; the path without suffix for a notebook outside the repository."
    path = path.resolve().with_suffix("")
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def notebook_path(arg: str) -> Path:
    path = Path(arg)
    if not path.is_absolute() and not path.exists():
        path = ROOT / path
    if path.suffix != ".ipynb":
        path = path.with_name(path.name + ".ipynb")
    if not path.exists():
        raise SystemExit(f"no notebook {path}")
    return path.resolve()


def execute(path: Path, cell_timeout: int, profile: str, threads: int):
    "Execute a notebook in its folder; returns (executed notebook, seconds, error or None)."
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    env = dict(os.environ, ENCDEC_PROFILE=profile, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    error = None
    try:
        client.execute(env=env)  # the kernel's environment; this process's is left as it is
    except CellExecutionError as e:
        error = f"{e.ename}: {e.evalue}" if getattr(e, "ename", None) else str(e).strip().splitlines()[-1]
    except (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError) as e:
        error = f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
    seconds = time.perf_counter() - start
    if error is not None:
        failing = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
        if failing:
            error += f" (code cell {failing[0]})"
    return nb, seconds, error


def run_chapter(path: Path, record_path: Path, cell_timeout: int, profile: str, threads: int) -> bool:
    import nbformat

    from encdec_lib.core import glued_values

    chapter = chapter_name(path)
    started, commit = now(), commit_words()  # the notebook as it is now is what runs, however long it takes
    print(f"{started}  {chapter}: executing ({profile} profile, {threads} thread{'s' if threads != 1 else ''}) at {commit} ...", flush=True)
    nb, seconds, error = execute(path, cell_timeout, profile, threads)
    dest = EXECUTED / f"{chapter}.ipynb" if not Path(chapter).is_absolute() else EXECUTED / "other" / path.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    # what glue_full_profile glued (<name>_full, <chapter>_full_run) is the record read back, not a result
    values = {k: v for k, v in glued_values(json.loads(nbformat.writes(nb))).items() if not k.endswith(("_full", "_full_run"))}
    run = {"device": device_words(threads), "date": started, "commit": commit, "seconds": round(seconds, 1),
           "passed": error is None, "profile": profile, "threads": threads}
    if error is not None:
        run["error"] = error
    record = merge(read_record(record_path), chapter, run, values)  # re-read: another run may have written meanwhile
    write_record(record, record_path)
    status = "passed" if error is None else f"FAILED ({error})"
    print(f"{now()}  {chapter}: {status} in {seconds:.0f} s, {len(values)} glued values -> {record_path}", flush=True)
    return error is None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapters", nargs="*", help="chapters, e.g. nbs/01_rnn (default: every notebook of _toc.yml)")
    parser.add_argument("--threads", type=int, default=None, help="torch (OpenMP) threads (default: the cores available)")
    parser.add_argument("--cell-timeout", type=int, default=4 * 3600, help="seconds per cell (default: 4 hours)")
    parser.add_argument("--record", type=Path, default=RECORD, help=f"the record to merge into (default: {RECORD.relative_to(ROOT)})")
    parser.add_argument("--profile", default="full", choices=["full", "fast"],
                        help="for trying the script out only: the fast profile may not be written into the book's record")
    args = parser.parse_args(argv)
    if args.profile != "full" and args.record.resolve() == RECORD.resolve():
        parser.error("the book's record holds full-profile runs only: give --record for a fast-profile try")
    threads = args.threads or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    paths = [notebook_path(c) for c in args.chapters] if args.chapters else toc_notebooks()
    outside = [str(p) for p in paths if Path(chapter_name(p)).is_absolute()]
    if outside and args.record.resolve() == RECORD.resolve():
        parser.error(f"the book's record holds the repository's chapters only, not {', '.join(outside)}: give --record")
    results = {chapter_name(p): run_chapter(p, args.record, args.cell_timeout, args.profile, threads) for p in paths}
    failed = [c for c, ok in results.items() if not ok]
    print(f"{len(results) - len(failed)} of {len(results)} chapters passed" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
