"""The grapheme-to-phoneme chapter's recurrent model on "phoneme" → F OW1 N IY0 M: a bidirectional GRU
reads the letters into states h_1..h_7; a GRU decoder, fed the previous phoneme, keeps states s_1..s_5;
after every step its state s_t attends over the letters (Luong's form: attention after the recurrence),
and the context c_t with s_t gives the attentional state s~_t = tanh(W_c [s_t; c_t]) and the next
phoneme. The weights alpha_{t,i} are drawn as lines of width proportional to them, a hairline at least (made up, but of the
monotone shape a trained model shows: ph → F, o → OW1, n → N, the first e → IY0, m → M); weights
below 0.03 are not drawn.

    python book/figures/g2p.py      # writes book/figures/g2p.svg
"""
from __future__ import annotations

from pathlib import Path

from style import ATT, CTX, DEC, ENC, SMALL, arrow, box, canvas, figure, frame, save, text

LETTERS = "phoneme"
PHONEMES = ["F", "OW1", "N", "IY0", "M"]
INPUTS = ["$\\langle\\mathrm{bos}\\rangle$", *PHONEMES[:-1]]
ALPHA = [  # alpha_{t,i}: one row per phoneme, one column per letter; every row sums to 1
    [0.47, 0.45, 0.06, 0.02, 0.00, 0.00, 0.00],
    [0.03, 0.12, 0.78, 0.06, 0.01, 0.00, 0.00],
    [0.00, 0.01, 0.06, 0.86, 0.06, 0.01, 0.00],
    [0.00, 0.00, 0.01, 0.09, 0.80, 0.08, 0.02],
    [0.00, 0.00, 0.00, 0.01, 0.07, 0.84, 0.08],
]
DRAWN = 0.03  # weights below this are not drawn
XE = [1.25 * i for i in range(len(LETTERS))]  # the letters' columns
XD = [0.3 + 1.55 * t for t in range(len(PHONEMES))]  # the decoder's columns
YX, YH, YS, YC, YT, YY = 0, 1.0, 3.6, 4.15, 4.95, 6.0  # rows: letters, h_i, s_t, c_t, s~_t, phonemes
W, H = 0.8, 0.55  # a state's box
XR = 8.5  # the rows' names and equations, right of the model


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(10, 5.0)
    canvas(ax, (-0.8, 12.9), (-0.4, 6.35))
    # the encoder: one state per letter, a GRU in each direction
    for i, (x, ch) in enumerate(zip(XE, LETTERS)):
        text(ax, x, YX, ch)
        arrow(ax, (x, YX + 0.25), (x, YH - H / 2), shrinkA=1, shrinkB=1)
        box(ax, x, YH, f"$h_{i + 1}$", ENC, w=W, h=H)
    for a, b in zip(XE, XE[1:]):
        arrow(ax, (a + W / 2, YH + 0.1), (b - W / 2, YH + 0.1), color=ENC, shrinkA=1, shrinkB=1)
        arrow(ax, (b - W / 2, YH - 0.1), (a + W / 2, YH - 0.1), color=ENC, shrinkA=1, shrinkB=1)
    frame(ax, XE[0] - 0.55, YH - 0.4, XE[-1] + 0.55, YH + 0.4, color=ENC)
    text(ax, XR, YH + 0.2, "bidirectional GRU", color=ENC, fontsize=SMALL, ha="left")
    text(ax, XR, YH - 0.3, "$h_i = [\\overrightarrow{h}_i;\\, \\overleftarrow{h}_i]$", color=ENC, fontsize=SMALL,
         ha="left")
    text(ax, XR, YX, "letters $x_i$", fontsize=SMALL, ha="left")
    # the attention of every step over the letters, after the recurrence
    for t, (x, row) in enumerate(zip(XD, ALPHA)):
        for xi, a in zip(XE, row):
            if a >= DRAWN:
                arrow(ax, (x + 0.24, YS - H / 2), (xi, YH + H / 2), color=ATT, style="-", lw=max(0.6, 7 * a), alpha=0.8,
                      shrinkA=0, shrinkB=1)
    text(ax, -0.2, 2.3, "$\\alpha_{1,i}$", color=ATT, fontsize=SMALL, ha="right")
    # the decoder: the previous phoneme in, s_t, then s~_t from s_t and c_t, then the phoneme out
    for t, (x, y_in, y_out) in enumerate(zip(XD, INPUTS, PHONEMES)):
        text(ax, x - 0.42, YS - 0.8, y_in, fontsize=SMALL)
        arrow(ax, (x - 0.36, YS - 0.6), (x - 0.24, YS - H / 2), shrinkA=1, shrinkB=1)
        box(ax, x, YS, f"$s_{t + 1}$", DEC, w=W, h=H)
        box(ax, x + 0.68, YC, f"$c_{t + 1}$", CTX, w=0.5, h=0.42, fontsize=SMALL)
        box(ax, x, YT, f"$\\tilde s_{t + 1}$", DEC, w=W, h=H)
        arrow(ax, (x, YS + H / 2), (x, YT - H / 2), shrinkA=1, shrinkB=1)
        arrow(ax, (x + 0.6, YC + 0.21), (x + 0.3, YT - H / 2), color=CTX, shrinkA=1, shrinkB=1)
        arrow(ax, (x, YT + H / 2), (x, YY - 0.22), shrinkA=1, shrinkB=1)
        text(ax, x, YY, y_out)
    for a, b in zip(XD, XD[1:]):
        arrow(ax, (a + W / 2, YS), (b - W / 2, YS), shrinkA=1, shrinkB=1)
    # each row named at its right, with the step's equations (Luong's form)
    text(ax, XR, YY, "$p(y_t \\mid \\cdot) = \\mathrm{softmax}(W_o \\tilde s_t)$", fontsize=SMALL, ha="left")
    text(ax, XR, YT, "$\\tilde s_t = \\tanh(W_c [s_t; c_t])$", color=DEC, fontsize=SMALL, ha="left")
    text(ax, XR, YC + 0.05, "$c_t = \\sum_i \\alpha_{t,i} h_i$", color=CTX, fontsize=SMALL, ha="left")
    text(ax, XR, YS, "GRU decoder, states $s_t$", color=DEC, fontsize=SMALL, ha="left")
    text(ax, XR, 2.55, "attention after the recurrence:", color=ATT, fontsize=SMALL, ha="left")
    text(ax, XR, 2.05, "$\\alpha_t = \\mathrm{softmax}_i(s_t^\\top W_a h_i)$", color=ATT, fontsize=SMALL, ha="left")
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
