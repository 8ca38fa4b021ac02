"Tests of encdec_lib.seq2seq: encoder, decoders (a)/(b), 001's Decoder, training tools, bad inputs."
import pytest
import torch
from torch import nn

from encdec_lib.core import Decoder, EncoderDecoder
from encdec_lib.data import BOS_ID, PAD_ID, Seq2SeqBatch, make_batch
from encdec_lib.seq2seq import (Doc001Decoder, RNNDecoder, RNNEncoder, exact_match_rate, greedy, perplexity,
                                rnn_seq2seq, seq2seq_loss, teacher_forcing_logits)

torch.set_num_threads(1)


def batch(B=3, V=10, seed=0):
    g = torch.Generator().manual_seed(seed)
    pairs = [(torch.randint(4, V, (int(n),), generator=g).tolist(), torch.randint(4, V, (int(m),), generator=g).tolist())
             for n, m in zip(torch.randint(1, 6, (B,), generator=g), torch.randint(1, 5, (B,), generator=g))]
    return make_batch(pairs)


@pytest.mark.parametrize("cell", [nn.RNN, nn.GRU, nn.LSTM])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("mode", ["init", "every_step"])
@pytest.mark.parametrize("layers", [1, 2])
def test_all_configurations_run_and_match_step_loop(cell, bidirectional, mode, layers):
    torch.manual_seed(0)
    m = rnn_seq2seq(10, 10, 8, 12, mode=mode, cell=cell, bidirectional=bidirectional, num_layers=layers).eval()
    b = batch()
    logits = m(b.src, b.tgt_in, b.src_mask)
    assert logits.shape == (*b.tgt_in.shape, 10)
    enc = m.encoder(b.src, b.src_mask)
    looped, _ = Decoder.forward(m.decoder, b.tgt_in, m.decoder.init_state(enc), enc)
    torch.testing.assert_close(looped, logits)
    out = greedy(m, b.src, b.src_mask, max_len=7)
    assert out.shape[0] == 3 and out.shape[1] <= 7


def test_padding_does_not_change_a_row():
    torch.manual_seed(0)
    m = rnn_seq2seq(10, 10, 8, 12, mode="every_step", cell=nn.LSTM, bidirectional=True).eval()
    b = batch(4)
    full = m(b.src, b.tgt_in, b.src_mask)
    for i in range(4):
        n, t = int(b.src_mask[i].sum()), int((b.tgt_in[i] != PAD_ID).sum())
        alone = m(b.src[i:i + 1, :n], b.tgt_in[i:i + 1, :t])
        torch.testing.assert_close(alone[0], full[i, :t], atol=1e-5, rtol=1e-5)


def test_teacher_forcing_ratio():
    torch.manual_seed(0)
    m = rnn_seq2seq(10, 10, 8, 12).eval()
    b = batch()
    torch.testing.assert_close(teacher_forcing_logits(m, b, 1.0), m(b.src, b.tgt_in, b.src_mask))
    # ratio 0: every input after <bos> is the model's own greedy choice -> same tokens as greedy decoding
    logits = teacher_forcing_logits(m, b, 0.0)
    g = m.greedy_decode(b.src, BOS_ID, -1, logits.size(1), b.src_mask)  # eos -1: never stops
    assert torch.equal(logits.argmax(-1), g)
    with pytest.raises(ValueError, match="ratio"):
        teacher_forcing_logits(m, b, 1.5)


def test_loss_ignores_padding_and_perplexity():
    torch.manual_seed(0)
    m = rnn_seq2seq(10, 10, 8, 12).eval()
    b = batch()
    logits = m(b.src, b.tgt_in, b.src_mask)
    keep = b.tgt_out != PAD_ID
    ref = nn.functional.cross_entropy(logits[keep], b.tgt_out[keep])
    torch.testing.assert_close(seq2seq_loss(m, b), ref)
    assert abs(perplexity(m, [b]) - ref.exp().item()) < 1e-4


def test_bad_inputs():
    m = rnn_seq2seq(10, 10, 8, 12)
    b = batch()
    with pytest.raises(ValueError, match="src"):
        seq2seq_loss(m, b._replace(src=torch.zeros(3, 0, dtype=torch.long), src_mask=None))
    with pytest.raises(ValueError, match="src_mask"):
        seq2seq_loss(m, b._replace(src_mask=b.src_mask[:, :1]))
    with pytest.raises(ValueError, match="vocabulary"):
        seq2seq_loss(m, b._replace(src=b.src + 10))
    with pytest.raises(ValueError, match="tgt_out"):
        seq2seq_loss(m, b._replace(tgt_out=b.tgt_out + 10))
    with pytest.raises(ValueError, match="mode"):
        RNNDecoder(10, 8, 12, 12, mode="attention")
    with pytest.raises(ValueError, match="layers"):
        dec = RNNDecoder(10, 8, 12, 12, num_layers=2)
        EncoderDecoder(RNNEncoder(10, 8, 12), dec)(b.src, b.tgt_in, b.src_mask)


def test_all_padding_row_is_finite():
    m = rnn_seq2seq(10, 10, 8, 12, bidirectional=True, cell=nn.LSTM)
    b = batch()
    b = b._replace(src=b.src.clone(), src_mask=b.src_mask.clone())
    b.src[0], b.src_mask[0] = PAD_ID, False
    loss = seq2seq_loss(m, b)
    loss.backward()
    assert torch.isfinite(loss) and all(torch.isfinite(p.grad).all() for p in m.parameters() if p.grad is not None)


def test_doc001_decoder():
    torch.manual_seed(0)
    m = EncoderDecoder(RNNEncoder(10, 12, 12, cell=nn.LSTM), Doc001Decoder(12, 10))
    b = batch()
    logp = m(b.src, b.tgt_in, b.src_mask)
    torch.testing.assert_close(logp.exp().sum(-1), torch.ones(logp.shape[:2]))
    with pytest.raises(ValueError, match="LSTM"):
        EncoderDecoder(RNNEncoder(10, 12, 12, cell=nn.GRU), Doc001Decoder(12, 10))(b.src, b.tgt_in, b.src_mask)


def test_learns_to_copy():
    torch.manual_seed(0)
    from encdec_lib.training import fit
    g = torch.Generator().manual_seed(0)
    pairs = []
    for _ in range(1500):
        s = torch.randint(4, 8, (int(torch.randint(1, 4, (1,), generator=g)),), generator=g).tolist()
        pairs.append((s, s))
    loader = [make_batch(pairs[i:i + 50]) for i in range(0, 1500, 50)]
    m = rnn_seq2seq(8, 8, 16, 32)
    fit(m, loader, lambda mm, bb: seq2seq_loss(mm, bb), torch.optim.Adam(m.parameters(), 1e-2), 4, progress=False, device="cpu")
    assert exact_match_rate(m, make_batch(pairs[:200])).float().mean() > 0.9


@pytest.mark.parametrize("kind", ["GRU", "LSTM", "RNN"])
def test_library_cells_match_torch_nn(kind):
    from encdec_lib import rnn as scratch
    torch.manual_seed(0)
    b = batch(4)
    ours = RNNEncoder(10, 8, 12, num_layers=2, cell=getattr(scratch, kind), bidirectional=True).eval()
    ref = RNNEncoder(10, 8, 12, num_layers=2, cell=getattr(nn, kind), bidirectional=True).eval()
    ref.load_state_dict(ours.state_dict())
    a, r = ours(b.src, b.src_mask), ref(b.src, b.src_mask)
    torch.testing.assert_close(a.outputs, r.outputs)
    sa, sr = (a.state[0], r.state[0]) if kind == "LSTM" else (a.state, r.state)
    torch.testing.assert_close(sa, sr)


def test_translate_returns_strings():
    from encdec_lib.data import ParallelData
    from encdec_lib.datasets import make_digits
    from encdec_lib.seq2seq import translate
    torch.manual_seed(0)
    data = ParallelData(make_digits(200, 1, 4, seed=0))
    m = rnn_seq2seq(len(data.src_vocab), len(data.tgt_vocab), 8, 16)
    out = translate(m, data, ["123", "9"], max_len=6, level="char")
    assert len(out) == 2 and all(isinstance(s, str) for s in out)
    with pytest.raises(ValueError, match="level"):
        translate(m, data, ["1"], level="sentence")


def test_metrics_over_no_data_raise():
    torch.manual_seed(0)
    m = rnn_seq2seq(10, 10, 8, 12)
    with pytest.raises(ValueError, match="perplexity of no target token"):
        perplexity(m, [])
    b = batch()
    empty = b._replace(tgt_out=torch.full_like(b.tgt_out, PAD_ID))  # no real target token
    with pytest.raises(ValueError, match="tgt_out has no target token"):
        seq2seq_loss(m, empty)
    with pytest.raises(ValueError, match="perplexity of no target token"):
        perplexity(m, [empty])
    assert seq2seq_loss(m, empty, reduction="sum").item() == 0.0  # a sum over nothing is 0
    none = Seq2SeqBatch(*(t[:0] for t in b))
    with pytest.raises(ValueError, match="batch has no example"):
        exact_match_rate(m, none)


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_evaluation_helpers_restore_the_mode_they_found(mode):
    torch.manual_seed(0)
    m = rnn_seq2seq(10, 10, 8, 12, dropout=0.1)
    getattr(m, mode)()
    b = batch()
    perplexity(m, [b]); greedy(m, b.src, b.src_mask, 4); exact_match_rate(m, b)
    assert all(x.training == (mode == "train") for x in m.modules())


def test_out_of_range_targets_name_the_argument_in_every_decoder():
    from encdec_lib.attention import make_seq2seq
    torch.manual_seed(0)
    b = batch(V=10)
    for mode in ("init", "every_step", "attention", "doc001", "doc001_attn"):
        m = make_seq2seq(mode, 10, 12, 8, 16, max_length=8)
        for bad in (b.tgt_in.clone().fill_(12), b.tgt_in.clone().fill_(-1)):
            with pytest.raises(ValueError, match=r"tgt_in has ids .*vocab_size=12"):
                m(b.src, bad, b.src_mask)
            enc = m.encoder(b.src, b.src_mask)
            with pytest.raises(ValueError, match=r"tgt_in has ids .*vocab_size=12"):
                m.decoder(bad, m.decoder.init_state(enc), enc)
        with pytest.raises(ValueError, match=r"tgt_in has dtype torch.uint8"):
            m(b.src, b.tgt_in.to(torch.uint8), b.src_mask)
        with pytest.raises(ValueError, match=r"tgt_out has ids in \[.*\].*12"):
            seq2seq_loss(m, b._replace(tgt_out=b.tgt_out.clone().fill_(-5)))


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_zero_or_negative_sizes_name_the_argument(bad):
    from encdec_lib.attention import Attention, make_seq2seq
    cases = [("vocab_size", lambda: rnn_seq2seq(bad, 5)), ("vocab_size", lambda: rnn_seq2seq(5, bad)),
             ("emb_size", lambda: rnn_seq2seq(5, 5, emb_size=bad)), ("hidden_size", lambda: rnn_seq2seq(5, 5, hidden_size=bad)),
             ("num_layers", lambda: rnn_seq2seq(5, 5, num_layers=bad)),
             ("enc_size", lambda: RNNDecoder(5, 4, 4, bad)), ("hidden_size", lambda: Doc001Decoder(bad, 5)),
             ("output_size", lambda: Doc001Decoder(4, bad)),
             ("hidden_size", lambda: make_seq2seq("attention", 5, 5, hidden_size=bad)),
             ("max_length", lambda: make_seq2seq("doc001_attn", 5, 5, max_length=bad)),
             ("query_size", lambda: Attention(bad, 4)), ("key_size", lambda: Attention(4, bad)),
             ("attn_size", lambda: Attention(4, 4, attn_size=bad))]
    for name, make in cases:
        with pytest.raises(ValueError, match=rf"{name} must be an int >= 1"):
            make()
    with pytest.raises(ValueError, match="chunk must be an int >= 1"):
        exact_match_rate(rnn_seq2seq(10, 10), batch(), chunk=bad)


def test_scheduled_sampling_checks_the_targets_too():
    torch.manual_seed(0)
    m = rnn_seq2seq(10, 12, 8, 16)
    b = batch(V=10)
    with pytest.raises(ValueError, match=r"tgt_in has ids .*vocab_size=12"):
        teacher_forcing_logits(m, b._replace(tgt_in=b.tgt_in.clone().fill_(12)), ratio=0.5)
