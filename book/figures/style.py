"""The one visual style of the book's diagrams, shared by every script in book/figures/.

Colours: ENC for the encoder and what it computes, DEC for the decoder, CTX for the context the
decoder reads, ATT for attention (scores, weights, masks), GREY for what is left out (padding,
pruned hypotheses, the future a causal mask hides). Rounded boxes with white labels, grey arrows,
math labels in the book's notation. Every figure is drawn on a white card, so that it reads the
same in the light and the dark theme, and saved as SVG with its text as paths (no font needed,
so it reads offline) and without a date or random ids (re-running gives the same file).

A figure script defines `main(out=<its name>.svg) -> Path`, which draws and calls `save`:

    python book/figures/<name>.py      # writes book/figures/<name>.svg
    python book/figures/all.py         # every figure
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle  # noqa: E402

ENC, DEC, CTX, ATT = "#4C72B0", "#DD8452", "#55A868", "#C44E52"
GREY, INK, CARD = "#A0A0A0", "#444444", "white"
FONT = 16  # labels in boxes and math; SMALL for annotations; both legible at the displayed width
SMALL = 15

plt.rcParams["svg.hashsalt"] = "encdec-figures"  # the ids of clip paths, the same on every run
plt.rcParams["svg.fonttype"] = "path"  # text as paths: no font needed to read the figure
plt.rcParams["mathtext.fontset"] = "dejavusans"


def figure(w: float, h: float, ncols: int = 1, nrows: int = 1, **kw):
    "A white card of w × h inches with its axes; the axes are turned off (diagrams, not plots)."
    fig, axes = plt.subplots(nrows, ncols, figsize=(w, h), facecolor=CARD, **kw)
    for ax in (axes.flat if hasattr(axes, "flat") else [axes]):
        ax.axis("off")
    return fig, axes


def canvas(ax, xlim, ylim, title: str | None = None) -> None:
    "Fix the drawing area of `ax` (equal units in x and y) and its title."
    ax.set_xlim(*xlim); ax.set_ylim(*ylim); ax.set_aspect("equal"); ax.axis("off")
    if title:
        ax.set_title(title, fontsize=FONT + 1)


def box(ax, x, y, text, color, w=0.85, h=0.6, fontsize=FONT, text_color="white", alpha=0.9, ec="none", **kw):
    "A rounded box centred at (x, y) with a label."
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03", fc=color, ec=ec,
                                alpha=alpha, **kw))
    if text:
        ax.text(x, y, text, ha="center", va="center", color=text_color, fontsize=fontsize)


def frame(ax, x0, y0, x1, y1, color=INK, label=None, fontsize=SMALL, ls="--", lw=1.2, pad=0.08):
    "An unfilled rounded frame around a group (a layer, a cell), with an optional label at its top left."
    ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle=f"round,pad={pad}", fc="none", ec=color,
                                ls=ls, lw=lw))
    if label:
        ax.text(x0, y1 + pad + 0.05, label, ha="left", va="bottom", color=color, fontsize=fontsize)


def arrow(ax, a, b, color=INK, style="-|>", rad=0.0, lw=1.3, alpha=1.0, shrinkA=14, shrinkB=14, ls="-", **kw):
    "An arrow from point a to point b (shrunk at both ends, in points, so that it stops at the boxes' edges)."
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle=style, mutation_scale=10, color=color, lw=lw, alpha=alpha, ls=ls,
                                 connectionstyle=f"arc3,rad={rad}", shrinkA=shrinkA, shrinkB=shrinkB, **kw))


def cell(ax, x, y, color, size=1.0, text=None, text_color="white", fontsize=SMALL, ec="white", lw=1.5):
    "One square of a grid (a mask entry, a token slot), lower left corner at (x, y)."
    ax.add_patch(Rectangle((x, y), size, size, fc=color, ec=ec, lw=lw))
    if text is not None:
        ax.text(x + size / 2, y + size / 2, text, ha="center", va="center", color=text_color, fontsize=fontsize)


def node(ax, x, y, s, r=0.22, color=INK, fontsize=FONT):
    "A pointwise operation (a product, a sum): a small white circle with its symbol."
    ax.add_patch(Circle((x, y), r, fc="white", ec=color, lw=1.4, zorder=3))
    ax.text(x, y, s, ha="center", va="center", color=color, fontsize=fontsize, zorder=4)


def line(ax, xs, ys, color=INK, lw=1.3, **kw):
    "A polyline without a head (a wire that an arrow then ends)."
    ax.plot(xs, ys, color=color, lw=lw, solid_capstyle="round", **kw)


def text(ax, x, y, s, color=INK, fontsize=FONT, **kw):
    "A label in the style's ink and size."
    kw.setdefault("ha", "center"); kw.setdefault("va", "center")
    return ax.text(x, y, s, color=color, fontsize=fontsize, **kw)


def smallest_text(fig) -> float:
    "The size of the figure's smallest label, in points as drawn (the ticks of axes turned off are not drawn)."
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += [*ax.texts, ax.title, ax._left_title, ax._right_title]
        if ax.axison:
            texts += [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label]
    return min(t.get_fontsize() for t in texts if t.get_visible() and t.get_text().strip())


def save(fig, out: Path) -> Path:
    ("Save as SVG on the white card, without a date: the same drawing gives the same file. Its description "
     "records the smallest label's size, which tests/test_figures.py checks at the displayed width.")
    fig.savefig(out, facecolor=CARD, metadata={"Date": None,
                                               "Description": f"smallest text {smallest_text(fig):g} pt"})
    plt.close(fig)
    return out
