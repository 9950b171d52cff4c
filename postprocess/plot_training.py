#!/usr/bin/python3
"""Training history of an npo_train checkpoint (Debian python3-h5py, -matplotlib, -numpy).

Usage:
    /usr/bin/python3 postprocess/plot_training.py models/npo_n32.h5 [more.h5 ...]

For every checkpoint writes <stem>_training.png next to it: the condition, residual and data
losses and their total against the epoch on a log scale, the learning rate on a second axis,
and the provenance (command options, wall time) in the title. The history is the checkpoint's
group /history (epoch, total, condition, residual, data, lr, elapsed), written by npo_train.
"""
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

REFERENCE_FINAL_LOSS = 0.301  # docs/npo.md, Training (the reference's final loss)


def plot(path):
    with h5py.File(path, "r") as f:
        if "history" not in f:
            sys.exit(f"{path}: no /history group (not written by npo_train)")
        h = {k: np.asarray(f["history"][k]) for k in f["history"]}
        grid = int(f.attrs.get("n_grid", 0))
    epoch = h["epoch"]
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    for name, style in (("total", "k-"), ("condition", "C0-"), ("residual", "C1-"),
                        ("data", "C2-")):
        if name in h and np.any(h[name] > 0):
            ax.semilogy(epoch, h[name], style, lw=1.4 if name == "total" else 1.0, label=name)
    ax.axhline(REFERENCE_FINAL_LOSS, color="0.5", ls=":", lw=1,
               label=f"reference final total {REFERENCE_FINAL_LOSS}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (relative squared errors)")
    ax.grid(True, which="both", alpha=0.3)
    if "lr" in h:
        ax2 = ax.twinx()
        ax2.plot(epoch, h["lr"], color="0.6", ls="--", lw=0.8, label="learning rate")
        ax2.set_ylabel("learning rate", color="0.4")
        lines, labels = ax.get_legend_handles_labels()
        l2, lb2 = ax2.get_legend_handles_labels()
        ax.legend(lines + l2, labels + lb2, fontsize=8, loc="upper right")
    else:
        ax.legend(fontsize=8)
    wall = h["elapsed"][-1] if "elapsed" in h else float("nan")
    ax.set_title(f"{os.path.basename(path)}: n_grid {grid}, {len(epoch)} epochs, "
                 f"final total {h['total'][-1]:.3f}, {wall:.0f} s", fontsize=9)
    fig.tight_layout()
    out = os.path.splitext(path)[0] + "_training.png"
    fig.savefig(out, dpi=120)
    plt.close(fig)
    print(out)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for p in sys.argv[1:]:
        plot(p)
