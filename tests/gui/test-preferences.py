#!/usr/bin/python3
# test-preferences.py - the preferences dialog (AT-SPI): autostart file on and off, setting
# switches; and New Encrypted Disk… opening its assistant (test-create-assistant.py drives it)
# SPDX-License-Identifier: GPL-3.0-or-later
import os

import pyatspi

import cdigui


def test(tap, d):
    d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)
    autostart = os.path.join(d.home, ".config", "autostart", cdigui.APP_ID + ".desktop")

    d.click("Preferences")
    dlg = cdigui.a11y_window(d, app, "dialog", "Encrypted Disks Preferences")
    tap.ok(dlg is not None, "Preferences opens the dialog")
    names = ["Show files after opening a disk", "Show notifications",
             "Close disks when the screen locks", "Close disks before the computer sleeps",
             "Close disks when you log out", "Start at login"]
    for name in names:
        tap.ok(dlg is not None and cdigui.a11y_find(dlg, lambda n: n.name == name) is not None,
               "a control named %r" % name)
    tap.ok(dlg is not None and cdigui.a11y_find(
        dlg, lambda n: n.getRoleName() == "spin button"
        and n.name == "Minutes without use before closing") is not None, "the idle minutes")
    d.iterate(0.3)
    d.screenshot("dialog-preferences")

    sw = cdigui.a11y_find(dlg, lambda n: n.name == "Start at login")
    tap.ok(not os.path.exists(autostart), "no autostart file at first")
    cdigui.a11y_click(sw)
    tap.ok(d.wait(lambda: os.path.exists(autostart), 5), "turning it on writes the file")
    text = open(autostart).read() if os.path.exists(autostart) else ""
    tap.ok("X-GNOME-Autostart-enabled=true" in text and "Exec=crypt-disk-image-applet" in text,
           "with X-GNOME-Autostart-enabled and the applet", text)
    cdigui.a11y_click(sw)
    tap.ok(d.wait(lambda: not os.path.exists(autostart), 5), "turning it off removes it")

    files = cdigui.a11y_find(dlg, lambda n: n.name == "Show files after opening a disk")
    was = files.getState().contains(pyatspi.STATE_CHECKED)
    cdigui.a11y_click(files)
    tap.ok(d.wait(lambda: files.getState().contains(pyatspi.STATE_CHECKED) != was, 5),
           "a setting switch toggles")

    d.click("New Encrypted Disk…")
    wizard = cdigui.a11y_window(d, app, "frame", "New Encrypted Disk")
    tap.ok(wizard is not None, "New Encrypted Disk… opens the assistant")


cdigui.run(test)
