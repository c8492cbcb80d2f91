#!/usr/bin/python3
# test-keyboard.py - the new dialogs by keyboard alone (real X key events through xdotool):
# mnemonics focus fields and press buttons, Return takes the default button, Escape cancels.
# The helper is the STAND-IN one: this host has no nbd and no dm-crypt.
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import shutil
import subprocess

import cdigui

PREFIX = "New Encrypted Disk: "


def focus(d, title):
    """Gives the X input focus to the window titled @title (there is no window manager)."""
    wid = d.wait(lambda: subprocess.run(["xdotool", "search", "--name", "^" + title],
                                        capture_output=True, text=True).stdout.split(), 5,
                 "X window %r" % title)
    if wid:
        subprocess.run(["xdotool", "windowfocus", "--sync", wid[-1]], check=False)
    d.iterate(0.3)
    return bool(wid)


def keys(d, *names):
    for name in names:
        subprocess.run(["xdotool", "key", "--clearmodifiers", name], check=False)
        d.iterate(0.3)


def type_text(d, text):
    subprocess.run(["xdotool", "type", "--delay", "15", text], check=False)
    d.iterate(0.3)


def test(tap, d):
    if shutil.which("xdotool") is None:
        tap.ok(True, "# SKIP xdotool is not installed")
        return
    good = os.path.join(d.home, "Kept.qcow2")
    cdigui.qcow2(good)
    cdigui.helper_knows(d, good, "0f6a9c1e-bbbb-4a2b-9c3d-000000000001")
    d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)

    # The assistant: Alt+A to the name, Return = Next, Alt+B = Back, Escape = Cancel
    d.click("New Encrypted Disk…")
    w = cdigui.a11y_window(d, app, "frame", PREFIX)
    tap.ok(w is not None and focus(d, PREFIX), "the assistant has the keyboard")
    keys(d, "alt+a")
    type_text(d, "Keys")
    name = cdigui.a11y_named(w, "Name", ("text",))
    tap.ok(cdigui.a11y_text(name) == "Keys", "Alt+A goes to the name, typing replaces it",
           cdigui.a11y_text(name))
    keys(d, "Return")
    tap.ok(d.wait(lambda: w.name == PREFIX + "Size", 5), "Return is Next", w.name)
    keys(d, "alt+n")
    tap.ok(d.wait(lambda: w.name == PREFIX + "Passphrase", 5), "so is Alt+N", w.name)
    keys(d, "alt+b")
    tap.ok(d.wait(lambda: w.name == PREFIX + "Size", 5), "Alt+B is Back", w.name)
    keys(d, "Escape")
    tap.ok(d.wait(lambda: cdigui.a11y_window(d, app, "frame", PREFIX, 0.3) is None, 5),
           "Escape cancels")
    tap.ok(d.helper_calls() == [] and cdigui.registry_groups(d) == {}, "leaving nothing")

    # The add dialog: Alt+I to the image, Return = Add
    d.click("Add Existing Image…")
    w = cdigui.a11y_window(d, app, "dialog", "Add Existing Image")
    tap.ok(w is not None and focus(d, "Add Existing Image"), "the add dialog has the keyboard")
    keys(d, "alt+i")
    type_text(d, good)
    tap.ok(d.wait(lambda: "An encrypted disk" in (cdigui.a11y_text(
        cdigui.a11y_named(w, "Check of the image", ("label",))) or ""), 10),
        "the typed image is checked")
    d.wait(lambda: cdigui.a11y_sensitive(cdigui.a11y_button(w, "Add")), 5, "Add usable")
    keys(d, "Return")
    tap.ok(d.wait(lambda: "Kept" in cdigui.registry_groups(d), 5), "Return adds it",
           cdigui.registry_groups(d))

    # The properties: Alt+W (Nowhere), Return = Save
    d.click("Properties of Kept…")
    w = cdigui.a11y_window(d, app, "dialog", "Properties of Kept")
    tap.ok(w is not None and focus(d, "Properties of Kept"), "the properties have the keyboard")
    keys(d, "alt+w")
    tap.ok(d.wait(lambda: cdigui.a11y_checked(
        cdigui.a11y_named(w, "Nowhere: ask for it every time")), 5), "Alt+W picks Nowhere")
    keys(d, "alt+s")
    tap.ok(d.wait(lambda: cdigui.registry_groups(d).get("Kept", {}).get("passphrase-source")
                  == "ask", 5), "Alt+S saves", cdigui.registry_groups(d))


cdigui.run(test)
