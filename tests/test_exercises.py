"""Every chapter ends with exercises in one format, each with its own label and a folded, executed solution.

The format (read by book/_ext/exercise_index.py, which links the index to each exercise):

    (exercise-MODULE-N)=
    ### Exercise N: Title

    The question ... and a ```{admonition} Solution``` (class dropdown) with the answer in words,

followed by a code cell starting with `#| code-fold: true` that computes and checks the answer
(folded with its output in the book, so it gives nothing away).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from exercise_index import EXERCISE  # noqa: E402
from settings import toc_notebooks  # noqa: E402

CHAPTERS = [p for p in toc_notebooks()]
OLD_FORMATS = re.compile(r"^(\d+\.\s+\*\*.+\*\*|\*\*Exercise \d+)", re.M)


def module_of(nb: dict) -> str:
    for cell in nb["cells"]:
        m = re.search(r"#\|\s*default_exp\s+(\w+)", "".join(cell["source"]))
        if m:
            return m.group(1)
    raise AssertionError("no #| default_exp")


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_exercises_have_labels_and_folded_solutions(notebook):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    module = module_of(nb)
    found, solutions, after_exercises = [], {}, False
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            after_exercises |= "## Exercises" in source
            for m in EXERCISE.finditer(source):
                found.append((m.group(1), int(m.group(2))))
                assert "```{admonition} Solution" in source, f"{m.group(1)}: no Solution box"
            if after_exercises:
                assert not OLD_FORMATS.search(source), f"an exercise in another format: {OLD_FORMATS.search(source).group(0)}"
        elif found and source.lstrip().startswith("#| code-fold: true"):
            solutions[found[-1][0]] = True
    assert found, f"{notebook.name} has no exercises"
    assert [n for _, n in found] == list(range(1, len(found) + 1)), f"exercises numbered {[n for _, n in found]}"
    assert [label for label, _ in found] == [f"exercise-{module}-{n}" for _, n in found], found
    missing = [label for label, _ in found if label not in solutions]
    assert not missing, f"exercises without a folded solution cell: {missing}"
