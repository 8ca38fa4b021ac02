"""Teacher forcing against free running (the seq2seq chapter): the decoder starts from
s_0 = h_S; in training it is fed the true previous token y_{t-1} (teacher forcing, all steps at once),
at inference its own prediction ŷ_{t-1} (free running); with a ratio r it gets the true token with
probability r.

    python book/figures/teacher_forcing.py      # writes book/figures/teacher_forcing.svg
"""
from __future__ import annotations

from pathlib import Path

from style import CTX, DEC, ENC, SMALL, arrow, box, canvas, figure, save, text

XS = [1.6, 3.1, 4.6, 6.1]  # s_1 .. s_4
BOS = "$\\langle\\mathrm{bos}\\rangle$"


def panel(ax, free: bool, title: str) -> None:
    canvas(ax, (-0.7, 6.9), (-1.7, 2.2), title)
    box(ax, 0, 0, "$h_S$", ENC, w=0.7)
    text(ax, 0, -0.6, "$s_0$", fontsize=SMALL)
    prev = 0
    for t, x in enumerate(XS, start=1):
        box(ax, x, 0, f"$s_{t}$", DEC, w=0.7)
        arrow(ax, (prev + 0.35, 0), (x - 0.35, 0), shrinkA=1, shrinkB=1)
        prev = x
        out = f"$\\hat y_{t}$" if free else f"$y_{t}$"
        arrow(ax, (x, 0.3), (x, 1.05), shrinkA=1, shrinkB=2)
        text(ax, x, 1.3, out, color=DEC if free else CTX)
        if t == 1:
            inp, color = BOS, "#444444"
        else:
            inp, color = (f"$\\hat y_{t - 1}$", DEC) if free else (f"$y_{t - 1}$", CTX)
        text(ax, x, -1.3, inp, color=color, fontsize=SMALL + 2)
        arrow(ax, (x, -1.08), (x, -0.3), shrinkA=1, shrinkB=1)
        if free and t > 1:  # the previous prediction is fed back
            arrow(ax, (XS[t - 2] + 0.3, 1.2), (x - 0.3, -1.2), color=DEC, lw=1.1, shrinkA=4, shrinkB=4, ls="--")
    if not free:
        text(ax, 3.85, 1.85, "the target, known in training", color=CTX, fontsize=SMALL)
    else:
        text(ax, 3.85, 1.85, "predictions fed back", color=DEC, fontsize=SMALL)


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, axes = figure(10, 3.4, ncols=2)
    panel(axes[0], False, "teacher forcing (training)")
    panel(axes[1], True, "free running (inference)")
    fig.tight_layout(pad=0.3, w_pad=1.5)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
