"""Attention masks (the Transformer chapter): m_ij = 0 where query i may look at key j and -inf
where it may not, so that a_ij = 0 there. A padding mask removes the padded keys of a shorter
sequence; a causal mask removes the future (j > i); a decoder's self-attention on a padded batch
uses both.

    python book/figures/masks.py      # writes book/figures/masks.svg
"""
from __future__ import annotations

from pathlib import Path

from style import ENC, GREY, SMALL, canvas, cell, figure, save, text

L, REAL = 5, 3  # positions drawn, real (unpadded) positions


def grid(ax, allowed, title):
    canvas(ax, (-1.3, L + 0.2), (-0.6, L + 1.55), title)
    for i in range(L):
        for j in range(L):
            ok = allowed(i, j)
            cell(ax, j, L - 1 - i, ENC if ok else "#D9D9D9", text="$0$" if ok else "$-\\infty$",
                 text_color="white" if ok else "#555555", fontsize=SMALL)
        text(ax, -0.45, L - 1 - i + 0.5, f"${i + 1}$", fontsize=SMALL)
        text(ax, i + 0.5, L + 0.35, f"${i + 1}$", fontsize=SMALL)
    text(ax, L / 2, L + 0.9, "key $j$", fontsize=SMALL)
    text(ax, -1.0, L / 2, "query $i$", fontsize=SMALL, rotation=90)


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, axes = figure(10, 4.2, ncols=3)
    grid(axes[0], lambda i, j: j < REAL, "padding mask")
    grid(axes[1], lambda i, j: j <= i, "causal mask")
    grid(axes[2], lambda i, j: j <= i and j < REAL, "both")
    for ax in axes:
        if ax is not axes[1]:
            for j in range(REAL, L):  # the padded keys, marked under the grid
                text(ax, j + 0.5, -0.12, "pad", fontsize=SMALL, color=GREY, va="top")
    fig.tight_layout(pad=0.3, w_pad=0.5)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
