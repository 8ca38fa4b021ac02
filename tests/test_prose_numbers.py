"""No number is typed in the prose: every number a sentence states comes from an executed cell.

The book's prose is the markdown cells of the chapters and the hand-written pages of `book/`.
A digit there must sit in a glue role (`{glue:text}`name:.3f``), in math (`$...$`), in code, or
be one of the few numbers that are names rather than measurements: a section (§4.2) or document
number (001), a year (2015), a notebook's name (04_attention), an identifier with digits in it
(Multi30k, float64, ISO 8601), the number of a list item, an exercise, an experiment or a
derivation. Anything else (a result, a configuration value, a size) is glued, or written as math
where it is a mathematical constant ($0$, $1$, $28 \\times 28$).

The last test shows that the scanner catches a typed number.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# removed before looking for digits: where numbers are allowed
NOT_PROSE = [
    re.compile(r"\$\$.*?\$\$", re.S),  # display math
    re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S),  # math environments
    re.compile(r"(?<!\\)\$[^$]+?(?<!\\)\$"),  # inline math (may wrap a line)
    re.compile(r"\{[\w:.-]+\}`[^`]*`"),  # roles: {glue:text}`name:.3f`, {numref}`label`, {cite}`key`
    re.compile(r"`[^`\n]*`"),  # inline code
    re.compile(r"\]\([^)\s]*\)"),  # link targets
    re.compile(r"<[^>\n]+>"),  # html tags
    re.compile(r"^\(\S+\)=\s*$", re.M),  # labels
    re.compile(r"^:\w[\w-]*:.*$", re.M),  # directive options
    re.compile(r"https?://\S+"),  # addresses
]
# numbers that are names, not quantities
NAMES = [
    re.compile(r"§\s?\d+(\.\d+)*(\s?[-–]\s?\d+(\.\d+)*)?"),  # sections: §4.2, §3-4
    re.compile(r"(?<![\d,.])\b00[0-4]\b"),  # the five documents
    re.compile(r"\b(1[89]|20)\d\d[a-z]?\b"),  # years: 2015, 2017a
    re.compile(r"\b\d\d[a-z]?_\w+"),  # notebooks: 04_attention, 00a_training
    re.compile(r"\b[A-Za-z][\w.-]*\d[\w.]*"),  # identifiers: Multi30k, float64, int8, ISO 8601's ISO is the next rule
    re.compile(r"\bISO\s+8601\b|\bUTF-8\b|\b[123]-D\b"),
    re.compile(r"\b(Python|PyTorch|torch|TensorFlow|Jupyter Book|nbdev|version)\s+\d+(\.\d+)*"),  # versions
    re.compile(r"\b\d+\.\d+\.\d+\b|\bCC BY(-SA)? \d\.\d\b"),  # a package's version (3.9.4), a licence's
    re.compile(r"^\s*(\d+\.|\(\d+\))\s", re.M),  # list items
    re.compile(r"\(\d\)"),  # enumerations inside a sentence: (1) ..., (2) ...
    re.compile(r"\b(exercise|experiment|derivation|chapter)s?\s+\d+\b", re.I),
    re.compile(r"^#+\s+\d+\.", re.M),  # numbered headings
]
DIGIT = re.compile(r"\d[\d,.]*")


FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(\{[\w:-]+\})?")


def without_code(markdown: str) -> str:
    "`markdown` without its fenced code blocks; a directive's body (an Errata box, a caption) is prose and stays."
    kept, fences = [], []  # fences: the open fences, innermost last, each (marker, is code)
    for line in markdown.splitlines():
        m = FENCE.match(line)
        if m and fences and m.group(1) == fences[-1][0] and not m.group(2) and not line.strip()[len(m.group(1)):]:
            fences.pop()  # a closing fence
            continue
        if m and not (fences and fences[-1][1]):
            fences.append((m.group(1), m.group(2) is None))  # an opening fence: code unless {directive}
            continue
        if not any(is_code for _, is_code in fences):
            kept.append(line)
    return "\n".join(kept)


def typed_numbers(markdown: str) -> list[str]:
    "The numbers typed in `markdown`'s prose (with a little context each), empty when there are none."
    text = without_code(markdown)
    for pattern in NOT_PROSE + NAMES:
        text = pattern.sub(" ", text)
    found = []
    for m in DIGIT.finditer(text):
        a, b = max(0, m.start() - 30), min(len(text), m.end() + 30)
        found.append(" ".join(text[a:b].split()))
    return found


def prose_sources() -> list[tuple[str, str]]:
    "(where, markdown) of every markdown cell of every chapter and every hand-written page of book/."
    sources = []
    for nb in sorted((ROOT / "nbs").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                sources.append((f"{nb.name} cell {cell.get('id')}", "".join(cell["source"])))
    for page in sorted((ROOT / "book").glob("*.md")) + sorted((ROOT / "book" / "documents").glob("*.md")):
        sources.append((str(page.relative_to(ROOT)), page.read_text(encoding="utf-8")))
    return sources


SOURCES = prose_sources()


@pytest.mark.parametrize("where,markdown", SOURCES, ids=[where for where, _ in SOURCES])
def test_no_typed_number(where, markdown):
    found = typed_numbers(markdown)
    assert not found, f"{where}: numbers typed in prose (glue them, or write a constant as math): {found}"


def test_scanner_catches_a_typed_number():
    assert typed_numbers("The model reaches 0.97 after 2 epochs.") == [
        "The model reaches 0.97 after 2 epochs.", "The model reaches 0.97 after 2 epochs."]
    assert typed_numbers("trained on 50,000 images") == ["trained on 50,000 images"]


def test_scanner_allows_names_glue_math_and_code():
    allowed = ("Document 001 §4.2 (Bahdanau et al. 2015) reaches {glue:text}`attention_dates_acc:.3f` "
               "with $d_k = 64$ and `batch_size=32` on Multi30k in float64, ISO 8601, 04_attention;\n"
               "1. first item\n## Experiment 2: a real corpus\n(1) one, (2) two.")
    assert typed_numbers(allowed) == []


def test_scanner_reads_directive_bodies_and_skips_code():
    box = "```{admonition} Errata\n:class: warning\nThe document claims 0.98.\n```\n```python\nx = 0.98\n```\n"
    assert typed_numbers(box) == ["The document claims 0.98."]
