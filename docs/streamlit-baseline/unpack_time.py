"""Time from launching the one-file exe until its bootloader has unpacked the
archive and started the Python child process (PyInstaller one-file on Linux:
parent unpacks to /tmp/_MEIxxxx, then forks the real program)."""
import os, signal, statistics, subprocess, sys, time
exe = sys.argv[1]; n = int(sys.argv[2]) if len(sys.argv) > 2 else 7
out = []
for i in range(n):
    t0 = time.monotonic()
    p = subprocess.Popen([exe, "--server.headless", "true", "--server.port", str(8700 + i),
                          "--browser.gatherUsageStats", "false"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    child = None
    while child is None:
        try:
            kids = open(f"/proc/{p.pid}/task/{p.pid}/children").read().split()
        except OSError:
            kids = []
        if kids:
            child = kids[0]
        else:
            time.sleep(0.005)
    t = time.monotonic() - t0
    out.append(t)
    print(f"run {i+1}: child started after {t:.3f} s  load {open('/proc/loadavg').read().split()[0]}", flush=True)
    time.sleep(1)
    os.killpg(p.pid, signal.SIGTERM); p.wait()
    time.sleep(1)
print(f"median {statistics.median(out):.3f} min {min(out):.3f} max {max(out):.3f} n={n}")
