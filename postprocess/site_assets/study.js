// The study pages (index, canonical, spectra, benchmarks) from window.STUDY (study_data.js,
// written by postprocess/site.py from the results folder; docs/site.md).
"use strict";

(function () {
  var S = window.STUDY, el = Site.el;
  if (!S || !window.PAGE) return;

  function section(parent, title, note) {
    var s = el("section");
    s.appendChild(el("h2", { text: title }));
    if (note) s.appendChild(el("p", { class: "note", text: note }));
    parent.appendChild(s);
    return s;
  }
  function missing(parent, what) { parent.appendChild(el("p", { class: "note", text: "Not in this results folder: " + what + "." })); }

  // kappa of a method from spectra.h5, if computed.
  function kappaOf(problem, method) {
    if (!S.spectra) return undefined;
    var p = S.spectra.problems.filter(function (q) { return q.name === problem; })[0];
    if (!p) return undefined;
    var t = p.targets.filter(function (q) { return q.name === method; })[0];
    return t ? t.attrs.kappa : undefined;
  }

  function indexPage() {
    var C = S.canonical, root = C.root, meta = document.getElementById("meta");
    var benchMachine = Object.keys(S.bench).map(function (k) { return S.bench[k].machine; }).filter(function (m) { return m; })[0];
    Site.metaList(meta, [
      ["results folder", S.generated_from], ["files read", S.files.join(", ")],
      ["program", root.program], ["MPI ranks", root.ranks], ["problems", root.problems], ["methods", root.methods],
      ["versions", root.versions], ["command-line options", root.options || "(none: the defaults)"],
      ["machine of the benchmark records", benchMachine], ["machine of the race export", S.race_meta ? S.race_meta.machine : undefined],
      ["race export", S.race_meta ? S.race_meta.created + ", " + S.race_meta.versions : "not present"]
    ]);
    C.problems.forEach(function (p) {
      Site.metaList(meta, Object.keys(p.attrs).map(function (k) { return [p.name + "." + k, p.attrs[k]]; }));
    });
    var opts = document.getElementById("options"), p0 = C.problems[0];
    if (!p0) return;
    opts.appendChild(Site.table([
      { key: "method", label: "method" }, { key: "ksp", label: "KSP" }, { key: "pc", label: "PC" }, { key: "options", label: "options (prefix removed)" }
    ], p0.methods.map(function (m) { return { method: m.name, ksp: m.attrs.ksp_type, pc: m.attrs.pc_type, options: m.attrs.options }; }), { id: "options-table" }));
    p0.methods.forEach(function (m) {
      if (!m.attrs.ksp_view) return;
      var d = el("details", null, [el("summary", { text: "ksp_view of " + m.name + " (" + p0.name + ")" }), el("pre", { text: m.attrs.ksp_view })]);
      opts.appendChild(d);
    });
  }

  function canonicalPage() {
    var C = S.canonical, names = [], by = {};
    C.problems.forEach(function (p) {
      p.methods.forEach(function (m) { if (names.indexOf(m.name) < 0) names.push(m.name); by[p.name + "/" + m.name] = m; });
    });
    var cols = [{ key: "method", label: "method" }, { key: "kp", label: "KSP/PC" }];
    C.problems.forEach(function (p) {
      var q = p.name;
      cols.push({ key: q + "_its", label: q + ": its", num: true });
      cols.push({ key: q + "_conv", label: q + ": status" });
      cols.push({ key: q + "_true", label: q + ": true relres", num: true, digits: 3 });
      cols.push({ key: q + "_setup", label: q + ": setup s", num: true, digits: 3 });
      cols.push({ key: q + "_solve", label: q + ": solve s", num: true, digits: 3 });
      if (S.spectra) cols.push({ key: q + "_kappa", label: q + ": \u03ba", num: true, digits: 4 });
    });
    var rows = names.map(function (n) {
      var r = { method: n };
      C.problems.forEach(function (p) {
        var m = by[p.name + "/" + n];
        if (!m) return;
        var a = m.attrs;
        r.kp = a.ksp_type + "/" + a.pc_type;
        r[p.name + "_its"] = a.iterations;
        r[p.name + "_conv"] = a.converged ? "converged" : "not converged (" + a.reason + ")";
        r[p.name + "_true"] = a.true_relres;
        r[p.name + "_setup"] = a.setup_seconds;
        r[p.name + "_solve"] = a.solve_seconds;
        r[p.name + "_kappa"] = kappaOf(p.name, n);
        r._attrs = { "data-method": n };
      });
      return r;
    });
    document.getElementById("table").appendChild(Site.table(cols, rows, { id: "canonical-table" }));
    var plots = document.getElementById("plots");
    C.problems.forEach(function (p) {
      var s = section(plots, "Convergence, " + p.name + " problem",
        "Relative residual \u2016r_k\u2016/\u2016b\u2016 per iteration. Hover for values; the boxes toggle methods. Problem: " +
        Object.keys(p.attrs).map(function (k) { return k + " " + p.attrs[k]; }).join(", "));
      var canvas = el("canvas", { width: 960, height: 380, class: "chart", "data-problem": p.name });
      var toggles = el("div", { class: "toggles" });
      s.appendChild(toggles); s.appendChild(canvas);
      var chart = new Site.LineChart(canvas, { logY: true, xLabel: "iteration", yLabel: "relative residual", xName: "iteration", yName: "relres",
        hlines: [{ y: 1e-10, label: "1e-10", color: "#777" }] });
      chart.setSeries(p.methods.filter(function (m) { return m.residual_history; }).map(function (m) {
        return { name: m.name, y: m.residual_history, visible: m.name !== "npo_cg" };
      }));
      Site.seriesToggles(toggles, chart);
    });
  }

  function spectraPage() {
    var root = document.getElementById("spectra");
    if (!S.spectra) { missing(root, "spectra.h5 (build/bin/poisson_spectra ... -o results/spectra.h5)"); return; }
    var sp = S.spectra;
    Site.metaList(root, [["program", sp.root.program], ["options", sp.root.options], ["versions", sp.root.versions]]);
    sp.problems.forEach(function (p) {
      var s = section(root, "\u03ba(M\u207b\u00b9A), " + p.name + " problem",
        "Extreme eigenvalues from SLEPc (form HEP/GHEP/NHEP, docs/spectra.md); full spectra by LAPACK where stored.");
      s.appendChild(Site.table([
        { key: "name", label: "target" }, { key: "pc", label: "PC" }, { key: "form", label: "form" },
        { key: "lmin", label: "\u03bb_min", num: true, digits: 5 }, { key: "lmax", label: "\u03bb_max", num: true, digits: 5 },
        { key: "kappa", label: "\u03ba", num: true, digits: 5 }, { key: "fkappa", label: "\u03ba (full spectrum)", num: true, digits: 5 },
        { key: "unit", label: "eigenvalues at 1", num: true }, { key: "secs", label: "seconds", num: true, digits: 3 }
      ], p.targets.map(function (t) {
        var a = t.attrs;
        return { name: t.name, pc: a.pc_type || "", form: a.form, lmin: a.lambda_min, lmax: a.lambda_max, kappa: a.kappa,
          fkappa: a.full_kappa, unit: a.full_unit_count, secs: a.seconds, _attrs: { "data-target": t.name } };
      }), { class: "spectra-table" }));
      var full = p.targets.filter(function (t) { return t.spectrum_real && t.name !== "A"; });
      if (!full.length) return;
      s.appendChild(el("h3", { text: "Full spectra of M\u207b\u00b9A (real parts, sorted)" }));
      var toggles = el("div", { class: "toggles" }), canvas = el("canvas", { width: 960, height: 380, class: "chart" });
      s.appendChild(toggles); s.appendChild(canvas);
      var chart = new Site.LineChart(canvas, { logY: true, xLabel: "index (sorted)", yLabel: "Re \u03bb", xName: "index", yName: "\u03bb" });
      chart.setSeries(full.map(function (t) {
        var v = t.spectrum_real.slice().sort(function (a, c) { return a - c; });
        return { name: t.name, y: v, visible: ["jacobi", "icc", "hodlr8", "gamg", "npo_fcg"].indexOf(t.name) >= 0 };
      }));
      Site.seriesToggles(toggles, chart);
      var cplx = full.filter(function (t) { return t.spectrum_imag.some(function (v) { return Math.abs(v) > 1e-12; }); });
      if (cplx.length) {
        s.appendChild(el("h3", { text: "Complex spectra (nonsymmetric or nonlinear M): Re vs Im" }));
        var tg2 = el("div", { class: "toggles" }), c2 = el("canvas", { width: 960, height: 380, class: "chart" });
        s.appendChild(tg2); s.appendChild(c2);
        var ch2 = new Site.LineChart(c2, { scatter: true, xLabel: "Re \u03bb", yLabel: "Im \u03bb", xName: "Re", yName: "Im" });
        ch2.setSeries(cplx.map(function (t) { return { name: t.name, x: t.spectrum_real, y: t.spectrum_imag }; }));
        Site.seriesToggles(tg2, ch2);
      }
    });
    if (sp.kappa_sweep) {
      var ks = sp.kappa_sweep, s2 = section(root, "\u03ba(A) against n", "SLEPc against the closed form cot\u00b2(\u03c0/(2(n+1))); fitted exponent p = " +
        Site.fmt(ks.attrs.p, 5) + " (closed form " + Site.fmt(ks.attrs.p_closed_form, 5) + ").");
      s2.appendChild(Site.table([{ key: "n", label: "n", num: true }, { key: "k", label: "\u03ba (SLEPc)", num: true, digits: 8 },
        { key: "c", label: "\u03ba (closed form)", num: true, digits: 8 }, { key: "d", label: "relative difference", num: true, digits: 3 }],
        ks.n.map(function (n, i) { return { n: n, k: ks.kappa[i], c: ks.kappa_closed_form[i], d: ks.relative_difference[i] }; })));
      var c3 = el("canvas", { width: 700, height: 300, class: "chart" });
      s2.appendChild(c3);
      var ch3 = new Site.LineChart(c3, { legend: "left", logX: true, logY: true, xLabel: "n", yLabel: "\u03ba(A)", xName: "n", yName: "\u03ba" });
      ch3.setSeries([{ name: "SLEPc", x: ks.n, y: ks.kappa }, { name: "closed form", x: ks.n, y: ks.kappa_closed_form, dash: [5, 4] }]);
    }
  }

  function benchmarksPage() {
    var root = document.getElementById("bench");
    var s = section(root, "HODLR rank sweep (n = 32)", "hodlr_bench -mode sweep: \u03ba(M_rA), CG iterations on the GRF fixture and the rod problem, storage.");
    if (S.hodlr_sweep) {
      S.hodlr_sweep.comments.forEach(function (c) { s.appendChild(el("p", { class: "note", text: c })); });
      s.appendChild(Site.table([{ key: "build", label: "build" }, { key: "rank", label: "rank", num: true }, { key: "kappa", label: "\u03ba(MA)", num: true, digits: 5 },
        { key: "cg_b", label: "CG its (fixture b)", num: true }, { key: "cg_rod", label: "CG its (rod)", num: true },
        { key: "setup_s", label: "setup s", num: true, digits: 3 }, { key: "storage", label: "storage", num: true }, { key: "n2_over_storage", label: "N\u00b2/storage", num: true }],
        S.hodlr_sweep.rows));
    } else missing(s, "hodlr_sweep.txt");

    s = section(root, "HODLR setup scaling (scalable build)", "hodlr_bench -mode scaling: build time against N, log-log.");
    if (S.hodlr_scaling) {
      var hs = S.hodlr_scaling;
      hs.comments.forEach(function (c) { s.appendChild(el("p", { class: "note", text: c })); });
      s.appendChild(Site.table(hs.columns.map(function (c) { return { key: c, label: c, num: true, digits: 4 }; }), hs.rows));
      hs.notes.forEach(function (c) { s.appendChild(el("p", { class: "note", text: c })); });
      var cv = el("canvas", { width: 760, height: 320, class: "chart" });
      s.appendChild(cv);
      var ch = new Site.LineChart(cv, { legend: "left", logX: true, logY: true, xLabel: "N", yLabel: "seconds", xName: "N", yName: "s" });
      var N = hs.rows.map(function (r) { return r.N; });
      var keys = ["build[s]", "+check[s]", "factor[s]", "solves[s]", "subtr.[s]", "other[s]"].filter(function (k) { return hs.columns.indexOf(k) >= 0; });
      var ser = keys.map(function (k) { return { name: k, x: N, y: hs.rows.map(function (r) { return r[k]; }) }; });
      ser.push({ name: "O(N) guide", x: N, y: N.map(function (n) { return hs.rows[0]["build[s]"] * n / N[0]; }), dash: [4, 4], color: "#999" });
      ch.setSeries(ser);
      var tg = el("div", { class: "toggles" }); s.insertBefore(tg, cv); Site.seriesToggles(tg, ch);
    } else missing(s, "hodlr_scaling.txt");

    s = section(root, "NPO resolution transfer", "The network trained at one resolution, used at others (jobs/sweep.sh).");
    if (S.npo_transfer) {
      S.npo_transfer.comments.forEach(function (c) { s.appendChild(el("p", { class: "note", text: c })); });
      S.npo_transfer.tables.forEach(function (t) {
        s.appendChild(el("h3", { text: t.title }));
        var cols = t.header.map(function (hd, i) { return { key: "c" + i, label: hd, num: i > 0 }; });
        s.appendChild(Site.table(cols, t.rows.map(function (r) {
          var o = {}; r.forEach(function (v, i) { var f = parseFloat(v); o["c" + i] = i > 0 && /^[-+0-9.eE]+$/.test(v) ? f : v; }); return o;
        })));
        var ns = t.header.slice(1).map(function (hd) { var m = /(\d+)/.exec(hd); return m ? parseInt(m[1], 10) : NaN; });
        if (ns.every(isFinite)) {
          var cv2 = el("canvas", { width: 700, height: 300, class: "chart" });
          s.appendChild(cv2);
          var ch2 = new Site.LineChart(cv2, { legend: "left", logX: true, logY: true, xLabel: "n", yLabel: t.title, xName: "n", yName: "value" });
          ch2.setSeries(t.rows.map(function (r) { return { name: r[0], x: ns, y: r.slice(1).map(parseFloat) }; }));
        }
      });
    } else missing(s, "npo_transfer.md");

    s = section(root, "Benchmark ratios", "poisson_bench and npo_train_bench records (bench_*.json).");
    var names = Object.keys(S.bench);
    if (!names.length) { missing(s, "bench_*.json"); return; }
    names.forEach(function (name) {
      var B = S.bench[name];
      s.appendChild(el("h3", { text: name + ".json" }));
      Site.metaList(s, [["machine", B.machine], ["ranks", B.ranks], ["threads", B.threads], ["triad bandwidth GB/s", B.triad_bandwidth_GBs], ["complete", B.complete]]);
      if (B.iteration) s.appendChild(Site.table([{ key: "n", label: "n", num: true }, { key: "aij_seconds", label: "AIJ s/iteration", num: true },
        { key: "aij_roofline_fraction", label: "AIJ roofline fraction", num: true }, { key: "stencil_seconds", label: "stencil s/iteration", num: true },
        { key: "stencil_roofline_fraction", label: "stencil roofline fraction", num: true }, { key: "stencil_over_aij", label: "stencil / AIJ", num: true }], B.iteration));
      if (B.tts) {
        s.appendChild(el("p", { class: "note", text: "time to solution at n = " + B.tts.n + ", rtol " + B.tts.rtol + ", " + B.tts.ranks + " rank(s); ratio to GAMG's solve time" }));
        s.appendChild(Site.table([{ key: "method", label: "method" }, { key: "iterations", label: "its", num: true }, { key: "setup_seconds", label: "setup s", num: true },
          { key: "solve_seconds", label: "solve s", num: true }, { key: "over_gamg", label: "\u00d7 GAMG", num: true }, { key: "maxrss_MB", label: "max RSS MB", num: true }],
          B.tts.methods));
      }
      if (B.seconds_per_epoch !== undefined) s.appendChild(Site.table([{ key: "k", label: "quantity" }, { key: "v", label: "value", num: true }],
        ["samples", "seconds_per_epoch", "epochs", "estimated_seconds", "reference_seconds", "over_reference"].map(function (k) { return { k: k, v: B[k] }; })));
    });
  }

  ({ index: indexPage, canonical: canonicalPage, spectra: spectraPage, benchmarks: benchmarksPage })[window.PAGE]();
  document.body.setAttribute("data-ready", "1");
})();
