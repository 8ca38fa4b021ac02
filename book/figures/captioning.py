"""Draw the captioning chapter's model: a CNN turns a strip of digits into a grid of encoder states, and
three decoders read it: (a) one context vector as the initial state, (b) additive attention at every
step, (c) a Transformer decoder with cross-attention.

    python book/figures/captioning.py      # writes book/figures/captioning.svg

The notation is the book's: grid states h_1..h_S, context c (or c_t), weights alpha_t, decoder states s_t."""
from __future__ import annotations

from pathlib import Path

from matplotlib.patches import Rectangle

from style import ATT, CTX, DEC, ENC, GREY, INK, SMALL, arrow, box, cell, figure, save, text

W_GRID, H_GRID = 6, 2  # grid columns and rows drawn


def main(out: Path = Path(__file__).with_name("captioning.svg")) -> Path:
    fig, ax = figure(12, 4.2)
    ax.set_xlim(-0.5, 15.5); ax.set_ylim(-0.6, 5.0); ax.set_aspect("equal")
    # the strip: three digit glyphs on a dark canvas
    ax.add_patch(Rectangle((0, 3.2), 3.2, 1.1, fc="#222222", ec="none"))
    for i, d in enumerate("314"):
        text(ax, 0.55 + 1.05 * i, 3.75, d, color="white", fontsize=26, family="DejaVu Serif", style="italic")
    text(ax, 1.6, 4.65, "strip $x$ (16 × W pixels)", fontsize=SMALL)
    box(ax, 1.6, 2.2, "CNN", ENC, w=1.6, h=0.7)
    arrow(ax, (1.6, 3.2), (1.6, 2.2), shrinkA=2)
    # the grid of encoder states
    for r in range(H_GRID):
        for c in range(W_GRID):
            cell(ax, 0.1 + 0.5 * c, 0.2 + 0.5 * r, ENC, size=0.5, ec="white", lw=1.2)
    text(ax, 1.6, -0.3, "grid $h_1 \\dots h_S$ + 2-D positions", fontsize=SMALL, color=ENC)
    arrow(ax, (1.6, 2.2), (1.6, 1.2), shrinkB=2)
    # three decoders, one row each, reading the grid
    rows = {"(a) context vector": 4.3, "(b) attention": 2.6, "(c) Transformer": 0.9}
    words = ["three", "hundred", "and", "…"]
    for label, y in rows.items():
        text(ax, 6.0, y + 0.72, label, fontsize=SMALL, ha="left")
        for t, w in enumerate(words):
            x = 9.8 + 1.45 * t
            box(ax, x, y, f"$s_{t + 1}$" if "Transformer" not in label else "", DEC, w=1.0, h=0.55)
            text(ax, x, y + 0.62, w, fontsize=SMALL - 1)
            if t:
                arrow(ax, (x - 1.45, y), (x, y), shrinkA=18, shrinkB=18)
    # (a): c = tanh(W_c vec(G)) is s_0 only
    box(ax, 7.0, 4.3, "$c$", CTX, w=0.8, h=0.55)
    arrow(ax, (3.2, 0.9), (7.0, 4.3), color=CTX, lw=1.6, rad=-0.15, shrinkA=4)
    arrow(ax, (7.0, 4.3), (9.8, 4.3), color=CTX, lw=2)
    # (b): c_t = sum_i alpha_ti h_i at every step (drawn for step 2)
    box(ax, 7.55, 2.6, "$c_2 = \\sum_i \\alpha_{2,i} h_i$", ATT, w=2.9, h=0.6, fontsize=SMALL)
    for c in range(W_GRID):
        arrow(ax, (0.35 + 0.5 * c, 1.2), (6.1, 2.6), color=ATT, lw=0.6 + 1.6 * (c == 1), alpha=0.35 + 0.65 * (c == 1),
              rad=-0.12, shrinkA=1)
    arrow(ax, (9.8, 2.6), (8.4, 2.75), color=ATT, rad=0.5, lw=1, shrinkA=16, shrinkB=2)  # s_1 scores the cells
    arrow(ax, (8.4, 2.45), (11.25, 2.6), color=ATT, lw=1.8, rad=0.3, shrinkA=2, shrinkB=18)
    # (c): cross-attention of every position over every cell
    for t in range(len(words)):
        arrow(ax, (3.2, 0.45), (9.8 + 1.45 * t, 0.9), color=GREY, lw=0.9, rad=0.08, shrinkA=2, shrinkB=16)
    text(ax, 6.2, 0.15, "cross-attention to every cell", fontsize=SMALL - 1, color=INK, ha="left")
    return save(fig, out)


if __name__ == "__main__":
    print(main())
