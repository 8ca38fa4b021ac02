"""The benchmarks' own correctness (their timings are never asserted): the peer of the decoding benchmark is a
benchmark-only extra, and the peer model computes the same function as the course's Transformer."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
torch.set_num_threads(1)


def test_transformers_is_a_benchmark_only_extra():
    importlib.import_module("setuptools")  # before distutils: setup.py runs under setuptools
    import distutils.core
    dist = distutils.core.run_setup(str(ROOT / "setup.py"), stop_after="init")
    assert any(r.startswith("transformers") for r in dist.extras_require["bench"])
    assert not any(r.startswith("transformers") for r in dist.install_requires)
    assert not any(r.startswith("transformers") for r in dist.extras_require["course"])
    # the book's build environment has it, so that the Transformer chapter checks document 003's imports against it
    assert any(r.startswith("transformers") for r in dist.extras_require["dev"])


def _bench():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "bench_generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_peer_model_computes_the_same_function():
    pytest.importorskip("transformers")
    from encdec_lib.decoding import beam_search, greedy_search
    from encdec_lib.transformer import Transformer
    bench = _bench()
    torch.manual_seed(0)
    V, D, H, N, FF = 40, 16, 2, 2, 24
    ours = Transformer(V, V, D, H, N, N, FF, dropout=0.0, max_len=32).eval()
    with torch.no_grad():
        ours.decoder.out.bias[2] = -1e4  # no <eos>, as in the benchmark: both generate 8 tokens
    hf = bench.marian_like(ours, V, D, H, N, FF, 32)
    src = torch.randint(4, V, (3, 6))
    tgt = torch.randint(4, V, (3, 5))
    with torch.no_grad():
        a, b = hf(input_ids=src, decoder_input_ids=tgt).logits, ours(src, tgt)
        torch.testing.assert_close(a[..., 3:], b[..., 3:], atol=1e-5, rtol=1e-5)  # (<eos>'s -1e4 has float32 steps of 1e-3)
        g = greedy_search(ours, src, max_length=8)
        assert torch.equal(hf.generate(src, max_new_tokens=8, do_sample=False, num_beams=1)[:, 1:], g)
        b, _ = beam_search(ours, src, beam_size=3, max_length=8)
        assert torch.equal(hf.generate(src, max_new_tokens=8, do_sample=False, num_beams=3)[:, 1:], b)
