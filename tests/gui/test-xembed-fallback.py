#!/usr/bin/python3
# test-xembed-fallback.py - no StatusNotifierWatcher but a real XEmbed tray (trayer): the
# indicator's GtkStatusIcon fallback docks there; a left click opens and closes the default
# disk (STAND-IN helper), the right click shows the menu, the middle click toggles too, and
# with no default disk a left click shows the menu
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import shutil
import subprocess
import sys

import cdigui

UUID = "0f6a9c1e-9999-4a2b-9c3d-000000000009"
APPLET_CLASS = "crypt-disk-image-applet"

# trayer is the XEmbed tray host Debian 12 has (stalonetray is not in bookworm); it owns
# _NET_SYSTEM_TRAY_S0 and embeds the icons it is sent, as a panel's notification area does
TRAYER = ["trayer", "--edge", "top", "--align", "left", "--widthtype", "request",
          "--height", "32", "--SetDockType", "false", "--SetPartialStrut", "false"]


def x(*args):
    r = subprocess.run(args, capture_output=True, text=True)
    return r.stdout


def visible_applet_windows():
    return set(x("xdotool", "search", "--onlyvisible", "--class", APPLET_CLASS).split())


def tray_icon():
    """(window, x, y, width, height) of the applet's window embedded in the tray, or None."""
    for wid in visible_applet_windows():
        tree = x("xwininfo", "-children", "-id", wid)
        parent = re.search(r"Parent window id: (0x[0-9a-f]+)", tree)
        root = re.search(r"Root window id: (0x[0-9a-f]+)", tree)
        nums = {k: int(v) for k, v in re.findall(
            r"(Absolute upper-left X|Absolute upper-left Y|Width|Height):\s+(-?\d+)",
            x("xwininfo", "-id", wid))}
        # embedded: its parent is the tray's socket, not the root window
        if parent and root and parent.group(1) != root.group(1) and len(nums) == 4:
            return (wid, nums["Absolute upper-left X"], nums["Absolute upper-left Y"],
                    nums["Width"], nums["Height"])
    return None


def click(d, button):
    """A real pointer click (XTEST) in the middle of the docked icon."""
    icon = tray_icon()
    if icon is None:
        d.log("no docked icon to click")
        return
    _, ix, iy, w, h = icon
    # no --sync: it waits for the pointer to move, up to 15 s when it is already there; the
    # server handles the XTEST motion before the click all the same
    subprocess.run(["xdotool", "mousemove", str(ix + w // 2), str(iy + h // 2),
                    "click", str(button)], check=True)
    d.log("button %d clicked on the tray icon" % button)


def opens_and_closes(d):
    return [c for c in d.helper_calls() if c.split()[:1] in (["open"], ["close"])]


def popups():
    """The applet's visible windows other than the docked icon: a popped-up menu."""
    icon = tray_icon()
    return visible_applet_windows() - {icon[0] if icon else None}


def menu_entry(app):
    """The tray menu's disk entry, if it is showing (AT-SPI)."""
    return cdigui.a11y_named(app, "Open Documents", roles=("menu item",), showing=True)


def dismiss_menu(d):
    subprocess.run(["xdotool", "key", "Escape"], check=False)
    return d.wait(lambda: not popups(), 5, "the menu to close")


def start(tap, d, what):
    p = d.start_applet(a11y=True)
    icon = d.wait(lambda: tray_icon(), 15, "the icon docked in the tray")
    tap.ok(icon is not None, "with no StatusNotifierWatcher the icon docks in the XEmbed tray"
           + what, x("xwininfo", "-root", "-tree"))
    d.iterate(0.5)   # the icon's first draw
    return p, icon is not None


def test(tap, d):
    _, mp = d.add_disk("Documents", UUID, passphrase_source="keyring", default="true")
    d.store_secret(UUID, "doc pass")
    log = os.path.join(d.home, "trayer.log")
    with open(log, "w") as out:
        tray = subprocess.Popen(TRAYER, stdout=out, stderr=subprocess.STDOUT)
    try:
        run_with_tray(tap, d, mp)
    finally:
        if tray.poll() is not None:
            d.log("trayer exited with", tray.returncode)
        tray.terminate()
        tray.wait(5)
        with open(log) as f:
            print("# ---- trayer.log\n# " + f.read().replace("\n", "\n# "), flush=True)


def run_with_tray(tap, d, mp):
    tap.ok(d.wait(lambda: x("xdotool", "search", "--onlyvisible", "--class", "trayer"), 20,
                  "trayer's panel"), "trayer runs")
    applet, docked = start(tap, d, "")
    if not docked:
        return
    app = cdigui.a11y_app(d)
    d.screenshot("xembed-tray")
    tap.ok(not d.items, "nothing registered over StatusNotifierItem")

    # Left click: what the middle click does, the default disk opens (keyring -> helper)
    click(d, 1)
    tap.ok(d.wait(lambda: d.is_mounted(mp), 10), "a left click opens the default disk",
           d.helper_calls())
    calls = d.helper_calls()
    tap.ok(opens_and_closes(d) == ["open %s.qcow2 %s" % (mp, mp)],
           "through one open call to the stand-in helper", calls)
    tap.ok(d.helper_stdin(len(calls)) == b"doc pass", "with the keyring's passphrase")
    tap.ok(not popups(), "and shows no menu")

    # Left click again: it closes
    d.iterate(0.5)
    click(d, 1)
    tap.ok(d.wait(lambda: not d.is_mounted(mp), 10), "a second left click closes it",
           d.helper_calls())
    tap.ok(opens_and_closes(d)[-1:] == ["close " + mp], "through the helper's close",
           d.helper_calls())

    # Right click: the menu, and no disk changes
    n = len(opens_and_closes(d))
    click(d, 3)
    tap.ok(len(d.wait(popups, 10, "a popup window")) == 1,
           "a right click pops up a window of the applet")
    tap.ok(d.wait(lambda: menu_entry(app), 10) is not None, "the tray menu, with the disk",
           "\n".join(cdigui.a11y_dump(app)))
    d.iterate(0.3)
    d.screenshot("xembed-tray-menu")
    tap.ok(len(opens_and_closes(d)) == n and not d.is_mounted(mp), "and opens nothing")
    tap.ok(dismiss_menu(d), "Escape closes the menu")

    # Middle click: the same toggle as over StatusNotifierItem
    d.iterate(0.3)
    click(d, 2)
    tap.ok(d.wait(lambda: d.is_mounted(mp), 10), "a middle click opens the default disk too")
    d.iterate(0.5)
    click(d, 1)
    tap.ok(d.wait(lambda: not d.is_mounted(mp), 10), "and a left click closes it again")

    # No default disk: a left click shows the menu, as before
    d.stop_applets()
    tap.ok(applet.poll() is not None, "the applet stops")
    path = os.path.join(d.home, ".config", "crypt-disk-image", "disks.conf")
    with open(path) as f:
        conf = f.read()
    with open(path, "w") as f:
        f.write(conf.replace("default=true\n", ""))
    _, docked = start(tap, d, " again")
    if not docked:
        return
    app = cdigui.a11y_app(d)
    n = len(opens_and_closes(d))
    click(d, 1)
    tap.ok(d.wait(popups, 10, "a popup window") and d.wait(lambda: menu_entry(app), 10),
           "with no default disk a left click shows the menu")
    d.iterate(0.5)
    tap.ok(len(opens_and_closes(d)) == n and not d.is_mounted(mp), "and opens nothing",
           d.helper_calls())
    tap.ok(dismiss_menu(d), "Escape closes it")


for tool in ("trayer", "xdotool", "xwininfo"):
    if shutil.which(tool) is None:
        print("1..0 # SKIP %s is not installed (Debian: apt install trayer xdotool x11-utils)"
              % tool, flush=True)
        sys.exit(77)

cdigui.run(test, watcher=False)
