"""The encoder-decoder framework in the book's notation (the framework chapter): the encoder reads
x_1..x_S into states h_1..h_S, the decoder keeps a state s_t = g(s_{t-1}, y_{t-1}, c_t), reads c_t
from the encoder at every step and gives p(y_t | y_<t, x) from s_t.

    python book/figures/framework.py      # writes book/figures/framework.svg
"""
from __future__ import annotations

from pathlib import Path

from style import CTX, DEC, ENC, GREY, SMALL, arrow, box, canvas, figure, frame, save, text

XE = [0, 1.3, 2.4, 3.5]  # h_1, h_2, dots, h_S
XD = [6.1, 7.6, 8.7, 9.8]  # s_1, s_2, dots, s_T
DOTS = 2


def chain(ax, xs):
    for j, (a, b) in enumerate(zip(xs, xs[1:])):
        arrow(ax, (a, 0), (b, 0), shrinkA=8 if j == DOTS else 16, shrinkB=8 if j + 1 == DOTS else 16)


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(10, 4.2)
    canvas(ax, (-0.75, 10.55), (-2.05, 2.6))
    for j, (x, i) in enumerate(zip(XE, ["1", "2", "", "S"])):
        if j == DOTS:
            text(ax, x, 0, "$\\cdots$"); text(ax, x, -1.3, "$\\cdots$"); continue
        box(ax, x, 0, f"$h_{i}$", ENC)
        text(ax, x, -1.3, f"$x_{i}$")
        arrow(ax, (x, -1.1), (x, 0))
    chain(ax, XE)
    frame(ax, -0.55, -0.45, 3.95, 0.45, color=ENC)
    text(ax, 1.75, -1.85, "encoder", color=ENC, fontsize=SMALL)
    # the context, read at every step through a bus above the decoder
    box(ax, 4.75, 1.25, "$c_t$", CTX, w=0.75)
    for x in (0, 1.3, 3.5):
        arrow(ax, (x, 0.3), (4.75, 1.25), color=CTX, lw=1.2, rad=-0.25 + 0.05 * x, alpha=0.85, shrinkA=2, shrinkB=18)
    ax.plot([5.13, XD[-1] - 0.22], [1.25, 1.25], color=CTX, lw=1.5)
    for j, (x, t, y) in enumerate(zip(XD, ["1", "2", "", "T"], ["$\\langle\\mathrm{bos}\\rangle$", "$y_1$", "", "$y_{T-1}$"])):
        if j == DOTS:
            text(ax, x, 0, "$\\cdots$"); text(ax, x, -1.3, "$\\cdots$"); text(ax, x, 2.25, "$\\cdots$"); continue
        box(ax, x, 0, f"$s_{t}$", DEC)
        text(ax, x, -1.3, y)
        arrow(ax, (x, -1.1), (x, 0))
        arrow(ax, (x, 0.3), (x, 2.0), shrinkA=2, shrinkB=4)
        text(ax, x, 2.3, f"$p(y_{t} \\mid \\cdot)$", fontsize=SMALL)
        arrow(ax, (x - 0.22, 1.25), (x - 0.22, 0.3), color=CTX, lw=1.5, shrinkA=0, shrinkB=2)
    chain(ax, XD)
    box(ax, 4.75, 0, "$s_0$", DEC, w=0.6, alpha=0.6)
    arrow(ax, (3.5, 0), (4.75, 0), color=GREY, ls="--", shrinkB=12)
    arrow(ax, (4.75, 0), (6.1, 0), shrinkA=12)
    frame(ax, 5.55, -0.45, 10.25, 0.45, color=DEC)
    text(ax, 7.9, -1.85, "decoder", color=DEC, fontsize=SMALL)
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
