#!/bin/bash
# test-helper-refusals.sh - crypt-disk-image-helper refuses hostile input, with the exact exit
# code, and leaves nothing behind
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (from the source root): tests/vm/cdi-vm-run --share BUILD --timeout 900 tests/vm/test-helper-refusals.sh BUILD/helper/crypt-disk-image-helper
#
# Table driven. Each case's setup function builds one hostile input and fills in the call;
# everything else about the call is valid (the formatted image, the right passphrase, an empty
# 0700 mount point of the caller's), so the hostile detail is the only reason to refuse. The
# helper runs as the unprivileged test user through sudo (SUDO_UID makes the caller checks
# real). Per case: the exact exit code (cdi-helper-protocol.h), then that nothing is left (no
# cdi-* mapping, no connected nbd device, no qemu-nbd, no mount, no state record or socket of
# the helper), then a cleanup so a failure does not cascade. Groups: A with nothing open;
# B with the caller's own disk open (nosuid/nodev, busy format, a copy of an open image);
# C with another user's disk open. Attacks the older bash tools allowed (a suid binary or device node in the image, backing and data files, symlinks, unchecked devices).
# The expected codes are the helper's design (a FIFO, a device node or a directory as the
# image is refused input, 4, not a usage error, 2; so is a header or size libcryptsetup or
# qemu-nbd rejects); cases may fail until the helper agrees. The table at the end of the
# output lists expected -> observed for every case. About 90 s of script time under TCG.
source "$(dirname "$0")/lib-helper.sh"

RUN_DIR=/run/crypt-disk-image
IMG=$HOME_U/disk.qcow2        # formatted once, reused by most cases
MNT=$HOME_U/mnt               # empty, 0700, the caller's
IMG_O=$HOME_O/disk.qcow2      # the other user's copy of IMG
MNT_O=$HOME_O/mnt
SECRET=/scratch/root-only/secret.raw
SIZE=512M

# ------------------------------------------------------------------ checks and cleanup

# What is there now, with bash builtins only: under TCG every exec costs ~50 ms, and lib's
# nothing_left (ls, grep, cat per nbd device, pgrep) costs ~1.5 s, times ~70 cases. The same
# five things as nothing_left, plus the helper's own state (records, sockets).
census() {
    local f v k comm mp fstype
    maps=() nodes=() nbds=() sizes=() servers=() mounts=() state=()
    # dm devices as the kernel has them, and /dev/mapper nodes (no udev in the VM: a node can
    # outlive its device when something other than libcryptsetup removed it)
    for f in /sys/block/dm-*/dm/name; do
        [[ -e $f ]] || continue
        read -r v <"$f"; [[ $v == cdi-* ]] && maps+=("$v")
    done
    for f in /dev/mapper/cdi-*; do [[ -e $f || -L $f ]] && nodes+=("${f##*/}"); done
    for f in /sys/block/nbd*; do
        [[ -e $f/pid ]] && nbds+=("${f##*/}")
        read -r v <"$f/size"; [[ $v == 0 ]] || sizes+=("${f##*/}=$v")
    done
    for f in /proc/[0-9]*; do
        read -r comm 2>/dev/null <"$f/comm" || continue
        [[ $comm == qemu-nbd ]] || continue
        while read -r k v _; do [[ $k == Uid: ]] && break; done 2>/dev/null <"$f/status" || true
        servers+=("${f#/proc/}:uid=$v")
    done
    while read -r _ mp fstype _; do
        [[ $mp == /scratch/home/* ]] && mounts+=("$mp:$fstype")
    done </proc/mounts
    for f in "$RUN_DIR"/disks/* "$RUN_DIR"/*.sock; do [[ -e $f || -L $f ]] && state+=("${f#"$RUN_DIR"/}"); done
    return 0
}
show_census() {
    echo "#   census: mappings [${maps[*]}] nodes [${nodes[*]}] connected [${nbds[*]}] sized [${sizes[*]}]" \
         "qemu-nbd [${servers[*]}] mounts [${mounts[*]}] state [${state[*]}]"
}

# Nothing of ours: no mapping, no connected or sized nbd device, no qemu-nbd, no mount under
# /scratch/home, no state record or socket of the helper
nothing_left_strict() {
    census
    if ((${#maps[@]} + ${#nodes[@]} + ${#nbds[@]} + ${#sizes[@]} + ${#servers[@]} + ${#mounts[@]} + ${#state[@]} == 0)); then
        return 0
    fi
    show_census
    return 1
}

# Exactly one disk open: UID's, mounted (ext4) on MOUNT, one server running as UID; nothing else
only_open() {  # only_open UID MOUNT
    local uid=$1 mount=$2
    census
    if [[ ${maps[*]} == "cdi-$uid-$UUID" && ${nodes[*]} == "cdi-$uid-$UUID" && ${#nbds[@]} == 1 && ${#sizes[@]} == 1 &&
          ${#servers[@]} == 1 && ${servers[0]#*:} == "uid=$uid" &&
          ${mounts[*]} == "$mount:ext4" && ${#state[@]} == 1 ]]; then
        return 0
    fi
    show_census
    return 1
}
only_mine_open() { only_open 1500 "$MNT"; }
only_others_open() { only_open 1501 "$MNT_O"; }

# Everything force_cleanup does, plus what it does not: connected nbd devices and the
# helper's state records and sockets (a wrongly accepted case must not spill into the next).
reset_all() {
    local s m try
    force_cleanup
    for s in /sys/block/nbd*/pid; do
        [[ -e $s ]] || continue
        s=${s%/pid}; qemu-nbd -d "/dev/${s##*/}" >/dev/null 2>&1 || true
    done
    # A mapping whose file system was only lazily unmounted stays open for a moment, and
    # force_cleanup tries it once only
    for try in $(seq 20); do
        census
        ((${#maps[@]} == 0)) && break
        for m in "${maps[@]}"; do dmsetup remove --force "$m" >/dev/null 2>&1 || true; done
        sleep 0.25
    done
    census
    for m in "${nodes[@]}"; do  # nodes whose device is gone
        [[ " ${maps[*]} " == *" $m "* ]] || rm -f "/dev/mapper/$m"
    done
    rm -f "$RUN_DIR"/disks/* "$RUN_DIR"/*.sock 2>/dev/null || true
    nothing_left_strict >/dev/null || { echo "#   reset incomplete:"; show_census; }
}
# Between cases: the full reset only when something is there (it costs ~1 s under TCG)
reset_if_needed() { census; ((${#maps[@]} + ${#nodes[@]} + ${#nbds[@]} + ${#sizes[@]} + ${#servers[@]} + ${#mounts[@]} + ${#state[@]} == 0)) || reset_all; }

# ------------------------------------------------------------------ runners

run_helper() { helper_as "$who" "$input" "${args[@]}"; }

show_err() {
    err=$(cat /tmp/helper.err)
    [[ -z $err ]] || printf '#   stderr: %s\n' "${err//$'\n'/$'\n#   stderr: '}"
}

# 1 MiB of passphrase: the helper stops reading after 1025 bytes; the feeder's SIGPIPE is noise
run_helper_1mib() {
    set +e
    out=$(head -c 1048576 /dev/zero 2>/dev/null | tr '\0' p 2>/dev/null |
          runuser -u "$who" -- sudo -n "$HELPER" "${args[@]}" 2>/tmp/helper.err)
    rc=$?
    set -e
    show_err
}

# As the user, without sudo: not root
run_direct_as_user() {
    set +e
    out=$(runuser -u "$who" -- "$HELPER" "${args[@]}" </dev/null 2>/tmp/helper.err)
    rc=$?
    set -e
    show_err
}

# As root, with a hostile caller environment (env_set: NAME=VALUE...)
run_root_env() {
    set +e
    out=$(env -u SUDO_UID -u PKEXEC_UID "${env_set[@]}" "$HELPER" "${args[@]}" </dev/null 2>/tmp/helper.err)
    rc=$?
    set -e
    show_err
}

# ------------------------------------------------------------------ the driver

elapsed() { local now=${EPOCHREALTIME/./} start=${T0/./}; printf '%d.%d' $(((now - start) / 1000000)) $(((now - start) / 100000 % 10)); }
T0=$EPOCHREALTIME
table=()
run_case() {  # run_case EXPECTED SETUP-FUNCTION DESCRIPTION
    local want=$1 fn=$2 what=$3
    # Defaults; the setup function changes what its case needs
    who=$TEST_USER input=$PASS args=() env_set=() runner=run_helper
    left=nothing_left_strict undo=: after=reset_if_needed
    printf '# --- [%6.1fs] %s\n' "$(elapsed)" "$what"
    if ! "$fn"; then
        not_ok "$what: setup failed"
        table+=("$what|$want|setup failed")
        reset_all
        return
    fi
    "$runner"
    table+=("$what|$want|$rc")
    if [[ $rc == "$want" ]]; then ok "$what: exit $want"; else not_ok "$what: exit $want (got $rc)"; fi
    check "$what: nothing left" "$left"
    "$undo" || true
    "$after"
}
run_table() {  # run_table EXPECTED FN DESCRIPTION [EXPECTED FN DESCRIPTION...]
    while (($# >= 3)); do run_case "$1" "$2" "$3"; shift 3; done
}

# ------------------------------------------------------------------ prelude

step "prelude: users, images, mount points"
reset_all
new_image "$IMG" "$SIZE"
new_mountpoint "$MNT"
helper "$PASS" format "${CHEAP[@]}" "$IMG"
check "prelude: format of the shared image exits 0" test "$rc" = 0
UUID=$(sed -n 's/.*uuid=\([0-9a-f-]*\).*/\1/p' <<<"$out")
check "prelude: format left nothing" nothing_left_strict
# The other user's copy (same LUKS UUID, mapper cdi-1501-...), and a copy of the caller's
cp --sparse=always "$IMG" "$IMG_O"; chown "$OTHER_USER:" "$IMG_O"; chmod 0600 "$IMG_O"
as_other mkdir -m 0700 "$MNT_O"
as_user cp --sparse=always "$IMG" "$HOME_U/copy.qcow2"
# A file only root may read, for the backing-file attack
mkdir -m 0700 -p "${SECRET%/*}"
echo "root only: the user must never read this through their disk" > "$SECRET"
truncate -s "$SIZE" "$SECRET"; chmod 0600 "$SECRET"
step "prelude done (uuid $UUID)"

# ------------------------------------------------------------------ group A: nothing open

# Image path: symlinks (W-S3), owner, mode, links, type
c_img_symlink() { as_user ln -sfn disk.qcow2 "$HOME_U/disk-link.qcow2"; args=(open "$HOME_U/disk-link.qcow2" "$MNT"); }
c_img_parent_symlink() { as_user ln -sfn . "$HOME_U/via"; args=(open "$HOME_U/via/disk.qcow2" "$MNT"); }
c_img_dangling() { as_user ln -sfn /scratch/root-only/new-file "$HOME_U/dangling.qcow2"; args=(format "${CHEAP[@]}" "$HOME_U/dangling.qcow2"); }
c_img_other_owner() { args=(open "$IMG_O" "$MNT"); }
c_img_0620() { chmod 0620 "$IMG"; undo=restore_img_mode; args=(open "$IMG" "$MNT"); }
c_img_0602() { chmod 0602 "$IMG"; undo=restore_img_mode; args=(open "$IMG" "$MNT"); }
restore_img_mode() { chmod 0600 "$IMG"; }
c_img_hardlink() { as_user ln -f "$IMG" "$HOME_U/second-name"; undo=rm_hardlink; args=(open "$IMG" "$MNT"); }
rm_hardlink() { rm -f "$HOME_U/second-name"; }
c_img_dir_format() { as_user mkdir -p -m 0700 "$HOME_U/imgdir"; args=(format "${CHEAP[@]}" "$HOME_U/imgdir"); }
c_img_dir_open_ro() { as_user mkdir -p -m 0700 "$HOME_U/imgdir"; args=(open --read-only "$HOME_U/imgdir" "$MNT"); }
c_img_missing() { args=(open "$HOME_U/no-such.qcow2" "$MNT"); }
c_img_fifo() { rm -f "$HOME_U/fifo.qcow2"; as_user mkfifo -m 0600 "$HOME_U/fifo.qcow2"; args=(open "$HOME_U/fifo.qcow2" "$MNT"); }
c_img_blockdev() { args=(format "${CHEAP[@]}" /dev/nbd0); }
c_img_proc_magic() { args=(open "/proc/self/root$IMG" "$MNT"); }

# Image format and content (W-S2)
c_raw_luks() {
    # A raw file holding a valid LUKS2 volume with the right passphrase: if anything probed
    # the format, this would open
    truncate -s 64M "$HOME_U/raw.img"
    printf '%s' "$PASS" | cryptsetup -q luksFormat --type luks2 --pbkdf pbkdf2 \
        --pbkdf-force-iterations 1000 --key-file=- "$HOME_U/raw.img" || return 1
    chown "$TEST_USER:" "$HOME_U/raw.img"; chmod 0600 "$HOME_U/raw.img"
    args=(open "$HOME_U/raw.img" "$MNT")
}
c_backing() {
    # made by the user, -u: qemu-img never opens the backing file, the user need not read it
    as_user qemu-img create -q -f qcow2 -u -b "$SECRET" -F raw "$HOME_U/backed.qcow2" "$SIZE" || return 1
    chmod 0600 "$HOME_U/backed.qcow2"
    args=(open "$HOME_U/backed.qcow2" "$MNT")
}
c_backing_format() { c_backing || return 1; args=(format "${CHEAP[@]}" "$HOME_U/backed.qcow2"); }
c_data_file() {
    as_user qemu-img create -q -f qcow2 -o "data_file=$HOME_U/data.raw,data_file_raw=on" \
        "$HOME_U/datafile.qcow2" "$SIZE" || return 1
    chmod 0600 "$HOME_U/datafile.qcow2"
    args=(open "$HOME_U/datafile.qcow2" "$MNT")
}
c_qcow_encrypted() {
    as_user qemu-img create -q -f qcow2 --object secret,id=s0,data=qcowsecret \
        -o encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=10 \
        "$HOME_U/qenc.qcow2" "$SIZE" || return 1
    chmod 0600 "$HOME_U/qenc.qcow2"
    args=(open "$HOME_U/qenc.qcow2" "$MNT")
}
c_huge_cluster() {
    # cluster_bits (header offset 20, big-endian) = 30: a 1 GiB cluster
    as_user cp --sparse=always "$HOME_U/copy.qcow2" "$HOME_U/huge.qcow2"
    printf '\x00\x00\x00\x1e' | as_user dd of="$HOME_U/huge.qcow2" bs=1 seek=20 conv=notrunc status=none
    args=(open "$HOME_U/huge.qcow2" "$MNT")
}
c_not_luks_ext4() {
    # qcow2 made by the user, holding a plain ext4 (no LUKS): refused on open, after attach
    rm -f "$HOME_U/fs.raw" "$HOME_U/plain.qcow2"
    as_user truncate -s 256M "$HOME_U/fs.raw"
    as_user /usr/sbin/mkfs.ext4 -q -F "$HOME_U/fs.raw" || return 1
    as_user qemu-img convert -f raw -O qcow2 "$HOME_U/fs.raw" "$HOME_U/plain.qcow2" || return 1
    chmod 0600 "$HOME_U/plain.qcow2"
    args=(open "$HOME_U/plain.qcow2" "$MNT")
}
c_not_luks_random() {
    # random bytes, like a dm-crypt plain volume
    rm -f "$HOME_U/rnd.raw" "$HOME_U/random.qcow2"
    as_user bash -c "head -c 4M /dev/urandom > '$HOME_U/rnd.raw' && truncate -s 256M '$HOME_U/rnd.raw'"
    as_user qemu-img convert -f raw -O qcow2 "$HOME_U/rnd.raw" "$HOME_U/random.qcow2" || return 1
    chmod 0600 "$HOME_U/random.qcow2"
    args=(open "$HOME_U/random.qcow2" "$MNT")
}

c_qcow_corrupt() {
    # incompatible feature bit 1 "corrupt" (header offset 72, 8 bytes big-endian): qemu refuses
    # to open such an image read-write, after the helper's header check let it through
    as_user cp --sparse=always "$HOME_U/copy.qcow2" "$HOME_U/corrupt.qcow2"
    printf '\x02' | as_user dd of="$HOME_U/corrupt.qcow2" bs=1 seek=79 conv=notrunc status=none
    args=(open "$HOME_U/corrupt.qcow2" "$MNT")
}
c_qcow_size0() {
    rm -f "$HOME_U/size0.qcow2"
    as_user qemu-img create -q -f qcow2 "$HOME_U/size0.qcow2" 0 || return 1
    chmod 0600 "$HOME_U/size0.qcow2"
    args=(format "${CHEAP[@]}" "$HOME_U/size0.qcow2")
}
c_format_tiny() {
    # 4 MiB: smaller than a LUKS2 header (16 MiB)
    rm -f "$HOME_U/tiny.qcow2"
    new_image "$HOME_U/tiny.qcow2" 4M
    undo=note_tiny
    args=(format "${CHEAP[@]}" "$HOME_U/tiny.qcow2")
}
note_tiny() {  # not asserted: does a failed format leave a LUKS header in the image?
    local data magic
    data=$(qemu-img map --output=json "$HOME_U/tiny.qcow2" | grep -c '"data": true' || true)
    qemu-img convert -f qcow2 -O raw "$HOME_U/tiny.qcow2" /tmp/tiny.raw
    magic=$(head -c 6 /tmp/tiny.raw | od -An -tx1 | tr -d ' \n')
    rm -f /tmp/tiny.raw
    echo "#   note: after the failed format the 4 MiB image has $data allocated extent(s)," \
         "first bytes $magic (LUKS magic is 4c554b53babe)"
}

c_luks_past_end() {
    # a valid LUKS2 header (data at 16 MiB) in a qcow2 shrunk to 16 MiB: no data segment left
    rm -f "$HOME_U/short.raw" "$HOME_U/short.qcow2"
    truncate -s 17M "$HOME_U/short.raw"
    printf '%s' "$PASS" | cryptsetup -q luksFormat --type luks2 --pbkdf pbkdf2 \
        --pbkdf-force-iterations 1000 --key-file=- "$HOME_U/short.raw" || return 1
    qemu-img convert -f raw -O qcow2 "$HOME_U/short.raw" "$HOME_U/short.qcow2" || return 1
    qemu-img resize -q --shrink -f qcow2 "$HOME_U/short.qcow2" 16M || return 1
    chown "$TEST_USER:" "$HOME_U/short.qcow2"; chmod 0600 "$HOME_U/short.qcow2"
    args=(open "$HOME_U/short.qcow2" "$MNT")
}

# Passphrase
c_pass_wrong() { input='wrong horse battery staple'; args=(open "$IMG" "$MNT"); }
c_pass_empty() { input=''; args=(open "$IMG" "$MNT"); }
c_pass_1025() { input=$(printf 'p%.0s' $(seq 1025)); args=(open "$IMG" "$MNT"); }
c_pass_1mib() { runner=run_helper_1mib; args=(open "$IMG" "$MNT"); }
c_pass_1025_format() { input=$(printf 'p%.0s' $(seq 1025)); args=(format "${CHEAP[@]}" "$HOME_U/copy.qcow2"); }

# Mount point (W-S1)
c_mnt_not_owned() { mkdir -p "$HOME_U/mnt-other"; chown "$OTHER_USER:" "$HOME_U/mnt-other"; chmod 0700 "$HOME_U/mnt-other"; args=(open "$IMG" "$HOME_U/mnt-other"); }
c_mnt_root_owned() { args=(open "$IMG" /etc); }
c_mnt_nonempty() { as_user mkdir -p -m 0700 "$HOME_U/mnt-full"; as_user touch "$HOME_U/mnt-full/.keep"; args=(open "$IMG" "$HOME_U/mnt-full"); }
c_mnt_parent_symlink() {
    as_user mkdir -p -m 0700 "$HOME_U/real" "$HOME_U/real/mnt"
    as_user ln -sfn real "$HOME_U/lnk"
    args=(open "$IMG" "$HOME_U/lnk/mnt")
}
c_mnt_symlink() { as_user ln -sfn mnt "$HOME_U/mnt-link"; args=(open "$IMG" "$HOME_U/mnt-link"); }
c_mnt_mounted() {
    as_user mkdir -p -m 0700 "$HOME_U/mnt-busy"
    mount -t tmpfs -o uid=1500,gid=1500,mode=0700,size=1M cdi-test-tmpfs "$HOME_U/mnt-busy" || return 1
    left=tmpfs_alone
    args=(open "$IMG" "$HOME_U/mnt-busy")
}
tmpfs_alone() {  # only our tmpfs is mounted there, nothing on top; then it goes
    local mounts
    mounts=$(awk '$2 ~ "^/scratch/home/" {print $1 " " $2 " " $3}' /proc/mounts)
    umount "$HOME_U/mnt-busy" 2>/dev/null || true
    [[ $mounts == "cdi-test-tmpfs $HOME_U/mnt-busy tmpfs" ]] || { echo "#   mounts: $mounts"; return 1; }
    nothing_left_strict
}
c_mnt_file() { as_user touch "$HOME_U/mnt-file"; args=(open "$IMG" "$HOME_U/mnt-file"); }
c_mnt_0770() { as_user mkdir -p -m 0770 "$HOME_U/mnt-group"; chmod 0770 "$HOME_U/mnt-group"; args=(open "$IMG" "$HOME_U/mnt-group"); }
c_mnt_0707() { as_user mkdir -p -m 0707 "$HOME_U/mnt-world"; chmod 0707 "$HOME_U/mnt-world"; args=(open "$IMG" "$HOME_U/mnt-world"); }
c_mnt_proc() { args=(open "$IMG" /proc); }
c_mnt_fifo() { rm -f "$HOME_U/mnt-fifo"; as_user mkfifo -m 0700 "$HOME_U/mnt-fifo"; args=(open "$IMG" "$HOME_U/mnt-fifo"); }

# Path grammar
c_rel_image() { args=(open disk.qcow2 "$MNT"); }
c_rel_mount() { args=(open "$IMG" mnt); }
c_newline() {
    # a valid image under a name with a newline: only the name is wrong
    as_user cp --sparse=always "$IMG" "$HOME_U/nl"$'\n'"disk.qcow2"
    args=(open "$HOME_U/nl"$'\n'"disk.qcow2" "$MNT")
}
c_dotdot() { args=(open "$HOME_U/../$TEST_USER/disk.qcow2" "$MNT"); }
c_dot() { args=(open "$HOME_U/./disk.qcow2" "$MNT"); }
c_double_slash() { args=(open "$HOME_U//disk.qcow2" "$MNT"); }
c_dash() { args=(open -x "$MNT"); }
c_path_max() { args=(open "$HOME_U/$(printf 'a/%.0s' $(seq 2100))disk.qcow2" "$MNT"); }

# Argument grammar
c_unknown_verb() { args=(mount "$IMG" "$MNT"); }
c_no_verb() { args=(); }
c_extra_arg() { args=(close "$MNT" "$IMG"); }
c_missing_arg() { args=(open "$IMG"); }
c_wrong_verb_option() { args=(close --read-only "$IMG"); }
c_repeated_option() { args=(open --read-only --read-only "$IMG" "$MNT"); }
c_end_of_options() { args=(open -- "$IMG" "$MNT"); }
c_iterations_1() { args=(format --pbkdf-iterations=1 "$HOME_U/copy.qcow2"); }
c_memory_pbkdf2() { args=(format --pbkdf=pbkdf2 --pbkdf-memory=65536 "$HOME_U/copy.qcow2"); }
c_bad_label() { args=(format "${CHEAP[@]}" "--label=a/b"$'\n'"c" "$HOME_U/copy.qcow2"); }

# Format of an image that is not empty
c_format_luks() { args=(format "${CHEAP[@]}" "$IMG"); }

# Authorisation
c_not_root() { runner=run_direct_as_user; args=(status); }
c_not_root_open() { runner=run_direct_as_user; args=(close "$MNT"); }
c_pkexec_abc() { runner=run_root_env; env_set=(PKEXEC_UID=abc); args=(status); }
c_pkexec_minus1() { runner=run_root_env; env_set=(PKEXEC_UID=-1); args=(status); }
c_pkexec_2pow32m1() { runner=run_root_env; env_set=(PKEXEC_UID=4294967295); args=(status); }
c_pkexec_empty() { runner=run_root_env; env_set=(PKEXEC_UID=); args=(status); }
c_sudo_uid_space() { runner=run_root_env; env_set=("SUDO_UID=1500 "); args=(status); }

# The management verbs (inspect, passwd, grow, backup-header)
c_inspect_other_owner() { input=''; args=(inspect "$IMG_O"); }
c_inspect_not_luks() { c_not_luks_ext4 || return 1; input=''; args=(inspect "$HOME_U/plain.qcow2"); }
c_inspect_raw_luks() { c_raw_luks || return 1; input=''; args=(inspect "$HOME_U/raw.img"); }
c_inspect_backing() { c_backing || return 1; input=''; args=(inspect "$HOME_U/backed.qcow2"); }
c_inspect_symlink() { c_img_symlink; input=''; args=(inspect "$HOME_U/disk-link.qcow2"); }
c_inspect_extra() { input=''; args=(inspect "$IMG" "$MNT"); }
c_backup_other_owner() { input=''; args=(backup-header "$IMG_O"); }
c_backup_not_luks() { c_not_luks_random || return 1; input=''; args=(backup-header "$HOME_U/random.qcow2"); }
c_backup_option() { input=''; args=(backup-header --read-only "$IMG"); }
c_passwd_other_owner() { input="${#PASS}:${PASS}new pass"; args=(passwd "${CHEAP[@]}" "$IMG_O"); }
c_passwd_wrong_old() { input="5:wrongnew pass"; args=(passwd "${CHEAP[@]}" "$IMG"); }
c_passwd_no_colon() { input="${PASS}new pass"; args=(passwd "${CHEAP[@]}" "$IMG"); }
c_passwd_leading_zero() { input="0${#PASS}:${PASS}new pass"; args=(passwd "${CHEAP[@]}" "$IMG"); }
c_passwd_len_beyond() { input="999:${PASS}new pass"; args=(passwd "${CHEAP[@]}" "$IMG"); }
c_passwd_empty_new() { input="${#PASS}:${PASS}"; args=(passwd "${CHEAP[@]}" "$IMG"); }
c_passwd_empty() { input=''; args=(passwd "${CHEAP[@]}" "$IMG"); }
c_passwd_1mib() { runner=run_helper_1mib; args=(passwd "${CHEAP[@]}" "$IMG"); }
c_passwd_label() { args=(passwd --label=x "$IMG"); }
c_passwd_iterations() { input="${#PASS}:${PASS}new pass"; args=(passwd --pbkdf=pbkdf2 --pbkdf-iterations=999 "$IMG"); }
c_grow_closed() { input=''; args=(grow "$IMG" 1073741824); }
c_grow_other_owner() { input=''; args=(grow "$IMG_O" 1073741824); }
c_grow_not_sector() { input=''; args=(grow "$IMG" 1073741825); }
c_grow_leading_zero() { input=''; args=(grow "$IMG" 01073741824); }
c_grow_over_max() { input=''; args=(grow "$IMG" 1125899906843136); }
c_grow_suffix() { input=''; args=(grow "$IMG" 1G); }
c_grow_no_bytes() { input=''; args=(grow "$IMG"); }
c_grow_negative() { input=''; args=(grow "$IMG" -1073741824); }

step "group A: nothing open"
run_table \
    4 c_img_symlink          "image path is a symlink (final component) to a valid image" \
    4 c_img_parent_symlink   "image reached through a symlinked parent directory" \
    4 c_img_dangling         "format through a dangling symlink into a root-only directory" \
    4 c_img_other_owner      "image owned by another user (cdiother's, 0600)" \
    4 c_img_0620             "image group-writable (0620)" \
    4 c_img_0602             "image world-writable (0602)" \
    4 c_img_hardlink         "image with 2 hard links" \
    4 c_img_dir_format       "image is a directory (format)" \
    4 c_img_dir_open_ro      "image is a directory (open --read-only)" \
    4 c_img_missing          "image does not exist" \
    4 c_img_fifo             "image is a FIFO" \
    4 c_img_blockdev         "image is a block device (format /dev/nbd0)" \
    4 c_img_proc_magic       "image through /proc/self/root (a magic link)" \
    4 c_raw_luks             "raw image (not qcow2) holding a valid LUKS volume" \
    4 c_backing              "qcow2 with a backing file that only root may read (open)" \
    4 c_backing_format       "qcow2 with a backing file that only root may read (format)" \
    4 c_data_file            "qcow2 with an external data file" \
    4 c_qcow_encrypted       "qcow2 with qcow2 (LUKS) encryption" \
    4 c_huge_cluster         "qcow2 header claiming a 1 GiB cluster size" \
    4 c_not_luks_ext4        "qcow2 holding a plain ext4, no LUKS (open)" \
    4 c_not_luks_random      "qcow2 holding random bytes, no LUKS (open)" \
    4 c_qcow_corrupt         "qcow2 with the 'corrupt' incompatible bit set" \
    4 c_qcow_size0           "qcow2 of virtual size 0 (format)" \
    4 c_format_tiny          "format of a 4 MiB image (smaller than a LUKS2 header)" \
    4 c_luks_past_end        "LUKS2 header whose data segment lies past the image's end" \
    5 c_pass_wrong           "wrong passphrase" \
    4 c_pass_empty           "empty passphrase" \
    4 c_pass_1025            "passphrase of 1025 bytes (open)" \
    4 c_pass_1025_format     "passphrase of 1025 bytes (format)" \
    4 c_pass_1mib            "passphrase of 1 MiB" \
    4 c_mnt_not_owned        "mount point owned by another user" \
    4 c_mnt_root_owned       "mount point /etc (W-S1)" \
    4 c_mnt_nonempty         "mount point not empty" \
    4 c_mnt_parent_symlink   "mount point under a symlinked parent" \
    4 c_mnt_symlink          "mount point is a symlink to a valid mount point" \
    6 c_mnt_mounted          "mount point is already a mount point (tmpfs)" \
    4 c_mnt_file             "mount point is a regular file" \
    4 c_mnt_fifo             "mount point is a FIFO" \
    4 c_mnt_0770             "mount point group-writable (0770)" \
    4 c_mnt_0707             "mount point world-writable (0707)" \
    4 c_mnt_proc             "mount point /proc" \
    4 c_rel_image            "relative image path" \
    4 c_rel_mount            "relative mount point" \
    4 c_newline              "image path with a newline (the file exists)" \
    4 c_dotdot               "image path with '..'" \
    4 c_dot                  "image path with '.'" \
    4 c_double_slash         "image path with '//'" \
    4 c_path_max             "image path longer than PATH_MAX" \
    2 c_dash                 "path with a leading dash (-x)" \
    2 c_unknown_verb         "unknown verb" \
    2 c_no_verb              "no verb at all" \
    2 c_extra_arg            "extra argument" \
    2 c_missing_arg          "missing argument" \
    2 c_wrong_verb_option    "option of another verb (close --read-only)" \
    2 c_repeated_option      "repeated option (open --read-only --read-only)" \
    2 c_end_of_options       "'--' (no end-of-options marker in the grammar)" \
    4 c_iterations_1         "out-of-range option value (--pbkdf-iterations=1)" \
    4 c_memory_pbkdf2        "--pbkdf-memory with --pbkdf=pbkdf2" \
    4 c_bad_label            "label with '/' and a newline" \
    6 c_format_luks          "format of an image that already holds LUKS" \
    3 c_not_root             "run by the user without sudo (status)" \
    3 c_not_root_open        "run by the user without sudo (close)" \
    3 c_pkexec_abc           "root with PKEXEC_UID=abc" \
    3 c_pkexec_minus1        "root with PKEXEC_UID=-1" \
    3 c_pkexec_2pow32m1      "root with PKEXEC_UID=4294967295 ((uid_t) -1)" \
    3 c_pkexec_empty         "root with PKEXEC_UID= (empty)" \
    3 c_sudo_uid_space       "root with SUDO_UID='1500 ' (trailing space)" \
    4 c_inspect_other_owner  "inspect of another user's image" \
    4 c_inspect_not_luks     "inspect of a qcow2 holding a plain ext4, no LUKS" \
    4 c_inspect_raw_luks     "inspect of a raw image (not qcow2) holding LUKS" \
    4 c_inspect_backing      "inspect of a qcow2 with a backing file only root may read" \
    4 c_inspect_symlink      "inspect through a symlink" \
    2 c_inspect_extra        "inspect with an extra argument" \
    4 c_backup_other_owner   "backup-header of another user's image" \
    4 c_backup_not_luks      "backup-header of a qcow2 holding random bytes, no LUKS" \
    2 c_backup_option        "backup-header with an option (--read-only)" \
    4 c_passwd_other_owner   "passwd of another user's image (with its right passphrase)" \
    5 c_passwd_wrong_old     "passwd with a wrong old passphrase" \
    4 c_passwd_no_colon      "passwd stdin without OLDLEN:" \
    4 c_passwd_leading_zero  "passwd stdin with a leading zero in OLDLEN" \
    4 c_passwd_len_beyond    "passwd stdin whose OLDLEN runs past the data" \
    4 c_passwd_empty_new     "passwd stdin with an empty new passphrase" \
    4 c_passwd_empty         "passwd with empty stdin" \
    4 c_passwd_1mib          "passwd with 1 MiB on stdin" \
    2 c_passwd_label         "passwd with an option of format (--label)" \
    4 c_passwd_iterations    "passwd with --pbkdf-iterations=999 for pbkdf2" \
    4 c_grow_closed          "grow of a closed disk (qemu-img resize is for closed ones)" \
    4 c_grow_other_owner     "grow of another user's image" \
    4 c_grow_not_sector      "grow to a size that is not a multiple of 512" \
    4 c_grow_leading_zero    "grow with a leading zero in BYTES" \
    4 c_grow_over_max        "grow beyond CDI_HELPER_GROW_MAX_BYTES" \
    4 c_grow_suffix          "grow with a size suffix (1G)" \
    2 c_grow_no_bytes        "grow without BYTES" \
    2 c_grow_negative        "grow to a negative size"

check "the image survived group A: still the user's, 0600, 1 link" test "$(stat -c %u:%a:%h "$IMG")" = "1500:600:1"
check "the image kept its size through group A's grow cases" test "$(qemu-img info -f qcow2 --output=json "$IMG" | grep -c '"virtual-size": '$(numfmt --from=iec "$SIZE"))" = 1

# ------------------------------------------------------------------ no existence oracle

# oracle_pair DESCRIPTION WANT WHO INPUT A B ARGS... : the helper with ARGS, once with each "@"
# in them replaced by path A, once by path B. Paths resolve with the caller's permissions, so
# for a name the caller cannot reach, an existing object (A) and a missing one (B) must give
# the same exit code (WANT) and the same stderr, the path itself written as PATH.
oracle_pair() {
    local what=$1 want=$2 who=$3 input=$4 a=$5 b=$6 rc_a err_a
    shift 6
    local args_a=("${@//@/$a}") args_b=("${@//@/$b}")
    printf '# --- [%6.1fs] %s\n' "$(elapsed)" "$what"
    helper_as "$who" "$input" "${args_a[@]}"
    rc_a=$rc err_a=${err//"$a"/PATH}
    helper_as "$who" "$input" "${args_b[@]}"
    err=${err//"$b"/PATH}
    table+=("$what (existing)|$want|$rc_a" "$what (missing)|$want|$rc")
    check "$what: the existing one exits $want (got $rc_a)" test "$rc_a" = "$want"
    check "$what: the missing one exits $want (got $rc)" test "$rc" = "$want"
    check "$what: the same stderr for both" test "$err_a" = "$err"
}

step "no existence oracle: names the caller cannot reach"
mkdir -p -m 0700 /root/secret-dir /root/secret-dir/mnt
chmod 0700 /root/secret-dir
qemu-img create -q -f qcow2 /root/secret-dir/x.qcow2 64M
chmod 0600 /root/secret-dir/x.qcow2
oracle_pair "open of an image in a root-only directory" 4 "$TEST_USER" "$PASS" \
    /root/secret-dir/x.qcow2 /root/secret-dir/missing.qcow2 open @ "$MNT"
oracle_pair "inspect of an image in a root-only directory" 4 "$TEST_USER" "" \
    /root/secret-dir/x.qcow2 /root/secret-dir/missing.qcow2 inspect @
oracle_pair "backup-header of an image in a root-only directory" 4 "$TEST_USER" "" \
    /root/secret-dir/x.qcow2 /root/secret-dir/missing.qcow2 backup-header @
oracle_pair "open on a mount point in a root-only directory" 4 "$TEST_USER" "$PASS" \
    /root/secret-dir/mnt /root/secret-dir/no-mnt open "$IMG" @
chmod 0700 "$HOME_O"
oracle_pair "open of an image in another user's 0700 home" 4 "$TEST_USER" "$PASS" \
    "$IMG_O" "$HOME_O/missing.qcow2" open @ "$MNT"
oracle_pair "open on a mount point in another user's 0700 home" 4 "$TEST_USER" "$PASS" \
    "$MNT_O" "$HOME_O/no-mnt" open "$IMG" @
chmod 0711 "$HOME_O"
check "no existence oracle: nothing left" nothing_left_strict
reset_if_needed

# ------------------------------------------------------------------ group B: own disk open

step "group B: a suid-root binary and a device node planted offline (W-S1)"
helper "$PASS" open "$IMG" "$MNT"
check "B: open of the shared image (control) exits 0" test "$rc" = 0
check "B: it is the image formatted in the prelude (same LUKS UUID)" grep -q "uuid=$UUID" <<<"$out"
# As root, as if the image had been crafted offline (mkfs/debugfs on a file)
cp /usr/bin/id "$MNT/id"; chown root:root "$MNT/id"; chmod 4755 "$MNT/id"
mknod "$MNT/mem" c 1 1; chmod 0666 "$MNT/mem"
helper_nopass close "$MNT"
check "B: close exits 0" test "$rc" = 0
check "B: close left nothing" nothing_left_strict
helper "$PASS" open "$IMG" "$MNT"
check "B: reopen exits 0" test "$rc" = 0
check "B: mounted nosuid,nodev" bash -c "findmnt -n -o OPTIONS '$MNT' | grep -E '(^|,)nosuid(,|$)' | grep -qE '(^|,)nodev(,|$)'"
check "B: the planted id is setuid root in the image" test "$(stat -c %u:%a "$MNT/id")" = "0:4755"
euid=$(as_user "$MNT/id" -u 2>&1 || true)
check "B: the setuid-root id runs with the user's euid, not 0 (got '$euid')" test "$euid" = 1500
check "B: the planted device node is c 1:1 mode 666" test "$(stat -c '%F %t:%T %a' "$MNT/mem")" = "character special file 1:1 666"
mem_err=$(as_user head -c 1 "$MNT/mem" 2>&1 >/dev/null) && mem_rc=0 || mem_rc=$?
mem_refused() { [[ $mem_rc != 0 && $mem_err == *"Permission denied"* ]]; }
check "B: the user cannot read the planted /dev/mem node (nodev: rc $mem_rc, ${mem_err//$'\n'/ })" mem_refused
check "B: root cannot either (it is nodev, not the mode)" bash -c "! head -c 1 '$MNT/mem' >/dev/null 2>&1"

c_format_open() { left=only_mine_open; after=:; args=(format "${CHEAP[@]}" "$IMG"); }
c_open_copy() {
    as_user mkdir -p -m 0700 "$HOME_U/mnt2"
    left=only_mine_open; after=:
    args=(open "$HOME_U/copy.qcow2" "$HOME_U/mnt2")
}
c_open_other_mnt() {
    # the image is open already: the helper says so (0, the existing disk); the second mount
    # point must not get a second mount
    as_user mkdir -p -m 0700 "$HOME_U/mnt3"
    left=only_mine_open; after=:
    args=(open "$IMG" "$HOME_U/mnt3")
}
c_other_closes_mine() { who=$OTHER_USER; left=only_mine_open; after=:; args=(close "$MNT"); }
c_grow_open_smaller() { input=''; left=only_mine_open; after=:; args=(grow "$IMG" 268435456); }
c_grow_open_same() { input=''; left=only_mine_open; after=:; args=(grow "$IMG" "$(numfmt --from=iec "$SIZE")"); }
c_passwd_open_wrong() { input="5:wrongnew pass"; left=only_mine_open; after=:; args=(passwd "${CHEAP[@]}" "$IMG"); }
run_table \
    6 c_format_open          "format of an image that is open" \
    6 c_open_copy            "open of a copy of an open image (same LUKS UUID)" \
    0 c_open_other_mnt       "open of an open image on a second mount point: no second mount" \
    4 c_other_closes_mine    "cdiother closes cdiuser's disk by mount point" \
    4 c_grow_open_smaller    "grow of the open disk to a smaller size" \
    4 c_grow_open_same       "grow of the open disk to its current size" \
    5 c_passwd_open_wrong    "passwd of the open disk with a wrong old passphrase"
helper_nopass close "$MNT"
check "B: final close exits 0" test "$rc" = 0
check "B: nothing left" nothing_left_strict
reset_all

# ------------------------------------------------------------------ group C: another's disk open

step "group C: cdiother's disk is open"
helper_as "$OTHER_USER" "$PASS" open "$IMG_O" "$MNT_O"
check "C: cdiother opens their own disk" test "$rc" = 0
c_close_others_image() { left=only_others_open; after=:; args=(close "$IMG_O"); }
c_close_others_mount() { left=only_others_open; after=:; args=(close "$MNT_O"); }
c_close_others_notrim() { left=only_others_open; after=:; args=(close --no-trim "$MNT_O"); }
c_trim_others() { left=only_others_open; after=:; args=(trim "$MNT_O"); }
c_open_others_open() { left=only_others_open; after=:; args=(open "$IMG_O" "$MNT"); }
c_grow_others_open() { input=''; left=only_others_open; after=:; args=(grow "$IMG_O" 1073741824); }
c_inspect_others_open() { input=''; left=only_others_open; after=:; args=(inspect "$IMG_O"); }
c_passwd_others_open() { input="${#PASS}:${PASS}new pass"; left=only_others_open; after=:; args=(passwd "${CHEAP[@]}" "$IMG_O"); }
c_backup_others_open() { input=''; left=only_others_open; after=:; args=(backup-header "$IMG_O"); }
run_table \
    4 c_close_others_image   "close of another user's open disk, by image path" \
    4 c_close_others_mount   "close of another user's open disk, by mount point" \
    4 c_close_others_notrim  "close --no-trim of another user's open disk" \
    4 c_trim_others          "trim of another user's disk" \
    4 c_open_others_open     "open of another user's open image on my mount point" \
    4 c_grow_others_open     "grow of another user's open disk" \
    4 c_inspect_others_open  "inspect of another user's open disk" \
    4 c_passwd_others_open   "passwd of another user's open disk (with its right passphrase)" \
    4 c_backup_others_open   "backup-header of another user's open disk"
helper_as "$OTHER_USER" "" status
check "C: cdiother's disk is still listed open for them" grep -q "state=open" <<<"$out"

# Names inside cdiother's mounted disk: a directory there is on their mount, but cdiuser
# cannot reach it, so close and trim answer as for a missing name. (IMG_O is a copy of the
# image cdiuser formatted, whose root is cdiuser's: given to cdiother here, 0700.)
chown "$OTHER_USER:" "$MNT_O"; chmod 0700 "$MNT_O"
as_other mkdir -p "$MNT_O/dir"
oracle_pair "C: close of a directory inside another user's mounted disk" 0 "$TEST_USER" "" \
    "$MNT_O/dir" "$MNT_O/no-such-dir" close @
check "C: ... their disk untouched" only_others_open
oracle_pair "C: trim of a directory inside another user's mounted disk" 4 "$TEST_USER" "" \
    "$MNT_O/dir" "$MNT_O/no-such-dir" trim @
check "C: ... their disk untouched" only_others_open

# cdiother's server dies: their disk is stale. cdiuser's recover has nothing of its own to do
# and must leave cdiother's mapping, mount and record alone.
c_recover_others() {
    census
    [[ ${#servers[@]} == 1 ]] || return 1
    kill -9 "${servers[0]%%:*}"
    sleep 1
    left=others_stale_untouched; after=:
    args=(recover)
}
others_stale_untouched() {
    census
    [[ ${maps[*]} == "cdi-1501-$UUID" && ${nodes[*]} == "cdi-1501-$UUID" && ${mounts[*]} == "$MNT_O:ext4" && ${#state[@]} == 1 &&
       ${#servers[@]} == 0 ]] && return 0
    show_census
    return 1
}
c_close_others_stale() { left=others_stale_untouched; after=:; args=(close "$MNT_O"); }
run_table \
    0 c_recover_others       "recover by cdiuser while cdiother's disk is stale: theirs untouched" \
    4 c_close_others_stale   "close of another user's stale disk, by mount point"
helper_as "$OTHER_USER" "" status
check "C: cdiother sees their disk stale" grep -q "state=stale" <<<"$out"
helper_as "$OTHER_USER" "" recover
check "C: cdiother recovers it" test "$rc" = 0
check "C: nothing left (census)" nothing_left_strict
check "C: nothing left (lib-helper.sh's nothing_left)" nothing_left

reset_all
echo "# table: expected -> observed exit code"
for row in "${table[@]}"; do
    IFS='|' read -r what want got <<<"$row"
    mark=" "; [[ $want == "$got" ]] || mark="!"
    printf '# %s %-66s %s -> %s\n' "$mark" "$what" "$want" "$got"
done
step "done"
finish
