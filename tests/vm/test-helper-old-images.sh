#!/bin/bash
# test-helper-old-images.sh - images made the way the older bash tools made them still open
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/vm/cdi-vm-run --share BUILD tests/vm/test-helper-old-images.sh BUILD/helper/crypt-disk-image-helper
# The old crypt-disk-image-create ran (as root): qemu-img create -f qcow2 -o
# preallocation=metadata; qemu-nbd -c; PW_CMD | cryptsetup --cipher aes-xts-plain --key-size 512
# --hash sha512 luksFormat (no --type: LUKS1 or LUKS2 by cryptsetup version; no --key-file, so
# the passphrase is read up to the first newline); PW_CMD | cryptsetup luksOpen; mkfs.ext4 with
# defaults; chown -R to the user. Those exact options are used here, plus a cheap PBKDF (the
# old tools used cryptsetup's default, which costs ~30 s per unlock under emulation).
# The helper uses stdin bytes verbatim; the client passes only the bytes before the first
# newline of a password command's output. Both halves of that rule are checked.
source "$(dirname "$0")/lib-helper.sh"

OLD_PW_OUTPUT=$'old tools passphrase 0123456789abcdef\nsecond line ignored by cryptsetup\n'
OLD_PASS='old tools passphrase 0123456789abcdef'

make_old_image() {  # make_old_image PATH TYPE(luks1|luks2) PBKDF-OPTIONS...
    local img=$1 type=$2; shift 2
    local name=old-$RANDOM mnt
    qemu-img create -q -f qcow2 -o size=1G,preallocation=metadata "$img"
    qemu-nbd -c /dev/nbd15 "$img"
    for _ in $(seq 100); do [[ $(cat /sys/block/nbd15/size) != 0 ]] && break; sleep 0.05; done
    printf '%s' "$OLD_PW_OUTPUT" | cryptsetup --cipher aes-xts-plain --key-size 512 --hash sha512 \
        --type "$type" "$@" -q luksFormat /dev/nbd15
    printf '%s' "$OLD_PW_OUTPUT" | cryptsetup luksOpen /dev/nbd15 "$name"
    mkfs.ext4 -q "/dev/mapper/$name"
    mnt=$(mktemp -d)
    mount "/dev/mapper/$name" "$mnt"
    head -c 1M /dev/urandom > "$mnt/old.bin"
    sha256sum < "$mnt/old.bin" > "$img.sha"
    chown -R "$TEST_USER:" "$mnt"
    umount "$mnt"; rmdir "$mnt"
    cryptsetup luksClose "$name"
    qemu-nbd -d /dev/nbd15 >/dev/null
    for _ in $(seq 100); do [[ $(cat /sys/block/nbd15/size) == 0 ]] && break; sleep 0.05; done
    chown "$TEST_USER:" "$img" "$img.sha"
    chmod 0600 "$img"
}

for variant in luks1 luks2; do
    img=$HOME_U/old-$variant.img
    mnt=$HOME_U/old-$variant
    if [[ $variant == luks1 ]]; then
        make_old_image "$img" luks1 --pbkdf-force-iterations 1000
    else
        make_old_image "$img" luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000
    fi
    new_mountpoint "$mnt"
    step "made an old-style $variant image (qcow2 preallocation=metadata, aes-xts-plain)"

    helper "$OLD_PW_OUTPUT" open "$img" "$mnt"
    check "$variant: the whole PW_CMD output (with newlines) is not the passphrase (exit 5)" test "$rc" = 5
    check "$variant: a wrong passphrase leaves nothing" nothing_left

    helper "$OLD_PASS" open "$img" "$mnt"
    check "$variant: the bytes before the first newline open it" test "$rc" = 0
    check "$variant: old data intact" test "$(sha256sum < "$mnt/old.bin")" = "$(cat "$img.sha")"
    check "$variant: mounted nosuid,nodev" bash -c "findmnt -n -o OPTIONS '$mnt' | grep -q nosuid"
    as_user touch "$mnt/written-by-new-tool"
    helper_nopass close "$img"
    check "$variant: close" test "$rc" = 0
    check "$variant: nothing left" nothing_left
done

force_cleanup
finish
