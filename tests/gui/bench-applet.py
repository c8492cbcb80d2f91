#!/usr/bin/python3
# bench-applet.py - memory and start-up of the idle applet with 5 disks, beside a floor: a minimal
# C AppIndicator with a menu of the same length (STAND-IN helper; no disk is opened)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run inside session.sh (Xvfb, private session bus, gnome-keyring), as `meson test --benchmark
applet-memory` does. The process plays the StatusNotifier watcher (cdigui.Desktop) and records
when each RegisterStatusNotifierItem arrives.

1. Builds the floor, tests/gui/bench-indicator-floor.c, with cc and pkg-config
   (ayatana-appindicator3-0.1) into the session's temp dir.
2. Registers 5 disks (closed; passphrase by command) and starts the applet once to read its
   top-level menu; the floor is then given the same entries (labels and separators, in order).
3. One uncounted warm-up of each, then CDI_BENCH_RUNS (default 5) runs of each, interleaved.
   Each run: exec -> RegisterStatusNotifierItem received by the watcher (start-up time); then
   the watcher acts as a tray host (GetAll of the item's properties, GetLayout of its menu);
   then CDI_BENCH_SETTLE seconds (default 3) idle; then Pss from /proc/PID/smaps_rollup and
   RssAnon from /proc/PID/status; then SIGTERM.
4. Prints the medians as a table: metric, applet, floor, ratio, target (1.2x), met?

Exit status: 0 when everything was measured (whether or not the targets are met), 1 when a
measurement failed; with CDI_BENCH_STRICT=1 also 1 when a target is missed."""
import os
import signal
import statistics
import subprocess
import sys
import time

from gi.repository import GLib

import cdigui

RUNS = int(os.environ.get("CDI_BENCH_RUNS", "5"))
SETTLE = float(os.environ.get("CDI_BENCH_SETTLE", "3"))
TARGET = 1.2
DISKS = ["Documents", "Photos", "Music", "Work", "Archive"]


class BenchDesktop(cdigui.Desktop):
    """cdigui's desktop; the watcher also notes when each registration arrived."""

    def __init__(self):
        self.registrations = []      # (time.monotonic(), sender)
        super().__init__()

    def _on_watcher_call(self, conn, sender, path, iface, method, params, inv):
        if method == "RegisterStatusNotifierItem":
            self.registrations.append((time.monotonic(), sender))
        super()._on_watcher_call(conn, sender, path, iface, method, params, inv)

    def wait_registration(self, timeout):
        """Blocks in the main loop (no polling delay) until a registration came in."""
        ctx = GLib.MainContext.default()
        wake = GLib.timeout_add(50, lambda: True)
        end = time.monotonic() + timeout
        try:
            while not self.registrations and time.monotonic() < end:
                ctx.iteration(True)
        finally:
            GLib.source_remove(wake)
        return self.registrations[0][0] if self.registrations else None


def build_floor(work):
    src = os.path.join(os.environ["CDI_SOURCE_DIR"], "tests", "gui", "bench-indicator-floor.c")
    out = os.path.join(work, "bench-indicator-floor")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "ayatana-appindicator3-0.1"],
                           capture_output=True, text=True, check=True).stdout.split()
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-o", out, src] + flags, check=True)
    return out


def kib(path, key):
    with open(path) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError("%s in %s" % (key, path))


def one_run(d, argv, env, log_name):
    """Returns {startup_ms, pss, rss_anon, menu} for one start of argv."""
    d.items.clear()
    d.registrations.clear()
    log = open(os.path.join(d.home, log_name), "w")
    t0 = time.monotonic()
    p = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        t_reg = d.wait_registration(20)
        if t_reg is None:
            raise RuntimeError("%s never registered with the watcher" % argv[0])
        # a tray host reads the item and its menu
        d.props()
        menu = d.menu()
        d.iterate(SETTLE)
        if p.poll() is not None:
            raise RuntimeError("%s exited (%s) while idle" % (argv[0], p.returncode))
        return {"startup_ms": (t_reg - t0) * 1000.0,
                "pss": kib("/proc/%d/smaps_rollup" % p.pid, "Pss"),
                "rss_anon": kib("/proc/%d/status" % p.pid, "RssAnon"),
                "menu": menu}
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        log.close()
        d.iterate(0.2)


def main():
    d = BenchDesktop()
    work = os.environ.get("CDI_GUI_WORK", d.home)
    floor = build_floor(work)
    for i, name in enumerate(DISKS):
        d.add_disk(name, "0f6a9c1e-7777-4a2b-9c3d-%012d" % (i + 1),
                   passphrase_source="command", password_command="printf pw")

    env = dict(os.environ)
    env.update({"CDI_HELPER": os.path.join(d.src, "tests", "gui", "stand-in-helper.sh"),
                "CDI_FAKE_HELPER_DIR": d.helper_dir,
                "GSETTINGS_BACKEND": "memory",
                "GSETTINGS_SCHEMA_DIR": os.path.join(d.build, "data"),
                "NO_AT_BRIDGE": "1"})
    env.pop("G_DEBUG", None)
    applet = [os.path.join(d.build, "src", "crypt-disk-image-applet")]

    first = one_run(d, applet, env, "applet-warmup.log")
    entries = ["-" if p.get("type") == "separator" else label for _, label, p in first["menu"]]
    print("# applet menu (%d entries): %s" % (len(entries), entries), flush=True)
    floor_argv = [floor, "Encrypted Disks: 0 of 5 open"] + entries
    floor_first = one_run(d, floor_argv, env, "floor-warmup.log")
    print("# floor menu (%d entries)" % len(floor_first["menu"]), flush=True)
    same = len(floor_first["menu"]) == len(first["menu"])

    runs = {"applet": [], "floor": []}
    for i in range(RUNS):
        runs["applet"].append(one_run(d, applet, env, "applet-%d.log" % i))
        runs["floor"].append(one_run(d, floor_argv, env, "floor-%d.log" % i))
    for kind in ("applet", "floor"):
        for r in runs[kind]:
            print("# %-6s start-up %7.1f ms  Pss %6d KiB  RssAnon %6d KiB"
                  % (kind, r["startup_ms"], r["pss"], r["rss_anon"]))

    rows = []
    for key, label in (("pss", "Pss (KiB, smaps_rollup)"),
                       ("rss_anon", "RssAnon (KiB, status)"),
                       ("startup_ms", "start-up: exec -> SNI registered (ms)")):
        a = statistics.median(r[key] for r in runs["applet"])
        f = statistics.median(r[key] for r in runs["floor"])
        ratio = a / f if f else float("inf")
        rows.append((label, a, f, ratio, ratio <= TARGET))

    print("\napplet: idle, 5 disks registered (closed), stand-in helper; floor: minimal C "
          "AppIndicator, same %d menu entries%s; medians of %d runs, %.0f s idle"
          % (len(entries), "" if same else " (LENGTHS DIFFER)", RUNS, SETTLE))
    head = ("metric", "applet", "floor", "ratio", "target", "met?")
    fmt = "%-38s %10s %10s %7s %7s %5s"
    print(fmt % head)
    for label, a, f, ratio, met in rows:
        print(fmt % (label, "%.1f" % a, "%.1f" % f, "%.2fx" % ratio, "%.1fx" % TARGET,
                     "yes" if met else "NO"))
    sys.stdout.flush()
    d.stop_applets()
    if not same:
        return 1
    if os.environ.get("CDI_BENCH_STRICT") == "1" and not all(r[4] for r in rows):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
