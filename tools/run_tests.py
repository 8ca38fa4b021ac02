"""Run every test of the project (what `make test` and CI run).

1. pytest on tests/ and, with nbval, on every notebook of the book (_toc.yml): each notebook
   is executed once; the executed copy is kept in _build/executed.
2. The book is built from those executed notebooks with warnings as errors, and checked.
3. tests/book: headless Chromium opens the built pages (math typeset, images load, Colab
   buttons, no broken internal link, nothing fetched from the network) and takes screenshots.

Per-notebook durations and the time of each step are printed at the end.
Extra arguments are passed to pytest (e.g. `-k core`, or `-x`).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time

from settings import ROOT, toc_notebooks


def get_profile() -> str:
    "The profile the notebooks will run in (encdec_lib.core.get_profile's rule), without importing torch here."
    profile = os.environ.get("ENCDEC_PROFILE", "").strip().lower()
    if profile in ("fast", "full"):
        return profile
    return "full" if shutil.which("nvidia-smi") and subprocess.run(["nvidia-smi", "-L"], capture_output=True).returncode == 0 else "fast"

# seconds per notebook cell (nbval's default is 2000): minutes in the fast profile; the full
# profile's training cells may take longer
CELL_TIMEOUT = {"fast": 300, "full": 1800}
TIMES = ROOT / "book" / "performance" / "notebook_times_cpu.md"  # the performance page's table (benchmarks/notebook_times.py)


def previous_seconds(path=TIMES) -> dict[str, float]:
    "Each notebook's duration in the last recorded run: {'nbs/01_rnn.ipynb': 111.7, ...}."
    if not path.exists():
        return {}
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^\| `([^`]+\.ipynb)` \| ([\d.]+) \|$", path.read_text(), re.M)}


def longest_first(notebooks: list[str], seconds: dict[str, float]) -> list[str]:
    "The notebooks in decreasing order of their last duration (a new one first): the two workers finish together."
    return sorted(notebooks, key=lambda nb: -seconds.get(nb, float("inf")))


def main(argv: list[str]) -> int:
    workers = os.environ.get("ENCDEC_TEST_WORKERS", "2")
    # one BLAS/OpenMP thread per worker per core: oversubscribed torch threads slow every notebook down
    threads = str(max(1, (os.cpu_count() or 1) // int(workers)))
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline")
    env.setdefault("OMP_NUM_THREADS", threads)
    executed = ROOT / "_build" / "executed"
    if executed.exists():
        shutil.rmtree(executed)
    notebooks = longest_first([str(p.relative_to(ROOT)) for p in toc_notebooks()], previous_seconds())
    times = {}
    junit = ROOT / "_build" / "junit.xml"

    start = time.perf_counter()
    # the notebooks first, longest first: pytest-xdist hands out files in this order
    pytest = [sys.executable, "-m", "pytest", *notebooks, "tests", "--ignore=tests/book", "--nbval-lax", "--nbval-current-env",
              f"--nbval-cell-timeout={CELL_TIMEOUT[get_profile()]}", "-n", workers, "--dist", "loadfile", "-q",
              f"--junitxml={junit}", *argv]
    print(f"profile {get_profile()}:", "$", " ".join(pytest), flush=True)
    rc = subprocess.run(pytest, cwd=ROOT, env=env).returncode
    times["pytest and nbval"] = time.perf_counter() - start
    if rc != 0:
        print(f"pytest failed (exit {rc}); the book is not built.")
        return rc
    durations = json.loads((executed / "durations.json").read_text()) if (executed / "durations.json").exists() else {}
    if not argv and set(durations) == set(notebooks):  # a whole run: the performance page shows its times
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "notebook_times.py")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)

    start = time.perf_counter()
    rc = subprocess.run([sys.executable, str(ROOT / "tools" / "book.py"), "--executed", str(executed)],
                        cwd=ROOT, env=env).returncode
    times["book build (from executed notebooks)"] = time.perf_counter() - start
    if rc == 0:
        start = time.perf_counter()
        book_junit = ROOT / "_build" / "junit-book.xml"
        browser = [sys.executable, "-m", "pytest", "tests/book", "-q", "-n", workers, f"--junitxml={book_junit}", *argv]  # pages in parallel
        print("$", " ".join(browser), flush=True)
        rc = subprocess.run(browser, cwd=ROOT, env=dict(env, ENCDEC_BOOK_HTML=str(ROOT / "_build" / "test-book" / "_build" / "html"))).returncode
        times["browser check of the built book"] = time.perf_counter() - start

    print("\n== timings ==")
    for step, seconds in times.items():
        print(f"{seconds:7.1f} s  {step}")
    if rc != 0:
        print("the book build or its browser check failed")
        return rc
    passed, failed = map(sum, zip(junit_counts(junit), junit_counts(book_junit)))
    print(f"tests: {passed + 1} passed, {failed} failed")  # the pytest cases, the browser checks and the book build
    return 0


def junit_counts(path) -> tuple[int, int]:
    "(passed, failed) from pytest's JUnit XML report."
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return tests - failed - skipped, failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
