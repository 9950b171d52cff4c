#!/usr/bin/python3
"""Browser test of the results site (docs/site.md), run by CTest (label browser).

1. A small run in OUT/run: poisson_solve at n = 16 (three methods, both problems) and
   race_export (the rod problem at n = 32, the race's size), then postprocess/site.py.
2. Every page opened from file:// in headless Chromium (selenium + chromedriver): no console
   error, every <script src>/<link href> present and loaded, the page's data-ready flag set.
3. race.html: the race table's data-iterations equal race_export's C++ counts; the End key,
   the slider and Play change the drawn frame (canvas pixels and captions).
4. adi.html: the self-test badge says PASS; the arrow key, the slider and Play change the frame.
5. canonical.html: a method toggle redraws the chart; the table sorts.
6. A screenshot of every page in OUT/, and OUT/summary.json with what was read.

Exit 0 pass, 1 fail, 77 skip (no chromium / chromedriver / selenium).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    print("site_browser: python3-selenium is not installed; skipped")
    sys.exit(77)

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def run(cmd, cwd):
    t = time.time()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print("$ %s  (%.1f s)" % (" ".join(cmd), time.time() - t))
    if p.returncode != 0:
        print(p.stdout)
        sys.exit("site_browser: command failed with status %d" % p.returncode)
    return p.stdout


def canvas_data(driver, selector):
    return driver.execute_script("var c = document.querySelector(arguments[0]); return c ? c.toDataURL() : null;", selector)


def text_of(driver, selector):
    return driver.execute_script("var e = document.querySelector(arguments[0]); return e ? e.textContent : null;", selector)


def set_range(driver, selector, value):
    driver.execute_script("var s = document.querySelector(arguments[0]); s.value = arguments[1];"
                          "s.dispatchEvent(new Event('input', {bubbles: true}));", selector, str(value))


def open_page(driver, site, name, out):
    path = os.path.join(site, name)
    driver.get("file://" + path)
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete")
    ready = True
    try:
        WebDriverWait(driver, 10).until(
            lambda d: d.execute_script("return document.body.getAttribute('data-ready')") == "1")
    except Exception:
        ready = False
    logs = driver.get_log("browser")
    errors = [entry for entry in logs if entry["level"] in ("SEVERE", "ERROR")]
    for entry in errors:
        print("  console: %s" % entry["message"])
    check(not errors, "%s: no console errors (%d messages)" % (name, len(logs)))
    # Every referenced file exists and every script ran (a missing file is also a console error).
    refs = driver.execute_script(
        "return Array.from(document.querySelectorAll('script[src],link[href]'))"
        ".map(function (e) { return e.getAttribute('src') || e.getAttribute('href'); });")
    missing = [r for r in refs if not r.startswith("data:") and not os.path.exists(os.path.join(site, r))]
    check(not missing, "%s: every referenced resource exists (%d: %s)" % (name, len(refs), ", ".join(refs)))
    remote = [r for r in refs if "://" in r]
    check(not remote, "%s: no network resources" % name)
    check(ready, "%s: page script finished (data-ready)" % name)
    return ready


def screenshot(driver, name, out):
    h = driver.execute_script("return Math.min(6000, document.documentElement.scrollHeight);")
    driver.set_window_size(1320, max(800, h + 160))
    driver.execute_script("window.scrollTo(0, 0);")
    time.sleep(0.2)
    png = os.path.join(out, name.replace(".html", ".png"))
    driver.save_screenshot(png)
    driver.set_window_size(1320, 1000)
    return png


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--site", help="test an already built site folder instead (no run)")
    ap.add_argument("--race-json", help="with --site: the race_data.json it was built from")
    a = ap.parse_args()
    t0 = time.time()
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        print("site_browser: %s or %s missing (Debian packages chromium, chromium-driver); skipped" % (CHROMIUM, CHROMEDRIVER))
        sys.exit(77)
    out = os.path.abspath(a.out)
    a.bin_dir, a.source_dir = os.path.abspath(a.bin_dir), os.path.abspath(a.source_dir)
    os.makedirs(out, exist_ok=True)

    if a.site:
        site, race_json = os.path.abspath(a.site), os.path.abspath(a.race_json)
    else:
        rundir = os.path.join(out, "run")
        shutil.rmtree(rundir, ignore_errors=True)
        os.makedirs(rundir)
        run([os.path.join(a.bin_dir, "poisson_solve"), "-n", "16", "-methods", "none,jacobi,icc",
             "-o", os.path.join(rundir, "canonical.h5")], rundir)
        print(run([os.path.join(a.bin_dir, "race_export"), "-o", os.path.join(rundir, "race_data.json")], rundir))
        run(["/usr/bin/python3", os.path.join(a.source_dir, "postprocess", "site.py"), rundir], rundir)
        site, race_json = os.path.join(rundir, "site"), os.path.join(rundir, "race_data.json")
    race = json.load(open(race_json))

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1320,1000", "--hide-scrollbars", "--force-device-scale-factor=1"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    summary = {"site": site, "pages": {}}
    try:
        pages = sorted(f for f in os.listdir(site) if f.endswith(".html"))
        check(set(pages) >= {"index.html", "canonical.html", "spectra.html", "benchmarks.html", "race.html", "adi.html"},
              "site has every page (%s)" % ", ".join(pages))
        for name in pages:
            ready = open_page(driver, site, name, out)
            info = {}
            try:
                if ready:
                    interact(driver, name, race, info, out)
            except Exception as e:  # a missing element or a broken control: one failure
                check(False, "%s: interaction raised %s: %s" % (name, type(e).__name__, str(e).splitlines()[0]))
            errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
            check(not errors, "%s: no console errors after interaction" % name)
            if name in ("race.html", "adi.html"):
                info["screenshot"] = screenshot(driver, name, out)
            summary["pages"][name] = info
    finally:
        driver.quit()
    summary["seconds"] = time.time() - t0
    summary["failures"] = failures
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print("site_browser: %d failure(s), %.1f s; screenshots and summary.json in %s" % (len(failures), time.time() - t0, out))
    sys.exit(1 if failures else 0)


def interact(driver, name, race, info, out):
    """The page-specific checks (the page has loaded and set data-ready)."""
    if name not in ("race.html", "adi.html"):
        info["screenshot"] = screenshot(driver, name, out)
    if name == "race.html":
        rows = driver.find_elements(By.CSS_SELECTOR, "#race-table tbody tr")
        got = {r.get_attribute("data-method"): int(r.get_attribute("data-iterations")) for r in rows}
        want = {m: v["iterations"] for m, v in race["cpp"].items()}
        check(set(got) == {"gd", "cg", "pcg_hodlr2", "pcg_hodlr8", "richardson_hodlr8"},
              "race table has the five methods")
        for m in sorted(want):
            check(got.get(m) == want[m], "race %s: page %s iterations, C++ %s" % (m, got.get(m), want[m]))
        info["iterations_page"], info["iterations_cpp"] = got, want
        c0 = canvas_data(driver, "canvas.heat[data-method=gd]")
        cap0 = text_of(driver, ".caption")
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.END)
        c1 = canvas_data(driver, "canvas.heat[data-method=gd]")
        check(c0 != c1 and text_of(driver, ".caption") != cap0, "race: End key changes the drawn frame")
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.HOME)
        set_range(driver, "#frame", 5)
        check(canvas_data(driver, "canvas.heat[data-method=gd]") != c0 and "k = 5" in text_of(driver, "#frame-label"),
              "race: moving the slider changes the drawn frame")
        set_range(driver, "#frame", 0)
        chart0 = canvas_data(driver, "#chart")
        driver.find_element(By.ID, "play").click()
        time.sleep(0.6)
        k = int(driver.execute_script("return document.getElementById('frame').value"))
        check(k > 0 and canvas_data(driver, "canvas.heat[data-method=gd]") != c0 and canvas_data(driver, "#chart") != chart0,
              "race: Play advances the frame (k = %d after 0.6 s)" % k)
        driver.find_element(By.ID, "play").click()  # pause
        set_range(driver, "#frame", min(40, k + 20))
    elif name == "adi.html":
        badge = driver.find_element(By.ID, "adi-selftest")
        status, errs = badge.get_attribute("data-status"), badge.get_attribute("data-errors")
        check(status == "PASS", "adi: self-test badge %s (page errors %s; C++ %s)" %
              (status, errs, [race["adi"]["check"][k] for k in ("1", "2", "10", "40")]))
        info["status"], info["errors_page"] = status, [float(v) for v in errs.split(",")]
        info["errors_cpp"] = [race["adi"]["check"][k] for k in ("1", "2", "10", "40")]
        e0, l0 = canvas_data(driver, "#estimate"), text_of(driver, "#sweep-label")
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        check(canvas_data(driver, "#estimate") != e0 and text_of(driver, "#sweep-label") != l0,
              "adi: the right arrow changes the drawn half-sweep")
        set_range(driver, "#sweep", 10)
        e10 = canvas_data(driver, "#estimate")
        check(e10 != e0 and "half-sweep 10" in text_of(driver, "#sweep-label"), "adi: moving the slider changes the drawn half-sweep")
        driver.find_element(By.ID, "play").click()
        time.sleep(0.7)
        k = int(driver.execute_script("return document.getElementById('sweep').value"))
        check(k > 10 and canvas_data(driver, "#estimate") != e10, "adi: Play advances (half-sweep %d after 0.7 s)" % k)
        driver.find_element(By.ID, "play").click()
        set_range(driver, "#sweep", 12)
    elif name == "canonical.html":
        c0 = canvas_data(driver, "canvas.chart")
        driver.find_element(By.CSS_SELECTOR, ".toggles input[type=checkbox]").click()
        check(canvas_data(driver, "canvas.chart") != c0, "canonical: a method toggle redraws the convergence chart")
        driver.find_element(By.CSS_SELECTOR, ".toggles input[type=checkbox]").click()
        # Sorting: the method column ascending, then descending.
        col = lambda: driver.execute_script(
            "return Array.from(document.querySelectorAll('#canonical-table tbody tr'))"
            ".map(function (r) { return r.cells[0].textContent; });")
        head = driver.find_elements(By.CSS_SELECTOR, "#canonical-table thead th")[0]
        head.click()
        asc = col()
        head.click()
        desc = col()
        check(asc == sorted(asc) and desc == sorted(desc, reverse=True) and len(asc) >= 2,
              "canonical: clicking a header sorts the table (%s / %s)" % (",".join(asc), ",".join(desc)))
        # Hover read-out: move over the chart, the canvas changes (tooltip).
        chart = driver.find_element(By.CSS_SELECTOR, "canvas.chart")
        before = canvas_data(driver, "canvas.chart")
        webdriver.ActionChains(driver).move_to_element_with_offset(chart, 64 - chart.size["width"] // 2, 12 - chart.size["height"] // 2).perform()
        time.sleep(0.1)
        check(canvas_data(driver, "canvas.chart") != before, "canonical: hovering the first point draws the read-out")


if __name__ == "__main__":
    main()
