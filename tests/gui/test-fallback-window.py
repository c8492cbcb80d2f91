#!/usr/bin/python3
# test-fallback-window.py - no StatusNotifierWatcher: a second start opens the fallback window
# (same disks and buttons), the first start says once how to get the icon, and the icon
# registers when a watcher appears later (STAND-IN helper)
# SPDX-License-Identifier: GPL-3.0-or-later
import cdigui

UUID = "0f6a9c1e-7777-4a2b-9c3d-000000000007"


def test(tap, d):
    _, mp = d.add_disk("Documents", UUID, passphrase_source="keyring")
    d.store_secret(UUID, "pw")
    first = d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)
    second = d.start_applet(a11y=True, wait_bus=False)
    tap.ok(d.wait(lambda: second.poll() is not None, 10) and second.returncode == 0,
           "the second start hands over to the first and exits")
    win = cdigui.a11y_window(d, app, "frame", "Encrypted Disks")
    tap.ok(win is not None, "with no tray, a second start opens the fallback window")
    button = win and d.wait(lambda: cdigui.a11y_button(win, "Open Documents"), 5)
    tap.ok(button is not None, "it lists the registry's disk")
    for label in ("Close All", "New Encrypted Disk…", "Add Existing Image…", "Preferences",
                  "Quit"):
        tap.ok(win is not None and cdigui.a11y_button(win, label) is not None,
               "it has the button " + label)
    d.iterate(0.3)
    d.screenshot("fallback-window")
    if button:
        cdigui.a11y_click(button)
    tap.ok(d.wait(lambda: d.is_mounted(mp), 10), "its Open button opens the disk")
    tap.ok(d.wait(lambda: cdigui.a11y_button(win, "Close Documents"), 5) is not None,
           "and the window follows the state")
    d.iterate(0.3)
    d.screenshot("fallback-window-open")
    props = cdigui.a11y_button(win, "Properties of Documents")
    tap.ok(props is not None, "each disk has a Properties… button")
    if props:
        cdigui.a11y_click(props)
        dlg = cdigui.a11y_window(d, app, "dialog", "Properties of Documents")
        tap.ok(dlg is not None, "which opens the disk's properties")
        if dlg:
            cdigui.a11y_click(cdigui.a11y_button(dlg, "Cancel"))
    hint = d.wait(lambda: d.find_notification(lambda n: "no icon" in n["summary"]), 8)
    tap.ok(hint is not None and "AppIndicator" in hint["body"],
           "the first start says how to get the icon", hint)
    tap.ok(len([n for n in d.notifications if "no icon" in n["summary"]]) == 1, "once")

    tap.ok(not d.items, "nothing registered without a watcher")
    d.start_watcher()
    tap.ok(d.item() is not None, "the icon registers when a watcher appears late")
    tap.ok(d.wait_label("Close Documents", 5), "with the current menu", d.labels())
    tap.ok(first.poll() is None, "the first applet still runs")


cdigui.run(test, watcher=False)
