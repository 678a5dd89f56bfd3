"""tests/browser.py finds or installs the browser test's Chromium; here on a fake machine.

Every command goes to a fake runner: no apt-get, no download, no real browser.
"""

import subprocess

import pytest

import browser
from browser import NoBrowser, find_or_install_chromium

PYTHON = "/venv/bin/python"
PLAYWRIGHT_INSTALL = [PYTHON, "-m", "playwright", "install", "chromium"]
PLAYWRIGHT_INSTALL_WITH_DEPS = [PYTHON, "-m", "playwright", "install", "--with-deps", "chromium"]


def _executable(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


class FakeMachine:
    """PATH, apt-get and Playwright as the code under test sees them, recording every command."""

    def __init__(self, tmp_path, *, on_path=None, apt_get=True, apt_ok=True, playwright_ok=True,
                 playwright_starts=True):
        self.tmp_path = tmp_path
        self.on_path = dict(on_path or {})
        self.apt_get, self.apt_ok = apt_get, apt_ok
        self.playwright_ok, self.playwright_starts = playwright_ok, playwright_starts
        self.playwright_chrome = tmp_path / "ms-playwright" / "chromium-1" / "chrome"
        self.calls, self.log = [], []

    def which(self, name):
        if name == "apt-get":
            return "/usr/bin/apt-get" if self.apt_get else None
        return self.on_path.get(name)

    def run(self, cmd, **kwargs):
        self.calls.append((list(cmd), kwargs))
        assert kwargs.get("capture_output") and kwargs.get("timeout"), "every command is captured and has a timeout"
        done = subprocess.CompletedProcess
        if cmd[1:] == ["--version"]:
            if cmd[0] == str(self.playwright_chrome) and not self.playwright_starts:
                return done(cmd, 127, "", "chrome: error while loading shared libraries: libnss3.so\n")
            return done(cmd, 0, "Chromium 130.0.6723.91 \n", "")
        if cmd[:2] == [PYTHON, "-c"]:
            assert "executable_path" in cmd[2]
            return done(cmd, 0, f"{self.playwright_chrome}\n", "")
        if cmd == ["apt-get", "update", "-qq"]:
            if not self.apt_ok:
                return done(cmd, 100, "", "E: Could not resolve 'deb.debian.org'\n")
            return done(cmd, 0, "", "")
        if cmd == ["apt-get", "install", "-y", "-qq", "chromium", "fonts-dejavu-core"]:
            self.on_path["chromium"] = _executable(self.tmp_path / "usr" / "bin" / "chromium")
            return done(cmd, 0, "", "")
        if cmd in (PLAYWRIGHT_INSTALL, PLAYWRIGHT_INSTALL_WITH_DEPS):
            if not self.playwright_ok:
                return done(cmd, 1, "", "Error: getaddrinfo ENOTFOUND cdn.playwright.dev\n")
            _executable(self.playwright_chrome)
            return done(cmd, 0, "", "")
        raise AssertionError(f"unexpected command {cmd}")

    def commands(self):
        return [cmd for cmd, _ in self.calls]

    def installs(self):
        return [cmd for cmd in self.commands() if cmd[0] == "apt-get" or cmd[1:3] == ["-m", "playwright"]]


@pytest.fixture(autouse=True)
def no_real_commands(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"a real command was run: {args}")
    monkeypatch.setattr(subprocess, "run", refuse)


def setup_browser(machine, euid=0, env=None):
    return find_or_install_chromium(env=env or {}, which=machine.which, run=machine.run, euid=euid, python=PYTHON,
                                    usual_paths=(), lock=machine.tmp_path / "install.lock", log=machine.log.append)


def test_a_browser_on_path_is_used_and_nothing_installed(tmp_path):
    chrome = _executable(tmp_path / "google-chrome")
    machine = FakeMachine(tmp_path, on_path={"google-chrome": chrome})
    assert setup_browser(machine) == chrome
    assert machine.installs() == []
    assert machine.log == [f"browser test: Chromium 130.0.6723.91 at {chrome}"]


def test_a_snap_browser_is_passed_over(tmp_path):
    snap = _executable(tmp_path / "snap" / "bin" / "chromium")
    machine = FakeMachine(tmp_path, on_path={"chromium": snap})
    assert setup_browser(machine, euid=1000) == str(machine.playwright_chrome)


def test_chromium_variable_is_used_as_given(tmp_path):
    chrome = _executable(tmp_path / "my-chrome")
    machine = FakeMachine(tmp_path, on_path={"chromium": _executable(tmp_path / "chromium")})
    assert setup_browser(machine, env={"CHROMIUM": chrome}) == chrome
    assert machine.installs() == []


def test_a_wrong_chromium_variable_is_an_error_not_replaced(tmp_path):
    machine = FakeMachine(tmp_path)
    with pytest.raises(NoBrowser, match="CHROMIUM=/nowhere/chrome .*unset CHROMIUM"):
        setup_browser(machine, env={"CHROMIUM": "/nowhere/chrome"})
    assert machine.installs() == []


def test_root_with_apt_get_installs_debians_chromium(tmp_path):
    machine = FakeMachine(tmp_path)
    path = setup_browser(machine, euid=0)
    assert path == str(tmp_path / "usr" / "bin" / "chromium")
    assert machine.installs() == [["apt-get", "update", "-qq"],
                                  ["apt-get", "install", "-y", "-qq", "chromium", "fonts-dejavu-core"]]
    for cmd, kwargs in machine.calls:
        if cmd[0] == "apt-get":
            assert kwargs["env"]["DEBIAN_FRONTEND"] == "noninteractive"
    assert machine.log[-1] == f"browser test: installed Chromium 130.0.6723.91 at {path} (apt-get)"


def test_without_root_playwright_installs_its_chromium(tmp_path):
    machine = FakeMachine(tmp_path)
    path = setup_browser(machine, euid=1000)
    assert path == str(machine.playwright_chrome)  # the path Playwright reports
    assert machine.installs() == [PLAYWRIGHT_INSTALL]
    assert machine.log[-1] == f"browser test: installed Chromium 130.0.6723.91 at {path} (playwright install)"


def test_without_apt_get_playwright_installs_its_chromium(tmp_path):
    machine = FakeMachine(tmp_path, apt_get=False)
    assert setup_browser(machine, euid=0) == str(machine.playwright_chrome)
    assert machine.installs() == [PLAYWRIGHT_INSTALL]


def test_when_apt_get_fails_playwright_installs_its_chromium_and_libraries(tmp_path):
    machine = FakeMachine(tmp_path, apt_ok=False)
    assert setup_browser(machine, euid=0) == str(machine.playwright_chrome)
    assert machine.installs() == [["apt-get", "update", "-qq"], PLAYWRIGHT_INSTALL_WITH_DEPS]


def test_a_chromium_playwright_installed_before_is_used(tmp_path):
    machine = FakeMachine(tmp_path)
    _executable(machine.playwright_chrome)
    assert setup_browser(machine, euid=0) == str(machine.playwright_chrome)
    assert machine.installs() == []


def test_one_clear_error_when_both_installs_fail(tmp_path):
    machine = FakeMachine(tmp_path, apt_ok=False, playwright_ok=False)
    with pytest.raises(NoBrowser) as error:
        setup_browser(machine, euid=0)
    message = str(error.value)
    assert "Could not resolve 'deb.debian.org'" in message and "ENOTFOUND cdn.playwright.dev" in message
    assert "apt-get install chromium" in message
    assert f"{PYTHON} -m playwright install chromium" in message
    assert "CHROMIUM=/path/to/chrome" in message


def test_a_playwright_chromium_that_does_not_start_is_an_error(tmp_path):
    machine = FakeMachine(tmp_path, playwright_starts=False)
    with pytest.raises(NoBrowser, match="install-deps chromium"):
        setup_browser(machine, euid=1000)
    assert machine.installs() == [PLAYWRIGHT_INSTALL]


def test_nothing_is_installed_if_another_process_installed_a_browser_meanwhile(tmp_path, monkeypatch):
    machine = FakeMachine(tmp_path)
    finds = iter([None, ("/usr/bin/chromium", "Chromium 130")])
    monkeypatch.setattr(browser, "find_chromium", lambda *args: next(finds))
    assert setup_browser(machine) == "/usr/bin/chromium"
    assert machine.installs() == []


def test_main_prints_the_error_and_fails(monkeypatch, capsys):
    def no_browser():
        raise NoBrowser("no Chromium or Chrome for the browser test")
    monkeypatch.setattr(browser, "find_or_install_chromium", no_browser)
    assert browser.main() == 1
    assert capsys.readouterr().err == "error: no Chromium or Chrome for the browser test\n"
