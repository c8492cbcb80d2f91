#!/usr/bin/env bash
# test-pipeline.sh - the storage pipeline end to end with the system tools alone, in the VM
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Proves the VM harness and the pipeline crypt-disk-image builds on:
#   thin qcow2 -> qemu-nbd --connect --discard=unmap -> LUKS2 -> cryptsetup open
#   --allow-discards -> ext4 (nosuid,nodev) -> data survives close and reopen, a wrong
#   passphrase is refused, no plaintext reaches the image, and deleting a big file plus
#   fstrim gives its space back to the qcow2 file on the host side of qemu-nbd.
#
# Usage (root, inside the VM; from the source root):
#   tests/vm/cdi-vm-run tests/vm/test-pipeline.sh
# The qcow2 goes to $CDI_VM_SCRATCH (the harness's ext4 scratch disk): a 9p share cannot
# punch holes, so the TRIM check would fail there.
# Output: TAP lines (ok N / not ok N) and a last line "PASS: ..." or "FAIL: ...".
# Exit status: 0 pass, 1 a check failed, 2 not run as root inside cdi-vm-run.
set -euo pipefail
exec 2>&1   # one channel, so that messages stay in order with the TAP lines

if [[ -z ${CDI_VM:-} || $(id -u) != 0 || -z ${CDI_VM_SCRATCH:-} ]]; then
    echo "test-pipeline: run as root inside the VM: tests/vm/cdi-vm-run ${0#"$PWD"/}"
    exit 2
fi

# Sizes. BIG_MIB of data must come back after rm + fstrim, minus a little slack for
# clusters partly shared with metadata or the small file.
VIRT_SIZE=1G
BIG_MIB=256
MIN_RECLAIM_MIB=240
PASS='correct horse battery staple'
WRONG_PASS='correct horse battery stapler'
name=cdi-vmtest-$$                     # /dev/mapper/$name
work=$(mktemp -d "$CDI_VM_SCRATCH/test-pipeline.XXXXXX")
img=$work/disk.qcow2
mnt=$work/mnt
mkdir "$mnt"
nbd=""

# ---------------------------------------------------------------- TAP helpers
n=0
current="setup"
t0=$(date +%s.%N)
ts=$t0
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b - a}'; }
begin() { current=$*; ts=$(now); }
pass() { n=$((n + 1)); echo "ok $n - $current ($(secs "$ts" "$(now)") s)"; current="(between steps)"; }
fail() { echo "# $*"; exit 1; }
note() { echo "# $*"; }
alloc_kib() { echo $(($(stat -c '%b * %B' "$img") / 1024)); }   # allocated, not apparent size

# ---------------------------------------------------------------- cleanup
nbd_size() { cat "/sys/block/${nbd#/dev/}/size" 2>/dev/null || echo 0; }
teardown() {
    local rc=0
    if mountpoint -q "$mnt"; then umount "$mnt" || rc=1; fi
    if [[ -e /dev/mapper/$name ]]; then cryptsetup close "$name" || rc=1; fi
    if [[ -n $nbd && $(nbd_size) != 0 ]]; then qemu-nbd --disconnect "$nbd" >/dev/null || rc=1; fi
    return $rc
}
on_exit() {
    local rc=$?
    trap - EXIT
    if ((rc != 0)); then
        n=$((n + 1))
        echo "not ok $n - $current"
    fi
    teardown || { echo "# cleanup failed"; ((rc)) || rc=1; }
    rm -rf "$work"
    echo "1..$n"
    if ((rc == 0)); then
        echo "PASS: test-pipeline: $n checks in $(secs "$t0" "$(now)") s"
    else
        echo "FAIL: test-pipeline: step '$current' failed (status $rc)"
        rc=1   # whatever the failing command returned: 2 is kept for "not run in the VM"
    fi
    exit $rc
}
trap on_exit EXIT

# ---------------------------------------------------------------- steps
free_nbd() {  # first nbd device with no connection
    local d
    for d in /sys/block/nbd*; do
        [[ -e $d/pid || $(cat "$d/size") != 0 ]] || { echo "/dev/${d##*/}"; return; }
    done
    return 1
}
connect() {  # connect [qemu-nbd options...]: qemu-nbd --connect, then wait for the size
    qemu-nbd --connect="$nbd" --format=qcow2 "$@" "$img"
    for _ in $(seq 100); do [[ $(nbd_size) != 0 ]] && return; sleep 0.05; done
    fail "$nbd has no size after qemu-nbd --connect"
}
disconnect() {
    qemu-nbd --disconnect "$nbd" >/dev/null
    for _ in $(seq 100); do [[ $(nbd_size) == 0 ]] && return; sleep 0.05; done
    fail "$nbd still connected after qemu-nbd --disconnect"
}
# LUKS2 key derivation made cheap ON PURPOSE for tests: pbkdf2 with 1000 iterations. The
# default argon2id costs seconds of emulated CPU (and up to a GiB of RAM) per open in the VM.
luks_format() { printf '%s' "$PASS" | cryptsetup luksFormat --batch-mode --type luks2 \
    --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file - "$nbd"; }
luks_open() { printf '%s' "$1" | cryptsetup open --allow-discards --key-file - "$nbd" "$name"; }

note "kernel $(uname -r), image in $work ($(findmnt -n -o FSTYPE --target "$work"))"

begin "nbd loaded without partition scanning (max_part=0)"
if [[ ! -d /sys/module/nbd ]]; then
    [[ -n ${CDI_VM_NO_NBD:-} ]] || fail "nbd is not loaded although CDI_VM_NO_NBD is unset"
    modprobe nbd max_part=0
fi
max_part=$(cat /sys/module/nbd/parameters/max_part)
[[ $max_part == 0 ]] || fail "nbd max_part is $max_part, want 0 (host modprobe.d leaking in?)"
nbd=$(free_nbd) || fail "no free /dev/nbdN"
pass

begin "qemu-img create: thin qcow2 of $VIRT_SIZE"
qemu-img create -q -f qcow2 -o preallocation=off "$img" "$VIRT_SIZE"
a=$(alloc_kib)
((a < 1024)) || fail "fresh qcow2 already allocates $a KiB"
pass

begin "qemu-nbd --connect $nbd --format=qcow2 --discard=unmap"
connect --discard=unmap
[[ $(($(nbd_size) * 512)) == $((1024 * 1024 * 1024)) ]] || fail "$nbd is $(($(nbd_size) * 512)) bytes, want $VIRT_SIZE"
[[ -z $(ls -d /sys/block/"${nbd#/dev/}"/"${nbd#/dev/}"p* 2>/dev/null) ]] || fail "partitions appeared on $nbd"
pass

begin "cryptsetup luksFormat --type luks2 (pbkdf2, 1000 iterations)"
luks_format
[[ $(cryptsetup luksDump "$nbd" | awk '/^Version:/{print $2}') == 2 ]] || fail "header is not LUKS2"
pass

begin "cryptsetup open --allow-discards"
luks_open "$PASS"
cryptsetup status "$name" | grep -q 'flags:.*discards' || fail "mapping lacks allow_discards: $(cryptsetup status "$name" | grep flags || echo 'no flags')"
pass

begin "mkfs.ext4 + mount nosuid,nodev"
mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 "/dev/mapper/$name"
mount -o nosuid,nodev "/dev/mapper/$name" "$mnt"
opts=$(findmnt -n -o OPTIONS "$mnt")
[[ ,$opts, == *,nosuid,* && ,$opts, == *,nodev,* ]] || fail "mount options are $opts"
a=$(alloc_kib)
((a < 128 * 1024)) || fail "qcow2 allocates $a KiB after mkfs: not thin"
note "qcow2 allocates $a KiB after mkfs"
pass

begin "write random data + marker, fsync"
marker="cdi-plaintext-marker-$$-$RANDOM$RANDOM"
head -c 8M /dev/urandom >"$mnt/keep.bin"
printf '%s\n' "$marker" >"$mnt/marker.txt"
sync "$mnt/keep.bin" "$mnt/marker.txt"
sync
sum_keep=$(sha256sum <"$mnt/keep.bin")
pass

begin "no plaintext in the qcow2 file"
# the marker is in the page cache and (if the encryption were missing) on the device
! grep -qF "$marker" "$img" || fail "marker found in plain text in $img"
pass

begin "write ${BIG_MIB} MiB, delete it, fstrim: qcow2 shrinks by >= ${MIN_RECLAIM_MIB} MiB"
# zeros are fine: dm-crypt turns them into ciphertext, so every block reaches the qcow2
dd if=/dev/zero of="$mnt/big.bin" bs=1M count="$BIG_MIB" conv=fsync status=none
sync
before=$(alloc_kib)
((before >= BIG_MIB * 1024)) || fail "qcow2 allocates only $before KiB after writing ${BIG_MIB} MiB"
rm "$mnt/big.bin"
sync
trimmed=$(fstrim -v "$mnt")
after=$(alloc_kib)
note "$trimmed; qcow2 allocated $before KiB -> $after KiB"
reclaimed=$(((before - after) / 1024))
((reclaimed >= MIN_RECLAIM_MIB)) || fail "fstrim gave back only $reclaimed MiB of the qcow2, want >= $MIN_RECLAIM_MIB MiB"
pass

begin "umount, e2fsck, cryptsetup close, qemu-nbd --disconnect, qemu-img check"
umount "$mnt"
out=$(e2fsck -fn "/dev/mapper/$name" 2>&1) || fail "e2fsck found errors: $out"
cryptsetup close "$name"
disconnect
qemu-img check -q "$img" || fail "qemu-img check found errors"
pass

begin "reconnect; a wrong passphrase is refused"
connect --discard=unmap
set +e
printf '%s' "$WRONG_PASS" | cryptsetup open --test-passphrase --key-file - "$nbd" >/dev/null 2>&1
rc=$?
set -e
# cryptsetup's exit status 2 means "no key available with this passphrase"
((rc == 2)) || fail "wrong passphrase: cryptsetup exited $rc, want 2"
pass

begin "reopen with the passphrase: checksum matches, big file gone"
luks_open "$PASS"
mount -o nosuid,nodev "/dev/mapper/$name" "$mnt"
[[ $(sha256sum <"$mnt/keep.bin") == "$sum_keep" ]] || fail "keep.bin checksum mismatch after reopen"
[[ $(cat "$mnt/marker.txt") == "$marker" ]] || fail "marker.txt changed after reopen"
[[ ! -e $mnt/big.bin ]] || fail "big.bin is back after reopen"
pass

begin "close again"
teardown || fail "teardown failed"
[[ $(nbd_size) == 0 && ! -e /dev/mapper/$name ]] || fail "still attached"
pass
