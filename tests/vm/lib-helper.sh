# lib-helper.sh - shared by the VM tests of crypt-disk-image-helper (sourced, not run)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The helper runs as a second, unprivileged user through sudo (a NOPASSWD rule for the helper
# alone), so SUDO_UID and every ownership check are real. Images live on the guest's ext4
# scratch disk, which can punch holes (TRIM checks) and does not use guest RAM.
# Tests use a cheap PBKDF (pbkdf2, 1000 iterations): real key derivation costs seconds of
# emulated CPU per unlock, and the KDF is not what these tests are about.

set -euo pipefail
exec 2>&1

[[ ${CDI_VM:-} == 1 ]] || { echo "run me through tests/vm/cdi-vm-run"; exit 2; }
HELPER=${1:?usage: $0 HELPER}
HELPER=$(realpath "$HELPER")

TEST_USER=cdiuser
OTHER_USER=cdiother
CHEAP=(--pbkdf=pbkdf2 --pbkdf-iterations=1000)
PASS='correct horse battery staple'
tests_run=0
tests_failed=0

t0=$(date +%s.%N)
step() { printf '# [%6.2fs] %s\n' "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b - a}')" "$*"; }

ok() {
    tests_run=$((tests_run + 1))
    echo "ok $tests_run - $*"
}
not_ok() {
    tests_run=$((tests_run + 1))
    tests_failed=$((tests_failed + 1))
    echo "not ok $tests_run - $*"
}
check() {  # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
    echo "1..$tests_run"
    ((tests_failed == 0)) || { echo "# $tests_failed of $tests_run failed"; exit 1; }
}

make_user() {  # make_user NAME UID
    id "$1" >/dev/null 2>&1 && return
    useradd -m -d "/scratch/home/$1" -u "$2" -s /bin/bash "$1"
    chmod 0711 "/scratch/home/$1"
    printf '%s ALL=(root) NOPASSWD: %s\n' "$1" "$HELPER" > "/etc/sudoers.d/cdi-$1"
    chmod 0440 "/etc/sudoers.d/cdi-$1"
}
mkdir -p /scratch/home
chmod 0755 /scratch /scratch/home
make_user "$TEST_USER" 1500
make_user "$OTHER_USER" 1501
HOME_U=/scratch/home/$TEST_USER
HOME_O=/scratch/home/$OTHER_USER

as_user() { runuser -u "$TEST_USER" -- "$@"; }
as_other() { runuser -u "$OTHER_USER" -- "$@"; }

# helper_as USER STDIN-TEXT ARGS... : runs the helper through sudo as USER; sets $rc, $out
helper_as() {
    local user=$1 input=$2; shift 2
    set +e
    out=$(printf '%s' "$input" | runuser -u "$user" -- sudo -n "$HELPER" "$@" 2>/tmp/helper.err)
    rc=$?
    set -e
    err=$(cat /tmp/helper.err)
    [[ -z $err ]] || printf '#   stderr: %s\n' "${err//$'\n'/$'\n#   stderr: '}"
}
helper() { helper_as "$TEST_USER" "$@"; }
helper_nopass() { helper_as "$TEST_USER" "" "$@"; }

new_image() {  # new_image PATH [SIZE] : a thin qcow2 made by the user, mode 0600
    as_user qemu-img create -q -f qcow2 -o preallocation=off "$1" "${2:-1G}"
    chmod 0600 "$1"
}
new_mountpoint() { as_user mkdir -m 0700 "$1"; }

alloc_kib() { du -k "$1" | cut -f1; }

# Nothing of ours may be left: no mapping, no connected nbd device, no server, no mount.
nothing_left() {
    local left=0
    if ls /dev/mapper/ | grep -q '^cdi-'; then echo "#   left: mapping $(ls /dev/mapper | grep '^cdi-')"; left=1; fi
    for s in /sys/block/nbd*/pid; do
        [[ -e $s ]] && { echo "#   left: connected ${s%/pid}"; left=1; }
    done
    for s in /sys/block/nbd*/size; do
        [[ $(cat "$s") == 0 ]] || { echo "#   left: nbd with size: ${s%/size}"; left=1; }
    done
    if pgrep -x qemu-nbd >/dev/null; then echo "#   left: qemu-nbd $(pgrep -x qemu-nbd)"; left=1; fi
    if grep -q ' /scratch/home/' /proc/mounts; then echo "#   left: mount $(grep ' /scratch/home/' /proc/mounts)"; left=1; fi
    return $left
}

# Whatever a failing test leaves behind must not spill into the next one.
force_cleanup() {
    local m
    for m in $(awk '$2 ~ "^/scratch/home/" {print $2}' /proc/mounts | sort -r); do umount "$m" 2>/dev/null || umount -l "$m"; done
    for m in $(ls /dev/mapper | grep '^cdi-' || true); do dmsetup remove --force "$m" 2>/dev/null || true; done
    pkill -9 -x qemu-nbd 2>/dev/null || true
    sleep 0.2
}
