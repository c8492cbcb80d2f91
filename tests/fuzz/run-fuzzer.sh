#!/bin/sh
# run-fuzzer.sh - run a libFuzzer binary with a writable work corpus and read-only seeds
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: run-fuzzer.sh FUZZER WORK-DIR SEED-DIR [LIBFUZZER-OPTION...]
# libFuzzer adds new inputs to the first corpus directory it is given, so that one lives in
# the build tree and the seeds in the source tree are never written. Crash files go to
# WORK-DIR/.. (the fuzzer's build directory).
set -eu
fuzzer=$1
work=$2
seeds=$3
shift 3
mkdir -p "$work"
exec "$fuzzer" -artifact_prefix="$(dirname "$work")/" "$@" "$work" "$seeds"
