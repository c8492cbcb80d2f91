#!/usr/bin/python3
# test-open-at-login.py - the applet opens at its start the disks whose registry group says
# open-at-login=true, and only those (STAND-IN helper: this host has no nbd and no dm-crypt);
# a group with a bad open-at-login value is skipped like any bad group, and no login.conf is
# read or written
# SPDX-License-Identifier: GPL-3.0-or-later
import os

import cdigui

UUID = "0f6a9c1e-5555-4a2b-9c3d-eeeeeeeeeeee"
UUID2 = "0f6a9c1e-6666-4a2b-9c3d-ffffffffffff"
UUID3 = "0f6a9c1e-7777-4a2b-9c3d-000000000000"


def test(tap, d):
    conf_dir = os.path.join(d.home, ".config", "crypt-disk-image")
    _, mp = d.add_disk("Mail", UUID, passphrase_source="keyring", open_at_login="true")
    _, mp2 = d.add_disk("Archive", UUID2, passphrase_source="keyring", open_at_login="false")
    _, mp3 = d.add_disk("Broken", UUID3, passphrase_source="keyring", open_at_login="maybe")
    # what the older applet kept beside the registry: no longer read
    with open(os.path.join(conf_dir, "login.conf"), "w") as f:
        f.write("[login]\nopen=Archive;\n")
    for uuid in (UUID, UUID2, UUID3):
        d.store_secret(uuid, "pw")
    d.start_applet()

    tap.ok(d.wait_label("Close Mail", 10), "the disk with open-at-login=true opens at start",
           d.labels())
    tap.ok(d.is_mounted(mp), "mounted on its mount point (stand-in helper)")
    d.iterate(1.0)
    tap.ok("Open Archive" in d.labels() and not d.is_mounted(mp2),
           "open-at-login=false stays closed, whatever login.conf says", d.labels())
    tap.ok(not any("Broken" in label for label in d.labels()),
           "a bad open-at-login value skips the disk, as for any bad key", d.labels())
    opens = [c for c in d.helper_calls() if c.startswith("open ")]
    tap.ok(len(opens) == 1, "exactly one open went to the helper", d.helper_calls())

    d.click("Close Mail")
    tap.ok(d.wait_label("Open Mail", 10), "and it closes as any other disk")
    groups = cdigui.registry_groups(d)
    tap.ok(groups.get("Mail", {}).get("open-at-login") == "true"
           and groups.get("Broken", {}).get("open-at-login") == "maybe",
           "the registry keeps the keys, the bad one for the user to fix", groups)


cdigui.run(test)
