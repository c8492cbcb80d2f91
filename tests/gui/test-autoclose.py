#!/usr/bin/python3
# test-autoclose.py - auto-close: the screensaver's ActiveChanged(true) closes the disks whose
# rule says so and leaves the others; idle disks close after their (test-shortened) minutes,
# activity postpones it (STAND-IN helper)
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import time

import cdigui

SECONDS_PER_MINUTE = 2


def test(tap, d):
    disks = {
        "Documents": d.add_disk("Documents", "0f6a9c1e-6666-4a2b-9c3d-000000000001",
                                passphrase_source="command", password_command="printf pw")[1],
        "Photos": d.add_disk("Photos", "0f6a9c1e-6666-4a2b-9c3d-000000000002",
                             passphrase_source="command", password_command="printf pw",
                             close_on_lock="false")[1],
        "Scratch": d.add_disk("Scratch", "0f6a9c1e-6666-4a2b-9c3d-000000000003",
                              passphrase_source="command", password_command="printf pw",
                              close_on_lock="false", close_when_idle_minutes="2")[1],
    }
    d.start_applet(extra_env={"CDI_TEST_SECONDS_PER_MINUTE": str(SECONDS_PER_MINUTE)})
    for name in disks:
        d.click("Open " + name)
        tap.ok(d.wait_label("Close " + name, 5), "opened " + name)

    d.set_screensaver(True)
    tap.ok(d.wait_label("Open Documents", 5), "lock closes the disk with the default rule")
    tap.ok(not d.is_mounted(disks["Documents"]), "Documents unmounted")
    tap.ok(d.is_mounted(disks["Photos"]) and "Close Photos" in d.labels(),
           "a disk with close-on-lock=false stays open")
    d.set_screensaver(False)

    # Scratch: 2 "minutes" of SECONDS_PER_MINUTE without I/O; writing keeps it open
    t_end = time.monotonic() + 4 * SECONDS_PER_MINUTE
    i = 0
    while time.monotonic() < t_end:
        with open(os.path.join(disks["Scratch"], "f%d" % i), "w") as f:
            f.write("x" * 8192 * (i + 1))
        i += 1
        d.iterate(0.7)
    tap.ok("Close Scratch" in d.labels(), "activity keeps an idle-rule disk open")
    tap.ok(d.wait_label("Open Scratch", 6 * SECONDS_PER_MINUTE),
           "with no activity it closes after its idle time", d.labels())
    note = d.find_notification(lambda n: n["summary"] == "Scratch is closed")
    tap.ok(note is not None and "nothing used it" in note["body"], "a notification says why")
    tap.ok("Close Photos" in d.labels(), "a disk without an idle rule stays open")

    # Lock while a program holds the disk: close when free, with a notification
    d.click("Open Documents")
    d.wait_label("Close Documents")
    import subprocess
    holder = subprocess.Popen(["sleep", "600"], cwd=disks["Documents"])
    try:
        d.set_screensaver(True)
        note = d.wait(lambda: d.find_notification(
            lambda n: n["summary"] == "Documents will close when it is free"), 10)
        tap.ok(note is not None, "busy at lock time: a notification says it closes when free")
        tap.ok(d.wait_label("Close Documents Now (Waiting for Programs)", 5), "and it waits")
    finally:
        holder.kill()
        holder.wait()
    tap.ok(d.wait_label("Open Documents", 10), "closed once the program is gone")
    d.set_screensaver(False)

    # Each screensaver interface alone is enough (desktops own one or the other)
    for name in ("org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"):
        d.click("Open Documents")
        tap.ok(d.wait_label("Close Documents", 5), "reopened Documents")
        d.set_screensaver(True, only=name)
        tap.ok(d.wait_label("Open Documents", 5), "ActiveChanged(true) of %s alone closes it" % name)
        d.set_screensaver(False, only=name)
        d.iterate(0.3)


cdigui.run(test)
