"""A beam search of width k = 2 (the decoding chapter): at every step each kept hypothesis is
extended by every token, the candidates are ranked by their log-probability
log p(y_<=t | x) = sum_s log p(y_s | y_<s, x), and the k best survive; the others are pruned (grey).
Greedy search (dashed) takes the most probable first token and ends on a worse sequence.

    python book/figures/beam_search.py      # writes book/figures/beam_search.svg
"""
from __future__ import annotations

from pathlib import Path

from style import ATT, DEC, GREY, INK, SMALL, arrow, box, canvas, figure, save, text

EOS = "$\\langle\\mathrm{eos}\\rangle$"
# node: (step, y, token, log-prob of the edge into it, parent); scores are summed along the path
NODES = {
    "a": (1, 1.6, "a", -0.4, "root"), "b": (1, -0.6, "b", -1.1, "root"), "c": (1, -2.6, "c", -2.3, "root"),
    "aa": (2, 2.4, "a", -1.6, "a"), "ab": (2, 1.2, "b", -1.4, "a"),
    "ba": (2, 0.0, "a", -0.2, "b"), "bc": (2, -1.2, "c", -0.5, "b"),
    "bae": (3, 0.6, EOS, -0.1, "ba"), "bac": (3, -0.4, "c", -1.9, "ba"),
    "bce": (3, -1.4, EOS, -0.3, "bc"), "bca": (3, -2.4, "a", -1.5, "bc"),
}
KEPT = {"a", "b", "ba", "bc", "bae", "bce"}
GREEDY = ["a", "ab"]
BEST = ["b", "ba", "bae"]
DX = 3.0


def score(n):
    s = 0.0
    while n != "root":
        s += NODES[n][3]; n = NODES[n][4]
    return s


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(10, 5.6)
    canvas(ax, (-0.7, 3 * DX + 1.5), (-3.1, 3.3))
    box(ax, 0, 0, "$\\langle\\mathrm{bos}\\rangle$", DEC, w=0.95, h=0.5, fontsize=SMALL)
    pos = {"root": (0, 0)}
    for n, (t, y, tok, lp, parent) in NODES.items():
        pos[n] = (t * DX, y)
    half = {n: (0.48 if n == "root" or NODES[n][2] == EOS else 0.3) for n in pos}
    for n, (t, y, tok, lp, parent) in NODES.items():
        kept = n in KEPT
        (x0, y0), (x1, y1) = pos[parent], pos[n]
        color = ATT if n in BEST else (INK if kept else GREY)
        xa, xb = x0 + half[parent], x1 - half[n]
        arrow(ax, (xa, y0), (xb, y1), color=color, lw=2.4 if n in BEST else 1.2, shrinkA=1, shrinkB=1,
              alpha=1 if kept else 0.7, ls="--" if n in GREEDY else "-")
        f = 0.35 if abs(y1 - y0) > 2 else 0.55  # where along the edge its label goes
        xm, ym = xa + f * (xb - xa) + max(-0.35, min(0.35, 0.25 * (y0 - y1))), y0 + f * (y1 - y0)  # above the line
        text(ax, xm, ym + 0.22, f"${lp:.1f}$", fontsize=SMALL, color=color)
        box(ax, x1, y1, tok, DEC if kept else GREY, w=2 * half[n], h=0.5, alpha=0.9 if kept else 0.55,
            fontsize=SMALL if tok == EOS else 16)
        text(ax, x1, y1 - 0.45, f"${score(n):.1f}$", fontsize=SMALL, color=INK if kept else GREY)
    for t in (1, 2, 3):
        text(ax, t * DX, 3.1, f"$t = {t}$", fontsize=SMALL)
    text(ax, 3 * DX + 0.62, 0.6, "best", color=ATT, fontsize=SMALL, ha="left")
    text(ax, 2 * DX + 0.45, 1.2, "greedy", color=GREY, fontsize=SMALL, ha="left")
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
