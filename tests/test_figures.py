"""The book's figures: every script in book/figures/ draws its SVG, the same file on every run; every
SVG there is shown by a chapter or a page; every chapter of the table of contents shows one."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "book" / "figures"
SCRIPTS = sorted(p for p in FIGURES.glob("*.py") if p.name not in ("style.py", "all.py"))
FIGURE = re.compile(r"book/figures/([\w-]+\.svg)")


def shown(path: Path) -> set[str]:
    "The figures of book/figures/ that a notebook's markdown cells or a page reference."
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    return set(FIGURE.findall(text))


def chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p["caption"] == "Chapters")
    return [c["file"] for c in part["chapters"]]


def draw(script: Path, out: Path) -> str:
    "Run the script's main(out) in a fresh interpreter, as `python book/figures/<name>.py` would; the SVG text."
    code = (f"import runpy, sys; sys.path.insert(0, {str(FIGURES)!r}); "
            f"runpy.run_path({str(script)!r})['main'](__import__('pathlib').Path({str(out)!r}))")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_draws_its_svg(script, tmp_path):
    "Each script writes an SVG, and the committed <name>.svg is what it draws (so the drawing is deterministic)."
    svg = draw(script, tmp_path / script.with_suffix(".svg").name)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg, f"{script.name} did not write an SVG"
    committed = script.with_suffix(".svg")
    assert committed.exists(), f"{committed} is missing: run python {script.relative_to(ROOT)}"
    assert committed.read_text(encoding="utf-8") == svg, \
        f"{committed.name} is not what {script.name} draws: run python {script.relative_to(ROOT)}"


ARTICLE_PT = 588  # the text column: 784 px at a 1400 px window, where the browser check reads the book


def displayed_text_pt(svg: str) -> float:
    "The smallest label's size as a reader sees it: an SVG wider than the text column is scaled down to it."
    width = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1))
    smallest = float(re.search(r"smallest text ([\d.]+) pt", svg).group(1))
    return smallest * min(1.0, ARTICLE_PT / width)


def test_displayed_text_size_reads_the_svg():
    svg = '<svg width="1176pt" height="10pt"><dc:description>smallest text 16 pt</dc:description>'
    assert displayed_text_pt(svg) == 8.0  # drawn at 16 pt, shown at half size
    assert displayed_text_pt(svg.replace("1176pt", "500pt")) == 16.0  # narrower than the column: as drawn


@pytest.mark.parametrize("svg", sorted(FIGURES.glob("*.svg")), ids=lambda p: p.name)
def test_labels_legible_at_the_displayed_width(svg):
    "Every label of a diagram is at least 9 pt on the page, after the browser scales it to the text column."
    size = displayed_text_pt(svg.read_text(encoding="utf-8"))
    assert size >= 9, f"{svg.name}: its smallest label shows at {size:.1f} pt (draw it narrower or larger)"


def test_every_svg_has_a_script():
    missing = [p.name for p in FIGURES.glob("*.svg") if not p.with_suffix(".py").exists()]
    assert not missing, f"figures without the script that draws them: {missing}"


def test_every_svg_is_shown():
    used = set()
    for path in [*ROOT.glob("nbs/*.ipynb"), *ROOT.glob("book/**/*.md")]:
        if FIGURES not in path.parents:
            used |= shown(path)
    unused = sorted(p.name for p in FIGURES.glob("*.svg") if p.name not in used)
    assert not unused, f"figures no chapter or page shows: {unused}"


def test_every_chapter_shows_a_figure():
    bare = [f for f in chapters() if not shown(ROOT / f"{f}.ipynb")]
    assert not bare, f"chapters without a figure from book/figures/: {bare}"


def test_shown_figures_exist_and_name_their_script():
    "A {figure} directive points at an existing SVG, and its caption names the script that draws it."
    problems = []
    for nb in ROOT.glob("nbs/*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            src = "".join(cell["source"])
            for m in re.finditer(r"```\{figure\} \.\./book/figures/([\w-]+)\.svg(.*?)```", src, re.S):
                name = m.group(1)
                if not (FIGURES / f"{name}.svg").exists():
                    problems.append(f"{nb.name}: {name}.svg does not exist")
                if f"Drawn by `book/figures/{name}.py`." not in " ".join(m.group(2).split()):
                    problems.append(f"{nb.name}: the caption of {name}.svg does not end 'Drawn by `book/figures/{name}.py`.'")
    assert not problems, "\n".join(problems)
