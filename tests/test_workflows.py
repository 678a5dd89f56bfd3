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
