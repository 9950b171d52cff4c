#!/usr/bin/python3
"""Mesh study of the Richardson ladder (report 12 item 9, docs/ladder.md): 1 - rho against h.

Usage: /usr/bin/python3 postprocess/plot_mesh_study.py DIR [--problem constant] [--out DIR]
       /usr/bin/python3 postprocess/plot_mesh_study.py --finishing RHO.h5 MAX_IT [--eps 1e-10]

DIR holds what jobs/mesh_study.sh writes for each grid size n: mesh_rho_n<n>.h5
(poisson_spectra -iteration_radius: attribute rho of /<problem>/<method>) and, for the
methods that finish, mesh_solve_n<n>.h5 (poisson_solve: iterations, rate, converged). Writes
into DIR (or --out):
  mesh_study.png  1 - rho(I - sCA) against h = 1/(n+1), log-log, one line per method
                  (computed rho), measured rates 1 - rate as open markers, and the closed
                  forms 1 - cos(pi h) (Jacobi) and 1 - cos^2(pi h) (Gauss-Seidel); the local
                  methods fall as h^2, the two-grid stays flat (mesh-independent)
  mesh_study.md   the table: n, h, and per method rho, measured rate, iterations, with the
                  fitted exponent p of 1 - rho ~ h^p
--finishing prints the comma-separated methods of RHO.h5 whose predicted count
ln(eps)/ln(rho) is at most MAX_IT (the job runs only those).
Uses Debian's python3-h5py, python3-numpy and python3-matplotlib (no PyPI).
"""
import argparse
import glob
import math
import os
import re
import sys

import h5py
import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def method_groups(f, problem):
    order = [m for m in text(f.attrs.get("methods", "")).split(",") if m]
    g = f[problem]
    return [m for m in order if m in g and isinstance(g[m], h5py.Group)]


def finishing(path, max_it, eps, problem):
    with h5py.File(path, "r") as f:
        if problem not in f:
            sys.exit(f"plot_mesh_study: {path} has no problem group /{problem}")
        keep = []
        for m in method_groups(f, problem):
            rho = float(f[problem][m].attrs.get("rho", float("nan")))
            if 0.0 <= rho < 1.0 and (rho == 0.0 or math.log(eps) / math.log(rho) <= max_it):
                keep.append(m)
    print(",".join(keep))


def collect(folder, problem):
    """{method: {n: {"rho", "rate", "iterations", "converged"}}}, sorted n list."""
    data, sizes = {}, set()
    for path in sorted(glob.glob(os.path.join(folder, "mesh_rho_n*.h5"))):
        n = int(re.search(r"mesh_rho_n(\d+)\.h5$", path).group(1))
        sizes.add(n)
        with h5py.File(path, "r") as f:
            if problem not in f:
                continue
            for m in method_groups(f, problem):
                data.setdefault(m, {}).setdefault(n, {})["rho"] = float(f[problem][m].attrs["rho"])
        solve = os.path.join(folder, f"mesh_solve_n{n}.h5")
        if not os.path.exists(solve):
            continue
        with h5py.File(solve, "r") as f:
            if problem not in f:
                continue
            for m in method_groups(f, problem):
                a = f[problem][m].attrs
                row = data.setdefault(m, {}).setdefault(n, {})
                row["rate"] = float(a.get("rate", -1.0))
                row["iterations"] = int(a["iterations"])
                row["converged"] = int(a["converged"])
    if not sizes:
        sys.exit(f"plot_mesh_study: no mesh_rho_n*.h5 in {folder}")
    return data, sorted(sizes)


def fit_exponent(hs, gaps):
    pts = [(math.log(h), math.log(g)) for h, g in zip(hs, gaps) if g > 0]
    if len(pts) < 2:
        return float("nan")
    x, y = np.array(pts).T
    return float(np.polyfit(x, y, 1)[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?")
    ap.add_argument("max_it", nargs="?", type=int)
    ap.add_argument("--finishing", metavar="RHO.h5")
    ap.add_argument("--problem", default="constant")
    ap.add_argument("--eps", type=float, default=1e-10)
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.finishing:
        if args.folder is None:
            sys.exit("plot_mesh_study: --finishing RHO.h5 MAX_IT")
        finishing(args.finishing, int(args.folder), args.eps, args.problem)
        return
    if not args.folder or not os.path.isdir(args.folder):
        sys.exit(f"plot_mesh_study: {args.folder!r} is not a folder of mesh_rho_n*.h5 files")
    out = args.out or args.folder
    os.makedirs(out, exist_ok=True)
    data, sizes = collect(args.folder, args.problem)

    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    hs_all = np.array([1.0 / (n + 1) for n in sizes])
    hh = np.geomspace(hs_all.min(), hs_all.max(), 100)
    ax.loglog(hh, 1 - np.cos(np.pi * hh), "k:", lw=1.2, zorder=5, label=r"$1-\cos\pi h$ (Jacobi)")
    ax.loglog(hh, 1 - np.cos(np.pi * hh) ** 2, "k--", lw=1.2, zorder=5, label=r"$1-\cos^2\pi h$ (Gauss-Seidel)")
    lines = ["| method | " + " | ".join(f"n = {n}" for n in sizes) + " | p in 1 - rho ~ h^p |",
             "|---|" + "---:|" * len(sizes) + "---:|"]
    for m, rows in data.items():
        ns = [n for n in sizes if n in rows and "rho" in rows[n]]
        hs = [1.0 / (n + 1) for n in ns]
        gaps = [1.0 - rows[n]["rho"] for n in ns]
        p = fit_exponent(hs, gaps)
        (line,) = ax.loglog(hs, gaps, "o-", label=f"{m} (p = {p:.2f})")
        meas = [(1.0 / (n + 1), 1.0 - rows[n]["rate"]) for n in ns if rows[n].get("rate", -1) > 0]
        if meas:
            ax.loglog(*zip(*meas), "s", mfc="none", ms=9, color=line.get_color())
        cells = []
        for n in sizes:
            r = rows.get(n, {})
            if "rho" not in r:
                cells.append("")
                continue
            c = f"rho {r['rho']:.8f}"
            if "iterations" in r:
                c += f"<br>rate {r['rate']:.8f}<br>{r['iterations']} its" + ("" if r["converged"] else " (not converged)")
            cells.append(c)
        lines.append(f"| {m} | " + " | ".join(cells) + f" | {p:.3f} |")
    ax.set_xlabel("h = 1/(n+1)")
    ax.set_ylabel(r"$1-\rho(I - sCA)$")
    ax.set_title("Richardson ladder: mesh study (filled: SLEPc rho, open: measured rate)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    png = os.path.join(out, "mesh_study.png")
    fig.savefig(png, dpi=130)
    md = os.path.join(out, "mesh_study.md")
    with open(md, "w") as fh:
        fh.write(f"# Richardson ladder, mesh study ({args.problem} problem)\n\n")
        fh.write("h = 1/(n+1); rho = rho(I - sCA) (poisson_spectra -iteration_radius); rate = measured "
                 "slope of the error history; its = iterations to ||x_k - x*||/||x*|| <= 1e-10 "
                 "(methods predicted to finish within the iteration limit only).\n\n")
        fh.write("\n".join(lines) + "\n")
    print(f"wrote {png} and {md}")


if __name__ == "__main__":
    main()
