"""The GRU cell with its gates, in torch.nn's order r, z, n (the recurrent chapter):
r_t, z_t = sigma(...), n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn)) (the reset gate
after the recurrent matrix, as PyTorch has it), h_t = (1 - z_t) * n_t + z_t * h_{t-1}.

    python book/figures/gru_cell.py      # writes book/figures/gru_cell.svg
"""
from __future__ import annotations

from pathlib import Path

from style import ATT, ENC, SMALL, arrow, box, canvas, figure, frame, line, node, save, text

W, H = 0.9, 0.55
BUS, TOP, Y = 0.6, 5.2, 2.0  # the input wire, the state's line, the gates
XZ, XR, XHN, XIN = 2.0, 3.5, 5.4, 7.6  # z_t, r_t, W_hn h + b_hn, W_in x + b_in
YR = 3.2  # where r_t multiplies the recurrent term


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(9.5, 5.3)
    canvas(ax, (-1.3, 11.3), (-1.1, 5.9))
    frame(ax, 0.2, -0.1, 10.0, 5.75, color=ENC, ls="-", lw=1.0)
    # the state's line: h_{t-1} * z_t, plus (1 - z_t) * n_t
    xs, xp = XZ, 9.2
    arrow(ax, (-1.0, TOP), (xs - 0.22, TOP), shrinkA=0, shrinkB=1, lw=2.2)
    arrow(ax, (xs + 0.22, TOP), (xp - 0.22, TOP), shrinkA=0, shrinkB=1, lw=2.2)
    arrow(ax, (xp + 0.22, TOP), (11.0, TOP), shrinkA=0, shrinkB=0, lw=2.2)
    node(ax, xs, TOP, "$\\times$"); node(ax, xp, TOP, "$+$")
    text(ax, -1.0, TOP + 0.35, "$h_{t-1}$", ha="left"); text(ax, 11.0, TOP + 0.35, "$h_t$", ha="right")
    # inputs: h_{t-1} comes down to the wire, x_t from below
    line(ax, [0.6, 0.6], [TOP, BUS]); line(ax, [0.6, XIN], [BUS, BUS])
    line(ax, [1.2, 1.2], [-0.7, BUS]); text(ax, 1.2, -0.9, "$x_t$")
    for name, x in (("z", XZ), ("r", XR)):
        arrow(ax, (x, BUS), (x, Y - H / 2), shrinkA=0, shrinkB=1)
        box(ax, x, Y, "$\\sigma$", ENC, w=W, h=H)
        text(ax, x - 0.55, Y + 0.5, f"${name}_t$", color=ATT, ha="right")
    # the candidate: tanh(W_in x + b_in + r_t * (W_hn h + b_hn))
    for x, label in ((XHN, "$W_{hn} h_{t-1} + b_{hn}$"), (XIN, "$W_{in} x_t + b_{in}$")):
        arrow(ax, (x, BUS), (x, Y - H / 2), shrinkA=0, shrinkB=1)
        box(ax, x, Y, label, ENC, w=2.0, h=H, fontsize=SMALL)
    node(ax, XHN, YR, "$\\times$")
    arrow(ax, (XR + W / 2, Y + 0.1), (XHN - 0.2, YR - 0.1), shrinkA=1, shrinkB=1)
    arrow(ax, (XHN, Y + H / 2), (XHN, YR - 0.22), shrinkA=1, shrinkB=1)
    node(ax, XIN, YR, "$+$")
    arrow(ax, (XHN + 0.22, YR), (XIN - 0.22, YR), shrinkA=1, shrinkB=1)
    arrow(ax, (XIN, Y + H / 2), (XIN, YR - 0.22), shrinkA=1, shrinkB=1)
    xn = 9.2
    box(ax, xn, YR, "$\\tanh$", ENC, w=W, h=H)
    arrow(ax, (XIN + 0.22, YR), (xn - W / 2, YR), shrinkA=1, shrinkB=1)
    text(ax, xn + 0.55, YR + 0.5, "$n_t$", color=ATT, ha="left")
    # z_t keeps the old state, 1 - z_t admits the candidate
    yq = 4.3
    arrow(ax, (XZ, Y + H / 2), (xs, TOP - 0.22), shrinkA=1, shrinkB=1)
    node(ax, 3.0, yq, "$1-$", r=0.3, fontsize=SMALL)
    line(ax, [XZ, 2.7], [yq, yq])
    node(ax, xn, yq, "$\\times$")
    arrow(ax, (3.3, yq), (xn - 0.22, yq), shrinkA=0, shrinkB=1)
    arrow(ax, (xn, YR + H / 2), (xn, yq - 0.22), shrinkA=1, shrinkB=1)
    arrow(ax, (xn, yq + 0.22), (xp, TOP - 0.22), shrinkA=1, shrinkB=1)
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
