"""Measure start time and memory of the Streamlit baseline portal.

Run with the Python of the venv that has streamlit (it needs `requests` and
`websockets`, both streamlit dependencies) and a `chromium` on PATH:

    python measure.py --runs 5 --mode cold -- /tmp/stl/venv/bin/streamlit run portal.py
    python measure.py --runs 5 --mode warm -- /tmp/stl/venv/bin/streamlit run portal.py
    python measure.py --runs 5 --mode cold -- /tmp/stl/dist/centermind-portal

Everything after `--` is the command that starts the portal; the script
appends `--server.headless true --server.port <free port>
--browser.gatherUsageStats false` to it (the one-file launcher forwards
extra arguments to streamlit).

For each run it records, from the moment the command is launched
(time.monotonic() just before Popen):

  health  first HTTP 200 from /_stcore/health (polled every 10 ms)
  index   first HTTP 200 with the HTML page from /
  login   the login form is in the browser's DOM: a headless chromium that
          was started before the run (its own start is not counted) opens
          the page in a fresh browser context (no cache, no cookies); we poll
          the DOM every 20 ms until it has a password input and the
          "Ingresar" button. This is the first moment a user could type;
          it includes the websocket handshake and the first script run.
  visor   (measured from the click, not from launch) type the user and
          password, click "Ingresar", and wait until the visor page shows
          the Aprobar/Rechazar/Destacar buttons and the photo has loaded.
  cpu_to_login_s  user+system CPU seconds the launched process tree had
          used when the login form appeared (less sensitive than wall time
          to other jobs on the machine).
  reload_login_s  once the visor was measured, the page is opened again in a
          fresh browser context and timed from navigation to the login form:
          the browser-side share (download, JS, websocket, script run) with
          the server already warm.
  rss     sum of VmRSS (and of Pss from smaps_rollup) of the launched
          process and all its descendants, 3 s after the visor page loaded
          and its browser tab was closed (before the reload above).
  cpu_total_s  CPU seconds of the process tree at the end of the run.

--mode cold runs `sync; echo 3 > /proc/sys/vm/drop_caches` before each run
(needs root), then reads chromium's own files (/usr/lib/chromium and its
profile) back into the cache, so only the portal's side starts cold. Both modes first do one unmeasured run, which creates the
SQLite file and the photo (logging in does not change the data, so every
run sees the same pending exhibition).
Results go to stdout as one JSON line per run and a summary (median, min,
max) at the end.
"""

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import requests
import websockets

CDP_PORT = 9333
BROWSER_DIRS: list[str] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_pids(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_cpu(root: int) -> float:
    """User + system CPU seconds used so far by root and its live descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in tree_pids(root):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / tick


def tree_memory(root: int) -> tuple[int, int, int]:
    """(sum VmRSS KiB, sum Pss KiB, number of processes) of root's tree."""
    rss = pss = n = 0
    for p in tree_pids(root):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
            n += 1
        except OSError:
            pass
    return rss, pss, n


class CDP:
    """Just enough of the Chrome DevTools Protocol over one websocket."""

    def __init__(self, ws):
        self.ws = ws
        self.ids = itertools.count(1)

    @classmethod
    async def connect(cls):
        info = requests.get(f"http://127.0.0.1:{CDP_PORT}/json/version", timeout=5).json()
        ws = await websockets.connect(info["webSocketDebuggerUrl"], max_size=None)
        return cls(ws)

    async def call(self, method, session=None, **params):
        mid = next(self.ids)
        msg = {"id": mid, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        await self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(await self.ws.recv())
            if reply.get("id") == mid:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    async def eval(self, session, expr):
        r = await self.call("Runtime.evaluate", session, expression=expr, returnByValue=True)
        return r.get("result", {}).get("value")


LOGIN_READY = (
    "!!document.querySelector('input[type=password]') && "
    "[...document.querySelectorAll('button')].some(b => b.innerText.includes('Ingresar'))"
)
VISOR_READY = (
    "(() => { const t = [...document.querySelectorAll('button')].map(b => b.innerText);"
    " const img = document.querySelector('[data-testid=stImage] img, img[src*=media]');"
    " return ['Aprobar','Rechazar','Destacar'].every(x => t.some(s => s.includes(x)))"
    "  && !!img && img.complete && img.naturalWidth > 0; })()"
)


async def poll(cdp, session, expr, deadline, every=0.02):
    while time.monotonic() < deadline:
        try:
            if await cdp.eval(session, expr):
                return time.monotonic()
        except RuntimeError:
            pass
        await asyncio.sleep(every)
    raise TimeoutError(expr[:40])


async def type_into(cdp, session, selector, text):
    await cdp.eval(session, f"document.querySelector({json.dumps(selector)}).focus()")
    await cdp.call("Input.insertText", session, text=text)


async def new_page(cdp):
    ctx = (await cdp.call("Target.createBrowserContext"))["browserContextId"]
    target = (await cdp.call("Target.createTarget", url="about:blank", browserContextId=ctx))["targetId"]
    session = (await cdp.call("Target.attachToTarget", targetId=target, flatten=True))["sessionId"]
    await cdp.call("Network.enable", session)
    await cdp.call("Network.setCacheDisabled", session, cacheDisabled=True)
    return ctx, target, session


async def close_page(cdp, ctx, target):
    await cdp.call("Target.closeTarget", targetId=target)
    await cdp.call("Target.disposeBrowserContext", browserContextId=ctx)


async def browser_part(url, t0, timeout, pid):
    cdp = await CDP.connect()
    ctx, target, session = await new_page(cdp)
    await cdp.call("Page.navigate", session, url=url)
    deadline = time.monotonic() + timeout
    t_login = await poll(cdp, session, LOGIN_READY, deadline)
    cpu_login = tree_cpu(pid)
    await type_into(cdp, session, "input[type=text], input:not([type])", "supervisor")
    await type_into(cdp, session, "input[type=password]", "supervisor")
    # Streamlit commits text inputs on blur/enter; give React one frame.
    await asyncio.sleep(0.05)
    t_click = time.monotonic()
    await cdp.eval(
        session,
        "[...document.querySelectorAll('button')].find(b => b.innerText.includes('Ingresar')).click()",
    )
    t_visor = await poll(cdp, session, VISOR_READY, time.monotonic() + timeout)
    res = {"login_s": t_login - t0, "cpu_to_login_s": cpu_login,
           "visor_after_click_s": t_visor - t_click}
    await close_page(cdp, ctx, target)
    # idle memory after one page load (and one login)
    await asyncio.sleep(3)
    rss, pss, n = tree_memory(pid)
    res.update({"rss_mib": rss / 1024, "pss_mib": pss / 1024, "procs": n})
    # the same page again in a fresh browser context, server already warm:
    # what the browser side (download + JS + websocket + script run) costs
    ctx, target, session = await new_page(cdp)
    t1 = time.monotonic()
    await cdp.call("Page.navigate", session, url=url)
    res["reload_login_s"] = await poll(cdp, session, LOGIN_READY, t1 + timeout) - t1
    await close_page(cdp, ctx, target)
    await cdp.ws.close()
    return res


def start_browser():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    profile = tempfile.mkdtemp(prefix="stl-chromium-")
    BROWSER_DIRS.extend([profile, "/usr/lib/chromium", "/usr/share/chromium"])
    proc = subprocess.Popen(
        [exe, "--headless=new", "--no-sandbox", "--disable-gpu",
         f"--remote-debugging-port={CDP_PORT}", f"--user-data-dir={profile}",
         "--no-first-run", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{CDP_PORT}/json/version", timeout=1)
            return proc
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("chromium did not start")


def one_run(cmd, timeout, data_dir):
    port = free_port()
    full = cmd + ["--server.headless", "true", "--server.port", str(port),
                  "--browser.gatherUsageStats", "false"]
    env = dict(os.environ, CM_BASELINE_DATA=data_dir)
    load = open("/proc/loadavg").read().split()[:3]
    t0 = time.monotonic()
    proc = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = t0 + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"exited with {proc.returncode}")
            try:
                if requests.get(base + "/_stcore/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("health")
            time.sleep(0.01)
        t_health = time.monotonic()
        r = requests.get(base + "/", timeout=10)
        assert r.status_code == 200 and "<html" in r.text.lower(), r.status_code
        t_index = time.monotonic()
        res = {"load": load, "health_s": t_health - t0, "index_s": t_index - t0}
        res.update(asyncio.run(browser_part(base + "/", t0, timeout, proc.pid)))
        res["cpu_total_s"] = tree_cpu(proc.pid)
        return res
    finally:
        # SIGTERM the whole process group (the one-file exe has a child).
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def drop_caches(keep_warm):
    """Empty the page cache, then read the browser's own files back in, so
    that a cold run measures a cold Python/Streamlit, not a cold chromium."""
    subprocess.run(["sync"], check=True)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")
    for top in keep_warm:
        for d, _, files in os.walk(top):
            for name in files:
                try:
                    with open(os.path.join(d, name), "rb") as f:
                        while f.read(1 << 20):
                            pass
                except OSError:
                    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--mode", choices=["cold", "warm"], default="warm")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    data_dir = tempfile.mkdtemp(prefix="stl-data-")
    browser = start_browser()
    results = []
    try:
        # unmeasured first run: creates the SQLite file and the photo (the
        # old portal's database already existed) and, for warm, fills caches
        one_run(cmd, a.timeout, data_dir)
        for i in range(a.runs):
            if a.mode == "cold":
                drop_caches(BROWSER_DIRS)
                time.sleep(1)
            res = one_run(cmd, a.timeout, data_dir)
            res["run"] = i + 1
            res["mode"] = a.mode
            print(json.dumps(res), flush=True)
            results.append(res)
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        browser.wait()
    print("summary", a.mode, " ".join(cmd))
    for k in ["health_s", "index_s", "login_s", "cpu_to_login_s", "visor_after_click_s",
              "reload_login_s", "rss_mib", "pss_mib", "procs", "cpu_total_s"]:
        v = [r[k] for r in results]
        print(f"  {k:22s} median {statistics.median(v):8.3f}  min {min(v):8.3f}  max {max(v):8.3f}  n={len(v)}")
    print("  load averages seen:", [r["load"][0] for r in results])


if __name__ == "__main__":
    sys.exit(main())
