"""Padding a batch (the data chapter): `pad_batch` right-pads sequences of different lengths with
<pad> into one (B, L) tensor and returns the mask, True at real tokens; a Seq2SeqBatch also holds
the decoder input <bos> y_1 ... and the target y_1 ... <eos>, the same tokens shifted by one.

    python book/figures/padding.py      # writes book/figures/padding.svg
"""
from __future__ import annotations

from pathlib import Path

from matplotlib.patches import FancyBboxPatch

from style import DEC, ENC, GREY, INK, SMALL, canvas, figure, save, text

PAD, BOS, EOS = ("$\\langle\\mathrm{%s}\\rangle$" % s for s in ("pad", "bos", "eos"))
SRC = [["the", "cat", "sat", "down"], ["hello"], ["good", "night"]]
TGT = [2, 3, 1]  # target lengths T of the three examples
L, STEP = 4, 1.3  # slots per row, their pitch


def slot(ax, x, y, label, fc, color="white"):
    ax.add_patch(FancyBboxPatch((x, y), 1.2, 0.8, boxstyle="round,pad=0.02", fc=fc, ec="none", alpha=0.9))
    ax.text(x + 0.6, y + 0.4, label, ha="center", va="center", color=color, fontsize=SMALL)


def grid(ax, x0, y0, rows, color, title):
    "Rows of tokens from the top, each right-padded with <pad> to L."
    for r, row in enumerate(rows):
        for j in range(L):
            slot(ax, x0 + j * STEP, y0 - r, *((row[j], color) if j < len(row) else (PAD, GREY)))
    text(ax, x0 + (L * STEP - 0.1) / 2, y0 + 1.3, title, fontsize=SMALL + 1)


def mask(ax, x0, y0, lengths, title):
    for r, n in enumerate(lengths):
        for j in range(L):
            slot(ax, x0 + j * STEP, y0 - r, *(("True", ENC) if j < n else ("False", "#D9D9D9", INK)))
    text(ax, x0 + (L * STEP - 0.1) / 2, y0 + 1.3, title, fontsize=SMALL + 1)


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(10, 6.0)
    canvas(ax, (-1.4, 12.2), (-6.1, 2.0))
    for r in range(3):
        for y in (0.4 - r, -3.6 - r):
            text(ax, -0.7, y, f"$b = {r + 1}$", fontsize=SMALL)
    grid(ax, 0, 0, SRC, ENC, "src  $(B, L)$")
    mask(ax, 6.4, 0, [len(s) for s in SRC], "src_mask  $(B, L)$: True at real tokens")
    grid(ax, 0, -4, [[BOS] + [f"$y_{i}$" for i in range(1, n + 1)] for n in TGT], DEC,
         f"tgt_in: {BOS}$\\, y_1 \\dots y_T$")
    grid(ax, 6.4, -4, [[f"$y_{i}$" for i in range(1, n + 1)] + [EOS] for n in TGT], DEC,
         f"tgt_out: $y_1 \\dots y_T\\,${EOS}")
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
