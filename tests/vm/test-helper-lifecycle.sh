#!/bin/bash
# test-helper-lifecycle.sh - crypt-disk-image-helper's verbs end to end, in the VM, as a user
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (from the source root): tests/vm/cdi-vm-run --share BUILD tests/vm/test-helper-lifecycle.sh BUILD/helper/crypt-disk-image-helper
# format -> open -> write with checksum -> close -> open -> verify; read-only open; busy close
# listing the holder, then close after it exits; trim shrinks the file; recover after qemu-nbd
# is killed; status output; nbd loaded by the helper with partition scanning off.
source "$(dirname "$0")/lib-helper.sh"

img=$HOME_U/disk.qcow2
mnt=$HOME_U/Documents

if [[ ${CDI_VM_NO_NBD:-} == 1 ]]; then
    check "nbd is not loaded before the first helper call" test ! -d /sys/module/nbd
fi
new_image "$img" 2G
new_mountpoint "$mnt"

helper "$PASS" format "${CHEAP[@]}" "$img"
check "format exits 0" test "$rc" = 0
check "format prints the LUKS UUID" grep -qE $'^disk\t.*uuid=[0-9a-f-]{36}' <<<"$out"
uuid=$(sed -n 's/.*uuid=\([0-9a-f-]*\).*/\1/p' <<<"$out")
check "format leaves nothing open" nothing_left
check "nbd was loaded with partition scanning off" test "$(cat /sys/module/nbd/parameters/max_part)" = 0
check "image is still the user's, mode 0600" test "$(stat -c %u:%a "$img")" = "1500:600"
check "qcow2 is LUKS inside (qemu-img check clean)" qemu-img check -q "$img"
step "formatted ($(alloc_kib "$img") KiB allocated)"

helper "$PASS" open "$img" "$mnt"
check "open exits 0" test "$rc" = 0
check "open prints a disk record" grep -qE $'^disk\timage='"$img"$'\tmountpoint='"$mnt" <<<"$out"
check "mounted ext4 nosuid,nodev" bash -c "findmnt -n -o FSTYPE,OPTIONS '$mnt' | grep -E '^ext4 .*nosuid.*nodev'"
check "mapper named by uid and LUKS UUID" test -e "/dev/mapper/cdi-1500-$uuid"
check "discards allowed on the mapping" bash -c "dmsetup table cdi-1500-$uuid | grep -q allow_discards"
check "root of the file system is the user's, 0700" test "$(stat -c %u:%a "$mnt")" = "1500:700"
check "qemu-nbd runs as the user, not root" test "$(ps -o user= -C qemu-nbd | tr -d ' ')" = "$TEST_USER"
as_user bash -c "head -c 5M /dev/urandom > '$mnt/keep.bin' && sync '$mnt/keep.bin'"
sum=$(sha256sum < "$mnt/keep.bin")
step "opened and wrote 5 MiB"

helper "$PASS" open "$img" "$mnt"
check "open of an open disk succeeds" test "$rc" = 0
check "... and changes nothing (one mount)" test "$(grep -c " $mnt " /proc/mounts)" = 1

helper_nopass status
check "status exits 0" test "$rc" = 0
check "status lists the disk with its devices" \
    grep -qE $'^disk\timage='"$img"$'\tmountpoint='"$mnt"$'\tnbd=/dev/nbd[0-9]+\tmapper=/dev/mapper/cdi-1500-'"$uuid"$'\tuuid='"$uuid"$'\tread-only=0\tsince=[0-9]+\tserver-pid=[0-9]+\tstate=open' <<<"$out"
helper_as "$OTHER_USER" "" status
check "another user's status does not show it" test "$rc" = 0 -a -z "$out"

helper_nopass close "$mnt"
check "close by mount point exits 0" test "$rc" = 0
check "close trims first" grep -q $'^trimmed\t' <<<"$out"
check "close leaves nothing" nothing_left
step "closed"

helper "$PASS" open "$img" "$mnt"
check "reopen exits 0" test "$rc" = 0
check "checksum matches after reopen" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
grep -q $'^fsck\tresult=clean' <<<"$out" && ok "fsck ran and was clean" || not_ok "fsck ran and was clean"

# Busy: a process of the user's sits in the mount
as_user bash -c "cd '$mnt' && exec sleep 300" &
holder=$!
sleep 0.5
holder_pid=$(pgrep -u "$TEST_USER" -x sleep)
helper_nopass close "$img"
check "busy close exits 6" test "$rc" = 6
check "busy close names the holder" grep -qE $'^holder\tpid='"$holder_pid"$'\tcomm=sleep\tholds=cwd' <<<"$out"
check "busy close tore nothing down" bash -c "findmnt -n '$mnt' >/dev/null && test -e /dev/mapper/cdi-1500-$uuid"
kill "$holder_pid"; wait "$holder" 2>/dev/null || true
helper_nopass close "$img"
check "close after the holder exits" test "$rc" = 0
check "nothing left after busy close" nothing_left

# Busy: another disk of the user's is mounted inside this one; no process holds it, so the
# reason must say where that mount is
img2=$HOME_U/inner.qcow2
new_image "$img2" 256M
helper "$PASS" format "${CHEAP[@]}" "$img2"
helper "$PASS" open "$img" "$mnt"
as_user mkdir -m 0700 "$mnt/inner"
helper "$PASS" open "$img2" "$mnt/inner"
check "a second disk opens inside the first" test "$rc" = 0
helper_nopass close "$mnt"
check "close of the outer disk exits 6 (busy)" test "$rc" = 6
check "... saying where the inner mount is" grep -q "mounted inside it, at $mnt/inner" <<<"$err"
check "... and tore nothing down" bash -c "findmnt -n '$mnt' >/dev/null && findmnt -n '$mnt/inner' >/dev/null"
helper_nopass close "$mnt/inner"
check "the inner disk closes" test "$rc" = 0
helper_nopass close "$mnt"
check "then the outer one" test "$rc" = 0
check "nothing left after the nested case" nothing_left
rm -f "$img2"

# Read-only
helper "$PASS" open --read-only "$img" "$mnt"
check "read-only open exits 0" test "$rc" = 0
check "read-only mount" bash -c "findmnt -n -o OPTIONS '$mnt' | grep -qE '(^|,)ro(,|$)'"
check "data readable read-only" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
check "writing fails read-only" bash -c "! runuser -u $TEST_USER -- touch '$mnt/new' 2>/dev/null"
helper_nopass close "$img"
check "read-only close exits 0" test "$rc" = 0
check "nothing left after read-only" nothing_left

# Trim gives space back to the qcow2 file
helper "$PASS" open "$img" "$mnt"
as_user bash -c "head -c 256M /dev/zero > '$mnt/big.bin' && sync"
before=$(alloc_kib "$img")
as_user rm "$mnt/big.bin"; sync
helper_nopass trim "$mnt"
after=$(alloc_kib "$img")
check "trim exits 0 and reports bytes" bash -c "test $rc = 0 && grep -qE '^trimmed.*bytes=[1-9]' <<<'$out'"
check "trim gave back >= 200 MiB of the qcow2 file ($before -> $after KiB)" test $((before - after)) -ge $((200 * 1024))
step "trim: $before -> $after KiB"

# Crash: the server dies under an open disk
server=$(pgrep -x qemu-nbd)
kill -9 "$server"
sleep 1
helper_nopass status
check "status marks the disk stale" grep -q 'state=stale' <<<"$out"
helper "$PASS" open "$img" "$mnt"
check "open of a stale disk is refused as busy" test "$rc" = 6
helper_nopass recover
check "recover exits 0" test "$rc" = 0
check "recover reports what it did" grep -q $'^recovered\timage='"$img" <<<"$out"
check "recover leaves nothing" nothing_left
helper "$PASS" open "$img" "$mnt"
check "open after recover" test "$rc" = 0
check "data intact after crash and recover" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
helper_nopass close "$mnt"
check "final close" test "$rc" = 0
check "nothing left at the end" nothing_left

# Unmounted behind the helper's back (as logind does with /run/user/UID at logout), and the
# next mount anywhere (here a tmpfs of root's, at the same place, with a process of root's in
# it) gets the freed mount id: the id alone would name it as the disk's. close must leave that
# mount alone (no trim, no holders, no unmount) and close the rest: mapping, nbd, qemu-nbd.
mount_id_at() { awk -v m="$1" '$5 == m { id = $1 } END { print id }' /proc/self/mountinfo; }
helper "$PASS" open "$img" "$mnt"
check "open for the unmounted-elsewhere case" test "$rc" = 0
old_id=$(mount_id_at "$mnt")
umount "$mnt"
fillers=()
mount -t tmpfs -o size=1M,mode=0755 cdi-foreign "$mnt"
foreign_id=$(mount_id_at "$mnt")
# Ids are handed out lowest first; a lower free one is held by a filler until ours comes back
for i in $(seq 20); do
    (( foreign_id >= old_id )) && break
    umount "$mnt"
    mkdir -p "/tmp/cdi-filler-$i"
    mount -t tmpfs -o size=64k cdi-filler "/tmp/cdi-filler-$i"
    fillers+=("/tmp/cdi-filler-$i")
    mount -t tmpfs -o size=1M,mode=0755 cdi-foreign "$mnt"
    foreign_id=$(mount_id_at "$mnt")
done
step "the disk's mount id was $old_id; the tmpfs now at $mnt has $foreign_id"
check "the tmpfs got the disk's old mount id (so the id alone cannot tell them apart)" \
    test "$foreign_id" = "$old_id"
(cd "$mnt" && exec sleep 300) &
foreign_holder=$!
helper_nopass status
check "status reports the disk stale once its mount is gone" grep -q $'^disk\t.*state=stale' <<<"$out"
# By mount point when the id was reused (the case at hand), else by image
target=$mnt
[[ $foreign_id == "$old_id" ]] || target=$img
helper_nopass close "$target"
check "close of a disk unmounted elsewhere exits 0" test "$rc" = 0
check "... names no holder of the other mount" bash -c "! grep -q $'^holder\t' <<<\"\$1\"" _ "$out"
check "... trims nothing" bash -c "! grep -q $'^trimmed\t' <<<\"\$1\"" _ "$out"
check "... leaves the tmpfs mounted, same id" test "$(mount_id_at "$mnt"):$(findmnt -n -o FSTYPE --mountpoint "$mnt")" = "$old_id:tmpfs"
check "... its process still runs" kill -0 "$foreign_holder"
check "... locks the mapping" test ! -e "/dev/mapper/cdi-1500-$uuid"
check "... stops qemu-nbd" bash -c '! pgrep -x qemu-nbd >/dev/null'
check "... detaches the nbd device" bash -c '! ls /sys/block/nbd*/pid >/dev/null 2>&1'
helper_nopass status
check "... and forgets the disk" test "$rc" = 0 -a -z "$out"
kill "$foreign_holder"; wait "$foreign_holder" 2>/dev/null || true
umount "$mnt"
for f in "${fillers[@]}"; do umount "$f"; done
check "nothing left after the unmounted-elsewhere case" nothing_left
helper "$PASS" open "$img" "$mnt"
check "it opens again afterwards, data intact" test "$rc" = 0 -a "$(sha256sum < "$mnt/keep.bin")" = "$sum"
helper_nopass close "$mnt"
check "and closes" test "$rc" = 0

# A file system that preen cannot fix: two files claim the same block (made as root with
# debugfs, as a crash or a bad disk might), flagged for a check.
helper "$PASS" open "$img" "$mnt"
as_user bash -c "echo aaaa > '$mnt/a.txt' && echo bbbb > '$mnt/b.txt' && sync"
helper_nopass close "$mnt"
qemu-nbd -c /dev/nbd14 --format=qcow2 "$img"
for _ in $(seq 100); do [[ $(cat /sys/block/nbd14/size) != 0 ]] && break; sleep 0.05; done
printf '%s' "$PASS" | cryptsetup open --key-file - /dev/nbd14 damage
blk=$(debugfs -R "bmap /a.txt 0" /dev/mapper/damage 2>/dev/null)
debugfs -w -R "set_inode_field /b.txt block[5] $blk" /dev/mapper/damage 2>/dev/null
tune2fs -E force_fsck /dev/mapper/damage >/dev/null
cryptsetup close damage
qemu-nbd -d /dev/nbd14 >/dev/null
for _ in $(seq 100); do [[ $(cat /sys/block/nbd14/size) == 0 ]] && break; sleep 0.05; done
helper "$PASS" open "$img" "$mnt"
check "a file system that needs manual repair is refused (exit 8)" test "$rc" = 8
check "... saying so in an fsck record" grep -q $'^fsck\tresult=needs-repair' <<<"$out"
check "... and leaves nothing" nothing_left
helper "$PASS" open --read-only "$img" "$mnt"
check "it still opens read-only" test "$rc" = 0
check "read-only data readable" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
helper_nopass close "$mnt"
check "close after read-only" test "$rc" = 0
check "nothing left after the repair case" nothing_left

force_cleanup
finish
