"""The pages on the source documents: one row per item of SEEDS.md, each with a known category, and links that resolve."""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from coverage_counts import HOW, ROW, counts  # noqa: E402

PAGES = sorted((ROOT / "book" / "documents").glob("0*.md"))


def test_every_item_has_a_row_and_a_known_category():
    assert [p.name[:3] for p in PAGES] == ["000", "001", "002", "003", "004"]
    total = sum((counts(p) for p in PAGES), Counter())
    assert sum(total.values()) == 152, total  # the items of SEEDS.md
    assert set(total) <= set(HOW)


def test_rows_that_claim_treatment_link_to_a_chapter():
    for page in PAGES:
        for line in page.read_text(encoding="utf-8").splitlines():
            m = ROW.match(line)
            if m and m.group(1) != "not yet treated":
                assert re.search(r"\]\(\.\./\.\./nbs/\d\d[a-z]?_\w+\.ipynb", line), f"{page.name}: no link to a chapter in {line[:120]}"
