"""The `exercise-index` directive: a list of every exercise of the book, linked to its chapter.

It reads each chapter notebook of the book and collects its exercises: every exercise is a
heading `### Exercise N: title` with the label `(exercise-MODULE-N)=` above it, so that the index
links to the exercise itself (a missing label is a broken reference, which fails the build).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

EXERCISE = re.compile(r"^\((exercise-[\w-]+)\)=\s*\n###\s+Exercise\s+(\d+):\s*(.+)$", re.M)


def chapters(env) -> list[str]:
    "The book's notebook chapters (docnames), in their numbered order."
    srcdir = Path(env.srcdir)
    return sorted(d for d in env.found_docs if (srcdir / f"{d}.ipynb").exists())


def exercises(notebook: Path) -> list[tuple[str, str]]:
    "The exercises of a chapter notebook: (label, title) of each, in order."
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            found += [(m.group(1), m.group(3).strip()) for m in EXERCISE.finditer(source)]
    return found


class ExerciseIndex(SphinxDirective):
    has_content = False

    def run(self):
        srcdir = Path(self.env.srcdir)
        lines = []
        total = 0
        for chapter in chapters(self.env):
            items = exercises(srcdir / f"{chapter}.ipynb")
            if not items:
                continue
            self.env.note_dependency(str(srcdir / f"{chapter}.ipynb"))
            lines += [f"## {{doc}}`/{chapter}`", ""]
            for i, (label, title) in enumerate(items, 1):
                text = title.replace("`", "")  # a role's text cannot hold backticks (code in a title)
                lines.append(f"{i}. {{ref}}`{text} <{label}>`")
            lines.append("")
            total += len(items)
        if not total:
            lines = ["No chapter has exercises yet."]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]), self.content_offset, container)
        return container.children


def setup(app):
    app.add_directive("exercise-index", ExerciseIndex)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
