"""Edge cases of encdec_lib.core that the chapter does not need to show."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from encdec_lib.core import (Decoder, Encoder, EncoderDecoder, EncoderOutput, by_profile, get_device, get_profile,
    map_tensors, set_seed, to_device)
from encdec_lib.training import History, exact_match, fit, load_checkpoint, save_checkpoint


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv("ENCDEC_PROFILE", "full")
    assert get_profile() == "full" and by_profile(1, 2) == 2
    monkeypatch.setenv("ENCDEC_PROFILE", "FAST ")
    assert get_profile() == "fast" and by_profile(1, 2) == 1
    monkeypatch.setenv("ENCDEC_PROFILE", "medium")
    with pytest.raises(ValueError, match="ENCDEC_PROFILE"):
        get_profile()
    monkeypatch.delenv("ENCDEC_PROFILE")
    assert get_profile() == ("full" if torch.cuda.is_available() else "fast")
    with pytest.raises(ValueError, match="profile"):
        by_profile(1, 2, "slow")


def test_device(monkeypatch):
    monkeypatch.setenv("ENCDEC_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")
    assert get_device("cpu") == torch.device("cpu")


@pytest.mark.parametrize("seed", [-1, 1.5, "3", True])
def test_set_seed_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed"):
        set_seed(seed)


def test_to_device_keeps_structure():
    Pair = __import__("collections").namedtuple("Pair", "a b")
    batch = {"x": torch.ones(2), "y": [torch.zeros(1), (torch.ones(1), 3)], "p": Pair(torch.ones(1), "s")}
    moved = to_device(batch, "cpu")
    assert isinstance(moved["y"][1], tuple) and moved["y"][1][1] == 3
    assert isinstance(moved["p"], Pair) and moved["p"].b == "s"


def test_map_tensors_maps_every_tensor_and_nothing_else():
    Pair = __import__("collections").namedtuple("Pair", "a b")
    tree = {"x": torch.ones(2), "y": [torch.zeros(1), (torch.full((1,), 2.0), 3, None)], "p": Pair(torch.ones(1), "s")}
    doubled = map_tensors(lambda t: 2 * t, tree)
    assert torch.equal(doubled["x"], torch.full((2,), 2.0)) and torch.equal(doubled["y"][1][0], torch.full((1,), 4.0))
    assert doubled["y"][1][1:] == (3, None) and isinstance(doubled["y"], list) and isinstance(doubled["y"][1], tuple)
    assert isinstance(doubled["p"], Pair) and doubled["p"].b == "s" and torch.equal(doubled["p"].a, torch.full((1,), 2.0))
    seen = []
    map_tensors(seen.append, tree)
    assert len(seen) == 4 and seen[0] is tree["x"]


class Shift(Encoder):
    "A parameter-free encoder whose state is the last real token's one-hot vector."
    def __init__(self, vocab):
        super().__init__()
        self.vocab = vocab
        self.dummy = nn.Parameter(torch.zeros(()))

    def forward(self, src, src_mask=None):
        out = F.one_hot(src, self.vocab).float()  # (B, S, V)
        return EncoderOutput(out, out[:, -1], src_mask)


class Echo(Decoder):
    "Emits the encoder's state token, then <eos>=2, then keeps emitting 5."
    def __init__(self, vocab):
        super().__init__()
        self.vocab = vocab

    def init_state(self, enc):
        return (enc.state, 0)

    def step(self, y_prev, state, enc):
        s, t = state
        if t == 0:
            logits = s * 10
        elif t == 1:
            logits = F.one_hot(torch.full_like(y_prev, 2), self.vocab).float() * 10
        else:
            logits = F.one_hot(torch.full_like(y_prev, 5), self.vocab).float() * 10
        return logits, (s, t + 1)


def test_greedy_decode_stops_at_eos_and_pads():
    model = EncoderDecoder(Shift(8), Echo(8))
    src = torch.tensor([[3, 4], [6, 7]])
    out = model.greedy_decode(src, bos_id=1, eos_id=2, max_len=10, pad_id=0)
    assert out.tolist() == [[4, 2], [7, 2]]  # stops as soon as every row has <eos>
    out = model.greedy_decode(src, bos_id=1, eos_id=2, max_len=1)
    assert out.shape == (2, 1)


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_greedy_decode_rejects_bad_max_len(bad):
    with pytest.raises(ValueError, match="max_len"):
        EncoderDecoder(Shift(8), Echo(8)).greedy_decode(torch.tensor([[3]]), 1, 2, bad)


def test_encoder_decoder_checks_its_inputs():
    model = EncoderDecoder(Shift(8), Echo(8))
    with pytest.raises(ValueError, match=r"src has shape \(3,\)"):
        model(torch.tensor([1, 2, 3]), torch.tensor([[1]]))
    with pytest.raises(ValueError, match="src has dtype"):
        model(torch.ones(1, 3), torch.tensor([[1]]))
    with pytest.raises(ValueError, match="non-empty"):
        model(torch.zeros(1, 0, dtype=torch.long), torch.tensor([[1]]))
    with pytest.raises(ValueError, match="tgt_in has batch size 2"):
        model(torch.tensor([[3, 4]]), torch.tensor([[1], [1]]))
    with pytest.raises(ValueError, match=r"src_mask has shape \(1, 3\), expected \(1, 2\)"):
        model(torch.tensor([[3, 4]]), torch.tensor([[1]]), torch.ones(1, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="src_mask must be a bool tensor"):
        model(torch.tensor([[3, 4]]), torch.tensor([[1]]), torch.ones(1, 2))
    with pytest.raises(TypeError, match="src must be a torch.Tensor"):
        model([[3, 4]], torch.tensor([[1]]))


def test_exact_match():
    pred = torch.tensor([[4, 2, 9], [4, 4, 4], [2, 0, 0]])
    target = torch.tensor([[4, 2], [4, 4], [2, 7]])
    assert exact_match(pred, target, eos_id=2).tolist() == [True, False, True]
    with pytest.raises(ValueError, match="same B"):
        exact_match(pred, target[:2], eos_id=2)


def regression_setup():
    set_seed(0)
    X = torch.randn(64, 3)
    Y = X @ torch.tensor([[1.0], [-2.0], [0.5]])
    model = nn.Linear(3, 1)
    batches = [(X[i:i + 16], Y[i:i + 16]) for i in range(0, 64, 16)]
    return model, batches, lambda m, b: F.mse_loss(m(b[0]), b[1])


def test_fit_validates_arguments():
    model, batches, loss = regression_setup()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for epochs in (0, -1, 1.0):
        with pytest.raises(ValueError, match="epochs"):
            fit(model, batches, loss, opt, epochs, progress=False)
    with pytest.raises(ValueError, match="clip_norm"):
        fit(model, batches, loss, opt, 1, clip_norm=0, progress=False)
    with pytest.raises(ValueError, match="scalar"):
        fit(model, batches, lambda m, b: (m(b[0]) - b[1]) ** 2, opt, 1, progress=False)


def test_fit_stops_on_a_non_finite_loss():
    model, batches, _ = regression_setup()
    with pytest.raises(FloatingPointError, match="loss is nan"):
        fit(model, batches, lambda m, b: m(b[0]).sum() * float("nan"), torch.optim.SGD(model.parameters(), lr=0.1), 1,
            progress=False)


def test_fit_clips_gradients():
    model, batches, loss = regression_setup()
    big = lambda m, b: 1e6 * loss(m, b)  # noqa: E731
    before = [p.detach().clone() for p in model.parameters()]
    hist = fit(model, batches[:1], big, torch.optim.SGD(model.parameters(), lr=1.0), 1, clip_norm=0.5, progress=False)
    step = torch.cat([(p.detach() - b).flatten() for p, b in zip(model.parameters(), before)])
    assert hist.grad_norm[0] > 0.5  # the norm is recorded before clipping
    assert math.isclose(step.norm().item(), 0.5, rel_tol=1e-4)  # SGD with lr 1 moves by the clipped gradient


def test_fit_is_reproducible_and_records_history():
    runs = []
    for _ in range(2):
        model, batches, loss = regression_setup()
        hist = fit(model, batches, loss, torch.optim.Adam(model.parameters(), lr=0.05), 3,
                   valid_fn=lambda m: {"loss": loss(m, batches[0]), "n": 1}, progress=False)
        runs.append(hist)
    assert runs[0].step_loss == runs[1].step_loss
    h = runs[0]
    assert len(h.step_loss) == len(h.grad_norm) == 12 and len(h.epoch_loss) == 3 and len(h.valid) == 3
    assert h.valid[0] == {"loss": pytest.approx(h.valid[0]["loss"]), "n": 1.0}
    assert h.seconds > 0


def test_history_plot():
    import matplotlib
    matplotlib.use("Agg")
    h = History(step_loss=[3.0, 2.0, 1.5, 1.0] * 25, epoch_loss=[2.0, 1.0], valid=[{"loss": 2.1}, {"loss": 1.2}])
    ax = h.plot(title="t")
    assert ax.get_title() == "t" and len(ax.lines) == 3


def test_checkpoint_round_trip(tmp_path):
    model, batches, loss = regression_setup()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    hist = fit(model, batches, loss, opt, 2, checkpoint_path=tmp_path / "ck" / "m.pt", progress=False)
    assert not list((tmp_path / "ck").glob("*.tmp"))
    fresh = nn.Linear(3, 1)
    fresh_opt = torch.optim.Adam(fresh.parameters(), lr=0.05)
    extra = load_checkpoint(tmp_path / "ck" / "m.pt", fresh, fresh_opt)
    assert extra["epoch"] == 2 and extra["history"]["step_loss"] == hist.step_loss
    assert fresh_opt.state_dict()["state"][0]["step"] == opt.state_dict()["state"][0]["step"]
    for a, b in zip(fresh.parameters(), model.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    save_checkpoint(tmp_path / "no_opt.pt", model)
    with pytest.raises(ValueError, match="no optimizer state"):
        load_checkpoint(tmp_path / "no_opt.pt", fresh, fresh_opt)


def test_checkpoint_refuses_arbitrary_pickles(tmp_path):
    "weights_only=True: a checkpoint holding an arbitrary object is refused."
    torch.save({"model": {}, "extra": {"obj": History()}}, tmp_path / "evil.pt")
    with pytest.raises(Exception, match="[Ww]eights only"):
        load_checkpoint(tmp_path / "evil.pt", nn.Linear(1, 1))


def test_linear_schedule_shapes_and_bad_inputs():
    from encdec_lib.training import linear_schedule
    def rates(**kw):
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
        sched, out = linear_schedule(opt, **kw), []
        for _ in range(kw["total_steps"]):
            out.append(opt.param_groups[0]["lr"]); opt.step(); sched.step()
        return out
    assert rates(total_steps=4) == [1.0, 0.75, 0.5, 0.25]  # plain linear decay
    warm = rates(total_steps=20, warmup_steps=5)
    assert warm[:6] == [0.2, 0.4, 0.6, 0.8, 1.0, 1.0] and all(a > b for a, b in zip(warm[5:], warm[6:])) and warm[-1] > 0
    assert rates(total_steps=6, decay_start=3) == [1.0, 1.0, 1.0, 1.0, 2 / 3, 1 / 3]
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    for kw in (dict(total_steps=0), dict(total_steps=5, warmup_steps=6), dict(total_steps=5, warmup_steps=2, decay_start=1),
               dict(total_steps=5, decay_start=5), dict(total_steps=2.5)):
        with pytest.raises(ValueError, match="total_steps"):
            linear_schedule(opt, **kw)


def test_fit_refuses_an_empty_loader():
    model, _, loss = regression_setup()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for empty in ([], iter([]), torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(0, 3)), batch_size=4)):
        with pytest.raises(ValueError, match="train_loader yielded no batches"):
            fit(model, empty, loss, opt, 1, progress=False)


@pytest.mark.parametrize("name, value", [
    ("numpy_scalar", __import__("numpy").float64(0.5)), ("numpy_int", __import__("numpy").int64(3)),
    ("numpy_array", __import__("numpy").zeros(3)), ("file", __import__("pathlib").Path("x")),
    ("object", History()), ("nested", {"a": [1, __import__("numpy").float32(2.0)]}), ("lambda", lambda: 0),
])
def test_checkpoint_refuses_extras_that_load_would_refuse(tmp_path, name, value):
    model = nn.Linear(2, 1)
    with pytest.raises(TypeError, match=f"extra\\['{name}'\\].*weights_only"):
        save_checkpoint(tmp_path / "m.pt", model, **{name: value})
    assert list(tmp_path.iterdir()) == []  # nothing written, no .tmp left behind


def test_checkpoint_keeps_plain_extras_and_leaves_no_tmp_when_the_save_fails(tmp_path, monkeypatch):
    model = nn.Linear(2, 1)
    plain = dict(epoch=3, lr=0.5, name="run", flag=True, none=None, seq=[1, 2.0, ("a", None)], table={"k": {1: 2}},
                 t=torch.arange(3), dtype=torch.float64)
    save_checkpoint(tmp_path / "m.pt", model, **plain)
    extra = load_checkpoint(tmp_path / "m.pt", nn.Linear(2, 1))
    assert extra["seq"] == [1, 2.0, ("a", None)] and extra["table"] == {"k": {1: 2}} and torch.equal(extra["t"], torch.arange(3))

    def broken_save(obj, f, *a, **k):
        open(f, "wb").write(b"half")
        raise OSError("disk full")
    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(tmp_path / "m.pt", model, epoch=4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt"]  # the old checkpoint, and no m.pt.tmp
    assert load_checkpoint(tmp_path / "m.pt", nn.Linear(2, 1))["epoch"] == 3


def test_check_mask_refuses_masks_that_are_not_right_padded():
    from encdec_lib.core import check_mask
    src = torch.ones(2, 4, dtype=torch.long)
    check_mask("src_mask", torch.tensor([[True, True, False, False], [True, True, True, True]]), src)
    check_mask("src_mask", torch.tensor([[False] * 4, [True] * 4]), src)  # an all-padding row is right-padded too
    for bad in ([[False, True, True, True], [True] * 4], [[True, False, True, False], [True] * 4]):
        with pytest.raises(ValueError, match="src_mask.*right-padded.*row 0"):
            check_mask("src_mask", torch.tensor(bad), src)


def test_select_rows_uses_the_dimension_it_is_given():
    from encdec_lib.core import select_rows
    h = torch.arange(2 * 2 * 3).view(2, 2, 3)  # (layers, N, H) with layers == N: its size does not tell the dimension
    idx = torch.tensor([1, 1])
    assert torch.equal(select_rows(h, idx, 2, dim=1), h[:, idx]) and torch.equal(select_rows(h, idx, 2), h[idx])
    state = {"h": h, "n": 3, "none": None}
    assert select_rows(state, idx, 2, dim=1, keep=(h,))["h"] is h
    with pytest.raises(ValueError, match=r"state tensor of shape \(2, 2, 3\) has size 3 at dim 2.*expected 5"):
        select_rows(h, torch.tensor([0] * 5), 5, dim=2)


def test_eval_mode_restores_the_mode_of_every_submodule():
    from encdec_lib.core import eval_mode
    m = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5)).train()
    m[0].eval()  # a mixed model: restored module by module
    with eval_mode(m):
        assert not any(x.training for x in m.modules())
    assert m.training and not m[0].training and m[1].training
    with pytest.raises(RuntimeError), eval_mode(m):
        raise RuntimeError
    assert m.training
