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
#   VERB.exit      read, if present, for format, inspect, passwd, grow, backup-header, trim:
#                  that verb's exit status, after it wrote nothing
#   VERB.delay     read, if present, for the same verbs: seconds to take first (a slow key
#                  derivation), so a test can act while the helper runs
#   uuids          written by "format", read by the others: "IMAGE<TAB>UUID" lines, the LUKS
#                  UUID of each image it formatted (a real header holds it)
#   trim.bytes     read, if present: the bytes "trim" reports as reclaimed (default 1 MiB)
# An image it did not format holds the disk's LUKS UUID as its first line, as a header would.
# "passwd" checks the old passphrase against "passphrase" (if present) and writes the new one
# there; "grow" of an open disk reports the new size; "backup-header" writes a small fake
# header (the LUKS magic, then the UUID); "inspect" prints a luks record for any image with a UUID.
set -eu

dir=${CDI_FAKE_HELPER_DIR:?CDI_FAKE_HELPER_DIR must name a directory}
n=$(($(wc -l <"$dir/calls.log" 2>/dev/null || echo 0) + 1))
echo "$*" >>"$dir/calls.log"
cat >"$dir/stdin.$n"
verb=$1
shift
while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do shift; done   # options

tab=$(printf '\t')
uuid_of() {
  u=$(awk -F '\t' -v i="$1" '$1 == i { u = $2 } END { print u }' "$dir/uuids" 2>/dev/null || true)
  if [ -z "$u" ]; then u=$(head -n 1 "$1" 2>/dev/null | tr -cd '0-9a-f-' | cut -c 1-36); fi
  printf '%s' "$u"
}
mounted_source() {
  awk -v s="$1" '$1 == s { f = 1 } END { exit !f }' /proc/self/mounts
}
case $verb in
format | inspect | passwd | grow | backup-header | trim)
  if [ -f "$dir/$verb.delay" ]; then sleep "$(cat "$dir/$verb.delay")"; fi
  if [ -f "$dir/$verb.exit" ]; then
    echo "$verb: failing as told by $verb.exit" >&2
    exit "$(cat "$dir/$verb.exit")"
  fi
  ;;
esac
case $verb in
format)
  image=$1
  uuid=$(cat /proc/sys/kernel/random/uuid)
  printf '%s\t%s\n' "$image" "$uuid" >>"$dir/uuids"
  printf 'disk%simage=%s%suuid=%s\n' "$tab" "$image" "$tab" "$uuid"
  ;;
inspect)
  image=$1
  uuid=$(uuid_of "$image")
  if [ "${#uuid}" -ne 36 ]; then
    echo "inspect: $image holds no LUKS header" >&2
    exit 4
  fi
  size=$(qemu-img info -f qcow2 --output=json "$image" 2>/dev/null \
           | sed -n 's/.*"virtual-size": *\([0-9]*\).*/\1/p' | head -n 1)
  open=0
  if mounted_source "/dev/mapper/cdi-$(id -u)-$uuid"; then open=1; fi
  printf 'luks%simage=%s%suuid=%s%sversion=2%slabel=%scipher=aes-xts-plain64%ssize=%s%sopen=%s\n' \
    "$tab" "$image" "$tab" "$uuid" "$tab" "$tab" "$tab" "$tab" "${size:-1073741824}" "$tab" "$open"
  ;;
passwd)
  # stdin: OLDLEN ':' OLD NEW
  input=$dir/stdin.$n
  len=$(head -c 5 "$input" | cut -d : -f 1)
  tail -c +$((${#len} + 2)) "$input" | head -c "$len" >"$dir/passwd.old"
  tail -c +$((${#len} + 2 + len)) "$input" >"$dir/passwd.new"
  if [ -f "$dir/passphrase" ] && ! cmp -s "$dir/passphrase" "$dir/passwd.old"; then
    echo "passwd: no key slot opens with this passphrase" >&2
    exit 5
  fi
  cp "$dir/passwd.new" "$dir/passphrase"
  ;;
grow)
  printf 'grown%simage=%s%ssize=%s%sfs-size=%s\n' "$tab" "$1" "$tab" "$2" "$tab" "$2"
  ;;
backup-header)
  # the LUKS magic, then a note: the client checks the magic
  printf '\114\125\113\123\272\276\000\002stand-in header of %s\n' "$(uuid_of "$1")"
  ;;
trim)
  bytes=1048576
  if [ -f "$dir/trim.bytes" ]; then bytes=$(cat "$dir/trim.bytes"); fi
  printf 'trimmed%smountpoint=%s%sbytes=%s\n' "$tab" "$1" "$tab" "$bytes"
  ;;
open)
  image=$1 mountpoint=$2
  if [ -f "$dir/open.exit" ]; then exit "$(cat "$dir/open.exit")"; fi
  if [ -f "$dir/passphrase" ] && ! cmp -s "$dir/passphrase" "$dir/stdin.$n"; then
    echo "open: no key slot opens with this passphrase" >&2
    exit 5
  fi
  uuid=$(uuid_of "$image")
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
