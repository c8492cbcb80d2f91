#!/bin/sh
# session.sh - run one GUI test in a private desktop session: mount namespace, Xvfb, D-Bus, keyring
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/gui/session.sh TEST.py [ARG...]
# 1. A private mount namespace (unshare; a user namespace too when not root), so the stand-in
#    helper's tmpfs mounts are seen by the applet's mount monitor and vanish with the test.
# 2. Xvfb on a display it picks itself (-displayfd: no race between parallel tests).
# 3. tests/keyring-session.sh: fresh HOME and XDG dirs, a private session bus, a real
#    gnome-keyring-daemon, unlocked ("test-pw"). It drops DISPLAY for the bus's activated
#    services; the test gets it back through CDI_GUI_DISPLAY.
# Needs: unshare, Xvfb, dbus-run-session, gnome-keyring-daemon, /usr/bin/python3 with gi.
# Exits 77 (skip) when one is missing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ "${CDI_GUI_IN_NS:-}" != 1 ]; then
  for tool in unshare Xvfb dbus-run-session gnome-keyring-daemon import; do
    command -v "$tool" >/dev/null 2>&1 || { echo "1..0 # SKIP $tool is not installed"; exit 77; }
  done
  /usr/bin/python3 -c 'import gi, pyatspi' 2>/dev/null \
    || { echo "1..0 # SKIP /usr/bin/python3 lacks gi or pyatspi"; exit 77; }
  export CDI_GUI_IN_NS=1
  if [ "$(id -u)" -eq 0 ]; then
    exec unshare --mount --propagation private "$0" "$@"
  fi
  exec unshare --user --map-root-user --mount --propagation private "$0" "$@"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cdi-gui.XXXXXX")
fifo=$work/displayfd
mkfifo "$fifo"
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5>"$fifo" 2>"$work/xvfb.log" &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null; rm -rf "$work"' EXIT
read -r display <"$fifo"
export CDI_GUI_DISPLAY=":$display" CDI_GUI_WORK="$work"
status=0
"$here/../keyring-session.sh" /usr/bin/python3 "$@" || status=$?
exit "$status"
