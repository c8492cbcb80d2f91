#!/usr/bin/python3
# test-tray-menu.py - the tray menu over StatusNotifierItem/dbusmenu: disks, open (passphrase
# from the real keyring to the STAND-IN helper), state from the mount table, close, close all,
# middle click
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import subprocess

import cdigui

DOC_UUID = "0f6a9c1e-1111-4a2b-9c3d-aaaaaaaaaaaa"
PIC_UUID = "0f6a9c1e-2222-4a2b-9c3d-bbbbbbbbbbbb"


def test(tap, d):
    _, doc_mp = d.add_disk("Documents", DOC_UUID, passphrase_source="keyring")
    _, pic_mp = d.add_disk("Photos", PIC_UUID, passphrase_source="command",
                           password_command="printf photos-pw", default="true")
    d.store_secret(DOC_UUID, "doc pass ü")
    d.start_applet()

    props = d.props()
    tap.ok(props.get("Id") == cdigui.APP_ID, "SNI Id is the application id", props.get("Id"))
    tap.ok(props.get("IconName") == cdigui.APP_ID + "-symbolic", "icon: none open",
           props.get("IconName"))
    tap.ok("0 of 2 open" in props.get("Title", ""), "title counts the disks", props.get("Title"))
    labels = d.labels()
    want = ["Open Documents", "Properties of Documents…", "Open Photos", "Properties of Photos…",
            "Close All", "New Encrypted Disk…", "Add Existing Image…", "Preferences", "Quit"]
    tap.ok(labels == want, "menu lists the registry's disks and the fixed entries", labels)
    tap.ok(all(p.get("toggle-type", "") == "" for _, _, p in d.menu()), "no check-box entries")

    # Open: keyring -> stand-in helper stdin; the tmpfs mount makes it open
    d.click("Open Documents")
    d.wait_label("Close Documents")
    calls = d.helper_calls()
    tap.ok(calls[-1:] == ["open %s.qcow2 %s" % (doc_mp, doc_mp)],
           "open reached the stand-in helper with image and mount point", calls)
    tap.ok(d.helper_stdin(len(calls)) == "doc pass ü".encode(),
           "the keyring's passphrase went to the helper's stdin")
    tap.ok(d.is_mounted(doc_mp), "the (stand-in) mount is there")
    tap.ok(d.wait(lambda: "Show Files" in d.labels(), 5), "open disk has Show Files")
    tap.ok(any(" used of " in l and "on disk" in l for l in d.labels()),
           "open disk shows used / size / size on disk", d.labels())
    space = [l for l in d.labels() if " used of " in l]
    with open(os.path.join(doc_mp, "grows.bin"), "wb") as f:
        f.write(os.urandom(5 * 1024 * 1024))
    tap.ok(d.wait(lambda: [l for l in d.labels() if " used of " in l] != space, 15),
           "the space shown follows what is written while it stays open",
           (space, [l for l in d.labels() if " used of " in l]))
    os.unlink(os.path.join(doc_mp, "grows.bin"))
    tap.ok(d.wait(lambda: d.props()["IconName"] == cdigui.APP_ID + "-open-symbolic", 5),
           "icon: some open")
    tap.ok(d.wait(lambda: "file://" + doc_mp in d.shown_folders, 5),
           "the folder was shown through FileManager1.ShowFolders", d.shown_folders)
    tap.ok(d.wait(lambda: d.find_notification(lambda n: n["summary"] == "Documents is open"), 5),
           "a notification says it is open")

    d.activate_action("popup-menu")
    d.iterate(0.8)
    d.screenshot("tray-menu-documents-open")

    # Closed and opened from a shell: the mount table alone changes the menu
    subprocess.run(["umount", doc_mp], check=True)
    tap.ok(d.wait_label("Open Documents", 5), "an unmount from the shell shows up at once")
    subprocess.run(["mount", "-t", "tmpfs", "/dev/mapper/cdi-0-" + DOC_UUID, doc_mp], check=True)
    tap.ok(d.wait_label("Close Documents", 5), "a mount from the shell shows up at once")
    subprocess.run(["mount", "-t", "tmpfs", "/dev/sdz1", pic_mp], check=True)
    d.iterate(0.5)
    tap.ok("Open Photos" in d.labels(), "a foreign mount on a disk's folder is not 'open'")
    subprocess.run(["umount", pic_mp], check=True)

    # Close
    d.click("Close Documents")
    tap.ok(d.wait_label("Open Documents"), "Close closes it", d.labels())
    tap.ok(not d.is_mounted(doc_mp), "the stand-in mount is gone")
    tap.ok(d.helper_calls()[-1] == "close " + doc_mp, "close went to the helper by mount point",
           d.helper_calls()[-1])

    # Middle click toggles the default disk (Photos, password command)
    d.secondary_activate()
    tap.ok(d.wait_label("Close Photos"), "middle click opens the default disk", d.labels())
    n = len(d.helper_calls())
    tap.ok(d.helper_stdin(n) == b"photos-pw", "password command output went to the helper")

    # Close All
    d.click("Open Documents")
    d.wait_label("Close Documents")
    tap.ok(d.click("Close All"), "Close All is there")
    tap.ok(d.wait(lambda: {"Open Documents", "Open Photos"} <= set(d.labels()), 10),
           "Close All closes both", d.labels())
    tap.ok(not d.is_mounted(doc_mp) and not d.is_mounted(pic_mp), "both unmounted")
    tap.ok(d.props()["IconName"] == cdigui.APP_ID + "-symbolic", "icon: none open again")
    tap.ok(not any(" -l" in c or "lazy" in c for c in d.helper_calls()), "never a lazy close")

    # Registry changes from another program show up
    d.add_disk("Music", "0f6a9c1e-3333-4a2b-9c3d-cccccccccccc")
    tap.ok(d.wait_label("Open Music", 5), "a disk added by another program appears", d.labels())

    d.click("Quit")
    tap.ok(d.wait(lambda: d.applets[0].poll() is not None, 10), "Quit ends the applet")


cdigui.run(test)
