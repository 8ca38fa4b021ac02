"""The results page: its table and list generated from synthetic inputs (book/_ext/results_table.py),
book/results/headline.yml, and the build's check of the page (tools/book.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
sys.path.insert(0, str(ROOT / "tools"))
import results_table as rt  # noqa: E402
from settings import toc_files  # noqa: E402

# the glue names the results page and the chapters' checks rely on
STABLE = ["rnn_mnist_acc", "rnn_mnist_acc_torch", "rnn_bptt_lstm50", "rnn_bptt_rnn50", "seq2seq_rev_short_init",
          "seq2seq_rev_short_every_step", "attention_dates_acc", "attention_numbers_acc", "attention_numbers_mille",
          "attention_bible_bleu_attention", "attention_bible_chrf_attention", "autoencoder_002_acc_written",
          "autoencoder_002_acc_corrected", "autoencoder_cnn_acc", "autoencoder_conv_mse", "autoencoder_mean_image_mse",
          "autoencoder_2d_err_ae", "autoencoder_2d_err_pca"]

ROWS = [{"name": "a_acc", "label": "accuracy | of a", "chapter": "nbs/01_a", "format": ".3f", "anchor": "0.98, claimed"},
        {"name": "a_n", "label": "count", "chapter": "nbs/01_a", "format": ","},
        {"name": "b_bleu", "label": "BLEU", "chapter": "nbs/02_b", "format": ".1f"},
        {"name": "c_x", "label": "x", "chapter": "nbs/03_c"}]
RUN = {"device": "GPU X (CUDA 12)", "date": "2026-12-01T10:00:00+00:00", "commit": "abc1234", "seconds": 3600.0, "passed": True}


def table_rows(markdown):
    lines = markdown.splitlines()
    assert lines[0] == "| " + " | ".join(rt.HEADER) + " |"
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[2:]]


def test_the_table_shows_fast_full_and_reference_values_and_dashes_for_missing_ones():
    fast = {"nbs/01_a": {"a_acc": 0.9712, "a_n": 50000}}
    record = {"values": {"a_acc": 0.99123, "b_bleu": 17.26}, "chapter_of": {"a_acc": "nbs/01_a", "b_bleu": "nbs/02_b"},
              "chapters": {"nbs/01_a": RUN, "nbs/02_b": dict(RUN, commit="bbb2222")}}
    md = rt.results_markdown(ROWS, fast, record, in_book={"nbs/01_a"})
    a_acc, a_n, b_bleu, c_x = md.splitlines()[2:]
    assert a_acc == ("| accuracy \\| of a | {doc}`/nbs/01_a` | 0.971 | 0.991 | GPU X (CUDA 12), 2026-12-01, commit abc1234 | "
                     "0.98, claimed |")
    assert a_n == "| count | {doc}`/nbs/01_a` | 50,000 | — | — | — |"  # the chapter was run, but this value not recorded
    assert b_bleu == "| BLEU | `nbs/02_b` | — | 17.3 | GPU X (CUDA 12), 2026-12-01, commit bbb2222 | — |"  # not in this book
    assert c_x == "| x | `nbs/03_c` | — | — | — | — |"
    assert md.splitlines()[1].count("|") == 7


def test_a_failed_latest_run_is_shown_with_the_run_the_values_come_from():
    failed = dict(RUN, passed=False, commit="fff9999", error="AssertionError: low", values_from=RUN)
    record = {"values": {"a_acc": 0.99}, "chapter_of": {"a_acc": "nbs/01_a"}, "chapters": {"nbs/01_a": failed}}
    row = rt.results_markdown(ROWS[:1], {}, record, set()).splitlines()[2]
    assert "| 0.990 | GPU X (CUDA 12), 2026-12-01, commit abc1234; a later run failed (see below) |" in row
    never = {"values": {}, "chapter_of": {}, "chapters": {"nbs/01_a": dict(failed, values_from=None)}}
    assert "| — | the run of 2026-12-01 failed (see below) |" in rt.results_markdown(ROWS[:1], {}, never, set())


def test_a_value_recorded_for_another_chapter_is_not_shown():
    record = {"values": {"a_acc": 0.5}, "chapter_of": {"a_acc": "nbs/09_other"}, "chapters": {"nbs/09_other": RUN}}
    assert rt.full_value(record, ROWS[0]) is None


def test_an_empty_record_gives_a_table_of_dashes_and_the_runs_list_says_so():
    record = rt.read_record(Path("/nonexistent/full_profile.json"))
    md = rt.results_markdown(ROWS, {}, record, set())
    assert all(r[2:] == ["—"] * 4 or r[5] != "—" for r in table_rows(md))
    runs = rt.runs_markdown(["nbs/01_a", "nbs/02_b"], record, {"nbs/01_a"})
    assert runs.startswith("No chapter's full profile has been recorded yet (0 of 2 chapters)")
    assert "- {doc}`/nbs/01_a`: not run yet" in runs and "- `nbs/02_b`: not run yet" in runs


def test_the_runs_list_states_each_chapter():
    record = {"device": "GPU X (CUDA 12)", "date": "2026-12-02T10:00:00+00:00", "commit": "ccc3333", "values": {},
              "chapter_of": {}, "chapters": {"nbs/01_a": dict(RUN, names=["a_acc", "a_n"]),
                                             "nbs/02_b": dict(RUN, passed=False, error="AssertionError: x", values_from=RUN)}}
    runs = rt.runs_markdown(["nbs/01_a", "nbs/02_b", "nbs/03_c"], record, set())
    assert runs.splitlines()[0].startswith("The full profile has been run for 1 of the 3 chapters; the latest run: GPU X (CUDA 12), 2026-12-02, commit ccc3333")
    assert "- `nbs/01_a`: passed: GPU X (CUDA 12), 2026-12-01, commit abc1234, 60 min, 2 values" in runs
    assert [rt.duration(t) for t in (95, 720, 9000)] == ["95 s", "12 min", "2.5 h"]
    assert "- `nbs/02_b`: failed: GPU X (CUDA 12), 2026-12-01, commit abc1234: `AssertionError: x`; the values shown are from" in runs
    assert "- `nbs/03_c`: not run yet" in runs


def test_fast_values_come_from_the_executed_notebook_or_from_myst_nbs_glue_data(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out" / "html"
    (src / "nbs").mkdir(parents=True)
    out.mkdir(parents=True)
    glued = {"output_type": "display_data", "data": {"application/papermill.record/text/plain": "0.75"},
             "metadata": {"scrapbook": {"name": "a_acc", "mime_prefix": "application/papermill.record/"}}}
    nb = {"cells": [{"cell_type": "code", "source": "", "outputs": [glued]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (src / "nbs" / "01_a.ipynb").write_text(json.dumps(nb))
    assert rt.fast_values(src, out, "nbs/01_a") == {"a_acc": 0.75}
    nb["cells"][0]["outputs"] = []  # executed at build time: myst-nb keeps the glued data apart
    (src / "nbs" / "02_b.ipynb").write_text(json.dumps(nb))
    (out.parent / "jupyter_execute" / "nbs").mkdir(parents=True)
    (out.parent / "jupyter_execute" / "nbs" / "02_b.glue.json").write_text(json.dumps(
        {"b_bleu": {"data": {"text/plain": "17.25"}, "metadata": {"scrapbook": {"name": "b_bleu", "mime_prefix": ""}}}}))
    assert rt.fast_values(src, out, "nbs/02_b") == {"b_bleu": 17.25}
    assert rt.fast_values(src, out, "nbs/03_c") == {}


def test_pages_with_the_directives_are_read_last(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "results.md").write_text("# R\n\n```{results-table}\n```\n")
    (tmp_path / "book" / "intro.md").write_text("# I\n")
    docnames = ["book/intro", "book/results", "nbs/01_a"]
    rt.read_them_last(None, SimpleNamespace(srcdir=str(tmp_path)), docnames)
    assert docnames == ["book/intro", "nbs/01_a", "book/results"]


def test_headline_rows_are_valid_and_keep_the_stable_names(tmp_path):
    rows = rt.read_headline(ROOT / rt.HEADLINE)
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names)), "a glue name is listed twice"
    assert not set(STABLE) - set(names), f"headline.yml lost stable names: {set(STABLE) - set(names)}"
    toc = set(toc_files())
    for r in rows:
        assert r["chapter"] in toc, r
        format(0.5, r.get("format") or "")  # a valid format spec for a number
    bad = tmp_path / "headline.yml"
    bad.write_text(yaml.safe_dump({"rows": [{"name": "x", "label": "y"}]}))
    with pytest.raises(ValueError, match="no chapter"):
        rt.read_headline(bad)
