"""Shared parts of the browser tests: the real app (``python app.py`` on a free loopback port) and a real
Chromium page logged in to it, with helpers to ask a question and read the answer.

Needs Debian's Chromium (/usr/bin/chromium), a CJK font (fonts-wqy-microhei) and the ``playwright``
Python package (never ``playwright install``). Screenshots go to artifacts/screenshots/ (git-ignored).
The fixtures ``server`` and ``browser_page`` (tests/conftest.py) start one app and one page per session;
``app_server`` and ``logged_in_page`` start others (another knowledge base, another login).
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

try:
    from playwright import sync_api
except ImportError:                                  # pragma: no cover - depends on the machine
    sync_api = None

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("PLANQA_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "artifacts" / "screenshots"
USER, PASSWORD = "cadre", "test-Pw-2025"
START_TIMEOUT_S = 240
XSS = "<script>alert(1)</script> 和 <img src=x onerror=alert(1)> 是什么？"



def _missing() -> str | None:
    if sync_api is None:
        return "pip install playwright (the Python package only; never `playwright install`)"
    if not CHROMIUM.exists():
        return "apt-get install -y chromium fonts-wqy-microhei"
    fonts = subprocess.run(["fc-list", ":lang=zh"], check=False, capture_output=True, text=True) if shutil.which("fc-list") else None
    if fonts is not None and not fonts.stdout.strip():
        return "apt-get install -y fonts-wqy-microhei (a CJK font, or Chinese renders as boxes)"
    return None


MISSING = _missing()
# Skipped on a developer machine without a browser; in CI (CI=true) a missing browser is a failure.
BROWSER_SKIP = pytest.mark.skipif(bool(MISSING) and not os.environ.get("CI"), reason=str(MISSING))

TTFT_JS = """
() => {
  window.__ttft = {t0: null, t1: null};
  const box = document.querySelector('#question textarea');
  box.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.__ttft.t0 = performance.now(); },
                       {capture: true, once: true});
  const n = document.querySelectorAll('#transcript .msg.bot').length;
  const obs = new MutationObserver(() => {
    const bots = document.querySelectorAll('#transcript .msg.bot');
    const last = bots[bots.length - 1];
    if (window.__ttft.t0 !== null && bots.length > n && last &&
        last.querySelector('.answer.streaming, .answer:not(.pending)') && last.innerText.trim()) {
      window.__ttft.t1 = performance.now();
      obs.disconnect();
    }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, payload: dict, auth: tuple[str, str] | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@contextmanager
def app_server(log: Path, users: str = f"{USER}:{PASSWORD}", **env_extra: str):
    """Run ``python app.py`` on a free loopback port with login ``users`` (PLANQA_USERS) and any further
    environment (e.g. PLANQA_KB, PLANQA_CACHE); yields {"base", "port", "log"}; stops the app after."""
    if MISSING:
        pytest.fail(f"browser tests need: {MISSING}")
    port = free_port()
    env = dict(os.environ, PLANQA_USERS=users, PYTHONUNBUFFERED="1", **env_extra)
    env.pop("PLANQA_USERS_FILE", None)
    started = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - started > START_TIMEOUT_S:
                pytest.fail(f"app did not answer within {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        print(f"\n[browser] app start to first HTTP answer: {time.perf_counter() - started:.1f} s")
        text = log.read_text()
        assert "正在加载模型与索引" in text
        assert PASSWORD not in text                       # credentials are never logged
        yield {"base": base, "port": port, "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chromium():
    """Launch Debian's Chromium headless through Playwright (never ``playwright install``); yields the
    Browser. One per session: Playwright's sync API cannot run twice in one thread."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@contextmanager
def logged_in_page(server: dict, browser, user: str = USER, password: str = PASSWORD):
    """A page of ``browser`` (its own context: own cookies) logged in to ``server``; yields {"page",
    "requests", "dialogs", "errors", **server}."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    requests, dialogs, errors = [], [], []
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                  accept_downloads=True)
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(30_000)
        page.goto(server["base"] + "/")
        page.locator("input[type=password]").wait_for()
        page.screenshot(path=str(SHOTS / "0-login.png"))
        page.locator("input[type=text]").first.fill(user)
        page.locator("input[type=password]").fill(password)
        page.locator("input[type=password]").press("Enter")
        page.locator("#question textarea").wait_for()
        yield {"page": page, "requests": requests, "dialogs": dialogs, "errors": errors, **server}
    finally:
        context.close()


def ask(page, question: str) -> float:
    """Type a question, press Enter, wait for the finished answer; returns the in-page time to first text."""
    page.evaluate(TTFT_JS)
    done = "#transcript .answer-meta, #transcript .answer.error"
    n, asked = page.locator(done).count(), page.locator("#transcript .msg.user").count()
    box = page.locator("#question textarea")
    if not box.is_visible():                         # another test file left the page on another tab
        page.get_by_role("tab", name="智能问答").click()
    box.fill(question)
    box.press("Enter")
    try:
        page.wait_for_function(f"document.querySelectorAll('#transcript .msg.user').length > {asked}",
                               timeout=10_000)
    except sync_api.TimeoutError:                    # the keypress was not taken up: say so, use the button
        page.screenshot(path=str(SHOTS / "debug-enter-ignored.png"))
        print(f"\n[browser] WARNING: Enter did not submit {question!r}; clicking 发送")
        page.locator("#send").click()
    page.wait_for_function(f"document.querySelectorAll('{done}').length > {n}", timeout=60_000)
    ttft = page.evaluate("window.__ttft.t1 !== null ? window.__ttft.t1 - window.__ttft.t0 : null")
    return ttft / 1000 if ttft is not None else float("nan")


def last_answer(page):
    return page.locator("#transcript .msg.bot").last


def download(page, selector: str, path: Path) -> Path:
    """Click the download button ``selector``, check the file is a .docx and save it to ``path``."""
    with page.expect_download() as info:
        page.locator(selector).click()
    assert info.value.suggested_filename.endswith(".docx"), info.value.suggested_filename
    info.value.save_as(path)
    return path
