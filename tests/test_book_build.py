"""The book builds (quick mode) with Sphinx warnings as errors, every page complete.

The build goes to _build/quick (never to _build/html, which `make book` fills
in full mode), from a clean cache, so every notebook is really executed.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, toc_files

QUICK_DIR = ROOT / "_build" / "quick"
HTML = QUICK_DIR / "_build" / "html"


@pytest.fixture(scope="module")
def built_book():
    shutil.rmtree(QUICK_DIR, ignore_errors=True)
    env = dict(os.environ, AELIB_QUICK="1", AELIB_MNIST_SOURCE="sample")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(QUICK_DIR), "-W", "-n", "--keep-going"],
        env=env, capture_output=True, text=True, timeout=3000)
    log = proc.stdout + proc.stderr
    (QUICK_DIR / "build.log").write_text(log)
    assert proc.returncode == 0, f"jupyter-book build failed (log: {QUICK_DIR / 'build.log'}):\n{log[-4000:]}"
    return HTML


def test_every_toc_page_is_built(built_book):
    for entry in ["intro"] + toc_files():
        assert (built_book / f"{entry}.html").exists(), f"{entry}.html was not built"


@pytest.mark.parametrize("entry", toc_files())
def test_chapter_page_is_complete(built_book, entry):
    html = (built_book / f"{entry}.html").read_text()
    body = re.sub(r"<script.*?</script>", "", html, flags=re.S)  # widget state lives in scripts
    figures = re.findall(r'<img alt="([^"]*)" src="\.\./_images/([^"]+)"', body)
    assert figures, "no executed figures on the page"
    for alt, src in figures:
        assert (built_book / "_images" / src).stat().st_size > 1000, f"empty figure {src}"
        assert len(alt.split()) >= 6, f"figure {src} lacks a descriptive alt text"
    for bad in ("Traceback", "&lt;Figure size", "Error:", "Warning:", "ETA:", "ms/step"):
        assert bad not in body, f"{bad!r} appears on the page"
    assert ">Checks<" in body, "the Checks section is on the page"
    entries = set(re.findall(r'<div class="citation" id="([^"]+)" role="doc-biblioentry">', body))
    cited = set(re.findall(r'<span class="bibtex-citation"[^>]*>.*?href="#([^"]+)"', body))
    assert entries and cited and cited <= entries, "every citation resolves to the chapter's bibliography"
    colab = re.findall(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', body)
    assert colab and all(link.endswith(f"/{entry}.ipynb") for link in colab), colab
