# cdigui.py - shared parts of the applet's GUI tests: a desktop's D-Bus services played by the
# test, the applet under test, and TAP output
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test process plays the desktop around the REAL applet (run inside session.sh):

* a StatusNotifier host: owns org.kde.StatusNotifierWatcher, takes the item's registration,
  reads its properties and its dbusmenu layout, and clicks entries by label;
* a notification server (org.freedesktop.Notifications): records each Notify, and invokes
  actions (ActionInvoked) as a user clicking a button would;
* a screensaver (org.freedesktop.ScreenSaver and org.gnome.ScreenSaver): emits ActiveChanged
  from the name owner, as a real one does;
* a file manager (org.freedesktop.FileManager1): records ShowFolders.
The helper is tests/gui/stand-in-helper.sh (CDI_HELPER), since the kernel here has no nbd and
no device-mapper; it mounts a tmpfs named like the real mapper device, so open and closed
states come from the real mount table.
"""
import json
import os
import signal
import subprocess
import sys
import time

from gi.repository import Gio, GLib

APP_ID = "org.cryptdiskimage.CryptDiskImage"
APP_PATH = "/org/cryptdiskimage/CryptDiskImage"

WATCHER_XML = """<node><interface name="org.kde.StatusNotifierWatcher">
  <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
  <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
  <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
  <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
  <property name="ProtocolVersion" type="i" access="read"/>
  <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
</interface></node>"""

NOTIFY_XML = """<node><interface name="org.freedesktop.Notifications">
  <method name="Notify">
    <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
    <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
    <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/><arg type="u" direction="out"/>
  </method>
  <method name="CloseNotification"><arg type="u" direction="in"/></method>
  <method name="GetCapabilities"><arg type="as" direction="out"/></method>
  <method name="GetServerInformation">
    <arg type="s" direction="out"/><arg type="s" direction="out"/>
    <arg type="s" direction="out"/><arg type="s" direction="out"/>
  </method>
  <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
</interface></node>"""

SCREENSAVER_XML = """<node><interface name="%s">
  <method name="GetActive"><arg type="b" direction="out"/></method>
  <signal name="ActiveChanged"><arg type="b"/></signal>
</interface></node>"""

FILEMANAGER_XML = """<node><interface name="org.freedesktop.FileManager1">
  <method name="ShowFolders"><arg type="as" direction="in"/><arg type="s" direction="in"/></method>
</interface></node>"""


class Tap:
    """TAP output; every check counts, a failed one makes the exit status 1."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, detail=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc), flush=True)
        if not cond:
            self.failed += 1
            if detail is not None:
                print("# " + str(detail).replace("\n", "\n# "), flush=True)
        return cond

    def finish(self):
        print("1..%d" % self.n, flush=True)
        return 1 if self.failed else 0


class Desktop:
    def __init__(self, watcher=True, file_manager=True):
        self.build = os.environ["CDI_BUILD_DIR"]
        self.src = os.environ["CDI_SOURCE_DIR"]
        self.home = os.environ["HOME"]
        os.environ["DISPLAY"] = os.environ["CDI_GUI_DISPLAY"]
        self.helper_dir = os.path.join(self.home, "helper")
        os.makedirs(self.helper_dir, exist_ok=True)
        self.shots = os.path.join(self.build, "gui-screenshots")
        os.makedirs(self.shots, exist_ok=True)
        self.bus = Gio.bus_get_sync(Gio.BusType.SESSION)
        self.items = []            # (bus name, object path) of registered SNI items
        self.notifications = []    # dicts: id, summary, body, actions (label -> key)
        self.shown_folders = []
        self.screensaver_active = False
        self.applets = []
        self.t0 = time.monotonic()
        self._owned = set()
        self._objects = []
        self._own("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                  NOTIFY_XML, self._on_notify_call)
        for name, path in (("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                           ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver")):
            self._own(name, path, SCREENSAVER_XML % name, self._on_screensaver_call)
        if file_manager:
            self._own("org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                      FILEMANAGER_XML, self._on_filemanager_call)
        if watcher:
            self.start_watcher()
        self.wait(lambda: len(self._owned) >= 3 + bool(file_manager) + bool(watcher), 10,
                  "bus names owned")

    # ---- plumbing ----

    def log(self, *args):
        print("# [+%.2fs]" % (time.monotonic() - self.t0), *args, flush=True)

    def _own(self, name, path, xml, handler, getter=None):
        node = Gio.DBusNodeInfo.new_for_xml(xml)
        reg = self.bus.register_object(path, node.interfaces[0], handler, getter, None)
        self._objects.append(reg)
        Gio.bus_own_name_on_connection(self.bus, name, Gio.BusNameOwnerFlags.NONE,
                                       lambda c, n: self._owned.add(n),
                                       lambda c, n: self.log("LOST name", n))

    def iterate(self, seconds=0.0):
        end = time.monotonic() + seconds
        ctx = GLib.MainContext.default()
        while True:
            while ctx.pending():
                ctx.iteration(False)
            if time.monotonic() >= end:
                return
            time.sleep(0.02)

    def wait(self, pred, timeout=10, what="condition"):
        end = time.monotonic() + timeout
        while True:
            self.iterate()
            try:
                r = pred()
            except GLib.Error:
                r = None
            if r:
                return r
            if time.monotonic() >= end:
                self.log("timed out waiting for", what)
                return r
            time.sleep(0.05)

    def call(self, dest, path, iface, method, args, rtype, timeout=5000):
        return self.bus.call_sync(dest, path, iface, method, args,
                                  GLib.VariantType.new(rtype) if rtype else None,
                                  Gio.DBusCallFlags.NONE, timeout, None)

    def has_owner(self, name):
        return self.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                         "NameHasOwner", GLib.Variant("(s)", (name,)), "(b)").unpack()[0]

    # ---- services ----

    def start_watcher(self):
        self._own("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher", WATCHER_XML,
                  self._on_watcher_call, self._on_watcher_prop)

    def _on_watcher_call(self, conn, sender, path, iface, method, params, inv):
        if method == "RegisterStatusNotifierItem":
            arg = params.unpack()[0]
            svc, obj = (sender, arg) if arg.startswith("/") else (arg, "/StatusNotifierItem")
            self.items.append((svc, obj))
            self.log("item registered", svc, obj)
            inv.return_value(None)
        else:
            inv.return_value(None)

    def _on_watcher_prop(self, conn, sender, path, iface, prop):
        if prop == "RegisteredStatusNotifierItems":
            return GLib.Variant("as", [s + o for s, o in self.items])
        if prop == "IsStatusNotifierHostRegistered":
            return GLib.Variant("b", True)
        return GLib.Variant("i", 0)

    def _on_notify_call(self, conn, sender, path, iface, method, params, inv):
        if method == "Notify":
            app, replaces, icon, summary, body, actions, hints, timeout = params.unpack()
            nid = replaces or (len(self.notifications) + 1)
            pairs = dict(zip(actions[1::2], actions[0::2]))   # label -> key
            self.notifications.append({"id": nid, "summary": summary, "body": body,
                                       "actions": pairs, "icon": icon})
            self.log("notification %d: %r %r %s" % (nid, summary, body, list(pairs)))
            inv.return_value(GLib.Variant("(u)", (nid,)))
        elif method == "GetCapabilities":
            inv.return_value(GLib.Variant("(as)", (["actions", "body"],)))
        elif method == "GetServerInformation":
            inv.return_value(GLib.Variant("(ssss)", ("cdi-test", "test", "1", "1.2")))
        else:
            inv.return_value(None)

    def _on_screensaver_call(self, conn, sender, path, iface, method, params, inv):
        inv.return_value(GLib.Variant("(b)", (self.screensaver_active,)))

    def _on_filemanager_call(self, conn, sender, path, iface, method, params, inv):
        self.shown_folders.extend(params.unpack()[0])
        self.log("ShowFolders", params.unpack()[0])
        inv.return_value(None)

    def set_screensaver(self, active, only=None):
        """Emits ActiveChanged from both screensaver names, or from @only (a bus name) alone."""
        self.screensaver_active = active
        for name, path in (("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                           ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver")):
            if only in (None, name):
                self.bus.emit_signal(None, path, name, "ActiveChanged",
                                     GLib.Variant("(b)", (active,)))
        self.log("ActiveChanged(%s) emitted by %s" % (active, only or "both names"))

    def find_notification(self, pred):
        for n in reversed(self.notifications):
            if pred(n):
                return n
        return None

    def invoke_notification_action(self, note, label):
        key = note["actions"][label]
        self.bus.emit_signal(None, "/org/freedesktop/Notifications",
                             "org.freedesktop.Notifications", "ActionInvoked",
                             GLib.Variant("(us)", (note["id"], key)))
        self.log("ActionInvoked(%d, %r)" % (note["id"], key))

    # ---- disks and keyring ----

    def add_disk(self, name, uuid, **keys):
        """Writes a disk into the registry; returns (image, mountpoint)."""
        image = os.path.join(self.home, name + ".qcow2")
        mountpoint = os.path.join(self.home, name)
        with open(image, "w") as f:
            f.write(uuid + "\n")
        os.chmod(image, 0o600)
        os.makedirs(mountpoint, exist_ok=True)
        conf_dir = os.path.join(self.home, ".config", "crypt-disk-image")
        os.makedirs(conf_dir, mode=0o700, exist_ok=True)
        lines = ["[disk %s]" % name, "image=" + image, "mountpoint=" + mountpoint,
                 "uuid=" + uuid]
        lines += ["%s=%s" % (k.replace("_", "-"), v) for k, v in keys.items()]
        with open(os.path.join(conf_dir, "disks.conf"), "a") as f:
            f.write("\n".join(lines) + "\n\n")
        return image, mountpoint

    def registry(self):
        with open(os.path.join(self.home, ".config", "crypt-disk-image", "disks.conf")) as f:
            return f.read()

    def store_secret(self, uuid, secret):
        subprocess.run(["secret-tool", "store", "--label=test", "xdg:schema",
                        "org.cryptdiskimage.CryptDiskImage.Passphrase", "disk-uuid", uuid],
                       input=secret.encode(), check=True)

    def lookup_secret(self, uuid):
        r = subprocess.run(["secret-tool", "lookup", "xdg:schema",
                            "org.cryptdiskimage.CryptDiskImage.Passphrase", "disk-uuid", uuid],
                           capture_output=True)
        return r.stdout.decode() if r.returncode == 0 else None

    def set_passphrase(self, secret):
        with open(os.path.join(self.helper_dir, "passphrase"), "w") as f:
            f.write(secret)

    def helper_calls(self):
        try:
            with open(os.path.join(self.helper_dir, "calls.log")) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def helper_stdin(self, n):
        with open(os.path.join(self.helper_dir, "stdin.%d" % n), "rb") as f:
            return f.read()

    @staticmethod
    def is_mounted(path):
        with open("/proc/self/mounts") as f:
            return any(line.split()[1] == path for line in f)

    # ---- the applet ----

    def start_applet(self, extra_env=None, a11y=False, wait_bus=True):
        env = dict(os.environ)
        env.update({"CDI_HELPER": os.path.join(self.src, "tests", "gui", "stand-in-helper.sh"),
                    "CDI_FAKE_HELPER_DIR": self.helper_dir,
                    "GSETTINGS_BACKEND": "memory",
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
            self.wait(lambda: self.has_owner(APP_ID), 10, "the applet on the bus")
        return p

    def applet_log(self, n=0):
        with open(os.path.join(self.home, "applet-%d.log" % n)) as f:
            return f.read()

    def stop_applets(self):
        for p in self.applets:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.applets:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()

    def activate_action(self, name, param=None):
        args = [GLib.Variant("s", param)] if param is not None else []
        self.call(APP_ID, APP_PATH, "org.gtk.Actions", "Activate",
                  GLib.Variant("(sava{sv})", (name, args, {})), None)

    # ---- the tray item ----

    def item(self):
        return self.wait(lambda: self.items[-1] if self.items else None, 10, "SNI registration")

    def props(self):
        svc, obj = self.item()
        return self.call(svc, obj, "org.freedesktop.DBus.Properties", "GetAll",
                         GLib.Variant("(s)", ("org.kde.StatusNotifierItem",)),
                         "(a{sv})").unpack()[0]

    def menu(self):
        """[(id, label, props)] of the menu's top level entries, in order."""
        svc, _ = self.item()
        path = self.props()["Menu"]
        _, layout = self.call(svc, path, "com.canonical.dbusmenu", "GetLayout",
                              GLib.Variant("(iias)", (0, -1, [])), "(u(ia{sv}av))").unpack()
        return [(c[0], c[1].get("label", "").replace("_", ""), c[1]) for c in layout[2]]

    def labels(self):
        return [label for _, label, p in self.menu() if p.get("type") != "separator"]

    def wait_label(self, label, timeout=10):
        return self.wait(lambda: label in self.labels(), timeout, "menu entry %r" % label)

    def click(self, label):
        svc, _ = self.item()
        path = self.props()["Menu"]
        for mid, lab, _ in self.menu():
            if lab == label:
                self.call(svc, path, "com.canonical.dbusmenu", "Event",
                          GLib.Variant("(isvu)", (mid, "clicked", GLib.Variant("s", ""),
                                                  int(time.time()) & 0xffffffff)), None)
                self.log("clicked", repr(label))
                return True
        self.log("no entry", repr(label), "in", self.labels())
        return False

    def secondary_activate(self):
        svc, obj = self.item()
        self.call(svc, obj, "org.kde.StatusNotifierItem", "SecondaryActivate",
                  GLib.Variant("(ii)", (0, 0)), None)

    # ---- screenshots ----

    def screenshot(self, name, window=None):
        path = os.path.join(self.shots, name + ".png")
        target = window or "root"
        subprocess.run(["import", "-window", target, path], check=False,
                       stderr=subprocess.DEVNULL)
        self.log("screenshot", path)
        return path


def run(test, watcher=True, file_manager=True):
    """Runs test(tap, desktop) and exits with the TAP plan; applets are stopped at the end."""
    tap = Tap()
    desk = None
    try:
        desk = Desktop(watcher=watcher, file_manager=file_manager)
        test(tap, desk)
    except Exception:
        import traceback
        tap.ok(False, "test ran to the end", traceback.format_exc())
    finally:
        if desk is not None:
            desk.stop_applets()
            for i, _ in enumerate(desk.applets):
                print("# ---- applet-%d.log" % i)
                print("# " + desk.applet_log(i).replace("\n", "\n# "))
    sys.exit(tap.finish())


# ---- accessibility (pyatspi), for dialogs and the fallback window ----

def a11y_find(node, pred, depth=0):
    if node is None or depth > 30:
        return None
    try:
        if pred(node):
            return node
    except Exception:
        pass
    try:
        children = [node.getChildAtIndex(i) for i in range(node.childCount)]
    except GLib.Error:
        return None   # gone meanwhile (a window that was just destroyed)
    for child in children:
        r = a11y_find(child, pred, depth + 1)
        if r:
            return r
    return None


def a11y_app(desk, name="crypt-disk-image-applet"):
    import pyatspi
    return desk.wait(lambda: next((a for a in pyatspi.Registry.getDesktop(0)
                                   if a and a.name == name), None), 15, "a11y app " + name)


def a11y_window(desk, app, role, name, timeout=15):
    def look():
        for i in range(app.childCount):
            w = app.getChildAtIndex(i)
            roles = (role,) if isinstance(role, str) else role
            if w is not None and w.getRoleName() in roles and w.name.startswith(name):
                return w
        return None
    w = desk.wait(look, timeout, "%s %r" % (role, name))
    if not w:
        import pyatspi
        desk.log("a11y apps:", [a.name for a in pyatspi.Registry.getDesktop(0) if a])
        desk.log("windows of %r:" % app.name, [(app.getChildAtIndex(i).getRoleName(),
                                                app.getChildAtIndex(i).name)
                                               for i in range(app.childCount)])
    return w


def a11y_click(node):
    act = node.queryAction()
    names = [act.getName(i) for i in range(act.nActions)]
    act.doAction(names.index("click") if "click" in names else 0)


def a11y_button(win, label):
    return a11y_find(win, lambda n: n.getRoleName() in ("push button", "toggle button")
                     and n.name.replace("_", "") == label)


def a11y_named(win, name, roles=None, showing=False):
    """The first node named @name (of one of @roles), optionally only a showing one."""
    import pyatspi

    def pred(n):
        if n.name != name:
            return False
        if roles is not None and n.getRoleName() not in roles:
            return False
        return not showing or n.getState().contains(pyatspi.STATE_SHOWING)
    return a11y_find(win, pred)


def a11y_text(node):
    """The text of a label or entry."""
    if node is None:
        return None
    t = node.queryText()
    return t.getText(0, t.characterCount)


def a11y_set_text(node, text):
    node.queryEditableText().setTextContents(text)


def a11y_checked(node):
    import pyatspi
    return node.getState().contains(pyatspi.STATE_CHECKED)


def a11y_sensitive(node):
    import pyatspi
    return node.getState().contains(pyatspi.STATE_SENSITIVE)


def a11y_showing(node):
    import pyatspi
    return node is not None and node.getState().contains(pyatspi.STATE_SHOWING)


def a11y_dump(node, depth=0, out=None):
    """The tree below @node as text lines: role, name, and text of labels."""
    out = [] if out is None else out
    if node is None or depth > 30:
        return out
    try:
        extra = ""
        if node.getRoleName() in ("label", "text", "password text"):
            extra = " = %r" % a11y_text(node)
        out.append("%s%s %r%s" % ("  " * depth, node.getRoleName(), node.name, extra))
        for i in range(node.childCount):
            a11y_dump(node.getChildAtIndex(i), depth + 1, out)
    except Exception as e:
        out.append("%s(gone: %s)" % ("  " * depth, e))
    return out


def a11y_showing_button(win, label):
    """A showing push button by its label (mnemonic underscores dropped)."""
    import pyatspi
    return a11y_find(win, lambda n: n.getRoleName() in ("push button", "toggle button")
                     and n.name.replace("_", "") == label
                     and n.getState().contains(pyatspi.STATE_SHOWING))


def a11y_mnemonic(node):
    """The key binding of a node's first action ("<Alt>n" for a mnemonic), or ""."""
    try:
        return node.queryAction().getKeyBinding(0) or ""
    except Exception:
        return ""


def qcow2(path, size="1G"):
    """A real, empty qcow2 image of the user's (qemu-img), mode 0600."""
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", path, size], check=True)
    os.chmod(path, 0o600)


def virtual_size(path):
    r = subprocess.run(["qemu-img", "info", "-f", "qcow2", "--output=json", path],
                       capture_output=True, check=True)
    return json.loads(r.stdout)["virtual-size"]


def helper_knows(desk, image, uuid):
    """Tells the stand-in helper that @image holds the LUKS UUID @uuid (as "format" does)."""
    with open(os.path.join(desk.helper_dir, "uuids"), "a") as f:
        f.write("%s\t%s\n" % (image, uuid))


def add_qcow2_disk(desk, name, uuid, size="1G", **keys):
    """A registered disk whose image is a real qcow2 file; returns (image, mountpoint)."""
    image = os.path.join(desk.home, name + ".qcow2")
    mountpoint = os.path.join(desk.home, name)
    qcow2(image, size)
    helper_knows(desk, image, uuid)
    os.makedirs(mountpoint, exist_ok=True)
    conf_dir = os.path.join(desk.home, ".config", "crypt-disk-image")
    os.makedirs(conf_dir, mode=0o700, exist_ok=True)
    lines = ["[disk %s]" % name, "image=" + image, "mountpoint=" + mountpoint, "uuid=" + uuid]
    lines += ["%s=%s" % (k.replace("_", "-"), v) for k, v in keys.items()]
    with open(os.path.join(conf_dir, "disks.conf"), "a") as f:
        f.write("\n".join(lines) + "\n\n")
    return image, mountpoint


def registry_groups(desk):
    """{disk name: {key: value}} from disks.conf (missing file: {})."""
    import configparser
    path = os.path.join(desk.home, ".config", "crypt-disk-image", "disks.conf")
    cp = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    cp.optionxform = str
    if os.path.exists(path):
        cp.read(path)
    return {s[5:]: dict(cp[s]) for s in cp.sections() if s.startswith("disk ")}


def keyring_items(desk):
    """The attributes lines of every item of the applet's schema in the real keyring."""
    r = subprocess.run(["secret-tool", "search", "--all", "xdg:schema",
                        "org.cryptdiskimage.CryptDiskImage.Passphrase"],
                       capture_output=True, text=True)
    return [line for line in (r.stdout + r.stderr).splitlines()
            if line.startswith("attribute.disk-uuid")]
