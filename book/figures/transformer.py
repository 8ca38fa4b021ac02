"""The Transformer encoder-decoder (the Transformer chapter, post-norm as in Vaswani et al. and the
course's default): an encoder of N layers (self-attention, feed-forward, each in a residual block
with LayerNorm) and a decoder of N layers (masked self-attention, cross-attention whose keys and
values are the encoder's outputs h_1..h_S, feed-forward), then W_out and a softmax.

    python book/figures/transformer.py      # writes book/figures/transformer.svg
"""
from __future__ import annotations

from pathlib import Path

from style import ATT, CTX, DEC, ENC, GREY, INK, SMALL, arrow, box, canvas, figure, frame, line, save, text

W, H = 3.4, 0.55  # sub-layer boxes
NORM = "#E3E3E3"
XE, XD = 1.9, 7.6  # the two columns


def column(ax, x, layers, side):
    "Sub-layers from the bottom: (y, label, colour) for each, every one followed by add & norm; residual lines on `side`."
    for y, label, color in layers:
        box(ax, x, y, label, color, w=W, h=H, fontsize=SMALL)
        box(ax, x, y + 0.75, "add & norm", NORM, w=W, h=0.45, fontsize=SMALL, text_color=INK, alpha=1)
        arrow(ax, (x, y + H / 2), (x, y + 0.75 - 0.225), shrinkA=1, shrinkB=1)
        xr = x + side * (W / 2 + 0.3)  # the residual path: around the sub-layer, into the sum
        line(ax, [x, x, xr, xr], [y - 0.45, y - 0.4, y - 0.4, y + 0.75])
        arrow(ax, (xr, y + 0.75), (x + side * W / 2, y + 0.75), shrinkA=0, shrinkB=1)
        arrow(ax, (x, y - 0.45), (x, y - H / 2), shrinkA=0, shrinkB=1)


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(9, 8.4)
    canvas(ax, (-0.7, 10.6), (-1.0, 9.1))
    emb = "embed $\\times \\sqrt{d_\\mathrm{model}}$ + PE"
    for x, inputs, name, color in ((XE, "$x_1, \\dots, x_S$", "encoder", ENC),
                                   (XD, "$\\langle\\mathrm{bos}\\rangle, y_1, \\dots, y_{T-1}$", "decoder", DEC)):
        text(ax, x, 0, inputs)
        text(ax, x, -0.7, name, color=color, fontsize=SMALL)
        box(ax, x, 0.9, emb, GREY, w=W, h=H, fontsize=SMALL)
        arrow(ax, (x, 0.2), (x, 0.9 - H / 2), shrinkA=1, shrinkB=1)
        line(ax, [x, x], [0.9 + H / 2, 1.75])
    # encoder
    column(ax, XE, [(2.2, "self-attention", ATT), (3.85, "feed-forward", ENC)], side=-1)
    top_e = 3.85 + 1.1
    frame(ax, XE - W / 2 - 0.5, 1.65, XE + W / 2 + 0.1, top_e, color=ENC)
    text(ax, XE + W / 2 + 0.35, 3.3, "$N\\times$", ha="left")
    arrow(ax, (XE, top_e - 0.025), (XE, 5.55), shrinkA=1, shrinkB=1)
    text(ax, XE, 5.8, "$h_1, \\dots, h_S$", color=ENC)
    # decoder
    column(ax, XD, [(2.2, "masked self-attention", ATT), (3.85, "cross-attention", ATT), (5.5, "feed-forward", DEC)], side=1)
    top_d = 5.5 + 1.1
    frame(ax, XD - W / 2 - 0.1, 1.65, XD + W / 2 + 0.5, top_d, color=DEC)
    text(ax, XD + W / 2 + 0.75, 4.1, "$N\\times$", ha="left")
    # the encoder's outputs are the keys and values of every decoder layer's cross-attention
    xk = XD - W / 2 - 0.9
    line(ax, [XE, XE, xk, xk], [6.05, 6.9, 6.9, 3.85], color=CTX, lw=2)
    arrow(ax, (xk, 3.85), (XD - W / 2, 3.85), color=CTX, lw=2, shrinkA=0, shrinkB=1)
    text(ax, xk + 0.12, 4.2, "$K, V$", color=CTX, fontsize=SMALL, ha="left")
    text(ax, XD + 0.2, 3.375, "$Q$", fontsize=SMALL, ha="left")
    # output
    arrow(ax, (XD, top_d - 0.025), (XD, 7.3), shrinkA=1, shrinkB=1)
    box(ax, XD, 7.55, "$W_\\mathrm{out}$, softmax", DEC, w=W, h=H, fontsize=SMALL)
    arrow(ax, (XD, 7.55 + H / 2), (XD, 8.45), shrinkA=1, shrinkB=1)
    text(ax, XD, 8.7, "$p(y_t \\mid y_{<t}, x)$")
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
