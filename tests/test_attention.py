"Tests of encdec_lib.attention: scores, masking, the attention decoder, 001's AttnDecoder, make_seq2seq."
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from torch import nn

from encdec_lib.core import EncoderDecoder
from encdec_lib.data import BOS_ID, PAD_ID, make_batch
from encdec_lib.attention import (MODES, SCORES, Attention, AttentionDecoder, Doc001AttnDecoder, attention_weights,
                                  hidden_for_budget, make_seq2seq, masked_softmax)
from encdec_lib.seq2seq import RNNEncoder, greedy, seq2seq_loss

torch.set_num_threads(1)


@pytest.mark.parametrize("score", SCORES)
def test_weights_are_a_masked_distribution(score):
    torch.manual_seed(0)
    att = Attention(6, 6, score).double()
    q, K = torch.randn(4, 6, dtype=torch.float64), torch.randn(4, 5, 6, dtype=torch.float64)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]], dtype=torch.bool)
    c, a = att(q, K, mask)
    assert (a[~mask] == 0).all() and torch.allclose(a[:3].sum(-1), torch.ones(3, dtype=torch.float64))
    assert (a[3] == 0).all() and (c[3] == 0).all()  # all padding: zeros, no NaN
    torch.testing.assert_close(c, (a.unsqueeze(-1) * K).sum(1))
    torch.testing.assert_close(a[2, 0], torch.tensor(1.0, dtype=torch.float64))


@given(st.integers(1, 4), st.integers(1, 7), st.integers(1, 5))
@settings(max_examples=25, deadline=None)
def test_scaled_dot_matches_pytorch(B, S, d):
    g = torch.Generator().manual_seed(B * 100 + S * 10 + d)
    q, K = torch.randn(B, d, generator=g, dtype=torch.float64), torch.randn(B, S, d, generator=g, dtype=torch.float64)
    lengths = torch.randint(1, S + 1, (B,), generator=g)
    mask = torch.arange(S) < lengths.unsqueeze(1)
    c, _ = Attention(d, d, "scaled_dot")(q, K, mask)
    ref = F.scaled_dot_product_attention(q.unsqueeze(1), K, K, attn_mask=mask.unsqueeze(1)).squeeze(1)
    torch.testing.assert_close(c, ref, rtol=1e-10, atol=1e-10)


def test_prepared_keys_give_the_same_scores():
    torch.manual_seed(0)
    for score in SCORES:
        att = Attention(5, 5, score)
        q, K = torch.randn(2, 5), torch.randn(2, 3, 5)
        torch.testing.assert_close(att.scores(q, K), att.scores(q, K, att.prepare(K)))


def test_attention_bad_inputs():
    with pytest.raises(ValueError, match="score"):
        Attention(4, 4, "cosine")
    with pytest.raises(ValueError, match="query_size == key_size"):
        Attention(4, 6, "dot")
    att = Attention(4, 6)
    with pytest.raises(ValueError, match="query"):
        att(torch.randn(2, 5), torch.randn(2, 3, 6))
    with pytest.raises(ValueError, match="keys"):
        att(torch.randn(2, 4), torch.randn(2, 3, 5))
    with pytest.raises(ValueError, match="mask"):
        att(torch.randn(2, 4), torch.randn(2, 3, 6), torch.ones(2, 4, dtype=torch.bool))


def test_masked_softmax_gradient_finite():
    s = torch.randn(2, 3, requires_grad=True)
    a = masked_softmax(s, torch.tensor([[True, False, True], [False, False, False]]))
    a.sum().backward()
    assert torch.isfinite(s.grad).all() and (a[1] == 0).all()


def batch(V=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    pairs = [(torch.randint(4, V, (n,), generator=g).tolist(), torch.randint(4, V, (m,), generator=g).tolist())
             for n, m in [(5, 3), (2, 4), (4, 1)]]
    return make_batch(pairs)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cell", [nn.GRU, nn.LSTM])
def test_every_mode_trains_one_step_and_decodes(mode, cell):
    torch.manual_seed(0)
    m = make_seq2seq(mode, 12, 12, 8, 16, cell=cell, max_length=6, bidirectional=not mode.startswith("doc001"))
    b = batch()
    loss = seq2seq_loss(m, b)
    loss.backward()
    assert torch.isfinite(loss)
    out = greedy(m, b.src, b.src_mask, max_len=6)
    assert out.shape[0] == 3 and out.shape[1] <= 6


@pytest.mark.parametrize("score", SCORES)
def test_attention_decoder_padding_invariance(score):
    torch.manual_seed(0)
    dot = score in ("dot", "scaled_dot")  # need d_q == d_k: a bidirectional encoder (2H) does not fit
    if dot:
        with pytest.raises(ValueError, match="query_size == key_size"):
            make_seq2seq("attention", 12, 12, 8, 16, score=score, bidirectional=True)
    m = make_seq2seq("attention", 12, 12, 8, 16, score=score, bidirectional=not dot, cell=nn.LSTM).eval()
    b = batch()
    full = m(b.src, b.tgt_in, b.src_mask)
    for i in range(3):
        n, t = int(b.src_mask[i].sum()), int((b.tgt_in[i] != PAD_ID).sum())
        torch.testing.assert_close(m(b.src[i:i + 1, :n], b.tgt_in[i:i + 1, :t])[0], full[i, :t], atol=1e-5, rtol=1e-5)


def test_attention_weights_shapes_and_greedy_agree():
    torch.manual_seed(0)
    m = make_seq2seq("attention", 12, 12, 8, 16).eval()
    b = batch()
    tokens, w = attention_weights(m, b.src, b.src_mask, max_len=5)
    assert w.shape == (3, 5, b.src.size(1)) and (w[~b.src_mask.unsqueeze(1).expand_as(w)] == 0).all()
    g = m.greedy_decode(b.src, BOS_ID, -1, 5, b.src_mask)  # never stops
    assert torch.equal(tokens, g)


def test_doc001_attn_decoder_errata():
    torch.manual_seed(0)
    m = make_seq2seq("doc001_attn", 12, 12, hidden_size=8, max_length=4).eval()
    with pytest.raises(ValueError, match="max_length=4"):
        m(torch.randint(4, 12, (1, 5)), torch.tensor([[BOS_ID]]))
    src = torch.randint(4, 12, (2, 3))
    enc = m.encoder(src)
    other = enc._replace(outputs=torch.randn_like(enc.outputs))
    _, s1 = m.decoder.step(torch.tensor([BOS_ID] * 2), m.decoder.init_state(enc), enc)
    _, s2 = m.decoder.step(torch.tensor([BOS_ID] * 2), m.decoder.init_state(other), other)
    assert torch.equal(s1.alpha, s2.alpha) and s1.alpha.shape == (2, 4)
    with pytest.raises(ValueError, match="max_length"):
        make_seq2seq("doc001_attn", 12, 12)
    with pytest.raises(ValueError, match="LSTM"):
        EncoderDecoder(RNNEncoder(12, 8, 8), Doc001AttnDecoder(8, 12, 4))(src, torch.tensor([[BOS_ID]] * 2))


def test_make_seq2seq_bad_mode_and_budget():
    with pytest.raises(ValueError, match="mode"):
        make_seq2seq("transformer", 10, 10)
    for mode in ("init", "attention"):
        h = hidden_for_budget(mode, 20_000, src_vocab=14, tgt_vocab=14, emb_size=16)
        n = sum(p.numel() for p in make_seq2seq(mode, 14, 14, 16, h).parameters())
        assert abs(n - 20_000) < 0.1 * 20_000


def test_vocabulary_mismatch_is_named():
    m = make_seq2seq("attention", 10, 10, 8, 16)
    b = batch(V=14)
    with pytest.raises(ValueError, match="vocabulary"):
        seq2seq_loss(m, b)


def test_layers_mismatch():
    enc = RNNEncoder(12, 8, 16, num_layers=2)
    dec = AttentionDecoder(12, 8, 16, 16, num_layers=1)
    b = batch()
    with pytest.raises(ValueError, match="layers"):
        EncoderDecoder(enc, dec)(b.src, b.tgt_in, b.src_mask)
