"""scripts/book_cache.py: a book built on one dataset never reuses chapters executed on another."""

import sys

from helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import book_cache  # noqa: E402


def test_cache_is_emptied_when_the_dataset_changes(tmp_path):
    cache = tmp_path / ".jupyter_cache"
    cache.mkdir()
    (cache / "executed.ipynb").write_text("{}")
    # A cache of unknown origin is not trusted.
    assert "emptied" in book_cache.prepare(tmp_path, "full") and not (cache / "executed.ipynb").exists()
    (cache / "executed.ipynb").write_text("{}")
    assert "emptied" not in book_cache.prepare(tmp_path, "full")  # same data: kept
    assert (cache / "executed.ipynb").exists()
    doctrees = tmp_path / ".doctrees"
    doctrees.mkdir()
    (doctrees / "environment.pickle").write_text("pages read on full")
    assert "emptied" not in book_cache.prepare(tmp_path, "full")  # same data: Sphinx's state kept
    assert (doctrees / "environment.pickle").exists()
    message = book_cache.prepare(tmp_path, "sample")
    assert "held runs on full" in message and not (cache / "executed.ipynb").exists()
    # Sphinx's saved state goes too, or unchanged chapters would keep their pages from the other data.
    assert not doctrees.exists()
    assert (tmp_path / ".jupyter_cache" / "aelib-dataset").read_text().strip() == "sample"


def test_current_dataset_follows_the_environment(monkeypatch):
    monkeypatch.setenv("AELIB_MNIST_SOURCE", "sample")
    monkeypatch.delenv("AELIB_MNIST_DIR", raising=False)
    assert book_cache.current_dataset() == "sample"
