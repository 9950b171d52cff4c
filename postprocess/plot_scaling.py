#!/usr/bin/python3
"""Plot a strong or weak scaling folder (jobs/strong.sh, jobs/weak.sh).

Usage: /usr/bin/python3 postprocess/plot_scaling.py --kind strong|weak RESULTS_FOLDER
Reads RESULTS_FOLDER/np<P>.h5 (poisson_solve, one method each); writes scaling.png (setup,
solve and total seconds against ranks, with the ideal line) and scaling.md (time, speed-up or
efficiency, iterations).
"""
import argparse
import glob
import os
import re
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["strong", "weak"], required=True)
    ap.add_argument("folder")
    a = ap.parse_args()
    rows = []
    for path in glob.glob(os.path.join(a.folder, "np*.h5")):
        m = re.search(r"np(\d+)\.h5$", path)
        if not m:
            continue
        with h5py.File(path, "r") as f:
            for problem, g in f.items():
                for method, s in g.items():
                    if isinstance(s, h5py.Group) and "iterations" in s.attrs:
                        rows.append(dict(p=int(m.group(1)), n=int(g.attrs["n"]), method=method,
                                         its=int(s.attrs["iterations"]),
                                         setup=float(s.attrs["setup_seconds"]),
                                         solve=float(s.attrs["solve_seconds"])))
    if not rows:
        sys.exit(f"plot_scaling: error: no np<P>.h5 results in {a.folder}")
    rows.sort(key=lambda r: r["p"])
    p = [r["p"] for r in rows]
    total = [r["setup"] + r["solve"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.plot(p, [r["setup"] for r in rows], "o-", label="setup")
    ax.plot(p, [r["solve"] for r in rows], "s-", label="solve")
    ax.plot(p, total, "^-", label="total")
    if a.kind == "strong":
        ax.plot(p, [total[0] * p[0] / q for q in p], "k--", lw=0.8, label="ideal")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
    else:
        ax.axhline(total[0], color="k", ls="--", lw=0.8, label="ideal")
        ax.set_xscale("log", base=2)
    ax.set_xlabel("MPI ranks")
    ax.set_ylabel("seconds")
    ax.set_title(f"{a.kind} scaling, {rows[0]['method']}", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(a.folder, "scaling.png"), dpi=130)
    plt.close(fig)
    metric = "speed-up" if a.kind == "strong" else "efficiency"
    lines = [f"| ranks | n | iterations | setup s | solve s | total s | {metric} |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for r, t in zip(rows, total):
        value = total[0] / t if a.kind == "strong" else total[0] / t
        lines.append(f"| {r['p']} | {r['n']} | {r['its']} | {r['setup']:.3f} | {r['solve']:.3f} | "
                     f"{t:.3f} | {value:.2f} |")
    with open(os.path.join(a.folder, "scaling.md"), "w") as fh:
        fh.write(f"{a.kind} scaling\n\n" + "\n".join(lines) + "\n")
    print(f"wrote {a.folder}/scaling.png and scaling.md")


if __name__ == "__main__":
    main()
