#!/bin/bash
# bench-tuning.sh - throughput of helper builds and qemu-nbd options side by side, in one VM run
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Not part of `meson test --benchmark`: a tool for trying changes to the helper's stack.
# Usage (from the source root):
#   tests/vm/cdi-vm-run --share DIR... --timeout 3000 --mem 3072 --scratch-size 32G \
#       tests/bench/bench-tuning.sh BASE-HELPER[|OPTION...] VARIANT...
# VARIANT is NAME=HELPER-PATH (a helper build, e.g. with a patched helper/nbd.c), or
# NAME=cli:QEMU-NBD-OPTIONS (root's `qemu-nbd --connect --format=qcow2 OPTIONS`, then
# cryptsetup open --allow-discards and mount: the option's effect without a build), or
# NAME=rawcli:QEMU-NBD-OPTIONS (the same over a raw sparse file, LUKS2 and ext4 made as root
# like the loop baseline: nbd and qemu-nbd without qcow2), or loop (LUKS2 on a loop device
# over a raw sparse file). A helper or cli variant may end in "|img=OPTS" (qemu-img create -o
# OPTS for its image, e.g. cluster_size=2M), "|runs=N" (rounds for this variant; 0 = format,
# open and close only, for allocation), "|ra=KIB" (read-ahead of the dm-crypt device and the
# device below it, set before the rounds; loop too; "|radm=KIB" and "|ralow=KIB" set only one) and "|cycles=N" (N more open+close cycles
# of a helper variant after its rounds, each close trimming the whole free space of a fresh
# mount). BASE-HELPER runs first as "base" and formats the images of the cli variants.
# Each variant: a fresh BENCH_SIZE qcow2 (formatted by that helper), open, a warm-up write of
# BENCH_MIB/4 MiB, BENCH_TP_RUNS rounds of dd write (bs=1M conv=fsync) + drop_caches + dd read of BENCH_MIB MiB + rm +
# fstrim, close. Prints MiB/s, open/close seconds, allocation after format and after close,
# and any "bench-t STEP SECONDS" lines a helper build writes to stderr, as step durations.
# Environment: BENCH_MIB [512], BENCH_TP_RUNS [2], BENCH_SIZE [100G].
base_opts=""
if [[ ${1:-} == *"|"* ]]; then base_opts="|${1#*|}"; set -- "${1%%|*}" "${@:2}"; fi
source "$(dirname "$0")/../vm/lib-helper.sh"

MIB=${BENCH_MIB:-512}
TP_RUNS=${BENCH_TP_RUNS:-2}
SIZE=${BENCH_SIZE:-100G}
BASE=$HELPER
shift
variants=("base=$BASE$base_opts" "$@")

work=/scratch/tuning
mkdir -p "$work"
mnt=$HOME_U/tune-mnt
new_mountpoint "$mnt"
MKE2FS_OPTS=(-t ext4 -q -F -m 0 -E lazy_itable_init=1,lazy_journal_init=1,nodiscard -J size=64)
MOUNT_OPTS=nosuid,nodev,noinit_itable,errors=remount-ro

# Every helper build may be run by the test user through sudo.
helpers=()
for v in "${variants[@]}"; do
    p=${v#*=}
    p=${p%%|*}
    [[ $v == *=* && $p != cli:* && $p != rawcli:* && $p != loop ]] && helpers+=("$(realpath "$p")")
done
(IFS=,; printf '%s ALL=(root) NOPASSWD: %s\n' "$TEST_USER" "${helpers[*]}") > /etc/sudoers.d/cdi-bench-variants
chmod 0440 /etc/sudoers.d/cdi-bench-variants

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b - a}'; }
mibs() { awk -v m="$MIB" -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", m / (b - a)}'; }
alloc_mib() { stat -c '%b %B' "$1" | awk '{printf "%.2f", $1 * $2 / 1048576}'; }
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }
die() { echo "# FAILED: $*"; exit 1; }

# qcow2_breakdown IMG: L2 tables (non-zero L1 entries), data clusters, file allocation
qcow2_breakdown() {
    local l2 data
    l2=$(python3 - "$1" <<'EOF'
import struct, sys
with open(sys.argv[1], 'rb') as f:
    h = f.read(72)
    cluster_bits, = struct.unpack('>I', h[20:24])
    l1_size, = struct.unpack('>I', h[36:40])
    l1_off, = struct.unpack('>Q', h[40:48])
    f.seek(l1_off)
    l1 = struct.unpack('>%dQ' % l1_size, f.read(8 * l1_size))
    print('%d of %d (%d KiB clusters)' % (sum(1 for e in l1 if e & 0x00fffffffffffe00), l1_size, (1 << cluster_bits) // 1024))
EOF
)
    data=$(qemu-img map --output=json "$1" 2>/dev/null | python3 -c '
import json, sys
m = json.load(sys.stdin)
print("%.2f" % (sum(e["length"] for e in m if e.get("data")) / 1048576))')
    echo "L2 tables $l2; guest data $data MiB; file $(alloc_mib "$1") MiB"
}

# run_helper HELPER ARGS...: through sudo as the user, passphrase $PASS; sets $out, $dt, $steps
run_helper() {
    local h=$1 t0 t1 rc input=$PASS; shift
    [[ $1 == close || $1 == trim ]] && input=""
    t0=$(now)
    set +e
    out=$(printf '%s' "$input" | runuser -u "$TEST_USER" -- sudo -n "$h" "$@" 2>/tmp/tune.err)
    rc=$?
    set -e
    t1=$(now)
    dt=$(elapsed "$t0" "$t1")
    # bench-t lines carry CLOCK_REALTIME: the first delta is runuser + sudo + exec, the last
    # ("exit") what follows the verb until the shell sees the exit.
    steps=$(awk -v t0="$t0" -v t1="$t1" '/^bench-t /{ printf "%s %.2f  ", $2, $3 - (p == "" ? t0 : p); p = $3 }
        END { if (p != "") printf "exit %.2f", t1 - p }' /tmp/tune.err)
    grep -v '^bench-t ' /tmp/tune.err | sed 's/^/#   stderr: /' || true
    ((rc == 0)) || die "$h $1 exited $rc"
}

free_nbd() {
    local d
    for d in /sys/block/nbd*; do
        [[ -e $d/pid || $(cat "$d/size") != 0 ]] || { echo "/dev/${d##*/}"; return; }
    done
    return 1
}

# set_ra DIR: read-ahead $ra KiB on the device mounted at DIR and the devices below it;
# reset_ra puts the kernel's 128 KiB back on the devices below (nbd devices are reused)
ra_low=""
reset_ra() { local s; for s in $ra_low; do blockdev --setra 256 "/dev/$s"; done; ra_low=""; }
set_ra() {
    local src dm s
    [[ -n $ra ]] || return 0
    src=$(findmnt -n -o SOURCE "$1")
    [[ $ra_where == low ]] || blockdev --setra $((ra * 2)) "$src"
    # the devices below the dm-crypt mapping (no udev here: /dev/mapper/NAME is a plain node)
    dm=$(dmsetup deps -o blkdevname "${src##*/}" | sed -n 's/.*: *//p' | tr -d '()')
    for s in $dm; do [[ $ra_where == dm ]] || blockdev --setra $((ra * 2)) "/dev/$s"; done
    ra_low=$dm
    step "read-ahead (sectors): $src $(blockdev --getra "$src"); $(for s in $dm; do echo "$s $(blockdev --getra "/dev/$s")"; done)"
}

results=()
rounds() {  # rounds NAME DIR: TP_RUNS x (write, read, rm, fstrim); sets $w $r (space-separated)
    local t0 t1 i
    w="" r=""
    # warm-up, not measured: the first round on a fresh mount is slow on every stack
    if ((runs > 0)); then
        dd if=/dev/zero of="$2/bench.bin" bs=1M count=$((MIB / 4)) conv=fsync status=none
        rm -f "$2/bench.bin"; sync; fstrim "$2"
    fi
    for ((i = 1; i <= runs; i++)); do
        drop_caches
        t0=$(now); dd if=/dev/zero of="$2/bench.bin" bs=1M count="$MIB" conv=fsync status=none; t1=$(now)
        w+="$(mibs "$t0" "$t1") "
        drop_caches
        t0=$(now); dd if="$2/bench.bin" of=/dev/null bs=1M status=none; t1=$(now)
        r+="$(mibs "$t0" "$t1") "
        rm -f "$2/bench.bin"; sync; fstrim "$2"
    done
}

for v in "${variants[@]}"; do
    name=${v%%=*}
    spec=${v#*=}
    img=$HOME_U/tune-$name.qcow2
    step "variant $name: $spec"
    imgopts="" runs=$TP_RUNS ra="" ra_where=both cycles=0
    IFS='|' read -ra parts <<<"$spec"
    spec=${parts[0]}
    for p in "${parts[@]:1}"; do
        case $p in
            img=*) imgopts=${p#img=} ;; runs=*) runs=${p#runs=} ;; ra=*) ra=${p#ra=} ;;
            radm=*) ra=${p#radm=} ra_where=dm ;; ralow=*) ra=${p#ralow=} ra_where=low ;;
            cycles=*) cycles=${p#cycles=} ;; *) die "bad variant option $p" ;;
        esac
    done
    if [[ $spec == loop || $spec == rawcli:* ]]; then
        raw=$work/raw-$RANDOM.img
        truncate -s "$SIZE" "$raw"
        if [[ $spec == loop ]]; then
            dev=$(losetup --find --show "$raw")
        else
            dev=$(free_nbd)
            read -ra opts <<<"${spec#rawcli:}"
            qemu-nbd --connect="$dev" --format=raw "${opts[@]}" "$raw"
            for _ in $(seq 400); do [[ $(cat "/sys/block/${dev#/dev/}/size") != 0 ]] && break; sleep 0.01; done
        fi
        printf '%s' "$PASS" | cryptsetup luksFormat --batch-mode --type luks2 --cipher aes-xts-plain64 \
            --key-size 512 --sector-size 4096 --pbkdf pbkdf2 --hash sha256 --pbkdf-force-iterations 1000 \
            --key-file - "$dev"
        printf '%s' "$PASS" | cryptsetup open --allow-discards --key-file - "$dev" tune-raw
        mke2fs "${MKE2FS_OPTS[@]}" /dev/mapper/tune-raw
        mount -o "$MOUNT_OPTS" /dev/mapper/tune-raw "$mnt"
        set_ra "$mnt"
        rounds "$name" "$mnt"
        reset_ra
        umount "$mnt"; cryptsetup close tune-raw
        if [[ $spec == loop ]]; then
            losetup -d "$dev"
        else
            pid=$(cat "/sys/block/${dev#/dev/}/pid")
            qemu-nbd --disconnect "$dev" >/dev/null
            for _ in $(seq 1000); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
        fi
        rm -f "$raw"
        results+=("$(printf '%-20s write %-24s read %-24s' "$name" "$w" "$r")")
        step "$name: write $w MiB/s, read $r MiB/s"
        continue
    fi
    if [[ -n $imgopts ]]; then
        as_user qemu-img create -q -f qcow2 -o "preallocation=off,$imgopts" "$img" "$SIZE"
        chmod 0600 "$img"
    else
        new_image "$img" "$SIZE"
    fi
    if [[ $spec == cli:* ]]; then fmt=$BASE; else fmt=$spec; fi
    run_helper "$fmt" format "${CHEAP[@]}" "$img"
    a_fmt=$(alloc_mib "$img")
    step "$name: formatted: $(qcow2_breakdown "$img")"
    if [[ $spec == cli:* ]]; then
        nbd=$(free_nbd)
        read -ra opts <<<"${spec#cli:}"
        ts0=$(now)
        qemu-nbd --connect="$nbd" --format=qcow2 "${opts[@]}" "$img"
        for _ in $(seq 400); do [[ $(cat "/sys/block/${nbd#/dev/}/size") != 0 ]] && break; sleep 0.01; done
        printf '%s' "$PASS" | cryptsetup open --allow-discards --key-file - "$nbd" tune-cli
        e2fsck -p /dev/mapper/tune-cli >/dev/null
        mount -o "$MOUNT_OPTS" /dev/mapper/tune-cli "$mnt"
        t_open=$(elapsed "$ts0" "$(now)") s_open=""
        set_ra "$mnt"
        rounds "$name" "$mnt"
        reset_ra
        pid=$(cat "/sys/block/${nbd#/dev/}/pid")
        ts0=$(now)
        fstrim "$mnt"; umount "$mnt"; cryptsetup close tune-cli; qemu-nbd --disconnect "$nbd" >/dev/null
        for _ in $(seq 1000); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
        t_close=$(elapsed "$ts0" "$(now)") s_close=""
    else
        run_helper "$spec" open "$img" "$mnt"; t_open=$dt s_open=$steps
        step "$name: opened in $t_open s ${s_open:+($s_open)}; $(for d in /sys/block/nbd*; do [[ -e $d/pid ]] && echo "${d##*/} logical block $(cat "$d/queue/logical_block_size")"; done);" \
            "qemu-nbd $(ps -o user=,args= -C qemu-nbd | cut -c1-160), task flags $(printf '0x%x' "$(awk '{print $9}' "/proc/$(pgrep -x qemu-nbd | head -1)/stat")")"
        set_ra "$mnt"
        [[ -n $ra ]] || { src=$(findmnt -n -o SOURCE "$mnt"); step "read-ahead (sectors): $src $(blockdev --getra "$src")"; }
        rounds "$name" "$mnt"
        reset_ra
        run_helper "$spec" close "$mnt"; t_close=$dt s_close=$steps
        for ((c = 1; c <= cycles; c++)); do
            run_helper "$spec" open "$img" "$mnt"
            step "$name: cycle $c: open $dt s ${steps:+($steps)}"
            run_helper "$spec" close "$mnt"
            step "$name: cycle $c: close $dt s ${steps:+($steps)}"
        done
    fi
    step "$name: closed: $(qcow2_breakdown "$img")"
    results+=("$(printf '%-20s write %-24s read %-24s open %6s s  close %6s s  alloc fmt %s MiB, closed %s MiB' \
        "$name" "$w" "$r" "$t_open" "$t_close" "$a_fmt" "$(alloc_mib "$img")")")
    step "$name: write $w MiB/s, read $r MiB/s, open $t_open s, close $t_close s ${s_close:+($s_close)}"
    rm -f "$img"
    nothing_left || die "$name left something open"
done

echo "#"
echo "# tuning results ($MIB MiB x $TP_RUNS, image $SIZE, $(uname -r), $(nproc) vCPUs)"
for l in "${results[@]}"; do echo "# $l"; done
force_cleanup
