#!/usr/bin/python3
# wizard-e2e.py - "New Encrypted Disk…" and "Change Passphrase…" of the REAL applet against the
# REAL helper through real pkexec, in the VM, as the unprivileged test user
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run by tests/vm/test-applet-e2e.sh (second argument wizard-e2e.py) inside the guest, as the
test user, inside Xvfb and tests/keyring-session.sh, with the applet's dialogs driven through
AT-SPI. The wizard makes a disk with the default key derivation (argon2id, calibrated by
libcryptsetup to the guest's emulated CPU, so it costs seconds, not minutes), keeps the
generated passphrase in the keyring and opens it ("Open the disk now"); then the disk's
Properties change its passphrase: the keyring follows, the old passphrase no longer opens the
image (the helper says "wrong passphrase"), and the tray opens it again with the new one from
the keyring, data intact.

Environment as applet-e2e.py, plus CDI_E2E_HELPER (the installed helper, for the direct
pkexec call with the old passphrase). Prints TAP."""
import hashlib
import os
import subprocess
import time

import cdigui
from vmdesktop import VmDesktop, all_closed, mount_source, pipeline_state, really_open

PREFIX = "New Encrypted Disk: "
NAME = "Vault"
NEW_PASS = "a new VM passphrase, 42 ü"
CREATE_BOUND = 600    # seconds; TCG: qemu-img, pkexec, argon2id calibration, mkfs
OPEN_BOUND = 240      # seconds; TCG: qemu-nbd + argon2id unlock + e2fsck + mount
CLOSE_BOUND = 120
EXIT_WRONG_PASSPHRASE = 5   # cdi-helper-protocol.h


def message(w, name):
    return (cdigui.a11y_text(cdigui.a11y_named(w, name, ("label",))) or "").replace("\xa0", " ")


def page(d, w, title, timeout=15):
    return d.wait(lambda: w.name == PREFIX + title, timeout, "page %r (now %r)" % (title, w.name))


def next_page(d, w, title):
    cdigui.a11y_click(cdigui.a11y_showing_button(w, "Next"))
    return page(d, w, title)


def registry_uuid(d):
    return cdigui.registry_groups(d).get(NAME, {}).get("uuid")


def helper_open(helper, image, mp, passphrase):
    """The installed helper's open through pkexec, as this user: its exit status."""
    r = subprocess.run(["pkexec", "--disable-internal-agent", helper, "open", image, mp],
                       input=passphrase.encode(), capture_output=True, cwd="/")
    return r.returncode, r.stderr.decode().strip()


def create_with_wizard(tap, d, app, image, mp):
    """Returns the generated passphrase, or None when the wizard did not finish."""
    tap.ok(d.click("New Encrypted Disk…"), "the menu has New Encrypted Disk…")
    w = cdigui.a11y_window(d, app, "frame", PREFIX, 30)
    tap.ok(w is not None and page(d, w, "Name and Place"), "the wizard opens on its first page")
    if w is None:
        return None
    cdigui.a11y_set_text(cdigui.a11y_named(w, "Name", ("text",)), NAME)
    cdigui.a11y_set_text(cdigui.a11y_named(w, "Image file", ("text",)), image)
    cdigui.a11y_set_text(cdigui.a11y_named(w, "Mount point", ("text",)), mp)
    tap.ok(d.wait(lambda: "Both places are fine" in message(w, "Check of the name and places"),
                  10), "the places on the scratch disk pass the live check",
           message(w, "Check of the name and places"))
    tap.ok(next_page(d, w, "Size"), "on to the size")
    cdigui.a11y_named(w, "Maximum size in GiB", ("spin button",)).queryValue().currentValue = 1.0
    d.iterate(0.3)
    tap.ok(next_page(d, w, "Passphrase"), "on to the passphrase")
    generated = message(w, "Generated passphrase")
    tap.ok(len(generated) >= 32, "a generated passphrase of %d characters" % len(generated))
    tap.ok(cdigui.a11y_checked(cdigui.a11y_named(
        w, "In the keyring: the disk opens without asking while you are logged in")),
        "kept in the keyring")
    tap.ok(next_page(d, w, "Options") and next_page(d, w, "Summary"), "options, then summary")
    tap.ok(not os.path.exists(image), "nothing is made before Apply")

    t = time.monotonic()
    cdigui.a11y_click(cdigui.a11y_showing_button(w, "Apply"))
    tap.ok(page(d, w, "Creating"), "Apply shows the progress page")
    steps = set()

    def done():
        steps.add(message(w, "Step"))
        return w.name != PREFIX + "Creating"   # Done, or back to Summary on failure
    d.wait(done, CREATE_BOUND, "the creation")
    d.log("creation took %.1fs, steps seen: %s" % (time.monotonic() - t, sorted(steps)))
    result = message(w, "Result")
    if w.name != PREFIX + "Done":
        d.log("the wizard is on %r:\n%s" % (w.name, "\n".join(cdigui.a11y_dump(w))))
    tap.ok(w.name == PREFIX + "Done" and "“%s” is ready" % NAME in result,
           "the real helper formatted it: the wizard's last page says it is ready", result)
    tap.ok(any(s.startswith("Formatting") for s in steps), "the progress page showed the format step",
           sorted(steps))
    d.screenshot("vm-wizard-done")
    open_now = cdigui.a11y_named(w, "Open the disk now")
    tap.ok(open_now is not None and cdigui.a11y_checked(open_now), "Open the disk now is offered")
    cdigui.a11y_click(cdigui.a11y_showing_button(w, "Close"))
    return generated


def change_passphrase(tap, d, app, old):
    d.click("Properties of %s…" % NAME)
    w = cdigui.a11y_window(d, app, "dialog", "Properties of " + NAME, 30)
    tap.ok(w is not None, "the disk's Properties open")
    if w is None:
        return False
    cdigui.a11y_click(cdigui.a11y_button(w, "Change Passphrase…"))
    p = cdigui.a11y_window(d, app, "dialog", "Change Passphrase of " + NAME)
    tap.ok(p is not None, "Change Passphrase… asks for the current and new passphrase")
    if p is None:
        return False
    cdigui.a11y_set_text(cdigui.a11y_named(p, "Current passphrase", ("password text",)), old)
    cdigui.a11y_set_text(cdigui.a11y_named(p, "New passphrase", ("password text",)), NEW_PASS)
    cdigui.a11y_set_text(cdigui.a11y_named(p, "New passphrase again", ("password text",)),
                         NEW_PASS)
    d.iterate(0.3)
    t = time.monotonic()
    cdigui.a11y_click(cdigui.a11y_button(p, "Change"))
    changed = d.wait(lambda: "passphrase was changed" in message(w, "Result"), CREATE_BOUND,
                     "the change of passphrase")
    d.log("passwd took %.1fs" % (time.monotonic() - t))
    tap.ok(changed, "the real helper changed it: the properties say so", message(w, "Result"))
    d.screenshot("vm-properties-passphrase-changed")
    cdigui.a11y_click(cdigui.a11y_button(w, "Cancel"))   # nothing else to save
    return changed


def test(tap, d):
    base = os.environ["CDI_E2E_DIR"]
    helper = os.environ["CDI_E2E_HELPER"]
    image = os.path.join(base, NAME + ".qcow2")
    mp = os.path.join(base, NAME)
    d.log("uid %d, HOME %s, image %s, mount point %s" % (os.getuid(), d.home, image, mp))

    d.start_applet(a11y=True)
    app = cdigui.a11y_app(d)
    generated = create_with_wizard(tap, d, app, image, mp)
    if generated is None:
        return

    # --- what the wizard made, for real
    uuid = registry_uuid(d)
    tap.ok(uuid is not None and len(uuid) == 36, "registered with its LUKS UUID", uuid)
    tap.ok(d.lookup_secret(uuid) == generated, "the generated passphrase is in the real keyring")
    st = os.stat(image)
    tap.ok(st.st_uid == os.getuid() and st.st_mode & 0o777 == 0o600
           and cdigui.virtual_size(image) == 1 << 30, "a 1 GiB qcow2 image of the user's, 0600")
    tap.ok(d.wait(lambda: really_open(mp), OPEN_BOUND, "Open the disk now"),
           "Open the disk now opened it: ext4 from /dev/mapper/cdi-*, nbd, qemu-nbd",
           pipeline_state(mp))
    m = mount_source(mp) or ("", "", "")
    tap.ok(m[0] == "/dev/mapper/cdi-%d-%s" % (os.getuid(), uuid),
           "the mapping is named by the LUKS UUID the registry holds", m)
    st = os.stat(mp)
    tap.ok(st.st_uid == os.getuid() and st.st_mode & 0o777 == 0o700,
           "the new file system's root is the user's, 0700", oct(st.st_mode))
    tap.ok(d.wait_label("Close " + NAME, 20), "the tray menu says it is open", d.labels())

    data = os.urandom(2 * 1024 * 1024)
    with open(os.path.join(mp, "kept.bin"), "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    digest = hashlib.sha256(data).hexdigest()
    d.click("Close " + NAME)
    tap.ok(d.wait(lambda: all_closed(mp), CLOSE_BOUND, "the menu's close"),
           "closed from the menu: nothing left", pipeline_state(mp))
    d.wait_label("Open " + NAME, 20)

    # --- change the passphrase from Properties
    if not change_passphrase(tap, d, app, generated):
        return
    tap.ok(d.wait(lambda: d.lookup_secret(uuid) == NEW_PASS, 10),
           "the keyring holds the new passphrase")
    tap.ok(all_closed(mp), "the change left nothing open", pipeline_state(mp))
    rc, err = helper_open(helper, image, mp, generated)
    tap.ok(rc == EXIT_WRONG_PASSPHRASE, "the old passphrase no longer opens it (helper exit %d)"
           % rc, err)
    tap.ok(all_closed(mp), "and leaves nothing attached", pipeline_state(mp))

    d.click("Open " + NAME)
    tap.ok(d.wait_label("Close " + NAME, OPEN_BOUND) and really_open(mp),
           "the tray opens it with the new passphrase from the keyring", pipeline_state(mp))
    try:
        with open(os.path.join(mp, "kept.bin"), "rb") as f:
            back = hashlib.sha256(f.read()).hexdigest()
    except OSError as e:
        back = str(e)
    tap.ok(back == digest, "the file is intact after the change of passphrase")
    d.click("Close " + NAME)
    tap.ok(d.wait(lambda: all_closed(mp), CLOSE_BOUND, "the menu's close"),
           "closed again: nothing left", pipeline_state(mp))


def main():
    tap = cdigui.Tap()
    desk = None
    try:
        desk = VmDesktop()
        test(tap, desk)
    except Exception:
        import traceback
        tap.ok(False, "driver ran to the end", traceback.format_exc())
    finally:
        if desk is not None:
            desk.stop_applets()
            for i, _ in enumerate(desk.applets):
                print("# ---- applet-%d.log" % i)
                print("# " + desk.applet_log(i).replace("\n", "\n# "))
    return tap.finish()


if __name__ == "__main__":
    raise SystemExit(main())
