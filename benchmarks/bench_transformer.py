"""Speed of encdec_lib.transformer and encdec_lib.decoding (not a test: timings are never asserted).

    python benchmarks/bench_transformer.py                       # CUDA if available
    python benchmarks/bench_transformer.py --device cpu --threads 1 --quick --out book/performance/bench_transformer.md

Four markdown tables:
1. multi-head attention, forward + backward: the library's MultiHeadAttention against nn.MultiheadAttention (same weights);
2. greedy generation of 100 tokens with the key/value cache (Decoder.step) against recomputing the whole prefix every step;
3. beam search (beam 5, 64 sentences): one batched search against a loop of per-sentence searches;
4. attention time and memory against sequence length (the library's scaled_dot_product_attention and torch's).
"""
from __future__ import annotations

import platform
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import benchmark_arguments, timeit  # noqa: E402
from encdec_lib.data import BOS_ID
from encdec_lib.decoding import beam_search
from encdec_lib.transformer import MultiHeadAttention, Transformer, scaled_dot_product_attention


def bench_mha(device, B, L, D, H, repeats):
    ref = nn.MultiheadAttention(D, H, batch_first=True).to(device)
    mine = MultiHeadAttention(D, H, batch_first=True).to(device)
    mine.load_state_dict(ref.state_dict())
    x = torch.randn(B, L, D, device=device, requires_grad=True)
    kpm = torch.zeros(B, L, dtype=torch.bool, device=device); kpm[B // 2:, L // 2:] = True
    rows = []
    for name, m in (("nn.MultiheadAttention", ref), ("encdec_lib MultiHeadAttention", mine)):
        def run(m=m):
            out, _ = m(x, x, x, key_padding_mask=kpm, need_weights=False)
            out.sum().backward()
        rows.append((name, timeit(run, device, repeats)))
    t_ref = rows[0][1]
    lines = ["| module | forward + backward (ms) | ratio to nn.MultiheadAttention |", "|---|---|---|"]
    lines += [f"| {n} | {t * 1e3:.2f} | {t / t_ref:.2f}x |" for n, t in rows]
    return f"Multi-head self-attention, batch {B}, length {L}, d_model {D}, {H} heads, padding mask, float32, median of {repeats}.\n\n" + "\n".join(lines)


@torch.no_grad()
def bench_cache(device, B, T, D, layers, repeats):
    torch.manual_seed(0)
    m = Transformer(100, 100, D, 8 if D % 8 == 0 else 4, layers, layers, 4 * D, dropout=0.0, max_len=T + 8).to(device).eval()
    src = torch.randint(4, 100, (B, 20), device=device)

    def cached():
        enc = m.encoder(src); st = m.decoder.init_state(enc)
        y = torch.full((B,), BOS_ID, device=device)
        for _ in range(T):
            logits, st = m.decoder.step(y, st, enc); y = logits.argmax(-1)

    def recompute():
        enc = m.encoder(src)
        ys = torch.full((B, 1), BOS_ID, device=device)
        for _ in range(T):
            logits, _ = m.decoder(ys, None, enc)  # the whole prefix, every step
            ys = torch.cat([ys, logits[:, -1].argmax(-1, keepdim=True)], 1)
    tc, tr = timeit(cached, device, repeats), timeit(recompute, device, repeats)
    return (f"Greedy generation of {T} tokens, batch {B}, Transformer d_model {D}, {layers}+{layers} layers, median of {repeats}.\n\n"
            "| method | time (ms) | speed-up |\n|---|---|---|\n"
            f"| recompute the prefix every step | {tr * 1e3:.1f} | 1.00x |\n| key/value cache (`step`) | {tc * 1e3:.1f} | {tr / tc:.2f}x |")


@torch.no_grad()
def bench_beam(device, n, beam, D, layers, max_len, repeats):
    torch.manual_seed(0)
    m = Transformer(100, 100, D, 4, layers, layers, 2 * D, dropout=0.0).to(device).eval()
    m.decoder.out.bias.data[2] = -1e4  # never <eos>: every search runs max_len steps, so both do the same work
    src = torch.randint(4, 100, (n, 15), device=device)
    tb = timeit(lambda: beam_search(m, src, None, beam, max_len), device, repeats)
    tl = timeit(lambda: [beam_search(m, src[i:i + 1], None, beam, max_len) for i in range(n)], device, max(1, repeats // 2))
    return (f"Beam search, beam {beam}, {n} sentences, {max_len} steps, Transformer d_model {D}, {layers}+{layers} layers, median.\n\n"
            "| method | time (ms) | speed-up |\n|---|---|---|\n"
            f"| loop over sentences | {tl * 1e3:.1f} | 1.00x |\n| batched (all B·k hypotheses per step) | {tb * 1e3:.1f} | {tl / tb:.2f}x |")


def bench_length(device, lengths, B, H, d_k, repeats):
    lines = ["| length L | library (ms) | F.scaled_dot_product_attention (ms) | weights matrix (MiB) | peak memory, library (MiB) |",
             "|---|---|---|---|---|"]
    for L in lengths:
        q = torch.randn(B, H, L, d_k, device=device)
        t_lib = timeit(lambda: scaled_dot_product_attention(q, q, q, is_causal=True), device, repeats)
        t_torch = timeit(lambda: torch.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True), device, repeats)
        weights_mib = B * H * L * L * 4 / 2**20
        peak = "n/a (CPU)"
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(); base = torch.cuda.memory_allocated()
            scaled_dot_product_attention(q, q, q, is_causal=True); torch.cuda.synchronize()
            peak = f"{(torch.cuda.max_memory_allocated() - base) / 2**20:.1f}"
        lines.append(f"| {L} | {t_lib * 1e3:.2f} | {t_torch * 1e3:.2f} | {weights_mib:.1f} | {peak} |")
    return f"Causal self-attention, batch {B}, {H} heads, d_k {d_k}, float32, median of {repeats}.\n\n" + "\n".join(lines)


def main() -> None:
    ap = benchmark_arguments(__doc__.splitlines()[0], repeats=5, out_help="also write the tables (with their settings) to this file")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    q = args.quick if args.quick is not None else device.type == "cpu"
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else \
        f"{platform.processor() or platform.machine()} CPU, {torch.get_num_threads()} thread(s)"
    tables = [
        bench_mha(device, 16 if q else 64, 64 if q else 256, 256 if q else 512, 8, args.repeats),
        bench_cache(device, 8 if q else 64, 100, 128 if q else 512, 2 if q else 6, max(1, args.repeats // 2)),
        bench_beam(device, 64, 5, 64 if q else 256, 2 if q else 3, 20 if q else 30, max(1, args.repeats // 2)),
        bench_length(device, [128, 256, 512, 1024] if q else [256, 512, 1024, 2048, 4096, 8192], 1 if q else 8, 4 if q else 8, 32 if q else 64, args.repeats),
    ]
    text = (f"encdec_lib.transformer / encdec_lib.decoding benchmark ({'quick' if q else 'default'} sizes); torch {torch.__version__} on {where}.\n\n"
            + "\n\n".join(tables) + "\n")
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
