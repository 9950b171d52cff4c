#!/usr/bin/python3
"""Turn a poisson_solve results file into convergence plots and a Markdown table.

Usage: /usr/bin/python3 postprocess/plot_results.py results/canonical.h5 [--out DIR]

Writes, next to the results file (or into DIR):
  <stem>_<problem>_convergence.png   relative residual histories, log scale, one line per method
  <stem>.md                          the results table (one section per problem)
Uses Debian's python3-h5py and python3-matplotlib (no PyPI).
"""
import argparse
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def solve_groups(problem_group):
    """Method groups of a problem group (those holding a residual history), in run order."""
    order = text(problem_group.file.attrs.get("methods", "")).split(",")
    names = sorted(problem_group.keys(), key=lambda k: (order.index(k) if k in order else len(order), k))
    for name in names:
        item = problem_group[name]
        if isinstance(item, h5py.Group) and "residual_history" in item:
            yield name, item


def problem_title(name, g):
    a = g.attrs
    title = f"{name}: n = {int(a['n'])} (N = {int(a['N'])})"
    if name == "variable":
        title += f", contrast {float(a['contrast']):g}"
    rhs = text(a.get("rhs", ""))
    if rhs == "grf":
        title += f", GRF seed {int(a['seed'])}"
    elif rhs:
        title += f", rhs {rhs}"
    return title


def plot_problem(name, g, path):
    fig, ax = plt.subplots(figsize=(8.5, 5.2))
    groups = list(solve_groups(g))
    colors = plt.get_cmap("tab20").colors
    converged_its = [int(m.attrs["iterations"]) for _, m in groups if int(m.attrs["converged"])]
    for k, (method, m) in enumerate(groups):
        hist = m["residual_history"][()]
        style = "-" if int(m.attrs["converged"]) else ":"
        label = f"{method} ({int(m.attrs['iterations'])}{'' if int(m.attrs['converged']) else ', not conv.'})"
        ax.semilogy(range(len(hist)), hist, style, lw=1.4, label=label, color=colors[k % 20])
    # A stalled method (e.g. 2000 iterations) would squash the others: show the converged
    # ones in full and the stalled ones up to 1.5 times the slowest converged method.
    if converged_its:
        ax.set_xlim(0, 1.5 * max(converged_its) + 5)
    ax.axhline(1e-10, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("iteration")
    ax.set_ylabel(r"$\|r_k\|_2 / \|b\|_2$")
    ax.set_title(problem_title(name, g), fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def table(name, g):
    rows = [f"### {problem_title(name, g)}", "",
            "| method | KSP/PC | iterations | final relres | true relres | setup s | solve s | status |",
            "|---|---|---:|---:|---:|---:|---:|---|"]
    for method, m in solve_groups(g):
        a = m.attrs
        status = "converged" if int(a["converged"]) else text(a["reason"])
        rows.append(f"| {method} | {text(a['ksp_type'])}/{text(a['pc_type'])} | {int(a['iterations'])} | "
                    f"{float(a['final_relres']):.3e} | {float(a['true_relres']):.3e} | "
                    f"{float(a['setup_seconds']):.2e} | {float(a['solve_seconds']):.2e} | {status} |")
    return "\n".join(rows) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="HDF5 file written by poisson_solve")
    ap.add_argument("--out", help="output folder (default: beside the results file)")
    args = ap.parse_args()
    if not os.path.isfile(args.results):
        sys.exit(f"plot_results: error: no results file '{args.results}'")
    out = args.out or os.path.dirname(os.path.abspath(args.results))
    os.makedirs(out, exist_ok=True)
    stem = os.path.splitext(os.path.basename(args.results))[0]
    with h5py.File(args.results, "r") as f:
        md = [f"# {stem}", "",
              f"ranks {int(f.attrs['ranks'])}; {text(f.attrs['versions'])}", ""]
        for name, g in f.items():
            if not isinstance(g, h5py.Group) or not any(True for _ in solve_groups(g)):
                continue
            png = os.path.join(out, f"{stem}_{name}_convergence.png")
            plot_problem(name, g, png)
            md += [table(name, g), f"![{name}]({os.path.basename(png)})", ""]
            print(f"wrote {png}")
    mdpath = os.path.join(out, f"{stem}.md")
    with open(mdpath, "w") as fh:
        fh.write("\n".join(md))
    print(f"wrote {mdpath}")


if __name__ == "__main__":
    main()
