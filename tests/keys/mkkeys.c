/* SPDX-License-Identifier: MIT */
/*
 * mkkeys DIR: write the test files of the 'keys' suite (fixtures.c) into DIR, valid around now.
 * Exit status: 0 written, 99 setup failure (the message says why).
 */
#include <stdio.h>
#include <time.h>

#include "fixtures.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 99;
    }
    return keys_fixtures_write(argv[1], (int64_t)time(NULL)) == 0 ? 0 : 99;
}
