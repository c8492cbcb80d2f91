#!/usr/bin/python3
# applet-e2e.py - the REAL applet against the REAL helper through real pkexec, in the VM, as the
# unprivileged test user: open from the tray menu, write, close on ActiveChanged(true), reopen
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run by tests/vm/test-applet-e2e.sh inside the guest, as the test user, inside Xvfb (display in
CDI_GUI_DISPLAY) and tests/keyring-session.sh (private session bus, unlocked gnome-keyring, fresh
HOME). It reuses tests/gui/cdigui.py (on PYTHONPATH) for the desktop around the applet: the
StatusNotifier host clicking dbusmenu entries by label, the notification server, the
FileManager1 and the screensaver that emits ActiveChanged from the name owner. Unlike the host
GUI tests there is no CDI_HELPER: the applet runs pkexec --disable-internal-agent HELPER_PATH,
which polkitd allows for this user through the test rule the root part installed.

Environment: CDI_BUILD_DIR, CDI_SOURCE_DIR, CDI_GUI_DISPLAY, CDI_E2E_CLI (the installed CLI),
CDI_E2E_DIR (a folder of the test user's, on the scratch disk, for the image and mount point),
CDI_E2E_BREAK_LOCK=1 (the can-fail check: the disk is registered with close-on-lock=false, so
the lock assertions must fail). Prints TAP."""
import hashlib
import os
import subprocess
import time

from gi.repository import GLib

import cdigui
from vmdesktop import VmDesktop, all_closed, mount_source, pipeline_state, really_open

PASS = "applet e2e passphrase ü 0123"
NAME = "Vault"
OPEN_BOUND = 180      # seconds; TCG: qemu-nbd + LUKS + e2fsck + mount through pkexec
LOCK_BOUND = 60       # seconds from ActiveChanged(true) to nothing left


def registry_uuid(d):
    kf = GLib.KeyFile()
    text = d.registry()
    kf.load_from_data(text, len(text.encode()), GLib.KeyFileFlags.NONE)
    return kf.get_string("disk " + NAME, "uuid")


def set_registry_key(d, key, value):
    path = os.path.join(d.home, ".config", "crypt-disk-image", "disks.conf")
    kf = GLib.KeyFile()
    kf.load_from_file(path, GLib.KeyFileFlags.KEEP_COMMENTS)
    kf.set_string("disk " + NAME, key, value)
    kf.save_to_file(path)


def test(tap, d):
    cli = os.environ["CDI_E2E_CLI"]
    base = os.environ["CDI_E2E_DIR"]
    image = os.path.join(base, "vault.qcow2")
    mp = os.path.join(base, NAME)
    break_lock = os.environ.get("CDI_E2E_BREAK_LOCK") == "1"
    d.log("uid %d, HOME %s, image %s, mount point %s" % (os.getuid(), d.home, image, mp))

    # --- the disk, made by the CLI as this user (helper through pkexec), passphrase kept in
    #     this session's keyring
    t = time.monotonic()
    r = subprocess.run([cli, "create", "--size", "1G", "--mount", mp, "--name", NAME, "--keyring",
                        "--passphrase-stdin", "--pbkdf=pbkdf2", "--pbkdf-iterations=1000", image],
                       input=PASS.encode(), capture_output=True)
    d.log("create took %.1fs: rc %d" % (time.monotonic() - t, r.returncode))
    for line in (r.stdout + r.stderr).decode().splitlines():
        d.log("  create: " + line)
    tap.ok(r.returncode == 0, "CLI create (as the user, helper through pkexec) exits 0",
           r.stderr.decode())
    if r.returncode != 0:
        return
    uuid = registry_uuid(d)
    tap.ok(d.lookup_secret(uuid) == PASS, "create --keyring kept the passphrase in the keyring "
           "under the LUKS UUID", uuid)
    tap.ok(all_closed(mp), "create leaves nothing open", pipeline_state(mp))
    if break_lock:
        set_registry_key(d, "close-on-lock", "false")
        d.log("CDI_E2E_BREAK_LOCK=1: registered with close-on-lock=false; lock checks must fail")

    # --- the applet
    applet = d.start_applet()
    tap.ok(d.has_owner(cdigui.APP_ID), "the applet is on the session bus")
    tap.ok(d.wait_label("Open " + NAME, 20), "its tray menu lists the disk as closed", d.labels()
           if d.items else "no SNI item registered")

    # --- open from the menu: keyring -> pkexec -> helper -> qemu-nbd -> LUKS -> ext4
    t = time.monotonic()
    tap.ok(d.click("Open " + NAME), "menu entry 'Open %s' clicked" % NAME)
    opened = d.wait_label("Close " + NAME, OPEN_BOUND)
    d.log("open took %.1fs" % (time.monotonic() - t))
    tap.ok(opened, "the menu says 'Close %s' (opened)" % NAME, d.labels())
    tap.ok(really_open(mp), "really mounted: ext4 from /dev/mapper/cdi-*, one nbd, one qemu-nbd",
           pipeline_state(mp))
    d.log("state", pipeline_state(mp))
    m = mount_source(mp) or ("", "", "")
    tap.ok("nosuid" in m[2] and "nodev" in m[2], "mounted nosuid,nodev", m)
    tap.ok(d.wait(lambda: d.find_notification(lambda n: n["summary"] == NAME + " is open"), 10),
           "a notification says it is open")
    tap.ok(os.stat(mp).st_uid == os.getuid(), "the mounted file system's root is the user's",
           os.stat(mp).st_uid)

    data = os.urandom(3 * 1024 * 1024)
    path = os.path.join(mp, "written-by-user.bin")
    try:
        with open(path, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        wrote = True
    except OSError as e:
        wrote = False
        d.log("write failed:", e)
    tap.ok(wrote, "the user writes a file into the open disk")
    digest = hashlib.sha256(data).hexdigest()

    # --- lock: ActiveChanged(true) from the screensaver's name owner closes it for real
    t = time.monotonic()
    d.set_screensaver(True)
    closed = d.wait(lambda: all_closed(mp), LOCK_BOUND, "the lock to close the disk")
    took = time.monotonic() - t
    d.log("after the lock (%.1fs): %s" % (took, pipeline_state(mp)))
    tap.ok(closed, "lock closes it within %ds: no mount, no /dev/mapper/cdi-*, no nbd, "
           "no qemu-nbd (took %.1fs)" % (LOCK_BOUND, took), pipeline_state(mp))
    tap.ok(d.wait_label("Open " + NAME, 10), "the menu says 'Open %s' again" % NAME, d.labels())
    tap.ok(d.wait(lambda: d.find_notification(lambda n: n["summary"] == NAME + " is closed"), 10),
           "a notification says it is closed",
           [n["summary"] for n in d.notifications])
    d.set_screensaver(False)
    if not closed:
        # leave a clean state for the reopen below
        d.click("Close " + NAME)
        d.wait(lambda: all_closed(mp), LOCK_BOUND, "the menu's close")

    # --- reopen from the menu; the data is there
    t = time.monotonic()
    d.click("Open " + NAME)
    reopened = d.wait_label("Close " + NAME, OPEN_BOUND)
    d.log("reopen took %.1fs" % (time.monotonic() - t))
    tap.ok(reopened and really_open(mp), "reopened from the menu", pipeline_state(mp))
    try:
        with open(path, "rb") as f:
            back = hashlib.sha256(f.read()).hexdigest()
    except OSError as e:
        back = str(e)
    tap.ok(back == digest, "the file written before the lock is intact after the reopen",
           (back, digest))

    # --- close from the menu, then quit
    d.click("Close " + NAME)
    tap.ok(d.wait(lambda: all_closed(mp), LOCK_BOUND, "the menu's close"),
           "menu 'Close %s' closes it: nothing left" % NAME, pipeline_state(mp))
    tap.ok(applet.poll() is None, "the applet is still running", applet.poll())
    d.click("Quit")
    tap.ok(d.wait(lambda: applet.poll() is not None, 15), "Quit ends the applet")


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
