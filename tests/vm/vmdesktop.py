# vmdesktop.py - the desktop around the REAL applet in the VM, and the storage pipeline's state
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared by the VM drivers (applet-e2e.py, wizard-e2e.py): tests/gui/cdigui.py's desktop (tray
host, notification server, screensaver, FileManager1) with the applet started WITHOUT the
stand-in helper, so it runs pkexec and the installed helper; and what the kernel says is open
(mounts, /dev/mapper/cdi-*, connected nbd devices, qemu-nbd processes)."""
import glob
import os
import subprocess

import cdigui


class VmDesktop(cdigui.Desktop):
    """cdigui's desktop, with the applet started WITHOUT the stand-in helper."""

    def __init__(self):
        # cdigui makes <build>/gui-screenshots; the build is root's: use HOME for that
        real = os.environ["CDI_BUILD_DIR"]
        os.environ["CDI_BUILD_DIR"] = os.environ["HOME"]
        try:
            super().__init__()
        finally:
            os.environ["CDI_BUILD_DIR"] = real
        self.build = real

    def start_applet(self, extra_env=None, a11y=False, wait_bus=True):
        env = dict(os.environ)
        env.pop("CDI_HELPER", None)
        env.update({"GSETTINGS_BACKEND": "memory",
                    "GSETTINGS_SCHEMA_DIR": os.path.join(self.build, "data"),
                    "G_DEBUG": "fatal-criticals"})
        if a11y:
            env.pop("NO_AT_BRIDGE", None)
        else:
            env["NO_AT_BRIDGE"] = "1"
        env.update(extra_env or {})
        n = len(self.applets)
        log = open(os.path.join(self.home, "applet-%d.log" % n), "w")
        p = subprocess.Popen([os.path.join(self.build, "src", "crypt-disk-image-applet")],
                             env=env, stdout=log, stderr=subprocess.STDOUT)
        self.applets.append(p)
        self.applet_env = env
        if wait_bus:
            self.wait(lambda: self.has_owner(cdigui.APP_ID), 20, "the applet on the bus")
        return p


def sh(*argv, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, **kw)


def mount_source(mp):
    """(SOURCE, FSTYPE, OPTIONS) of the mount on mp, or None."""
    r = sh("findmnt", "-n", "-o", "SOURCE,FSTYPE,OPTIONS", "--mountpoint", mp)
    if r.returncode != 0 or not r.stdout.strip():
        return None
    return tuple(r.stdout.split(None, 2))


def mappings():
    return sorted(os.path.basename(p) for p in glob.glob("/dev/mapper/cdi-*"))


def connected_nbds():
    return sorted(os.path.dirname(p) for p in glob.glob("/sys/block/nbd*/pid"))


def qemu_nbds():
    r = sh("pgrep", "-x", "qemu-nbd")
    return r.stdout.split()


def pipeline_state(mp):
    return {"mount": mount_source(mp), "mappings": mappings(), "nbd": connected_nbds(),
            "qemu-nbd": qemu_nbds()}


def all_closed(mp):
    s = pipeline_state(mp)
    return s["mount"] is None and not s["mappings"] and not s["nbd"] and not s["qemu-nbd"]


def really_open(mp):
    s = pipeline_state(mp)
    m = s["mount"]
    return (m is not None and m[0].startswith("/dev/mapper/cdi-") and m[1] == "ext4"
            and os.path.basename(m[0]) in s["mappings"] and len(s["nbd"]) == 1
            and len(s["qemu-nbd"]) == 1)
