#!/usr/bin/python3
# test-create-cancel.py - "New Encrypted Disk…" cancelled on each page, and a creation that
# fails (the STAND-IN helper's format fails as told; this host has no nbd and no dm-crypt):
# no image file, no mount point folder, no registry entry and no keyring item are left
# SPDX-License-Identifier: GPL-3.0-or-later
import os

import cdigui

PREFIX = "New Encrypted Disk: "
PAGES = ["Name and Place", "Size", "Passphrase", "Options", "Summary"]


def page(d, w, title):
    return d.wait(lambda: w.name == PREFIX + title, 10, "page %r (now %r)" % (title, w.name))


def gone(d, app):
    return d.wait(lambda: not any(app.getChildAtIndex(i) is not None
                                  and app.getChildAtIndex(i).name.startswith(PREFIX)
                                  for i in range(app.childCount)), 10, "the assistant gone")


def left_behind(d, name, folder=True, keyring_before=()):
    """What a cancelled or failed creation of @name left: a list of descriptions."""
    data = os.environ.get("XDG_DATA_HOME", os.path.join(d.home, ".local", "share"))
    found = []
    for path in (os.path.join(data, "crypt-disk-image", name + ".qcow2"),
                 os.path.join(d.home, name)):
        if os.path.lexists(path):
            found.append(path)
    if folder and os.path.exists(os.path.join(data, "crypt-disk-image")):
        found.append("the image folder " + os.path.join(data, "crypt-disk-image"))
    if name in cdigui.registry_groups(d):
        found.append("registry entry " + name)
    found += [i for i in cdigui.keyring_items(d) if i not in keyring_before]
    return found


def walk_to(tap, d, app, name, last):
    """Opens the assistant and fills the pages up to @last (an index in PAGES)."""
    d.click("New Encrypted Disk…")
    w = cdigui.a11y_window(d, app, "frame", PREFIX + PAGES[0])
    if w is None or not page(d, w, PAGES[0]):
        return None
    cdigui.a11y_set_text(cdigui.a11y_named(w, "Name", ("text",)), name)
    d.iterate(0.2)
    for i in range(1, last + 1):
        nxt = cdigui.a11y_showing_button(w, "Next")
        d.wait(lambda: cdigui.a11y_sensitive(nxt), 5, "Next usable")
        cdigui.a11y_click(nxt)
        if not page(d, w, PAGES[i]):
            return None
        d.iterate(0.1)
    return w


def test(tap, d):
    d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)

    for i, title in enumerate(PAGES):
        name = "Cancel%d" % i
        w = walk_to(tap, d, app, name, i)
        tap.ok(w is not None, "the assistant reaches the %r page" % title)
        if w is None:
            continue
        if i == 2:
            # a typed passphrase and a command were there: cancel must keep none of them
            cdigui.a11y_click(cdigui.a11y_named(w, "From a password command:", ("radio button",)))
            cdigui.a11y_set_text(cdigui.a11y_named(w, "Password command", ("text",)),
                                 "printf secret")
        cdigui.a11y_click(cdigui.a11y_showing_button(w, "Cancel"))
        tap.ok(gone(d, app), "Cancel on %r closes it" % title)
        d.iterate(0.5)
        left = left_behind(d, name)
        tap.ok(left == [], "and leaves nothing behind", left)
        tap.ok(d.helper_calls() == [], "the helper never ran")

    # A creation that fails: the helper's format fails after the image file was made
    with open(os.path.join(d.helper_dir, "format.exit"), "w") as f:
        f.write("1")
    w = walk_to(tap, d, app, "Broken", 4)
    tap.ok(w is not None, "the assistant reaches the summary again")
    if w is None:
        return
    cdigui.a11y_click(cdigui.a11y_showing_button(w, "Apply"))
    tap.ok(page(d, w, "Summary"), "a failed creation goes back to the summary (STAND-IN helper "
                                   "failing as told)")
    err = cdigui.a11y_named(w, "Error", ("label",))
    text = cdigui.a11y_text(err) or ""
    tap.ok(cdigui.a11y_showing(err) and text.startswith("The disk was not created")
           and "Nothing was left behind" in text, "saying why, and that nothing was left", text)
    d.iterate(0.3)
    d.screenshot("wizard-5-summary-creation-failed")
    calls = d.helper_calls()
    tap.ok(len(calls) == 1 and calls[0].startswith("format "), "the helper's format ran once",
           calls)
    left = left_behind(d, "Broken")
    tap.ok(left == [], "and the image it had made is gone, nothing registered", left)

    # Trying again works once the helper works again
    os.unlink(os.path.join(d.helper_dir, "format.exit"))
    cdigui.a11y_click(cdigui.a11y_showing_button(w, "Apply"))
    tap.ok(page(d, w, "Done"), "Apply again creates the disk")
    tap.ok("Broken" in cdigui.registry_groups(d), "and registers it")
    cdigui.a11y_click(cdigui.a11y_named(w, "Open the disk now"))
    cdigui.a11y_click(cdigui.a11y_showing_button(w, "Close"))
    tap.ok(gone(d, app), "Close ends the assistant")
    d.iterate(0.5)
    tap.ok(d.wait_label("Open Broken", 5), "without opening the disk when that was unchecked",
           d.labels())

    # Cancel while the helper formats: it runs to its end, then what was made is removed
    with open(os.path.join(d.helper_dir, "format.delay"), "w") as f:
        f.write("2")
    before = cdigui.keyring_items(d)
    w = walk_to(tap, d, app, "Late", 4)
    if w is None:
        tap.ok(False, "the assistant reaches the summary a third time")
        return
    cdigui.a11y_click(cdigui.a11y_showing_button(w, "Apply"))
    page(d, w, "Creating")
    d.wait(lambda: len(d.helper_calls()) == 3, 5, "the third format")
    cancel = cdigui.a11y_showing_button(w, "Cancel")
    tap.ok(cancel is not None and cdigui.a11y_sensitive(cancel),
           "Cancel is offered while the helper formats")
    d.screenshot("wizard-6-progress-cancel")
    if cancel is not None:
        cdigui.a11y_click(cancel)
    tap.ok(gone(d, app), "Cancel during the creation closes the assistant")
    d.wait(lambda: not left_behind(d, "Late", False, before), 10, "the late cancel cleaned up")
    d.iterate(3)
    left = left_behind(d, "Late", False, before)
    tap.ok(left == [], "and once the helper is done, what it made is gone", left)


cdigui.run(test)
