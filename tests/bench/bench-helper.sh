#!/bin/bash
# bench-helper.sh - crypt-disk-image-helper against the plain tools, measured in one VM run
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (from the source root):
#   tests/vm/cdi-vm-run --share BUILD --timeout 1750 --mem 3072 --scratch-size 32G \
#       tests/bench/bench-helper.sh BUILD/helper/crypt-disk-image-helper
# or `meson test -C BUILD --benchmark --suite vm helper`.
#
# Measures, in this order, and prints a table (name, ours, baseline, ratio, target, met?):
#  3. thinness: allocated size of a fresh BENCH_SIZE qcow2 after the helper's format and after
#     a first open+close; how much of a deleted BENCH_MIB file comes back at close (close trims)
#  1. open and close latency through the helper (run as a user through sudo, like the client
#     does through pkexec) against the same steps done by the CLI tools as root:
#       qemu-nbd --connect --format=qcow2 --discard=unmap; cryptsetup open --allow-discards;
#       e2fsck -p; mount -o nosuid,nodev   /   fstrim; umount; cryptsetup close;
#       qemu-nbd --disconnect (and, like the helper, wait until the server has exited)
#     BENCH_RUNS rounds after one unmeasured warm-up round, the two alternating; medians.
#  2. sequential write (dd bs=1M conv=fsync) and read (dd bs=1M after drop_caches) of
#     BENCH_MIB through the helper's stack against LUKS2 on a loop device over a raw sparse file
#     of the same size on the same scratch disk, same LUKS parameters (aes-xts-plain64, 512-bit
#     key, 4096-byte sectors, pbkdf2 1000 iterations), same mke2fs and mount options.
#     BENCH_TP_RUNS rounds after an unmeasured warm-up, alternating; medians. Every write goes
#     to freshly trimmed space, so each round allocates qcow2 clusters (and raw file blocks) anew.
# The guest is TCG-emulated with 2 vCPUs: absolute numbers are low, ratios are what count.
# Environment (pass with cdi-vm-run --env): BENCH_RUNS [5], BENCH_TP_RUNS [3], BENCH_MIB [1024],
# BENCH_SIZE [100G], BENCH_STRICT [0; 1 = exit 1 when a target is missed].
# Exit status: 0 when every measurement was taken (targets met or not, unless BENCH_STRICT=1),
# 1 when a step failed, 2 when not run inside cdi-vm-run.
source "$(dirname "$0")/../vm/lib-helper.sh"

[[ -n ${CDI_VM_SCRATCH:-} ]] || { echo "bench-helper: needs the scratch disk (cdi-vm-run --scratch-size)"; exit 2; }

RUNS=${BENCH_RUNS:-5}
TP_RUNS=${BENCH_TP_RUNS:-3}
MIB=${BENCH_MIB:-1024}
SIZE=${BENCH_SIZE:-100G}
STRICT=${BENCH_STRICT:-0}

img=$HOME_U/bench.qcow2
mnt=$HOME_U/bench-mnt
work=/scratch/bench
raw=$work/raw.img
lmnt=$work/loop-mnt
PLAIN_NAME=bench-plain
LOOP_NAME=bench-loop
# The helper's own mke2fs options (helper/fs.c) and mount options (fsconfig there); the
# journal cap applies from 8 GiB on.
# shellcheck disable=SC2054  # the commas belong to -E
MKE2FS_OPTS=(-t ext4 -q -F -m 0 -E lazy_itable_init=1,lazy_journal_init=1,nodiscard)
MOUNT_OPTS=nosuid,nodev,noinit_itable,errors=remount-ro
plain_nbd=""
loopdev=""

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.4f", b - a}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'; }
minimum() { printf '%s\n' "$@" | sort -g | head -1; }
maximum() { printf '%s\n' "$@" | sort -g | tail -1; }
alloc_bytes() { stat -c '%b %B' "$1" | awk '{print $1 * $2}'; }
mib() { awk -v b="$1" 'BEGIN{printf "%.2f", b / 1048576}'; }
die() { echo "# FAILED: $*"; exit 1; }

cleanup() {
    local rc=$?
    trap - EXIT
    set +e
    mountpoint -q "$lmnt" 2>/dev/null && umount "$lmnt"
    [[ $(findmnt -n -o SOURCE "$mnt" 2>/dev/null) == "/dev/mapper/$PLAIN_NAME" ]] && umount "$mnt"
    [[ -e /dev/mapper/$LOOP_NAME ]] && cryptsetup close "$LOOP_NAME"
    [[ -e /dev/mapper/$PLAIN_NAME ]] && cryptsetup close "$PLAIN_NAME"
    [[ -n $loopdev ]] && losetup -d "$loopdev" 2>/dev/null
    [[ -n $plain_nbd && $(cat "/sys/block/${plain_nbd#/dev/}/size" 2>/dev/null || echo 0) != 0 ]] \
        && qemu-nbd --disconnect "$plain_nbd" >/dev/null 2>&1
    if grep -q " $mnt " /proc/mounts; then
        runuser -u "$TEST_USER" -- sudo -n "$HELPER" close "$mnt" >/dev/null 2>&1 || true
    fi
    force_cleanup
    exit "$rc"
}
trap cleanup EXIT

# t_helper ARGS...: the helper as the test user through sudo, passphrase on stdin; sets
# $rc, $out and $dt (seconds, sudo and runuser included, as a client sees it).
t_helper() {
    local input=$1 t0 t1; shift
    t0=$(now)
    set +e
    out=$(printf '%s' "$input" | runuser -u "$TEST_USER" -- sudo -n "$HELPER" "$@" 2>/tmp/helper.err)
    rc=$?
    set -e
    t1=$(now)
    dt=$(elapsed "$t0" "$t1")
    if [[ -s /tmp/helper.err ]]; then sed 's/^/#   stderr: /' /tmp/helper.err; fi
    ((rc == 0)) || die "helper $1 exited $rc"
}

nbd_size() { cat "/sys/block/${1#/dev/}/size" 2>/dev/null || echo 0; }
free_nbd() {
    local d
    for d in /sys/block/nbd*; do
        [[ -e $d/pid || $(cat "$d/size") != 0 ]] || { echo "/dev/${d##*/}"; return; }
    done
    return 1
}

plain_open() {  # as root with the CLI tools; sets $dt
    local t0 t1
    plain_nbd=$(free_nbd) || die "no free nbd device"
    t0=$(now)
    qemu-nbd --connect="$plain_nbd" --format=qcow2 --discard=unmap "$img"
    for _ in $(seq 400); do [[ $(nbd_size "$plain_nbd") != 0 ]] && break; sleep 0.01; done
    [[ $(nbd_size "$plain_nbd") != 0 ]] || die "$plain_nbd has no size after qemu-nbd --connect"
    printf '%s' "$PASS" | cryptsetup open --allow-discards --key-file - "$plain_nbd" "$PLAIN_NAME"
    e2fsck -p "/dev/mapper/$PLAIN_NAME" >/dev/null
    mount -o "$MOUNT_OPTS" "/dev/mapper/$PLAIN_NAME" "$mnt"
    t1=$(now)
    dt=$(elapsed "$t0" "$t1")
}

plain_close() {  # sets $dt
    local t0 t1 pid
    pid=$(cat "/sys/block/${plain_nbd#/dev/}/pid")
    t0=$(now)
    fstrim "$mnt"
    umount "$mnt"
    cryptsetup close "$PLAIN_NAME"
    qemu-nbd --disconnect "$plain_nbd" >/dev/null
    # The helper's close waits until qemu-nbd has flushed the qcow2 file and exited; so do we.
    for _ in $(seq 1000); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
    t1=$(now)
    kill -0 "$pid" 2>/dev/null && die "qemu-nbd $pid still runs after --disconnect"
    dt=$(elapsed "$t0" "$t1")
    plain_nbd=""
}

drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }

# dd_write DIR / dd_read DIR: BENCH_MIB MiB; print MiB/s
dd_write() {
    local t0 t1
    t0=$(now)
    dd if=/dev/zero of="$1/bench.bin" bs=1M count="$MIB" conv=fsync status=none
    t1=$(now)
    awk -v m="$MIB" -v s="$(elapsed "$t0" "$t1")" 'BEGIN{printf "%.2f", m / s}'
}
dd_read() {
    local t0 t1
    drop_caches
    t0=$(now)
    dd if="$1/bench.bin" of=/dev/null bs=1M status=none
    t1=$(now)
    awk -v m="$MIB" -v s="$(elapsed "$t0" "$t1")" 'BEGIN{printf "%.2f", m / s}'
}
rm_trim() { rm -f "$1/bench.bin"; sync; fstrim "$1"; }

mkdir -p "$work"
step "kernel $(uname -r), $(nproc) vCPUs, $(awk '/MemTotal/{printf "%d MiB", $2/1024}' /proc/meminfo), scratch $(df -h --output=size /scratch | tail -1 | tr -d ' ')"
step "runs: latency $RUNS, throughput $TP_RUNS x $MIB MiB, image $SIZE"

# ---------------------------------------------------------------- 3. thinness
new_image "$img" "$SIZE"
new_mountpoint "$mnt"
a_created=$(alloc_bytes "$img")
t_helper "$PASS" format "${CHEAP[@]}" "$img"
a_format=$(alloc_bytes "$img")
t_helper "$PASS" open "$img" "$mnt"
t_helper "" close "$mnt"
a_first=$(alloc_bytes "$img")
step "allocated: created $(mib "$a_created") MiB, formatted $(mib "$a_format") MiB, after open+close $(mib "$a_first") MiB"

t_helper "$PASS" open "$img" "$mnt"
a_before=$(alloc_bytes "$img")
# zeros: ciphertext below dm-crypt is random, so nothing in qcow2 can compress or skip it
as_user dd if=/dev/zero of="$mnt/reclaim.bin" bs=1M count="$MIB" conv=fsync status=none
a_written=$(alloc_bytes "$img")
as_user rm "$mnt/reclaim.bin"
sync
t_helper "" close "$mnt"
trimmed=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$out")
a_closed=$(alloc_bytes "$img")
reclaimed=$(awk -v w="$a_written" -v b="$a_before" -v c="$a_closed" \
    'BEGIN{ if (w - b <= 0) print "nan"; else printf "%.1f", 100 * (w - c) / (w - b) }')
step "reclaim: before $(mib "$a_before"), written $(mib "$a_written"), after rm+close $(mib "$a_closed") MiB (close trimmed ${trimmed:-?} bytes): ${reclaimed} %"

# ---------------------------------------------------------------- 1. latency
# Warm-up (not measured): the first exec of each tool reads it over 9p into the page cache.
t_helper "$PASS" open "$img" "$mnt"; t_helper "" close "$mnt"
plain_open; plain_close
ours_open=() ours_close=() plain_open_t=() plain_close_t=() status_t=() usage_t=()
for ((i = 1; i <= RUNS; i++)); do
    if ((i % 2)); then order="ours plain"; else order="plain ours"; fi
    for who in $order; do
        if [[ $who == ours ]]; then
            t_helper "$PASS" open "$img" "$mnt"; ours_open+=("$dt")
            grep -q $'^fsck\tresult=clean' <<<"$out" || die "the helper's fsck did not run clean"
            t_helper "" status; status_t+=("$dt")
            # runuser + sudo + exec alone: a call the helper refuses at argument parsing
            u0=$(now)
            runuser -u "$TEST_USER" -- sudo -n "$HELPER" bench-no-such-verb >/dev/null 2>&1 || true
            usage_t+=("$(elapsed "$u0" "$(now)")")
            t_helper "" close "$mnt"; ours_close+=("$dt")
        else
            plain_open; plain_open_t+=("$dt")
            plain_close; plain_close_t+=("$dt")
        fi
    done
    step "round $i: open ours ${ours_open[-1]} s, plain ${plain_open_t[-1]} s; close ours ${ours_close[-1]} s, plain ${plain_close_t[-1]} s"
done
nothing_left || die "something was left open after the latency rounds"

# ---------------------------------------------------------------- 2. throughput
truncate -s "$SIZE" "$raw"   # sparse, the same size as the qcow2's virtual disk
loopdev=$(losetup --find --show "$raw")
printf '%s' "$PASS" | cryptsetup luksFormat --batch-mode --type luks2 --cipher aes-xts-plain64 \
    --key-size 512 --sector-size 4096 --pbkdf pbkdf2 --hash sha256 --pbkdf-force-iterations 1000 \
    --key-file - "$loopdev"
printf '%s' "$PASS" | cryptsetup open --allow-discards --key-file - "$loopdev" "$LOOP_NAME"
journal=()
(($(stat -c %s "$raw") >= 8 << 30)) && journal=(-J size=64)
mke2fs "${MKE2FS_OPTS[@]}" "${journal[@]}" "/dev/mapper/$LOOP_NAME"
mkdir -p "$lmnt"
mount -o "$MOUNT_OPTS" "/dev/mapper/$LOOP_NAME" "$lmnt"
t_helper "$PASS" open "$img" "$mnt"
ours_dm=$(findmnt -n -o SOURCE "$mnt")
step "loop baseline: $loopdev over $raw ($(sed 's/1/direct-io/;s/0/buffered/' "/sys/block/${loopdev#/dev/}/loop/dio" 2>/dev/null))," \
    "LUKS sector $(cryptsetup status "$LOOP_NAME" | awk '/sector size/{print $3}') vs ours $(cryptsetup status "${ours_dm##*/}" | awk '/sector size/{print $3}')"
# Warm-up (not measured), as big as a round: the first write to a region of the scratch disk
# also allocates the host's sparse file under it and runs well below the later ones on both
# stacks (seen in tuning runs: loop 22.8 then 48.2 MiB/s, ours 18.3 then 30.3).
for d in "$mnt" "$lmnt"; do
    dd if=/dev/zero of="$d/bench.bin" bs=1M count="$MIB" conv=fsync status=none
    dd if="$d/bench.bin" of=/dev/null bs=1M status=none
    rm_trim "$d"
done
ours_w=() ours_r=() loop_w=() loop_r=()
for ((i = 1; i <= TP_RUNS; i++)); do
    if ((i % 2)); then order="ours loop"; else order="loop ours"; fi
    for who in $order; do
        if [[ $who == ours ]]; then d=$mnt; else d=$lmnt; fi
        drop_caches
        w=$(dd_write "$d")
        r=$(dd_read "$d")
        rm_trim "$d"
        if [[ $who == ours ]]; then ours_w+=("$w"); ours_r+=("$r"); else loop_w+=("$w"); loop_r+=("$r"); fi
    done
    step "round $i: write ours ${ours_w[-1]} MiB/s, loop ${loop_w[-1]}; read ours ${ours_r[-1]} MiB/s, loop ${loop_r[-1]}"
done
t_helper "" close "$mnt"
umount "$lmnt"
cryptsetup close "$LOOP_NAME"
losetup -d "$loopdev"; loopdev=""
nothing_left || die "something was left open after the throughput rounds"

# ---------------------------------------------------------------- table
missed=0
rows=()
# row NAME OURS BASELINE RATIO TARGET MET
row() { rows+=("$(printf '%-34s %12s %12s %7s %-18s %s' "$@")"); [[ $6 == yes ]] || missed=$((missed + 1)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; }
yesno() { awk "BEGIN{exit !($1)}" && echo yes || echo NO; }

m_oo=$(median "${ours_open[@]}"); m_po=$(median "${plain_open_t[@]}")
m_oc=$(median "${ours_close[@]}"); m_pc=$(median "${plain_close_t[@]}")
m_st=$(median "${status_t[@]}")
m_us=$(median "${usage_t[@]}")
r=$(ratio "$m_oo" "$m_po"); row "open latency (s, median of $RUNS)" "$m_oo" "$m_po" "$r" "ratio <= 1.00" "$(yesno "$r <= 1.00")"
r=$(ratio "$m_oc" "$m_pc"); row "close latency (s, median of $RUNS)" "$m_oc" "$m_pc" "$r" "ratio <= 1.00" "$(yesno "$r <= 1.00")"
m_ow=$(median "${ours_w[@]}"); m_lw=$(median "${loop_w[@]}")
m_or=$(median "${ours_r[@]}"); m_lr=$(median "${loop_r[@]}")
r=$(ratio "$m_ow" "$m_lw"); row "seq write $MIB MiB (MiB/s)" "$m_ow" "$m_lw" "$r" "ratio >= 0.90" "$(yesno "$r >= 0.90")"
r=$(ratio "$m_or" "$m_lr"); row "seq read $MIB MiB (MiB/s)" "$m_or" "$m_lr" "$r" "ratio >= 0.90" "$(yesno "$r >= 0.90")"
v=$(mib "$a_format"); row "fresh $SIZE image, formatted (MiB)" "$v" "-" "-" "< 20 MiB" "$(yesno "$v < 20")"
v=$(mib "$a_first"); row "... after first open+close (MiB)" "$v" "-" "-" "< 20 MiB" "$(yesno "$v < 20")"
row "reclaimed after rm + close (%)" "$reclaimed" "-" "-" ">= 95 %" "$(yesno "\"$reclaimed\" != \"nan\" && $reclaimed >= 95")"

echo "#"
echo "# crypt-disk-image-helper benchmark ($(uname -r), $(nproc) vCPUs, TCG; ratios count, not absolutes)"
printf '# %-34s %12s %12s %7s %-18s %s\n' name ours baseline ratio target met?
for l in "${rows[@]}"; do echo "# $l"; done
echo "#"
echo "# baselines: latency = qemu-nbd --connect + cryptsetup open + e2fsck -p + mount (root CLI);"
echo "#            throughput = losetup + LUKS2 + ext4 on a raw sparse file on the same disk"
echo "# details: ours includes runuser + sudo (pkexec in real use): a call refused at argument"
echo "#          parsing takes $m_us s, a 'status' call $m_st s (medians); without the former, open"
echo "#          is $(awk -v a="$m_oo" -v u="$m_us" 'BEGIN{printf "%.4f", a - u}') s and close $(awk -v a="$m_oc" -v u="$m_us" 'BEGIN{printf "%.4f", a - u}') s."
echo "#          open raw (s):  ours ${ours_open[*]} | plain ${plain_open_t[*]}"
echo "#          close raw (s): ours ${ours_close[*]} | plain ${plain_close_t[*]}"
echo "#          write (MiB/s): ours ${ours_w[*]} | loop ${loop_w[*]}"
echo "#          read (MiB/s):  ours ${ours_r[*]} | loop ${loop_r[*]}"
b_oo=$(minimum "${ours_open[@]}") b_po=$(minimum "${plain_open_t[@]}")
b_oc=$(minimum "${ours_close[@]}") b_pc=$(minimum "${plain_close_t[@]}")
b_ow=$(maximum "${ours_w[@]}") b_lw=$(maximum "${loop_w[@]}")
b_or=$(maximum "${ours_r[@]}") b_lr=$(maximum "${loop_r[@]}")
echo "#          best of each (other load on the host only ever slows a round down): open ours $b_oo s,"
echo "#          plain $b_po s (ratio $(ratio "$b_oo" "$b_po")); close ours $b_oc s, plain $b_pc s (ratio $(ratio "$b_oc" "$b_pc"));"
echo "#          write ours $b_ow, loop $b_lw MiB/s (ratio $(ratio "$b_ow" "$b_lw")); read ours $b_or, loop $b_lr MiB/s (ratio $(ratio "$b_or" "$b_lr"))"
echo "#          allocation (bytes): created $a_created, formatted $a_format, first open+close $a_first;"
echo "#          reclaim: before $a_before, written $a_written, after rm+close $a_closed"
echo "# $missed target(s) missed"
if ((missed > 0 && STRICT == 1)); then exit 1; fi
exit 0
