#!/usr/bin/python3
"""Figures of a poisson_spectra results file (Debian python3-h5py, -matplotlib, -numpy).

Usage:
    /usr/bin/python3 postprocess/plot_spectra.py results.h5 [more.h5 ...]

For every file writes PNGs next to it (<stem>_<figure>.png):
  <problem>_A_spectrum   all eigenvalues of A (needs -spectrum_full) against the closed form
                         (d1 eigenvalue sums / h^2) for a constant-coefficient problem
  kappa_sweep            kappa(A) against n on log-log axes with cot^2(pi/(2(n+1))) and the
                         fitted exponent (needs -kappa_sweep)
  <problem>_histograms   one eigenvalue histogram per method (the whole spectrum with
                         -spectrum_full, otherwise the extremal eigenvalues SLEPc found);
                         nonsymmetric methods also get their eigenvalues in the complex plane
"""
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def attr(group, name, default=None):
    value = group.attrs.get(name, default)
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray) and value.size == 1:
        return value.item()
    return value


def closed_form_spectrum(n):
    h = 1.0 / (n + 1)
    mu = 4.0 * np.sin(np.arange(1, n + 1) * np.pi / (2.0 * (n + 1))) ** 2
    return np.sort((mu[:, None] + mu[None, :]).ravel()) / h**2


def plot_A_spectrum(f, problem, out):
    g = f[problem]["A"]
    if "spectrum_real" not in g:
        return None
    lam = np.sort(np.asarray(g["spectrum_real"]))
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogy(lam, ".", ms=3, label="LAPACK (poisson_spectra -spectrum_full)")
    contrast = attr(f[problem], "contrast", 1.0)
    if contrast == 1.0:
        n = int(attr(f[problem], "n"))
        ref = closed_form_spectrum(n)
        ax.semilogy(ref, "-", lw=1, label="closed form (mu_k + mu_l)/h^2")
        err = np.max(np.abs(lam - ref)) / ref[-1]
        ax.set_title(f"{problem}: spectrum of A, n = {n} (max rel. diff {err:.1e})")
    else:
        ax.set_title(f"{problem}: spectrum of A (contrast {contrast:g})")
    ax.set_xlabel("index")
    ax.set_ylabel("eigenvalue")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def plot_kappa_sweep(f, out):
    if "kappa_sweep" not in f:
        return None
    g = f["kappa_sweep"]
    n = np.asarray(g["n"])
    kappa = np.asarray(g["kappa"])
    closed = np.asarray(g["kappa_closed_form"])
    p = attr(g, "p")
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.loglog(n, kappa, "o", label="SLEPc")
    nn = np.geomspace(n.min(), n.max(), 200)
    ax.loglog(nn, 1.0 / np.tan(np.pi / (2 * (nn + 1))) ** 2, "-", label="cot^2(pi/(2(n+1)))")
    c = np.exp(np.mean(np.log(kappa) - p * np.log(n)))
    ax.loglog(nn, c * nn**p, "--", lw=1, label=f"fit: kappa ~ n^{p:.3f}")
    ax.set_xlabel("n")
    ax.set_ylabel("kappa(A)")
    ax.set_title(f"kappa(A), max rel. diff {np.max(np.abs(kappa / closed - 1)):.1e}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def plot_histograms(f, problem, out):
    methods = [m for m in f[problem] if isinstance(f[problem][m], h5py.Group) and m != "A"]
    if not methods:
        return None
    cols = min(4, len(methods))
    rows = (len(methods) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
    for ax, m in zip(axes.ravel(), methods):
        g = f[problem][m]
        full = "spectrum_real" in g
        re = np.asarray(g["spectrum_real" if full else "eigenvalues_real"])
        im = np.asarray(g["spectrum_imag" if full else "eigenvalues_imag"])
        symmetric = attr(g, "symmetric", 1)
        kappa = attr(g, "kappa")
        if symmetric or np.max(np.abs(im)) == 0:
            lam = np.abs(re) if np.all(re > 0) else re
            if np.all(lam > 0) and lam.max() / lam.min() > 10:
                bins = np.geomspace(lam.min(), lam.max() * 1.0001, 40)
                ax.set_xscale("log")
            else:
                bins = 40
            ax.hist(lam, bins=bins)
            ax.set_xlabel("eigenvalue")
        else:
            ax.plot(re, im, ".", ms=3)
            ax.axvline(0, color="k", lw=0.5)
            ax.set_xlabel("Re")
            ax.set_ylabel("Im")
        extra = ""
        if full:
            extra = f", {int(attr(g, 'full_unit_count'))} at 1"
        ax.set_title(f"{m}: kappa {kappa:.4g}{extra}", fontsize=9)
        if not full:
            ax.text(0.02, 0.9, "extremal only", transform=ax.transAxes, fontsize=7)
    for ax in axes.ravel()[len(methods):]:
        ax.axis("off")
    fig.suptitle(f"{problem}: eigenvalues of M^-1 A")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def main(paths):
    if not paths:
        print(__doc__)
        return 2
    for path in paths:
        stem = os.path.splitext(path)[0]
        written = []
        with h5py.File(path, "r") as f:
            problems = [p for p in f if p != "kappa_sweep" and isinstance(f[p], h5py.Group)]
            for problem in problems:
                if "A" in f[problem]:
                    written.append(plot_A_spectrum(f, problem, f"{stem}_{problem}_A_spectrum.png"))
                written.append(plot_histograms(f, problem, f"{stem}_{problem}_histograms.png"))
            written.append(plot_kappa_sweep(f, f"{stem}_kappa_sweep.png"))
        for w in written:
            if w:
                print("wrote", w)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
