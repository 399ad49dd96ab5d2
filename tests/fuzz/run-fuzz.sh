#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every libFuzzer target for a bounded time (README.md in this directory).
#
#   tests/fuzz/run-fuzz.sh [-t SECONDS] [-b BUILDDIR] [TARGET...]
#
# Configures BUILDDIR (default build-fuzz) with clang-14, -Dfuzzing=true and ASan+UBSan when it
# does not exist, builds the targets and the generated seeds, then runs each target SECONDS
# (default 30) on its corpus (BUILDDIR/tests/fuzz/corpus/TARGET, grown from the seeds and kept
# between runs). Prints one line per target: executions, executions per second, corpus size. A
# crash, leak, timeout (10 s per input) or out-of-memory (2 GiB) fails the run; the input is left in
# BUILDDIR/tests/fuzz/artifacts/TARGET/ and goes to tests/fuzz/regressions/TARGET/ once fixed.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$src/build-fuzz
secs=30
while getopts t:b: opt; do
    case $opt in
    t) secs=$OPTARG ;;
    b) build=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-b BUILDDIR] [TARGET...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
targets=${*:-input check names topology topology-xml probe pkcs12 templates crl der cert}

if [ ! -f "$build/build.ninja" ]; then
    CC=${FUZZ_CC:-clang-14} meson setup "$build" "$src" -Dfuzzing=true \
        -Db_sanitize=address,undefined -Db_lundef=false -Dpython=disabled -Dcsharp=disabled >"${TMPDIR:-/tmp}/ucp-fuzz-setup.log" 2>&1 ||
        { cat "${TMPDIR:-/tmp}/ucp-fuzz-setup.log" >&2; exit 1; }
fi
ninja_targets="tests/fuzz/seeds.stamp"
for t in $targets; do ninja_targets="$ninja_targets tests/fuzz/fuzz-$t"; done
# shellcheck disable=SC2086
ninja -C "$build" -j"${FUZZ_JOBS:-2}" $ninja_targets >"$build/fuzz-build.log" 2>&1 ||
    { tail -40 "$build/fuzz-build.log" >&2; exit 1; }

fz=$build/tests/fuzz
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
failed=0
for t in $targets; do
    corpus=$fz/corpus/$t
    art=$fz/artifacts/$t
    mkdir -p "$corpus" "$art"
    log=$fz/fuzz-$t.log
    start=$(date +%s)
    set +e
    "$fz/fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$art/" "$corpus" "$fz/seeds/$t" >"$log" 2>&1
    rc=$?
    set -e
    took=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    size=$(find "$corpus" -type f | wc -l)
    if [ "$rc" -ne 0 ]; then
        failed=1
        echo "fuzz-$t: FAILED after ${took} s (exit $rc); input in $art:"
        grep -E "ERROR: |runtime error|invariant broken|SUMMARY" "$log" | head -5
        tail -30 "$log" >&2
    else
        echo "fuzz-$t: ${took} s, ${execs:-?} executions (${rate:-?}/s), corpus ${size} inputs, no crash"
    fi
done
exit $failed
