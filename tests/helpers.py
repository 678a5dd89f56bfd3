"""Shared facts about the book for the tests: paths, config, chapters."""

from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"]["branch"]
OWNER_REPO = REPO_URL.removeprefix("https://github.com/")


def toc_files():
    files = []
    for part in TOC.get("parts", []):
        files += [entry["file"] for entry in part["chapters"]]
    return files


def chapter_paths():
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def read_notebook(path):
    return nbformat.read(path, as_version=4)


def chapter_entries():
    """TOC entries that are chapters (notebooks), in reading order."""
    return [entry for entry in toc_files() if entry.startswith("chapters/")]
