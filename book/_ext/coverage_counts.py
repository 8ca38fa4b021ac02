"""The `coverage-counts` directive: how the course treats the items of each source document, counted.

It reads the item tables of the document pages (book/documents/0*.md: one row per item,
`| §section | item | where | how |`) when the book is built and writes one row per document with
the number of items in each category, so that the counts cannot drift from the tables.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

HOW = ("derived and checked", "errata", "demonstration", "paragraph", "not yet treated")
ROW = re.compile(r"^\|\s*§[^|]*\|[^|]*\|[^|]*\|\s*([^|]+?)\s*\|\s*$", re.M)


def counts(page: Path) -> Counter:
    "How many items of one document page fall in each category (its table's last column)."
    found = Counter(m.group(1) for m in ROW.finditer(page.read_text(encoding="utf-8")))
    unknown = set(found) - set(HOW)
    if unknown:
        raise ValueError(f"{page.name}: unknown categories {sorted(unknown)}; expected one of {HOW}")
    return found


class CoverageCounts(SphinxDirective):
    has_content = False

    def run(self):
        folder = Path(self.env.srcdir) / "book" / "documents"
        pages = sorted(folder.glob("0*.md"))
        total = Counter()
        lines = ["| document | " + " | ".join(HOW) + " | items |", "|---|" + "---:|" * (len(HOW) + 1)]
        for page in pages:
            self.env.note_dependency(str(page))
            c = counts(page)
            total += c
            lines.append(f"| [{page.stem[:3]}]({page.name}) | " + " | ".join(str(c[h]) for h in HOW) + f" | {sum(c.values())} |")
        lines.append("| all | " + " | ".join(str(total[h]) for h in HOW) + f" | {sum(total.values())} |")
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]), self.content_offset, container)
        return container.children


def setup(app):
    app.add_directive("coverage-counts", CoverageCounts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
