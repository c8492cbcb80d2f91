#!/usr/bin/python3
# test-properties-dialog.py - a disk's Properties… through AT-SPI: settings saved to the
# registry, renaming, Change Passphrase… (wrong, then right; the real keyring follows), Grow…
# (a real qcow2 grows through qemu-img), Reclaim Space Now (bytes from the helper's "trimmed"
# record), Back Up Header… (through the real file chooser) and Remove from List… (the image
# stays; deleting it takes a second confirmation). The helper is the STAND-IN one: this host
# has no nbd and no dm-crypt.
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import stat

import cdigui

UUID = "0f6a9c1e-aaaa-4a2b-9c3d-000000000001"
UUID2 = "0f6a9c1e-aaaa-4a2b-9c3d-000000000002"


def text(w, name):
    return (cdigui.a11y_text(cdigui.a11y_named(w, name, ("label",))) or "").replace("\xa0", " ")


def select(combo, label):
    """Chooses the entry @label of a combo box through its AtkSelection."""
    menu = combo.getChildAtIndex(0)
    for i in range(menu.childCount):
        if menu.getChildAtIndex(i).name == label:
            combo.querySelection().selectChild(i)
            return True
    return False


def properties(d, app, name):
    d.click("Properties of %s…" % name)
    return cdigui.a11y_window(d, app, "dialog", "Properties of " + name)


def closed(d, app, title):
    return d.wait(lambda: cdigui.a11y_window(d, app, ("dialog", "alert"), title, 0.3) is None, 5,
                  "%r closed" % title)


def test(tap, d):
    image, mp = cdigui.add_qcow2_disk(d, "Vault", UUID, "1G", passphrase_source="keyring")
    image2, mp2 = cdigui.add_qcow2_disk(d, "Scratch", UUID2, "1G", passphrase_source="keyring")
    d.store_secret(UUID, "old horse")
    d.store_secret(UUID2, "scratch horse")
    d.set_passphrase("old horse")
    d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)

    # ---- settings ----
    tap.ok(d.wait_label("Properties of Vault…", 5), "the menu has Properties… per disk",
           d.labels())
    w = properties(d, app, "Vault")
    tap.ok(w is not None, "it opens the disk's properties")
    tap.ok(cdigui.a11y_text(cdigui.a11y_named(w, "Name", ("text",))) == "Vault"
           and text(w, "Image file") == image
           and cdigui.a11y_text(cdigui.a11y_named(w, "Mount point", ("text",))) == mp,
           "showing its name, image and mount point")
    tap.ok(cdigui.a11y_checked(cdigui.a11y_named(w, "In the keyring")), "and its passphrase source")
    trim_now = cdigui.a11y_button(w, "Reclaim Space Now")
    tap.ok(trim_now is not None and not cdigui.a11y_sensitive(trim_now),
           "Reclaim Space Now waits for the disk to be open")
    for label in ("Change Passphrase…", "Grow…", "Back Up Header…", "Remove from List…", "Save"):
        b = cdigui.a11y_button(w, label)
        tap.ok(b is not None and cdigui.a11y_mnemonic(b).startswith("<Alt>"),
               "%r is there, with a mnemonic" % label)
    d.iterate(0.3)
    d.screenshot("dialog-properties")

    tap.ok(select(cdigui.a11y_named(w, "Close when the screen locks", ("combo box",)), "No"),
           "the lock rule can be set to No")
    select(cdigui.a11y_named(w, "Close when you log out", ("combo box",)), "Yes")
    cdigui.a11y_click(cdigui.a11y_named(w, "Reclaim space when files are deleted (trim)"))
    login = cdigui.a11y_named(w, "Open at login")
    tap.ok(login is not None and not cdigui.a11y_checked(login), "Open at login is off")
    cdigui.a11y_click(login)
    cdigui.a11y_set_text(cdigui.a11y_named(w, "Name", ("text",)), "Scratch")
    tap.ok(d.wait(lambda: "already a disk named" in text(w, "Check of the name and mount point"),
                  5) and not cdigui.a11y_sensitive(cdigui.a11y_button(w, "Save")),
           "renaming to a name in use is refused live")
    cdigui.a11y_set_text(cdigui.a11y_named(w, "Name", ("text",)), "Safe")
    d.wait(lambda: cdigui.a11y_sensitive(cdigui.a11y_button(w, "Save")), 5, "Save usable")
    cdigui.a11y_click(cdigui.a11y_button(w, "Save"))
    tap.ok(closed(d, app, "Properties of Vault"), "Save closes the dialog")
    groups = cdigui.registry_groups(d)
    disk = groups.get("Safe", {})
    tap.ok("Vault" not in groups and disk.get("image") == image and disk.get("uuid") == UUID,
           "the disk is renamed in the registry, with its image and UUID", groups)
    tap.ok(disk.get("close-on-lock") == "false" and disk.get("close-on-logout") == "true"
           and disk.get("trim") == "false", "the rules and trimming are saved", disk)
    tap.ok(disk.get("open-at-login") == "true"
           and "open-at-login" not in groups.get("Scratch", {})
           and not os.path.exists(os.path.join(d.home, ".config", "crypt-disk-image",
                                               "login.conf")),
           "opening at login is a key of the renamed disk's group", disk)
    tap.ok(d.wait_label("Open Safe", 5), "the menu shows the new name", d.labels())

    # ---- change passphrase ----
    w = properties(d, app, "Safe")
    cdigui.a11y_click(cdigui.a11y_button(w, "Change Passphrase…"))
    p = cdigui.a11y_window(d, app, "dialog", "Change Passphrase of Safe")
    tap.ok(p is not None, "Change Passphrase… asks for the current and new passphrase")
    old = cdigui.a11y_named(p, "Current passphrase", ("password text",))
    new = cdigui.a11y_named(p, "New passphrase", ("password text",))
    again = cdigui.a11y_named(p, "New passphrase again", ("password text",))
    cdigui.a11y_set_text(old, "wrong horse")
    cdigui.a11y_set_text(new, "new horse staple battery")
    cdigui.a11y_set_text(again, "new horse staple battery")
    d.iterate(0.2)
    cdigui.a11y_click(cdigui.a11y_button(p, "Change"))
    tap.ok(d.wait(lambda: "current passphrase is wrong" in text(p, "Message"), 10),
           "a wrong current passphrase is said to be wrong", text(p, "Message"))
    d.iterate(0.2)
    d.screenshot("dialog-change-passphrase-wrong")
    tap.ok(d.lookup_secret(UUID) == "old horse", "and changes nothing in the keyring")
    cdigui.a11y_set_text(old, "old horse")
    cdigui.a11y_set_text(new, "new horse staple battery")
    cdigui.a11y_set_text(again, "new horse staple battery")
    d.iterate(0.2)
    cdigui.a11y_click(cdigui.a11y_button(p, "Change"))
    tap.ok(closed(d, app, "Change Passphrase of Safe"), "the right one changes it")
    tap.ok(d.wait(lambda: "passphrase was changed" in text(w, "Result"), 5),
           "the properties say so", text(w, "Result"))
    calls = d.helper_calls()
    tap.ok(calls[-1] == "passwd " + image, "through the (stand-in) helper's passwd", calls)
    frame = d.helper_stdin(len(calls))
    tap.ok(frame == b"9:old horsenew horse staple battery", "old and new framed on stdin", frame)
    tap.ok(d.wait(lambda: d.lookup_secret(UUID) == "new horse staple battery", 5),
           "the real keyring holds the new passphrase")

    # ---- grow (closed: qemu-img resize as the user) ----
    cdigui.a11y_click(cdigui.a11y_button(w, "Grow…"))
    g = cdigui.a11y_window(d, app, "dialog", "Grow Safe")
    tap.ok(g is not None and "The maximum size is 1.0 GiB now" in text(g, "Current size"),
           "Grow… shows the current maximum size", g and text(g, "Current size"))
    spin = cdigui.a11y_named(g, "New maximum size in GiB", ("spin button",))
    spin.queryValue().currentValue = 0.5
    tap.ok(d.wait(lambda: "only grows" in text(g, "Message"), 5)
           and not cdigui.a11y_sensitive(cdigui.a11y_button(g, "Grow")), "it never shrinks")
    spin.queryValue().currentValue = 3.0
    d.wait(lambda: cdigui.a11y_sensitive(cdigui.a11y_button(g, "Grow")), 5, "Grow usable")
    d.iterate(0.2)
    d.screenshot("dialog-grow")
    cdigui.a11y_click(cdigui.a11y_button(g, "Grow"))
    tap.ok(closed(d, app, "Grow Safe"), "Grow grows")
    tap.ok(d.wait(lambda: "can now hold up to 3.0 GiB" in text(w, "Result"), 5),
           "the properties say to what", text(w, "Result"))
    tap.ok(cdigui.virtual_size(image) == 3 << 30, "the qcow2 image is 3 GiB now")

    # ---- back up header (the real GTK file chooser) ----
    dest = os.path.join(d.home, "safe-header.img")
    cdigui.a11y_click(cdigui.a11y_button(w, "Back Up Header…"))
    fc = cdigui.a11y_window(d, app, ("dialog", "file chooser"), "Back Up Header of Safe")
    tap.ok(fc is not None, "Back Up Header… asks where, in a file chooser")
    if fc is not None:
        entry = cdigui.a11y_find(fc, lambda n: n.getRoleName() == "text"
                                 and cdigui.a11y_showing(n)
                                 and (cdigui.a11y_text(n) or "").endswith("-luks-header.img"))
        tap.ok(entry is not None, "proposing NAME-luks-header.img")
        d.iterate(0.3)
        d.screenshot("dialog-backup-header-chooser")
        if entry is not None:
            cdigui.a11y_set_text(entry, dest)
            d.iterate(0.2)
            cdigui.a11y_click(cdigui.a11y_showing_button(fc, "Save"))
    tap.ok(d.wait(lambda: "header was saved" in text(w, "Result"), 10),
           "the header is saved", text(w, "Result"))
    data = open(dest, "rb").read() if os.path.exists(dest) else b""
    tap.ok(data.startswith(b"LUKS\xba\xbe") and UUID.encode() in data
           and stat.S_IMODE(os.stat(dest).st_mode) == 0o600,
           "to a new file, mode 0600, with what the (stand-in) helper's backup-header sent")

    # ---- reclaim space: only while open ----
    cdigui.a11y_click(cdigui.a11y_button(w, "Cancel"))
    d.set_passphrase("new horse staple battery")
    d.click("Open Safe")
    tap.ok(d.wait_label("Close Safe", 10), "the disk opens with the new passphrase")
    w = properties(d, app, "Safe")
    trim_now = cdigui.a11y_button(w, "Reclaim Space Now")
    tap.ok(d.wait(lambda: cdigui.a11y_sensitive(trim_now), 5), "open, space can be reclaimed")
    tap.ok(not cdigui.a11y_sensitive(cdigui.a11y_named(w, "Name", ("text",)))
           and not cdigui.a11y_sensitive(cdigui.a11y_button(w, "Remove from List…")),
           "but it cannot be renamed or removed")
    with open(os.path.join(d.helper_dir, "trim.bytes"), "w") as f:
        f.write(str(5 << 20))
    cdigui.a11y_click(trim_now)
    tap.ok(d.wait(lambda: "Reclaimed 5.0 MiB" in text(w, "Result"), 10),
           "Reclaim Space Now shows the bytes of the helper's trimmed record", text(w, "Result"))
    tap.ok(d.helper_calls()[-1] == "trim " + mp, "from the (stand-in) helper's trim")
    d.iterate(0.2)
    d.screenshot("dialog-properties-open-reclaimed")
    cdigui.a11y_click(cdigui.a11y_button(w, "Grow…"))
    g = cdigui.a11y_window(d, app, "dialog", "Grow Safe")
    tap.ok(g is not None and "grows now" in text(g, "Message"),
           "Grow… of an open disk says it grows at once", g and text(g, "Message"))
    if g is not None:
        cdigui.a11y_named(g, "New maximum size in GiB", ("spin button",)).queryValue() \
            .currentValue = 4.0
        d.wait(lambda: cdigui.a11y_sensitive(cdigui.a11y_button(g, "Grow")), 5, "Grow usable")
        cdigui.a11y_click(cdigui.a11y_button(g, "Grow"))
    tap.ok(d.wait(lambda: "can now hold up to 4.0 GiB" in text(w, "Result"), 10),
           "an open disk grows", text(w, "Result"))
    tap.ok(d.helper_calls()[-1] == "grow %s %d" % (image, 4 << 30),
           "through the (stand-in) helper's grow", d.helper_calls()[-1])
    cdigui.a11y_click(cdigui.a11y_button(w, "Cancel"))
    d.click("Close Safe")
    tap.ok(d.wait_label("Open Safe", 10), "closed again")

    # ---- remove from list: the image stays ----
    w = properties(d, app, "Safe")
    d.wait(lambda: cdigui.a11y_sensitive(cdigui.a11y_button(w, "Remove from List…")), 5, "closed")
    cdigui.a11y_click(cdigui.a11y_button(w, "Remove from List…"))
    q = cdigui.a11y_window(d, app, ("alert", "dialog"), "Remove from List")
    tap.ok(q is not None, "Remove from List… asks first")
    d.iterate(0.3)
    d.screenshot("dialog-remove-from-list")
    cdigui.a11y_click(cdigui.a11y_button(q, "Remove from List"))
    tap.ok(d.wait(lambda: "Safe" not in cdigui.registry_groups(d), 5), "the disk leaves the list")
    tap.ok(os.path.exists(image), "its image stays")
    tap.ok(d.lookup_secret(UUID) is not None, "and so does its keyring item")
    tap.ok(d.wait(lambda: "Open Safe" not in d.labels(), 5), "the menu drops it")

    # ---- remove and delete: two confirmations ----
    w = properties(d, app, "Scratch")
    cdigui.a11y_click(cdigui.a11y_button(w, "Remove from List…"))
    q = cdigui.a11y_window(d, app, ("alert", "dialog"), "Remove from List")
    cdigui.a11y_click(cdigui.a11y_button(q, "Delete the Image…"))
    q2 = cdigui.a11y_window(d, app, ("alert", "dialog"), "Delete Image")
    tap.ok(q2 is not None, "deleting the image asks a second time")
    d.iterate(0.3)
    d.screenshot("dialog-delete-image")
    tap.ok(os.path.exists(image2) and "Scratch" in cdigui.registry_groups(d),
           "nothing is gone before the second answer")
    cdigui.a11y_click(cdigui.a11y_button(q2, "Cancel"))
    tap.ok(closed(d, app, "Delete Image") and os.path.exists(image2)
           and "Scratch" in cdigui.registry_groups(d), "Cancel there keeps everything")
    cdigui.a11y_click(cdigui.a11y_button(w, "Remove from List…"))
    q = cdigui.a11y_window(d, app, ("alert", "dialog"), "Remove from List")
    cdigui.a11y_click(cdigui.a11y_button(q, "Delete the Image…"))
    q2 = cdigui.a11y_window(d, app, ("alert", "dialog"), "Delete Image")
    cdigui.a11y_click(cdigui.a11y_button(q2, "Delete Image"))
    tap.ok(d.wait(lambda: not os.path.exists(image2), 5), "confirmed twice, the image is deleted")
    tap.ok("Scratch" not in cdigui.registry_groups(d), "and the disk is off the list")
    tap.ok(d.wait(lambda: d.lookup_secret(UUID2) is None, 5), "and the keyring forgets it")


cdigui.run(test)
