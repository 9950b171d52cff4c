#!/usr/bin/python3
"""Figure and table of a gdcg_synthetic results file: steepest descent vs CG on synthetic spectra.

Usage: /usr/bin/python3 postprocess/plot_synthetic.py gdcg_synthetic.h5 [--out DIR]

Writes, next to the file (or into DIR):
  <stem>.png   left: relative error against the step, rank-1 problem I + rho v v^T, GD on the
               worst-case b (solid; a capped run continued by its measured rate, dotted) beside
               the closed form ((kappa-1)/(kappa+1))^k, and CG (markers: 2 iterations);
               right: CG error histories of the three-cluster problem for each cluster width
  <stem>.md    the table: rho, kappa, CG iterations, GD worst-case steps (run, extrapolated,
               closed form), GD on a random b; cluster widths with kappa and CG iterations
Uses Debian's python3-h5py and python3-matplotlib (no PyPI).
"""
import argparse
import os

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def groups(f, name):
    if name not in f:
        return []
    return sorted(((k, f[name][k]) for k in f[name]), key=lambda kv: float(kv[1].attrs.get("rho", kv[1].attrs.get("width", 0))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--out")
    args = ap.parse_args()
    f = h5py.File(args.results, "r")
    stem = os.path.splitext(os.path.basename(args.results))[0]
    outdir = args.out or os.path.dirname(os.path.abspath(args.results))
    os.makedirs(outdir, exist_ok=True)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    lines = ["# GD vs CG on synthetic spectra (report 13, §13.7)\n",
             "## Rank-1 problem A = I + rho v v^T\n",
             "| rho | kappa | CG its (random / worst b) | CG final error | GD worst b: run | extrapolated | closed form | GD random b |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for i, (name, g) in enumerate(groups(f, "rank1")):
        a = g.attrs
        rho, kappa = float(a["rho"]), float(a["kappa"])
        color = f"C{i}"
        e = g["gd_worst_error"][:]
        ax1.semilogy(range(len(e)), e, color=color, label=f"GD, rho = {rho:g} (kappa {kappa:.3g})")
        q = float(a["gd_worst_rate_theory"])
        closed = int(a["gd_worst_closed_form"])
        if not int(a["gd_worst_converged"]):  # continue the capped run at its measured rate
            k0, rate, pred = len(e) - 1, float(a["gd_worst_rate"]), int(a["gd_worst_predicted"])
            ks = np.unique(np.geomspace(k0, pred, 200).astype(np.int64))
            ax1.semilogy(ks, e[-1] * rate ** (ks - k0).astype(float), ":", color=color)
        ks = np.concatenate(([0], np.unique(np.geomspace(1, closed, 300).astype(np.int64))))
        ax1.semilogy(ks, q ** ks.astype(float), "--", color="k", lw=0.7)
        c = g["cg_worst_error"][:]
        ax1.semilogy(range(len(c)), c, "o", color=color, ms=5)
        gd_run = f"{int(a['gd_worst_iterations'])}" + ("" if int(a["gd_worst_converged"]) else " (capped)")
        gd_rand = f"{int(a['gd_random_iterations'])}" + ("" if int(a["gd_random_converged"]) else " (capped)")
        lines.append(f"| {rho:g} | {kappa:.6g} | {int(a['cg_random_iterations'])} / {int(a['cg_worst_iterations'])} | "
                     f"{max(float(a['cg_worst_final_error']), float(a['cg_random_final_error'])):.1e} | {gd_run} | "
                     f"{int(a['gd_worst_predicted'])} | {closed} | {gd_rand} |")
    ax1.set_xscale("symlog", linthresh=10)
    ax1.set_ylim(1e-12, 2)
    ax1.set_xlabel("step k")
    ax1.set_ylabel("||x_k - x*|| / ||x*||")
    ax1.set_title("I + rho v v^T, worst-case b: GD (solid; dotted: extrapolated;\n"
                  "dashed: ((kappa-1)/(kappa+1))^k) and CG (markers)", fontsize=9)
    ax1.legend(fontsize=8)

    lines += ["", "## Three clusters 1, 1e3, 1e6 (x 300, 80, 20)\n",
              "| width | kappa | CG its | final error |", "|---:|---:|---:|---:|"]
    for i, (name, g) in enumerate(groups(f, "clusters")):
        a = g.attrs
        e = g["cg_error"][:]
        ax2.semilogy(range(len(e)), e, "-o", ms=3, color=f"C{i}",
                     label=f"w = {float(a['width']):g}: {int(a['cg_iterations'])} its, kappa {float(a['kappa']):.3g}")
        lines.append(f"| {float(a['width']):g} | {float(a['kappa']):.6g} | {int(a['cg_iterations'])} | {float(a['cg_final_error']):.1e} |")
    ax2.set_xlabel("CG iteration")
    ax2.set_ylabel("||x_k - x*|| / ||x*||")
    ax2.set_title("three clusters: CG iterations grow with the width, kappa ~ 1e6", fontsize=9)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    png = os.path.join(outdir, stem + ".png")
    fig.savefig(png, dpi=120)
    with open(os.path.join(outdir, stem + ".md"), "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"wrote {png} and {stem}.md")


if __name__ == "__main__":
    main()
