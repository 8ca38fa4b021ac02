"""Timing shared by the benchmark scripts: the median of repeated calls, synchronised on CUDA."""
from __future__ import annotations

import statistics
import time

import torch


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timeit(fn, device: torch.device, repeats: int = 5, warmup: int = 1) -> float:
    "Median seconds of fn()."
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        _sync(device); t0 = time.perf_counter(); fn(); _sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def benchmark_arguments(description: str, repeats: int, out_help: str = "also write the table (with its settings) to this file"):
    "The command line every benchmark script takes: --device, --threads, --quick, --repeats, --out."
    import argparse
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    ap.add_argument("--quick", action=argparse.BooleanOptionalAction, default=None,
                    help="small sizes (default: on a CPU; --no-quick for the full sizes)")
    ap.add_argument("--repeats", type=int, default=repeats, help="timed runs per measurement (median)")
    ap.add_argument("--out", default=None, help=out_help)
    return ap
