#!/usr/bin/python3
# kr-unlock.py - lock or unlock a gnome-keyring collection without a prompt, for tests
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unlock (or lock) a gnome-keyring collection without a prompt, for tests.

usage: kr-unlock.py unlock PASSWORD [collection]   |   kr-unlock.py lock [collection]

Unlocking goes through gnome-keyring's
internal UnlockWithMasterPassword, which needs no prompt. Exits 0 when the collection ends up
in the wanted state, 1 otherwise."""
import sys

from gi.repository import Gio, GLib

SVC, ROOT = "org.freedesktop.secrets", "/org/freedesktop/secrets"
bus = Gio.bus_get_sync(Gio.BusType.SESSION)


def call(path, iface, method, args, rtype):
    return bus.call_sync(SVC, path, iface, method, args, GLib.VariantType(rtype),
                         Gio.DBusCallFlags.NONE, 5000, None).unpack()


def locked(coll):
    return call(coll, "org.freedesktop.DBus.Properties", "Get",
                GLib.Variant("(ss)", ("org.freedesktop.Secret.Collection", "Locked")), "(v)")[0]


def main(argv):
    if len(argv) < 2 or argv[1] not in ("lock", "unlock") or (argv[1] == "unlock" and len(argv) < 3):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "lock":
        coll = ROOT + "/collection/" + (argv[2] if len(argv) > 2 else "login")
        call(ROOT, "org.freedesktop.Secret.Service", "Lock", GLib.Variant("(ao)", ([coll],)), "(aoo)")
        print("locked =", locked(coll))
        return 0 if locked(coll) else 1
    coll = ROOT + "/collection/" + (argv[3] if len(argv) > 3 else "login")
    _, session = call(ROOT, "org.freedesktop.Secret.Service", "OpenSession",
                      GLib.Variant("(sv)", ("plain", GLib.Variant("s", ""))), "(vo)")
    secret = (session, b"", argv[2].encode(), "text/plain")
    call(ROOT, "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface", "UnlockWithMasterPassword",
         GLib.Variant("(o(oayays))", (coll, secret)), "()")
    print("locked =", locked(coll))
    return 1 if locked(coll) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
