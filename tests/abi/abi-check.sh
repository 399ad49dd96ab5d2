#!/bin/sh
# SPDX-License-Identifier: MIT
# Compare the built library's ABI with the committed baseline (tests/abi/libucpolicy.abi) using
# libabigail (Debian: abigail-tools), as GnuTLS's abi-check does. Symbols added since the
# baseline are fine (--no-added-syms); any other change - a removed function, a changed
# signature, a changed public type - fails. Only the public headers' types count.
#
#   abi-check.sh LIBRARY INCLUDE_DIR BASELINE            check
#   abi-check.sh --update LIBRARY INCLUDE_DIR BASELINE   regenerate the baseline
#
# Baseline policy (README.md, "ABI promise"). Until 1.0.0 is tagged, the baseline is the ABI of
# main as of the last deliberate addition: whoever adds public symbols regenerates it in the
# same change (regenerated for the 68 functions added since it was first taken: key facts,
# templates, CRLs, pools, probes; and for the signature cache of batches), so every symbol is
# guarded from the day it lands. From the
# 1.0.0 tag on, the baseline is the last release's ABI and is regenerated only when a release
# is made; additions between releases pass (--no-added-syms), anything else fails.
# Regenerate from a gcc debugoptimized build (the README's build), never a sanitized one.
set -eu
update=0
if [ "$1" = --update ]; then update=1; shift; fi
lib=$1 inc=$2 baseline=$3
if ! command -v abidw >/dev/null 2>&1; then
    echo "abi-check: abidw not found (Debian package abigail-tools)" >&2
    exit 77
fi
if [ "$update" -eq 1 ]; then
    abidw --no-corpus-path --no-comp-dir-path --headers-dir "$inc" --out-file "$baseline" "$lib"
    echo "wrote $baseline"
    exit 0
fi
set +e
abidiff --no-added-syms --headers-dir2 "$inc" "$baseline" "$lib"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
    echo "abi-check: the ABI of $lib differs from $baseline (abidiff exit $rc: 4 = change, 8 = incompatible)." >&2
    echo "If this is a deliberate, compatible addition at a release, regenerate the baseline with --update." >&2
    exit 1
fi
echo "abi-check: compatible with $baseline"
