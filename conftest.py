"""pytest hooks for the notebook run (nbval).

- Each notebook that nbval executes is written, with the outputs nbval collected, to
  `_build/executed/<path>.ipynb`, so that the book can be built from it without executing the
  notebook a second time (`tools/run_tests.py`).
- The time each notebook took (kernel start and every cell) is printed at the end of the run and
  written to `_build/executed/durations.json`.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
EXECUTED = ROOT / "_build" / "executed"
_durations: dict[str, float] = defaultdict(float)
_executed: dict[str, object] = {}  # notebook path -> its nbval file node (only on the process that ran it)
_failed: set[str] = set()


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield
    if _is_nbval_cell(item):
        cell = item.cell
        cell.outputs = list(item.test_outputs or [])
        cell.execution_count = item.cell_num + 1
        for out in cell.outputs:
            if out.get("output_type") == "execute_result":
                out["execution_count"] = cell.execution_count
        _executed[item.nodeid.split("::")[0]] = item.parent


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _durations[path] += report.duration
        if report.failed:
            _failed.add(path)


def pytest_sessionfinish(session, exitstatus):
    import nbformat

    for path, node in _executed.items():
        if path in _failed:
            continue
        dest = EXECUTED / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(node.nb, dest)
    if _durations and not hasattr(session.config, "workerinput"):  # the controller (or a plain run)
        EXECUTED.mkdir(parents=True, exist_ok=True)
        (EXECUTED / "durations.json").write_text(json.dumps(dict(_durations), indent=1))


def pytest_terminal_summary(terminalreporter):
    if not _durations:
        return
    tr = terminalreporter
    tr.section("notebook durations (kernel start + every cell)")
    for path, seconds in sorted(_durations.items(), key=lambda kv: -kv[1]):
        flag = "  FAILED" if path in _failed else ""
        tr.write_line(f"{seconds:7.1f} s  {path}{flag}")
    tr.write_line(f"{sum(_durations.values()):7.1f} s  total")
