"""Edge cases of encdec_lib.core that the chapter does not need to show."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from encdec_lib.core import (Decoder, Encoder, EncoderDecoder, EncoderOutput, by_profile, get_device, get_profile,
    map_tensors, set_seed, to_device)


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
