"""Decoding speed of encdec_lib against Hugging Face transformers' `generate` (not a test: timings are never asserted).

    pip install -e ".[bench]"                                    # transformers: a benchmark-only extra
    python benchmarks/bench_generate.py                          # CUDA if available
    python benchmarks/bench_generate.py --device cpu --threads 1 --out book/performance/bench_generate.md

The peer is transformers' MarianMTModel, the post-norm Transformer of Vaswani et al. with sinusoidal positions and
embeddings scaled by sqrt(d_model), built with the same dimensions as the course's `Transformer` and given **its
weights**: the two differ only in the order of the features of the residual stream (Marian's sinusoids are sines then
cosines, ours interleave them), so every weight is copied with that permutation of the d_model features. The script
checks that the two models give the same logits before it times anything, and reports how many generated tokens agree.

Greedy decoding (ours: the key/value cache of `Decoder.step`) and beam search (beam 5, no length penalty), for a batch of
sentences; <eos> is made impossible in both models, so that every sentence runs the same number of steps in both.
Sentences per second, median of the repeats, one run, with the device.
"""
from __future__ import annotations

import platform
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import benchmark_arguments, timeit  # noqa: E402
from encdec_lib.data import BOS_ID, EOS_ID, PAD_ID
from encdec_lib.decoding import beam_search, greedy_search
from encdec_lib.transformer import Transformer


def feature_order(d_model: int) -> torch.Tensor:
    "p such that Marian's residual feature m is our feature p[m]: our sin/cos pairs (2i, 2i+1) go to (i, d/2 + i)."
    half = torch.arange(d_model // 2)
    return torch.cat([2 * half, 2 * half + 1])


def marian_like(ours: Transformer, vocab: int, d_model: int, heads: int, layers: int, ff: int, max_len: int):
    "A transformers MarianMTModel of the same architecture, with our weights (features of the residual stream permuted)."
    from transformers import MarianConfig, MarianMTModel
    cfg = MarianConfig(vocab_size=vocab, decoder_vocab_size=vocab, d_model=d_model, encoder_layers=layers, decoder_layers=layers,
                       encoder_attention_heads=heads, decoder_attention_heads=heads, encoder_ffn_dim=ff, decoder_ffn_dim=ff,
                       activation_function="relu", dropout=0.0, attention_dropout=0.0, activation_dropout=0.0,
                       max_position_embeddings=max_len, scale_embedding=True, pad_token_id=PAD_ID, eos_token_id=EOS_ID,
                       bos_token_id=BOS_ID, decoder_start_token_id=BOS_ID, forced_eos_token_id=None,
                       share_encoder_decoder_embeddings=False, tie_word_embeddings=False)
    hf = MarianMTModel(cfg).eval()
    p, E = feature_order(d_model), d_model
    sd = {}
    cols = lambda w: w[:, p]  # a matrix that reads the residual stream
    rows = lambda w: w[p]  # a matrix or bias that writes to it (LayerNorm's weight and bias too)

    def attention(prefix, mha):
        W, b = mha.in_proj_weight, mha.in_proj_bias
        for i, name in enumerate(("q", "k", "v")):
            sd[f"{prefix}.{name}_proj.weight"] = cols(W[i * E:(i + 1) * E])
            sd[f"{prefix}.{name}_proj.bias"] = b[i * E:(i + 1) * E]
        sd[f"{prefix}.out_proj.weight"] = rows(mha.out_proj.weight)
        sd[f"{prefix}.out_proj.bias"] = rows(mha.out_proj.bias)

    def norm(prefix, ln):
        sd[f"{prefix}.weight"], sd[f"{prefix}.bias"] = rows(ln.weight), rows(ln.bias)

    def ffn(prefix, layer):
        sd[f"{prefix}.fc1.weight"], sd[f"{prefix}.fc1.bias"] = cols(layer.linear1.weight), layer.linear1.bias
        sd[f"{prefix}.fc2.weight"], sd[f"{prefix}.fc2.bias"] = rows(layer.linear2.weight), rows(layer.linear2.bias)

    sd["model.encoder.embed_tokens.weight"] = cols(ours.encoder.embed.weight)
    sd["model.decoder.embed_tokens.weight"] = cols(ours.decoder.embed.weight)
    for i, layer in enumerate(ours.encoder.layers):
        pre = f"model.encoder.layers.{i}"
        attention(f"{pre}.self_attn", layer.self_attn); norm(f"{pre}.self_attn_layer_norm", layer.norm1)
        ffn(pre, layer); norm(f"{pre}.final_layer_norm", layer.norm2)
    for i, layer in enumerate(ours.decoder.layers):
        pre = f"model.decoder.layers.{i}"
        attention(f"{pre}.self_attn", layer.self_attn); norm(f"{pre}.self_attn_layer_norm", layer.norm1)
        attention(f"{pre}.encoder_attn", layer.multihead_attn); norm(f"{pre}.encoder_attn_layer_norm", layer.norm2)
        ffn(pre, layer); norm(f"{pre}.final_layer_norm", layer.norm3)
    sd["lm_head.weight"] = cols(ours.decoder.out.weight)
    missing, unexpected = hf.load_state_dict({k: v.detach().clone() for k, v in sd.items()}, strict=False)
    left = [k for k in missing if "embed_positions" not in k and "final_logits_bias" not in k]
    if left or unexpected:
        raise RuntimeError(f"weights not mapped: missing {left}, unexpected {unexpected}")
    with torch.no_grad():
        hf.final_logits_bias.copy_(ours.decoder.out.bias.detach().view(1, -1))
    return hf


@torch.no_grad()
def main() -> None:
    ap = benchmark_arguments(__doc__.splitlines()[0], repeats=3)
    args = ap.parse_args()
    try:
        import transformers
    except ImportError:
        print("bench_generate: transformers is not installed (pip install -e '.[bench]'); skipped, nothing written")
        return
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    q = args.quick if args.quick is not None else device.type == "cpu"
    V, D, H, N, FF = 1000, 256 if q else 512, 4 if q else 8, 3 if q else 6, 1024 if q else 2048
    n, S, T, beam = 32 if q else 128, 15, 30, 5
    torch.manual_seed(0)
    ours = Transformer(V, V, D, H, N, N, FF, dropout=0.0, max_len=64).eval()
    with torch.no_grad():
        ours.decoder.out.bias[EOS_ID] = -1e4  # never <eos>: both run T steps for every sentence
    hf = marian_like(ours, V, D, H, N, FF, 64)
    ours, hf = ours.to(device), hf.to(device)
    src = torch.randint(4, V, (n, S), device=device)
    # the same function: teacher-forced logits of the two models
    tgt = torch.cat([torch.full((n, 1), BOS_ID, device=device), torch.randint(4, V, (n, T - 1), device=device)], 1)
    logit_diff = (ours(src, tgt) - hf(input_ids=src, decoder_input_ids=tgt).logits).abs()
    diff = torch.cat([logit_diff[..., :EOS_ID], logit_diff[..., EOS_ID + 1:]], -1).max().item()  # (<eos>'s -1e4: float32 spacing 1e-3)
    if diff > 1e-3:
        raise RuntimeError(f"the two models disagree (max |logit difference| {diff:.1e}): the weight mapping is wrong")
    gen = dict(max_new_tokens=T, do_sample=False, use_cache=True)  # no <eos> ever: no length penalty, no early stop
    runs = {
        "greedy": (lambda: greedy_search(ours, src, max_length=T),
                   lambda: hf.generate(src, attention_mask=torch.ones_like(src), num_beams=1, **gen)),
        f"beam search, beam {beam}": (lambda: beam_search(ours, src, beam_size=beam, max_length=T)[0],
                                     lambda: hf.generate(src, attention_mask=torch.ones_like(src), num_beams=beam, **gen)),
    }
    lines = ["| decoding | encdec_lib (sentences/s) | transformers `generate` (sentences/s) | encdec_lib / transformers | same tokens |",
             "|---|---:|---:|---:|---:|"]
    for name, (mine, theirs) in runs.items():
        a, b = mine(), theirs()[:, 1:]  # generate's output starts with the decoder start token
        same = (a == b).float().mean().item() if a.shape == b.shape else float("nan")
        t_mine, t_theirs = timeit(mine, device, args.repeats), timeit(theirs, device, args.repeats)
        lines.append(f"| {name} | {n / t_mine:.1f} | {n / t_theirs:.1f} | {t_theirs / t_mine:.2f}x | {same:.1%} |")
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else \
        f"{platform.processor() or platform.machine()} CPU, {torch.get_num_threads()} thread(s)"
    text = (f"Decoding against transformers {transformers.__version__}'s `generate` ({'quick' if q else 'default'} sizes); "
            f"torch {torch.__version__} on {where}.\n\n"
            f"{n} source sentences of {S} tokens, {T} generated tokens each (<eos> made impossible), Transformer d_model {D}, "
            f"{H} heads, {N}+{N} layers, d_ff {FF}, vocabulary {V}, float32; transformers' MarianMTModel with the same weights "
            f"(largest teacher-forced logit difference {diff:.1e}); median of {args.repeats} runs. A ratio above 1: "
            f"encdec_lib is faster. *Same tokens*: the share of generated tokens that are equal.\n\n" + "\n".join(lines) + "\n")
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    sys.exit(main())
