"""The LSTM cell with its four gates, in torch.nn's order i, f, g, o (the recurrent chapter):
i_t, f_t, o_t = sigma(...), g_t = tanh(...), each from x_t and h_{t-1};
c_t = f_t * c_{t-1} + i_t * g_t, h_t = o_t * tanh(c_t).

    python book/figures/lstm_cell.py      # writes book/figures/lstm_cell.svg
"""
from __future__ import annotations

from pathlib import Path

from style import ATT, ENC, arrow, box, canvas, figure, frame, line, node, save, text

W, H = 0.9, 0.55  # gate boxes
BUS = 0.6  # height of the wire that carries [h_{t-1}, x_t] to the gates
C = 5.0  # height of the cell state's line
GATES = {"f": 2.0, "i": 3.6, "g": 4.9, "o": 7.2}  # x of each gate
Y = 2.2  # height of the gates


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(9, 5.3)
    canvas(ax, (-1.3, 10.6), (-1.1, 5.9))
    frame(ax, 0.2, -0.1, 9.4, 5.6, color=ENC, ls="-", lw=1.0)
    # the cell state: multiplied by f_t, added i_t * g_t
    xm, xp = GATES["f"], 4.25
    arrow(ax, (-1.0, C), (xm - 0.22, C), shrinkA=0, shrinkB=1, lw=2.2)
    arrow(ax, (xm + 0.22, C), (xp - 0.22, C), shrinkA=0, shrinkB=1, lw=2.2)
    arrow(ax, (xp + 0.22, C), (10.3, C), shrinkA=0, shrinkB=0, lw=2.2)
    node(ax, xm, C, "$\\times$"); node(ax, xp, C, "$+$")
    text(ax, -1.0, C + 0.35, "$c_{t-1}$", ha="left"); text(ax, 10.3, C + 0.35, "$c_t$", ha="right")
    # inputs: h_{t-1} from the left, x_t from below, joined into one wire
    line(ax, [-1.0, 7.2], [BUS, BUS]); text(ax, -1.0, BUS + 0.35, "$h_{t-1}$", ha="left")
    line(ax, [1.0, 1.0], [-0.7, BUS]); text(ax, 1.0, -0.9, "$x_t$")
    for name, x in GATES.items():
        f = "\\tanh" if name == "g" else "\\sigma"
        arrow(ax, (x, BUS), (x, Y - H / 2), shrinkA=0, shrinkB=1)
        box(ax, x, Y, f"${f}$", ENC, w=W, h=H)
        text(ax, x + 0.55, Y + 0.55, f"${name}_t$", color=ATT, ha="left")
    # f_t scales the old memory
    arrow(ax, (GATES["f"], Y + H / 2), (xm, C - 0.22), shrinkA=1, shrinkB=1)
    # i_t * g_t is added
    xig, yig = xp, 3.6
    node(ax, xig, yig, "$\\times$")
    arrow(ax, (GATES["i"], Y + H / 2), (xig - 0.16, yig - 0.16), shrinkA=1, shrinkB=1)
    arrow(ax, (GATES["g"], Y + H / 2), (xig + 0.16, yig - 0.16), shrinkA=1, shrinkB=1)
    arrow(ax, (xig, yig + 0.22), (xp, C - 0.22), shrinkA=1, shrinkB=1)
    # h_t = o_t * tanh(c_t)
    xt, yt, xo, yo = 8.4, 4.1, GATES["o"], 3.6
    line(ax, [xt, xt], [C, yt + H / 2 + 0.02])
    box(ax, xt, yt, "$\\tanh$", ENC, w=W, h=H)
    node(ax, xo, yo, "$\\times$")
    arrow(ax, (xt - W / 2, yt - 0.1), (xo + 0.2, yo + 0.08), shrinkA=1, shrinkB=1)
    arrow(ax, (xo, Y + H / 2), (xo, yo - 0.22), shrinkA=1, shrinkB=1)
    line(ax, [xo + 0.22, 8.9], [yo, yo]); line(ax, [8.9, 8.9], [yo, 1.1])
    arrow(ax, (8.9, 1.1), (10.3, 1.1), shrinkA=0, shrinkB=0)
    text(ax, 10.3, 1.45, "$h_t$", ha="right")
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
