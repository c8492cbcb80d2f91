#!/usr/bin/python3
# test-locked-keyring.py - Open with the login keyring locked: the real gnome-keyring shows its
# real unlock prompt (gcr-prompter, answered through AT-SPI) and the disk opens with the stored
# passphrase; a dismissed prompt is not taken for "no passphrase stored": the passphrase dialog
# says the keyring stayed locked; the command-line tool unlocks through the same prompt (STAND-IN
# helper: this host has no nbd and no dm-crypt; everything on the keyring side is real)
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import subprocess

import pyatspi

import cdigui

UUID = "0f6a9c1e-8888-4a2b-9c3d-000000000001"
KEYRING_PASSWORD = os.environ.get("CDI_TEST_KEYRING_PASSWORD", "test-pw")


def kr(d, *args):
    return subprocess.run(["/usr/bin/python3", os.path.join(d.src, "tests", "kr-unlock.py")]
                          + list(args), capture_output=True, text=True).returncode


def prompt(d, timeout=20):
    """gnome-keyring's unlock prompt, once gcr-prompter shows it on the a11y bus."""
    def look():
        for app in pyatspi.Registry.getDesktop(0):
            if app and app.name == "gcr-prompter":
                dlg = cdigui.a11y_find(app, lambda n: n.getRoleName() == "dialog"
                                       and cdigui.a11y_showing(n))
                if dlg is not None:
                    return dlg
        return None
    return d.wait(look, timeout, "gcr-prompter's dialog")


def answer(dlg, password):
    pw = cdigui.a11y_find(dlg, lambda n: n.getRoleName() == "password text"
                          and n.getState().contains(pyatspi.STATE_SHOWING))
    pw.queryEditableText().setTextContents(password)
    cdigui.a11y_click(cdigui.a11y_find(dlg, lambda n: n.getRoleName() == "push button"
                                       and n.name.replace("_", "") == "Unlock"))


def cancel(dlg):
    cdigui.a11y_click(cdigui.a11y_find(dlg, lambda n: n.getRoleName() == "push button"
                                       and n.name.replace("_", "") == "Cancel"))


def test(tap, d):
    _, mp = d.add_disk("Documents", UUID, passphrase_source="keyring")
    d.store_secret(UUID, "kept in the keyring")
    # gcr-prompter is started by the bus: it needs the display in the bus's activation
    # environment (tests/keyring-session.sh keeps it out on purpose)
    subprocess.run(["dbus-update-activation-environment", "DISPLAY=" + os.environ["DISPLAY"]],
                   check=True)
    d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)

    # ---- the real prompt, answered ----
    tap.ok(kr(d, "lock") == 0, "the login keyring is locked")
    d.click("Open Documents")
    dlg = prompt(d)
    tap.ok(dlg is not None, "Open brings up gnome-keyring's own unlock prompt",
           dlg and dlg.name)
    if dlg is not None:
        d.iterate(0.3)
        d.screenshot("keyring-unlock-prompt")
        answer(dlg, KEYRING_PASSWORD)
    tap.ok(d.wait_label("Close Documents", 15), "unlocked there, the disk opens", d.labels())
    calls = d.helper_calls()
    tap.ok(calls and d.helper_stdin(len(calls)) == b"kept in the keyring",
           "with the passphrase from the keyring on the helper's stdin")
    d.click("Close Documents")
    d.wait_label("Open Documents", 10)

    # ---- the prompt dismissed: said so, not taken for a missing passphrase ----
    tap.ok(kr(d, "lock") == 0, "locked again")
    n = len(d.helper_calls())
    d.click("Open Documents")
    dlg = prompt(d)
    tap.ok(dlg is not None, "the prompt comes again")
    if dlg is not None:
        cancel(dlg)
    ask = cdigui.a11y_window(d, app, "dialog", "Open Documents", 15)
    msg = ask and d.wait(lambda: cdigui.a11y_find(
        ask, lambda n: n.getRoleName() == "label" and "keyring is locked" in (n.name or "")), 5)
    tap.ok(msg is not None, "the passphrase dialog says the keyring stayed locked",
           ask and "\n".join(cdigui.a11y_dump(ask)))
    tap.ok(len(d.helper_calls()) == n, "and the helper was not called")
    if ask:
        cdigui.a11y_click(cdigui.a11y_button(ask, "Cancel"))
    tap.ok(d.wait_label("Open Documents", 5), "Cancel leaves it closed")
    d.stop_applets()

    # ---- the command-line tool through the same prompt ----
    cli = os.path.join(d.build, "src", "crypt-disk-image")
    env = dict(d.applet_env)
    p = subprocess.Popen([cli, "open", "Documents"], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dlg = prompt(d)
    tap.ok(dlg is not None, "crypt-disk-image open brings up the same prompt")
    if dlg is not None:
        answer(dlg, KEYRING_PASSWORD)
    out, err = p.communicate(timeout=30)
    calls = d.helper_calls()
    tap.ok(p.returncode == 0 and calls[-1].startswith("open ")
           and d.helper_stdin(len(calls)) == b"kept in the keyring",
           "and opens with the keyring's passphrase", (p.returncode, err.decode()))
    subprocess.run(["umount", mp], check=False)   # the stand-in's mount; the session's files go next


cdigui.run(test)
