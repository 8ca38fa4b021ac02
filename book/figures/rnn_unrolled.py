"""The Elman RNN folded (one cell with a loop) and unrolled over T steps (the recurrent chapter):
h_t = f(W_xh x_t + W_hh h_{t-1} + b_h), h_0 = 0, the same weights at every step; backpropagation
through time runs the gradient back along the unrolled chain.

    python book/figures/rnn_unrolled.py      # writes book/figures/rnn_unrolled.svg
"""
from __future__ import annotations

from pathlib import Path

from style import ATT, ENC, GREY, SMALL, arrow, box, canvas, figure, save, text

XU = [3.2, 4.8, 6.4, 7.7, 9.0]  # h_1, h_2, h_3, dots, h_T
DOTS = 3


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(10, 3.55)
    canvas(ax, (-0.9, 9.7), (-1.65, 1.95))
    # folded: one cell whose state feeds back into itself
    box(ax, 0, 0, "$h_t$", ENC)
    text(ax, 0, -1.35, "$x_t$")
    arrow(ax, (0, -1.15), (0, -0.3), shrinkA=2, shrinkB=2); text(ax, 0.1, -0.72, "$W_{xh}$", fontsize=SMALL, ha="left")
    arrow(ax, (0, 0.3), (0, 1.45), shrinkA=2, shrinkB=2); text(ax, 0, 1.65, "$h_t$")
    arrow(ax, (0.43, 0.2), (0.43, -0.2), rad=-2.4, shrinkA=1, shrinkB=1)
    text(ax, 0.55, 0.5, "$W_{hh}$", fontsize=SMALL, ha="left")
    text(ax, 1.3, 0, "$=$", fontsize=22)
    # unrolled: the same weights at every step
    box(ax, 2.0, 0, "$h_0$", GREY, w=0.6)
    for j, x in enumerate(XU):
        if j == DOTS:
            text(ax, x, 0, "$\\cdots$"); continue
        t = "T" if j == len(XU) - 1 else str(j + 1)
        box(ax, x, 0, f"$h_{t}$", ENC)
        text(ax, x, -1.35, f"$x_{t}$")
        arrow(ax, (x, -1.15), (x, -0.3), shrinkA=2, shrinkB=2)
        arrow(ax, (x, 0.3), (x, 1.45), shrinkA=2, shrinkB=2); text(ax, x, 1.65, f"$h_{t}$")
    edges = [(2.3, XU[0] - 0.43)] + [(a + 0.43, b - 0.43) for a, b in zip(XU[:2], XU[1:3])]
    edges += [(XU[2] + 0.43, XU[3] - 0.25), (XU[3] + 0.25, XU[4] - 0.43)]
    for j, (a, b) in enumerate(edges):
        arrow(ax, (a, 0), (b, 0), shrinkA=1, shrinkB=1)
        if 0 < j < 3:
            text(ax, (a + b) / 2, 0.2, "$W_{hh}$", fontsize=SMALL)
    # backpropagation through time: the gradient runs back along the chain
    for a, b in [(XU[1], XU[0]), (XU[2], XU[1])]:
        arrow(ax, (a - 0.15, -0.55), (b + 0.15, -0.55), color=ATT, ls="--", shrinkA=0, shrinkB=0)
    text(ax, (XU[0] + XU[1]) / 2, -0.85, "$\\partial h_t / \\partial h_{t-1}$", color=ATT, fontsize=SMALL)
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
