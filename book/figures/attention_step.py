"""One step of attention (the attention chapter, document 001 §4.3): the previous decoder state
s_{t-1} scores every encoder state, e_{t,i} = a(s_{t-1}, h_i); a softmax over i turns the scores
into weights alpha_{t,i} (a padded position has score -inf and weight 0); the context
c_t = sum_i alpha_{t,i} h_i is fed with the previous token to the decoder's cell.

    python book/figures/attention_step.py      # writes book/figures/attention_step.svg
"""
from __future__ import annotations

from pathlib import Path

from matplotlib.patches import Rectangle

from style import ATT, CTX, DEC, ENC, GREY, INK, SMALL, arrow, box, canvas, figure, line, save, text

XS = [0, 1.4, 2.8, 4.2, 5.6]  # h_1 .. h_4 and one padded position
ALPHA = [0.1, 0.55, 0.25, 0.1, 0.0]  # drawn weights (the last is padding)
YH, YE, YA, YC = 0, 1.5, 2.55, 4.9  # rows: states, scores, weights, context
XD = 8.0  # the decoder's column


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(10, 6.0)
    canvas(ax, (-1.9, 9.6), (-0.5, 6.3))
    # the previous decoder state scores every encoder state along a wire
    box(ax, XD, YE, "$s_{t-1}$", DEC, w=0.9)
    for a, b in zip(XS, [*XS[1:], XD]):  # in the gaps between the boxes
        line(ax, [a + 0.53, b - (0.45 if b == XD else 0.53)], [YE, YE], color=DEC, lw=1.5)
    for i, (x, a) in enumerate(zip(XS, ALPHA)):
        pad = i == len(XS) - 1
        box(ax, x, YH, "$\\langle\\mathrm{pad}\\rangle$" if pad else f"$h_{i + 1}$", GREY if pad else ENC, w=1.0,
            fontsize=SMALL if pad else 16)
        arrow(ax, (x, YH + 0.3), (x, YE - 0.25), shrinkA=1, shrinkB=1)
        box(ax, x, YE, "$-\\infty$" if pad else f"$e_{{t,{i + 1}}}$", GREY if pad else ATT, w=1.0, h=0.5,
            fontsize=SMALL + 1)
        arrow(ax, (x, YE + 0.25), (x, YA - 0.02), shrinkA=1, shrinkB=1)
        # the weight as a bar
        ax.add_patch(Rectangle((x - 0.3, YA), 0.6, max(a, 0.002) * 2.2, fc=GREY if pad else ATT, alpha=0.85, ec="none"))
        text(ax, x, YA + a * 2.2 + 0.25, "$0$" if pad else f"$\\alpha_{{t,{i + 1}}}$", fontsize=SMALL + 1,
             color=GREY if pad else ATT)
        if not pad:
            arrow(ax, (x, YA + a * 2.2 + 0.5), (XS[2], YC - 0.45), color=CTX, lw=0.6 + 5 * a, shrinkA=1, shrinkB=1, alpha=0.9)
    ax.plot([XS[0] - 0.6, XS[-1] + 0.6], [YA, YA], color=INK, lw=1)
    text(ax, -1.0, YE, "scores", fontsize=SMALL, ha="right")
    text(ax, -1.0, YA + 0.6, "softmax\nweights", fontsize=SMALL, ha="right")
    text(ax, -1.0, YH, "encoder\nstates", fontsize=SMALL, ha="right", color=ENC)
    box(ax, XS[2], YC, "$c_t = \\sum_i \\alpha_{t,i}\\, h_i$", CTX, w=2.6, h=0.9)
    # the decoder's step
    box(ax, XD, YC, "$s_t$", DEC, w=0.9)
    arrow(ax, (XS[2] + 1.3, YC), (XD - 0.45, YC), color=CTX, lw=2, shrinkA=1, shrinkB=1)
    arrow(ax, (XD, YE + 0.3), (XD, YC - 0.3), shrinkA=1, shrinkB=1)
    text(ax, XD + 1.05, 3.2, "$y_{t-1}$")
    arrow(ax, (XD + 1.0, 3.45), (XD + 0.3, YC - 0.3), shrinkA=2, shrinkB=1)
    arrow(ax, (XD, YC + 0.3), (XD, YC + 0.95), shrinkA=1, shrinkB=1)
    text(ax, XD, YC + 1.2, "$p(y_t \\mid \\cdot)$", fontsize=SMALL + 1)
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
