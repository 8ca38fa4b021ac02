"""`fit` under torchrun: two CPU processes with gloo give the same training as one process on the
same global batches."""
from __future__ import annotations

import socket
import os
import subprocess
import sys

import pytest
import torch

from encdec_lib.training import distributed_loader, fit, init_distributed

SETUP = """
import torch, torch.nn.functional as F
from torch import nn
from encdec_lib.core import set_seed

def make():
    set_seed(0)
    X = torch.randn(96, 4)
    Y = torch.sin(X.sum(1, keepdim=True))
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
    return torch.utils.data.TensorDataset(X, Y), model

def loss_fn(model, batch):
    return F.mse_loss(model(batch[0]), batch[1])
"""

SCRIPT = SETUP + """
import sys
from torch.nn.parallel import DistributedDataParallel as DDP
from encdec_lib.training import distributed_loader, fit, init_distributed

rank, world, device = init_distributed()
data, model = make()
ddp = DDP(model)
loader = distributed_loader(data, global_batch_size=16, seed=3)
hist = fit(ddp, loader, loss_fn, torch.optim.SGD(ddp.parameters(), lr=0.2), epochs=3, clip_norm=0.5,
           device="cpu", progress=False, checkpoint_path=sys.argv[1] + "/ck.pt")
torch.save({"state": model.state_dict(), "loss": hist.step_loss}, f"{sys.argv[1]}/rank{rank}.pt")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not torch.distributed.is_available(), reason="torch built without torch.distributed")
def test_two_gloo_processes_equal_one_process(tmp_path):
    (tmp_path / "train.py").write_text(SCRIPT)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_addr=127.0.0.1",
           f"--master_port={free_port()}", str(tmp_path / "train.py"), str(tmp_path)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert run.returncode == 0, run.stderr[-3000:]

    namespace = {}
    exec(SETUP, namespace)
    data, model = namespace["make"]()
    loader = distributed_loader(data, global_batch_size=16, seed=3)  # not distributed: one process, world size 1
    hist = fit(model, loader, namespace["loss_fn"], torch.optim.SGD(model.parameters(), lr=0.2), epochs=3,
               clip_norm=0.5, device="cpu", progress=False)

    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1)]
    assert len(hist.step_loss) == 3 * 96 // 16
    for r in ranks:
        for name, p in model.state_dict().items():
            torch.testing.assert_close(r["state"][name], p, rtol=1e-5, atol=1e-6)
        assert r["loss"] == pytest.approx(hist.step_loss, rel=1e-5, abs=1e-6)
    assert (tmp_path / "ck.pt").exists()  # written by rank 0 only


def test_init_distributed_outside_torchrun(monkeypatch):
    for var in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(RuntimeError, match="torchrun"):
        init_distributed()


def test_distributed_loader_single_process():
    data = torch.utils.data.TensorDataset(torch.arange(10.0))
    loader = distributed_loader(data, global_batch_size=4, shuffle=False)
    assert [b[0].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7]]  # drop_last: equal steps on every process
