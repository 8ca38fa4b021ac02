"""Length buckets (the data chapter): a batch costs as much as its longest sequence. Batches of
random examples carry much padding (grey); `bucket_batches` sorts a pool of batches by length,
cuts it into batches and shuffles the batches, so that each batch is nearly free of padding.

    python book/figures/buckets.py      # writes book/figures/buckets.svg
"""
from __future__ import annotations

from pathlib import Path

from matplotlib.patches import Rectangle

from style import ENC, GREY, INK, SMALL, canvas, figure, save, text

LENGTHS = [7, 2, 9, 4, 3, 8, 5, 10, 2, 6, 4, 9]  # one pool of three batches of four
BATCH = 4
U = 0.36  # width of one token


def batches(ax, x0, groups, title):
    y = 0
    for g, group in enumerate(groups):
        longest = max(LENGTHS[i] for i in group)
        for i in group:
            n = LENGTHS[i]
            ax.add_patch(Rectangle((x0, y), n * U, 0.6, fc=ENC, ec="white", lw=1, alpha=0.9))
            ax.add_patch(Rectangle((x0 + n * U, y), (longest - n) * U, 0.6, fc=GREY, ec="white", lw=1, alpha=0.6))
            y -= 0.7
        text(ax, x0 - 0.25, y + 0.7 * BATCH / 2 + 0.3, f"batch {g + 1}", fontsize=SMALL, ha="right")
        y -= 0.45
    pad = sum(max(LENGTHS[i] for i in gr) * len(gr) - sum(LENGTHS[i] for i in gr) for gr in groups)
    text(ax, x0 + 1.8, 1.3, title, fontsize=SMALL + 1)
    text(ax, x0 + 1.8, y + 0.05, f"{pad} padding slots", fontsize=SMALL, color=INK)


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(9, 5.9)
    canvas(ax, (-1.9, 10.8), (-11.5, 1.7))
    ax.set_aspect("auto")
    order = list(range(len(LENGTHS)))
    batches(ax, 0, [order[k:k + BATCH] for k in range(0, len(order), BATCH)], "random batches")
    by_length = sorted(order, key=lambda i: LENGTHS[i])
    sorted_groups = [by_length[k:k + BATCH] for k in range(0, len(order), BATCH)]
    batches(ax, 7.0, [sorted_groups[1], sorted_groups[2], sorted_groups[0]], "bucketed: sorted, then shuffled")
    ax.add_patch(Rectangle((2.2, -11.3), U * 2, 0.45, fc=ENC, alpha=0.9)); text(ax, 3.1, -11.08, "token", fontsize=SMALL, ha="left")
    ax.add_patch(Rectangle((5.6, -11.3), U * 2, 0.45, fc=GREY, alpha=0.6)); text(ax, 6.5, -11.08, "$\\langle\\mathrm{pad}\\rangle$", fontsize=SMALL, ha="left")
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
