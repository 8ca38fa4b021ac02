"""Edge cases of encdec_lib.training that the chapter does not need to show: fit's arguments, its
finite-loss check, clipping and reproducibility, checkpoints, the schedule, exact match."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from encdec_lib.core import set_seed
from encdec_lib.training import History, exact_match, fit, load_checkpoint, save_checkpoint


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
