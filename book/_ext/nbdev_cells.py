"""Render nbdev notebooks in Jupyter Book: turn `#|` directives into myst-nb cell tags.

nbdev marks cells with comment directives (`#| export`, `#| hide`, ...) and its clean step drops
cell metadata, so the notebooks carry no myst-nb tags. Before myst-nb parses a notebook this
extension rewrites each code cell: the directive lines are removed from the shown source and
mapped to tags that myst-nb understands.

| directive            | effect in the book                            |
|----------------------|-----------------------------------------------|
| `#| hide`            | the cell (code and output) is not shown        |
| `#| echo: false`     | the code is not shown, the output is          |
| `#| output: false`   | the output is not shown                        |
| `#| code-fold: true` | code and output are folded behind one toggle (solutions: the output would give the answer away) |
| any other (`export`, `default_exp`, ...) | the line is removed   |

A cell left with no code (e.g. only `#| default_exp core`) is not shown. The cells still run.
A chapter with `#| default_exp NAME` gets a link to its library reference page, book/api/NAME.

It also removes horizontal rules nested inside cell outputs: nbdev's `show_doc` starts its
markdown with `---`, and docutils cannot place a transition anywhere but between sections.
"""
from __future__ import annotations

import json
import re

from docutils import nodes
from docutils.transforms import Transform

DIRECTIVE = re.compile(r"^\s*#\|\s?(.*?)\s*$")


def directives_and_code(source: str) -> tuple[list[tuple[str, str]], str]:
    "Split a code cell into its leading `#|` directives (key, value) and the remaining code."
    lines = source.splitlines()
    directives = []
    i = 0
    while i < len(lines):
        m = DIRECTIVE.match(lines[i])
        if m:
            key, _, value = m.group(1).partition(":") if ":" in m.group(1) else m.group(1).partition(" ")
            directives.append((key.strip(), value.strip()))
        elif lines[i].strip():
            break
        i += 1
    return directives, "\n".join(lines[i:]).rstrip()


def tags_for(directives: list[tuple[str, str]], code: str) -> set[str]:
    "myst-nb tags for a cell with these directives and remaining code."
    tags = set()
    for key, value in directives:
        value = value.lower()
        if key == "hide" or (key == "include" and value == "false"):
            tags.add("remove-cell")
        elif key == "echo" and value == "false":
            tags.add("remove-input")
        elif key == "output" and value == "false":
            tags.add("remove-output")
        elif key == "code-fold" and value in ("true", "show"):
            tags.add("hide-cell")
    if not code.strip():
        tags.add("remove-input")
    return tags


def api_link_cell(module: str) -> dict:
    "A markdown cell that links a chapter to the reference page of the module it exports."
    text = f"```{{seealso}}\nThe library reference of this chapter's module: {{doc}}`encdec_lib.{module} </book/api/{module}>`.\n```"
    return {"cell_type": "markdown", "id": "api-reference-link", "metadata": {}, "source": text}


def process_notebook(text: str) -> str:
    "Rewrite a notebook's JSON text: directives out of the source, tags into the metadata."
    nb = json.loads(text)
    module = None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        directives, code = directives_and_code(source)
        if not directives:
            continue
        module = module or next((v for k, v in directives if k == "default_exp"), None)
        tags = tags_for(directives, code)
        meta = cell.setdefault("metadata", {})
        meta["tags"] = sorted(set(meta.get("tags", [])) | tags)
        cell["source"] = code
    if module:
        cells = nb["cells"]
        first_md = next((i for i, c in enumerate(cells) if c.get("cell_type") == "markdown"), -1)
        cells.insert(first_md + 1, api_link_cell(module))
    return json.dumps(nb)


class RemoveNestedTransitions(Transform):
    "Drop transitions (horizontal rules) that are not direct children of a section or the document."
    default_priority = 500  # before docutils' Transitions check (830)

    def apply(self):
        for node in list(self.document.findall(nodes.transition)):
            if not isinstance(node.parent, (nodes.document, nodes.section)):
                node.parent.remove(node)


def _source_read(app, docname, source):
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        source[0] = process_notebook(source[0])


def setup(app):
    app.connect("source-read", _source_read)
    app.add_transform(RemoveNestedTransitions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
