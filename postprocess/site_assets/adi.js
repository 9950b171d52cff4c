// adi.html: Peaceman-Rachford ADI half-sweeps on the rod problem, computed in the page
// (REPORTS.md §13.3). b is built here from the rod definition (and checked against the
// exported b), x* is race_export's direct solve, sigma = sqrt(lambda_1 lambda_n) of the 1-D
// operator d1/h^2. The self-test compares the errors after half-sweeps 1, 2, 10, 40 with the
// C++ values site.py wrote into the page (window.ADI_OFFLINE, from race_export: PETSc LU rows
// solve and Richardson with PC adi); PASS when every relative deviation is < 1e-8.
"use strict";

(function () {
  var D = window.RACE_DATA, OFF = window.ADI_OFFLINE;
  var n = D.n, N = n * n, h = 1.0 / (n + 1), h2 = h * h, K = D.adi.half_sweeps;

  // The rods: +1 on rows 3..8 of column 4, -1 on rows 23..28 of column 27 at n = 32 (REPORTS.md
  // §0); other n scale the positions by n/32 as RhsRods (src/problems/rhs_rods.cpp) does.
  function sc(i) { return Math.floor(i * n / 32); }
  var rods = [[sc(3), sc(9) - 1, sc(4), 1], [sc(23), sc(29) - 1, sc(27), -1]];
  var b = new Float64Array(N);
  rods.forEach(function (r) { for (var i = r[0]; i <= r[1]; i++) b[i * n + r[2]] = r[3]; });
  var bOK = true;
  for (var q = 0; q < N; q++) if (b[q] !== D.b[q]) bOK = false;
  var xs = Float64Array.from(D.x_star), xsNorm = 0;
  for (q = 0; q < N; q++) xsNorm += xs[q] * xs[q];
  xsNorm = Math.sqrt(xsNorm);

  function lam(k) { return (2 - 2 * Math.cos(k * Math.PI * h)) / h2; }
  var l1 = lam(1), ln = lam(n), sigma = Math.sqrt(l1 * ln);

  // Thomas solve of (2/h^2 + sigma) u_j - (u_{j-1} + u_{j+1})/h^2 = f_j, j = 0..n-1, in place,
  // on the strided line f[off + j*stride].
  var cp = new Float64Array(n), dp = new Float64Array(n);
  function thomas(f, off, stride) {
    var a = -1 / h2, d = 2 / h2 + sigma;
    cp[0] = a / d; dp[0] = f[off] / d;
    for (var j = 1; j < n; j++) {
      var m = d - a * cp[j - 1];
      cp[j] = a / m;
      dp[j] = (f[off + j * stride] - a * dp[j - 1]) / m;
    }
    f[off + (n - 1) * stride] = dp[n - 1];
    for (j = n - 2; j >= 0; j--) f[off + j * stride] = dp[j] - cp[j] * f[off + (j + 1) * stride];
  }
  // rows: (H + sigma I) y = (sigma I - V) x + b, H along j (within a grid row), V along i.
  function rowsPass(x) {
    var y = new Float64Array(N);
    for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) {
      var k = i * n + j, v = 2 * x[k];
      if (i > 0) v -= x[k - n];
      if (i < n - 1) v -= x[k + n];
      y[k] = sigma * x[k] - v / h2 + b[k];
    }
    for (i = 0; i < n; i++) thomas(y, i * n, 1);
    return y;
  }
  function colsPass(x) {
    var y = new Float64Array(N);
    for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) {
      var k = i * n + j, v = 2 * x[k];
      if (j > 0) v -= x[k - 1];
      if (j < n - 1) v -= x[k + 1];
      y[k] = sigma * x[k] - v / h2 + b[k];
    }
    for (var j2 = 0; j2 < n; j2++) thomas(y, j2, n);
    return y;
  }
  function relErr(x) { var s = 0; for (var k = 0; k < N; k++) { var d = x[k] - xs[k]; s += d * d; } return Math.sqrt(s) / xsNorm; }

  var iterates = [new Float64Array(N)], errors = [1];
  for (var s = 1; s <= K; s++) {
    var x = s % 2 ? rowsPass(iterates[s - 1]) : colsPass(iterates[s - 1]);
    iterates.push(x); errors.push(relErr(x));
  }

  // ---- self-test against the C++ values written in at build time
  var pageVals = OFF.half_sweeps.map(function (k) { return errors[k]; });
  var devs = pageVals.map(function (v, i) { return Math.abs(v - OFF.values[i]) / Math.abs(OFF.values[i]); });
  var pass = bOK && devs.every(function (d) { return d < 1e-8; });
  var badge = Site.el("div", { id: "adi-selftest", class: "badge " + (pass ? "pass" : "fail"), "data-status": pass ? "PASS" : "FAIL",
    "data-errors": pageVals.map(function (v) { return v.toPrecision(17); }).join(","),
    text: "self-test " + (pass ? "PASS" : "FAIL") + ": page vs C++ after half-sweeps 1, 2, 10, 40" + (bOK ? "" : " (b differs from the exported b)") });
  var box = document.getElementById("selftest-box");
  box.appendChild(badge);
  box.appendChild(Site.table([{ key: "k", label: "half-sweep", num: true }, { key: "js", label: "page (JS)", num: true, digits: 12 },
    { key: "cpp", label: "C++ (race_export)", num: true, digits: 12 }, { key: "dev", label: "relative deviation", num: true, digits: 2 }],
    OFF.half_sweeps.map(function (k, i) { return { k: k, js: pageVals[i], cpp: OFF.values[i], dev: devs[i] }; }), { id: "adi-selftest-table" }));

  // ---- display
  var vmax = 0;
  for (q = 0; q < N; q++) vmax = Math.max(vmax, Math.abs(xs[q]));
  var emax = vmax; // error field at half-sweep 0 is -x*: its scale, fixed
  function outlineRods(canvas) {
    var ctx = canvas.getContext("2d"), c = canvas.width / n;
    ctx.strokeStyle = "#000"; ctx.lineWidth = 1;
    rods.forEach(function (r) { ctx.strokeRect(r[2] * c, r[0] * c, c, (r[1] - r[0] + 1) * c); });
  }
  var curve = new Site.LineChart(document.getElementById("curve"), { legend: true, logY: true, xMin: 0, xMax: K, xLabel: "half-sweep", yLabel: "relative error",
    xName: "half-sweep", yName: "error" });
  curve.setSeries([{ name: "page", y: errors, color: "#1f77b4" },
    { name: "C++ (even half-sweeps, PC adi)", x: D.adi.even_errors.map(function (v, i) { return 2 * i; }), y: D.adi.even_errors, color: "#d62728", dash: [3, 3] }]);
  var slider = document.getElementById("sweep"), label = document.getElementById("sweep-label"), readout = document.getElementById("readout");
  slider.max = String(K);
  document.getElementById("nsweeps").textContent = String(K);
  var k = 0, timer = null;
  function show(v) {
    k = Math.max(0, Math.min(K, v | 0));
    slider.value = String(k);
    var x = iterates[k], e = new Float64Array(N);
    for (var t = 0; t < N; t++) e[t] = x[t] - xs[t];
    Site.heatmap(document.getElementById("estimate"), x, n, vmax); outlineRods(document.getElementById("estimate"));
    Site.heatmap(document.getElementById("error"), e, n, emax); outlineRods(document.getElementById("error"));
    var kind = k === 0 ? "start, x\u2080 = 0" : (k % 2 ? "rows pass (H + \u03c3I)" : "columns pass (V + \u03c3I)");
    label.textContent = "half-sweep " + k + " / " + K + " \u2014 " + kind;
    readout.innerHTML = "";
    Site.metaList(readout, [["half-sweep", k + " (" + kind + ")"], ["relative error", errors[k].toExponential(6)],
      ["factor over the last half-sweep", k ? (errors[k] / errors[k - 1]).toFixed(4) : "\u2013"],
      ["max |x_k|", Math.max.apply(null, Array.from(x, Math.abs)).toExponential(4)],
      ["\u03c3 (page / C++ PC adi)", sigma.toFixed(5) + " / " + D.adi.sigma.toFixed(5)]]);
    curve.setMarker(k);
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } document.getElementById("play").textContent = "Play"; }
  document.getElementById("play").addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (k >= K) show(0);
    document.getElementById("play").textContent = "Pause";
    timer = setInterval(function () { if (k >= K) { stop(); return; } show(k + 1); }, 1000 / 6);
  });
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  document.getElementById("minus").addEventListener("click", function () { stop(); show(k - 1); });
  document.getElementById("plus").addEventListener("click", function () { stop(); show(k + 1); });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowLeft") { stop(); show(k - 1); ev.preventDefault(); }
    else if (ev.key === "ArrowRight") { stop(); show(k + 1); ev.preventDefault(); }
  });

  // ---- notes: the sawtooth
  var worst = 0, worstAt = 0;
  for (var m = 2; m <= K; m++) if (errors[m] / errors[m - 1] > worst) { worst = errors[m] / errors[m - 1]; worstAt = m; }
  var rate = Math.pow((sigma - l1) / (sigma + l1), 2);
  var last = Math.pow(errors[K] / errors[K - 20], 1 / 10);
  document.getElementById("notes").appendChild(Site.el("p", { class: "note", text:
    "Row half-steps are not contractions in the 2-norm: from x\u2080 = 0 the first rows pass multiplies the error by " +
    (errors[1] / errors[0]).toFixed(4) + "; the worst later rise is \u00d7" + worst.toFixed(4) + " (half-sweep " + worstAt +
    "). The double sweep contracts at ((\u03c3 \u2212 \u03bb\u2081)/(\u03c3 + \u03bb\u2081))\u00b2 = " + rate.toFixed(4) +
    " asymptotically; measured over the last 10 double sweeps: " + last.toFixed(4) + ". \u03c3 = \u221a(\u03bb\u2081\u03bb\u2099) = " + sigma.toFixed(5) +
    " with \u03bb\u2081 = " + l1.toFixed(5) + ", \u03bb\u2099 = " + ln.toFixed(2) + "." }));
  show(0);
  document.body.setAttribute("data-ready", "1");
})();
