/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets (tests/fuzz/README.md). Each target defines
 * LLVMFuzzerTestOneInput(); built with -Dfuzzing=true it links libFuzzer, otherwise
 * replay-main.c replays files through it (the regression inputs and the generated seeds), so
 * every input that once crashed stays a test of the ordinary build.
 */
#ifndef UCP_FUZZ_H
#define UCP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant of the code under test broke: abort, so libFuzzer keeps the input. */
#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* 2026-11-24T12:00:00Z: results never depend on when the fuzzer runs. */
#define FUZZ_TIME INT64_C(1795521600)

#endif
