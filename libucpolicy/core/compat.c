/* SPDX-License-Identifier: MIT */
/*
 * The few system calls that differ between POSIX and Windows (core-private.h, "the system"):
 * opening a file by its UTF-8 name, UTC time conversions, a monotonic clock, memmem, aligned
 * allocation and the number of processors. The POSIX branch is what the library always called;
 * the Windows branch (mingw-w64) converts names to UTF-16 for the wide CRT calls and uses the
 * CRT's and kernel32's equivalents. Nothing else in the library needs to know which system it runs on.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#ifdef _WIN32
#  include <io.h>
#  include <malloc.h>
#  include <windows.h>
#else
#  include <unistd.h>
#endif

#include "core/core-private.h"

#ifdef _WIN32

wchar_t *ucp_utf8_to_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    if (n <= 0) {
        errno = EINVAL; /* not UTF-8: no file has that name */
        return NULL;
    }
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (!w) {
        errno = ENOMEM;
        return NULL;
    }
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
    return w;
}

int ucp_open_read(const char *path)
{
    wchar_t *w = ucp_utf8_to_wide(path);
    if (!w)
        return -1;
    int fd = _wopen(w, _O_RDONLY | _O_BINARY | _O_NOINHERIT);
    if (fd < 0 && errno == EACCES) {
        /* The CRT cannot open a directory and says EACCES: say what it is. */
        DWORD attr = GetFileAttributesW(w);
        if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY))
            errno = EISDIR;
    }
    int e = errno;
    free(w);
    errno = e;
    return fd;
}

int ucp_file_kind(int fd, uint64_t *size)
{
    struct _stat64 st;
    if (_fstat64(fd, &st) != 0)
        return -1;
    *size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
    /* The CRT asks GetFileType(): a pipe is _S_IFIFO, a character device (NUL, CON, COM1)
     * _S_IFCHR. */
    switch (st.st_mode & _S_IFMT) {
    case _S_IFREG: return UCP_FILE_REGULAR;
    case _S_IFDIR: return UCP_FILE_DIRECTORY;
    case _S_IFIFO: return UCP_FILE_FIFO;
    case _S_IFCHR: return UCP_FILE_DEVICE;
    default: return UCP_FILE_OTHER;
    }
}

bool ucp_file_blocking(int fd)
{
    (void)fd; /* _wopen() has no O_NONBLOCK: the descriptor is blocking already */
    return true;
}

bool ucp_gmtime(int64_t t, struct tm *out)
{
    __time64_t tt = (__time64_t)t;
    return _gmtime64_s(out, &tt) == 0;
}

int64_t ucp_timegm(struct tm *tm)
{
    return (int64_t)_mkgmtime64(tm);
}

int64_t ucp_monotonic_ms(void)
{
    return (int64_t)GetTickCount64();
}

void *ucp_memmem(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
    if (nlen == 0)
        return (void *)hay;
    const unsigned char *h = hay, *end = h + hlen;
    while (hlen >= nlen) {
        const unsigned char *p = memchr(h, *(const unsigned char *)needle, hlen - nlen + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, nlen) == 0)
            return (void *)p;
        h = p + 1;
        hlen = (size_t)(end - h);
    }
    return NULL;
}

void *ucp_aligned_alloc(size_t alignment, size_t size)
{
    return _aligned_malloc(size, alignment);
}

void ucp_aligned_free(void *p)
{
    _aligned_free(p);
}

unsigned ucp_cpu_count(void)
{
    DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return n ? (unsigned)n : 1;
}

#else /* POSIX */

int ucp_open_read(const char *path)
{
    /* O_NONBLOCK: open() of a FIFO without a writer would wait for one forever. */
    return open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
}

int ucp_file_kind(int fd, uint64_t *size)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    *size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
    return S_ISREG(st.st_mode)    ? UCP_FILE_REGULAR
           : S_ISDIR(st.st_mode)  ? UCP_FILE_DIRECTORY
           : S_ISFIFO(st.st_mode) ? UCP_FILE_FIFO
           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? UCP_FILE_DEVICE
           : S_ISSOCK(st.st_mode) ? UCP_FILE_SOCKET
                                  : UCP_FILE_OTHER;
}

bool ucp_file_blocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags != -1 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != -1;
}

bool ucp_gmtime(int64_t t, struct tm *out)
{
    time_t tt = (time_t)t;
    return gmtime_r(&tt, out) != NULL;
}

int64_t ucp_timegm(struct tm *tm)
{
    return (int64_t)timegm(tm);
}

int64_t ucp_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void *ucp_memmem(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
    return memmem(hay, hlen, needle, nlen);
}

void *ucp_aligned_alloc(size_t alignment, size_t size)
{
    return aligned_alloc(alignment, size);
}

void ucp_aligned_free(void *p)
{
    free(p);
}

unsigned ucp_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 0xffff ? 0xffff : (unsigned)n;
}

#endif

const char *ucp_file_kind_text(int kind)
{
    switch (kind) {
    case UCP_FILE_REGULAR: return "a regular file";
    case UCP_FILE_DIRECTORY: return "a directory";
    case UCP_FILE_FIFO: return "a FIFO (named pipe)";
    case UCP_FILE_DEVICE: return "a device";
    case UCP_FILE_SOCKET: return "a socket";
    }
    return "not a regular file";
}
