#!/usr/bin/python3
"""The decoupling ladder of report 13: iterations and kappa per method, with the bounds.

Usage: /usr/bin/python3 postprocess/plot_ladder.py LADDER.h5 [SPECTRA.h5] [--problem rod]
                                                   [--eps 1e-10] [--out DIR]

LADDER.h5 is a poisson_solve results file (e.g. -problem rod -methods cg_err,sd,sd_jacobi,
adi_cg,adi_sd,bjacobi2x_cg,bjacobi2x_sd,dst), SPECTRA.h5 a poisson_spectra file of the same
methods (kappa(M^{-1}A) per method, group /<problem>/<method>, attribute kappa). Without it
kappa and the bounds are left out. Writes, next to LADDER.h5 (or into DIR):
  <stem>_ladder.png   iterations per method (bars, log scale) beside the Chebyshev bound
                      sqrt(kappa) ln(2/eps)/2 of CG (REPORTS.md §13.6) and, for steepest
                      descent (KSP sd), its own bound kappa ln(1/eps)/2; kappa on a second axis
  <stem>_ladder.md    the table: method, KSP/PC, stopping criterion, iterations, final error,
                      kappa, the bound(s), rho = (kappa-1)/(kappa+1)
Uses Debian's python3-h5py and python3-matplotlib (no PyPI).
"""
import argparse
import math
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def chebyshev_cg(kappa, eps):
    """CG iterations bound sqrt(kappa) ln(2/eps) / 2."""
    return math.sqrt(kappa) * math.log(2.0 / eps) / 2.0


def bound_sd(kappa, eps):
    """Steepest descent with exact line search: error factor (kappa-1)/(kappa+1) per step in the
    A-norm, so about ln(1/eps) / ln((kappa+1)/(kappa-1)) ~ kappa ln(1/eps)/2 steps."""
    if kappa <= 1.0:
        return 1.0
    return math.log(1.0 / eps) / math.log((kappa + 1.0) / (kappa - 1.0))


def ladder_rows(results, spectra, problem, eps):
    f = h5py.File(results, "r")
    if problem not in f:
        sys.exit(f"plot_ladder: {results} has no problem group /{problem} (has {list(f.keys())})")
    order = text(f.attrs.get("methods", "")).split(",")
    g = f[problem]
    names = [m for m in order if m in g] + sorted(m for m in g if m not in order and isinstance(g[m], h5py.Group) and "residual_history" in g[m])
    s = h5py.File(spectra, "r") if spectra else None
    rows = []
    for m in names:
        a = g[m].attrs
        row = {
            "method": m,
            "ksp": text(a.get("ksp_type", "")),
            "pc": text(a.get("pc_type", "")),
            "its": int(a["iterations"]),
            "converged": int(a.get("converged", 0)),
            "criterion": ("error (" + text(a["error_norm"]) + "-norm)") if "final_relerror" in a else "residual",
            "final": float(a["final_relerror"]) if "final_relerror" in a else float(a.get("final_relres", float("nan"))),
            "kappa": None,
        }
        if s is not None and problem in s and m in s[problem]:
            row["kappa"] = float(s[problem][m].attrs["kappa"])
        if row["kappa"]:
            k = row["kappa"]
            row["cheb"] = chebyshev_cg(k, eps)
            row["sd_bound"] = bound_sd(k, eps) if row["ksp"] == "sd" else None
            row["rho"] = (k - 1.0) / (k + 1.0)
        rows.append(row)
    return f[problem].attrs, rows


def write_table(rows, path, title, eps):
    with open(path, "w") as out:
        out.write(f"# Decoupling ladder: {title}\n\n")
        out.write(f"Chebyshev bound sqrt(kappa) ln(2/eps)/2 (CG) and ln(1/eps)/ln((kappa+1)/(kappa-1)) "
                  f"(steepest descent), eps = {eps:g}; rho = (kappa-1)/(kappa+1).\n\n")
        out.write("| method | KSP/PC | criterion | iterations | final | kappa | CG bound | GD bound | rho |\n")
        out.write("|---|---|---|---:|---:|---:|---:|---:|---:|\n")
        for r in rows:
            its = f"{r['its']}" + ("" if r["converged"] else " (not converged)")
            k = f"{r['kappa']:.6g}" if r["kappa"] else ""
            cheb = f"{r['cheb']:.1f}" if r["kappa"] else ""
            sdb = f"{r['sd_bound']:.0f}" if r["kappa"] and r["sd_bound"] else ""
            rho = f"{r['rho']:.5f}" if r["kappa"] else ""
            out.write(f"| {r['method']} | {r['ksp']}/{r['pc']} | {r['criterion']} | {its} | "
                      f"{r['final']:.2e} | {k} | {cheb} | {sdb} | {rho} |\n")


def plot(rows, path, title):
    fig, ax = plt.subplots(figsize=(max(7.0, 1.1 * len(rows) + 2), 5.0))
    x = list(range(len(rows)))
    its = [max(r["its"], 1) for r in rows]
    ax.bar([i - 0.2 for i in x], its, width=0.4, label="iterations", color="tab:blue")
    bounds = [r.get("sd_bound") or r.get("cheb") for r in rows]
    if any(bounds):
        ax.bar([i + 0.2 for i in x], [b or 0 for b in bounds], width=0.4, color="tab:gray", alpha=0.6,
               label="bound: CG sqrt(k) ln(2/eps)/2; GD ln(1/eps)/ln((k+1)/(k-1))")
    for i, r in enumerate(rows):
        ax.text(i - 0.2, its[i] * 1.08, str(r["its"]), ha="center", fontsize=8)
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels([r["method"] for r in rows], rotation=30, ha="right")
    ax.set_ylabel("iterations (log scale)")
    ax.set_title(title)
    kappas = [r["kappa"] for r in rows]
    if any(kappas):
        ax2 = ax.twinx()
        ax2.plot([i for i, k in enumerate(kappas) if k], [k for k in kappas if k], "o", color="tab:red",
                 label="kappa(M^-1 A)")
        ax2.set_yscale("log")
        ax2.set_ylabel("kappa(M^-1 A)", color="tab:red")
        h2, l2 = ax2.get_legend_handles_labels()
    else:
        h2, l2 = [], []
    h1, l1 = ax.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("spectra", nargs="?")
    ap.add_argument("--problem", default="rod")
    ap.add_argument("--eps", type=float, default=1e-10)
    ap.add_argument("--out")
    args = ap.parse_args()
    pattrs, rows = ladder_rows(args.results, args.spectra, args.problem, args.eps)
    if not rows:
        sys.exit(f"plot_ladder: no method groups under /{args.problem} in {args.results}")
    stem = os.path.splitext(os.path.basename(args.results))[0]
    outdir = args.out or os.path.dirname(os.path.abspath(args.results))
    os.makedirs(outdir, exist_ok=True)
    title = f"{args.problem}: n = {int(pattrs['n'])}, rhs {text(pattrs.get('rhs', ''))}"
    write_table(rows, os.path.join(outdir, stem + "_ladder.md"), title, args.eps)
    plot(rows, os.path.join(outdir, stem + "_ladder.png"), "decoupling ladder, " + title)
    print(f"wrote {os.path.join(outdir, stem + '_ladder.md')} and {stem}_ladder.png")


if __name__ == "__main__":
    main()
