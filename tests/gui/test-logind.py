#!/usr/bin/python3
# test-logind.py - auto-close through logind: a delay inhibitor taken at start, disks closed on
# PrepareForSleep(true) and the inhibitor released (also when a disk is busy, so sleep is never
# blocked), a notification after resume when a disk stayed open, and the session's Lock signal
# (STAND-IN helper)
# SPDX-License-Identifier: GPL-3.0-or-later
"""logind cannot run here (no systemd as PID 1), so the test plays it: a private bus daemon
stands in for the system bus (the applet finds it through DBUS_SYSTEM_BUS_ADDRESS) and the
test owns org.freedesktop.login1 on it, answering Inhibit with a real pipe as logind does and
GetSessionByPID with a session object whose Lock signal it emits itself."""
import os
import select
import subprocess

from gi.repository import Gio, GLib

import cdigui

SESSION_PATH = "/org/freedesktop/login1/session/_3"

LOGIND_XML = """<node><interface name="org.freedesktop.login1.Manager">
  <method name="Inhibit">
    <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="s" direction="in"/>
    <arg type="s" direction="in"/><arg type="h" direction="out"/>
  </method>
  <method name="GetSessionByPID"><arg type="u" direction="in"/><arg type="o" direction="out"/>
  </method>
  <signal name="PrepareForSleep"><arg type="b"/></signal>
</interface></node>"""

SESSION_XML = """<node><interface name="org.freedesktop.login1.Session">
  <signal name="Lock"/><signal name="Unlock"/>
</interface></node>"""


class Logind:
    def __init__(self, desk):
        self.desk = desk
        out = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1",
                              "--print-pid=1"], capture_output=True, text=True, check=True)
        self.address, pid = out.stdout.split()[:2]
        self.pid = int(pid)
        self.bus = Gio.DBusConnection.new_for_address_sync(
            self.address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
            | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        self.inhibits = []      # (what, who, why, mode, read end of the pipe)
        self.owned = False
        node = Gio.DBusNodeInfo.new_for_xml(LOGIND_XML)
        self.bus.register_object("/org/freedesktop/login1", node.interfaces[0], self._call,
                                 None, None)
        node = Gio.DBusNodeInfo.new_for_xml(SESSION_XML)
        self.bus.register_object(SESSION_PATH, node.interfaces[0], None, None, None)
        Gio.bus_own_name_on_connection(self.bus, "org.freedesktop.login1",
                                       Gio.BusNameOwnerFlags.NONE,
                                       lambda c, n: setattr(self, "owned", True), None)
        desk.wait(lambda: self.owned, 5, "org.freedesktop.login1 owned")

    def _call(self, conn, sender, path, iface, method, params, inv):
        if method == "Inhibit":
            r, w = os.pipe()
            fds = Gio.UnixFDList.new()
            fds.append(w)
            os.close(w)
            self.inhibits.append(tuple(params.unpack()) + (r,))
            inv.return_value_with_unix_fd_list(GLib.Variant("(h)", (0,)), fds)
        elif method == "GetSessionByPID":
            inv.return_value(GLib.Variant("(o)", (SESSION_PATH,)))

    @staticmethod
    def released(entry):
        """The applet closed its end of the inhibitor pipe: EOF on ours."""
        fd = entry[4]
        ready, _, _ = select.select([fd], [], [], 0)
        return bool(ready) and os.read(fd, 1) == b""

    def emit(self, path, iface, signal, params=None):
        self.bus.emit_signal(None, path, iface, signal, params)
        self.bus.flush_sync(None)

    def sleep(self, before):
        self.emit("/org/freedesktop/login1", "org.freedesktop.login1.Manager",
                  "PrepareForSleep", GLib.Variant("(b)", (before,)))

    def stop(self):
        try:
            os.kill(self.pid, 15)
        except ProcessLookupError:
            pass


def test(tap, d):
    logind = Logind(d)
    try:
        run(tap, d, logind)
    finally:
        logind.stop()


def run(tap, d, logind):
    disks = {
        "Documents": d.add_disk("Documents", "0f6a9c1e-7777-4a2b-9c3d-000000000001",
                                passphrase_source="command", password_command="printf pw")[1],
        "Photos": d.add_disk("Photos", "0f6a9c1e-7777-4a2b-9c3d-000000000002",
                             passphrase_source="command", password_command="printf pw",
                             close_on_suspend="false", close_on_lock="false")[1],
    }
    d.start_applet(extra_env={"DBUS_SYSTEM_BUS_ADDRESS": logind.address})
    d.wait(lambda: logind.inhibits, 10, "an Inhibit call")
    tap.ok(len(logind.inhibits) == 1 and logind.inhibits[0][0] == "sleep"
           and logind.inhibits[0][3] == "delay",
           "a sleep delay inhibitor is taken at start", logind.inhibits)
    first = logind.inhibits[0]
    tap.ok(not logind.released(first), "and held while nothing happens")

    for name in disks:
        d.click("Open " + name)
        tap.ok(d.wait_label("Close " + name, 5), "opened " + name)

    logind.sleep(True)
    tap.ok(d.wait_label("Open Documents", 5), "PrepareForSleep(true) closes Documents")
    tap.ok(not d.is_mounted(disks["Documents"]), "Documents unmounted before sleep")
    tap.ok(d.wait(lambda: logind.released(first), 5, "inhibitor released"),
           "the inhibitor is released once the close is done")
    tap.ok(d.is_mounted(disks["Photos"]) and "Close Photos" in d.labels(),
           "a disk with close-on-suspend=false stays open")
    logind.sleep(False)
    tap.ok(d.wait(lambda: len(logind.inhibits) == 2, 5, "a new Inhibit"),
           "after resume a new inhibitor is taken")

    # Busy before sleep: the inhibitor still goes (sleep is never blocked), and after resume a
    # notification says the disk stayed open
    d.click("Open Documents")
    d.wait_label("Close Documents", 5)
    holder = subprocess.Popen(["sleep", "600"], cwd=disks["Documents"])
    try:
        second = logind.inhibits[1]
        logind.sleep(True)
        tap.ok(d.wait(lambda: logind.released(second), 8, "inhibitor released (busy)"),
               "busy disk: the inhibitor is released anyway, sleep is not blocked")
        tap.ok(d.is_mounted(disks["Documents"]), "the busy disk is still mounted (never lazy)")
        logind.sleep(False)
        note = d.wait(lambda: d.find_notification(
            lambda n: n["summary"] == "Disks stayed open during sleep"), 8)
        tap.ok(note is not None and "busy" in note["body"],
               "after resume a notification says a disk stayed open", d.notifications)
    finally:
        holder.kill()
        holder.wait()
    tap.ok(d.wait_label("Open Documents", 15), "it closes once the program is gone")

    # logind's Lock for this session closes disks with the lock rule
    d.click("Open Documents")
    tap.ok(d.wait_label("Close Documents", 5), "reopened Documents")
    logind.emit(SESSION_PATH, "org.freedesktop.login1.Session", "Lock")
    tap.ok(d.wait_label("Open Documents", 5), "the session's Lock signal closes Documents")
    tap.ok("Close Photos" in d.labels(), "a disk with close-on-lock=false stays open")
    # A second Lock with no Unlock between (xss-lock and other logind-only lockers send none)
    d.click("Open Documents")
    tap.ok(d.wait_label("Close Documents", 5), "reopened Documents after the Lock")
    logind.emit(SESSION_PATH, "org.freedesktop.login1.Session", "Lock")
    tap.ok(d.wait_label("Open Documents", 5),
           "a second Lock without an Unlock between closes it again")
    logind.emit(SESSION_PATH, "org.freedesktop.login1.Session", "Unlock")


cdigui.run(test)
