"""Point the book at another GitHub repository.

Usage: python scripts/set_repository.py https://github.com/OWNER/REPO [--branch main]

Rewrites the repository URL (and branch) in _config.yml, the Colab badges and
install cells of every chapter, pyproject.toml and README.md.
"""

import argparse
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--branch", default=None)
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder")
    args = parser.parse_args(argv)
    root = args.root
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)/?", args.url)
    if not match:
        raise SystemExit(f"expected https://github.com/OWNER/REPO, got {args.url!r}")
    new_owner, new_repo = match.groups()
    config = yaml.safe_load((root / "_config.yml").read_text())
    old_owner, old_repo = config["repository"]["url"].rstrip("/").split("/")[-2:]
    old_branch = config["repository"]["branch"]
    new_branch = args.branch or old_branch

    replacements = [  # most specific first
        (f"/github/{old_owner}/{old_repo}/blob/{old_branch}/", f"/github/{new_owner}/{new_repo}/blob/{new_branch}/"),
        (f"github.com/{old_owner}/{old_repo}@{old_branch}", f"github.com/{new_owner}/{new_repo}@{new_branch}"),
        (f"github.com/{old_owner}/{old_repo}", f"github.com/{new_owner}/{new_repo}"),
        (f"{old_owner}.github.io/{old_repo}", f"{new_owner}.github.io/{new_repo}"),
    ]
    files = [root / "_config.yml", root / "pyproject.toml", root / "README.md",
             *sorted((root / "chapters").glob("*.ipynb"))]
    for path in files:
        text = original = path.read_text()
        for old, new in replacements:
            text = text.replace(old, new)
        if path.name == "_config.yml":
            text = re.sub(r"(\n\s*branch:\s*)\S+", rf"\g<1>{new_branch}", text, count=1)
        if text != original:
            path.write_text(text)
            print(f"updated {path.relative_to(root)}")


if __name__ == "__main__":
    main()
