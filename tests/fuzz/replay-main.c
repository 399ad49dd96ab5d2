/* SPDX-License-Identifier: MIT */
/*
 * Replay files through a fuzz target without libFuzzer: `fuzz-NAME-replay PATH...`, each PATH a
 * file or a directory of files. Used by the `fuzz` test suite of the ordinary build (and so under
 * ASan/UBSan and valgrind) for the committed regression inputs and the generated seeds.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static size_t replayed;
/* Under valgrind (the valgrind test setup sets UCPOLICY_TEST_MEMCHECK) a directory of generated
 * seeds is sampled: every 4th file; the committed regression inputs are all replayed. */
static size_t sample_step = 1;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        if (!buf) {
            fclose(f);
            return 1;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (r == 0)
            break;
        n += r;
    }
    fclose(f);
    /* An exact-size copy, so that reading past the end is caught as it is under libFuzzer. */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) {
        free(buf);
        return 1;
    }
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    replayed++;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return 1;
    }
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        char *name = grown ? malloc(len) : NULL;
        if (!name) {
            fprintf(stderr, "%s: out of memory\n", path);
            names = grown ? grown : names;
            rc = 1;
            break;
        }
        names = grown;
        snprintf(name, len, "%s/%s", path, e->d_name);
        names[n++] = name;
    }
    closedir(d);
    /* qsort() with a null array is undefined even for zero elements (UBSan says so): a
     * directory holding only .keep gives none. */
    if (n > 1)
        qsort(names, n, sizeof *names, cmp);
    size_t step = strstr(path, "/seeds/") ? sample_step : 1;
    for (size_t i = 0; i < n; i++) {
        if (i % step == 0)
            rc |= run_path(names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    if (getenv("UCPOLICY_TEST_MEMCHECK"))
        sample_step = 4;
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= run_path(argv[i]);
    printf("replayed %zu input(s) through %s\n", replayed, argv[0]);
    return rc;
}
