#!/usr/bin/python3
# test-preferences.py - the preferences dialog (AT-SPI): Start at login with and without an
# installed autostart entry, setting switches; and New Encrypted Disk… opening its assistant
# (test-create-assistant.py drives it)
# SPDX-License-Identifier: GPL-3.0-or-later
import configparser
import os
import shutil

import pyatspi

import cdigui


def user_entry(path):
    """The [Desktop Entry] keys of the user's autostart entry, or None without one."""
    if not os.path.exists(path):
        return None
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path)
    return dict(parser["Desktop Entry"]) if parser.has_section("Desktop Entry") else {}


def hidden(entry):
    """A user entry that keeps a session from starting the applet (the XDG or GNOME key)."""
    return entry is not None and (entry.get("Hidden") == "true"
                                  or entry.get("X-GNOME-Autostart-enabled") == "false")


def applet_gone():
    """No applet left in the AT-SPI registry (the one stopped may linger for a moment)."""
    try:
        return not any(a and a.name == "crypt-disk-image-applet"
                       for a in pyatspi.Registry.getDesktop(0))
    except Exception:
        return False


def open_preferences(d, app):
    d.click("Preferences")
    dlg = cdigui.a11y_window(d, app, "dialog", "Encrypted Disks Preferences")
    sw = cdigui.a11y_find(dlg, lambda n: n.name == "Start at login")
    return dlg, sw


def test(tap, d):
    autostart = os.path.join(d.home, ".config", "autostart", cdigui.APP_ID + ".desktop")
    # The entry meson installs, under the name it installs it with
    installed = os.path.join(d.build, "data", "autostart", cdigui.APP_ID + ".desktop")
    tap.ok(os.path.basename(installed) == os.path.basename(autostart)
           and os.path.exists(installed),
           "the installed autostart entry and the user's have one basename", installed)

    # ---- no installed entry: $XDG_CONFIG_DIRS names an empty directory, never the host's ----
    no_system = os.path.join(d.home, "xdg-none")
    os.makedirs(no_system)
    d.start_applet(a11y=True, extra_env={"XDG_CONFIG_DIRS": no_system})
    app = cdigui.a11y_app(d)
    dlg, sw = open_preferences(d, app)
    tap.ok(dlg is not None, "Preferences opens the dialog")
    names = ["Show files after opening a disk", "Show notifications",
             "Close disks when the screen locks", "Close disks before the computer sleeps",
             "Close disks when you log out", "Start at login"]
    for name in names:
        tap.ok(dlg is not None and cdigui.a11y_find(dlg, lambda n: n.name == name) is not None,
               "a control named %r" % name)
    tap.ok(dlg is not None and cdigui.a11y_find(
        dlg, lambda n: n.getRoleName() == "spin button"
        and n.name == "Minutes without use before closing") is not None, "the idle minutes")
    d.iterate(0.3)
    d.screenshot("dialog-preferences")

    tap.ok(not os.path.exists(autostart) and not cdigui.a11y_checked(sw),
           "no autostart file at first, and the switch is off")
    cdigui.a11y_click(sw)
    tap.ok(d.wait(lambda: os.path.exists(autostart), 5), "turning it on writes the user entry")
    entry = user_entry(autostart) or {}
    tap.ok(entry.get("X-GNOME-Autostart-enabled") == "true"
           and entry.get("Exec") == "crypt-disk-image-applet" and "Hidden" not in entry,
           "enabled, with the applet and without Hidden", entry)
    cdigui.a11y_click(sw)
    tap.ok(d.wait(lambda: hidden(user_entry(autostart)), 5),
           "turning it off leaves a disabled entry", user_entry(autostart))
    entry = user_entry(autostart) or {}
    tap.ok(entry.get("Hidden") == "true" and entry.get("X-GNOME-Autostart-enabled") == "false",
           "with Hidden=true, so an entry installed later cannot start it either", entry)

    files = cdigui.a11y_find(dlg, lambda n: n.name == "Show files after opening a disk")
    was = files.getState().contains(pyatspi.STATE_CHECKED)
    cdigui.a11y_click(files)
    tap.ok(d.wait(lambda: files.getState().contains(pyatspi.STATE_CHECKED) != was, 5),
           "a setting switch toggles")

    d.click("New Encrypted Disk…")
    wizard = cdigui.a11y_window(d, app, "frame", "New Encrypted Disk")
    tap.ok(wizard is not None, "New Encrypted Disk… opens the assistant")

    # ---- an installed entry in $XDG_CONFIG_DIRS/autostart, and no user entry ----
    d.stop_applets()
    os.unlink(autostart)
    system = os.path.join(d.home, "xdg-system")
    os.makedirs(os.path.join(system, "autostart"))
    shutil.copy(installed, os.path.join(system, "autostart"))
    d.wait(applet_gone, 10, "the first applet gone from AT-SPI")
    d.start_applet(a11y=True, extra_env={"XDG_CONFIG_DIRS": no_system + ":" + system})
    app = cdigui.a11y_app(d)
    dlg, sw = open_preferences(d, app)
    tap.ok(sw is not None and cdigui.a11y_checked(sw),
           "with an installed entry the switch shows on")
    cdigui.a11y_click(sw)
    tap.ok(d.wait(lambda: hidden(user_entry(autostart)), 5)
           and user_entry(autostart).get("Hidden") == "true",
           "turning it off writes the user override with Hidden=true, under the same basename",
           user_entry(autostart))
    tap.ok(not cdigui.a11y_checked(sw), "and the switch is off")
    cdigui.a11y_click(sw)
    tap.ok(d.wait(lambda: user_entry(autostart) is not None
                  and not hidden(user_entry(autostart)), 5),
           "turning it on again makes the user entry an enabled one", user_entry(autostart))
    tap.ok(cdigui.a11y_checked(sw), "and the switch is on")


cdigui.run(test)
