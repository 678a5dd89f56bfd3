import json
import shutil
import subprocess
import sys

import yaml

from helpers import ROOT


def test_set_repository_rewrites_every_reference(tmp_path):
    for name in ("_config.yml", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters")
    subprocess.run([sys.executable, str(ROOT / "scripts/set_repository.py"), "https://github.com/someone/fork",
                    "--branch", "dev", "--root", str(tmp_path)], check=True, capture_output=True)
    config = yaml.safe_load((tmp_path / "_config.yml").read_text())
    assert config["repository"] == {**config["repository"], "url": "https://github.com/someone/fork", "branch": "dev"}
    for nb_path in (tmp_path / "chapters").glob("*.ipynb"):
        text = json.dumps(json.load(nb_path.open()))
        assert "github/someone/fork/blob/dev/chapters/" + nb_path.name in text
        assert "git+https://github.com/someone/fork@dev" in text
        assert "autoencoders-executable/autoencoders-executable" not in text
    assert "someone.github.io/fork" in (tmp_path / "pyproject.toml").read_text()
