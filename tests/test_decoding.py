"Tests of encdec_lib.decoding: search and sampling on toy, recurrent and Transformer models; filters; bad inputs."
import itertools

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from encdec_lib.attention import make_seq2seq
from encdec_lib.core import Decoder, Encoder, EncoderDecoder, EncoderOutput
from encdec_lib.data import BOS_ID, EOS_ID, PAD_ID
from encdec_lib.decoding import (beam_search, filter_logits, generate, greedy_search, reorder_state, sample,
                                 sample_logits, top_k_filter, top_p_filter)
from encdec_lib.seq2seq import rnn_seq2seq
from encdec_lib.transformer import Transformer

torch.set_num_threads(1)


class BigramEncoder(Encoder):
    def __init__(self, V):
        super().__init__(); self.emb = nn.Embedding(V, V)
    def forward(self, src, src_mask=None):
        return EncoderOutput(self.emb(src), self.emb(src).mean(1), src_mask)


class BigramDecoder(Decoder):
    def __init__(self, V):
        super().__init__(); self.table = nn.Parameter(torch.randn(V, V) * 2)
    def init_state(self, enc):
        return enc.state
    def step(self, y_prev, state, enc):
        return self.table[y_prev] + state, state


def toy(V=5, seed=0):
    torch.manual_seed(seed)
    return EncoderDecoder(BigramEncoder(V), BigramDecoder(V)).eval()


def logprob(m, src, seq):
    enc = m.encoder(src); s = m.decoder.init_state(enc); y = torch.tensor([BOS_ID]); tot = 0.0
    for t in seq:
        logits, s = m.decoder.step(y, s, enc)
        tot += logits.log_softmax(-1)[0, t].item(); y = torch.tensor([t])
        if t == EOS_ID:
            break
    return tot


def models():
    torch.manual_seed(0)
    return {"toy": toy(9),
            "gru_init": rnn_seq2seq(9, 9, 8, 12),
            "lstm_2layer": rnn_seq2seq(9, 9, 8, 12, cell=nn.LSTM, num_layers=2),
            "gru_attention": make_seq2seq("attention", 9, 9, 8, 12),
            "transformer": Transformer(9, 9, 16, 2, 1, 2, 24, dropout=0.0)}


@pytest.mark.parametrize("name", list(models()))
def test_beam_one_is_greedy(name):
    m = models()[name].eval()
    src = torch.randint(4, 9, (5, 6)); mask = torch.arange(6) < torch.tensor([6, 2, 4, 6, 1])[:, None]
    with torch.no_grad():
        g = greedy_search(m, src, mask, max_length=7)
        b, _ = beam_search(m, src, mask, beam_size=1, max_length=7)
    assert torch.equal(g, b)


@pytest.mark.parametrize("name", ["gru_attention", "transformer", "lstm_2layer"])
def test_batched_beam_equals_per_sentence(name):
    m = models()[name].eval()
    src = torch.randint(4, 9, (4, 5)); mask = torch.arange(5) < torch.tensor([5, 3, 2, 4])[:, None]
    out, score = beam_search(m, src, mask, beam_size=3, max_length=6)
    for i in range(4):
        o, s = beam_search(m, src[i:i + 1, :int(mask[i].sum())], None, beam_size=3, max_length=6)
        n = o.size(1)
        assert torch.equal(out[i, :n], o[0]) and (out[i, n:] == PAD_ID).all()
        assert abs(s.item() - score[i].item()) < 1e-4


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wide_beam_is_exhaustive(seed):
    V, L = 5, 3
    m = toy(V, seed)
    src = torch.randint(0, V, (3, 2))
    with torch.no_grad():
        best, score = beam_search(m, src, beam_size=V ** L, max_length=L)
        for i in range(3):
            opt = max(logprob(m, src[i:i + 1], s) for s in itertools.product(range(V), repeat=L))
            assert abs(score[i].item() - opt) < 1e-5
            assert abs(logprob(m, src[i:i + 1], best[i].tolist()) - opt) < 1e-5


def test_beam_return_all_sorted_and_stops_at_eos():
    m = toy(6, 3)
    m.decoder.table.data[:, EOS_ID] += 3.0
    src = torch.randint(0, 6, (4, 3))
    out, score = beam_search(m, src, beam_size=4, max_length=10, return_all=True)
    assert out.shape[:2] == (4, 4)
    assert (score[:, :-1] >= score[:, 1:]).all()
    m.decoder.table.data[:, EOS_ID] += 30.0  # <eos> almost sure: the search stops when every hypothesis has ended
    early, _ = beam_search(m, src, beam_size=4, max_length=10, return_all=True)
    assert early.size(-1) < 10
    for row in out.reshape(-1, out.size(-1)):
        ids = row.tolist()
        if EOS_ID in ids:
            assert all(t == PAD_ID for t in ids[ids.index(EOS_ID) + 1:])


def test_length_penalty_prefers_longer():
    m = toy(6, 3); m.decoder.table.data[:, EOS_ID] += 2.0
    src = torch.randint(0, 6, (30, 3))
    ln = lambda ids: (ids.eq(EOS_ID).long().cumsum(1) - ids.eq(EOS_ID).long() == 0).sum(1)
    o0, _ = beam_search(m, src, beam_size=5, max_length=8, alpha=0.0)
    o1, _ = beam_search(m, src, beam_size=5, max_length=8, alpha=1.0)
    assert (ln(o1) >= ln(o0)).all()


def test_temperature_to_zero_is_greedy():
    m = models()["gru_attention"].eval()
    src = torch.randint(4, 9, (6, 5))
    g = greedy_search(m, src, max_length=6)
    s = sample(m, src, max_length=6, temperature=1e-5, generator=torch.Generator().manual_seed(0))
    assert torch.equal(g, s)
    s2 = generate(m, src, max_length=6, top_k=1, generator=torch.Generator().manual_seed(1))
    assert torch.equal(g, s2)
    assert torch.equal(generate(m, src, max_length=6, do_sample=False), g)


def test_sampling_is_seeded_and_num_samples():
    m = models()["transformer"].eval()
    src = torch.randint(4, 9, (3, 5))
    a = sample(m, src, max_length=5, num_samples=4, generator=torch.Generator().manual_seed(0))
    b = sample(m, src, max_length=5, num_samples=4, generator=torch.Generator().manual_seed(0))
    assert torch.equal(a, b) and a.size(0) == 12


def test_chi_square_sampling_frequencies():
    from scipy.stats import chisquare
    z = torch.tensor([1.0, 0.8, 0.3, 0.0, -0.2, -1.0])
    g = torch.Generator().manual_seed(0)
    for T, k, p in [(1.0, None, 1.0), (2.0, 4, 1.0), (0.8, None, 0.7), (1.0, 5, 0.95)]:
        target = filter_logits(z, T, k, p).softmax(-1).double()
        counts = torch.bincount(sample_logits(z.expand(30000, 6), T, k, p, generator=g), minlength=6).double()
        kept = target > 0
        assert counts[~kept].sum() == 0
        assert chisquare(counts[kept].numpy(), (target[kept] / target[kept].sum() * counts.sum()).numpy()).pvalue > 1e-3


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-20, 20), min_size=1, max_size=12), st.integers(1, 15))
def test_top_k_property(values, k):
    z = torch.tensor(values, dtype=torch.float64)
    f = top_k_filter(z, k)
    kept = torch.isfinite(f)
    assert kept.sum() == min(k, len(values))
    assert torch.equal(f[kept], z[kept])
    if (~kept).any():
        assert z[kept].min() >= z[~kept].max()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-10, 10), min_size=1, max_size=8), st.floats(0.01, 1.0))
def test_top_p_property(values, p):
    z = torch.tensor(values, dtype=torch.float64)
    kept = torch.isfinite(top_p_filter(z, p))
    probs = z.softmax(-1)
    assert probs[kept].sum() >= p - 1e-9  # enough mass
    assert kept.any()
    # smallest: dropping the least probable kept token falls below p
    if kept.sum() > 1:
        assert probs[kept].sum() - probs[kept].min() < p + 1e-9
    if (~kept).any():
        assert probs[kept].min() >= probs[~kept].max()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-10, 10), min_size=2, max_size=8), st.floats(0.05, 5.0))
def test_filtered_distribution_is_a_distribution(values, T):
    z = torch.tensor(values, dtype=torch.float64)
    p = filter_logits(z, T, 3, 0.9).softmax(-1)
    assert not p.isnan().any() and abs(p.sum().item() - 1) < 1e-9


def test_reorder_state():
    idx = torch.tensor([2, 0, 1])
    h = torch.arange(2 * 3 * 4).view(2, 3, 4)  # (layers, N, H)
    s = {"a": (torch.arange(3 * 2).view(3, 2), torch.arange(3)), "b": 7, "c": None}
    r = reorder_state(object(), s, idx, 3)  # a decoder without reorder_state: dim 0 of every tensor
    assert torch.equal(r["a"][0], s["a"][0][idx]) and torch.equal(r["a"][1], torch.tensor([2, 0, 1])) and r["b"] == 7
    kept = reorder_state(object(), {"a": (h, torch.arange(3))}, idx, 3, keep=(h,))  # tensors in `keep` stay as they are
    assert kept["a"][0] is h and torch.equal(kept["a"][1], torch.tensor([2, 0, 1]))
    m = rnn_seq2seq(9, 9, 8, 12, cell=nn.LSTM, num_layers=3)  # a recurrent decoder re-orders (layers, N, H) along dim 1
    (hh, cc), h_N = m.decoder.reorder_state(((h, h + 1), h[-1]), idx, 3)
    assert torch.equal(hh, h[:, idx]) and torch.equal(cc, (h + 1)[:, idx]) and torch.equal(h_N, h[-1][idx])


def test_bad_inputs():
    m = toy()
    src = torch.randint(0, 5, (2, 3))
    z = torch.randn(2, 5)
    for bad in (0.0, -0.1, 1.01, float("nan")):
        with pytest.raises(ValueError, match="top_p"):
            top_p_filter(z, bad)
        with pytest.raises(ValueError, match="top_p"):
            generate(m, src, top_p=bad)
    for bad in (0, -3, 2.5):
        with pytest.raises(ValueError, match="top_k"):
            top_k_filter(z, bad)
        with pytest.raises(ValueError, match="top_k"):
            generate(m, src, top_k=bad)
    for bad in (0, -1.0, float("inf")):
        with pytest.raises(ValueError, match="temperature"):
            generate(m, src, temperature=bad)
    for bad in (0, -5, 2.0):
        with pytest.raises(ValueError, match="max_length"):
            generate(m, src, max_length=bad)
        with pytest.raises(ValueError, match="max_length"):
            beam_search(m, src, max_length=bad)
    with pytest.raises(ValueError, match="beam_size"):
        beam_search(m, src, beam_size=0)
    with pytest.raises(ValueError, match="num_samples"):
        sample(m, src, num_samples=0)
    with pytest.raises(ValueError, match="src_mask"):
        beam_search(m, src, torch.ones(2, 4, dtype=torch.bool))


def sequence_logprob(m, src, seq):
    "log p(seq | src) by teacher forcing one sentence (1, S), up to and including the first <eos>."
    enc = m.encoder(src); s = m.decoder.init_state(enc); y = torch.tensor([BOS_ID]); tot = 0.0
    for t in seq:
        logits, s = m.decoder.step(y, s, enc)
        tot += logits.float().log_softmax(-1)[0, t].item(); y = torch.tensor([t])
        if t == EOS_ID:
            break
    return tot


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["gru", "lstm", "rnn", "attention"]), layers=st.integers(1, 4), B=st.integers(1, 3),
       k=st.integers(1, 4), alpha=st.sampled_from([0.0, 0.7]), seed=st.integers(0, 2**16))
def test_beam_score_is_the_log_probability_of_the_returned_sequence(kind, layers, B, k, alpha, seed):
    # layers == B·k makes the recurrent state (layers, B·k, H) square in its first two dimensions: the case a re-ordering
    # that picks the batch dimension by its size gets wrong
    from encdec_lib.decoding import length_penalty
    torch.manual_seed(seed)
    cell = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN, "attention": nn.GRU}[kind]
    m = (make_seq2seq("attention", 9, 9, 6, 8, cell=cell, num_layers=layers) if kind == "attention"
         else rnn_seq2seq(9, 9, 6, 8, cell=cell, num_layers=layers)).eval()
    src = torch.randint(4, 9, (B, 4))
    out, score = beam_search(m, src, beam_size=k, max_length=5, alpha=alpha, return_all=True)
    for i in range(B):
        for j in range(k):
            ids = out[i, j].tolist()
            n = ids.index(EOS_ID) + 1 if EOS_ID in ids else len(ids)
            lp = length_penalty(torch.tensor(n), alpha).item()
            assert score[i, j].item() * lp == pytest.approx(sequence_logprob(m, src[i:i + 1], ids[:n]), abs=1e-4)


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_decoding_helpers_restore_the_mode_they_found(mode):
    m = models()["gru_attention"]
    getattr(m, mode)()
    src = torch.randint(4, 9, (2, 3))
    greedy_search(m, src, max_length=3); beam_search(m, src, beam_size=2, max_length=3)
    sample(m, src, max_length=3); generate(m, src, max_length=3)
    assert all(x.training == (mode == "train") for x in m.modules())


def test_beam_search_refuses_a_state_without_a_batch_dimension_0():
    class Layered(BigramDecoder):  # keeps a (layers, B, V) state but does not say so: refused, not mis-read
        def init_state(self, enc):
            return enc.state.unsqueeze(0).expand(3, -1, -1)
        def step(self, y_prev, state, enc):
            return self.table[y_prev] + state[-1], state + 0
    torch.manual_seed(0)
    m = EncoderDecoder(BigramEncoder(5), Layered(5)).eval()
    with pytest.raises(ValueError, match="override Decoder.reorder_state"):
        beam_search(m, torch.randint(0, 5, (2, 3)), beam_size=2, max_length=3)


def test_beam_search_with_a_state_that_shares_a_tensor_across_the_batch():
    class Shared(BigramDecoder):  # its state carries a (V,) tensor that is the same for every row
        def init_state(self, enc):
            return enc.state, self.table[0]
        def step(self, y_prev, state, enc):
            return self.table[y_prev] + state[0] + state[1], state
    torch.manual_seed(0)
    m = EncoderDecoder(BigramEncoder(5), Shared(5)).eval()
    src = torch.randint(0, 5, (3, 2))
    out, score = beam_search(m, src, beam_size=2, max_length=3)
    for i in range(3):
        o, s = beam_search(m, src[i:i + 1], beam_size=2, max_length=3)
        assert torch.equal(out[i, :o.size(1)], o[0]) and abs(s.item() - score[i].item()) < 1e-5
