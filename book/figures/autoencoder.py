"""The autoencoder's bottleneck (the autoencoder chapter): the encoder maps x in R^D to a short code
z in R^k (k < D), the decoder maps it back to the reconstruction x_hat in R^D, and the loss compares
x_hat with x itself.

    python book/figures/autoencoder.py      # writes book/figures/autoencoder.svg
"""
from __future__ import annotations

from pathlib import Path

from matplotlib.patches import Polygon

from style import CTX, DEC, ENC, INK, SMALL, arrow, canvas, cell, figure, save, text

D, K = 8, 2  # drawn sizes of the input and the code
S = 0.42  # one unit of a vector


def vector(ax, x, n, color, label, shade):
    y0 = -n * S / 2
    for i in range(n):
        cell(ax, x - S / 2, y0 + i * S, color, size=S, ec="white", lw=1.2)
        ax.patches[-1].set_alpha(0.45 + 0.5 * shade[i % len(shade)])
    text(ax, x, y0 - 0.4, label)


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    fig, ax = figure(9, 4.0)
    canvas(ax, (-1.2, 9.2), (-2.5, 2.3))
    shade = [0.2, 0.9, 0.5, 0.1, 0.7, 1.0, 0.3, 0.6]
    vector(ax, 0, D, INK, "$x \\in \\mathbb{R}^D$", shade)
    vector(ax, 4, K, CTX, "$z \\in \\mathbb{R}^k$", [0.8, 0.3])
    vector(ax, 8, D, INK, "$\\hat x \\in \\mathbb{R}^D$", [s * 0.9 + 0.05 for s in shade])
    h, hk = D * S / 2, K * S / 2
    ax.add_patch(Polygon([(0.5, -h), (0.5, h), (3.5, hk), (3.5, -hk)], closed=True, fc=ENC, alpha=0.85, ec="none"))
    ax.add_patch(Polygon([(4.5, -hk), (4.5, hk), (7.5, h), (7.5, -h)], closed=True, fc=DEC, alpha=0.85, ec="none"))
    text(ax, 2.0, 0.1, "encoder", color="white", fontsize=SMALL)
    text(ax, 2.0, -0.35, "$z = W_e x + b_e$", color="white", fontsize=SMALL)
    text(ax, 6.0, 0.1, "decoder", color="white", fontsize=SMALL)
    text(ax, 6.0, -0.35, "$\\hat x = W_d z + b_d$", color="white", fontsize=SMALL)
    text(ax, 4, 0.85, "bottleneck", color=CTX, fontsize=SMALL)
    arrow(ax, (0.3, 2.0), (7.7, 2.0), color=INK, style="<|-|>", shrinkA=0, shrinkB=0, rad=0)
    text(ax, 4, 2.25, "loss $\\frac{1}{2}\\Vert \\hat x - x \\Vert^2$: the target is the input", fontsize=SMALL)
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
