#!/usr/bin/python3
# test-quit.py - quitting the applet (SIGTERM, as a session's end sends it, and the menu's Quit):
# open disks close by the logout rule before it exits; a busy one is said to stay open, with no
# "Close when free" that nobody would carry out, and is never lazily unmounted (STAND-IN helper:
# this host has no nbd and no dm-crypt)
# SPDX-License-Identifier: GPL-3.0-or-later
import signal
import subprocess

import cdigui

UUIDS = {"Documents": "0f6a9c1e-5555-4a2b-9c3d-000000000001",
         "Photos": "0f6a9c1e-5555-4a2b-9c3d-000000000002",
         "Busy": "0f6a9c1e-5555-4a2b-9c3d-000000000003"}


def test(tap, d):
    mps = {}
    for name, uuid in UUIDS.items():
        keys = {"passphrase_source": "keyring"}
        if name == "Photos":
            keys["close_on_logout"] = "false"
        _, mps[name] = d.add_disk(name, uuid, **keys)
        d.store_secret(uuid, name + " pass")
    applet = d.start_applet()
    for name in UUIDS:
        d.click("Open " + name)
        tap.ok(d.wait_label("Close " + name, 10), "%s opened" % name)

    holder = subprocess.Popen(["sleep", "600"], cwd=mps["Busy"])
    try:
        applet.send_signal(signal.SIGTERM)
        tap.ok(d.wait(lambda: applet.poll() is not None, 20), "SIGTERM ends the applet",
               applet.poll())
        tap.ok(not d.is_mounted(mps["Documents"]), "a disk with the logout rule was closed first")
        note = d.find_notification(lambda n: n["summary"] == "Documents is closed")
        tap.ok(note is not None and "tray applet quit" in note["body"],
               "a notification says why it was closed", d.notifications)
        tap.ok(d.is_mounted(mps["Photos"]), "a disk with close-on-logout=false stays open")
        tap.ok(d.is_mounted(mps["Busy"]), "the busy disk stays open (never lazily unmounted)")
        note = d.find_notification(lambda n: n["summary"] == "Busy stays open")
        tap.ok(note is not None and "sleep (process %d)" % holder.pid in note["body"]
               and "Nothing will close it later" in note["body"],
               "a notification says the busy disk stays open and why", d.notifications)
        tap.ok(note is not None and "Close when free" not in note["actions"],
               "without a Close when free that nobody would carry out",
               note and note["actions"])
        tap.ok(d.find_notification(lambda n: n["summary"] == "Busy will close when it is free")
               is None, "and no promise to close it when free")
    finally:
        holder.kill()
        holder.wait()

    # The menu's Quit does the same
    applet = d.start_applet()
    tap.ok(d.wait_label("Close Busy", 10) and d.wait_label("Close Photos", 10),
           "a new applet sees the disks still open (mount table)", d.labels())
    d.click("Quit")
    tap.ok(d.wait(lambda: applet.poll() is not None, 20), "Quit ends the applet")
    tap.ok(not d.is_mounted(mps["Busy"]), "closing the now free disk on the way")
    tap.ok(d.is_mounted(mps["Photos"]), "the disk without the logout rule stays open")
    subprocess.run(["umount", mps["Photos"]], check=False)   # the session's files go next


cdigui.run(test)
