#!/usr/bin/python3
"""The study as a website: results/site/index.html and the pages it links (docs/site.md).

    /usr/bin/python3 postprocess/site.py results/            # writes results/site/
    /usr/bin/python3 postprocess/site.py RESULTS -o OUTDIR

Reads what the project writes into the results folder (each optional except canonical.h5):
canonical.h5 (poisson_solve), spectra.h5 (poisson_spectra), bench_*.json (poisson_bench,
npo_train_bench), hodlr_scaling.txt / hodlr_sweep.txt (hodlr_bench), npo_transfer.md
(jobs/sweep.sh) and race_data.json (race_export). The site is self-contained: HTML, CSS,
plain JavaScript (postprocess/site_assets/) and the data as <script src="*_data.js"> files
that set globals, so it opens from file:// without a server, a CDN or fetch().
"""
import argparse
import html
import json
import math
import os
import re
import shutil
import sys

import h5py
import numpy as np

ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "site_assets")

PAGES = [
    ("index.html", "Overview"),
    ("canonical.html", "Canonical study"),
    ("spectra.html", "Spectra"),
    ("benchmarks.html", "HODLR, NPO, benchmarks"),
    ("race.html", "Solver race"),
    ("adi.html", "ADI sweep"),
]


def text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        return [text(x) for x in v.tolist()]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def attrs(obj):
    return {k: text(v) for k, v in obj.attrs.items()}


def floats(a):
    return [float(x) if math.isfinite(float(x)) else None for x in np.asarray(a).ravel()]


def read_results_file(path):
    """A poisson_solve results file (docs/results-file.md) as plain data."""
    out = {"file": os.path.basename(path), "problems": []}
    with h5py.File(path, "r") as f:
        out["root"] = attrs(f)
        methods = [m for m in str(out["root"].get("methods", "")).split(",") if m]
        for p in [p for p in str(out["root"].get("problems", "")).split(",") if p]:
            if p not in f:
                continue
            g = f[p]
            prob = {"name": p, "attrs": attrs(g), "methods": []}
            for m in methods:
                if m not in g:
                    continue
                mg = g[m]
                rec = {"name": m, "attrs": attrs(mg)}
                if "residual_history" in mg:
                    rec["residual_history"] = floats(mg["residual_history"][()])
                if "error_history" in mg:
                    rec["error_history"] = floats(mg["error_history"][()])
                prob["methods"].append(rec)
            out["problems"].append(prob)
    return out


def read_spectra(path):
    out = {"file": os.path.basename(path), "problems": []}
    with h5py.File(path, "r") as f:
        out["root"] = attrs(f)
        for p in [p for p in str(out["root"].get("problems", "")).split(",") if p]:
            if p not in f:
                continue
            g = f[p]
            prob = {"name": p, "attrs": attrs(g), "targets": []}
            for t in ["A"] + [m for m in str(out["root"].get("methods", "")).split(",") if m]:
                if t not in g:
                    continue
                tg = g[t]
                rec = {"name": t, "attrs": attrs(tg)}
                if "spectrum_real" in tg:
                    rec["spectrum_real"] = floats(tg["spectrum_real"][()])
                    rec["spectrum_imag"] = floats(tg["spectrum_imag"][()])
                prob["targets"].append(rec)
            out["problems"].append(prob)
        if "kappa_sweep" in f:
            ks = f["kappa_sweep"]
            out["kappa_sweep"] = {k: floats(ks[k][()]) for k in ks}
            out["kappa_sweep"]["attrs"] = attrs(ks)
    return out


def parse_columns(lines, header_re):
    """Whitespace tables of hodlr_bench: the header line matching header_re, then numeric rows."""
    rows, header, comments = [], None, []
    for line in lines:
        if line.startswith("#"):
            comments.append(line.lstrip("# ").rstrip())
            continue
        if header is None and re.search(header_re, line):
            header = line.split()
            continue
        if header is not None:
            parts = line.split()
            if not parts or len(parts) < len(header) - 2:
                continue
            rows.append(parts)
    return header, rows, comments


def read_hodlr_scaling(path):
    lines = open(path).read().splitlines()
    header, rows, comments = parse_columns(lines, r"^\s+n\s+N\s+build")
    data = []
    for r in rows:
        try:
            vals = [float(x) for x in r]
        except ValueError:
            continue
        data.append(dict(zip(header, vals)))
    slopes = [l.strip() for l in lines if "slope" in l or "parts of the build" in l]
    return {"comments": comments, "columns": header, "rows": data, "notes": slopes}


def read_hodlr_sweep(path):
    lines = open(path).read().splitlines()
    header, rows, comments = parse_columns(lines, r"^build\s+rank")
    data = []
    for r in rows:
        if r[0] not in ("dense", "scalable"):
            continue
        data.append({"build": r[0], "rank": int(r[1]), "kappa": float(r[2]), "lmin_M": float(r[3]),
                     "cg_b": int(r[4]), "cg_rod": int(r[5]), "setup_s": float(r[6]),
                     "storage": int(r[7]), "n2_over_storage": float(r[8])})
    return {"comments": comments, "rows": data}


def read_markdown_tables(path):
    """Every pipe table of a Markdown file, with the paragraph line above it as its title."""
    tables, cur, title, comments = [], None, "", []
    for line in open(path).read().splitlines():
        s = line.strip()
        m = re.match(r"<!--(.*)-->", s)
        if m:
            comments.append(m.group(1).strip())
            continue
        if s.startswith("|"):
            cells = [c.strip() for c in s.strip("|").split("|")]
            if cur is None:
                cur = {"title": title, "header": cells, "rows": []}
            elif all(re.fullmatch(r":?-+:?", c) for c in cells):
                continue
            else:
                cur["rows"].append(cells)
        else:
            if cur is not None:
                tables.append(cur)
                cur = None
            if s:
                title = s.lstrip("# ")
    if cur is not None:
        tables.append(cur)
    return {"comments": comments, "tables": tables}


def write_js(path, name, data):
    with open(path, "w") as f:
        f.write("window.%s = " % name)
        json.dump(data, f, separators=(",", ":"), allow_nan=False)
        f.write(";\n")


def page(title, current, body, scripts, inline=""):
    nav = " ".join('<a href="%s"%s>%s</a>' % (href, ' class="current"' if href == current else "", html.escape(t))
                   for href, t in PAGES)
    tags = "\n".join('<script src="%s"></script>' % s for s in scripts)
    return """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s &mdash; PCG on the 2-D Poisson equation</title>
<link rel="stylesheet" href="site.css">
<link rel="icon" href="data:,">
</head>
<body>
<nav>%s</nav>
<main>
<h1>%s</h1>
%s
</main>
%s
%s
</body>
</html>
""" % (html.escape(title), nav, html.escape(title), body, inline, tags)


def build(results, out):
    os.makedirs(out, exist_ok=True)
    for name in ("common.js", "study.js", "race.js", "adi.js", "site.css"):
        shutil.copyfile(os.path.join(ASSETS, name), os.path.join(out, name))

    study = {"generated_from": os.path.abspath(results), "files": []}
    canonical = os.path.join(results, "canonical.h5")
    if not os.path.exists(canonical):
        sys.exit("site.py: %s not found (run the study: bash scripts/setup.sh --study)" % canonical)
    study["canonical"] = read_results_file(canonical)
    study["files"].append("canonical.h5")
    sp = os.path.join(results, "spectra.h5")
    if os.path.exists(sp):
        study["spectra"] = read_spectra(sp)
        study["files"].append("spectra.h5")
    bench = {}
    for name in sorted(os.listdir(results)):
        if name.startswith("bench_") and name.endswith(".json"):
            try:
                bench[name[:-5]] = json.load(open(os.path.join(results, name)))
                study["files"].append(name)
            except ValueError as e:
                print("site.py: skipping %s (%s)" % (name, e), file=sys.stderr)
    study["bench"] = bench
    for key, name, reader in (("hodlr_scaling", "hodlr_scaling.txt", read_hodlr_scaling),
                              ("hodlr_sweep", "hodlr_sweep.txt", read_hodlr_sweep),
                              ("npo_transfer", "npo_transfer.md", read_markdown_tables)):
        path = os.path.join(results, name)
        if os.path.exists(path):
            study[key] = reader(path)
            study["files"].append(name)

    race = None
    rp = os.path.join(results, "race_data.json")
    if os.path.exists(rp):
        race = json.load(open(rp))
        study["files"].append("race_data.json")
        study["race_meta"] = {k: race.get(k) for k in ("machine", "versions", "created", "program")}
        write_js(os.path.join(out, "race_data.js"), "RACE_DATA", race)
    write_js(os.path.join(out, "study_data.js"), "STUDY", study)

    common = ["study_data.js", "common.js", "study.js"]
    pages = {
        "index.html": page("Overview", "index.html", """
<p>One report of the study: every page is computed from the project's own result files in
<code>%s</code> (listed below). The solver race and the ADI sweep run live in this page from data
the C++ code exported (<code>race_export</code>).</p>
<ul class="links">
<li><a href="canonical.html">Canonical study</a>: every method on both problems, sortable, with interactive convergence curves.</li>
<li><a href="spectra.html">Spectra</a>: &kappa;(M<sup>-1</sup>A) per method and the full spectra.</li>
<li><a href="benchmarks.html">HODLR, NPO, benchmarks</a>: HODLR rank sweep and setup scaling, NPO resolution transfer, benchmark ratios.</li>
<li><a href="race.html">Solver race</a>: GD, CG, PCG + HODLR M<sub>2</sub>/M<sub>8</sub>, damped Richardson, on the rod problem.</li>
<li><a href="adi.html">ADI sweep</a>: Peaceman&ndash;Rachford half-sweeps with a self-test against C++.</li>
</ul>
<h2>Run metadata</h2>
<div id="meta"></div>
<h2>Options of every method</h2>
<div id="options"></div>
""" % html.escape(os.path.abspath(results)), common, "<script>window.PAGE = 'index';</script>"),
        "canonical.html": page("Canonical study", "canonical.html", """
<p>Iterations to the unpreconditioned relative residual of the solve protocol (1e-10), zero
initial guess, at most 2000 iterations. Click a column header to sort. &kappa; is from
<code>spectra.h5</code> when present.</p>
<div id="table"></div>
<div id="plots"></div>
""", common, "<script>window.PAGE = 'canonical';</script>"),
        "spectra.html": page("Spectra", "spectra.html", """
<div id="spectra"></div>
""", common, "<script>window.PAGE = 'spectra';</script>"),
        "benchmarks.html": page("HODLR, NPO, benchmarks", "benchmarks.html", """
<div id="bench"></div>
""", common, "<script>window.PAGE = 'benchmarks';</script>"),
    }
    if race is not None:
        pages["race.html"] = page("Solver race on the hot/cold-rod problem", "race.html", """
<p>Five solvers on the rod problem (n = <span id="n"></span>), each from x<sub>0</sub> = 0 until
&Vert;x<sub>k</sub> &minus; x*&Vert;<sub>2</sub>/&Vert;x*&Vert;<sub>2</sub> &le; <span id="tol"></span>, computed in this page
in double precision. b, x* (direct solve), the HODLR blocks of M<sub>2</sub> and M<sub>8</sub> (PC hodlr, dense build)
and &omega; = 2/(&lambda;<sub>min</sub> + &lambda;<sub>max</sub>) of M<sub>8</sub>A (SLEPc) come from <code>race_export</code>;
the C++ column is what the project's KSPs need for the same operators.</p>
<p id="computed"></p>
<div id="table"></div>
<div class="controls">
<button id="minus" title="previous frame (&larr;)">&minus;</button>
<input type="range" id="frame" min="0" max="0" value="0" aria-label="frame">
<button id="plus" title="next frame (&rarr;)">+</button>
<button id="play">Play</button>
<select id="fps" aria-label="frames per second"><option>5</option><option selected>15</option><option>30</option><option>60</option></select> fps
<button id="reset">Reset</button>
<span id="frame-label"></span>
</div>
<p class="hint">Keyboard: &larr;/&rarr; &plusmn;1, PgUp/PgDn &plusmn;25, Home/End. Heatmaps of x<sub>k</sub> on the fixed
scale &plusmn;max|x*| (blue cold, red hot); a converged method holds its last frame.</p>
<div id="toggles"></div>
<div id="panels"></div>
<p class="hint">Iteration axis: <select id="zoom" aria-label="iteration range"><option value="all">all iterations</option>
<option value="100">first 100</option><option value="30">first 30</option></select></p>
<canvas id="chart" width="960" height="340"></canvas>
<div id="race-meta"></div>
""", ["race_data.js", "common.js", "race.js"], "<script>window.PAGE = 'race';</script>")
        adi = race["adi"]
        offline = {"half_sweeps": [1, 2, 10, 40], "values": [adi["check"][str(k)] for k in (1, 2, 10, 40)],
                   "sigma": adi["sigma"], "source": adi["source"]}
        pages["adi.html"] = page("ADI half-sweeps, live", "adi.html", """
<p>The Peaceman&ndash;Rachford ADI <em>iteration</em> on the rod problem from x<sub>0</sub> = 0: odd half-steps are
rows passes (H + &sigma;I)x = (&sigma;I &minus; V)x + b (a tridiagonal solve along each grid row), even half-steps
columns passes (V + &sigma;I)x = (&sigma;I &minus; H)x + b, with &sigma; = &radic;(&lambda;<sub>1</sub>&lambda;<sub>n</sub>) of the 1-D operator,
computed here. All <span id="nsweeps"></span> half-sweeps are computed when the page loads.</p>
<div class="controls">
<button id="minus">&minus;</button>
<input type="range" id="sweep" min="0" max="60" value="0" aria-label="half-sweep">
<button id="plus">+</button>
<button id="play">Play</button>
<span id="sweep-label"></span>
</div>
<div class="fields">
<div class="panel"><div class="ptitle">estimate x<sub>k</sub></div><canvas id="estimate" width="256" height="256"></canvas></div>
<div class="panel"><div class="ptitle">error x<sub>k</sub> &minus; x*</div><canvas id="error" width="256" height="256"></canvas></div>
<div class="panel info"><div id="readout"></div><div id="selftest-box"></div></div>
</div>
<canvas id="curve" width="960" height="300"></canvas>
<div id="notes"></div>
""", ["race_data.js", "common.js", "adi.js"],
            "<script>window.PAGE = 'adi'; window.ADI_OFFLINE = %s;</script>" % json.dumps(offline))
    else:
        for name, title in (("race.html", "Solver race"), ("adi.html", "ADI half-sweeps")):
            pages[name] = page(title, name, "<p>No <code>race_data.json</code> in the results folder: run "
                               "<code>build/bin/race_export -o %s/race_data.json</code> and build the site again.</p>"
                               % html.escape(results), ["common.js"])
    for name, content in pages.items():
        with open(os.path.join(out, name), "w") as f:
            f.write(content)
    return sorted(pages)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="results folder (canonical.h5, ...)")
    ap.add_argument("-o", "--out", help="output folder (default RESULTS/site)")
    a = ap.parse_args()
    out = a.out or os.path.join(a.results, "site")
    names = build(a.results, out)
    print("site: wrote %s (%s)" % (os.path.join(out, "index.html"), ", ".join(names)))


if __name__ == "__main__":
    main()
