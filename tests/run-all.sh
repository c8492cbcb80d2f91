#!/bin/sh
# run-all.sh - run the whole crypt-disk-image test suite: unit, data, VM and GUI suites
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/run-all.sh [MESON-TEST-ARGS...]    e.g. tests/run-all.sh --suite vm
# Installs the packages it needs (sudo when not root), builds in _build, starts the services the
# tests need, runs `meson test` and exits with its status. Idempotent.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd -P)
build=${CDI_BUILD_DIR:-$src/_build}

"$src/data/install-deps.sh" --tests

if [ ! -f "$build/build.ninja" ]; then
  meson setup --prefix=/usr/local "$build" "$src"
fi
meson compile -C "$build"

# The VM suite boots Debian's kernel package; apt must know it (a fresh machine may not have
# run apt-get update yet).
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then apt-get -q update; else sudo apt-get -q update; fi
fi

cd "$src"
exec meson test -C "$build" --print-errorlogs "$@"
