"""Draw the three ways an encoder hands the source to a decoder (documents 001 §9 and 004):
(a) the context as the decoder's initial state, (b) the context fed at every step, (c) attention,
(e) gated attention (001 §9's third mode: a gate computed from s_{t-1} and c_t scales the context).

    python book/figures/connections.py      # writes book/figures/connections.svg

The notation is the book's: encoder states h_1..h_S, decoder states s_t, context c (or c_t), outputs y_t.
The figure is drawn on a white card, so that it reads the same in the light and the dark theme."""
from __future__ import annotations

from pathlib import Path

from style import ATT, CTX, DEC, ENC, arrow, box, figure, save

N, T = 3, 3  # source and target steps drawn


def panel(ax, mode: str, title: str) -> None:
    ax.set_xlim(-0.7, N + T + 1.2); ax.set_ylim(-1.3, 2.6); ax.axis("off"); ax.set_title(title, fontsize=17)
    xs_enc = list(range(N)); xs_dec = [N + 1 + t for t in range(T)]
    for i, x in enumerate(xs_enc):
        box(ax, x, 0, f"$h_{i + 1}$", ENC)
        ax.text(x, -1.0, f"$x_{i + 1}$", ha="center", fontsize=16)
        arrow(ax, (x, -0.8), (x, 0))
        if i:
            arrow(ax, (x - 1, 0), (x, 0))
    for t, x in enumerate(xs_dec):
        box(ax, x, 0, f"$s_{t + 1}$", DEC)
        ax.text(x, 1.1, f"$y_{t + 1}$", ha="center", fontsize=16)
        arrow(ax, (x, 0), (x, 0.95))
        if t:
            arrow(ax, (x - 1, 0), (x, 0))
    if mode == "init":  # (a): c = h_S is s_0
        arrow(ax, (xs_enc[-1], 0), (xs_dec[0], 0), color=CTX, lw=2)
        ax.text((xs_enc[-1] + xs_dec[0]) / 2, 0.5, "$c = h_S$", ha="center", color=CTX, fontsize=16)
    elif mode == "every_step":  # (b): c = h_S into every step
        box(ax, N, 1.9, "$c = h_S$", CTX, w=1.2)
        arrow(ax, (xs_enc[-1], 0), (N, 1.9), color=CTX, lw=1.5)
        for x in xs_dec:
            arrow(ax, (N, 1.9), (x, 0), color=CTX, lw=1.5, rad=0.15)
    else:  # (c), (e): c_t = sum_i alpha_ti h_i, recomputed at every step (drawn for step 2)
        x2 = xs_dec[1]
        box(ax, x2 - 0.9, 1.9, "$c_2 = \\sum_i \\alpha_{2i} h_i$", ATT, w=2.6, h=0.75)
        for i, x in enumerate(xs_enc):
            arrow(ax, (x, 0), (x2 - 0.9, 1.9), color=ATT, lw=0.8 + 1.2 * (i == 1), alpha=0.5 + 0.5 * (i == 1), rad=-0.1)
        arrow(ax, (x2 - 1, 0), (x2 - 0.9, 1.9), color=ATT, style="-|>", lw=1, rad=0.2)  # s_1 scores the h_i
        if mode == "gated":  # c'_2 = sigma(W_g [s_1; c_2] + b_g) * c_2 enters step 2
            gx, gy = x2 - 0.5, 1.3  # the gate, between y_1 and y_2
            box(ax, gx, gy, "$\\sigma$", CTX, w=0.4, h=0.38)
            arrow(ax, (x2 - 0.9, 1.9), (gx, gy), color=ATT, lw=1.6)  # c_2 into the gate
            arrow(ax, (x2 - 1, 0), (gx, gy), color=CTX, lw=1, rad=-0.3)  # s_1 into the gate
            arrow(ax, (gx, gy), (x2, 0), color=CTX, lw=1.8)
            ax.text(x2 + 0.6, 1.9, "$c'_2 = g_2 \\odot c_2$\n$g_2 = \\sigma(W_g[s_1; c_2] + b_g)$", fontsize=12, color=CTX, va="center")
        else:
            arrow(ax, (x2 - 0.9, 1.9), (x2, 0), color=ATT, lw=1.8)
            ax.text(x2 + 0.9, 1.9, "a new $c_t$\nat every step", fontsize=13, color=ATT, va="center")


def main(out: Path = Path(__file__).with_name("connections.svg")) -> Path:
    fig, axes = figure(6.2, 12.8, nrows=4)  # stacked: legible at the width of the text column
    for ax, (mode, title) in zip(axes, [("init", "(a) context as the initial state"),
                                        ("every_step", "(b) context at every step"),
                                        ("attention", "(c) attention"),
                                        ("gated", "(e) gated attention")]):
        panel(ax, mode, title)
    for ax in axes:
        ax.text(1, -1.3, "encoder", ha="center", color=ENC, fontsize=14); ax.text(N + 2, -1.3, "decoder", ha="center", color=DEC, fontsize=14)
    fig.tight_layout()
    return save(fig, out)


if __name__ == "__main__":
    print(main())
