"""The training loop `fit` runs (the training chapter): every step takes a batch, computes the loss
with the chapter's `loss_fn(model, batch)`, stops on a loss that is not finite, back-propagates,
clips the gradient norm, steps the optimizer and the schedule, and records the loss and the norm;
after each epoch come validation (eval mode, no gradients) and a checkpoint.

    python book/figures/training_loop.py      # writes book/figures/training_loop.svg
"""
from __future__ import annotations

from pathlib import Path

from style import CTX, DEC, ENC, GREY, INK, SMALL, arrow, box, canvas, figure, frame, save, text

STEPS = [  # (x, label, colour) along the step
    (0.0, "batch", CTX),
    (2.65, "loss_fn(model, batch)", ENC),
    (5.4, "finite?", ENC),
    (7.35, "backward", DEC),
    (9.3, r"clip $\|g\|$", DEC),
    (11.3, "optimizer,\nschedule", DEC),
]


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(12, 3.5)
    canvas(ax, (-0.9, 12.4), (-2.7, 1.55))
    widths = {"loss_fn(model, batch)": 3.05, "optimizer,\nschedule": 1.6}
    for i, (x, label, color) in enumerate(STEPS):
        box(ax, x, 0, label, color, w=widths.get(label, 1.35), h=0.75, fontsize=SMALL)
        if i:
            prev_x, prev_label, _ = STEPS[i - 1]
            arrow(ax, (prev_x + widths.get(prev_label, 1.35) / 2, 0), (x - widths.get(label, 1.35) / 2, 0),
                  shrinkA=2, shrinkB=2)
    frame(ax, -0.75, -0.5, 12.2, 0.55, color=INK, label="one step, for every batch of the loader")
    text(ax, 5.4, -0.85, "else: an error naming the epoch and the step", fontsize=SMALL - 1, color=INK)
    box(ax, 11.0, -1.55, "History: loss, norm", GREY, w=2.6, h=0.6, fontsize=SMALL)
    arrow(ax, (11.3, -0.38), (11.3, -1.25), shrinkA=2, shrinkB=2)
    text(ax, 0.0, -1.55, "after each epoch:", fontsize=SMALL)
    box(ax, 3.9, -2.3, "valid_fn(model): eval mode, no gradients", CTX, w=5.9, h=0.6, fontsize=SMALL)
    box(ax, 8.9, -2.3, "checkpoint (atomic)", GREY, w=3.0, h=0.6, fontsize=SMALL)
    arrow(ax, (6.85, -2.3), (7.4, -2.3), shrinkA=2, shrinkB=2)
    arrow(ax, (11.3, 0.4), (0.0, 0.4), rad=0.16, shrinkA=4, shrinkB=4, color=GREY, ls="--")
    text(ax, 5.65, 1.3, "next batch", fontsize=SMALL - 1, color=INK)
    fig.tight_layout(pad=0.2)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
