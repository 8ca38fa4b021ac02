"""The linear autoencoder's subspace (the autoencoder chapter): for D = 2 and k = 1, the best linear
autoencoder maps every point x to its orthogonal projection onto the line through the mean x_bar
along the top principal axis u_1, x_hat = x_bar + V_k V_k^T (x - x_bar); the residuals (grey) are
orthogonal to the line, and the code z = V_k^T (x - x_bar) is the position along it.

    python book/figures/linear_ae.py      # writes book/figures/linear_ae.svg
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from style import ATT, CTX, ENC, GREY, INK, SMALL, arrow, canvas, figure, save, text


def main(out: Path = Path(__file__).with_suffix(".svg")) -> Path:
    rng = np.random.default_rng(0)
    n = 24
    X = rng.normal(size=(n, 2)) * [1.5, 0.5] @ np.array([[np.cos(0.5), np.sin(0.5)], [-np.sin(0.5), np.cos(0.5)]])
    X += [4.0, 2.5]
    mean = X.mean(0)
    _, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    u1, u2 = Vt[0] * np.sign(Vt[0, 0]), Vt[1] * np.sign(Vt[1, 1])
    Xh = mean + np.outer((X - mean) @ u1, u1)
    ends = mean + np.outer([-3.6, 3.6], u1)
    fig, ax = figure(7.5, 4.6)
    canvas(ax, (ends[:, 0].min() - 0.3, ends[:, 0].max() + 0.3), (ends[:, 1].min() - 0.5, ends[:, 1].max() + 0.6))
    ax.plot(ends[:, 0], ends[:, 1], color=CTX, lw=2.5, zorder=1)
    for x, xh in zip(X, Xh):
        ax.plot([x[0], xh[0]], [x[1], xh[1]], color=GREY, lw=1, zorder=1)
    ax.scatter(X[:, 0], X[:, 1], s=26, color=ENC, zorder=3)
    ax.scatter(Xh[:, 0], Xh[:, 1], s=18, color=CTX, zorder=3, edgecolors="white", linewidths=0.5)
    ax.scatter([mean[0]], [mean[1]], s=60, color=INK, zorder=4)
    text(ax, mean[0] + 0.1, mean[1] - 0.4, "$\\bar x$", ha="left")
    arrow(ax, tuple(mean), tuple(mean + 1.2 * u1), color=ATT, lw=2.4, shrinkA=0, shrinkB=0, zorder=5)
    arrow(ax, tuple(mean), tuple(mean + 1.0 * u2), color=ATT, lw=2.0, shrinkA=0, shrinkB=0, zorder=5)
    text(ax, *(mean + 1.2 * u1 + 0.4 * u2), "$u_1$", color=ATT)
    text(ax, *(mean + 1.3 * u2), "$u_2$", color=ATT)
    c1, c2 = (X - mean) @ u1, (X - mean) @ u2
    i = int(np.argmax(np.abs(c2) * (c1 < -1.0)))  # one point far from the line, away from the arrows
    side = np.sign(c2[i])
    text(ax, *(X[i] + 0.35 * side * u2), "$x$", color=ENC)
    text(ax, *(Xh[i] - 0.4 * side * u2), "$\\hat x$", color=CTX)
    text(ax, *(ends[1] + [-0.2, 0.3]), "$\\bar x + \\mathrm{span}(u_1)$", color=CTX, fontsize=SMALL, ha="right")
    fig.tight_layout(pad=0.3)
    return save(fig, out)


if __name__ == "__main__":
    print(main())
