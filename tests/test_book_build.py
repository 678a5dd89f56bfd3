"""The book builds (quick mode) with Sphinx warnings as errors, every page complete.

The build goes to _build/quick (never to _build/html, which `make book` fills
in full mode), from a clean cache. A chapter that nbval has just executed on the
same inputs is rendered from nbval's outputs (tests/executed_notebooks.py), so
`make test` executes each notebook once; any other chapter is executed by the build.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image

import executed_notebooks
from helpers import ROOT, chapter_entries, chapter_paths, toc_files


pytestmark = [pytest.mark.slow, pytest.mark.book]  # `make test` runs these after the notebooks

QUICK_DIR = ROOT / "_build" / "quick"
QUICK_CELL_TIMEOUT_S = 300
HTML = QUICK_DIR / "_build" / "html"
CACHE_DIR = QUICK_DIR / "jupyter_cache"


@pytest.fixture(scope="module")
def built_book():
    if os.environ.get("BOOK_HTML"):  # check an existing build instead, e.g. BOOK_HTML=_build/html after `make book`
        return Path(os.environ["BOOK_HTML"]).resolve()
    shutil.rmtree(QUICK_DIR, ignore_errors=True)
    QUICK_DIR.mkdir(parents=True)
    # The book's own config, with a per-cell timeout fit for quick mode, so that
    # a hung cell fails the test in minutes rather than after half an hour.
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["timeout"] = QUICK_CELL_TIMEOUT_S
    config["execute"]["cache"] = str(CACHE_DIR)
    (QUICK_DIR / "_config.yml").write_text(yaml.safe_dump(config))
    env = dict(os.environ, AELIB_QUICK="1", AELIB_MNIST_SOURCE="sample")
    env.pop("AELIB_MNIST_DIR", None)
    reused = seed_cache_with_nbval_runs(env)
    missing = [path.name for path in chapter_paths() if path.name not in reused]
    print(f"book build: {len(reused)} chapters from this run's nbval outputs; executing {missing or 'none'}")
    if os.environ.get("AELIB_REUSE_EXECUTED") == "require":  # make test: each notebook executed once
        assert not missing, (
            f"no current nbval run of {missing} to build from (make test runs the notebooks first, "
            f"then the book); their executed copies in {executed_notebooks.EXECUTED_DIR} are missing "
            "or were made from other code")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(QUICK_DIR), "--config", str(QUICK_DIR / "_config.yml"),
         "-W", "-n", "--keep-going"],
        env=env, capture_output=True, text=True, timeout=3000)
    log = proc.stdout + proc.stderr
    (QUICK_DIR / "build.log").write_text(log)
    assert proc.returncode == 0, f"jupyter-book build failed (log: {QUICK_DIR / 'build.log'}):\n{log[-4000:]}"
    return HTML


def seed_cache_with_nbval_runs(env):
    """Put each chapter that nbval executed on the same inputs into the build's
    (fresh) execution cache, so the build renders it without executing it again.
    Returns the names of the chapters seeded."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(CACHE_DIR))
    reused = []
    for path in chapter_paths():
        found = executed_notebooks.reusable(path, env)
        if found:
            executed, seconds = found
            cache.cache_notebook_bundle(CacheBundleIn(executed, str(path), data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            reused.append(path.name)
    return reused


def test_every_toc_page_is_built(built_book):
    for entry in ["intro"] + toc_files():
        assert (built_book / f"{entry}.html").exists(), f"{entry}.html was not built"


@pytest.mark.parametrize("entry", chapter_entries())
def test_chapter_page_is_complete(built_book, entry):
    html = (built_book / f"{entry}.html").read_text()
    body = re.sub(r"<script.*?</script>", "", html, flags=re.S)  # widget state lives in scripts
    figures = re.findall(r'<img alt="([^"]*)" src="\.\./_images/([^"]+)"', body)
    assert figures, "no executed figures on the page"
    for alt, src in figures:
        assert (built_book / "_images" / src).stat().st_size > 1000, f"empty figure {src}"
        assert len(alt.split()) >= 6, f"figure {src} lacks a descriptive alt text"
        with Image.open(built_book / "_images" / src) as image:  # opaque, so it reads in dark mode
            assert image.mode == "RGB" or image.getchannel("A").getextrema() == (255, 255), \
                f"figure {src} has a transparent background"
    for bad in ("Traceback", "&lt;Figure size", "Error:", "Warning:", "ETA:", "ms/step"):
        assert bad not in body, f"{bad!r} appears on the page"
    # What the cells printed or displayed: the page without its code listings.
    outputs = re.sub(r'<div class="highlight-(?:ipython3|python) notranslate"><div class="highlight"><pre>.*?</pre>',
                     "", body, flags=re.S)
    assert "|---" not in outputs, "a markdown table output was rendered as plain text"
    for noise in ("retracing", "built=False&gt;", "built=True&gt;", "object at 0x"):
        assert noise not in outputs, f"build noise on the page: {noise!r} (TensorFlow warning or an object repr)"
    assert ">Checks<" in body, "the Checks section is on the page"
    # Chapters cite with footcite: each page carries its own numbered references.
    entries = set(re.findall(r'<aside class="footnote[^"]*" id="([^"]+)" role="doc-footnote">', body))
    cited = set(re.findall(r'<a class="footnote-reference[^"]*" href="#([^"]+)"', body))
    assert entries and cited and cited <= entries, "every citation resolves to the chapter's references"
    colab = re.findall(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', body)
    assert colab and all(link.endswith(f"/{entry}.ipynb") for link in colab), colab


# --- the rendered pages in a real headless browser ------------------------------

# The pages load MathJax from this CDN. There is no internet here, so the test
# serves the same MathJax release from a pip package (django-static-mathjax,
# MathJax 3.2.2) in its place; every other outside request is refused.
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/"
# The one outside image the pages may show: the Colab badge (kept external so
# that it also works on GitHub and in Colab). Every other image must be local.
EXTERNAL_IMAGES = {"https://colab.research.google.com/assets/colab-badge.svg"}
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", ROOT / "_build" / "quick" / "screenshots"))


def _chromium():
    # $CHROMIUM, a chromium or chrome on the machine, or one installed now (see tests/browser.py);
    # never a skip: without a browser the browser tests fail with what to run.
    from browser import NoBrowser, find_or_install_chromium

    try:
        return find_or_install_chromium()
    except NoBrowser as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def browser_page(built_book):
    import functools
    import http.server
    import threading

    import mathjax
    from playwright.sync_api import sync_playwright

    chromium = _chromium()

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    mathjax_dir = Path(mathjax.__file__).parent / "static" / "mathjax"
    refused = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base):
            return request_route.continue_()
        if url.startswith(MATHJAX_CDN):
            local = mathjax_dir / url[len(MATHJAX_CDN):].split("?")[0]
            if local.is_file():
                return request_route.fulfill(path=str(local))
        refused.append(url)
        return request_route.abort()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", route)
        yield page, base, refused
        browser.close()
    server.shutdown()


def _open(page, base, entry):
    page.goto(base + f"{entry}.html", wait_until="load")
    # MathJax typesets asynchronously; wait until it has finished.
    page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && "
                           "window.MathJax.startup.promise && (window.__mj_done || "
                           "(window.MathJax.startup.promise.then(() => window.__mj_done = true), false)))",
                           timeout=60_000)


def test_status_page_lists_every_chapter(built_book):
    table = (built_book / "status.html").read_text().split("<table", 1)[1].split("</table>")[0]
    for entry in chapter_entries():
        row = re.search(rf'<span class="doc">{entry}</span>.*?</tr>', table, re.S)
        assert row, f"{entry} missing from the execution statistics table"
        assert "✅" in row.group(0) or "&#9989;" in row.group(0), f"{entry} did not execute cleanly: {row.group(0)}"


def test_intro_page_in_browser(browser_page):
    page, base, _ = browser_page
    _open(page, base, "intro")
    assert page.locator("h1").first.inner_text().startswith("Autoencoders, executable")
    nav = page.locator("nav.bd-links a").all_inner_texts()
    for entry in toc_files():
        stem = Path(entry).stem
        assert page.locator(f'nav.bd-links a[href$="{stem}.html"]').count(), f"{stem} missing from the sidebar: {nav}"
    page.screenshot(path=str(SCREENSHOTS / "intro.png"), full_page=True)


@pytest.mark.parametrize("entry", chapter_entries())
def test_chapter_page_in_browser(browser_page, entry):
    from helpers import BRANCH, OWNER_REPO, read_notebook

    page, base, refused = browser_page
    _open(page, base, entry)
    nb = read_notebook(ROOT / f"{entry}.ipynb")
    title = nb.cells[0].source.splitlines()[0].lstrip("# ").strip()
    h1 = page.locator("h1").first.inner_text()
    assert title in h1, f"page title {h1!r} does not show the chapter title {title!r}"

    images = page.eval_on_selector_all(
        "img", "els => els.map(e => ({src: e.currentSrc || e.src, w: e.naturalWidth, alt: e.alt}))")
    local = [im for im in images if im["src"].startswith(base)]
    assert len(local) >= 3, f"expected the chapter's figures on the page, found {local}"
    for im in local:
        assert im["w"] > 0, f"image did not load: {im}"
    for im in images:
        assert im["src"].startswith(base) or im["src"] in EXTERNAL_IMAGES, f"unexpected outside image {im['src']}"

    if "$" in "".join(c.source for c in nb.cells if c.cell_type == "markdown"):
        assert page.locator("mjx-container").count() > 0, "the chapter has math but MathJax rendered none"
        assert page.locator("mjx-merror").count() == 0, "MathJax reported a TeX error"
    # TeX that MathJax never saw (e.g. a formula split by a line that Markdown read as
    # a list item) shows as raw text: look for it outside code and rendered math.
    raw_tex = page.evaluate(r"""() => {
        const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
        const found = [];
        for (let node; (node = walker.nextNode());) {
            if (node.parentElement.closest('pre, code, mjx-container, script, style, .highlight')) continue;
            const m = node.textContent.match(/\\(hat|frac|mathbf|mathrm|operatorname|sqrt|sum|log|big|bigg|alpha|beta|eta|rho|sigma|varphi|lambda|epsilon)\b|\$[^\s]/);
            if (m) found.push(node.textContent.trim().slice(0, 80));
        }
        return found; }""")
    assert not raw_tex, f"raw TeX on the page (math that did not render): {raw_tex[:5]}"

    body_text = page.locator("article").inner_text()
    assert "Loading widget" not in body_text and "Error displaying widget" not in body_text
    outputs = " ".join(page.locator(".cell_output").all_inner_texts())
    for bad in ("Traceback", "Error", "Warning", "<Figure size"):
        assert bad not in outputs, f"{bad!r} in a cell output on the page"
    assert page.locator(".output.stderr, .output.traceback, .output.error").count() == 0

    colab = f"https://colab.research.google.com/github/{OWNER_REPO}/blob/{BRANCH}/{entry}.ipynb"
    launch_links = page.eval_on_selector_all(
        "a[href*='colab.research.google.com']", "els => els.map(e => e.href)")
    assert colab in launch_links, f"no Colab launch link to {colab}: {launch_links}"

    targets = page.eval_on_selector_all(
        "a.footnote-reference[href^='#']", "els => els.map(e => e.getAttribute('href').slice(1))")
    assert targets, "the chapter cites nothing"
    for target in targets:
        reference = page.locator(f"[id='{target}'][role='doc-footnote']")
        assert reference.count() == 1, f"citation #{target} dangles"
        assert len(reference.inner_text().split()) > 5, f"reference #{target} is empty"

    # The Checks are on the page but collapsed; the setup cell's output is hidden.
    checks = page.locator("section:has(> h2:has-text('Checks')) details.hide")
    assert checks.count() >= 1 and not checks.first.evaluate("e => e.open")
    # The page fits the window: it never scrolls sideways, and no table is wider than
    # the column it sits in (code listings may scroll inside their own box).
    for width in (1280, 390):  # a laptop, a phone
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"at {width} px the page scrolls sideways by {overflow} px"
        wide = page.eval_on_selector_all(
            "article table", "els => els.filter(t => t.getBoundingClientRect().width > "
            "t.closest('article').getBoundingClientRect().width + 1 && "
            "t.parentElement.scrollWidth <= t.parentElement.clientWidth).length")
        assert wide == 0, f"at {width} px {wide} table(s) overflow the text column"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / f"{Path(entry).stem}.png"), full_page=True)
    assert not [u for u in refused if "mathjax" in u.lower()], f"MathJax files missing locally: {refused}"
