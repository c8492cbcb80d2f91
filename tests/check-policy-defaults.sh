#!/bin/sh
# check-policy-defaults.sh - the built polkit policy grants what the project promises, verb by verb
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/check-policy-defaults.sh POLICY HELPER-PATH
# Every action runs HELPER-PATH with its own verb as argv[1]; an active local session needs no
# password for any verb; remote sessions need an administrator for every verb; inactive local
# sessions need one for every verb but close, which must never ask (auto-close of a session
# switched away from). Prints TAP.
set -eu
policy=$1
helper=$2
n=0
failed=0

check() {
  n=$((n + 1))
  if [ "$2" = "$3" ]; then
    echo "ok $n - $1"
  else
    echo "not ok $n - $1: got '$2', want '$3'"
    failed=1
  fi
}

get() {
  xmllint --xpath "string(//action[@id='org.cryptdiskimage.CryptDiskImage.$1']/$2)" "$policy"
}

verbs=$(xmllint --xpath "//action/@id" "$policy" | sed 's/ id="org.cryptdiskimage.CryptDiskImage.\([a-z-]*\)"/\1 /g')
check "the policy has actions" "$([ -n "$verbs" ] && echo yes)" yes
for verb in $verbs; do
  check "$verb: the helper's path" "$(get "$verb" "annotate[@key='org.freedesktop.policykit.exec.path']")" "$helper"
  check "$verb: its own verb as argv[1]" "$(get "$verb" "annotate[@key='org.freedesktop.policykit.exec.argv1']")" "$verb"
  check "$verb: active local sessions are not asked" "$(get "$verb" defaults/allow_active)" yes
  check "$verb: remote sessions need an administrator" "$(get "$verb" defaults/allow_any)" auth_admin
  want=auth_admin
  [ "$verb" = close ] && want=yes
  check "$verb: inactive local sessions: $want" "$(get "$verb" defaults/allow_inactive)" "$want"
done
echo "1..$n"
exit "$failed"
