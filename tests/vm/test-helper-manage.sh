#!/bin/bash
# test-helper-manage.sh - crypt-disk-image-helper's inspect, passwd, grow and backup-header, in
# the VM, as a user
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (from the source root): tests/vm/cdi-vm-run --share BUILD tests/vm/test-helper-manage.sh BUILD/helper/crypt-disk-image-helper
# inspect (a LUKS image; a qcow2 without LUKS refused, nothing left); passwd on a closed and an
# open disk (the old passphrase fails afterwards, the new one works; a wrong old one changes
# nothing); grow of an open disk online (df grows, a file's checksum intact); grow of a
# closed disk by qemu-img resize, then open grows the rest; backup-header, then the header
# destroyed with dd, open fails, luksHeaderRestore from the backup, open works, data intact;
# another user can do none of it to the user's image. Keyslots use the cheap PBKDF of
# lib-helper.sh (pbkdf2, 1000 iterations), also for the new keyslots of passwd.
source "$(dirname "$0")/lib-helper.sh"

img=$HOME_U/manage.qcow2
mnt=$HOME_U/Manage
NEW='new staple battery horse'
MiB=$((1024 * 1024))

# passwd's stdin: OLDLEN ':' OLD NEW (the passphrases here are ASCII: ${#} counts bytes)
frame() { printf '%d:%s%s' "${#1}" "$1" "$2"; }
# The helper's stdout into a file, byte for byte (backup-header)
helper_raw() {  # helper_raw USER OUTFILE ARGS...
    local user=$1 file=$2; shift 2
    set +e
    runuser -u "$user" -- sudo -n "$HELPER" "$@" </dev/null >"$file" 2>/tmp/helper.err
    rc=$?
    set -e
    err=$(cat /tmp/helper.err)
    [[ -z $err ]] || printf '#   stderr: %s\n' "${err//$'\n'/$'\n#   stderr: '}"
}
fs_kib() { df -k --output=size "$mnt" | tail -1 | tr -d ' '; }
virtual_size() { qemu-img info -U -f qcow2 --output=json "$img" | sed -n 's/.*"virtual-size": \([0-9]*\).*/\1/p'; }
mounted() { findmnt -n "$mnt" >/dev/null; }
# As root, the image's raw contents on /dev/nbd14 (the helper never uses a fixed device)
raw_attach() {
    qemu-nbd -c /dev/nbd14 --format=qcow2 "$img"
    for _ in $(seq 100); do [[ $(cat /sys/block/nbd14/size) != 0 ]] && break; sleep 0.05; done
}
raw_detach() {
    qemu-nbd -d /dev/nbd14 >/dev/null
    for _ in $(seq 100); do [[ $(cat /sys/block/nbd14/size) == 0 ]] && break; sleep 0.05; done
}

new_image "$img" 256M
new_mountpoint "$mnt"
helper "$PASS" format "${CHEAP[@]}" "$img"
check "format exits 0" test "$rc" = 0
uuid=$(sed -n 's/.*uuid=\([0-9a-f-]*\).*/\1/p' <<<"$out")
step "formatted"

# ------------------------------------------------------------------ inspect
helper_nopass inspect "$img"
check "inspect exits 0" test "$rc" = 0
check "inspect prints a luks record (LUKS2, aes-xts-plain64, 256 MiB, closed)" \
    grep -qE $'^luks\timage='"$img"$'\tuuid='"$uuid"$'\tversion=2\tlabel=crypt-disk-image\tcipher=aes-xts-plain64\tsize='$((256 * MiB))$'\topen=0$' <<<"$out"
check "inspect leaves nothing" nothing_left
new_image "$HOME_U/plain.qcow2" 64M
helper_nopass inspect "$HOME_U/plain.qcow2"
check "inspect of a qcow2 without LUKS is refused (exit 4)" test "$rc" = 4
check "... and leaves nothing attached" nothing_left
rm -f "$HOME_U/raw.img"; as_user truncate -s 64M "$HOME_U/raw.img"; chmod 0600 "$HOME_U/raw.img"
helper_nopass inspect "$HOME_U/raw.img"
check "inspect of a raw image is refused (exit 4)" test "$rc" = 4
check "... and leaves nothing attached" nothing_left
helper_as "$OTHER_USER" "" inspect "$img"
check "another user cannot inspect the image (exit 4)" test "$rc" = 4

# ------------------------------------------------------------------ passwd, closed disk
helper "$(frame "$PASS" "$NEW")" passwd "${CHEAP[@]}" "$img"
check "passwd of a closed disk exits 0" test "$rc" = 0
check "passwd leaves nothing" nothing_left
helper "$PASS" open "$img" "$mnt"
check "the old passphrase no longer opens it (exit 5)" test "$rc" = 5
check "... and nothing is left" nothing_left
helper "$(frame 'wrong passphrase' "$PASS")" passwd "${CHEAP[@]}" "$img"
check "passwd with a wrong old passphrase exits 5" test "$rc" = 5
helper_as "$OTHER_USER" "$(frame "$NEW" "$PASS")" passwd "${CHEAP[@]}" "$img"
check "another user cannot passwd the image (exit 4)" test "$rc" = 4
helper "nocolon$NEW" passwd "${CHEAP[@]}" "$img"
check "passwd with malformed stdin is refused (exit 4)" test "$rc" = 4
helper "$NEW" open "$img" "$mnt"
check "the new passphrase opens it (wrong old and malformed calls changed nothing)" test "$rc" = 0
as_user bash -c "head -c 4M /dev/urandom > '$mnt/keep.bin' && sync '$mnt/keep.bin'"
sum=$(sha256sum < "$mnt/keep.bin")
step "passwd on a closed disk done"

# ------------------------------------------------------------------ passwd, open disk
helper "$(frame 'wrong passphrase' "$PASS")" passwd "${CHEAP[@]}" "$img"
check "passwd of the open disk with a wrong old passphrase exits 5" test "$rc" = 5
helper "$(frame "$NEW" "$PASS")" passwd "${CHEAP[@]}" "$img"
check "passwd of the open disk exits 0" test "$rc" = 0
check "... and the disk stays mounted" mounted
helper_nopass inspect "$img"
check "inspect of the open disk says open=1" grep -qE $'^luks\t.*\topen=1$' <<<"$out"

# ------------------------------------------------------------------ backup-header, open disk
helper_raw "$TEST_USER" /tmp/header.bin backup-header "$img"
check "backup-header of the open disk exits 0" test "$rc" = 0
check "the backup starts with the LUKS magic" test "$(head -c 6 /tmp/header.bin | od -An -tx1 | tr -d ' \n')" = 4c554b53babe
# The whole header: both JSON metadata copies (16 KiB each by default) and the keyslots area
# (the helper makes it 4 MiB to keep images thin)
ks_area=$(cryptsetup luksDump /tmp/header.bin | awk '/^Keyslots area:/{print $3}')
check "the keyslots area is 4 MiB (${ks_area:-?} bytes)" test "${ks_area:-0}" = $((4 * MiB))
check "the backup is a whole LUKS2 header area ($(stat -c %s /tmp/header.bin) bytes)" test "$(stat -c %s /tmp/header.bin)" -ge $((ks_area + 32 * 1024))
check "no header file is left in the run dir" bash -c "! ls /run/crypt-disk-image | grep -q header"
helper_raw "$OTHER_USER" /tmp/other-header.bin backup-header "$img"
check "another user cannot back up the header (exit 4, nothing written)" test "$rc" = 4 -a ! -s /tmp/other-header.bin

# ------------------------------------------------------------------ grow, open disk
before=$(fs_kib)
helper_as "$OTHER_USER" "" grow "$img" $((512 * MiB))
check "another user cannot grow the image (exit 4)" test "$rc" = 4
helper_nopass grow "$img" $((200 * MiB))
check "grow to a smaller size is refused (exit 4)" test "$rc" = 4
helper_nopass grow "$img" $((512 * MiB))
check "grow of the open disk exits 0" test "$rc" = 0
check "grow prints a grown record" grep -qE $'^grown\timage='"$img"$'\tsize='$((512 * MiB))$'\tfs-size=[0-9]+' <<<"$out"
check "grow prints the disk record" grep -qE $'^disk\timage='"$img" <<<"$out"
after=$(fs_kib)
check "df size grew ($before -> $after KiB)" test "$after" -gt $((before + 200 * 1024))
check "the image is 512 MiB" test "$(virtual_size)" = $((512 * MiB))
check "the checksum is intact after the online grow" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
# fallocate takes the blocks without writing them: cheap under TCG, and more than the old
# file system had room for
as_user fallocate -l 300M "$mnt/fill.bin" &&
    ok "300 MiB more fit after the grow" || not_ok "300 MiB more fit after the grow"
as_user rm -f "$mnt/fill.bin"
helper_nopass status
check "status: the disk is open, not stale (the record names the new server)" grep -q 'state=open' <<<"$out"
check "qemu-nbd still runs as the user" test "$(ps -o user= -C qemu-nbd | tr -d ' ')" = "$TEST_USER"
helper_nopass close "$mnt"
check "close after grow exits 0" test "$rc" = 0
check "close after grow leaves nothing" nothing_left
step "grow online: $before -> $after KiB"

# ------------------------------------------------------------------ grow, closed disk
helper_nopass grow "$img" $((768 * MiB))
check "grow of a closed disk is refused (exit 4)" test "$rc" = 4
check "... and leaves nothing" nothing_left
as_user qemu-img resize -q -f qcow2 "$img" $((768 * MiB))
helper "$PASS" open "$img" "$mnt"
check "open after qemu-img resize exits 0" test "$rc" = 0
check "open grew the file system and says so" grep -qE $'^grown\timage='"$img"$'\tsize='$((768 * MiB)) <<<"$out"
grown=$(fs_kib)
check "df size grew ($after -> $grown KiB)" test "$grown" -gt $((after + 200 * 1024))
check "the checksum is intact after the offline grow" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
helper_nopass close "$mnt"
helper "$PASS" open --read-only "$img" "$mnt"
check "read-only open exits 0 without growing" bash -c "test $rc = 0 && ! grep -q '^grown' <<<'$out'"
helper_nopass close "$mnt"
check "nothing left after the closed grow" nothing_left
step "grow closed: $after -> $grown KiB"

# ------------------------------------------------------------------ backup-header, closed disk; restore
helper_raw "$TEST_USER" /tmp/header-closed.bin backup-header "$img"
check "backup-header of the closed disk exits 0" test "$rc" = 0
check "... and leaves nothing" nothing_left
check "both backups are the same header" cmp -s /tmp/header.bin /tmp/header-closed.bin
raw_attach
dd if=/dev/zero of=/dev/nbd14 bs=1M count=4 conv=fsync status=none
raw_detach
helper "$PASS" open "$img" "$mnt"
check "open with the header destroyed fails (exit 4)" test "$rc" = 4
check "... and leaves nothing" nothing_left
raw_attach
cryptsetup -q luksHeaderRestore /dev/nbd14 --header-backup-file /tmp/header.bin &&
    ok "luksHeaderRestore from the backup" || not_ok "luksHeaderRestore from the backup"
raw_detach
helper "$PASS" open "$img" "$mnt"
check "open after the restore exits 0" test "$rc" = 0
check "the checksum is intact after the restore" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
helper_nopass close "$mnt"
check "final close exits 0" test "$rc" = 0
check "nothing left at the end" nothing_left
step "done"

force_cleanup
finish
