// Shared helpers of the results site (docs/site.md): sortable tables, a canvas line chart
// with log axes, hover read-out and series toggles, and diverging heatmaps. Plain JavaScript,
// no library, no network: every page loads its data from a <script src="*_data.js"> that sets
// a global, so the site opens from file://.
"use strict";

var Site = (function () {
  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
    "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363"];

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "html") e.innerHTML = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }

  function fmt(v, digits) {
    if (v === null || v === undefined || (typeof v === "number" && !isFinite(v))) return "–";
    if (typeof v !== "number") return String(v);
    if (Number.isInteger(v)) return String(v);
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(digits || 3);
    return v.toPrecision(digits || 4);
  }

  // Clicking a header sorts by that column (numeric when the cells carry data-value).
  function makeSortable(table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.classList.add("sortable");
      th.addEventListener("click", function () {
        var asc = th.getAttribute("data-sort") !== "asc";
        heads.forEach(function (h) { h.removeAttribute("data-sort"); });
        th.setAttribute("data-sort", asc ? "asc" : "desc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var ca = a.cells[col], cb = b.cells[col];
          var va = ca.getAttribute("data-value"), vb = cb.getAttribute("data-value");
          var r;
          if (va !== null && vb !== null) {
            var na = parseFloat(va), nb = parseFloat(vb);
            if (isNaN(na)) na = Infinity;
            if (isNaN(nb)) nb = Infinity;
            r = na - nb;
          } else r = ca.textContent.localeCompare(cb.textContent);
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  // A table from column specs {key, label, num, digits} and row objects.
  function table(columns, rows, attrs) {
    var thead = el("thead", null, [el("tr", null, columns.map(function (c) { return el("th", { text: c.label, title: c.title || "" }); }))]);
    var tbody = el("tbody", null, rows.map(function (r) {
      var tr = el("tr");
      columns.forEach(function (c) {
        var v = r[c.key];
        var td = el("td", { text: c.num ? fmt(v, c.digits) : (v === undefined ? "" : String(v)) });
        if (c.num) { td.setAttribute("data-value", (typeof v === "number" && isFinite(v)) ? String(v) : "NaN"); td.className = "num"; }
        tr.appendChild(td);
      });
      if (r._attrs) for (var k in r._attrs) tr.setAttribute(k, r._attrs[k]);
      return tr;
    }));
    var t = el("table", attrs || {}, [thead, tbody]);
    makeSortable(t);
    return t;
  }

  function niceLinearTicks(lo, hi, count) {
    var span = hi - lo;
    if (!(span > 0)) return [lo];
    var step = Math.pow(10, Math.floor(Math.log10(span / count)));
    var err = span / count / step;
    if (err >= 7.5) step *= 10; else if (err >= 3) step *= 5; else if (err >= 1.5) step *= 2;
    var t = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) t.push(Math.abs(v) < 1e-12 * step ? 0 : v);
    return t;
  }

  // Decades between lo and hi; with fewer than three, also 2x and 5x.
  function logTicks(lo, hi) {
    var t = [], e0 = Math.floor(Math.log10(lo)), e1 = Math.ceil(Math.log10(hi));
    var mult = e1 - e0 < 3 ? [1, 2, 5] : [1];
    for (var e = e0; e <= e1; e++) mult.forEach(function (m) { var v = m * Math.pow(10, e); if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) t.push(v); });
    return t;
  }

  // LineChart(canvas, {logY, logX, xLabel, yLabel, yMin, yMax, hlines: [{y, dash, label}],
  //                    scatter, legend: true (top right) | "left" (top left)}) ; setSeries([{name, x?, y, color, visible, dash}]);
  // setMarker(x) draws a vertical marker; hover shows the nearest point of a visible series.
  function LineChart(canvas, opts) {
    this.canvas = canvas;
    this.opts = opts || {};
    this.series = [];
    this.marker = null;
    this.hover = null;
    var self = this;
    canvas.addEventListener("mousemove", function (ev) { self.onMove(ev); });
    canvas.addEventListener("mouseleave", function () { self.hover = null; self.draw(); });
  }
  LineChart.prototype.setSeries = function (s) {
    s.forEach(function (v, i) { if (!v.color) v.color = PALETTE[i % PALETTE.length]; if (v.visible === undefined) v.visible = true; });
    this.series = s;
    this.draw();
  };
  LineChart.prototype.setMarker = function (x) { this.marker = x; this.draw(); };
  LineChart.prototype.ranges = function () {
    var o = this.opts, xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
    this.series.forEach(function (s) {
      if (!s.visible) return;
      for (var i = 0; i < s.y.length; i++) {
        var x = s.x ? s.x[i] : i, y = s.y[i];
        if (!isFinite(y) || (o.logY && y <= 0) || (o.logX && x <= 0)) continue;
        if (x < xmin) xmin = x; if (x > xmax) xmax = x;
        if (y < ymin) ymin = y; if (y > ymax) ymax = y;
      }
    });
    if (!isFinite(xmin)) { xmin = o.logX ? 1 : 0; xmax = o.logX ? 10 : 1; ymin = o.logY ? 1e-10 : 0; ymax = 1; }
    if (o.xMin !== undefined) xmin = o.xMin;
    if (o.xMax !== undefined) xmax = o.xMax;
    if (o.yMin !== undefined) ymin = o.yMin;
    if (o.yMax !== undefined) ymax = o.yMax;
    if (xmax === xmin) xmax = xmin + 1;
    if (ymax === ymin) { ymax = o.logY ? ymin * 10 : ymin + 1; }
    return { xmin: xmin, xmax: xmax, ymin: ymin, ymax: ymax };
  };
  LineChart.prototype.layout = function () {
    var w = this.canvas.width, h = this.canvas.height, r = this.ranges(), o = this.opts;
    var L = 64, R = 12, T = 12, B = 40;
    var tx = function (v) { return o.logX ? Math.log10(v) : v; };
    var ty = function (v) { return o.logY ? Math.log10(v) : v; };
    var x0 = tx(r.xmin), x1 = tx(r.xmax), y0 = ty(r.ymin), y1 = ty(r.ymax);
    return {
      L: L, R: R, T: T, B: B, w: w, h: h, r: r,
      px: function (v) { return L + (tx(v) - x0) / (x1 - x0) * (w - L - R); },
      py: function (v) { return T + (1 - (ty(v) - y0) / (y1 - y0)) * (h - T - B); },
      ix: function (p) { var t = x0 + (p - L) / (w - L - R) * (x1 - x0); return o.logX ? Math.pow(10, t) : t; }
    };
  };
  LineChart.prototype.draw = function () {
    var c = this.canvas, ctx = c.getContext("2d"), o = this.opts, lay = this.layout(), r = lay.r;
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
    ctx.font = "11px sans-serif"; ctx.strokeStyle = "#ddd"; ctx.fillStyle = "#333"; ctx.lineWidth = 1;
    // Grid and ticks.
    var yt = [], xt = [];
    yt = o.logY ? logTicks(r.ymin, r.ymax) : niceLinearTicks(r.ymin, r.ymax, 6);
    xt = o.logX ? logTicks(r.xmin, r.xmax) : niceLinearTicks(r.xmin, r.xmax, 8);
    var minor = function (t) { return t.some(function (v) { var e = Math.log10(v); return Math.abs(e - Math.round(e)) > 1e-9; }); };
    var xMinor = minor(xt), yMinor = minor(yt);
    var logLabel = function (v, plain) { return plain ? fmt(v, 2) : "1e" + Math.round(Math.log10(v)); };
    var step = Math.max(1, Math.ceil(yt.length / 10));
    yt.forEach(function (v, i) {
      var y = lay.py(v); ctx.beginPath(); ctx.moveTo(lay.L, y); ctx.lineTo(lay.w - lay.R, y); ctx.stroke();
      if (i % step === 0) { ctx.textAlign = "right"; ctx.fillText(o.logY ? logLabel(v, yMinor) : fmt(v, 3), lay.L - 4, y + 4); }
    });
    xt.forEach(function (v) {
      var x = lay.px(v); ctx.beginPath(); ctx.moveTo(x, lay.T); ctx.lineTo(x, lay.h - lay.B); ctx.stroke();
      ctx.textAlign = "center"; ctx.fillText(o.logX ? logLabel(v, xMinor) : fmt(v, 4), x, lay.h - lay.B + 14);
    });
    ctx.strokeStyle = "#333"; ctx.strokeRect(lay.L, lay.T, lay.w - lay.L - lay.R, lay.h - lay.T - lay.B);
    ctx.textAlign = "center"; ctx.fillText(o.xLabel || "", (lay.L + lay.w - lay.R) / 2, lay.h - 6);
    ctx.save(); ctx.translate(12, (lay.T + lay.h - lay.B) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(o.yLabel || "", 0, 0); ctx.restore();
    ctx.save();
    ctx.beginPath(); ctx.rect(lay.L, lay.T, lay.w - lay.L - lay.R, lay.h - lay.T - lay.B); ctx.clip();
    (o.hlines || []).forEach(function (hl) {
      var y = lay.py(hl.y); ctx.strokeStyle = hl.color || "#000"; ctx.setLineDash(hl.dash || [6, 4]);
      ctx.beginPath(); ctx.moveTo(lay.L, y); ctx.lineTo(lay.w - lay.R, y); ctx.stroke(); ctx.setLineDash([]);
      if (hl.label) { ctx.fillStyle = hl.color || "#000"; ctx.textAlign = "left"; ctx.fillText(hl.label, lay.L + 4, y - 3); }
    });
    this.series.forEach(function (s) {
      if (!s.visible) return;
      ctx.strokeStyle = s.color; ctx.fillStyle = s.color; ctx.lineWidth = s.width || 1.6; ctx.setLineDash(s.dash || []);
      var started = false;
      if (!o.scatter) ctx.beginPath();
      for (var i = 0; i < s.y.length; i++) {
        var x = s.x ? s.x[i] : i, y = s.y[i];
        if (!isFinite(y) || (o.logY && y <= 0) || (o.logX && x <= 0)) { started = false; continue; }
        var X = lay.px(x), Y = lay.py(y);
        if (o.scatter) { ctx.fillRect(X - 1.5, Y - 1.5, 3, 3); continue; }
        if (!started) { ctx.moveTo(X, Y); started = true; } else ctx.lineTo(X, Y);
      }
      if (!o.scatter) ctx.stroke();
      ctx.setLineDash([]);
    });
    if (this.marker !== null) {
      var mx = lay.px(this.marker); ctx.strokeStyle = "#000"; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(mx, lay.T); ctx.lineTo(mx, lay.h - lay.B); ctx.stroke();
    }
    ctx.restore();
    if (o.legend) {
      var vis = this.series.filter(function (s) { return s.visible; });
      ctx.font = "12px sans-serif";
      var lw = Math.max.apply(null, vis.map(function (s) { return ctx.measureText(s.name).width; }).concat([0])) + 34;
      var lx = o.legend === "left" ? lay.L + 6 : lay.w - lay.R - lw - 6, ly = lay.T + 6;
      ctx.fillStyle = "rgba(255,255,255,0.9)"; ctx.fillRect(lx, ly, lw, 18 * vis.length + 6);
      vis.forEach(function (s, i) {
        ctx.strokeStyle = s.color; ctx.lineWidth = 2; ctx.setLineDash(s.dash || []);
        ctx.beginPath(); ctx.moveTo(lx + 6, ly + 13 + 18 * i); ctx.lineTo(lx + 26, ly + 13 + 18 * i); ctx.stroke(); ctx.setLineDash([]);
        ctx.fillStyle = "#222"; ctx.textAlign = "left"; ctx.fillText(s.name, lx + 30, ly + 17 + 18 * i);
      });
    }
    if (this.hover) {
      var hv = this.hover, X = lay.px(hv.x), Y = lay.py(hv.y);
      ctx.fillStyle = hv.color; ctx.beginPath(); ctx.arc(X, Y, 4, 0, 2 * Math.PI); ctx.fill();
      var text = hv.name + ": " + (o.xName || "x") + " " + fmt(hv.x, 6) + ", " + (o.yName || "y") + " " + fmt(hv.y, 4);
      ctx.font = "12px sans-serif";
      var tw = ctx.measureText(text).width + 10, bx = Math.min(X + 8, lay.w - tw - 2), by = Math.max(Y - 26, 2);
      ctx.fillStyle = "rgba(255,255,240,0.95)"; ctx.strokeStyle = "#888"; ctx.fillRect(bx, by, tw, 20); ctx.strokeRect(bx, by, tw, 20);
      ctx.fillStyle = "#000"; ctx.textAlign = "left"; ctx.fillText(text, bx + 5, by + 14);
    }
    if (this.onDraw) this.onDraw(hv);
  };
  LineChart.prototype.onMove = function (ev) {
    var rect = this.canvas.getBoundingClientRect();
    var px = (ev.clientX - rect.left) * this.canvas.width / rect.width;
    var py = (ev.clientY - rect.top) * this.canvas.height / rect.height;
    var lay = this.layout(), o = this.opts, best = null, bd = 400; // within 20 px
    this.series.forEach(function (s) {
      if (!s.visible) return;
      for (var i = 0; i < s.y.length; i++) {
        var x = s.x ? s.x[i] : i, y = s.y[i];
        if (!isFinite(y) || (o.logY && y <= 0) || (o.logX && x <= 0)) continue;
        var dx = lay.px(x) - px, dy = lay.py(y) - py, d = dx * dx + dy * dy;
        if (d < bd) { bd = d; best = { name: s.name, x: x, y: y, color: s.color }; }
      }
    });
    this.hover = best;
    this.draw();
  };

  // Checkboxes that show or hide the chart's series (and call onChange(name, visible)).
  function seriesToggles(container, chart, onChange) {
    container.innerHTML = "";
    chart.series.forEach(function (s) {
      var cb = el("input", { type: "checkbox", "data-series": s.name });
      cb.checked = s.visible;
      cb.addEventListener("change", function () { s.visible = cb.checked; chart.draw(); if (onChange) onChange(s.name, cb.checked); });
      var sw = el("span", { class: "swatch" }); sw.style.background = s.color;
      container.appendChild(el("label", { class: "toggle" }, [cb, sw, s.name]));
    });
    var all = el("button", { text: "all" }), none = el("button", { text: "none" });
    all.addEventListener("click", function () { container.querySelectorAll("input").forEach(function (c) { if (!c.checked) c.click(); }); });
    none.addEventListener("click", function () { container.querySelectorAll("input").forEach(function (c) { if (c.checked) c.click(); }); });
    container.appendChild(all); container.appendChild(none);
  }

  // Diverging blue-white-red colour of v in [-vmax, vmax].
  function diverging(v, vmax) {
    var t = Math.max(-1, Math.min(1, v / vmax));
    var r, g, b;
    if (t >= 0) { r = 255; g = Math.round(255 * (1 - t)); b = Math.round(255 * (1 - t)); }
    else { r = Math.round(255 * (1 + t)); g = Math.round(255 * (1 + t)); b = 255; }
    return [r, g, b];
  }

  // n x n field (row-major, k = i*n + j, i down the canvas) onto a canvas, scale +-vmax.
  function heatmap(canvas, field, n, vmax) {
    var ctx = canvas.getContext("2d"), img = ctx.createImageData(n, n);
    for (var k = 0; k < n * n; k++) {
      var c = diverging(field[k], vmax);
      img.data[4 * k] = c[0]; img.data[4 * k + 1] = c[1]; img.data[4 * k + 2] = c[2]; img.data[4 * k + 3] = 255;
    }
    var off = document.createElement("canvas"); off.width = n; off.height = n;
    off.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
  }

  function metaList(container, pairs) {
    var dl = el("dl", { class: "meta" });
    pairs.forEach(function (p) { if (p[1] === undefined || p[1] === null || p[1] === "") return; dl.appendChild(el("dt", { text: p[0] })); dl.appendChild(el("dd", { text: String(p[1]) })); });
    container.appendChild(dl);
  }

  return { el: el, fmt: fmt, table: table, makeSortable: makeSortable, LineChart: LineChart,
    seriesToggles: seriesToggles, heatmap: heatmap, diverging: diverging, metaList: metaList, PALETTE: PALETTE };
})();
