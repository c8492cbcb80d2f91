#!/bin/bash
# test-applet-e2e.sh - the tray applet end to end, in the VM, as a user: the REAL applet runs the
# REAL helper through real pkexec; open from the tray menu, close on screen lock, reopen
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage (from the source root):
#   tests/vm/cdi-vm-run --share BUILD --timeout 900 tests/vm/test-applet-e2e.sh BUILD [DRIVER]
# DRIVER is the user part's script in tests/vm: applet-e2e.py (the default, described below) or
# wizard-e2e.py (New Encrypted Disk… and Change Passphrase… through AT-SPI; see its header).
# Root part (as test-cli-e2e.sh): install the built helper at HELPER_PATH, the CLI in
# /usr/local/bin and the built polkit policy into the guest's throwaway root; a test-only polkit
# rule lets the test user run the helper's actions without a password and without a logind
# session (there is none in the guest: no allow_active, the rule decides); start a system bus
# and polkitd by hand. There is no sudo fallback: pkexec
# is what this test is about.
# User part (runuser, no logind session): Xvfb, then tests/keyring-session.sh (private session
# bus, real gnome-keyring, unlocked, fresh HOME) around tests/vm/applet-e2e.py, which creates the
# disk with the CLI (--keyring, cheap KDF), plays the tray host, notification server and
# screensaver (tests/gui/cdigui.py) around the applet from the build dir, clicks "Open Vault",
# checks the real pipeline (findmnt, /dev/mapper/cdi-*, nbd, qemu-nbd), writes a file, emits
# ActiveChanged(true) and checks that everything is closed within a bound, reopens and checks
# the file. Its TAP lines are renumbered into this script's plan.
# Can-fail check: run with `--env CDI_E2E_BREAK_LOCK=1` (cdi-vm-run option): the disk is then
# registered with close-on-lock=false and the lock checks must fail.
BUILD=$(realpath "${1:?usage: $0 BUILD [DRIVER]}")
DRIVER=${2:-applet-e2e.py}
source "$(dirname "$0")/lib-helper.sh" "$BUILD/helper/crypt-disk-image-helper"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
INSTALLED_HELPER=$(sed -n 's/^#define HELPER_PATH "\(.*\)"$/\1/p' "$BUILD/config.h")
CLI=/usr/local/bin/crypt-disk-image
: "${INSTALLED_HELPER:?no HELPER_PATH in $BUILD/config.h}"

for tool in Xvfb dbus-run-session gnome-keyring-daemon secret-tool pkexec; do
    command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool is not installed"; exit 77; }
done
/usr/bin/python3 -c 'import gi; gi.require_version("Gio", "2.0")' 2>/dev/null \
    || { echo "1..0 # SKIP /usr/bin/python3 lacks gi"; exit 77; }
[[ -x $BUILD/src/crypt-disk-image-applet ]] || { echo "Bail out! no applet in $BUILD/src"; exit 1; }

# --- Installation into the guest (an overlay: gone with the VM) ---
install -D -m 0755 "$BUILD/helper/crypt-disk-image-helper" "$INSTALLED_HELPER"
install -D -m 0755 "$BUILD/src/crypt-disk-image" "$CLI"
install -D -m 0644 "$BUILD/data/org.cryptdiskimage.CryptDiskImage.policy" \
    /usr/share/polkit-1/actions/org.cryptdiskimage.CryptDiskImage.policy
mkdir -p /etc/polkit-1/rules.d
cat > /etc/polkit-1/rules.d/50-cdi-test.rules <<EOF
// test-only: the VM's test user may run crypt-disk-image-helper's actions without a password,
// in no session at all (runuser gives none: no logind here)
polkit.addRule(function(action, subject) {
    if (action.id.indexOf("org.cryptdiskimage.CryptDiskImage.") == 0 &&
        subject.user == "$TEST_USER") {
        return polkit.Result.YES;
    }
});
EOF
# The test user's sudo rule from lib-helper.sh must not be what makes this work
rm -f "/etc/sudoers.d/cdi-$TEST_USER"

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

work=$(mktemp -d /tmp/cdi-applet-e2e.XXXXXX)
chmod 0755 "$work"
cleanup() {
    [[ -n ${session_pid:-} ]] && kill "$session_pid" 2>/dev/null
    force_cleanup
    kill "$polkitd_pid" 2>/dev/null || true
}
trap cleanup EXIT

step "system bus and polkitd up"
set +e
probe=$(cd / && runuser -u "$TEST_USER" -- pkexec --disable-internal-agent "$INSTALLED_HELPER" status 2>&1)
probe_rc=$?
set -e
check "pkexec runs the installed helper for the test user (no session, test rule)" \
    test "$probe_rc" = 0
if [[ $probe_rc != 0 ]]; then
    printf '#   pkexec: %s\n' "$probe"
    sed 's/^/#   polkitd: /' /tmp/polkitd.log
    echo "Bail out! pkexec cannot run the helper; the applet could not either"
    finish
fi
check "the test user is in no logind session" test -z "$(runuser -u "$TEST_USER" -- printenv XDG_SESSION_ID)"

# Xvfb as the user needs the socket dir that a desktop's boot makes
mkdir -p -m 1777 /tmp/.X11-unix
base=$HOME_U/applet-e2e
as_user mkdir -m 0700 "$base"

# --- The user's desktop session ---
cat > "$work/session.sh" <<'EOF'
#!/bin/bash
# as the test user: Xvfb on a display it picks, then keyring-session.sh around the driver
set -u
fifo=$TMPDIR/displayfd
mkfifo "$fifo"
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5>"$fifo" 2>"$TMPDIR/xvfb.log" &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null' EXIT
read -r display <"$fifo"
export CDI_GUI_DISPLAY=":$display"
status=0
"$CDI_SOURCE_DIR/tests/keyring-session.sh" /usr/bin/python3 "$CDI_SOURCE_DIR/tests/vm/$CDI_E2E_DRIVER" \
    || status=$?
echo "$status" > "$TMPDIR/rc"
exit "$status"
EOF
chmod 0755 "$work/session.sh"
udir=$(as_user mktemp -d /tmp/cdi-applet-user.XXXXXX)

step "starting the user's session"
driver_checks=0
while IFS= read -r line; do
    case $line in
        "ok "*) ok "${line#ok * - }"; driver_checks=$((driver_checks + 1)) ;;
        "not ok "*) not_ok "${line#not ok * - }"; driver_checks=$((driver_checks + 1)) ;;
        1..*) ;;
        *) printf '%s\n' "$line" ;;
    esac
done < <(cd "$udir" && exec runuser -u "$TEST_USER" -- env -i \
            PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 USER="$TEST_USER" \
            TMPDIR="$udir" CDI_BUILD_DIR="$BUILD" CDI_SOURCE_DIR="$SRC" \
            PYTHONPATH="$SRC/tests/gui:$SRC/tests/vm" PYTHONDONTWRITEBYTECODE=1 \
            CDI_E2E_DRIVER="$DRIVER" CDI_E2E_HELPER="$INSTALLED_HELPER" CDI_E2E_CLI="$CLI" CDI_E2E_DIR="$base" CDI_E2E_BREAK_LOCK="${CDI_E2E_BREAK_LOCK:-}" \
            "$work/session.sh" 2>&1)
rc=$(cat "$udir/rc" 2>/dev/null || echo missing)
step "user session ended (driver exit status $rc, $driver_checks checks)"
check "the driver ran its checks" test "$driver_checks" -ge 15
check "the driver exited 0" test "$rc" = 0
check "nothing left in the end (no mount, mapping, nbd or qemu-nbd)" nothing_left
if ((tests_failed > 0)); then
    sed 's/^/#   polkitd: /' /tmp/polkitd.log | tail -n 20
fi
finish
