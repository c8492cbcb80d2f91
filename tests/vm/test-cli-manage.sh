#!/bin/bash
# test-cli-manage.sh - crypt-disk-image passwd, grow, backup-header and add end to end, in the
# VM, as a user, with the REAL helper run through real pkexec
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (from the source root): tests/vm/cdi-vm-run --share BUILD --timeout 900 tests/vm/test-cli-manage.sh BUILD
# Installed and started as in test-cli-e2e.sh (helper at HELPER_PATH, the CLI in
# /usr/local/bin, the built polkit policy, a test-only polkit rule, a system bus and polkitd
# started by hand; a sudo fallback through the CDI_HELPER test seam, reported as "# MODE: sudo").
# Covered: create -> open -> write a file -> close; passwd of the closed disk (the old
# passphrase fails afterwards, the new one opens); passwd of the open disk; grow of the open
# disk (the file system grows online, checksum intact); grow of the closed disk (qemu-img
# resize as the user, the next open grows the file system, checksum intact); a shrink refused;
# backup-header (a 0600 file of the user's holding the disk's LUKS header; an existing file
# and a symbolic link refused); add of an image made the old way with the cryptsetup CLI
# (registered with its LUKS UUID; passwd through password commands), add of a QCow2 without
# LUKS refused. Every keyslot uses a cheap PBKDF (pbkdf2, 1000 iterations, also for the
# keyslots passwd adds): real key derivation costs seconds of emulated CPU per unlock, and the
# KDF is not what this test is about.
BUILD=$(realpath "${1:?usage: $0 BUILD}")
source "$(dirname "$0")/lib-helper.sh" "$BUILD/helper/crypt-disk-image-helper"

INSTALLED_HELPER=$(sed -n 's/^#define HELPER_PATH "\(.*\)"$/\1/p' "$BUILD/config.h")
CLI=/usr/local/bin/crypt-disk-image
CONF=$HOME_U/.config/crypt-disk-image/disks.conf
NEW_PASS='new staple battery horse'
NEWER_PASS='third passphrase, open disk'
MiB=$((1024 * 1024))
: "${INSTALLED_HELPER:?no HELPER_PATH in $BUILD/config.h}"

# --- Installation into the guest (an overlay: gone with the VM) ---
install -D -m 0755 "$BUILD/helper/crypt-disk-image-helper" "$INSTALLED_HELPER"
install -D -m 0755 "$BUILD/src/crypt-disk-image" "$CLI"
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
    kill "$polkitd_pid" 2>/dev/null || true
}
trap cleanup EXIT

# cli ARGS... : the CLI as the test user, stdin from $CLI_INPUT; sets $rc, $out, $err
CLI_ENV=()
CLI_INPUT=
cli() {
    set +e
    out=$(printf '%s' "$CLI_INPUT" | runuser -u "$TEST_USER" -- \
        env "${CLI_ENV[@]}" PATH=/usr/local/bin:/usr/bin:/bin "$CLI" "$@" 2>/tmp/cli.err)
    rc=$?
    set -e
    err=$(cat /tmp/cli.err)
    CLI_INPUT=
    printf '#   $ crypt-disk-image %s -> %s\n' "$*" "$rc"
    [[ -z $out ]] || printf '#   out: %s\n' "${out//$'\n'/$'\n#   out: '}"
    [[ -z $err ]] || printf '#   err: %s\n' "${err//$'\n'/$'\n#   err: '}"
}
mounted() { findmnt -n "$1" >/dev/null; }
one_error_line() {  # one_error_line TEXT : exactly one "crypt-disk-image: " line, containing TEXT
    [[ $(grep -c '^crypt-disk-image: ' <<<"$err") == 1 ]] && grep -q "^crypt-disk-image: .*$1" <<<"$err"
}
fs_bytes() { df -B1 --output=size "$1" | tail -1 | tr -d ' '; }
virtual_size() { qemu-img info -U -f qcow2 --output=json "$1" | sed -n 's/.*"virtual-size": \([0-9]*\).*/\1/p'; }
registered_uuid() { sed -n "/^\[disk $1\]/,/^\[/s/^uuid=//p" "$CONF"; }

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
    printf '%s ALL=(root) NOPASSWD: %s\n' "$TEST_USER" "$INSTALLED_HELPER" > /etc/sudoers.d/cdi-manage
    chmod 0440 /etc/sudoers.d/cdi-manage
    CLI_ENV=(CDI_HELPER=/usr/local/bin/cdi-sudo-helper)
    not_ok "pkexec runs the installed helper for the test user (fell back to sudo)"
fi

# --- create -> open -> write -> close ---
img=$HOME_U/docs.qcow2
mnt=$HOME_U/Docs
CLI_INPUT=$PASS
cli create --size 256M --mount "$mnt" --passphrase-stdin "${CHEAP[@]}" "$img"
check "create exits 0" test "$rc" = 0
uuid=$(registered_uuid docs)
check "registered with its LUKS UUID" grep -qE '^[0-9a-f-]{36}$' <<<"$uuid"
CLI_INPUT=$PASS
cli open --passphrase-stdin docs
check "open exits 0" test "$rc" = 0
as_user bash -c "head -c 5M /dev/urandom > '$mnt/keep.bin' && sync"
sum=$(sha256sum < "$mnt/keep.bin")
cli close docs
check "close exits 0" test "$rc" = 0
step "created"

# --- passwd of the closed disk ---
CLI_INPUT="not-the-passphrase"$'\n'"$NEW_PASS"$'\n'
cli passwd --passphrase-stdin --new-passphrase-stdin "${CHEAP[@]}" docs
check "passwd with a wrong current passphrase exits 4" test "$rc" = 4
check "... one error line" one_error_line "cannot change the passphrase of “docs”: Wrong passphrase"
CLI_INPUT=$PASS$'\n'$NEW_PASS$'\n'
cli passwd --passphrase-stdin --new-passphrase-stdin "${CHEAP[@]}" docs
check "passwd of the closed disk exits 0" test "$rc" = 0
check "passwd says so" grep -q "The passphrase of “docs” was changed" <<<"$out"
check "passwd leaves nothing open" nothing_left
CLI_INPUT=$PASS
cli open --passphrase-stdin docs
check "the old passphrase no longer opens it (exit 4)" test "$rc" = 4
check "... and leaves nothing" nothing_left
CLI_INPUT=$NEW_PASS
cli open --passphrase-stdin docs
check "the new passphrase opens it" test "$rc" = 0
check "checksum intact after passwd" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
step "passwd (closed)"

# --- passwd of the open disk ---
CLI_INPUT=$NEW_PASS$'\n'$NEWER_PASS$'\n'
cli passwd --passphrase-stdin --new-passphrase-stdin "${CHEAP[@]}" docs
check "passwd of the open disk exits 0" test "$rc" = 0
check "the disk stays mounted" mounted "$mnt"
step "passwd (open)"

# --- grow the open disk ---
fs_before=$(fs_bytes "$mnt")
cli grow docs --size +128M
check "grow of the open disk exits 0" test "$rc" = 0
check "grow says it is done now" grep -q "has the new space already" <<<"$out"
check "the image is 384 MiB" test "$(virtual_size "$img")" = $((384 * MiB))
fs_after=$(fs_bytes "$mnt")
echo "#   file system: $fs_before -> $fs_after bytes"
check "the file system grew online by about 128 MiB" \
    test $((fs_after - fs_before)) -gt $((100 * MiB))
check "checksum intact after the online grow" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
cli close docs
check "close exits 0" test "$rc" = 0
check "nothing left" nothing_left
step "grow (open)"

# --- grow the closed disk; refuse a shrink ---
cli grow docs --size 512M
check "grow of the closed disk exits 0" test "$rc" = 0
check "grow says the rest follows at open" grep -q "at the next open" <<<"$out"
check "the image is 512 MiB" test "$(virtual_size "$img")" = $((512 * MiB))
check "the image is still the user's, 0600" test "$(stat -c %u:%a "$img")" = "1500:600"
check "grow of the closed disk leaves nothing open" nothing_left
cli grow docs --size 256M
check "a shrink is refused (exit 9)" test "$rc" = 9
check "... with one line saying it only grows" one_error_line "cannot grow “docs”: The disk is already 512"
cli grow docs --size 512M
check "the same size is refused too (exit 9)" test "$rc" = 9
check "the image is still 512 MiB" test "$(virtual_size "$img")" = $((512 * MiB))
CLI_INPUT=$PASS
cli open --passphrase-stdin docs
check "the first passphrase still fails after grow" test "$rc" = 4
CLI_INPUT=$NEWER_PASS
cli open --passphrase-stdin docs
check "open after the closed grow (with the passphrase set while open)" test "$rc" = 0
fs_grown=$(fs_bytes "$mnt")
echo "#   file system: $fs_after -> $fs_grown bytes"
check "open grew the file system by about 128 MiB" test $((fs_grown - fs_after)) -gt $((100 * MiB))
check "checksum intact after the closed grow" test "$(sha256sum < "$mnt/keep.bin")" = "$sum"
cli close docs
check "close exits 0" test "$rc" = 0
step "grow (closed)"

# --- backup-header ---
hdr=$HOME_U/docs-header.img
cli backup-header docs "$hdr"
check "backup-header exits 0" test "$rc" = 0
check "the backup is the user's, 0600" test "$(stat -c %u:%a "$hdr" 2>/dev/null)" = "1500:600"
check "the backup is a LUKS header of the disk's UUID" \
    test "$(cryptsetup luksUUID "$hdr" 2>/dev/null)" = "$uuid"
check "backup-header leaves nothing open" nothing_left
size_before=$(stat -c %s "$hdr" 2>/dev/null || echo missing)
cli backup-header docs "$hdr"
check "an existing backup file is refused (exit 10)" test "$rc" = 10
check "... and kept" test "$(stat -c %s "$hdr" 2>/dev/null)" = "$size_before"
as_user bash -c "echo mine > '$HOME_U/victim'"
as_user ln -s "$HOME_U/victim" "$HOME_U/link.img"
cli backup-header docs "$HOME_U/link.img"
check "a symbolic link is refused" test "$rc" != 0
check "... and not followed" test "$(cat "$HOME_U/victim")" = mine
CLI_INPUT=$NEWER_PASS
cli open --passphrase-stdin docs
check "open for a backup of an open disk" test "$rc" = 0
cli backup-header docs "$HOME_U/open-header.img"
check "backup-header of an open disk exits 0" test "$rc" = 0
check "... the same UUID" test "$(cryptsetup luksUUID "$HOME_U/open-header.img" 2>/dev/null)" = "$uuid"
cli close docs
check "close exits 0" test "$rc" = 0
check "nothing left (docs)" nothing_left
step "backup-header"

# --- add: an image made the old way (cryptsetup CLI); a QCow2 without LUKS is refused ---
OLD_PW_OUTPUT=$'old tools passphrase 0123456789abcdef\n'
make_old_image() {  # make_old_image PATH TYPE PBKDF-OPTIONS... : as the old create did (as root)
    local img=$1 type=$2; shift 2
    local name=old-$RANDOM tmp
    qemu-img create -q -f qcow2 -o size=256M,preallocation=metadata "$img"
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
    OLD_UUID=$(cryptsetup luksUUID /dev/nbd15)
    qemu-nbd -d /dev/nbd15 >/dev/null
    for _ in $(seq 100); do [[ $(cat /sys/block/nbd15/size) == 0 ]] && break; sleep 0.05; done
    chown "$TEST_USER:" "$img" "$img.sha"
    chmod 0600 "$img"
}
pwfile=$HOME_U/old-pw
newpwfile=$HOME_U/new-pw
printf '%s' "$OLD_PW_OUTPUT" > "$pwfile"
printf '%s\n' "$NEW_PASS" > "$newpwfile"
chown "$TEST_USER:" "$pwfile" "$newpwfile"; chmod 0600 "$pwfile" "$newpwfile"

new_image "$HOME_U/plain.qcow2" 64M
cli add "$HOME_U/plain.qcow2" --mount "$HOME_U/plain" --name plain
check "add of a QCow2 without LUKS is refused (exit 9)" test "$rc" = 9
check "... with one line saying so" one_error_line "cannot add .*holds no LUKS volume"
check "... and not registered" bash -c "! grep -q '^\[disk plain\]' '$CONF'"
check "... and no folder made" test ! -e "$HOME_U/plain"
check "... and nothing left" nothing_left

old=$HOME_U/old1.img
make_old_image "$old" luks1 --pbkdf-force-iterations 1000
cli add "$old" --mount "$HOME_U/old1" --name old1 --password-command "cat $pwfile"
check "add of an image made with cryptsetup exits 0" test "$rc" = 0
check "add says it is LUKS1" grep -q "(LUKS1, mount point" <<<"$out"
check "add registered the image's LUKS UUID" test "$(registered_uuid old1)" = "$OLD_UUID"
check "add leaves nothing open" nothing_left
cli passwd old1 --new-password-command "cat $newpwfile" "${CHEAP[@]}"
check "passwd of the old image through password commands exits 0" test "$rc" = 0
check "... and registers the new command" grep -q "^password-command=cat $newpwfile$" "$CONF"
cli open old1
check "the old image opens with the new registered command" test "$rc" = 0
check "old data intact" test "$(sha256sum < "$HOME_U/old1/old.bin")" = "$(cat "$old.sha")"
cli close old1
check "close the old image" test "$rc" = 0
CLI_INPUT=${OLD_PW_OUTPUT%$'\n'}
cli open --passphrase-stdin old1
check "the old tools' passphrase no longer opens it (exit 4)" test "$rc" = 4
check "nothing left (old image)" nothing_left
step "add"

finish
