"""A Chromium or Chrome for the browser test: found on the machine, or installed.

Looked for, in order: $CHROMIUM (used as given, never replaced); a chromium or
chrome on PATH or at the usual places (not a snap's); a Chromium Playwright
installed earlier. Each must answer `--version`. When there is none, one is
installed:

1. as root where apt-get exists: Debian's `chromium` (and `fonts-dejavu-core`);
2. otherwise, or if that fails: Playwright's own Chromium
   (`python -m playwright install chromium`, into Playwright's default cache;
   `--with-deps` as root with apt-get, so that its system libraries come too),
   used at the path Playwright reports.

If both fail, one error says what to run. `make test` runs this file before
pytest, so that it prints which browser the test uses and installs at most once
(not in two pytest-xdist workers at a time); the browser fixture calls it too,
so that a plain `pytest` run also gets a browser. A file lock keeps two
processes from installing at the same time.
"""

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "_build" / ".browser-install.lock"
PATH_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
USUAL_PATHS = (
    "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
APT_UPDATE = ["apt-get", "update", "-qq"]
APT_INSTALL = ["apt-get", "install", "-y", "-qq", "chromium", "fonts-dejavu-core"]
PLAYWRIGHT_PATH = ("from playwright.sync_api import sync_playwright\n"
                   "with sync_playwright() as p:\n"
                   "    print(p.chromium.executable_path)")
INSTALL_TIMEOUT_S = 1800


class NoBrowser(RuntimeError):
    """No browser for the browser test, and none could be installed."""


def _tail(proc, lines=5):
    out = ((proc.stdout or "") + (proc.stderr or "")).strip().splitlines()
    return " | ".join(out[-lines:]) or f"exit status {proc.returncode}"


def _run(run, cmd, **kwargs):
    """run(cmd) with its output captured: (the finished process or None, what went wrong or None)."""
    try:
        proc = run(cmd, capture_output=True, text=True, **kwargs)
    except (OSError, subprocess.SubprocessError) as error:
        return None, str(error)
    return proc, None if proc.returncode == 0 else _tail(proc)


def browser_version(path, run=subprocess.run):
    """The browser's `--version` line, or None if it does not start."""
    if not (path and os.path.isfile(path) and os.access(path, os.X_OK)):
        return None
    proc, error = _run(run, [path, "--version"], timeout=60)
    return None if error else (proc.stdout.strip().splitlines() or [None])[-1]


def playwright_chromium(python=sys.executable, run=subprocess.run):
    """Where Playwright keeps (or would keep) its Chromium, or None."""
    proc, error = _run(run, [python, "-c", PLAYWRIGHT_PATH], timeout=120)
    return None if error else (proc.stdout.strip().splitlines() or [None])[-1]


def _snap(path):
    # A snap's browser cannot see the profile Playwright makes in /tmp: Playwright's own Chromium is used instead.
    return "/snap/" in path or os.path.realpath(path) == "/usr/bin/snap"


def find_chromium(env=None, which=shutil.which, run=subprocess.run, python=sys.executable, usual_paths=USUAL_PATHS):
    """(path, version) of a working browser already on this machine, or None."""
    env = os.environ if env is None else env
    if env.get("CHROMIUM"):
        path = env["CHROMIUM"]
        version = browser_version(path, run)
        if not version:
            raise NoBrowser(f"CHROMIUM={path} is not a Chromium or Chrome that starts (`{path} --version` fails): "
                            "fix the path, or unset CHROMIUM to have one found or installed")
        return path, version
    candidates = [which(name) for name in PATH_NAMES] + list(usual_paths)
    for path in dict.fromkeys(p for p in candidates if p and not _snap(p)):
        version = browser_version(path, run)
        if version:
            return path, version
    path = playwright_chromium(python, run)
    version = browser_version(path, run)
    return (path, version) if version else None


def _apt_install(run):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (APT_UPDATE, APT_INSTALL):
        _, error = _run(run, cmd, env=env, timeout=INSTALL_TIMEOUT_S)
        if error:
            return f"`{' '.join(cmd)}` failed: {error}"
    return None


@contextlib.contextmanager
def _install_lock(path):
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def find_or_install_chromium(env=None, which=shutil.which, run=None, euid=None, python=sys.executable,
                             usual_paths=USUAL_PATHS, lock=LOCK, log=print):
    """Path of a Chromium or Chrome for the browser test; installs one if there is none. Raises NoBrowser."""
    run = subprocess.run if run is None else run
    euid = (os.geteuid() if hasattr(os, "geteuid") else None) if euid is None else euid

    def find():
        return find_chromium(env, which, run, python, usual_paths)

    found = find()
    if found:
        log(f"browser test: {found[1]} at {found[0]}")
        return found[0]
    with _install_lock(lock):
        found = find()  # another process may have installed one while this one waited
        if found:
            log(f"browser test: {found[1]} at {found[0]}")
            return found[0]
        failures = []
        as_root_with_apt = euid == 0 and bool(which("apt-get"))
        if as_root_with_apt:
            log("browser test: no Chromium or Chrome found; installing Debian's chromium with apt-get ...")
            error = _apt_install(run)
            found = None if error else find()
            if found:
                log(f"browser test: installed {found[1]} at {found[0]} (apt-get)")
                return found[0]
            failures.append(error or "apt-get installed chromium, but no chromium that starts is on PATH")
        else:
            failures.append("apt-get: not tried (needs root and apt-get)")
        # As root with apt-get, Playwright also installs the system libraries its Chromium needs.
        install = [python, "-m", "playwright", "install"] + ["--with-deps"] * as_root_with_apt + ["chromium"]
        log(f"browser test: no Chromium or Chrome found; installing Playwright's Chromium (`{' '.join(install)}`, "
            "a download of about 150 MB) ...")
        _, error = _run(run, install, timeout=INSTALL_TIMEOUT_S)
        if not error:
            path = playwright_chromium(python, run)
            version = browser_version(path, run)
            if version:
                log(f"browser test: installed {version} at {path} (playwright install)")
                return path
            error = (f"Playwright installed its Chromium, but {path} does not start (missing system libraries? "
                     f"run `sudo {python} -m playwright install-deps chromium`)")
        else:
            error = f"`{' '.join(install)}` failed: {error}"
        failures.append(error)
    raise NoBrowser(
        "no Chromium or Chrome for the browser test, and installing one failed:\n"
        + "".join(f"  - {failure}\n" for failure in failures)
        + "Install one, then run `make test` again: `sudo apt-get install chromium fonts-dejavu-core` (Debian), "
        f"or `{python} -m playwright install chromium` (needs internet), "
        "or set CHROMIUM=/path/to/chrome to use a browser that is already there.")


def main():
    try:
        find_or_install_chromium()
    except NoBrowser as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
