"""Forward+backward time of encdec_lib.rnn's layers against torch.nn (not a test: timings are never asserted).

    python benchmarks/bench_rnn.py                      # batch 64, T 50, hidden 256, CUDA if available
    python benchmarks/bench_rnn.py --device cpu --threads 1 --out book/performance/bench_rnn.md

For each layer type (RNN, LSTM, GRU) it times torch.nn's module, ours with the default fast path
(torch's fused kernel on our parameters) and ours with the scratch loop (fast=False), all with the
same weights and input, and prints a markdown table with the ratios to torch.nn.
"""
from __future__ import annotations

import argparse
import platform
from pathlib import Path

import torch

from encdec_lib.rnn import benchmark_layers, markdown_table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--T", type=int, default=50)
    ap.add_argument("--hidden", type=int, default=256, help="hidden size, also the input size")
    ap.add_argument("--repeats", type=int, default=5, help="interleaved timed rounds (the best is reported)")
    ap.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    ap.add_argument("--out", default=None, help="also write the table (with its settings) to this file")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows = benchmark_layers(args.batch, args.T, args.hidden, args.repeats, args.device)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    where = torch.cuda.get_device_name() if device.startswith("cuda") else f"{platform.processor() or platform.machine()} CPU, {torch.get_num_threads()} thread(s)"
    text = (f"Forward + backward, batch {args.batch}, T {args.T}, input and hidden {args.hidden}, float32, "
            f"best of {args.repeats} interleaved rounds; torch {torch.__version__} on {where}.\n\n" + markdown_table(rows) + "\n")
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
