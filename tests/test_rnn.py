"""encdec_lib.rnn against torch.nn: outputs, final states and gradients (float64, 1e-10), state_dict
compatibility both ways, gradcheck of the cells, variable lengths vs pack_padded_sequence, bad inputs."""
import itertools

import pytest
import torch
torch.set_num_threads(1)  # small recurrent ops: threads cost more than they save on a shared CPU
from hypothesis import given, settings, strategies as st
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from encdec_lib.rnn import (GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, SequenceClassifier, benchmark_layers,
                            clip_grad_norm, gru_cell, lstm_cell, markdown_table, rnn_cell, rnn_cell_concat,
                            state_gradient_norms)

F64 = torch.float64
ATOL = 1e-10
LAYERS = {"rnn": (RNN, nn.RNN), "rnn_relu": (RNN, nn.RNN), "lstm": (LSTM, nn.LSTM), "gru": (GRU, nn.GRU)}
CELLS = {"rnn": (RNNCell, nn.RNNCell), "lstm": (LSTMCell, nn.LSTMCell), "gru": (GRUCell, nn.GRUCell)}


def make_pair(kind, D=3, H=4, fast=True, **kw):
    Ours, Theirs = LAYERS[kind]
    if kind == "rnn_relu":
        kw["nonlinearity"] = "relu"
    ref = Theirs(D, H, dtype=F64, **kw)
    ours = Ours(D, H, dtype=F64, fast=fast, **kw)
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def as_tuple(s):
    return s if isinstance(s, tuple) else (s,)


def loss_of(out, state, w):
    return (out * w).sum() + sum((s ** 3).sum() for s in as_tuple(state))


def assert_same(a, b):
    torch.testing.assert_close(a, b, rtol=0, atol=ATOL)


@pytest.mark.parametrize("kind,num_layers,bidirectional,batch_first,fast,padded,bias,with_hx",
                         [c for c in itertools.product(LAYERS, [1, 2], [False, True], [False, True], [True, False],
                                                       [False, True], [True, False], [False, True])
                          if c[6] or not c[5]])  # bias=False only without padding, to keep the run short
def test_layer_matches_torch(kind, num_layers, bidirectional, batch_first, fast, padded, bias, with_hx):
    torch.manual_seed(hash((kind, num_layers, bidirectional, batch_first, padded)) % 1000)
    ours, ref = make_pair(kind, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias)
    ours.fast = fast
    B, T, D = 4, 5, 3
    dirs = 2 if bidirectional else 1
    x = torch.randn((B, T, D) if batch_first else (T, B, D), dtype=F64)
    hx = None
    if with_hx:
        h0 = torch.randn(num_layers * dirs, B, 4, dtype=F64)
        hx = (h0, torch.randn_like(h0)) if kind == "lstm" else h0
    lengths = torch.tensor([5, 2, 1, 4]) if padded else None
    out, state = ours(x, hx, lengths=lengths)
    if padded:
        packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
        ref_out, ref_state = ref(packed, hx)
        ref_out, _ = pad_packed_sequence(ref_out, batch_first=batch_first, total_length=T)
    else:
        ref_out, ref_state = ref(x, hx)
    assert_same(out, ref_out)
    for s, r in zip(as_tuple(state), as_tuple(ref_state)):
        assert_same(s, r)
    w = torch.randn_like(out)
    grads = torch.autograd.grad(loss_of(out, state, w), list(ours.parameters()))
    ref_grads = torch.autograd.grad(loss_of(ref_out, ref_state, w), list(ref.parameters()))
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in ref.named_parameters()]
    for g, r in zip(grads, ref_grads):
        assert_same(g, r)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("fast", [True, False])
def test_input_gradient_and_unbatched(kind, fast):
    ours, ref = make_pair(kind, num_layers=2, bidirectional=True, fast=fast)
    x = torch.randn(6, 3, dtype=F64, requires_grad=True)  # unbatched (T, D)
    out, state = ours(x)
    ref_out, ref_state = ref(x)
    assert out.shape == (6, 8)
    assert_same(out, ref_out)
    for s, r in zip(as_tuple(state), as_tuple(ref_state)):
        assert s.shape == (4, 4)
        assert_same(s, r)
    g, = torch.autograd.grad(out.sum(), x)
    r, = torch.autograd.grad(ref_out.sum(), x)
    assert_same(g, r)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_state_dict_both_ways(kind):
    Ours, Theirs = LAYERS[kind]
    ours = Ours(3, 5, num_layers=2, bidirectional=True)
    ref = Theirs(3, 5, num_layers=2, bidirectional=True)
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in ref.state_dict().items()}
    ref.load_state_dict(ours.state_dict())  # ours -> torch
    x = torch.randn(7, 2, 3)
    torch.testing.assert_close(ours(x)[0], ref(x)[0])
    ours2 = Ours(3, 5, num_layers=2, bidirectional=True, fast=False)
    ours2.load_state_dict(ref.state_dict())  # torch -> ours
    torch.testing.assert_close(ours2(x)[0], ref(x)[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bias", [True, False])
def test_cell_matches_torch_and_gradcheck(kind, bias):
    Ours, Theirs = CELLS[kind]
    ref = Theirs(3, 4, bias=bias, dtype=F64)
    ours = Ours(3, 4, bias=bias, dtype=F64)
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(5, 3, dtype=F64)
    h = torch.randn(5, 4, dtype=F64)
    hx = (h, torch.randn_like(h)) if kind == "lstm" else h
    for a, b in zip(as_tuple(ours(x, hx)), as_tuple(ref(x, hx))):
        assert_same(a, b)
    for a, b in zip(as_tuple(ours(x[0])), as_tuple(ref(x[0]))):  # unbatched, zero state
        assert_same(a, b)
    params = [p.detach().clone().requires_grad_() for p in ours.parameters()]
    xs = x.clone().requires_grad_()
    hs = tuple(s.clone().requires_grad_() for s in as_tuple(hx))
    fn = {"rnn": lambda x, h, *p: rnn_cell(x, h, *p),
          "lstm": lambda x, h, c, *p: lstm_cell(x, (h, c), *p),
          "gru": lambda x, h, *p: gru_cell(x, h, *p)}[kind]
    assert torch.autograd.gradcheck(fn, (xs, *hs, *params))


def test_rnn_relu_cell_and_concat_form():
    ref = nn.RNNCell(3, 4, nonlinearity="relu", dtype=F64)
    ours = RNNCell(3, 4, nonlinearity="relu", dtype=F64)
    ours.load_state_dict(ref.state_dict())
    x, h = torch.randn(5, 3, dtype=F64), torch.randn(5, 4, dtype=F64)
    assert_same(ours(x, h), ref(x, h))
    W, b = torch.randn(4, 7, dtype=F64), torch.randn(4, dtype=F64)
    assert_same(rnn_cell_concat(x, h, W, b), rnn_cell(x, h, W[:, 4:], W[:, :4], b))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_dropout(kind):
    Ours, _ = LAYERS[kind]
    torch.manual_seed(0)
    for fast in (True, False):
        m = Ours(3, 8, num_layers=2, dropout=0.5, fast=fast)
        x = torch.randn(5, 2, 3)
        m.eval()
        a, b = m(x)[0], m(x)[0]
        torch.testing.assert_close(a, b)  # no dropout in eval
        m.train()
        assert not torch.allclose(m(x)[0], a)  # dropout between layers in training
    single = Ours(3, 8, num_layers=1, dropout=0.0, fast=False).train()
    torch.testing.assert_close(single(x)[0], single(x)[0])


def test_padding_does_not_leak():
    torch.manual_seed(1)
    for fast in (True, False):
        m = LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True, fast=fast, dtype=F64)
        x = torch.randn(3, 6, 3, dtype=F64)
        out, (h, c) = m(x, lengths=[6, 2, 4])
        alone, (h1, c1) = m(x[1:2, :2])
        assert_same(out[1:2, :2], alone)
        assert_same(h[:, 1:2], h1)
        assert_same(c[:, 1:2], c1)
        assert (out[1, 2:] == 0).all()
        x2 = x.clone(); x2[1, 2:] = 1e3  # garbage in the padding changes nothing
        assert_same(m(x2, lengths=[6, 2, 4])[0], out)


@settings(max_examples=15, deadline=None)
@given(B=st.integers(1, 4), T=st.integers(1, 5), data=st.data())
def test_property_fast_equals_scratch(B, T, data):
    lengths = data.draw(st.lists(st.integers(1, T), min_size=B, max_size=B))
    kind = data.draw(st.sampled_from(["rnn", "lstm", "gru"]))
    bidirectional = data.draw(st.booleans())
    Ours, _ = LAYERS[kind]
    m = Ours(2, 3, num_layers=2, bidirectional=bidirectional, batch_first=True, dtype=F64)
    x = torch.randn(B, T, 2, dtype=F64)
    fast = m(x, lengths=lengths)
    m.fast = False
    slow = m(x, lengths=lengths)
    assert_same(fast[0], slow[0])
    for a, b in zip(as_tuple(fast[1]), as_tuple(slow[1])):
        assert_same(a, b)


def test_clip_grad_norm_matches_torch():
    torch.manual_seed(0)
    a = [torch.randn(3, 4, requires_grad=True), torch.randn(5, requires_grad=True)]
    b = [p.detach().clone().requires_grad_() for p in a]
    for ps in (a, b):
        (ps[0].sum() * 10 + ps[1].pow(2).sum()).backward()
    n1 = clip_grad_norm(a, 1.0)
    n2 = torch.nn.utils.clip_grad_norm_(b, 1.0)
    torch.testing.assert_close(n1, n2)
    for p, q in zip(a, b):
        torch.testing.assert_close(p.grad, q.grad)
    with pytest.raises(ValueError, match="max_norm"):
        clip_grad_norm(a, 0.0)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("batch_first", [True, False])
def test_packed_sequence_in_and_out(kind, fast, enforce_sorted, batch_first):
    ours, ref = make_pair(kind, num_layers=2, bidirectional=True, batch_first=batch_first, fast=fast)
    lengths = torch.tensor([5, 5, 3, 2, 2, 1]) if enforce_sorted else torch.tensor([2, 5, 1, 5, 3, 2])  # with ties
    x = torch.randn((6, 5, 3) if batch_first else (5, 6, 3), dtype=F64)
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    h0 = torch.randn(4, 6, 4, dtype=F64)
    hx = (h0, torch.randn_like(h0)) if kind == "lstm" else h0
    out, state = ours(packed, hx)
    ref_out, ref_state = ref(packed, hx)
    assert torch.equal(out.batch_sizes, ref_out.batch_sizes)
    assert_same(out.data, ref_out.data)
    for s_, r in zip(as_tuple(state), as_tuple(ref_state)):
        assert_same(s_, r)
    w = torch.randn_like(out.data)
    grads = torch.autograd.grad((out.data * w).sum(), list(ours.parameters()))
    ref_grads = torch.autograd.grad((ref_out.data * w).sum(), list(ref.parameters()))
    for g, r in zip(grads, ref_grads):
        assert_same(g, r)
    with pytest.raises(ValueError, match="lengths must be None for a PackedSequence"):
        ours(packed, lengths=lengths)


def test_sequence_classifier():
    torch.manual_seed(0)
    ours = SequenceClassifier(LSTM(28, 16, batch_first=True, fast=False), 10)
    theirs = SequenceClassifier(nn.LSTM(28, 16, batch_first=True), 10)
    theirs.load_state_dict(ours.state_dict())
    x = torch.rand(5, 28, 28)
    torch.testing.assert_close(ours(x), theirs(x))
    assert ours(x).shape == (5, 10)
    bi = SequenceClassifier(GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True), 7)
    out = bi(torch.randn(2, 6, 3), lengths=[6, 2])
    assert out.shape == (2, 7)
    with pytest.raises(ValueError, match="batch_first=True"):
        SequenceClassifier(LSTM(3, 4), 2)
    with pytest.raises(ValueError, match=r"x must have shape \(B, T, D\)"):
        ours(torch.rand(28, 28))


def test_state_gradient_norms_and_benchmark_helpers():
    torch.manual_seed(0)
    cell = LSTMCell(3, 4)
    norms = state_gradient_norms(cell, torch.randn(6, 2, 3), torch.randn(2, 4))
    assert norms.shape == (6,) and (norms >= 0).all()
    with pytest.raises(ValueError, match=r"expected \(T, B, D\)"):
        state_gradient_norms(cell, torch.randn(6, 3), torch.randn(2, 4))
    with pytest.raises(ValueError, match=r"v has shape \(2, 5\), expected \(2, 4\)"):
        state_gradient_norms(cell, torch.randn(6, 2, 3), torch.randn(2, 5))
    rows = benchmark_layers(batch=2, T=3, hidden=4, repeats=1, device="cpu")
    assert [r["layer"] for r in rows] == ["RNN", "LSTM", "GRU"]
    assert all(r["fast_ms"] > 0 and r["scratch_ms"] > 0 for r in rows)
    assert markdown_table(rows).count("\n") == 4


# ---- bad inputs ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("fast", [True, False])
def test_bad_inputs_layers(kind, fast):
    Ours, _ = LAYERS[kind]
    m = Ours(3, 4, num_layers=2, batch_first=True, fast=fast)
    x = torch.randn(2, 5, 3)
    with pytest.raises(ValueError, match=r"input has shape \(5,\).*\(B, T, 3\)"):
        m(torch.randn(5))
    with pytest.raises(ValueError, match=r"input has shape \(1, 2, 5, 3\)"):
        m(torch.randn(1, 2, 5, 3))
    with pytest.raises(ValueError, match=r"input has 4 features, expected input_size=3 \(shape \(B, T, 3\)"):
        m(torch.randn(2, 5, 4))
    with pytest.raises(ValueError, match="input must be a Tensor"):
        m([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="0 time steps"):
        m(torch.randn(2, 0, 3))
    bad = torch.randn(2, 3, 4)  # should be (2, 2, 4)
    with pytest.raises(ValueError, match=r"has shape \(2, 3, 4\), expected \(2, 2, 4\)"):
        m(x, (bad, bad) if kind == "lstm" else bad)
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, 5\]"):
        m(x, lengths=[0, 5])
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, 5\]"):
        m(x, lengths=[6, 5])
    with pytest.raises(ValueError, match=r"lengths has shape \(3,\), expected \(2,\)"):
        m(x, lengths=[1, 2, 3])
    with pytest.raises(ValueError, match="lengths must be integer"):
        m(x, lengths=torch.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="lengths needs a batched input"):
        m(torch.randn(5, 3), lengths=[5])


def test_bad_inputs_lstm_state_and_constructor():
    m = LSTM(3, 4)
    x = torch.randn(5, 2, 3)
    with pytest.raises(ValueError, match=r"hx must be a pair \(h_0, c_0\)"):
        m(x, torch.zeros(1, 2, 4))
    h = torch.zeros(1, 2, 4)
    with pytest.raises(ValueError, match=r"hx\[1\] \(c_0\) has shape \(1, 2, 5\), expected \(1, 2, 4\)"):
        m(x, (h, torch.zeros(1, 2, 5)))
    with pytest.raises(ValueError, match="hidden_size must be an int >= 1"):
        LSTM(3, 0)
    with pytest.raises(ValueError, match="dropout must be a number in"):
        GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="proj_size"):
        LSTM(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="nonlinearity"):
        RNN(3, 4, nonlinearity="sigmoid")


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_bad_inputs_cells(kind):
    Ours, _ = CELLS[kind]
    cell = Ours(3, 4)
    with pytest.raises(ValueError, match=r"input has shape \(2, 5, 3\), expected \(B, 3\)"):
        cell(torch.randn(2, 5, 3))
    with pytest.raises(ValueError, match=r"input has 5 features, expected input_size=3"):
        cell(torch.randn(2, 5))
    bad = torch.zeros(3, 4)  # batch 3 for an input of batch 2
    with pytest.raises(ValueError, match=r"has shape \(3, 4\), expected \(2, 4\)"):
        cell(torch.randn(2, 3), (bad, bad) if kind == "lstm" else bad)


def test_dtype_conversion_and_flatten_is_harmless_on_cpu():
    m = GRU(3, 4, num_layers=2, bidirectional=True)
    ref = nn.GRU(3, 4, num_layers=2, bidirectional=True)
    ref.load_state_dict(m.state_dict())
    m.double(); ref.double()  # goes through _apply -> flatten_parameters (a no-op on the CPU)
    m.flatten_parameters()
    x = torch.randn(5, 2, 3, dtype=F64)
    assert all(p.dtype == F64 for p in m.parameters())
    assert_same(m(x)[0], ref(x)[0])


def test_clip_grad_norm_takes_one_tensor_or_an_iterable_like_torch():
    torch.manual_seed(0)
    w = torch.randn(3, 4, requires_grad=True); v = w.detach().clone().requires_grad_()
    (w * 10).sum().backward(); (v * 10).sum().backward()
    n1, n2 = clip_grad_norm(w, 1.0), torch.nn.utils.clip_grad_norm_(v, 1.0)  # one tensor, not wrapped in a list
    torch.testing.assert_close(n1, n2)
    torch.testing.assert_close(w.grad, v.grad)
    assert w.grad.norm().item() == pytest.approx(1.0, rel=1e-5)
    m, r = nn.Linear(3, 2), nn.Linear(3, 2)
    r.load_state_dict(m.state_dict())
    for mod in (m, r):
        (mod(torch.ones(4, 3)) * 100).sum().backward()
    torch.testing.assert_close(clip_grad_norm(m.parameters(), 0.5), torch.nn.utils.clip_grad_norm_(r.parameters(), 0.5))
    for p, q in zip(m.parameters(), r.parameters()):  # a generator is read once: every gradient is clipped
        torch.testing.assert_close(p.grad, q.grad)
    with pytest.raises(TypeError, match="parameters must be a Tensor or an iterable of Tensors"):
        clip_grad_norm(3.0, 1.0)


@pytest.mark.parametrize("kind", ["rnn", "rnn_relu", "lstm", "gru"])
@pytest.mark.parametrize("num_layers,bidirectional,batch_first,bias", [(1, False, False, True), (2, True, True, False)])
def test_to_torch_hands_back_the_torch_nn_module_with_the_same_weights(kind, num_layers, bidirectional, batch_first, bias):
    ours, _ = make_pair(kind, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias,
                        dropout=0.25 if num_layers > 1 else 0.0)
    ref = ours.to_torch()
    assert isinstance(ref, LAYERS[kind][1]) and type(ref) is LAYERS[kind][1]
    assert ref.training == ours.training and ref.dropout == ours.dropout
    assert all(a is not b for a, b in zip(ref.parameters(), ours.parameters()))  # a copy: the two can be trained apart
    ours.eval(); ref.eval()
    x = torch.randn(2, 5, 3, dtype=F64) if batch_first else torch.randn(5, 2, 3, dtype=F64)
    out, state = ours(x)
    out_ref, state_ref = ref(x)
    assert_same(out, out_ref)
    for a, b in zip(as_tuple(state), as_tuple(state_ref)):
        assert_same(a, b)


def test_to_torch_is_what_quantize_dynamic_and_torchscript_need():
    torch.manual_seed(0)
    ours = LSTM(3, 4, num_layers=2)
    assert not isinstance(ours, nn.LSTM)  # quantize_dynamic would skip it
    ref = ours.to_torch()
    q = torch.ao.quantization.quantize_dynamic(nn.Sequential(ref), {nn.LSTM}, dtype=torch.qint8)
    assert type(q[0]).__module__.startswith("torch.ao.nn.quantized")
    x = torch.randn(6, 2, 3)
    traced = torch.jit.trace(ref, (x,))  # (torch.jit.script of nn.LSTM itself fails on torch 2.13)
    torch.testing.assert_close(traced(x)[0], ours(x)[0])


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_cells_to_torch(kind):
    Ours, Theirs = CELLS[kind]
    ours = Ours(3, 4, bias=False, dtype=F64)
    ref = ours.to_torch()
    assert type(ref) is Theirs and ref.bias is False
    x = torch.randn(2, 3, dtype=F64)
    for a, b in zip(as_tuple(ours(x)), as_tuple(ref(x))):
        assert_same(a, b)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("fast", [True, False])
def test_dtype_mismatch_names_the_input_and_the_weight_dtypes(kind, fast):
    Ours = LAYERS[kind][0]
    m = Ours(3, 4, fast=fast)  # float32 weights
    with pytest.raises(ValueError, match=r"input has dtype torch.float64.*weights have dtype torch.float32"):
        m(torch.randn(5, 2, 3, dtype=F64))
    with pytest.raises(ValueError, match=r"input has dtype torch.int64.*weights have dtype torch.float32"):
        m(torch.ones(5, 2, 3, dtype=torch.long))
    h = torch.zeros(1, 2, 4, dtype=F64)
    with pytest.raises(ValueError, match=r"h.*has dtype torch.float64.*weights have dtype torch.float32"):
        m(torch.randn(5, 2, 3), (h, h) if kind == "lstm" else h)
    cell = CELLS[kind][0](3, 4)
    with pytest.raises(ValueError, match=r"input has dtype torch.float64.*weights have dtype torch.float32"):
        cell(torch.randn(2, 3, dtype=F64))
    h = torch.zeros(2, 4, dtype=F64)
    with pytest.raises(ValueError, match=r"hx has dtype torch.float64.*weights have dtype torch.float32"):
        cell(torch.randn(2, 3), (h, h) if kind == "lstm" else h)


def test_the_chapter_says_where_torch_nn_works_and_these_layers_cannot():
    import json
    from pathlib import Path
    nb = json.loads((Path(__file__).resolve().parent.parent / "nbs" / "01_rnn.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    for needed in ("isinstance(layer, nn.LSTM)", "quantize_dynamic", "torch.jit.script", "fullgraph=True", "to_torch()"):
        assert needed in text, needed


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_garbage_hx_gets_the_shape_error_not_an_attribute_error(kind):
    m = LAYERS[kind][0](3, 4)
    for hx in ((torch.zeros(1, 2, 4), "x"), [1, 2, 3], "h"):
        with pytest.raises(ValueError, match="hx"):
            m(torch.randn(5, 2, 3), hx)


def test_fractional_lengths_are_refused_not_truncated():
    m = LSTM(3, 4)
    for bad in ([2.5, 3], (3, True)):
        with pytest.raises(ValueError, match="lengths must be"):
            m(torch.randn(5, 2, 3), lengths=bad)
    m(torch.randn(5, 2, 3), lengths=[2, 3])
