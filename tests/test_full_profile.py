"""tools/full_profile.py: reading glued values from executed notebooks, and merging runs into
book/results/full_profile.json chapter by chapter (synthetic notebooks and runs: no training)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.formatters import format_display_data

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import full_profile as fp  # noqa: E402

from encdec_lib.core import glued_values  # noqa: E402

PREFIX = "application/papermill.record/"


def glue_output(name, value, display=False):
    "The display_data output myst_nb's glue(name, value, display) writes."
    data, meta = format_display_data(value)
    prefix = "" if display else PREFIX
    return nbformat.from_dict({"output_type": "display_data", "data": {prefix + k: v for k, v in data.items()},
                               "metadata": {**meta, "scrapbook": {"name": name, "mime_prefix": prefix}}})


def notebook(*outputs):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_code_cell("glue(...)")])
    nb.cells[1].outputs = [nbformat.from_dict(o) for o in outputs]
    return json.loads(nbformat.writes(nb))


def run(passed=True, commit="abc1234", date="2026-12-01T10:00:00+00:00", **extra):
    return {"device": "GPU X", "date": date, "commit": commit, "seconds": 12.5, "passed": passed, **extra}


def test_glued_values_parses_every_literal_and_skips_the_rest():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    nb = notebook(glue_output("acc", 0.9871), glue_output("n", 50_000), glue_output("ok", False), glue_output("dev", "cuda:0"),
                  glue_output("shown", -3.5e-11, display=True), glue_output("fig", fig), glue_output("nan", float("nan")),
                  glue_output("arr", [1, 2]), {"output_type": "stream", "name": "stdout", "text": "0.5\n"})
    plt.close(fig)
    values = glued_values(nb)
    assert {k: values[k] for k in ("acc", "n", "ok", "dev", "shown")} == {"acc": 0.9871, "n": 50_000, "ok": False, "dev": "cuda:0", "shown": -3.5e-11}
    assert type(values["n"]) is int and type(values["ok"]) is bool
    assert values["nan"] != values["nan"]  # nan is kept as a float
    assert "fig" not in values and "arr" not in values


def test_glued_values_reads_a_file_and_a_list_source(tmp_path):
    nb = notebook(glue_output("x", 1.25))
    nb["cells"][1]["outputs"][0]["data"][PREFIX + "text/plain"] = ["1.", "25"]  # multi-line sources are lists
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb))
    assert glued_values(path) == {"x": 1.25}


def test_a_passing_run_replaces_the_chapters_previous_values_only():
    record = fp.merge(fp.empty_record(), "nbs/01_rnn", run(), {"rnn_a": 0.9, "rnn_old": 1})
    record = fp.merge(record, "nbs/04_attention", run(commit="bbb"), {"att_b": 25.0})
    record = fp.merge(record, "nbs/01_rnn", run(commit="ccc"), {"rnn_a": 0.99, "rnn_new": 2})
    assert record["values"] == {"rnn_a": 0.99, "rnn_new": 2, "att_b": 25.0}
    assert record["chapter_of"] == {"rnn_a": "nbs/01_rnn", "rnn_new": "nbs/01_rnn", "att_b": "nbs/04_attention"}
    assert record["chapters"]["nbs/01_rnn"]["commit"] == "ccc" and record["chapters"]["nbs/01_rnn"]["names"] == ["rnn_a", "rnn_new"]
    assert record["chapters"]["nbs/04_attention"]["commit"] == "bbb"
    assert record["commit"] == "ccc" and record["device"] == "GPU X"  # the latest run


def test_a_failed_run_is_recorded_but_its_values_are_not_merged():
    good = fp.merge(fp.empty_record(), "nbs/01_rnn", run(), {"rnn_a": 0.99})
    bad = fp.merge(good, "nbs/01_rnn", run(passed=False, commit="ddd", error="AssertionError: too low"), {"rnn_a": 0.3})
    assert bad["values"] == {"rnn_a": 0.99} and bad["chapter_of"] == {"rnn_a": "nbs/01_rnn"}
    entry = bad["chapters"]["nbs/01_rnn"]
    assert entry["passed"] is False and entry["error"] == "AssertionError: too low" and entry["partial_values"] == {"rnn_a": 0.3}
    assert entry["values_from"]["commit"] == "abc1234"  # where the kept values come from
    again = fp.merge(bad, "nbs/01_rnn", run(passed=False, commit="eee", error="x"), {})
    assert again["chapters"]["nbs/01_rnn"]["values_from"]["commit"] == "abc1234"
    first = fp.merge(fp.empty_record(), "nbs/05_transformer", run(passed=False, error="x"), {"t": 1.0})
    assert first["values"] == {} and "values_from" not in first["chapters"]["nbs/05_transformer"]
    assert good["values"] == {"rnn_a": 0.99} and good["chapters"]["nbs/01_rnn"]["passed"]  # merge does not mutate its input


def test_the_record_is_written_in_order_and_read_back(tmp_path):
    path = tmp_path / "results" / "full_profile.json"
    assert fp.read_record(path) == fp.empty_record()
    record = fp.merge(fp.empty_record(), "nbs/01_rnn", run(), {"b": 2, "a": 1})
    fp.write_record(record, path)
    text = path.read_text(encoding="utf-8")
    assert list(json.loads(text)) == list(fp.KEYS) and text.endswith("}\n")
    assert fp.read_record(path) == record
    assert not list(path.parent.glob("*.tmp"))


def test_the_books_record_has_the_documented_structure():
    record = json.loads(fp.RECORD.read_text(encoding="utf-8"))
    assert list(record) == list(fp.KEYS)
    assert set(record["values"]) == set(record["chapter_of"])
    for chapter, entry in record["chapters"].items():
        assert (ROOT / f"{chapter}.ipynb").exists(), chapter
        assert {"device", "date", "commit", "seconds", "passed"} <= set(entry)
        assert entry.get("profile", "full") == "full"
        if entry["passed"]:
            assert all(record["chapter_of"][n] == chapter for n in entry["names"])


def test_device_commit_and_names():
    assert fp.device_words()  # a GPU's name or "CPU <model>, N cores"
    assert fp.commit_words().split("+")[0].isalnum()
    assert fp.chapter_name(ROOT / "nbs" / "01_rnn.ipynb") == "nbs/01_rnn"
    assert fp.notebook_path("nbs/00_core") == (ROOT / "nbs" / "00_core.ipynb").resolve()


def test_the_record_itself_does_not_make_the_tree_dirty(tmp_path):
    import subprocess
    git = lambda *a: subprocess.run(["git", *a], cwd=tmp_path, check=True, capture_output=True)
    record, other = tmp_path / fp.RECORD.relative_to(ROOT), tmp_path / "nbs" / "01_rnn.ipynb"
    for f in (record, other):
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("{}")
    git("init", "-q"); git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "t")
    assert "+" not in fp.commit_words(tmp_path)
    record.write_text('{"values": {}}')  # a chapter's run wrote the record: still the commit's code
    assert "+" not in fp.commit_words(tmp_path)
    other.write_text('{"cells": []}')  # a notebook changed: not the commit's code
    assert fp.commit_words(tmp_path).endswith("+dirty")


def test_the_books_record_is_protected(tmp_path):
    with pytest.raises(SystemExit):  # a fast-profile try may not go into the book's record
        fp.main(["nbs/00_core", "--profile", "fast"])
    outside = tmp_path / "t.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), outside)
    with pytest.raises(SystemExit):  # nor a notebook from outside the repository
        fp.main([str(outside)])


def test_a_tiny_notebook_end_to_end(tmp_path):
    "Execute two small notebooks (one fails) through the script into a scratch record."
    cells = [nbformat.v4.new_code_cell("import os\nfrom myst_nb import glue\nglue('tiny_profile', os.environ['ENCDEC_PROFILE'], display=False)\n"
                                       "glue('tiny_cwd', os.getcwd(), display=False)\nglue('tiny_acc', 0.5 + 0.25)")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / "good.ipynb")
    cells = [nbformat.v4.new_code_cell("from myst_nb import glue\nglue('bad_x', 1.5, display=False)"),
             nbformat.v4.new_code_cell("assert 1 == 2, 'it fails'")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / "bad.ipynb")
    record_path = tmp_path / "record.json"
    rc = fp.main([str(tmp_path / "good.ipynb"), str(tmp_path / "bad.ipynb"), "--record", str(record_path), "--threads", "1",
                  "--cell-timeout", "120"])
    assert rc == 1
    record = json.loads(record_path.read_text())
    good, bad = (fp.chapter_name(tmp_path / f"{n}.ipynb") for n in ("good", "bad"))
    assert record["values"] == {"tiny_profile": "full", "tiny_cwd": str(tmp_path.resolve()), "tiny_acc": 0.75}
    assert record["chapters"][good]["passed"] and record["chapters"][good]["threads"] == 1
    assert not record["chapters"][bad]["passed"] and "AssertionError: it fails" in record["chapters"][bad]["error"]
    assert record["chapters"][bad]["partial_values"] == {"bad_x": 1.5}


def test_the_chapters_find_the_books_record_from_nbs():
    from encdec_lib.core import find_full_profile, full_profile_run, load_full_profile

    assert find_full_profile(ROOT / "nbs") == fp.RECORD.resolve()
    record = load_full_profile(find_full_profile(ROOT / "nbs"))
    assert record["file"] == str(fp.RECORD.resolve()) and set(fp.KEYS) <= set(record)
    assert full_profile_run("nbs/no_such_chapter", record) == "no run recorded in book/results/full_profile.json"
