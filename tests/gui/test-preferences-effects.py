#!/usr/bin/python3
# test-preferences-effects.py - what the preferences change, seen from outside: "Show files"
# off opens no folder, "Show notifications" off sends no "is open" notification, the lock rule
# off keeps disks open on lock; and with no FileManager1 on the bus, the folder opens in the
# default handler for directories (a test .desktop file that records its argument) (STAND-IN
# helper: this host has no nbd and no dm-crypt)
# SPDX-License-Identifier: GPL-3.0-or-later
import os

import cdigui

UUID = "0f6a9c1e-7777-4a2b-9c3d-000000000001"


def install_directory_handler(d):
    """A default application for inode/directory that appends its URI to a file."""
    marker = os.path.join(d.home, "opened-folders")
    apps = os.path.join(d.home, ".local", "share", "applications")
    os.makedirs(apps, exist_ok=True)
    with open(os.path.join(apps, "cdi-test-folder-handler.desktop"), "w") as f:
        f.write("[Desktop Entry]\nType=Application\nName=Test folder handler\n"
                "Exec=/bin/sh -c 'echo \"$1\" >> %s' sh %%u\n"
                "MimeType=inode/directory;\nNoDisplay=true\n" % marker)
    conf = os.path.join(d.home, ".config")
    os.makedirs(conf, exist_ok=True)
    with open(os.path.join(conf, "mimeapps.list"), "w") as f:
        f.write("[Default Applications]\ninode/directory=cdi-test-folder-handler.desktop\n")
    return marker


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def switch(d, dlg, name):
    node = cdigui.a11y_find(dlg, lambda n: n.name == name)
    was = cdigui.a11y_checked(node)
    cdigui.a11y_click(node)
    return d.wait(lambda: cdigui.a11y_checked(node) != was, 5)


def test(tap, d):
    _, mp = d.add_disk("Documents", UUID, passphrase_source="keyring")
    d.store_secret(UUID, "pw")
    marker = install_directory_handler(d)
    d.start_applet(a11y=True, extra_env={"XDG_DATA_DIRS": "/usr/share"})
    app = cdigui.a11y_app(d)

    # ---- defaults: the folder opens (here through the default handler), a notification ----
    d.click("Open Documents")
    tap.ok(d.wait_label("Close Documents", 10), "opened")
    tap.ok(d.wait(lambda: mp in read(marker), 10),
           "no FileManager1 on the bus: the default handler for folders opens it", read(marker))
    tap.ok(d.wait(lambda: d.find_notification(lambda n: n["summary"] == "Documents is open"), 5),
           "a notification says it is open")
    d.click("Close Documents")
    tap.ok(d.wait_label("Open Documents", 10), "closed")

    # ---- switched off in Preferences ----
    d.click("Preferences")
    dlg = cdigui.a11y_window(d, app, "dialog", "Encrypted Disks Preferences")
    for name in ("Show files after opening a disk", "Show notifications",
                 "Close disks when the screen locks"):
        tap.ok(dlg is not None and switch(d, dlg, name), "%r switched off" % name)
    opened_before = read(marker)
    notes_before = len(d.notifications)
    d.click("Open Documents")
    tap.ok(d.wait_label("Close Documents", 10), "opened again")
    d.iterate(2)
    tap.ok(read(marker) == opened_before, "Show files off: no folder is opened")
    tap.ok(len(d.notifications) == notes_before, "Show notifications off: no notification",
           d.notifications[notes_before:])
    d.set_screensaver(True)
    d.iterate(2)
    tap.ok("Close Documents" in d.labels() and d.is_mounted(mp),
           "the lock rule off in Preferences: a lock leaves it open")
    d.set_screensaver(False)
    d.click("Close Documents")
    tap.ok(d.wait_label("Open Documents", 10), "closed from the menu")


cdigui.run(test, file_manager=False)
