"""The `results-table` and `full-profile-runs` directives: the book's headline results in both profiles.

`results-table` writes one table row per entry of book/results/headline.yml: the quantity, its
chapter, the fast profile's value (glued by the chapter's notebook as this build executed it),
the full profile's value with the device, date and commit of its run (from
book/results/full_profile.json, written by tools/full_profile.py) and the reference numbers of
the source documents and of other implementations. A value that is not there shows as "—".

`full-profile-runs` lists every chapter of the book with the state of its full-profile run.

Pages that use these directives are read after every other page, so that the chapters have been
executed (or, when the book is built from executed notebooks, read) before their values are collected.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

HEADLINE = Path("book") / "results" / "headline.yml"
RECORD = Path("book") / "results" / "full_profile.json"
MISSING = "—"
DIRECTIVES = ("results-table", "full-profile-runs")


# --- what the page shows: pure functions of the headline rows, the fast values and the record ---

def read_headline(path: Path) -> list[dict]:
    "The rows of headline.yml: name, label, chapter, format, and an optional anchor."
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["rows"]
    for row in rows:
        missing = {"name", "label", "chapter"} - set(row)
        if missing:
            raise ValueError(f"{path}: the row {row} has no {', '.join(sorted(missing))}")
    return rows


def read_record(path: Path) -> dict:
    record = {"device": None, "date": None, "commit": None, "values": {}, "chapter_of": {}, "chapters": {}}
    if path.exists():
        record.update(json.loads(path.read_text(encoding="utf-8")))
    return record


def fmt(value, spec: str | None) -> str:
    "A value as the table shows it; '—' for a missing one."
    if value is None:
        return MISSING
    if spec and isinstance(value, (int, float)) and not isinstance(value, bool):
        return format(value, spec)
    return str(value)


def cell(text: str) -> str:
    "Text safe inside a pipe-table cell."
    return str(text).replace("|", "\\|").replace("\n", " ")


def duration(seconds: float) -> str:
    "'95 s', '12 min', '2.5 h'."
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def run_words(run: dict) -> str:
    return f"{run.get('device', '?')}, {str(run.get('date', '?'))[:10]}, commit {run.get('commit', '?')}"


def full_run(record: dict, chapter: str) -> tuple[dict | None, str]:
    "(the run the chapter's recorded values come from, or None; a note on the chapter's latest run)."
    entry = record.get("chapters", {}).get(chapter)
    if entry is None:
        return None, ""
    if entry.get("passed"):
        return entry, ""
    kept = entry.get("values_from")
    return kept, ("a later run failed (see below)" if kept else f"the run of {str(entry.get('date', '?'))[:10]} failed (see below)")


def full_value(record: dict, row: dict):
    "The recorded full-profile value of a row, or None."
    name = row["name"]
    if name not in record.get("values", {}):
        return None
    if record.get("chapter_of", {}).get(name, row["chapter"]) != row["chapter"]:
        return None  # glued by another chapter than the row names
    return record["values"][name]


def chapter_link(chapter: str, in_book: set[str]) -> str:
    return f"{{doc}}`/{chapter}`" if chapter in in_book else f"`{chapter}`"


HEADER = ["quantity", "chapter", "fast profile (this book)", "full profile", "full-profile run", "reference"]


def results_markdown(rows: list[dict], fast: dict[str, dict], record: dict, in_book: set[str]) -> str:
    """The results table as MyST Markdown.

    rows: headline.yml's rows; fast: {chapter: {glue name: value}} of the executed chapters;
    record: full_profile.json; in_book: the chapters this build contains (linked)."""
    lines = ["| " + " | ".join(HEADER) + " |", "|---|---|--:|--:|---|---|"]
    for row in rows:
        chapter, spec = row["chapter"], row.get("format")
        fast_value = fast.get(chapter, {}).get(row["name"])
        full = full_value(record, row)
        run, note = full_run(record, chapter)
        where = run_words(run) if run and full is not None else MISSING
        if note:
            where = f"{where}; {note}" if where != MISSING else note
        lines.append("| " + " | ".join([cell(row["label"]), chapter_link(chapter, in_book), fmt(fast_value, spec),
                                        fmt(full, spec), cell(where), cell(row.get("anchor") or MISSING)]) + " |")
    return "\n".join(lines)


def runs_markdown(chapters: list[str], record: dict, in_book: set[str]) -> str:
    "A list of the book's chapters with the state of their full-profile runs, and the latest run."
    done = [c for c in chapters if record.get("chapters", {}).get(c, {}).get("passed")]
    lines = []
    if record.get("date"):
        lines.append(f"The full profile has been run for {len(done)} of the {len(chapters)} chapters; the latest run: "
                     f"{run_words(record)}. Chapter by chapter:")
    else:
        lines.append(f"No chapter's full profile has been recorded yet (0 of {len(chapters)} chapters). Chapter by chapter:")
    lines.append("")
    for c in chapters:
        entry = record.get("chapters", {}).get(c)
        if entry is None:
            state = "not run yet"
        elif entry.get("passed"):
            state = f"passed: {run_words(entry)}, {duration(entry.get('seconds', 0))}, {len(entry.get('names', []))} values"
        else:
            kept = entry.get("values_from")
            state = f"failed: {run_words(entry)}: `{entry.get('error', 'an error')}`" + (
                f"; the values shown are from the run of {run_words(kept)}" if kept else "")
        lines.append(f"- {chapter_link(c, in_book)}: {state}")
    return "\n".join(lines)


# --- where the page finds its inputs in a build ---

def fast_values(srcdir: Path, outdir: Path, chapter: str) -> dict:
    """What the chapter glued in this build: from the executed notebook in the sources (a build from
    executed notebooks), else from the glue data myst-nb saved when it executed the chapter."""
    from encdec_lib.core import glued_values

    notebook = srcdir / f"{chapter}.ipynb"
    values = glued_values(notebook) if notebook.exists() else {}
    if values:
        return values
    glue = outdir.parent / "jupyter_execute" / f"{chapter}.glue.json"
    if glue.exists():
        for name, item in json.loads(glue.read_text(encoding="utf-8")).items():
            text = item.get("data", {}).get("text/plain")
            if text is not None:
                fake = {"cells": [{"cell_type": "code", "outputs": [
                    {"data": {"text/plain": text}, "metadata": {"scrapbook": {"name": name, "mime_prefix": ""}}}]}]}
                values.update(glued_values(fake))
    return values


def book_chapters(env) -> list[str]:
    srcdir = Path(env.srcdir)
    return sorted(d for d in env.found_docs if (srcdir / f"{d}.ipynb").exists())


class _Generated(SphinxDirective):
    has_content = False

    def parse(self, markdown: str):
        container = nodes.container()
        self.state.nested_parse(StringList(markdown.splitlines(), source=self.get_source_info()[0]), self.content_offset, container)
        return container.children


class ResultsTable(_Generated):
    def run(self):
        srcdir, outdir = Path(self.env.srcdir), Path(self.env.app.outdir)
        rows = read_headline(srcdir / HEADLINE)
        record = read_record(srcdir / RECORD)
        in_book = set(book_chapters(self.env))
        fast = {c: fast_values(srcdir, outdir, c) for c in {r["chapter"] for r in rows} if c in in_book}
        for path in (srcdir / HEADLINE, srcdir / RECORD):
            self.env.note_dependency(str(path))
        return self.parse(results_markdown(rows, fast, record, in_book))


class FullProfileRuns(_Generated):
    def run(self):
        srcdir = Path(self.env.srcdir)
        self.env.note_dependency(str(srcdir / RECORD))
        chapters = book_chapters(self.env)
        return self.parse(runs_markdown(chapters, read_record(srcdir / RECORD), set(chapters)))


def read_them_last(app, env, docnames: list[str]) -> None:
    "Move the pages that use these directives to the end of the reading order (in place)."
    srcdir = Path(env.srcdir)
    uses = re.compile(r"^[`:]{3,}\{(" + "|".join(DIRECTIVES) + r")\}", re.M)
    last = [d for d in docnames if (srcdir / f"{d}.md").exists() and uses.search((srcdir / f"{d}.md").read_text(encoding="utf-8"))]
    for d in last:
        docnames.remove(d)
    docnames.extend(last)


def setup(app):
    app.add_directive("results-table", ResultsTable)
    app.add_directive("full-profile-runs", FullProfileRuns)
    app.connect("env-before-read-docs", read_them_last)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
