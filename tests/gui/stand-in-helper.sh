#!/bin/sh
# stand-in-helper.sh - a STAND-IN for crypt-disk-image-helper in the GUI tests (via CDI_HELPER)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# This machine kind has no nbd and no device-mapper, so the real helper cannot open a disk
# here. Like tests/fake-helper.sh this stand-in records what the applet sent; unlike it, it
# changes the mount table the way the real helper would, so the applet's GUnixMountMonitor
# path is exercised for real: the GUI tests run in a private mount namespace (session.sh),
# where "open" mounts a tmpfs whose SOURCE is the mapper name the real helper would use,
# /dev/mapper/cdi-<uid>-<uuid>, on the disk's mount point, and "close" unmounts it with a
# plain umount (never lazy), which fails with EBUSY while a process has its working folder or
# an open file there, exactly as ext4 on dm-crypt would; the holders are then found in /proc
# and printed as the real helper's holder records.
#
# Files in $CDI_FAKE_HELPER_DIR:
#   calls.log      written: one line per call, "VERB ARG..."
#   stdin.<N>      written: the standard input of call N (the passphrase), byte for byte
#   passphrase     read, if present: "open" fails with exit 5 unless stdin equals it
#   open.exit      read, if present: the exit status of "open" (e.g. 7: missing support)
# The fake image file holds the disk's LUKS UUID (its first line), as a real header would.
set -eu

dir=${CDI_FAKE_HELPER_DIR:?CDI_FAKE_HELPER_DIR must name a directory}
n=$(($(wc -l <"$dir/calls.log" 2>/dev/null || echo 0) + 1))
echo "$*" >>"$dir/calls.log"
cat >"$dir/stdin.$n"
verb=$1
shift
while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do shift; done   # options

tab=$(printf '\t')
case $verb in
open)
  image=$1 mountpoint=$2
  if [ -f "$dir/open.exit" ]; then exit "$(cat "$dir/open.exit")"; fi
  if [ -f "$dir/passphrase" ] && ! cmp -s "$dir/passphrase" "$dir/stdin.$n"; then
    echo "open: no key slot opens with this passphrase" >&2
    exit 5
  fi
  uuid=$(head -n 1 "$image")
  mapper=/dev/mapper/cdi-$(id -u)-$uuid
  if ! awk -v m="$mountpoint" '$2 == m { f = 1 } END { exit !f }' /proc/self/mounts; then
    mount -t tmpfs -o size=64m,mode=0700 "$mapper" "$mountpoint"
  fi
  printf 'disk%simage=%s%smountpoint=%s%smapper=%s%suuid=%s\n' \
    "$tab" "$image" "$tab" "$mountpoint" "$tab" "$mapper" "$tab" "$uuid"
  ;;
close)
  target=$1
  if ! awk -v m="$target" '$2 == m { f = 1 } END { exit !f }' /proc/self/mounts; then
    exit 0   # already closed: success, as the real helper
  fi
  if umount "$target" 2>"$dir/umount.err"; then exit 0; fi
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    cwd=$(readlink "$p/cwd" 2>/dev/null || true)
    case $cwd in "$target" | "$target"/*)
      printf 'holder%spid=%s%scomm=%s%sholds=cwd%spath=%s\n' "$tab" "$pid" "$tab" \
        "$(cat "$p/comm")" "$tab" "$tab" "$cwd" ;;
    esac
  done
  echo "close: $target is busy" >&2
  exit 6
  ;;
*)
  exit 0
  ;;
esac
