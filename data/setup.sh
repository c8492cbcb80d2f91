#!/bin/sh
# setup.sh - install what crypt-disk-image needs, build it, install it and start the tray applet
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: data/setup.sh            (from the source tree; uses sudo for the steps that need root)
# Idempotent: a second run only rebuilds what changed and restarts nothing that runs.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd -P)
build=${CDI_BUILD_DIR:-$src/_build}
as_root=""
[ "$(id -u)" -eq 0 ] || as_root=sudo

"$src/data/install-deps.sh"

if [ ! -f "$build/build.ninja" ]; then
  meson setup --prefix=/usr/local "$build" "$src"
fi
meson compile -C "$build"
# pkexec reads its policy only from /usr/share/polkit-1/actions: meson installs it there even
# with the /usr/local prefix; the helper goes to /usr/local/libexec.
$as_root meson install -C "$build" --no-rebuild --quiet

# -f: the kernel's process name is cut to 15 characters, so -x on the name never matches
if pgrep -u "$(id -u)" -f '^([^ ]*/)?crypt-disk-image-applet( |$)' >/dev/null 2>&1; then
  echo "setup: crypt-disk-image-applet is already running"
elif [ -z "${DISPLAY-}${WAYLAND_DISPLAY-}" ]; then
  echo "setup: installed; no graphical session here, so start it from your desktop session with:"
  echo "    crypt-disk-image-applet &"
else
  nohup /usr/local/bin/crypt-disk-image-applet >/dev/null 2>&1 &
  echo "setup: started crypt-disk-image-applet (it also starts at login)"
fi
