#!/usr/bin/python3
# test-unlock-dialog.py - the passphrase dialog through AT-SPI: a wrong passphrase asks again
# and is never stored; the right one opens (STAND-IN helper) and "Remember in keyring" stores
# it in the real gnome-keyring
# SPDX-License-Identifier: GPL-3.0-or-later
import pyatspi

import cdigui

UUID = "0f6a9c1e-5555-4a2b-9c3d-eeeeeeeeeeee"


def fill_and_open(tap, d, dlg, text, remember):
    entry = cdigui.a11y_find(dlg, lambda n: n.getRoleName() == "password text"
                             and n.name == "Passphrase")
    check = cdigui.a11y_find(dlg, lambda n: n.getRoleName() == "check box"
                             and n.name == "Remember in keyring")
    tap.ok(entry is not None and check is not None,
           "the dialog has a named passphrase entry and Remember check box")
    entry.queryEditableText().setTextContents(text)
    if check.getState().contains(pyatspi.STATE_CHECKED) != remember:
        cdigui.a11y_click(check)
    d.iterate(0.3)
    return cdigui.a11y_button(dlg, "Open")


def test(tap, d):
    _, mp = d.add_disk("Vault", UUID)          # passphrase-source: ask
    d.set_passphrase("right horse")
    d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)

    d.click("Open Vault")
    tap.ok(d.wait_label("Opening Vault…", 5), "the menu says Opening while it asks")
    dlg = cdigui.a11y_window(d, app, "dialog", "Open Vault")
    tap.ok(dlg is not None, "Open asks for the passphrase in a dialog")
    button = fill_and_open(tap, d, dlg, "wrong horse", True)
    d.screenshot("dialog-unlock")
    cdigui.a11y_click(button)

    tap.ok(d.wait(lambda: len(d.helper_calls()) == 1, 5), "the helper ran once")
    tap.ok(d.helper_stdin(1) == b"wrong horse", "with the typed passphrase on stdin")
    dlg = cdigui.a11y_window(d, app, "dialog", "Open Vault")
    msg = dlg and d.wait(lambda: cdigui.a11y_find(
        dlg, lambda n: n.getRoleName() == "label" and n.name.startswith("Wrong passphrase")), 5)
    tap.ok(msg is not None, "a wrong passphrase asks again, saying why")
    d.iterate(0.3)
    d.screenshot("dialog-unlock-wrong-passphrase")
    tap.ok(d.lookup_secret(UUID) is None, "the wrong passphrase was not stored")
    tap.ok(not d.is_mounted(mp), "not open")

    button = fill_and_open(tap, d, dlg, "right horse", True)
    cdigui.a11y_click(button)
    tap.ok(d.wait_label("Close Vault", 10), "the right passphrase opens it", d.labels())
    tap.ok(d.wait(lambda: d.lookup_secret(UUID) == "right horse", 5),
           "Remember in keyring stored the right passphrase in the real keyring")
    tap.ok(d.wait(lambda: "passphrase-source=keyring" in d.registry(), 5),
           "and the disk now takes it from the keyring", d.registry())

    # Next time: from the keyring, no dialog
    d.click("Close Vault")
    d.wait_label("Open Vault")
    d.click("Open Vault")
    tap.ok(d.wait_label("Close Vault", 10), "reopens from the keyring without asking")
    tap.ok(d.helper_stdin(len(d.helper_calls())) == b"right horse", "keyring passphrase used")

    # Cancel leaves it closed
    d.click("Close Vault")
    d.wait_label("Open Vault")
    d.store_secret(UUID, "stale")
    d.click("Open Vault")
    dlg = cdigui.a11y_window(d, app, "dialog", "Open Vault")
    tap.ok(dlg is not None, "a keyring passphrase that fails asks in the dialog")
    if dlg:
        cdigui.a11y_click(cdigui.a11y_button(dlg, "Cancel"))
    tap.ok(d.wait_label("Open Vault", 5), "Cancel leaves it closed")
    tap.ok(d.lookup_secret(UUID) == "stale", "and the keyring untouched")


cdigui.run(test)
