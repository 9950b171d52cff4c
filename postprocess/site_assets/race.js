// race.html: five solvers on the hot/cold-rod problem, computed in the page in double precision
// from RACE_DATA (race_data.js, written by postprocess/site.py from race_export's JSON; schema
// in docs/site.md): b, x*, the HODLR M_2 and M_8 blocks and omega. A is the 5-point stencil
// divided by h^2, never stored. Every method runs from x0 = 0 until the relative 2-norm error
// against x* is <= tol (1e-6), capped at max_it; every iterate is kept (Float32) for display.
"use strict";

(function () {
  var D = window.RACE_DATA;
  var n = D.n, N = n * n, h = 1.0 / (n + 1), h2 = h * h;
  var b = Float64Array.from(D.b), xs = Float64Array.from(D.x_star);
  var tol = D.tol, cap = D.max_it;

  function norm(v) { var s = 0; for (var i = 0; i < v.length; i++) s += v[i] * v[i]; return Math.sqrt(s); }
  function dot(a, c) { var s = 0; for (var i = 0; i < a.length; i++) s += a[i] * c[i]; return s; }
  var xsNorm = norm(xs);
  function relErr(x) { var s = 0; for (var i = 0; i < N; i++) { var d = x[i] - xs[i]; s += d * d; } return Math.sqrt(s) / xsNorm; }

  // y = A x, A = (4 x_k - neighbours)/h^2 with homogeneous Dirichlet boundary.
  function applyA(x, y) {
    for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) {
      var k = i * n + j, s = 4 * x[k];
      if (j > 0) s -= x[k - 1];
      if (j < n - 1) s -= x[k + 1];
      if (i > 0) s -= x[k - n];
      if (i < n - 1) s -= x[k + n];
      y[k] = s / h2;
    }
  }

  // y = M x for an exported HODLR matrix (leaves dense, upper blocks U V^T mirrored as V U^T,
  // tree ordering perm, identity shift).
  function hodlrOperator(H) {
    var perm = H.perm, xt = new Float64Array(N), yt = new Float64Array(N), t = new Float64Array(64);
    var blocks = H.blocks.map(function (B) {
      var c = { type: B.type, start: B.start };
      if (B.type === "dense") { c.size = B.size; c.d = Float64Array.from(B.d); }
      else { c.s1 = B.s1; c.s2 = B.s2; c.k = B.k; c.U = Float64Array.from(B.U); c.V = Float64Array.from(B.V); }
      return c;
    });
    return function (x, y) {
      var i, j, l;
      for (i = 0; i < N; i++) { xt[i] = x[perm[i]]; yt[i] = 0; }
      blocks.forEach(function (B) {
        var s = B.start;
        if (B.type === "dense") {
          for (i = 0; i < B.size; i++) { var acc = 0, row = i * B.size; for (j = 0; j < B.size; j++) acc += B.d[row + j] * xt[s + j]; yt[s + i] += acc; }
          return;
        }
        var k = B.k, s2 = s + B.s1;
        if (t.length < k) t = new Float64Array(k);
        for (l = 0; l < k; l++) t[l] = 0;
        for (j = 0; j < B.s2; j++) for (l = 0; l < k; l++) t[l] += B.V[j * k + l] * xt[s2 + j];
        for (i = 0; i < B.s1; i++) { var a = 0; for (l = 0; l < k; l++) a += B.U[i * k + l] * t[l]; yt[s + i] += a; }
        for (l = 0; l < k; l++) t[l] = 0;
        for (i = 0; i < B.s1; i++) for (l = 0; l < k; l++) t[l] += B.U[i * k + l] * xt[s + i];
        for (j = 0; j < B.s2; j++) { var c2 = 0; for (l = 0; l < k; l++) c2 += B.V[j * k + l] * t[l]; yt[s2 + j] += c2; }
      });
      for (i = 0; i < N; i++) y[perm[i]] = yt[i] + H.shift * xt[i];
    };
  }

  function record(state, x) { state.frames.push(Float32Array.from(x)); state.errors.push(relErr(x)); }

  // Gradient descent with exact line search: z = r, alpha = r.r / z.Az.
  function runGD() {
    var st = { frames: [], errors: [] }, x = new Float64Array(N), r = Float64Array.from(b), Az = new Float64Array(N);
    record(st, x);
    for (var it = 1; it <= cap && st.errors[it - 1] > tol; it++) {
      applyA(r, Az);
      var alpha = dot(r, r) / dot(r, Az);
      for (var i = 0; i < N; i++) { x[i] += alpha * r[i]; r[i] -= alpha * Az[i]; }
      record(st, x);
    }
    return st;
  }

  // PCG (REPORTS.md §0): beta = r.z / r_old.z_old; M = null is plain CG.
  function runPCG(M) {
    var st = { frames: [], errors: [] }, x = new Float64Array(N), r = Float64Array.from(b);
    var z = new Float64Array(N), Ap = new Float64Array(N);
    if (M) M(r, z); else z.set(r);
    var p = Float64Array.from(z), rz = dot(r, z);
    record(st, x);
    for (var it = 1; it <= cap && st.errors[it - 1] > tol; it++) {
      applyA(p, Ap);
      var alpha = rz / dot(p, Ap), i;
      for (i = 0; i < N; i++) { x[i] += alpha * p[i]; r[i] -= alpha * Ap[i]; }
      record(st, x);
      if (M) M(r, z); else z.set(r);
      var rzn = dot(r, z), beta = rzn / rz;
      rz = rzn;
      for (i = 0; i < N; i++) p[i] = z[i] + beta * p[i];
    }
    return st;
  }

  // Damped Richardson x += omega M (b - A x).
  function runRichardson(M, omega) {
    var st = { frames: [], errors: [] }, x = new Float64Array(N), r = new Float64Array(N), z = new Float64Array(N);
    record(st, x);
    for (var it = 1; it <= cap && st.errors[it - 1] > tol; it++) {
      applyA(x, r);
      for (var i = 0; i < N; i++) r[i] = b[i] - r[i];
      M(r, z);
      for (var j = 0; j < N; j++) x[j] += omega * z[j];
      record(st, x);
    }
    return st;
  }

  var M2 = hodlrOperator(D.hodlr.rank2), M8 = hodlrOperator(D.hodlr.rank8), omega = D.omega.value;
  var t0 = performance.now();
  var methods = [
    { id: "gd", label: "gradient descent (exact line search)", run: runGD },
    { id: "cg", label: "CG", run: function () { return runPCG(null); } },
    { id: "pcg_hodlr2", label: "PCG + HODLR M\u2082", run: function () { return runPCG(M2); } },
    { id: "pcg_hodlr8", label: "PCG + HODLR M\u2088", run: function () { return runPCG(M8); } },
    { id: "richardson_hodlr8", label: "Richardson x += \u03c9 M\u2088(b \u2212 Ax), \u03c9 = " + omega.toPrecision(10), run: function () { return runRichardson(M8, omega); } }
  ];
  methods.forEach(function (m, i) {
    var st = m.run();
    m.frames = st.frames; m.errors = st.errors;
    m.iterations = st.errors.length - 1;
    m.converged = st.errors[m.iterations] <= tol;
    m.color = Site.PALETTE[i];
    m.visible = true;
  });
  var seconds = (performance.now() - t0) / 1000;
  document.getElementById("n").textContent = String(n);
  document.getElementById("tol").textContent = tol.toExponential();
  var last = Math.max.apply(null, methods.map(function (m) { return m.iterations; }));

  // ---- summary table
  var rows = methods.map(function (m) {
    var cpp = D.cpp[m.id] || {};
    return { method: m.id, label: m.label, its: m.iterations, cpp: cpp.iterations, err: m.errors[m.iterations],
      match: cpp.iterations === m.iterations ? "yes" : "NO", status: m.converged ? "converged" : "cap",
      _attrs: { "data-method": m.id, "data-iterations": String(m.iterations) } };
  });
  var tbl = Site.table([
    { key: "method", label: "method" }, { key: "label", label: "solver" },
    { key: "its", label: "iterations to " + tol.toExponential() + " (page)", num: true },
    { key: "cpp", label: "iterations (C++, race_export)", num: true },
    { key: "err", label: "error at that iteration", num: true, digits: 4 },
    { key: "match", label: "page = C++" }, { key: "status", label: "status" }
  ], rows, { id: "race-table" });
  document.getElementById("table").appendChild(tbl);
  document.getElementById("computed").textContent = "All five histories computed in this page in " + seconds.toFixed(2) +
    " s (double precision; " + (last + 1) + " frames).";

  // ---- panels
  var vmax = 0;
  for (var q = 0; q < N; q++) vmax = Math.max(vmax, Math.abs(xs[q]));
  var panels = document.getElementById("panels"), toggles = document.getElementById("toggles");
  methods.forEach(function (m) {
    m.canvas = Site.el("canvas", { width: 192, height: 192, class: "heat", "data-method": m.id });
    m.caption = Site.el("div", { class: "caption" });
    m.panel = Site.el("div", { class: "panel" }, [Site.el("div", { class: "ptitle", text: m.label }), m.canvas, m.caption]);
    m.panel.style.borderTopColor = m.color;
    panels.appendChild(m.panel);
    var cb = Site.el("input", { type: "checkbox", "data-method": m.id });
    cb.checked = true;
    cb.addEventListener("change", function () {
      m.visible = cb.checked; m.panel.style.display = cb.checked ? "" : "none";
      chart.series.forEach(function (s) { if (s.name === m.id) s.visible = cb.checked; });
      chart.draw();
    });
    var sw = Site.el("span", { class: "swatch" }); sw.style.background = m.color;
    toggles.appendChild(Site.el("label", { class: "toggle" }, [cb, sw, m.id]));
  });

  var chart = new Site.LineChart(document.getElementById("chart"), { legend: true, logY: true, yMin: 1e-7, yMax: 2, xMin: 0, xMax: last,
    xLabel: "iteration k", yLabel: "relative error \u2016x_k \u2212 x*\u2016 / \u2016x*\u2016", xName: "k", yName: "error",
    hlines: [{ y: tol, label: "target " + tol.toExponential(), color: "#555" }] });
  var zoom = document.getElementById("zoom");
  zoom.addEventListener("change", function () {
    chart.opts.xMax = zoom.value === "all" ? last : Math.min(last, parseInt(zoom.value, 10));
    chart.draw();
  });
  chart.setSeries(methods.map(function (m) { return { name: m.id, y: m.errors, color: m.color }; }));

  // ---- frame control
  var slider = document.getElementById("frame"), label = document.getElementById("frame-label");
  slider.max = String(last);
  var k = 0, timer = null;
  function show(frame) {
    k = Math.max(0, Math.min(last, frame | 0));
    slider.value = String(k);
    label.textContent = "k = " + k + " / " + last;
    methods.forEach(function (m) {
      var f = Math.min(k, m.iterations);
      Site.heatmap(m.canvas, m.frames[f], n, vmax);
      var tag = k >= m.iterations ? (m.converged ? " (converged)" : " (cap)") : "";
      m.caption.textContent = "iter " + f + " \u2014 rel err " + m.errors[f].toExponential(3) + tag;
    });
    chart.setMarker(k);
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } document.getElementById("play").textContent = "Play"; }
  function play() {
    if (timer) { stop(); return; }
    if (k >= last) show(0);
    var fps = parseInt(document.getElementById("fps").value, 10);
    document.getElementById("play").textContent = "Pause";
    timer = setInterval(function () { if (k >= last) { stop(); return; } show(k + 1); }, 1000 / fps);
  }
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  document.getElementById("minus").addEventListener("click", function () { stop(); show(k - 1); });
  document.getElementById("plus").addEventListener("click", function () { stop(); show(k + 1); });
  document.getElementById("play").addEventListener("click", play);
  document.getElementById("reset").addEventListener("click", function () { stop(); show(0); });
  document.addEventListener("keydown", function (ev) {
    var step = { ArrowLeft: -1, ArrowRight: 1, PageUp: -25, PageDown: 25 }[ev.key];
    if (ev.target && ev.target.tagName === "SELECT") return;
    if (step !== undefined) { stop(); show(k + step); ev.preventDefault(); }
    else if (ev.key === "Home") { stop(); show(0); ev.preventDefault(); }
    else if (ev.key === "End") { stop(); show(last); ev.preventDefault(); }
  });
  // ---- where the data came from
  var meta = document.getElementById("race-meta");
  meta.appendChild(Site.el("h2", { text: "The exported operators" }));
  Site.metaList(meta, [
    ["exported by", D.program + ", " + D.created], ["machine", D.machine], ["versions", D.versions],
    ["problem", D.problem + ", n = " + n + ", N = " + N + ", \u2016x*\u2016 = " + Site.fmt(xsNorm, 8)],
    ["\u03c9", omega + " = 2/(" + Site.fmt(D.omega.lambda_min, 10) + " + " + Site.fmt(D.omega.lambda_max, 10) + "), " + D.omega.source],
    ["M\u2082", "\u03ba(M\u2082A) = " + Site.fmt(D.hodlr.rank2.kappa, 6) + ", storage " + D.hodlr.rank2.storage + " numbers, " + D.hodlr.rank2.blocks.length + " blocks, shift " + D.hodlr.rank2.shift],
    ["M\u2088", "\u03ba(M\u2088A) = " + Site.fmt(D.hodlr.rank8.kappa, 6) + ", storage " + D.hodlr.rank8.storage + " numbers, " + D.hodlr.rank8.blocks.length + " blocks, shift " + D.hodlr.rank8.shift],
    ["C++ solvers", Object.keys(D.cpp).map(function (m) { return m + ": " + D.cpp[m].ksp_type + "/" + D.cpp[m].pc_type; }).join(", ")]
  ]);
  show(0);
  document.body.setAttribute("data-ready", "1");
})();
