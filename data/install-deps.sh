#!/bin/sh
# install-deps.sh - install the Debian 12 packages crypt-disk-image needs
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: data/install-deps.sh [--tests]
#   without options: what building, installing and running the applet needs;
#   --tests:         also what the whole test suite needs (VM, GUI, keyring, polkit).
# Idempotent: when every package is already installed it returns without calling apt-get.
# Uses sudo when not run as root.
set -eu

packages="meson ninja-build pkg-config gcc libc6-dev gettext
libglib2.0-dev libglib2.0-bin libgtk-3-dev libayatana-appindicator3-dev libsecret-1-dev
libcryptsetup-dev libpolkit-gobject-1-dev desktop-file-utils appstream
qemu-utils cryptsetup-bin e2fsprogs util-linux kmod pkexec polkitd dbus dbus-user-session
gnome-keyring libnotify-bin"

test_packages="qemu-system-x86 busybox-static xz-utils cpio valgrind clang libclang-rt-14-dev
sudo passwd libxml2-utils xvfb xauth dbus-x11 at-spi2-core libsecret-tools xdotool trayer imagemagick
python3-gi python3-dogtail python3-pyatspi gir1.2-gtk-3.0 gir1.2-atspi-2.0
gir1.2-ayatanaappindicator3-0.1 gir1.2-secret-1 gir1.2-notify-0.7 git"

want=$packages
[ "${1-}" = --tests ] && want="$packages $test_packages"

missing=""
for p in $want; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  case $status in ii*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

as_root=""
[ "$(id -u)" -eq 0 ] || as_root=sudo
echo "install-deps: installing:$missing"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get -q update
# shellcheck disable=SC2086 # word splitting of the package list is intended
$as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends install $missing
