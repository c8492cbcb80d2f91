#!/bin/sh
# fake-helper.sh - a STAND-IN for crypt-disk-image-helper, run through the CDI_HELPER test seam
# SPDX-License-Identifier: GPL-3.0-or-later
#
# No pkexec prompt can be answered in CI, so the client tests run this instead of
# `pkexec crypt-disk-image-helper`. It does no disk work. It records what the client sent and
# answers as told, through files in $CDI_FAKE_HELPER_DIR (files, not environment variables,
# so a test changes the answer without setenv() in a threaded process):
#   argv     written: its arguments (VERB OPTION... ARG...), each ended by a NUL
#   calls    appended: one line per run, its arguments separated by spaces
#   stdin    written: all of its standard input, byte for byte (passwd: the whole frame)
#   stdout   read, if present: copied to standard output (the records)
#   stderr   read, if present: copied to standard error
#   signal   read, if present: a signal name (e.g. TERM) it then kills itself with
#   exit     read, if present: its exit status (default 0)
# Per verb, VERB.stdout and VERB.exit (e.g. backup-header.stdout, passwd.exit) take the
# place of stdout and exit for that verb; backup-header.stdout holds raw header bytes.
# VERB.delay, read if present: seconds it takes before answering (a slow key derivation).
# inspect without an inspect.stdout answers with a LUKS2 record for its IMAGE (UUID
# 0f6a1b2c-1111-2222-3333-444455556666), whatever stdout holds, so registering an image with
# `add` needs no set-up.
set -eu

dir=${CDI_FAKE_HELPER_DIR:?CDI_FAKE_HELPER_DIR must name a directory}
verb=${1:-}
printf '%s\0' "$@" >"$dir/argv"
printf '%s\n' "$*" >>"$dir/calls"
cat >"$dir/stdin"
if [ -n "$verb" ] && [ -f "$dir/$verb.delay" ]; then sleep "$(cat "$dir/$verb.delay")"; fi
if [ -n "$verb" ] && [ -f "$dir/$verb.stdout" ]; then
  cat "$dir/$verb.stdout"
elif [ "$verb" = inspect ]; then
  eval "image=\${$#}"
  printf 'luks\timage=%s\tuuid=0f6a1b2c-1111-2222-3333-444455556666\tversion=2\tlabel=\tcipher=aes-xts-plain64\tsize=67108864\topen=0\n' "$image"
elif [ -f "$dir/stdout" ]; then
  cat "$dir/stdout"
fi
if [ -f "$dir/stderr" ]; then
  cat "$dir/stderr" >&2
fi
if [ -f "$dir/signal" ]; then
  kill -s "$(cat "$dir/signal")" $$
fi
status=0
if [ -n "$verb" ] && [ -f "$dir/$verb.exit" ]; then
  status=$(cat "$dir/$verb.exit")
elif [ -f "$dir/exit" ]; then
  status=$(cat "$dir/exit")
fi
exit "$status"
