#!/usr/bin/python3
# test-add-dialog.py - "Add Existing Image…" through AT-SPI: the image is checked by the helper's
# inspect (the STAND-IN helper: this host has no nbd and no dm-crypt), a qcow2 without LUKS is
# refused with the reason, the name and mount point are proposed and checked live, and Add
# registers the disk with its UUID and passphrase source; Cancel registers nothing
# SPDX-License-Identifier: GPL-3.0-or-later
import os

import cdigui

UUID = "0f6a9c1e-9999-4a2b-9c3d-000000000042"


def text(w, name):
    return (cdigui.a11y_text(cdigui.a11y_named(w, name, ("label",))) or "").replace("\xa0", " ")


def test(tap, d):
    old_dir = os.path.join(d.home, "old")
    os.makedirs(old_dir)
    good = os.path.join(old_dir, "Old Disk.qcow2")
    cdigui.qcow2(good, "2G")
    cdigui.helper_knows(d, good, UUID)
    plain = os.path.join(old_dir, "plain.qcow2")
    cdigui.qcow2(plain, "1G")
    d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)

    # Cancel adds nothing
    tap.ok(d.click("Add Existing Image…"), "the menu has Add Existing Image…")
    w = cdigui.a11y_window(d, app, "dialog", "Add Existing Image")
    tap.ok(w is not None, "it opens the dialog")
    d.iterate(0.3)
    d.screenshot("dialog-add-empty")
    image = cdigui.a11y_named(w, "Image file", ("text",))
    cdigui.a11y_set_text(image, good)
    d.wait(lambda: "An encrypted disk" in text(w, "Check of the image"), 10, "inspected")
    cdigui.a11y_click(cdigui.a11y_button(w, "Cancel"))
    tap.ok(d.wait(lambda: cdigui.a11y_window(d, app, "dialog", "Add Existing Image", 0.5) is None,
                  5), "Cancel closes it")
    tap.ok(cdigui.registry_groups(d) == {}, "and registers nothing")

    d.click("Add Existing Image…")
    w = cdigui.a11y_window(d, app, "dialog", "Add Existing Image")
    image = cdigui.a11y_named(w, "Image file", ("text",))
    name = cdigui.a11y_named(w, "Name", ("text",))
    mount = cdigui.a11y_named(w, "Mount point", ("text",))
    add = cdigui.a11y_button(w, "Add")
    tap.ok(not cdigui.a11y_sensitive(add), "Add waits for a checked image")

    cdigui.a11y_set_text(image, plain)
    tap.ok(d.wait(lambda: "cannot be added" in text(w, "Check of the image"), 10),
           "a qcow2 without a LUKS header is refused, with the reason",
           text(w, "Check of the image"))
    tap.ok(not cdigui.a11y_sensitive(add), "and cannot be added")
    d.iterate(0.2)
    d.screenshot("dialog-add-not-luks")
    n = len(d.helper_calls())
    tap.ok(n >= 1 and d.helper_calls()[-1] == "inspect " + plain,
           "the check is the (stand-in) helper's inspect", d.helper_calls())

    cdigui.a11y_set_text(image, os.path.join(old_dir, "missing.qcow2"))
    tap.ok(d.wait(lambda: "does not exist" in text(w, "Check of the image"), 5),
           "a missing file is named as such")

    cdigui.a11y_set_text(image, good)
    tap.ok(d.wait(lambda: "An encrypted disk: LUKS2" in text(w, "Check of the image"), 10),
           "a LUKS image is shown as such", text(w, "Check of the image"))
    check = text(w, "Check of the image")
    tap.ok(UUID in check and "2.0 GiB" in check, "with its UUID and size", check)
    tap.ok(cdigui.a11y_text(name) == "Old-Disk", "the name comes from the file name",
           cdigui.a11y_text(name))
    tap.ok(cdigui.a11y_text(mount) == os.path.join(d.home, "Old-Disk"),
           "the mount point is ~/NAME", cdigui.a11y_text(mount))
    tap.ok(d.wait(lambda: cdigui.a11y_sensitive(add), 5), "Add can be used")

    full = os.path.join(d.home, "Full")
    os.makedirs(full)
    open(os.path.join(full, "x"), "w").close()
    cdigui.a11y_set_text(mount, full)
    tap.ok(d.wait(lambda: "is not empty" in text(w, "Check of the name and mount point"), 5)
           and not cdigui.a11y_sensitive(add), "a non-empty mount point is refused live")
    cdigui.a11y_set_text(name, "bad name")
    tap.ok(d.wait(lambda: "cannot be the name" in text(w, "Check of the name and mount point"),
                  5), "and so is an invalid name")
    d.iterate(0.2)
    d.screenshot("dialog-add-problems")
    cdigui.a11y_set_text(name, "Archive")
    cdigui.a11y_set_text(mount, "~/Archive")
    cdigui.a11y_click(cdigui.a11y_named(w, "From a password command:", ("radio button",)))
    cdigui.a11y_set_text(cdigui.a11y_named(w, "Password command", ("text",)), "pass show archive")
    tap.ok(d.wait(lambda: cdigui.a11y_sensitive(add), 5), "fixed, Add can be used again")
    tap.ok(cdigui.a11y_mnemonic(add).startswith("<Alt>"), "Add has a mnemonic")
    d.iterate(0.2)
    d.screenshot("dialog-add-ready")
    cdigui.a11y_click(add)
    tap.ok(d.wait(lambda: "Archive" in cdigui.registry_groups(d), 5), "Add registers the disk")
    disk = cdigui.registry_groups(d).get("Archive", {})
    tap.ok(disk.get("image") == good and disk.get("uuid") == UUID
           and disk.get("mountpoint") == os.path.join(d.home, "Archive")
           and disk.get("passphrase-source") == "command"
           and disk.get("password-command") == "pass show archive",
           "with the image, its UUID, the mount point and the password command", disk)
    tap.ok(d.wait_label("Open Archive", 5), "the menu lists it", d.labels())
    tap.ok(os.path.exists(good), "the image stays where it was")

    # The same image again is refused
    d.click("Add Existing Image…")
    w = cdigui.a11y_window(d, app, "dialog", "Add Existing Image")
    cdigui.a11y_set_text(cdigui.a11y_named(w, "Image file", ("text",)), good)
    tap.ok(d.wait(lambda: "already in the list" in text(w, "Check of the image"), 5),
           "an image already in the list is refused")
    cdigui.a11y_click(cdigui.a11y_button(w, "Cancel"))


cdigui.run(test)
