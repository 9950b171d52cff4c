#!/usr/bin/python3
"""Figures of a vecchia_report file (Vecchia against IC(0), reports 10-11; Debian python3-h5py,
-matplotlib, -numpy).

Usage:
    /usr/bin/python3 postprocess/plot_vecchia.py vecchia_report.h5

Writes next to the file:
  <stem>_coefficients.png  the weight of every node on its W neighbour: Vecchia's regression
                           coefficient c_W (exact covariance) and IC(0)'s -L_{k+1,k}/L_kk at the
                           180-degree rotated node (the comparison of REPORTS.md §11.2), as grid
                           maps and along the centre grid row
  <stem>_snapshots.png     PCG iterations and kappa(M^{-1}A) against the number of snapshots,
                           with the exact-covariance fit and IC(0) as horizontal lines
"""
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main(path):
    with h5py.File(path, "r") as f:
        g = f["vecchia"]
        rows, cols = int(g.attrs["rows"]), int(g.attrs["cols"])
        d = {k: np.asarray(g[k]) for k in g.keys()}
    stem = os.path.splitext(path)[0]

    cw, iw = d["c_w"].reshape(rows, cols), d["ic0_w"].reshape(rows, cols)
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.3))
    lo, hi = 0.0, max(cw.max(), iw.max())
    for a, m, title in ((ax[0], cw, "Vecchia (exact $\\Sigma$): $c_W$"),
                        (ax[1], iw, "IC(0): $-L_{k+1,k}/L_{kk}$ (rotated)")):
        im = a.imshow(m, origin="lower", vmin=lo, vmax=hi, cmap="viridis")
        a.set_title(title)
        a.set_xlabel("j")
        a.set_ylabel("i")
        fig.colorbar(im, ax=a, shrink=0.85)
    i = rows // 2
    ax[2].plot(cw[i, 1:], "o-", ms=3, label="Vecchia $c_W$")
    ax[2].plot(iw[i, 1:], "s-", ms=3, label="IC(0)")
    ax[2].axhline(1 / (2 + np.sqrt(2)), color="gray", ls=":", label="$1/(2+\\sqrt{2})$ = 0.2929")
    ax[2].set_title("grid row i = %d: centre %.4f vs %.4f" % (i, cw[i, cols // 2], iw[i, cols // 2]))
    ax[2].set_xlabel("j")
    ax[2].legend()
    fig.tight_layout()
    fig.savefig(stem + "_coefficients.png", dpi=110)
    print("wrote", stem + "_coefficients.png")

    ns, its, kappa = d["snapshots"], d["iterations"], d["kappa"]
    snap = ns > 0
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    for a, y, name in ((ax[0], its, "PCG iterations"), (ax[1], kappa, "$\\kappa(M^{-1}A)$")):
        if snap.any():
            a.semilogx(ns[snap], y[snap], "o-", label="Vecchia from $N_s$ snapshots")
        a.axhline(y[ns == 0][0], color="C2", ls="--", label="Vecchia, exact $\\Sigma$ (%g)"
                  % y[ns == 0][0])
        a.axhline(y[ns == -1][0], color="C3", ls=":", label="IC(0) (%g)" % y[ns == -1][0])
        a.set_xlabel("$N_s$")
        a.set_title(name)
        a.legend()
    fig.tight_layout()
    fig.savefig(stem + "_snapshots.png", dpi=110)
    print("wrote", stem + "_snapshots.png")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
