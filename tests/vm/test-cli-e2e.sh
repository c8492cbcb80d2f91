#!/bin/bash
# test-cli-e2e.sh - the crypt-disk-image command line end to end, in the VM, as a user, with the
# REAL helper run through real pkexec
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (from the source root): tests/vm/cdi-vm-run --share BUILD --timeout 900 tests/vm/test-cli-e2e.sh BUILD
# Inside the throwaway guest (its / is a RAM overlay, nothing persists) this installs the built
# helper at HELPER_PATH, the CLI in /usr/local/bin (where easing scripts call it), the built
# polkit policy, and a test-only polkit rule that lets the test user run the helper's actions
# without a password; it starts a system bus and polkitd by hand
# If pkexec still cannot run the helper, the test falls
# back to sudo through the CDI_HELPER test seam and says so ("# MODE: sudo").
# Covered: check-deps (all there, something missing); create (cheap KDF) -> open -> write ->
# busy close (holders, exit 5) -> close --wait -> reopen -> checksum; wrong passphrase (exit 4);
# crypt-disk-image-create -x and its easing script; an easing script written by hand as the
# older tools wrote it; an image made with the older tools' options, registered with add and
# opened through a password command whose output ends in a newline; remove; syslog lines.
BUILD=$(realpath "${1:?usage: $0 BUILD}")
source "$(dirname "$0")/lib-helper.sh" "$BUILD/helper/crypt-disk-image-helper"

INSTALLED_HELPER=$(sed -n 's/^#define HELPER_PATH "\(.*\)"$/\1/p' "$BUILD/config.h")
CLI=/usr/local/bin/crypt-disk-image
PASSFILE=$HOME_U/pw
SYSLOG=/tmp/cdi-syslog.txt
: "${INSTALLED_HELPER:?no HELPER_PATH in $BUILD/config.h}"

# --- Installation into the guest (an overlay: gone with the VM) ---
install -D -m 0755 "$BUILD/helper/crypt-disk-image-helper" "$INSTALLED_HELPER"
install -D -m 0755 "$BUILD/src/crypt-disk-image" "$CLI"
ln -sf crypt-disk-image /usr/local/bin/crypt-disk-image-create
install -D -m 0644 "$BUILD/data/org.cryptdiskimage.CryptDiskImage.policy" \
    /usr/share/polkit-1/actions/org.cryptdiskimage.CryptDiskImage.policy
mkdir -p /etc/polkit-1/rules.d
cat > /etc/polkit-1/rules.d/50-cdi-test.rules <<EOF
// test-only: the VM's test user may run crypt-disk-image-helper's actions without a password
polkit.addRule(function(action, subject) {
    if (action.id.indexOf("org.cryptdiskimage.CryptDiskImage.") == 0 &&
        subject.user == "$TEST_USER") {
        return polkit.Result.YES;
    }
});
EOF

# syslog: a /dev/log reader, so the CLI's log lines can be checked
python3 - "$SYSLOG" <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    os.unlink("/dev/log")
except FileNotFoundError:
    pass
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "ab", 0) as f:
    while True:
        f.write(s.recv(65536) + b"\n")
EOF
syslog_pid=$!

sys_has() {
    gdbus call --system -d org.freedesktop.DBus -o /org/freedesktop/DBus \
        -m org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null | grep -q true
}
mkdir -p /run/dbus
rm -f /run/dbus/pid
dbus-daemon --system --fork
for _ in $(seq 100); do sys_has org.freedesktop.DBus && break; sleep 0.1; done
/usr/lib/polkit-1/polkitd --no-debug >/tmp/polkitd.log 2>&1 &
polkitd_pid=$!
for _ in $(seq 100); do sys_has org.freedesktop.PolicyKit1 && break; sleep 0.1; done

cleanup() {
    force_cleanup
    kill "$polkitd_pid" "$syslog_pid" 2>/dev/null || true
}
trap cleanup EXIT

# cli ARGS... : the CLI as the test user, stdin from $CLI_INPUT; sets $rc, $out, $err
CLI_ENV=()
CLI_INPUT=
cli_as() {
    local program=$1; shift
    set +e
    out=$(printf '%s' "$CLI_INPUT" | runuser -u "$TEST_USER" -- \
        env "${CLI_ENV[@]}" PATH=/usr/local/bin:/usr/bin:/bin "$program" "$@" 2>/tmp/cli.err)
    rc=$?
    set -e
    err=$(cat /tmp/cli.err)
    CLI_INPUT=
    printf '#   $ %s -> %s\n' "$(basename "$program") $*" "$rc"
    [[ -z $out ]] || printf '#   out: %s\n' "${out//$'\n'/$'\n#   out: '}"
    [[ -z $err ]] || printf '#   err: %s\n' "${err//$'\n'/$'\n#   err: '}"
}
cli() { cli_as "$CLI" "$@"; }
user_run() {  # user_run COMMAND... : anything else as the test user; sets $rc, $out
    set +e
    out=$(runuser -u "$TEST_USER" -- env "${CLI_ENV[@]}" PATH=/usr/local/bin:/usr/bin:/bin "$@" 2>&1)
    rc=$?
    set -e
    printf '#   $ %s -> %s\n' "$*" "$rc"
    [[ -z $out ]] || printf '#   out: %s\n' "${out//$'\n'/$'\n#   out: '}"
}
mounted() { findmnt -n "$1" >/dev/null; }
one_error_line() {  # one_error_line TEXT : exactly one "crypt-disk-image: " line, containing TEXT
    [[ $(grep -c '^crypt-disk-image: ' <<<"$err") == 1 ]] && grep -q "^crypt-disk-image: .*$1" <<<"$err"
}

# --- pkexec, or the sudo fallback ---
set +e
probe=$(runuser -u "$TEST_USER" -- pkexec --disable-internal-agent "$INSTALLED_HELPER" status 2>&1)
probe_rc=$?
set -e
if [[ $probe_rc == 0 ]]; then
    echo "# MODE: pkexec (system bus + polkitd started in the guest, test rule 50-cdi-test.rules)"
    ok "pkexec runs the installed helper for the test user"
else
    echo "# MODE: sudo -- pkexec failed ($probe_rc: $probe); CDI_HELPER runs the helper via sudo -n"
    cat > /usr/local/bin/cdi-sudo-helper <<EOF
#!/bin/sh
exec sudo -n $INSTALLED_HELPER "\$@"
EOF
    chmod 0755 /usr/local/bin/cdi-sudo-helper
    printf '%s ALL=(root) NOPASSWD: %s\n' "$TEST_USER" "$INSTALLED_HELPER" > /etc/sudoers.d/cdi-e2e
    chmod 0440 /etc/sudoers.d/cdi-e2e
    CLI_ENV=(CDI_HELPER=/usr/local/bin/cdi-sudo-helper)
    not_ok "pkexec runs the installed helper for the test user (fell back to sudo)"
fi

# --- check-deps ---
cli check-deps
check "check-deps: all there in the guest (exit 0)" test "$rc" = 0
check "check-deps: says so" grep -q '^All dependencies are met.$' <<<"$out"
check "check-deps: lists the installed helper" grep -q "^ok .*$INSTALLED_HELPER" <<<"$out"
mv /usr/bin/qemu-img /usr/bin/qemu-img.away
cli check-deps
check "check-deps: qemu-img missing -> exit 6" test "$rc" = 6
check "check-deps: names it and the package" \
    grep -q '^MISSING *qemu-img */usr/bin/qemu-img (Debian package: qemu-utils)$' <<<"$out"
check "check-deps: says what to install" grep -q 'sudo apt install qemu-utils$' <<<"$out"
cli_as /usr/local/bin/crypt-disk-image-create -c
check "crypt-disk-image-create -c: the same (exit 6)" test "$rc" = 6
mv /usr/bin/qemu-img.away /usr/bin/qemu-img
cli -c
check "-c: all there again" test "$rc" = 0

# --- create -> open -> write -> busy close -> close --wait -> reopen -> verify ---
img=$HOME_U/docs.qcow2
mnt=$HOME_U/Docs
CLI_INPUT=$PASS
cli create --size 1G --mount "$mnt" --passphrase-stdin --pbkdf=pbkdf2 --pbkdf-iterations=1000 "$img"
check "create exits 0" test "$rc" = 0
check "image is the user's, 0600" test "$(stat -c %u:%a "$img")" = "1500:600"
check "mount point is the user's, 0700" test "$(stat -c %u:%a "$mnt")" = "1500:700"
check "registered with its LUKS UUID" \
    grep -qE '^uuid=[0-9a-f-]{36}$' "$HOME_U/.config/crypt-disk-image/disks.conf"
check "create leaves nothing open" nothing_left

CLI_INPUT=$PASS
cli open --passphrase-stdin docs
check "open exits 0" test "$rc" = 0
check "open says where" grep -q "“docs” is open at $mnt" <<<"$out"
check "mounted ext4 nosuid,nodev" bash -c "findmnt -n -o FSTYPE,OPTIONS '$mnt' | grep -qE '^ext4 .*nosuid.*nodev'"
as_user bash -c "head -c 5M /dev/urandom > '$mnt/keep.bin' && sync"
sum=$(sha256sum < "$mnt/keep.bin")

cli status
check "status lists docs as open" grep -qE "^docs +open +$mnt +$img$" <<<"$out"
cli list
check "list shows docs open" grep -qE "^docs +open +ask +$mnt +$img$" <<<"$out"

as_user bash -c "cd '$mnt' && exec sleep 300" &
holder=$!
for _ in $(seq 50); do pgrep -u "$TEST_USER" -x sleep >/dev/null && break; sleep 0.1; done
holder_pid=$(pgrep -u "$TEST_USER" -x sleep)
cli close docs
check "busy close exits 5" test "$rc" = 5
check "busy close: one error line" one_error_line "cannot close “docs”: The disk is in use by sleep (process $holder_pid)"
check "busy close lists pid, command and use" grep -qE "^  $holder_pid +sleep +working folder +$mnt$" <<<"$err"
check "busy close closed nothing" mounted "$mnt"
( sleep 5; kill "$holder_pid" ) &
start=$(date +%s)
cli close --wait 120 docs
check "close --wait exits 0 once the holder is gone" test "$rc" = 0
check "close --wait waited for it" test $(( $(date +%s) - start )) -ge 4
check "close --wait said what it waits for" grep -q "“docs” is in use. Waiting" <<<"$err"
wait "$holder" 2>/dev/null || true
check "nothing left after close" nothing_left

CLI_INPUT="not-the-passphrase-xyz"
cli open --passphrase-stdin docs
check "wrong passphrase exits 4" test "$rc" = 4
check "wrong passphrase: one line" one_error_line "cannot open “docs”: Wrong passphrase"
check "wrong passphrase leaves nothing" nothing_left

CLI_INPUT=$PASS$'\nignored second line\n'
cli open --passphrase-stdin docs
check "reopen exits 0 (stdin up to the first newline)" test "$rc" = 0
check "checksum matches after reopen" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
cli remove docs
check "remove refuses an open disk (exit 5)" test "$rc" = 5
cli trim docs
check "trim exits 0" test "$rc" = 0
cli close docs
check "close exits 0" test "$rc" = 0
cli remove docs
check "remove exits 0" test "$rc" = 0
check "remove kept the image" test -f "$img"
cli list
check "removed disk is no longer listed" bash -c "! grep -q '^docs ' <<<'$out'"
check "nothing left (docs)" nothing_left

# --- crypt-disk-image-create -x and its easing script (the helper's default KDF) ---
pwdir="$HOME_U/pass dir"
as_user mkdir -p "$pwdir" "$HOME_U/bin"
as_user bash -c "printf '%s\n' 'easing passphrase \$x \`y\`' > '$pwdir/it'\''s pw'"
pw_cmd="cat \"$pwdir/it's pw\""
cli_as /usr/local/bin/crypt-disk-image-create -s 1G -m "$HOME_U/Easy Disk" -p "$pw_cmd" \
    -x "$HOME_U/bin/easy" "$HOME_U/easy disk.img"
check "crypt-disk-image-create exits 0" test "$rc" = 0
check "it prints how to use the script" grep -qxF "\$ $HOME_U/bin/easy open" <<<"$out"
check "easing script is the user's, 0700" test "$(stat -c %u:%a "$HOME_U/bin/easy")" = "1500:700"
check "easing script calls crypt-disk-image by absolute path" \
    grep -q "^exec '/usr/local/bin/crypt-disk-image' -m '$HOME_U/Easy Disk' -p " "$HOME_U/bin/easy"
user_run "$HOME_U/bin/easy" open
check "easing script: open exits 0" test "$rc" = 0
check "easing script: mounted" mounted "$HOME_U/Easy Disk"
as_user bash -c "echo via-script > '$HOME_U/Easy Disk/note'"
user_run "$HOME_U/bin/easy" close
check "easing script: close exits 0" test "$rc" = 0
user_run "$HOME_U/bin/easy" open
check "easing script: reopen" test "$rc" = 0
check "easing script: data kept" test "$(cat "$HOME_U/Easy Disk/note")" = via-script
user_run "$HOME_U/bin/easy" close
check "nothing left (easing script)" nothing_left
user_run "$HOME_U/bin/easy" sideways
check "easing script: unknown action is a usage error (exit 2)" test "$rc" = 2
cli_as /usr/local/bin/crypt-disk-image-create -m "$HOME_U/other" -p "$pw_cmd" \
    -x "$HOME_U/bin/easy" "$HOME_U/other.img"
check "crypt-disk-image-create refuses an existing script (exit 10)" test "$rc" = 10
check "... and made no image" test ! -e "$HOME_U/other.img"

# --- images made by the older tools (see test-helper-old-images.sh) ---
OLD_PW_OUTPUT=$'old tools passphrase 0123456789abcdef\n'
make_old_image() {  # make_old_image PATH TYPE PBKDF-OPTIONS... : as the old create did (as root)
    local img=$1 type=$2; shift 2
    local name=old-$RANDOM tmp
    qemu-img create -q -f qcow2 -o size=1G,preallocation=metadata "$img"
    qemu-nbd -c /dev/nbd15 "$img"
    for _ in $(seq 100); do [[ $(cat /sys/block/nbd15/size) != 0 ]] && break; sleep 0.05; done
    printf '%s' "$OLD_PW_OUTPUT" | cryptsetup --cipher aes-xts-plain --key-size 512 --hash sha512 \
        --type "$type" "$@" -q luksFormat /dev/nbd15
    printf '%s' "$OLD_PW_OUTPUT" | cryptsetup luksOpen /dev/nbd15 "$name"
    mkfs.ext4 -q "/dev/mapper/$name"
    tmp=$(mktemp -d)
    mount "/dev/mapper/$name" "$tmp"
    head -c 1M /dev/urandom > "$tmp/old.bin"
    sha256sum < "$tmp/old.bin" > "$img.sha"
    chown -R "$TEST_USER:" "$tmp"
    umount "$tmp"; rmdir "$tmp"
    cryptsetup luksClose "$name"
    qemu-nbd -d /dev/nbd15 >/dev/null
    for _ in $(seq 100); do [[ $(cat /sys/block/nbd15/size) == 0 ]] && break; sleep 0.05; done
    chown "$TEST_USER:" "$img" "$img.sha"
    chmod 0600 "$img"
}
printf '%s' "$OLD_PW_OUTPUT" > "$PASSFILE"
chown "$TEST_USER:" "$PASSFILE"; chmod 0600 "$PASSFILE"

old=$HOME_U/old2.img
make_old_image "$old" luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000
new_mountpoint "$HOME_U/old2"
cli add "$old" --mount "$HOME_U/old2" --name old2 --password-command "cat $PASSFILE"
check "add an old-tools image exits 0" test "$rc" = 0
cli open old2
check "open it with a password command whose output ends in a newline" test "$rc" = 0
check "old data intact" test "$(sha256sum < "$HOME_U/old2/old.bin")" = "$(cat "$old.sha")"
cli close old2
check "close the old-tools image" test "$rc" = 0

# A hand-written easing script, exactly as the old crypt-disk-image-create wrote it (PW_CMD
# between double quotes, crypt-disk-image through PATH), on an old LUKS1 image that is not
# registered. Its PW_CMD is a shell pipeline, which the old tools ran with bash -c.
old1=$HOME_U/old1.img
make_old_image "$old1" luks1 --pbkdf-force-iterations 1000
new_mountpoint "$HOME_U/old1"
cat > "$HOME_U/bin/old1" <<EOF
#!/bin/bash -e
exec crypt-disk-image -m "$HOME_U/old1" -p "cat $PASSFILE | head -n 1" "$old1" "\${@}"
EOF
chown "$TEST_USER:" "$HOME_U/bin/old1"; chmod 0755 "$HOME_U/bin/old1"
user_run "$HOME_U/bin/old1" open
check "hand-written old easing script: open exits 0" test "$rc" = 0
check "hand-written old easing script: old data intact" \
    test "$(sha256sum < "$HOME_U/old1/old.bin")" = "$(cat "$old1.sha")"
check "old syntax did not register the image" bash -c "! grep -q '$old1' '$HOME_U/.config/crypt-disk-image/disks.conf'"
cli status
check "status shows it as not registered" grep -qE "^- +open +$HOME_U/old1 +$old1$" <<<"$out"
user_run "$HOME_U/bin/old1" close
check "hand-written old easing script: close exits 0" test "$rc" = 0
check "nothing left (old images)" nothing_left

cli remove --delete-image old2
check "remove --delete-image exits 0" test "$rc" = 0
check "... and deleted the image" test ! -e "$old"

# --- syslog ---
sleep 0.5
check "syslog: one line per operation" grep -q 'crypt-disk-image\[[0-9]*\]: open docs: ok' "$SYSLOG"
check "syslog: failures with their meaning" \
    grep -q 'crypt-disk-image\[[0-9]*\]: close docs: failed: busy (exit status 5)' "$SYSLOG"
check "syslog: wrong passphrase logged" grep -q 'open docs: failed: wrong passphrase' "$SYSLOG"
check "syslog: never a passphrase" bash -c "! grep -qE 'horse|not-the-passphrase|old tools passphrase|easing passphrase' '$SYSLOG'"
check "syslog: never a password command" bash -c "! grep -qE 'cat |s pw' '$SYSLOG'"
sed 's/^/#   syslog: /' "$SYSLOG" | tail -n 40

finish
