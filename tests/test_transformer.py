"Tests of encdec_lib.transformer: equality with torch.nn in more configurations, the KV cache, bad inputs."
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from encdec_lib.data import PAD_ID
from encdec_lib.transformer import (MultiHeadAttention, PositionalEncoding, Transformer, TransformerDecoderLayer,
                                    TransformerEncoderLayer, causal_mask, scaled_dot_product_attention,
                                    sinusoidal_encoding, token_embedding)

torch.set_num_threads(1)
f64 = torch.float64


def close(a, b):
    torch.testing.assert_close(a, b, atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("L,S,d", [(1, 1, 1), (3, 5, 4), (6, 2, 16)])
@pytest.mark.parametrize("kind", ["none", "bool", "float", "causal"])
def test_sdpa_matches_torch(L, S, d, kind):
    g = torch.Generator().manual_seed(L * 100 + S)
    q, k, v = torch.randn(2, 3, L, d, generator=g, dtype=f64), torch.randn(2, 3, S, d, generator=g, dtype=f64), \
        torch.randn(2, 3, S, 7, generator=g, dtype=f64)
    kw = {}
    if kind == "bool":
        m = torch.rand(2, 1, L, S, generator=g) > 0.4
        m[..., 0] = True
        kw = dict(attn_mask=m)
    elif kind == "float":
        kw = dict(attn_mask=torch.randn(L, S, generator=g, dtype=f64))
    elif kind == "causal":
        if L != S:
            pytest.skip("causal needs L == S here")
        kw = dict(is_causal=True)
    out, w = scaled_dot_product_attention(q, k, v, **kw)
    close(out, F.scaled_dot_product_attention(q, k, v, **kw))
    close(w.sum(-1), torch.ones_like(w.sum(-1)))


def test_sdpa_scale_and_fully_masked():
    q, k, v = torch.randn(3, 2, 4, 8, dtype=f64).unbind(0)
    close(scaled_dot_product_attention(q, k, v, scale=0.3)[0], F.scaled_dot_product_attention(q, k, v, scale=0.3))
    m = torch.ones(2, 4, 4, dtype=torch.bool)
    m[0, 1] = False  # one row of one batch fully masked
    out, w = scaled_dot_product_attention(q, k, v, m)
    assert not out.isnan().any() and (out[0, 1] == 0).all() and (w[0, 1] == 0).all()
    out.sum().backward() if out.requires_grad else None


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("heads", [1, 2, 4])
@pytest.mark.parametrize("masks", ["none", "kpm", "attn", "both", "float"])
def test_mha_matches_torch(batch_first, heads, masks):
    torch.manual_seed(heads)
    D, B, L, S = 8, 3, 4, 6
    ref = nn.MultiheadAttention(D, heads, batch_first=batch_first).double()
    mine = MultiHeadAttention(D, heads, batch_first=batch_first).double()
    assert list(mine.state_dict()) == list(ref.state_dict())
    mine.load_state_dict(ref.state_dict())
    q = torch.randn(B, L, D, dtype=f64, requires_grad=True)
    kv = torch.randn(B, S, D, dtype=f64, requires_grad=True)
    kw = {}
    if masks in ("kpm", "both"):
        kw["key_padding_mask"] = torch.arange(S) >= torch.tensor([6, 3, 1])[:, None]
    if masks in ("attn", "both"):
        am = torch.rand(L, S) > 0.6
        am[:, 0] = False
        kw["attn_mask"] = am
    if masks == "float":
        kw["attn_mask"] = torch.randn(B * heads, L, S, dtype=f64)
        kw["key_padding_mask"] = torch.randn(B, S, dtype=f64)
    args = (q, kv, kv) if batch_first else (q.transpose(0, 1), kv.transpose(0, 1), kv.transpose(0, 1))
    for avg in (True, False):
        a, wa = ref(*args, average_attn_weights=avg, **kw)
        b, wb = mine(*args, average_attn_weights=avg, **kw)
        close(b, a); close(wb, wa)
    ga = torch.autograd.grad(a.sum(), [q, kv, *ref.parameters()])
    gb = torch.autograd.grad(b.sum(), [q, kv, *mine.parameters()])
    for x, y in zip(gb, ga):
        close(x, y)


def test_mha_self_attention_need_weights_false():
    ref, mine = nn.MultiheadAttention(8, 2).double(), MultiHeadAttention(8, 2).double()
    mine.load_state_dict(ref.state_dict())
    x = torch.randn(5, 2, 8, dtype=f64)
    a, b = ref(x, x, x, need_weights=False), mine(x, x, x, need_weights=False)
    close(b[0], a[0]); assert b[1] is None


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_layers_match_torch(norm_first, batch_first, activation):
    torch.manual_seed(0)
    D, H, B, S, T = 12, 3, 2, 5, 4
    kw = dict(dim_feedforward=20, dropout=0.0, activation=activation, batch_first=batch_first, norm_first=norm_first)
    src = torch.randn(B, S, D, dtype=f64, requires_grad=True)
    tgt = torch.randn(B, T, D, dtype=f64, requires_grad=True)
    skpm = torch.arange(S) >= torch.tensor([5, 2])[:, None]
    tkpm = torch.arange(T) >= torch.tensor([4, 3])[:, None]
    s_, t_ = (src, tgt) if batch_first else (src.transpose(0, 1), tgt.transpose(0, 1))
    ref, mine = nn.TransformerEncoderLayer(D, H, **kw).double(), TransformerEncoderLayer(D, H, **kw).double()
    mine.load_state_dict(ref.state_dict())
    a, b = ref(s_, src_key_padding_mask=skpm), mine(s_, src_key_padding_mask=skpm)
    close(b, a)
    for x, y in zip(torch.autograd.grad(b.sum(), [src, *mine.parameters()]), torch.autograd.grad(a.sum(), [src, *ref.parameters()])):
        close(x, y)
    ref, mine = nn.TransformerDecoderLayer(D, H, **kw).double(), TransformerDecoderLayer(D, H, **kw).double()
    mine.load_state_dict(ref.state_dict())
    m = dict(tgt_mask=causal_mask(T), tgt_key_padding_mask=tkpm, memory_key_padding_mask=skpm)
    a, b = ref(t_, s_, **m), mine(t_, s_, **m)
    close(b, a)
    for x, y in zip(torch.autograd.grad(b.sum(), [tgt, src, *mine.parameters()]),
                    torch.autograd.grad(a.sum(), [tgt, src, *ref.parameters()])):
        close(x, y)


def test_layers_train_mode_dropout_zero_and_eval_fastpath():
    torch.manual_seed(0)
    ref, mine = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    mine.load_state_dict(ref.state_dict())
    x = torch.randn(2, 5, 8)
    ref.eval(); mine.eval()
    with torch.no_grad():  # torch may take its fused fast path here
        torch.testing.assert_close(mine(x), ref(x), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("layers", [1, 3])
def test_cache_equals_recompute(norm_first, layers):
    torch.manual_seed(layers)
    m = Transformer(9, 10, 16, 2, layers, layers, 24, dropout=0.0, norm_first=norm_first).double().eval()
    src = torch.randint(4, 9, (4, 7)); mask = torch.arange(7) < torch.tensor([7, 5, 1, 3])[:, None]
    tgt = torch.randint(4, 10, (4, 11))
    with torch.no_grad():
        full = m(src, tgt, mask)
        enc = m.encoder(src, mask); st = m.decoder.init_state(enc); steps = []
        for t in range(tgt.size(1)):
            logit, st = m.decoder.step(tgt[:, t], st, enc)
            steps.append(logit)
    assert (torch.stack(steps, 1) - full).abs().max() <= 1e-6


def test_padding_does_not_change_a_row():
    torch.manual_seed(0)
    m = Transformer(9, 10, 16, 2, 2, 2, 24, dropout=0.0).double().eval()
    src = torch.randint(4, 9, (2, 6)); mask = torch.arange(6) < torch.tensor([6, 3])[:, None]
    tgt = torch.randint(4, 10, (2, 5))
    with torch.no_grad():
        full = m(src, tgt, mask)
        alone = m(src[1:, :3], tgt[1:])
    close(alone[0], full[1])


def test_greedy_decode_via_core():
    torch.manual_seed(0)
    m = Transformer(9, 10, 16, 2, 1, 1, 24, dropout=0.0).eval()
    out = m.greedy_decode(torch.randint(4, 9, (3, 5)), 1, 2, 6)
    assert out.shape[0] == 3 and out.shape[1] <= 6


def test_positional_encoding():
    pe = sinusoidal_encoding(50, 10, dtype=f64)
    assert pe.shape == (50, 10)
    close(pe[:, 0], torch.sin(torch.arange(50, dtype=f64)))
    close(pe[:, 1], torch.cos(torch.arange(50, dtype=f64)))
    assert sinusoidal_encoding(5, 7).shape == (5, 7)  # odd width
    p = PositionalEncoding(10, 20)
    x = torch.zeros(1, 4, 10)
    close(p(x, offset=3).double(), sinusoidal_encoding(20, 10)[3:7].unsqueeze(0).double())
    with pytest.raises(ValueError, match="max_len"):
        p(torch.zeros(1, 21, 10))
    with pytest.raises(ValueError, match="x has shape"):
        p(torch.zeros(1, 4, 9))


def test_doc003_preset():
    m = Transformer.doc003(100, 120)
    enc_layer = m.encoder.layers[0]
    assert len(m.encoder.layers) == len(m.decoder.layers) == 6
    assert enc_layer.self_attn.num_heads == 8 and enc_layer.self_attn.embed_dim == 512
    assert enc_layer.linear1.out_features == 2048 and enc_layer.dropout.p == 0.1
    assert Transformer.doc003(10, 10, num_encoder_layers=1).encoder.layers.__len__() == 1


def test_bad_inputs():
    with pytest.raises(ValueError, match="num_heads"):
        MultiHeadAttention(10, 4)
    with pytest.raises(ValueError, match="d_model"):
        Transformer(5, 5, d_model=10, nhead=3)
    mha = MultiHeadAttention(8, 2, batch_first=True)
    x = torch.randn(2, 3, 8)
    with pytest.raises(ValueError, match="key_padding_mask.*shape"):
        mha(x, x, x, key_padding_mask=torch.zeros(3, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="key_padding_mask.*dtype"):
        mha(x, x, x, key_padding_mask=torch.zeros(2, 3, dtype=torch.int64))
    with pytest.raises(ValueError, match="attn_mask.*shape"):
        mha(x, x, x, attn_mask=torch.zeros(2, 3, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="attn_mask.*dtype"):
        mha(x, x, x, attn_mask=torch.zeros(3, 3, dtype=torch.int32))
    with pytest.raises(ValueError, match="query"):
        mha(torch.randn(2, 3, 7), x, x)
    with pytest.raises(ValueError, match="k has d_k"):
        scaled_dot_product_attention(torch.randn(2, 3, 4), torch.randn(2, 3, 5), torch.randn(2, 3, 5))
    with pytest.raises(ValueError, match="attn_mask"):
        scaled_dot_product_attention(x, x, x, torch.ones(4, 4, dtype=torch.bool))
    with pytest.raises(ValueError, match="activation"):
        TransformerEncoderLayer(8, 2, activation="tanh")
    m = Transformer(5, 5, 8, 2, 1, 1, 16)
    with pytest.raises(ValueError, match="src_mask"):
        m(torch.randint(0, 5, (2, 3)), torch.randint(0, 5, (2, 3)), torch.ones(2, 3))
    # all padding: no NaN
    out, _ = mha(x, x, x, key_padding_mask=torch.ones(2, 3, dtype=torch.bool))
    assert out.isfinite().all()


def test_fused_path_equals_explicit_and_no_nan():
    torch.manual_seed(0)
    mha = MultiHeadAttention(8, 2, batch_first=True).double()
    x = torch.randn(2, 5, 8, dtype=f64)
    kpm = torch.arange(5) >= torch.tensor([5, 2])[:, None]
    close(mha(x, x, x, kpm, need_weights=False)[0], mha(x, x, x, kpm)[0])
    close(mha(x, x, x, kpm, need_weights=False, is_causal=True)[0], mha(x, x, x, kpm, is_causal=True)[0])
    out, w = mha(x, x, x, torch.ones(2, 5, dtype=torch.bool), need_weights=False)
    assert w is None and out.isfinite().all()
    mha.keep_weights = True
    mha(x, x, x, kpm, need_weights=False)
    assert mha.last_weights.shape == (2, 2, 5, 5)


from hypothesis import given, settings, strategies as st


@settings(max_examples=25, deadline=None)
@given(B=st.integers(1, 3), L=st.integers(1, 6), S=st.integers(1, 6), heads=st.sampled_from([1, 2, 4]),
       lengths_seed=st.integers(0, 1000), batch_first=st.booleans())
def test_mha_property_equals_torch(B, L, S, heads, lengths_seed, batch_first):
    g = torch.Generator().manual_seed(lengths_seed)
    D = 4 * heads
    torch.manual_seed(lengths_seed)
    ref = nn.MultiheadAttention(D, heads, batch_first=batch_first).double()
    mine = MultiHeadAttention(D, heads, batch_first=batch_first).double()
    mine.load_state_dict(ref.state_dict())
    q = torch.randn(B, L, D, dtype=f64, generator=g)
    kv = torch.randn(B, S, D, dtype=f64, generator=g)
    lengths = torch.randint(1, S + 1, (B,), generator=g)
    kpm = torch.arange(S) >= lengths[:, None]  # at least one real key per row
    args = (q, kv, kv) if batch_first else (q.transpose(0, 1), kv.transpose(0, 1), kv.transpose(0, 1))
    a, wa = ref(*args, key_padding_mask=kpm)
    b, wb = mine(*args, key_padding_mask=kpm)
    close(b, a); close(wb, wa)
    close(mine(*args, key_padding_mask=kpm, need_weights=False)[0], a)


@settings(max_examples=20, deadline=None)
@given(L=st.integers(1, 7), d=st.integers(1, 9), seed=st.integers(0, 1000))
def test_sdpa_property_rows_are_distributions(L, d, seed):
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(2, L, d, dtype=f64, generator=g) for _ in range(3))
    mask = torch.rand(2, L, L, generator=g) > 0.5
    out, w = scaled_dot_product_attention(q, k, v, mask)
    alive = mask.any(-1)
    close(w.sum(-1)[alive], torch.ones_like(w.sum(-1)[alive]))
    assert (w[~mask] == 0).all() and not out.isnan().any()
    assert (out[~alive] == 0).all()


@pytest.mark.parametrize("d", [16, 64, 512])
def test_token_embedding_scale_and_padding(d):
    torch.manual_seed(0)
    e = token_embedding(1000, d)
    w = e.weight[1:]  # every row but <pad>
    assert abs(w.std().item() * math.sqrt(d) - 1) < 0.05  # √d·E(y) has unit-variance coordinates
    assert (e.weight[PAD_ID] == 0).all()
    e(torch.tensor([[PAD_ID, 5]])).sum().backward()
    assert (e.weight.grad[PAD_ID] == 0).all() and (e.weight.grad[5] != 0).all()  # <pad> gets no gradient
    assert token_embedding(10, d, pad_id=None).padding_idx is None


def test_transformer_embeddings_start_at_the_positional_scale():
    torch.manual_seed(0)
    m = Transformer(500, 600, 64, 4, 1, 1, 32)
    for embed in (m.encoder.embed, m.decoder.embed):
        assert abs(embed.weight[1:].std().item() * 8 - 1) < 0.05 and (embed.weight[PAD_ID] == 0).all()


# ---- torch.nn compatibility: constructors, arguments, inputs ------------------------------------------------------
import inspect  # noqa: E402

PAIRS = [(MultiHeadAttention, nn.MultiheadAttention), (TransformerEncoderLayer, nn.TransformerEncoderLayer),
         (TransformerDecoderLayer, nn.TransformerDecoderLayer)]


@pytest.mark.parametrize("ours,theirs", PAIRS, ids=lambda c: c.__name__)
def test_constructor_signature_is_torch_nn_s(ours, theirs):
    "Same names, order, kinds and defaults: a positional call means the same as in torch.nn."
    def params(cls):
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls.__init__).parameters.values()]
    assert params(ours) == params(theirs)


def mha_pair(seed=0, **kw):
    torch.manual_seed(seed)
    ref = nn.MultiheadAttention(8, 2, dtype=f64, **kw)
    mine = MultiHeadAttention(8, 2, dtype=f64, **kw)
    assert list(mine.state_dict()) == list(ref.state_dict())
    mine.load_state_dict(ref.state_dict())
    return mine, ref


@pytest.mark.parametrize("kw", [dict(bias=False), dict(kdim=4, vdim=6), dict(kdim=4, vdim=6, bias=False),
                                dict(add_bias_kv=True), dict(add_zero_attn=True), dict(add_bias_kv=True, add_zero_attn=True),
                                dict(add_bias_kv=True, add_zero_attn=True, kdim=5, vdim=3)], ids=str)
@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_every_torch_nn_argument(kw, batch_first):
    mine, ref = mha_pair(batch_first=batch_first, **kw)
    B, L, S = 3, 4, 5
    q = torch.randn(B, L, 8, dtype=f64)
    k, v = torch.randn(B, S, kw.get("kdim", 8), dtype=f64), torch.randn(B, S, kw.get("vdim", 8), dtype=f64)
    if not batch_first:
        q, k, v = (x.transpose(0, 1) for x in (q, k, v))
    kpm = torch.arange(S) >= torch.tensor([5, 3, 1])[:, None]
    am = torch.rand(L, S) > 0.7
    am[:, 0] = False  # no fully masked row (torch.nn gives NaN there, these layers zeros)
    for masks in ({}, dict(key_padding_mask=kpm), dict(attn_mask=am), dict(key_padding_mask=kpm, attn_mask=am)):
        for avg in (True, False):
            a, wa = ref(q, k, v, average_attn_weights=avg, **masks)
            b, wb = mine(q, k, v, average_attn_weights=avg, **masks)
            close(b, a); close(wb, wa)
        close(mine(q, k, v, need_weights=False, **masks)[0], ref(q, k, v, need_weights=False, **masks)[0])
    if kw.get("kdim") is None:  # self-attention: one input for all three
        close(mine(q, q, q)[0], ref(q, q, q)[0])


@pytest.mark.parametrize("kw", [dict(bias=False), dict(norm_first=True, bias=False)], ids=str)
def test_layers_bias_false_match_torch(kw):
    torch.manual_seed(0)
    ref, mine = (c(12, 3, 20, dropout=0.0, dtype=f64, **kw) for c in (nn.TransformerEncoderLayer, TransformerEncoderLayer))
    assert list(mine.state_dict()) == list(ref.state_dict())
    mine.load_state_dict(ref.state_dict())
    x = torch.randn(5, 2, 12, dtype=f64)
    close(mine(x), ref(x))
    ref, mine = (c(12, 3, 20, dropout=0.0, dtype=f64, **kw) for c in (nn.TransformerDecoderLayer, TransformerDecoderLayer))
    mine.load_state_dict(ref.state_dict())
    t = torch.randn(4, 2, 12, dtype=f64)
    close(mine(t, x, tgt_mask=causal_mask(4)), ref(t, x, tgt_mask=causal_mask(4)))


@pytest.mark.parametrize("cls", [MultiHeadAttention, TransformerEncoderLayer, TransformerDecoderLayer], ids=lambda c: c.__name__)
def test_device_and_dtype(cls):
    m = cls(8, 2, dtype=f64)
    assert all(p.dtype == f64 for p in m.parameters())
    meta = cls(8, 2, device="meta")
    assert all(p.device.type == "meta" for p in meta.parameters())


def test_unbatched_inputs_like_torch():
    mine, ref = mha_pair()
    q, kv = torch.randn(4, 8, dtype=f64), torch.randn(6, 8, dtype=f64)
    kpm = torch.arange(6) >= 4
    for kw in ({}, dict(key_padding_mask=kpm), dict(attn_mask=causal_mask(6)[:4], average_attn_weights=False)):
        a, wa = ref(q, kv, kv, **kw)
        b, wb = mine(q, kv, kv, **kw)
        assert b.shape == a.shape == (4, 8)
        close(b, a); close(wb, wa)
    with pytest.raises(ValueError, match="query, key and value must all be batched"):
        mine(q, kv.unsqueeze(1), kv.unsqueeze(1))
    for Ours, Theirs in PAIRS[1:]:
        torch.manual_seed(0)
        ref, mine = Theirs(8, 2, 16, dropout=0.0, dtype=f64), Ours(8, 2, 16, dropout=0.0, dtype=f64)
        mine.load_state_dict(ref.state_dict())
        src, tgt = torch.randn(6, 8, dtype=f64), torch.randn(4, 8, dtype=f64)
        if Ours is TransformerEncoderLayer:
            close(mine(src, src_key_padding_mask=kpm), ref(src, src_key_padding_mask=kpm))
        else:
            close(mine(tgt, src, tgt_mask=causal_mask(4), memory_key_padding_mask=kpm),
                  ref(tgt, src, tgt_mask=causal_mask(4), memory_key_padding_mask=kpm))


def test_batch_first_false_output_is_contiguous_and_dropout_draws_torch_s_masks():
    mine, ref = mha_pair()
    x = torch.randn(5, 3, 8, dtype=f64)
    out, ref_out = mine(x, x, x)[0], ref(x, x, x)[0]
    assert out.is_contiguous() and out.view(-1).numel() == 5 * 3 * 8
    drop = nn.Dropout(0.5)
    torch.manual_seed(1); a = drop(ref_out)
    torch.manual_seed(1); b = drop(out)
    close(b, a)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_nn_transformer_on_the_course_layers(batch_first, norm_first):
    "nn.Transformer(custom_encoder=..., custom_decoder=...) built on our layers equals nn.Transformer itself."
    torch.manual_seed(0)
    D, H, F_ff, N = 16, 4, 24, 2
    kw = dict(dropout=0.0, batch_first=batch_first, norm_first=norm_first, dtype=f64)
    ref = nn.Transformer(D, H, N, N, F_ff, **kw)
    enc = nn.TransformerEncoder(TransformerEncoderLayer(D, H, F_ff, **kw), N, norm=nn.LayerNorm(D, dtype=f64),
                                enable_nested_tensor=False)
    dec = nn.TransformerDecoder(TransformerDecoderLayer(D, H, F_ff, **kw), N, norm=nn.LayerNorm(D, dtype=f64))
    mine = nn.Transformer(D, H, custom_encoder=enc, custom_decoder=dec, **kw)
    assert list(mine.state_dict()) == list(ref.state_dict())
    mine.load_state_dict(ref.state_dict())
    B, S, T = 3, 6, 5
    src, tgt = torch.randn(B, S, D, dtype=f64), torch.randn(B, T, D, dtype=f64)
    if not batch_first:
        src, tgt = src.transpose(0, 1), tgt.transpose(0, 1)
    masks = dict(tgt_mask=nn.Transformer.generate_square_subsequent_mask(T, dtype=f64),
                 src_key_padding_mask=torch.arange(S) >= torch.tensor([6, 4, 2])[:, None],
                 memory_key_padding_mask=torch.arange(S) >= torch.tensor([6, 4, 2])[:, None])
    close(mine(src, tgt, **masks), ref(src, tgt, **masks))


def test_cached_step_refuses_what_it_does_not_implement():
    layer = TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    layer.self_attn = MultiHeadAttention(8, 2, add_bias_kv=True, batch_first=True)
    x = torch.randn(2, 1, 8)
    empty = torch.zeros(2, 2, 0, 4)
    mkv = (torch.zeros(2, 2, 3, 4), torch.zeros(2, 2, 3, 4))
    with pytest.raises(NotImplementedError, match="add_bias_kv"):
        layer.step(x, (empty, empty), mkv)


# ---- bad token ids --------------------------------------------------------------------------------------------------
def test_out_of_range_and_unsupported_token_ids_name_the_argument():
    torch.manual_seed(0)
    m = Transformer(5, 7, 8, 2, 1, 1, 16, dropout=0.0)
    src, tgt = torch.randint(0, 5, (2, 3)), torch.randint(0, 7, (2, 4))
    m(src, tgt)  # in range: fine
    for bad, name, V in ((src.clone().fill_(5), "src", 5), (src.clone().fill_(-1), "src", 5)):
        with pytest.raises(ValueError, match=rf"{name} has ids in \[-?\d+, -?\d+\], outside the vocabulary.*vocab_size={V}"):
            m(bad, tgt)
        with pytest.raises(ValueError, match=rf"{name} has ids"):
            m.encoder(bad)
    for bad in (tgt.clone().fill_(7), tgt.clone().fill_(-3)):
        with pytest.raises(ValueError, match=r"tgt_in has ids .*vocab_size=7"):
            m(src, bad)
        enc = m.encoder(src)
        with pytest.raises(ValueError, match=r"tgt_in has ids .*vocab_size=7"):
            m.decoder(bad, m.decoder.init_state(enc), enc)
    for dtype in (torch.uint8, torch.int16, torch.int8):  # nn.Embedding takes int64 and int32 only
        with pytest.raises(ValueError, match=rf"src has dtype {dtype}, expected torch.int64 or torch.int32"):
            m(src.to(dtype), tgt)
    m(src.int(), tgt.int())  # int32 is fine


@pytest.mark.parametrize("fn", ["greedy_decode", "greedy_search", "beam_search", "sample"])
def test_special_ids_outside_the_target_vocabulary_name_the_argument(fn):
    from encdec_lib import decoding
    torch.manual_seed(0)
    m = Transformer(5, 7, 8, 2, 1, 1, 16, dropout=0.0).eval()
    src = torch.randint(0, 5, (2, 3))
    call = (lambda **kw: m.greedy_decode(src, kw.get("bos_id", 1), kw.get("eos_id", 2), 4, pad_id=kw.get("pad_id", 0))) \
        if fn == "greedy_decode" else (lambda **kw: getattr(decoding, fn)(m, src, max_length=4, **kw))
    call()
    for arg, bad in (("bos_id", 7), ("bos_id", -1), ("pad_id", -2), ("pad_id", 7)):
        with pytest.raises(ValueError, match=rf"{arg} must be an int in \[0, 7\)"):
            call(**{arg: bad})
    for arg, bad in (("pad_id", 1.0), ("bos_id", True), ("eos_id", 2.0)):
        with pytest.raises(ValueError, match=rf"{arg} must be an int \(a token id\)"):
            call(**{arg: bad})
    call(eos_id=-1)  # an <eos> outside the vocabulary: a search that runs to max_length


@pytest.mark.parametrize("bad", [0, -1, 2.0])
def test_zero_or_negative_sizes_name_the_argument(bad):
    cases = [("src_vocab", lambda: Transformer(bad, 5, 8, 2)), ("tgt_vocab", lambda: Transformer(5, bad, 8, 2)),
             ("d_model", lambda: Transformer(5, 5, d_model=bad, nhead=2)), ("nhead", lambda: Transformer(5, 5, 8, nhead=bad)),
             ("num_encoder_layers", lambda: Transformer(5, 5, 8, 2, num_encoder_layers=bad)),
             ("num_decoder_layers", lambda: Transformer(5, 5, 8, 2, num_decoder_layers=bad)),
             ("dim_feedforward", lambda: Transformer(5, 5, 8, 2, dim_feedforward=bad)),
             ("max_len", lambda: Transformer(5, 5, 8, 2, max_len=bad)),
             ("vocab_size", lambda: token_embedding(bad, 4)), ("d_model", lambda: token_embedding(5, bad)),
             ("d_model", lambda: TransformerEncoderLayer(bad, 2)), ("nhead", lambda: TransformerDecoderLayer(8, bad)),
             ("dim_feedforward", lambda: TransformerEncoderLayer(8, 2, bad)),
             ("embed_dim", lambda: MultiHeadAttention(bad, 2)), ("kdim", lambda: MultiHeadAttention(8, 2, kdim=bad))]
    for name, make in cases:
        with pytest.raises(ValueError, match=rf"{name} must be an int >= 1"):
            make()
    with pytest.raises(ValueError, match=r"pad_id=5 is outside the vocabulary"):
        token_embedding(5, 4, pad_id=5)


def test_torch_compile_fullgraph_with_a_padding_mask():
    "No data-dependent branch: the layers and the model compile as one graph with a padding mask, as torch.nn's do."
    torch.manual_seed(0)
    x = torch.randn(2, 5, 8)
    kpm = torch.arange(5) >= torch.tensor([5, 3])[:, None]
    mha = MultiHeadAttention(8, 2, batch_first=True)
    layer = TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    m = Transformer(9, 9, 8, 2, 1, 1, 16, dropout=0.0).eval()
    src = torch.randint(4, 9, (2, 5))
    for fn, args in ((lambda a, k: mha(a, a, a, key_padding_mask=k, need_weights=False)[0], (x, kpm)),
                     (lambda a, k: layer(a, src_key_padding_mask=k), (x, kpm)),
                     (lambda s, k: m(s, s, k), (src, ~kpm))):
        compiled = torch.compile(fn, fullgraph=True, backend="eager")
        torch.testing.assert_close(compiled(*args), fn(*args))
    torch._dynamo.reset()


def test_fully_masked_rows_give_zeros_and_finite_gradients_on_the_fused_path():
    torch.manual_seed(0)
    mha = MultiHeadAttention(8, 2, batch_first=True).double()
    x = torch.randn(2, 5, 8, dtype=f64, requires_grad=True)
    kpm = torch.ones(2, 5, dtype=torch.bool); kpm[1, :2] = False  # row 0: every key padded
    fused, explicit = mha(x, x, x, kpm, need_weights=False)[0], mha(x, x, x, kpm)[0]
    close(fused, explicit)
    close(fused[0], mha.out_proj.bias.expand(5, 8))  # no key to attend to: a zero context
    g, = torch.autograd.grad(fused.square().sum(), [x])
    assert g.isfinite().all()


def test_more_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match=r"dropout must be a probability in \[0, 1\]"):
        MultiHeadAttention(8, 2, dropout=2.0)
    with pytest.raises(ValueError, match=r"dropout must be a probability in \[0, 1\]"):
        Transformer(9, 9, 8, 2, dropout=float("nan"))
    mha = MultiHeadAttention(8, 2)
    with pytest.raises(ValueError, match=r"query has dtype torch.int64, but the weights have dtype torch.float32"):
        mha(*(torch.ones(3, 2, 8, dtype=torch.long),) * 3)
    x = torch.randn(3, 2, 8, dtype=f64)
    with pytest.raises(ValueError, match=r"key has dtype torch.float64, but the weights have dtype torch.float32"):
        mha(torch.randn(3, 2, 8), x, x)
    with pytest.raises(ValueError, match="offset must be an int >= 0"):
        PositionalEncoding(8)(torch.randn(1, 3, 8), offset=-1)
    with pytest.raises(ValueError, match="T must be an int >= 0"):
        causal_mask(-1)
