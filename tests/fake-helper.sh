#!/bin/sh
# fake-helper.sh - a STAND-IN for crypt-disk-image-helper, run through the CDI_HELPER test seam
# SPDX-License-Identifier: GPL-3.0-or-later
#
# No pkexec prompt can be answered in CI, so the client tests run this instead of
# `pkexec crypt-disk-image-helper`. It does no disk work. It records what the client sent and
# answers as told, through files in $CDI_FAKE_HELPER_DIR (files, not environment variables,
# so a test changes the answer without setenv() in a threaded process):
#   argv     written: its arguments (VERB OPTION... ARG...), each ended by a NUL
#   stdin    written: all of its standard input, byte for byte
#   stdout   read, if present: copied to standard output (the records)
#   stderr   read, if present: copied to standard error
#   signal   read, if present: a signal name (e.g. TERM) it then kills itself with
#   exit     read, if present: its exit status (default 0)
set -eu

dir=${CDI_FAKE_HELPER_DIR:?CDI_FAKE_HELPER_DIR must name a directory}
printf '%s\0' "$@" >"$dir/argv"
cat >"$dir/stdin"
if [ -f "$dir/stdout" ]; then
  cat "$dir/stdout"
fi
if [ -f "$dir/stderr" ]; then
  cat "$dir/stderr" >&2
fi
if [ -f "$dir/signal" ]; then
  kill -s "$(cat "$dir/signal")" $$
fi
status=0
if [ -f "$dir/exit" ]; then
  status=$(cat "$dir/exit")
fi
exit "$status"
