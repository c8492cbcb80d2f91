#!/usr/bin/python3
# test-create-assistant.py - "New Encrypted Disk…" through AT-SPI: every page, the live checks
# (existing image, non-empty mount point, size above the free space, passphrases that differ),
# and a complete run: a real qcow2 image from qemu-img, formatted by the STAND-IN helper (this
# host has no nbd and no dm-crypt), registered with its UUID, the generated passphrase in the
# real gnome-keyring, and "Open the disk now" opening it
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import stat
import subprocess

import cdigui

PREFIX = "New Encrypted Disk: "


def page(d, w, title):
    return d.wait(lambda: w.name == PREFIX + title, 10, "page %r (now %r)" % (title, w.name))


def message(w, name):
    # GLib puts a no-break space between a size and its unit
    return (cdigui.a11y_text(cdigui.a11y_named(w, name, ("label",))) or "").replace("\xa0", " ")


def showing_button(w, label):
    return cdigui.a11y_showing_button(w, label)


def test(tap, d):
    data = os.environ.get("XDG_DATA_HOME", os.path.join(d.home, ".local", "share"))
    cdigui.add_qcow2_disk(d, "Old", "0f6a9c1e-8888-4a2b-9c3d-000000000001")
    d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)

    # ---- page 1: name and places ----
    tap.ok(d.click("New Encrypted Disk…"), "the menu has New Encrypted Disk…")
    w = cdigui.a11y_window(d, app, "frame", PREFIX)
    tap.ok(w is not None and page(d, w, "Name and Place"), "it opens the assistant on its first page")
    name = cdigui.a11y_named(w, "Name", ("text",))
    image = cdigui.a11y_named(w, "Image file", ("text",))
    mount = cdigui.a11y_named(w, "Mount point", ("text",))
    tap.ok(cdigui.a11y_text(name) == "Private", "a free name is proposed")
    tap.ok(cdigui.a11y_text(image) == os.path.join(data, "crypt-disk-image", "Private.qcow2"),
           "the image goes to the data folder by default", cdigui.a11y_text(image))
    tap.ok(cdigui.a11y_text(mount) == os.path.join(d.home, "Private"),
           "the mount point is ~/NAME by default", cdigui.a11y_text(mount))
    cdigui.a11y_set_text(name, "Secret")
    d.iterate(0.3)
    tap.ok(cdigui.a11y_text(image).endswith("/Secret.qcow2")
           and cdigui.a11y_text(mount) == os.path.join(d.home, "Secret"),
           "the places follow the name while untouched")
    tap.ok("Both places are fine" in message(w, "Check of the name and places"),
           "the live check says the places are fine")
    nxt = showing_button(w, "Next")
    tap.ok(nxt is not None and cdigui.a11y_sensitive(nxt), "Next can be used")
    for label in ("Choose the image file", "Choose the mount point"):
        tap.ok(cdigui.a11y_mnemonic(cdigui.a11y_named(w, label)).startswith("<Alt>"),
               "%r has a mnemonic" % label)
    tap.ok(cdigui.a11y_mnemonic(nxt).startswith("<Alt>"), "Next has a mnemonic")
    d.screenshot("wizard-1-name-and-place")

    cdigui.a11y_set_text(name, "Old")
    tap.ok(d.wait(lambda: "already a disk named" in message(w, "Check of the name and places"), 5)
           and not cdigui.a11y_sensitive(nxt), "a name in use stops the page")
    cdigui.a11y_set_text(name, "bad/name")
    tap.ok(d.wait(lambda: "cannot be the name" in message(w, "Check of the name and places"), 5)
           and not cdigui.a11y_sensitive(nxt), "an invalid name stops the page")
    cdigui.a11y_set_text(name, "Secret")

    existing = os.path.join(d.home, "exists.qcow2")
    open(existing, "w").close()
    cdigui.a11y_set_text(image, existing)
    tap.ok(d.wait(lambda: "already exists" in message(w, "Check of the name and places"), 5)
           and not cdigui.a11y_sensitive(nxt), "an existing image file stops the page",
           message(w, "Check of the name and places"))
    d.iterate(0.2)
    d.screenshot("wizard-1-image-exists")
    cdigui.a11y_set_text(image, os.path.join(d.home, "no-such-folder", "x.qcow2"))
    tap.ok(d.wait(lambda: "does not exist" in message(w, "Check of the name and places"), 5),
           "an image in a missing folder stops the page")
    # A folder on a read-only file system (a real read-only tmpfs in the test's namespace)
    ro = os.path.join(d.home, "ro")
    os.makedirs(ro)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", ro], check=True)
    cdigui.a11y_set_text(image, os.path.join(ro, "x.qcow2"))
    tap.ok(d.wait(lambda: "read-only file system" in message(w, "Check of the name and places"), 5)
           and not cdigui.a11y_sensitive(nxt), "an image on a read-only file system stops the page",
           message(w, "Check of the name and places"))
    cdigui.a11y_set_text(image, "~/Secret.qcow2")
    cdigui.a11y_set_text(mount, os.path.join(ro, "Secret"))
    tap.ok(d.wait(lambda: "read-only file system" in message(w, "Check of the name and places"), 5),
           "so does a mount point there", message(w, "Check of the name and places"))
    cdigui.a11y_set_text(mount, os.path.join(d.home, "Secret"))
    subprocess.run(["umount", ro], check=True)
    secret_image = os.path.join(d.home, "Secret.qcow2")
    cdigui.a11y_set_text(image, "~/Secret.qcow2")

    full = os.path.join(d.home, "Full")
    os.makedirs(full)
    open(os.path.join(full, "note.txt"), "w").close()
    cdigui.a11y_set_text(mount, full)
    tap.ok(d.wait(lambda: "is not empty" in message(w, "Check of the name and places"), 5)
           and not cdigui.a11y_sensitive(nxt), "a non-empty mount point stops the page",
           message(w, "Check of the name and places"))
    d.iterate(0.2)
    d.screenshot("wizard-1-mountpoint-not-empty")
    os.symlink(full, os.path.join(d.home, "Link"))
    cdigui.a11y_set_text(mount, os.path.join(d.home, "Link"))
    tap.ok(d.wait(lambda: "symbolic link" in message(w, "Check of the name and places"), 5),
           "a symbolic link as mount point stops the page")
    cdigui.a11y_set_text(mount, os.path.join(d.home, "Secret"))
    tap.ok(d.wait(lambda: cdigui.a11y_sensitive(nxt), 5), "fixed places let the page go on")
    cdigui.a11y_click(nxt)

    # ---- page 2: size ----
    tap.ok(page(d, w, "Size"), "Next shows the size page")
    free = message(w, "Free space")
    tap.ok("Free space where the image goes" in free, "the free space is shown", free)
    spin = cdigui.a11y_named(w, "Maximum size in GiB", ("spin button",))
    spin.queryValue().currentValue = 65536.0
    tap.ok(d.wait(lambda: "more than the free space" in message(w, "Check of the size"), 5),
           "a maximum above the free space warns", message(w, "Check of the size"))
    tap.ok(cdigui.a11y_sensitive(showing_button(w, "Next")), "but only warns")
    d.iterate(0.2)
    d.screenshot("wizard-2-size-above-free-space")
    spin.queryValue().currentValue = 1.0
    tap.ok(d.wait(lambda: message(w, "Check of the size") == "", 5), "1 GiB: no warning")
    d.screenshot("wizard-2-size")
    cdigui.a11y_click(showing_button(w, "Next"))

    # ---- page 3: passphrase ----
    tap.ok(page(d, w, "Passphrase"), "then the passphrase page")
    generated = message(w, "Generated passphrase")
    tap.ok(len(generated) >= 32 and generated.isalnum(),
           "a generated passphrase of at least 32 letters and digits", generated)
    copy = showing_button(w, "Copy")
    tap.ok(copy is not None and cdigui.a11y_mnemonic(copy).startswith("<Alt>"),
           "with a Copy button")
    cdigui.a11y_click(copy)
    tap.ok(d.wait(lambda: "clipboard" in message(w, "Check of the passphrase"), 5),
           "Copy puts it on the clipboard")
    d.screenshot("wizard-3-passphrase-generated")

    cdigui.a11y_click(cdigui.a11y_named(w, "Type a passphrase", ("radio button",)))
    entry = cdigui.a11y_named(w, "Passphrase", ("password text",))
    again = cdigui.a11y_named(w, "Passphrase again", ("password text",))
    cdigui.a11y_set_text(entry, "abc")
    cdigui.a11y_set_text(again, "abd")
    tap.ok(d.wait(lambda: "differ" in message(w, "Check of the passphrase"), 5)
           and not cdigui.a11y_sensitive(showing_button(w, "Next")),
           "passphrases that differ stop the page")
    tap.ok(message(w, "Strength") == "Very weak", "a short one is very weak",
           message(w, "Strength"))
    cdigui.a11y_set_text(entry, "correct horse battery staple 42")
    cdigui.a11y_set_text(again, "correct horse battery staple 42")
    tap.ok(d.wait(lambda: cdigui.a11y_sensitive(showing_button(w, "Next")), 5)
           and message(w, "Strength") in ("Good", "Strong"),
           "the same long one twice: strong, and the page can go on", message(w, "Strength"))
    d.iterate(0.2)
    d.screenshot("wizard-3-passphrase-typed")
    cdigui.a11y_click(cdigui.a11y_named(w, "Generate a strong passphrase", ("radio button",)))
    tap.ok(cdigui.a11y_checked(cdigui.a11y_named(
        w, "In the keyring: the disk opens without asking while you are logged in")),
        "the keyring is where it is kept by default")
    cdigui.a11y_click(showing_button(w, "Next"))

    # ---- page 4: options ----
    tap.ok(page(d, w, "Options"), "then the options page")
    trim = cdigui.a11y_named(w, "Reclaim space when files are deleted (trim)")
    tap.ok(trim is not None and cdigui.a11y_checked(trim), "trimming is on by default")
    tap.ok(cdigui.a11y_find(w, lambda n: n.getRoleName() == "label"
                            and "which parts of the disk are in use" in n.name) is not None,
           "with the caveat in one sentence")
    for rule in ("When the screen locks", "Before the computer sleeps", "When you log out"):
        tap.ok(cdigui.a11y_checked(cdigui.a11y_named(w, rule)),
               "auto-close %r follows Preferences (on)" % rule)
    cdigui.a11y_click(cdigui.a11y_named(w, "When you log out"))
    cdigui.a11y_click(cdigui.a11y_named(w, "Open the disk at login"))
    d.iterate(0.2)
    d.screenshot("wizard-4-options")
    cdigui.a11y_click(showing_button(w, "Next"))

    # ---- page 5: summary ----
    tap.ok(page(d, w, "Summary"), "then the summary")
    summary = message(w, "Summary")
    for part in ("Name: Secret", "Image file: " + secret_image, "growing up to 1.0 GiB",
                 "kept in the keyring", "Opens at login: yes", "the screen locks"):
        tap.ok(part in summary, "the summary says %r" % part, summary)
    tap.ok(d.helper_calls() == [] and not os.path.exists(secret_image),
           "nothing was made before Apply")
    d.screenshot("wizard-5-summary")

    # ---- progress, then done ----
    with open(os.path.join(d.helper_dir, "format.delay"), "w") as f:
        f.write("2")
    cdigui.a11y_click(showing_button(w, "Apply"))
    tap.ok(page(d, w, "Creating"), "Apply shows the progress page")
    tap.ok(d.wait(lambda: message(w, "Step").startswith("Formatting"), 10),
           "with the step of the creation", message(w, "Step"))
    d.screenshot("wizard-6-progress")
    tap.ok(page(d, w, "Done"), "and the last page when it is made")
    result = message(w, "Result")
    tap.ok("“Secret” is ready" in result, "which says so", result)
    open_now = cdigui.a11y_named(w, "Open the disk now")
    tap.ok(open_now is not None and cdigui.a11y_checked(open_now), "Open the disk now is offered")
    d.screenshot("wizard-7-done")

    calls = d.helper_calls()
    tap.ok(len(calls) == 1 and calls[0] == "format --label=Secret " + secret_image,
           "the creation reached the (stand-in) helper's format", calls)
    tap.ok(d.helper_stdin(1).decode() == generated, "with the generated passphrase on stdin")
    st = os.stat(secret_image)
    tap.ok(stat.S_IMODE(st.st_mode) == 0o600 and cdigui.virtual_size(secret_image) == 1 << 30,
           "the image is a real 1 GiB qcow2 file, mode 0600")
    with open(os.path.join(d.helper_dir, "uuids")) as f:
        uuid = [l.split("\t")[1].strip() for l in f if l.startswith(secret_image + "\t")][0]
    disk = cdigui.registry_groups(d).get("Secret", {})
    tap.ok(disk.get("uuid") == uuid and disk.get("image") == secret_image
           and disk.get("mountpoint") == os.path.join(d.home, "Secret")
           and disk.get("passphrase-source") == "keyring", "registered with its UUID", disk)
    tap.ok(disk.get("close-on-logout") == "false" and "close-on-lock" not in disk,
           "a changed rule is the disk's own, the others follow Preferences", disk)
    tap.ok(d.lookup_secret(uuid) == generated, "the passphrase is in the real keyring")
    tap.ok(disk.get("open-at-login") == "true"
           and not os.path.exists(os.path.join(d.home, ".config", "crypt-disk-image",
                                               "login.conf"))
           and os.path.exists(os.path.join(d.home, ".config", "autostart",
                                           cdigui.APP_ID + ".desktop")),
           "opening at login: a key of the disk's registry group, and the applet starts at login",
           disk)

    cdigui.a11y_click(showing_button(w, "Close"))
    tap.ok(d.wait_label("Close Secret", 10), "Close with Open now opens the disk", d.labels())
    tap.ok(d.helper_calls()[-1].startswith("open ") and
           d.helper_stdin(len(d.helper_calls())).decode() == generated,
           "with the passphrase from the keyring (stand-in helper)")
    tap.ok(d.is_mounted(os.path.join(d.home, "Secret")), "mounted on its mount point")
    tap.ok("Properties of Secret…" in d.labels(), "the menu has its Properties… entry")
    d.click("Close Secret")
    tap.ok(d.wait_label("Open Secret", 10), "and it closes again")

    # ---- a disk whose passphrase is what a password command prints ----
    d.click("New Encrypted Disk…")
    w = cdigui.a11y_window(d, app, "frame", PREFIX + "Name and Place")
    cdigui.a11y_set_text(cdigui.a11y_named(w, "Name", ("text",)), "Cmd")
    for title in ("Size", "Passphrase"):
        cdigui.a11y_click(showing_button(w, "Next"))
        page(d, w, title)
    cdigui.a11y_click(cdigui.a11y_named(w, "From a password command:", ("radio button",)))
    tap.ok(d.wait(lambda: not cdigui.a11y_sensitive(showing_button(w, "Next")), 5),
           "a password command must be typed")
    cdigui.a11y_set_text(cdigui.a11y_named(w, "Password command", ("text",)),
                         "printf cmd-secret")
    tap.ok(d.wait(lambda: cdigui.a11y_sensitive(showing_button(w, "Next")), 5)
           and not cdigui.a11y_sensitive(cdigui.a11y_named(w, "Generate a strong passphrase")),
           "then the page can go on; the passphrase is the command's")
    d.iterate(0.2)
    d.screenshot("wizard-3-passphrase-command")
    for title in ("Options", "Summary"):
        cdigui.a11y_click(showing_button(w, "Next"))
        page(d, w, title)
    tap.ok("what the password command prints" in message(w, "Summary"), "the summary says so")
    items = cdigui.keyring_items(d)
    cdigui.a11y_click(showing_button(w, "Apply"))
    tap.ok(page(d, w, "Done"), "the command's disk is made")
    cdigui.a11y_click(cdigui.a11y_named(w, "Open the disk now"))
    cdigui.a11y_click(showing_button(w, "Close"))
    calls = d.helper_calls()
    tap.ok(calls[-1].startswith("format ") and d.helper_stdin(len(calls)) == b"cmd-secret",
           "formatted with what the command printed", calls)
    disk = cdigui.registry_groups(d).get("Cmd", {})
    tap.ok(disk.get("passphrase-source") == "command"
           and disk.get("password-command") == "printf cmd-secret"
           and "open-at-login" not in disk,
           "registered with its password command, not opening at login", disk)
    tap.ok(cdigui.keyring_items(d) == items, "and nothing in the keyring")


cdigui.run(test)
