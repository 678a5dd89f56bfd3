"""The GitHub Actions workflows cannot run here; check they are well-formed and do what they say."""

import re

import yaml

from helpers import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name):
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def steps(job):
    return [s.get("uses", "") or s.get("run", "") for s in job["steps"]]


def test_book_workflow_builds_on_main_and_deploys_to_pages():
    wf = load("book.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"]["pages"] == "write" and wf["permissions"]["id-token"] == "write"
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    used = steps(build)
    assert any(u.startswith("actions/checkout@") for u in used)
    assert any("make book" in u for u in used), "the workflow builds with the README's book command"
    assert any(u.startswith("actions/upload-pages-artifact@") for u in used)
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    assert deploy["needs"] == "build" and any(u.startswith("actions/deploy-pages@") for u in steps(deploy))
    cache = next(s for s in build["steps"] if "jupyter_cache" in str(s.get("with", {}).get("path", "")))
    for pattern in ("chapters/", "aelib/", "pyproject.toml"):
        assert pattern in cache["with"]["key"], f"the execution cache key must cover {pattern}"


def test_tests_workflow_runs_the_readme_test_command_on_pull_requests():
    wf = load("tests.yml")
    assert "pull_request" in wf["on"]
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"^(make test)\b", readme, re.M).group(1)
    assert any(command == u.strip() for u in steps(wf["jobs"]["test"]))


def test_ci_script_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"^(make \w+)\s+# runs the whole test suite", readme, re.M).group(1)
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in lines


def test_pull_requests_build_the_whole_book_on_the_sample():
    """Every Check runs on every pull request: the full-mode book build on the offline sample."""
    wf = load("tests.yml")
    job = wf["jobs"]["book-on-sample"]
    build = next(s for s in job["steps"] if "make book" in s.get("run", ""))
    assert build["run"].strip() == "make book" and build["env"]["AELIB_MNIST_SOURCE"] == "sample"
    assert job["timeout-minutes"] >= 60


def test_pinned_builds_and_an_unpinned_weekly_build():
    makefile = (ROOT / "Makefile").read_text()
    assert "CONSTRAINTS ?= constraints.txt" in makefile and "-c $(CONSTRAINTS)" in makefile
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    for package in ("tensorflow", "keras", "numpy", "scikit-learn", "jupyter-book", "nbval", "ipykernel"):
        assert package in pins, f"{package} is not pinned in constraints.txt"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "==" not in pyproject.split("[project.optional-dependencies]")[0], \
        "aelib's own requirements keep lower bounds only (Colab's TensorFlow must satisfy them)"
    wf = load("book.yml")
    assert "schedule" in wf["on"]
    build = next(s for s in wf["jobs"]["build"]["steps"] if "make book" in s.get("run", ""))
    assert 'CONSTRAINTS=' in build["run"] and "schedule" in build["run"] and "set -eo pipefail" in build["run"]
    cache = next(s for s in wf["jobs"]["build"]["steps"] if "jupyter_cache" in str(s.get("with", {}).get("path", "")))
    assert "constraints.txt" in cache["with"]["key"]


def test_every_workflow_is_valid_yaml_with_jobs_and_steps():
    for path in WORKFLOWS.glob("*.yml"):
        wf = load(path.name)
        assert wf["on"] and wf["jobs"], path.name
        for name, job in wf["jobs"].items():
            assert job.get("runs-on") and job.get("steps"), f"{path.name}: job {name}"
            for step in job["steps"]:
                assert ("uses" in step) != ("run" in step), f"{path.name}: {name}: {step}"
