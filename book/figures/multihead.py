"""Multi-head attention (the Transformer chapter): h heads, each scaled dot-product attention on its
own projections Q W_Q^(r), K W_K^(r), V W_V^(r) of width d_k = d_model / h; the heads are concatenated
and mixed by W_O.

    python book/figures/multihead.py      # writes book/figures/multihead.svg
"""
from __future__ import annotations

from pathlib import Path

from style import ATT, ENC, SMALL, arrow, box, canvas, figure, save, text

HEADS = 3  # drawn as a stack of three
DX, DY = 0.18, 0.16  # offset of each head behind the first


def stack(ax, x, y, label, color, w, h, fontsize=SMALL):
    "A box with copies behind it: one per head."
    for r in reversed(range(HEADS)):
        box(ax, x + r * DX, y + r * DY, label if r == 0 else "", color, w=w, h=h, fontsize=fontsize,
            alpha=0.9 if r == 0 else 0.45, ec="white", lw=1.2)


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(8, 6.4)
    canvas(ax, (-0.1, 7.9), (-0.3, 6.8))
    xs = {"Q": 1.2, "K": 3.2, "V": 5.2}
    ya, yb, yc, yd = 0.2, 1.5, 3.1, 4.6
    for name, x in xs.items():
        text(ax, x, ya, f"${name}$")
        arrow(ax, (x, ya + 0.25), (x, yb - 0.32), shrinkA=1, shrinkB=1)
        stack(ax, x, yb, f"$W_{name}^{{(r)}}$", ENC, w=1.4, h=0.6, fontsize=16)
        arrow(ax, (x, yb + 0.3 + 2 * DY), (3.2 + (x - 3.2) * 0.6, yc - 0.4), shrinkA=1, shrinkB=1)
    stack(ax, 3.2, yc, "$\\mathrm{softmax}(Q_r K_r^\\top / \\sqrt{d_k} + M)\\, V_r$", ATT, w=4.2, h=0.8,
          fontsize=16)
    text(ax, 6.3, yc + 0.55, "$\\mathrm{head}_r$,", fontsize=SMALL, ha="left")
    text(ax, 6.3, yc + 0.1, "$r = 1, \\dots, h$", fontsize=SMALL, ha="left")
    arrow(ax, (3.2, yc + 0.4 + 2 * DY), (3.2, yd - 0.3), shrinkA=1, shrinkB=1)
    box(ax, 3.2, yd, "$\\mathrm{Concat}(\\mathrm{head}_1, \\dots, \\mathrm{head}_h)$", ENC, w=4.4, h=0.6, fontsize=16)
    arrow(ax, (3.2, yd + 0.3), (3.2, yd + 0.75), shrinkA=1, shrinkB=1)
    box(ax, 3.2, yd + 1.05, "$W_O$", ENC, w=1.4, h=0.6)
    arrow(ax, (3.2, yd + 1.35), (3.2, yd + 1.8), shrinkA=1, shrinkB=1)
    text(ax, 3.2, yd + 2.0, "$\\mathrm{MultiHead}(Q, K, V)$")
    text(ax, 6.3, yb + 0.05, "$d_\\mathrm{model} \\times d_k$", fontsize=SMALL, ha="left")
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
