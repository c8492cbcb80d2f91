#!/usr/bin/python3
# test-passphrase-chain.py - where Open takes the passphrase from: the real keyring first, then
# the disk's password command, then the dialog; a disk set to "ask every time" asks at once
# (STAND-IN helper: it records what arrives on its stdin)
# SPDX-License-Identifier: GPL-3.0-or-later
import cdigui

UUIDS = {"Cmd": "0f6a9c1e-6666-4a2b-9c3d-000000000001",
         "CmdOnly": "0f6a9c1e-6666-4a2b-9c3d-000000000002",
         "Key": "0f6a9c1e-6666-4a2b-9c3d-000000000003",
         "Ask": "0f6a9c1e-6666-4a2b-9c3d-000000000004",
         "Bare": "0f6a9c1e-6666-4a2b-9c3d-000000000005"}


def opened_with(tap, d, name, expected, what):
    n = len(d.helper_calls())
    d.click("Open " + name)
    ok = d.wait_label("Close " + name, 10)
    calls = d.helper_calls()
    tap.ok(ok and len(calls) == n + 1 and d.helper_stdin(n + 1) == expected, what,
           (d.labels(), calls[n:], d.helper_stdin(len(calls)) if len(calls) > n else None))
    d.click("Close " + name)
    d.wait_label("Open " + name, 10)


def test(tap, d):
    d.add_disk("Cmd", UUIDS["Cmd"], passphrase_source="command",
               password_command="printf cmd-pass")
    d.add_disk("CmdOnly", UUIDS["CmdOnly"], passphrase_source="command",
               password_command="printf cmd-only-pass")
    d.add_disk("Key", UUIDS["Key"], passphrase_source="keyring",
               password_command="printf key-fallback")
    d.add_disk("Ask", UUIDS["Ask"], passphrase_source="ask", password_command="printf nope")
    d.add_disk("Bare", UUIDS["Bare"], passphrase_source="keyring")
    d.store_secret(UUIDS["Cmd"], "cmd-keyring-pass")
    d.store_secret(UUIDS["Ask"], "ask-keyring-pass")
    d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)

    opened_with(tap, d, "Cmd", b"cmd-keyring-pass",
                "the keyring comes first, before the password command")
    opened_with(tap, d, "CmdOnly", b"cmd-only-pass",
                "nothing in the keyring: the password command's output")
    opened_with(tap, d, "Key", b"key-fallback",
                "a keyring disk with nothing stored falls back to its password command")

    d.click("Open Ask")
    dlg = cdigui.a11y_window(d, app, "dialog", "Open Ask")
    tap.ok(dlg is not None, "a disk set to ask every time asks, though the keyring has an item")
    if dlg:
        cdigui.a11y_click(cdigui.a11y_button(dlg, "Cancel"))
    tap.ok(d.wait_label("Open Ask", 5), "Cancel leaves it closed")

    n = len(d.helper_calls())
    d.click("Open Bare")
    dlg = cdigui.a11y_window(d, app, "dialog", "Open Bare")
    tap.ok(dlg is not None and len(d.helper_calls()) == n,
           "neither keyring item nor password command: the dialog, before any helper call")
    if dlg:
        cdigui.a11y_click(cdigui.a11y_button(dlg, "Cancel"))
    tap.ok(d.wait_label("Open Bare", 5), "Cancel leaves it closed")


cdigui.run(test)
