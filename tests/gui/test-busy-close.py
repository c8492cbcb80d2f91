#!/usr/bin/python3
# test-busy-close.py - closing a disk that a program uses: the notification names the program,
# "Show programs" lists it, "Close when free" closes once it is gone (STAND-IN helper: a real
# umount of the test's tmpfs fails with EBUSY, as ext4 on dm-crypt would)
# SPDX-License-Identifier: GPL-3.0-or-later
import subprocess

import cdigui

UUID = "0f6a9c1e-4444-4a2b-9c3d-dddddddddddd"


def test(tap, d):
    _, mp = d.add_disk("Documents", UUID, passphrase_source="keyring")
    d.store_secret(UUID, "pw")
    d.start_applet(a11y=True)
    d.click("Open Documents")
    tap.ok(d.wait_label("Close Documents"), "opened")

    holder = subprocess.Popen(["sleep", "600"], cwd=mp)
    try:
        d.click("Close Documents")
        note = d.wait(lambda: d.find_notification(lambda n: n["summary"] == "Documents is in use"),
                      10, "busy notification")
        tap.ok(note is not None, "busy close gives a notification")
        tap.ok(note and "sleep (process %d)" % holder.pid in note["body"],
               "it names the program holding files", note and note["body"])
        tap.ok(note and {"Close when free", "Show programs"} <= set(note["actions"]),
               "with the actions Close when free and Show programs", note and note["actions"])
        tap.ok(d.is_mounted(mp) and "Close Documents" in d.labels(), "still open, not lazily")

        d.invoke_notification_action(note, "Show programs")
        app = cdigui.a11y_app(d)
        win = cdigui.a11y_window(d, app, ("alert", "dialog"), "Programs using")
        tap.ok(win is not None, "Show programs opens a window")
        text = cdigui.a11y_find(win, lambda n: n.getRoleName() == "label"
                                and "sleep (process %d)" % holder.pid in n.name) if win else None
        tap.ok(text is not None, "it lists the holding program")
        d.iterate(0.5)
        d.screenshot("dialog-show-programs")
        if win:
            cdigui.a11y_click(cdigui.a11y_button(win, "Close"))

        # The server closed that notification when its action ran (as real ones do): a
        # second Close gives a new one
        n_before = len(d.notifications)
        d.click("Close Documents")
        note = d.wait(lambda: len(d.notifications) > n_before and d.find_notification(
            lambda n: n["summary"] == "Documents is in use"), 10, "second busy notification")
        d.invoke_notification_action(note, "Close when free")
        tap.ok(d.wait_label("Close Documents Now (Waiting for Programs)", 5),
               "the menu says it waits", d.labels())
        tap.ok(d.props()["IconName"] == cdigui.APP_ID + "-problem-symbolic",
               "icon: a problem while waiting")
        d.iterate(4)
        tap.ok(d.is_mounted(mp), "still open while the program runs")
        # A lock while it waits tries once more, finds it busy, and it goes back to waiting
        def busy_notes():
            return [n for n in d.notifications
                    if n["summary"] in ("Documents is in use", "Documents will close when it is free")]
        n_busy = len(busy_notes())
        d.set_screensaver(True)
        tap.ok(d.wait(lambda: len(busy_notes()) > n_busy, 5),
               "a lock while it waits tries to close it again (busy again)")
        tap.ok(d.wait_label("Close Documents Now (Waiting for Programs)", 5),
               "and it waits again, not stuck on Closing…", d.labels())
        d.set_screensaver(False)
    finally:
        holder.kill()
        holder.wait()
    tap.ok(d.wait_label("Open Documents", 10), "closed once the program is gone", d.labels())
    tap.ok(d.wait(lambda: d.find_notification(lambda n: n["summary"] == "Documents is closed"), 5),
           "and a notification says so")
    tap.ok(not d.is_mounted(mp), "unmounted")
    closes = [c for c in d.helper_calls() if c.startswith("close")]
    tap.ok(len(closes) >= 2 and all(c == "close " + mp for c in closes),
           "retried plain closes, never lazy", closes)


cdigui.run(test)
