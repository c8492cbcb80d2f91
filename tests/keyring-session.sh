#!/bin/sh
# keyring-session.sh - run a command against a real gnome-keyring in a private D-Bus session
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/keyring-session.sh COMMAND [ARG...]
# A fresh HOME and XDG_RUNTIME_DIR exported
# BEFORE dbus-run-session (activated services inherit the bus daemon's environment), then
# gnome-keyring-daemon --unlock with the password in CDI_TEST_KEYRING_PASSWORD (default
# "test-pw", no trailing newline) so a fresh "login" keyring exists, unlocked, as the default
# collection, then waits until the daemon owns org.freedesktop.secrets. No display is passed
# on, so an unlock prompt cannot appear: that is the locked-keyring case the tests want.
# Exits 77 (skip) with the reason on stderr when gnome-keyring-daemon or dbus-run-session is
# missing. The daemon exits by itself with the bus.
set -eu

if [ "${1:-}" != "--inner" ]; then
  for tool in gnome-keyring-daemon dbus-run-session gdbus; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "SKIP: $tool is not installed (Debian: apt install gnome-keyring dbus libglib2.0-bin)" >&2
      exit 77
    fi
  done
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/cdi-keyring.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mkdir -m 700 "$tmp/home" "$tmp/runtime"
  HOME=$tmp/home
  XDG_RUNTIME_DIR=$tmp/runtime
  XDG_CONFIG_HOME=$tmp/home/.config
  XDG_DATA_HOME=$tmp/home/.local/share
  XDG_CACHE_HOME=$tmp/home/.cache
  export HOME XDG_RUNTIME_DIR XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
  unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
  status=0
  # Services the bus activates (the AT-SPI registry among them) print to the bus daemon's
  # stdout; that goes to stderr so a TAP test's stdout carries only its own lines (fd 3).
  dbus-run-session -- "$0" --inner "$@" 3>&1 >&2 || status=$?
  exit "$status"
fi
shift

# Not under the tests' G_DEBUG=fatal-warnings, which is for our code: with it, the daemon died
# (the client saw NoReply) when an item was replaced.
printf '%s' "${CDI_TEST_KEYRING_PASSWORD:-test-pw}" \
  | env -u G_DEBUG gnome-keyring-daemon --unlock --components=secrets >/dev/null
i=0
until gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus \
        -m org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null | grep -q true; do
  i=$((i + 1))
  if [ "$i" -ge 100 ]; then
    echo "Bail out! gnome-keyring-daemon did not take org.freedesktop.secrets within 5 s" >&3
    exit 1
  fi
  sleep 0.05
done
exec "$@" >&3 3>&-
