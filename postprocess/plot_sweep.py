#!/usr/bin/python3
"""Plot an n-sweep folder (jobs/sweep.sh): iterations (and kappa, when spectra files are
present) against n for each method, on log-log axes, plus a Markdown table.

Usage: /usr/bin/python3 postprocess/plot_sweep.py RESULTS_FOLDER
Reads RESULTS_FOLDER/n<N>.h5 (poisson_solve) and RESULTS_FOLDER/spectra_n<N>.h5 (poisson_spectra);
writes RESULTS_FOLDER/sweep_iterations.png, sweep_kappa.png (if any) and sweep.md.
"""
import glob
import os
import re
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def runs(folder, pattern):
    out = []
    for path in glob.glob(os.path.join(folder, pattern)):
        m = re.search(r"n(\d+)\.h5$", path)
        if m:
            out.append((int(m.group(1)), path))
    return sorted(out)


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: plot_sweep.py RESULTS_FOLDER (a folder written by jobs/sweep.sh)")
    folder = sys.argv[1]
    solves = runs(folder, "n*.h5")
    if not solves:
        sys.exit(f"plot_sweep: error: no n<N>.h5 results in {folder}")
    its = {}  # method -> [(n, iterations, converged)]
    for n, path in solves:
        with h5py.File(path, "r") as f:
            for problem, g in f.items():
                for method, m in g.items():
                    if isinstance(m, h5py.Group) and "iterations" in m.attrs:
                        its.setdefault(method, []).append(
                            (n, int(m.attrs["iterations"]), int(m.attrs["converged"])))
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for method, rows in sorted(its.items()):
        ax.loglog([r[0] for r in rows], [r[1] for r in rows], "o-", label=method)
    ax.set_xlabel("n (grid nodes per direction)")
    ax.set_ylabel("iterations to 1e-10")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "sweep_iterations.png"), dpi=130)
    plt.close(fig)

    kappa = {}
    for n, path in runs(folder, "spectra_n*.h5"):
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                if isinstance(obj, h5py.Group) and "kappa" in obj.attrs:
                    kappa.setdefault(name.split("/")[-1], []).append((n, float(obj.attrs["kappa"])))
            f.visititems(visit)
    if kappa:
        fig, ax = plt.subplots(figsize=(6.5, 4.5))
        for method, rows in sorted(kappa.items()):
            ax.loglog([r[0] for r in rows], [r[1] for r in rows], "s-", label=method)
        ax.set_xlabel("n")
        ax.set_ylabel(r"$\kappa$")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(folder, "sweep_kappa.png"), dpi=130)
        plt.close(fig)

    sizes = sorted({n for n, _ in solves})
    lines = ["| method | " + " | ".join(f"n = {n}" for n in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]
    for method, rows in sorted(its.items()):
        cell = {n: f"{i}" + ("" if c else " (not conv.)") for n, i, c in rows}
        lines.append(f"| {method} | " + " | ".join(cell.get(n, "") for n in sizes) + " |")
    with open(os.path.join(folder, "sweep.md"), "w") as fh:
        fh.write("Iterations against n\n\n" + "\n".join(lines) + "\n")
    print(f"wrote {folder}/sweep_iterations.png and sweep.md")


if __name__ == "__main__":
    main()
