#!/usr/bin/python3
"""The cost model of REPORTS.md §11.5 per method: total flops and span against iterations.

Usage: /usr/bin/python3 postprocess/plot_cost.py RESULTS.h5 [--problem rod] [--out DIR]

RESULTS.h5 is a poisson_solve results file (e.g. -problem rod -methods
none,jacobi,icc,twolevel_icc_blocks,twolevel_coarse_blocks,twolevel_jacobi_blocks). Per
method it reads the attributes iterations, flops_setup, flops_per_iteration (PETSc's counter),
flops_model_per_iteration and span_per_iteration (the model; NaN where not derived,
docs/results-file.md). Writes, next to RESULTS.h5 (or into DIR):
  <stem>_<problem>_cost.png   left: total flops (setup + iterations x flops/it, measured as
                              dots, the model's iterations x flops/it as crosses) against
                              iterations; right: span x iterations against iterations
                              (methods without a span are left out, and listed)
  <stem>_<problem>_cost.md    the table: method, iterations, flops/it measured and model,
                              setup flops, total flops, span/it, span x iterations
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


def number(a, key):
    return float(a[key]) if key in a else math.nan


def cost_rows(results, problem):
    f = h5py.File(results, "r")
    if problem not in f:
        sys.exit(f"plot_cost: {results} has no problem group /{problem} (has {list(f.keys())})")
    order = text(f.attrs.get("methods", "")).split(",")
    g = f[problem]
    names = [m for m in order if m in g] + sorted(
        m for m in g if m not in order and isinstance(g[m], h5py.Group))
    rows = []
    for m in names:
        a = g[m].attrs
        if "flops_per_iteration" not in a:
            sys.exit(f"plot_cost: /{problem}/{m} has no flops_per_iteration (a results file "
                     "written before the cost model)")
        its = int(a["iterations"])
        row = {
            "method": m,
            "iterations": its,
            "flops_it": number(a, "flops_per_iteration"),
            "model_it": number(a, "flops_model_per_iteration"),
            "setup": number(a, "flops_setup"),
            "span_it": number(a, "span_per_iteration"),
        }
        row["total"] = row["setup"] + its * row["flops_it"]
        row["model_total"] = its * row["model_it"]
        row["span_total"] = its * row["span_it"]
        rows.append(row)
    return rows


def fmt(x, spec):
    return "n/a" if math.isnan(x) else format(x, spec)


def write_table(rows, path):
    with open(path, "w") as out:
        out.write("| method | its | flops/it (PETSc) | flops/it (model) | setup flops | total flops "
                  "| span/it | span x its |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
        for r in rows:
            out.write(f"| {r['method']} | {r['iterations']} | {fmt(r['flops_it'], '.0f')} | "
                      f"{fmt(r['model_it'], '.0f')} | {fmt(r['setup'], '.3g')} | "
                      f"{fmt(r['total'], '.3g')} | {fmt(r['span_it'], '.0f')} | "
                      f"{fmt(r['span_total'], '.0f')} |\n")


def plot(rows, problem, path):
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    unspanned = []
    for i, r in enumerate(rows):
        c = colors[i % len(colors)]
        its = max(r["iterations"], 1)
        ax1.scatter([its], [r["total"]], color=c, label=r["method"])
        if not math.isnan(r["model_total"]):
            ax1.scatter([its], [r["model_total"]], color=c, marker="x")
        if math.isnan(r["span_total"]):
            unspanned.append(r["method"])
        else:
            ax2.scatter([its], [r["span_total"]], color=c, label=r["method"])
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("iterations")
        ax.grid(True, which="both", alpha=0.3)
    ax1.set_ylabel("total flops (dots: PETSc incl. setup; x: model, iterations only)")
    ax2.set_ylabel("span x iterations (critical path)")
    ax1.set_title(f"{problem}: work")
    title = f"{problem}: depth"
    if unspanned:
        title += "\nno span: " + ", ".join(unspanned)
    ax2.set_title(title, fontsize=9 if unspanned else None)
    ax1.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--problem", default="rod")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    rows = cost_rows(args.results, args.problem)
    out = args.out or os.path.dirname(os.path.abspath(args.results))
    os.makedirs(out, exist_ok=True)
    stem = os.path.splitext(os.path.basename(args.results))[0] + f"_{args.problem}_cost"
    write_table(rows, os.path.join(out, stem + ".md"))
    plot(rows, args.problem, os.path.join(out, stem + ".png"))
    print(f"wrote {os.path.join(out, stem)}.png and .md")


if __name__ == "__main__":
    main()
