#!/usr/bin/python3
"""Figure of a gmrf_fdt file (report 10's fluctuation-dissipation checks; Debian python3-h5py,
-matplotlib, -numpy).

Usage:
    /usr/bin/python3 postprocess/plot_fdt.py fdt.h5

Writes <stem>.png next to the file, three panels:
  column      column j of the sample covariance of the exact draws (largest N_s) against the
              kick response A^{-1} e_j (a KSP solve): fluctuation = dissipation
  frobenius   relative errors of the covariance column and of the whole Sigma_hat against N_s,
              with the predicted iid errors (REPORTS.md §10.1) as lines
  acf         the Langevin slowest-mode autocorrelation with exp(-lag/tau) for the fitted tau
              and for the theory 1/(dt lambda_min) = 2 kappa; the stiffest-mode variance
              inflation against 1/(1 - dt lambda_max/2) in the title
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
        g = f["fdt"]
        a = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
        d = {k: np.asarray(g[k]) for k in g.keys()}
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.4))
    k = np.arange(d["column_sample"].size)
    ax[0].plot(k, d["column_kick_response"], "k-", label="kick response $A^{-1}e_j$ (KSP)")
    ax[0].plot(k, d["column_sample"], "o", ms=3,
               label=r"$\hat\Sigma e_j$, $N_s$ = %d" % int(d["ns"][-1]))
    ax[0].set_title("%s, N = %d, column j = %d" % (a["problem"], a["N"], a["column"]))
    ax[0].set_xlabel("k")
    ax[0].legend()
    ax[1].loglog(d["ns"], d["column_error"], "o", label="column, measured")
    ax[1].loglog(d["ns"], d["column_predicted"], "-", label="column, predicted")
    ax[1].loglog(d["ns"], d["frobenius_error"], "s", label="Frobenius, measured")
    ax[1].loglog(d["ns"], d["frobenius_predicted"], "--", label="Frobenius, predicted")
    ax[1].set_xlabel("$N_s$")
    ax[1].set_ylabel("relative error")
    ax[1].set_title("exact sampler (seed %d)" % a["seed"])
    ax[1].legend()
    lags = d["acf_lags"]
    ax[2].semilogy(lags, np.maximum(d["acf"], 1e-3), "o", ms=3, label="ACF, slowest mode")
    ax[2].semilogy(lags, np.exp(-lags / a["tau"]), "-",
                   label=r"fit $\tau$ = %.0f" % a["tau"])
    ax[2].semilogy(lags, np.exp(-lags / a["tau_theory"]), "--",
                   label=r"$1/(dt\,\lambda_{min})$ = %.0f" % a["tau_theory"])
    ax[2].set_xlabel("lag (steps)")
    ax[2].set_title("Langevin, %d chains, dt = %g/lambda_max\nstiffest-mode variance inflation "
                    "%.3f $\\pm$ %.3f (theory %.3f)"
                    % (a["chains"], a["dt_factor"], a["stiff_inflation"],
                       a["stiff_inflation_se"], a["stiff_inflation_theory"]), fontsize=10)
    ax[2].legend()
    fig.tight_layout()
    out = os.path.splitext(path)[0] + ".png"
    fig.savefig(out, dpi=110)
    print("wrote", out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
