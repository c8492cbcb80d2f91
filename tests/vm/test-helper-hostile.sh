#!/bin/bash
# test-helper-hostile.sh - a user's own processes cannot hang the helper for everyone, or fill /run
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (from the source root): tests/vm/cdi-vm-run --share BUILD --timeout 900 tests/vm/test-helper-hostile.sh BUILD/helper/crypt-disk-image-helper
#
# qemu-nbd runs as the disk's owner, who may do anything to it. Two things:
#  - its stdout and stderr are no file of root's (a log in /run the user could make qemu-nbd
#    write to without end): a pipe, SIGPIPE ignored, nothing but the lock and the records in
#    the helper's state directory;
#  - user A stops (kill -STOP) the qemu-nbd of A's open disk and starts `trim` on it: FITRIM
#    waits on nbd I/O nobody answers, inside the verb, holding the helpers' lock. User B's
#    `status` and `open` of B's own disk must come back within the lock-wait bound
#    (CDI_HELPER_LOCK_WAIT_S, 30 s) with the busy exit code (6) instead of hanging; the nbd
#    request timeout (120 s, nbd.c) must then fail A's trim, which releases the lock; after
#    kill -CONT A's disk is stale, `recover` cleans it up and B can open and close.
# Every wait is bounded (timeout(1), polling with a limit), so without the fixes the checks
# fail instead of hanging the VM. About 4 minutes of script time, most of it the two bounds.
source "$(dirname "$0")/lib-helper.sh"

RUN_DIR=/run/crypt-disk-image
LOCK_WAIT_S=30        # CDI_HELPER_LOCK_WAIT_S
NBD_TIMEOUT_S=120     # NBD_REQUEST_TIMEOUT_S in helper/nbd.c

img_a=$HOME_U/disk.qcow2
mnt_a=$HOME_U/mnt
img_b=$HOME_O/disk.qcow2
mnt_b=$HOME_O/mnt

as_other_mountpoint() { as_other mkdir -m 0700 "$1"; }
new_image_other() {
    as_other qemu-img create -q -f qcow2 -o preallocation=off "$1" "${2:-1G}"
    chmod 0600 "$1"
}

now() { date +%s; }

# The one qemu-nbd of a user
server_of() { pgrep -u "$1" -x qemu-nbd | head -n1; }

# fd N of PID: a pipe (or /dev/null), never a regular file, never anything under /run
fd_harmless() {
    local pid=$1 fd=$2 target type
    target=$(readlink "/proc/$pid/fd/$fd")
    type=$(stat -L -c %F "/proc/$pid/fd/$fd")
    echo "#   qemu-nbd fd $fd -> $target ($type)"
    [[ $type != "regular file" && $target != /run/* ]] &&
        [[ $type == fifo || $target == /dev/null ]]
}

sigpipe_ignored() {  # SigIgn has bit 13 - 1 (SIGPIPE)
    local mask
    mask=$(awk '$1 == "SigIgn:" {print $2}' "/proc/$1/status")
    (( (16#$mask >> 12) & 1 ))
}

# Only the lock file and the records' directory: no log, no socket left behind
run_dir_clean() {
    local f extra=0
    for f in "$RUN_DIR"/* "$RUN_DIR"/.[!.]*; do
        [[ -e $f || -L $f ]] || continue
        case ${f##*/} in
            lock|disks) ;;
            *) echo "#   in $RUN_DIR: $(ls -ld "$f")"; extra=1 ;;
        esac
    done
    return $extra
}

# ------------------------------------------------------------------ set-up

new_image "$img_a" 1G
new_mountpoint "$mnt_a"
new_image_other "$img_b" 1G
as_other_mountpoint "$mnt_b"

helper "$PASS" format "${CHEAP[@]}" "$img_a"
check "A's format exits 0" test "$rc" = 0
helper_as "$OTHER_USER" "$PASS" format "${CHEAP[@]}" "$img_b"
check "B's format exits 0" test "$rc" = 0
step "formatted both"

helper "$PASS" open "$img_a" "$mnt_a"
check "A's open exits 0" test "$rc" = 0
nbd_a=$(sed -n 's/.*\tnbd=\/dev\/nbd\([0-9]*\).*/\1/p' <<<"$out" | head -n1)
server_a=$(server_of "$TEST_USER")
check "A's qemu-nbd runs as A" test -n "$server_a"
server_a=${server_a:-0}

# ------------------------------------------------------------------ qemu-nbd's output

check "qemu-nbd's stdout is a pipe, not a file in /run" fd_harmless "$server_a" 1
check "qemu-nbd's stderr is a pipe, not a file in /run" fd_harmless "$server_a" 2
check "qemu-nbd ignores SIGPIPE (its output pipe has no reader once it serves)" \
    sigpipe_ignored "$server_a"
check "qemu-nbd holds no file under /run open" \
    bash -c "! ls -l /proc/$server_a/fd/ | grep -q -- '-> /run/'"
check "the state directory holds only the lock and the records" run_dir_clean
# Someone writing to the pipe now finds no reader: the write fails, and nothing grows
if timeout 5 bash -c "exec 3>/proc/$server_a/fd/2; echo hello >&3" 2>/dev/null; then
    not_ok "writing to qemu-nbd's stderr fails (no reader)"
else
    ok "writing to qemu-nbd's stderr fails (no reader)"
fi

# ------------------------------------------------------------------ a stopped server

check "A's nbd device has the request timeout (${NBD_TIMEOUT_S} s)" \
    test "$(cat "/sys/block/nbd$nbd_a/queue/io_timeout" 2>/dev/null)" = $((NBD_TIMEOUT_S * 1000))

kill -STOP "$server_a"
step "stopped A's qemu-nbd ($server_a); trim in the background"
t_trim=$(now)
( set +e  # the failing trim must still leave its exit code
  runuser -u "$TEST_USER" -- sudo -n "$HELPER" trim "$mnt_a" >/tmp/trim.out 2>/tmp/trim.err
  echo $? >/tmp/trim.rc ) &
trim_job=$!
sleep 3
check "A's trim hangs on the stopped server" test ! -e /tmp/trim.rc
trim_pid=$(pgrep -f "^$HELPER trim" | head -n1)
if [[ -n $trim_pid ]]; then
    echo "#   A's helper $trim_pid: $(awk '$1 == "State:" {print $2}' "/proc/$trim_pid/status" 2>/dev/null)"
    sed 's/^/#   stack of the helper: /' "/proc/$trim_pid/stack" 2>/dev/null | head -n 8 || true
fi
echo "#   nbd$nbd_a inflight: $(cat "/sys/block/nbd$nbd_a/inflight" 2>/dev/null)"

# b_helper STDIN-TEXT ARGS... : the helper as B, bounded well past the helper's own lock wait
# (without a bound of its own B's helper would wait forever); sets rc, out, t_b (seconds) and
# leaves stderr in /tmp/b.err
b_helper() {
    local input=$1 t_start
    shift
    t_start=$(now)
    set +e
    out=$(printf '%s' "$input" | runuser -u "$OTHER_USER" -- timeout $((LOCK_WAIT_S + 60)) sudo -n "$HELPER" "$@" 2>/tmp/b.err)
    rc=$?
    set -e
    t_b=$(($(now) - t_start))
}

# B, while A's helper holds the lock
b_helper "" status
echo "#   B's status: rc=$rc after ${t_b}s: $(cat /tmp/b.err)"
check "B's status comes back within the lock bound (${t_b}s)" test "$t_b" -le $((LOCK_WAIT_S + 15))
check "... with the busy exit code (6)" test "$rc" = 6
check "... saying another operation is in progress" grep -q "another disk operation is in progress; try again" /tmp/b.err

b_helper "$PASS" open "$img_b" "$mnt_b"
echo "#   B's open: rc=$rc after ${t_b}s: $(cat /tmp/b.err)"
check "B's open of B's own disk comes back within the lock bound (${t_b}s)" test "$t_b" -le $((LOCK_WAIT_S + 15))
check "... busy (6) or open (0)" test "$rc" = 6 -o "$rc" = 0
check "... and B has no mount when busy" bash -c "test $rc = 0 || ! findmnt -n '$mnt_b' >/dev/null"
[[ $rc == 0 ]] && { helper_as "$OTHER_USER" "" close "$mnt_b"; echo "#   closed B's disk: rc=$rc"; }

# A's trim: the nbd request times out, the I/O fails, the helper returns and frees the lock
limit=$((t_trim + NBD_TIMEOUT_S + 90))
while [[ ! -e /tmp/trim.rc ]] && (( $(now) < limit )); do sleep 2; done
if [[ -e /tmp/trim.rc ]]; then
    trim_rc=$(cat /tmp/trim.rc)
    echo "#   A's trim: rc=$trim_rc after $(($(now) - t_trim))s: $(tr '\n' ' ' </tmp/trim.err)"
    ok "A's trim returns after the nbd timeout"
    check "... and fails (the server never answered)" test "$trim_rc" != 0
else
    not_ok "A's trim returns after the nbd timeout"
    not_ok "... and fails (the server never answered)"
    [[ -n $trim_pid ]] && sed 's/^/#   stack of the helper: /' "/proc/$trim_pid/stack" 2>/dev/null || true
fi
echo "#   nbd$nbd_a inflight: $(cat "/sys/block/nbd$nbd_a/inflight" 2>/dev/null)"
dmesg | grep -iE 'nbd|block' | tail -n 15 | sed 's/^/#   dmesg: /' || true

kill -CONT "$server_a"
wait "$trim_job" 2>/dev/null || true
step "A's server continued"

b_helper "" status
check "B's status works again at once (${t_b}s)" test "$rc" = 0 -a "$t_b" -le 10

# After the timeout the kernel dropped the connection: A's qemu-nbd exits once it runs
for _ in $(seq 50); do kill -0 "$server_a" 2>/dev/null || break; sleep 0.2; done
helper_nopass status
check "A's disk is stale now" grep -q 'state=stale' <<<"$out"
helper_nopass recover
check "A's recover exits 0" test "$rc" = 0
check "... and reports the disk" grep -q $'^recovered\timage='"$img_a" <<<"$out"
helper_nopass status
check "A has no open disk" test "$rc" = 0 -a -z "$out"

helper_as "$OTHER_USER" "$PASS" open "$img_b" "$mnt_b"
check "B's open works" test "$rc" = 0
helper_as "$OTHER_USER" "" close "$mnt_b"
check "B's close works" test "$rc" = 0

helper "$PASS" open "$img_a" "$mnt_a"
check "A's disk opens again after the recover" test "$rc" = 0
helper_nopass close "$mnt_a"
check "... and closes" test "$rc" = 0
check "nothing left" nothing_left
check "the state directory holds only the lock and the records at the end" run_dir_clean

force_cleanup
finish
