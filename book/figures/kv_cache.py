"""The key/value cache (the decoding and Transformer chapters). (a) At step t a decoder layer projects
only the new position: its key k_t and value v_t are appended to the cache of k_1..k_{t-1},
v_1..v_{t-1}, and its query q_t attends over all t of them, so a step costs O(t) instead of O(t^2);
the cross-attention's keys and values of h_1..h_S are computed once. (b) In a batched beam search,
after the top-k selection row r of the cache is replaced by the row of the hypothesis it extends
(its back-pointer), with the decoder's reorder_state.

    python book/figures/kv_cache.py      # writes book/figures/kv_cache.svg
"""
from __future__ import annotations

from pathlib import Path

from style import ATT, CTX, DEC, INK, SMALL, arrow, box, canvas, cell, figure, save, text

U = 0.9  # one cached row


def row(ax, x0, y, name, new=True, color=DEC):
    labels = [f"${name}_1$", f"${name}_2$", "$\\cdots$", f"${name}_{{t-1}}$"]
    for j, lab in enumerate(labels):
        cell(ax, x0 + j * U, y, color if lab != "$\\cdots$" else "#E3E3E3", size=U * 0.95, text=lab,
             text_color="white" if lab != "$\\cdots$" else INK, fontsize=SMALL)
    if new:
        cell(ax, x0 + 4 * U + 0.15, y, ATT, size=U * 0.95, text=f"${name}_t$", fontsize=SMALL)


def step(ax):
    canvas(ax, (-1.7, 5.5), (-2.3, 5.0))
    text(ax, 1.9, 4.75, "(a) step $t$ with the cache", fontsize=17)
    text(ax, 1.9, 4.0, "cross-attention: $W_K h_j, W_V h_j$, computed once", fontsize=SMALL, color=CTX)
    for j, lab in enumerate(["$h_1$", "$h_2$", "$\\cdots$", "$h_S$"]):
        cell(ax, j * U, 2.9, CTX if lab != "$\\cdots$" else "#E3E3E3", size=U * 0.95, text=lab,
             text_color="white" if lab != "$\\cdots$" else INK, fontsize=SMALL)
    text(ax, -0.2, 1.7 + U / 2, "$K$ cache", fontsize=SMALL, ha="right")
    text(ax, -0.2, 0.6 + U / 2, "$V$ cache", fontsize=SMALL, ha="right")
    row(ax, 0, 1.7, "k"); row(ax, 0, 0.6, "v")
    box(ax, 1.7, -1.0, "$W_Q, W_K, W_V$", ATT, w=2.3, h=0.55, fontsize=SMALL)
    text(ax, -0.9, -1.0, "$y_{t-1}$")
    arrow(ax, (-0.45, -1.0), (0.55, -1.0), shrinkA=1, shrinkB=1)
    xt = 4 * U + 0.15 + U * 0.475
    arrow(ax, (2.85, -0.9), (xt, 0.6), color=ATT, rad=0.3, shrinkA=1, shrinkB=1)
    text(ax, 3.1, -1.45, "append $k_t, v_t$", color=ATT, fontsize=SMALL, ha="left")
    text(ax, 1.9, -2.05, "$q_t$ attends over $k_1, \\dots, k_t$", fontsize=SMALL)


def reorder(ax):
    canvas(ax, (-1.3, 5.7), (-2.3, 5.0))
    text(ax, 2.2, 4.75, "(b) beam search re-orders it", fontsize=17)
    back = [2, 2, 1]  # back-pointer of each new row (1-based)
    ys = [2.9, 1.6, 0.3]
    for r, y in enumerate(ys):
        text(ax, -0.25, y + 0.35, f"$r = {r + 1}$", fontsize=SMALL, ha="right")
        for j in range(3):
            cell(ax, j * 0.75, y, DEC, size=0.7)
            cell(ax, 3.2 + j * 0.75, y, DEC, size=0.7)
        arrow(ax, (2.3, ys[back[r] - 1] + 0.35), (3.1, y + 0.35), color=INK, shrinkA=1, shrinkB=1, lw=1.4)
    text(ax, 1.1, 3.95, "before", fontsize=SMALL)
    text(ax, 4.3, 3.95, "after", fontsize=SMALL)
    text(ax, 2.2, -0.6, "each row gets the cache of", fontsize=SMALL)
    text(ax, 2.2, -1.15, "the hypothesis it extends", fontsize=SMALL)
    text(ax, 2.2, -1.7, "(its back-pointer)", fontsize=SMALL)


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, axes = figure(10, 5.0, ncols=2, gridspec_kw={"width_ratios": [7.2, 7.0]})
    step(axes[0]); reorder(axes[1])
    fig.tight_layout(pad=0.3, w_pad=1.0)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
