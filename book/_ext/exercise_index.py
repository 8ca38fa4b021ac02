"""The `exercise-index` directive: a list of every exercise of the book, linked to its chapter.

It reads each chapter notebook of the book and collects the numbered items under
its `## Exercises` heading (across markdown cells, until the next heading of level <= 2). Each
item is listed by its bold title, or else by its first sentence.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

ITEM = re.compile(r"^(\d+)\.\s+(.*)")


def chapters(env) -> list[str]:
    "The book's notebook chapters (docnames), in their numbered order."
    srcdir = Path(env.srcdir)
    return sorted(d for d in env.found_docs if (srcdir / f"{d}.ipynb").exists())


def exercises(notebook: Path) -> list[str]:
    "The exercises of a chapter notebook: one short title per numbered item under '## Exercises'."
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found, inside = [], False
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for line in source.splitlines():
            heading = re.match(r"^(#+)\s+(.*)", line)
            if heading:
                level = len(heading.group(1))
                if re.search(r"exercises?\b", heading.group(2), re.I):
                    inside = True
                elif level <= 2:
                    inside = False
                continue
            item = ITEM.match(line) if inside else None
            if item:
                found.append(title_of(item.group(2)))
    return found


def title_of(text: str) -> str:
    bold = re.match(r"\*\*(.+?)\*\*", text)
    if bold:
        return bold.group(1).rstrip(".")
    sentence = re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0]
    return sentence if len(sentence) <= 140 else sentence[:137].rsplit(" ", 1)[0] + " …"


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
            for i, title in enumerate(items, 1):
                lines.append(f"{i}. [{title}](/{chapter}.ipynb#exercises)")
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
