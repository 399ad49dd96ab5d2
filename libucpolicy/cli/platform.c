/* SPDX-License-Identifier: MIT */
/*
 * The command's few system calls that differ between POSIX and Windows (cli-private.h,
 * "platform.c"): the program's arguments and standard streams, opening a regular file by its
 * UTF-8 name, UTC time conversions, wiping memory, keeping a secret out of core dumps, and the
 * terminal. The POSIX branch is what the command always called; the Windows branch (mingw-w64) gives the rest of cli/ the same behaviour:
 * arguments in UTF-8 whatever the code page, binary standard streams (the bytes written are the
 * bytes written on Linux), and the console's own width and escape-sequence support.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#ifdef _WIN32
#  include <direct.h>
#  include <io.h>
#  include <windows.h>
#  include <shellapi.h>
#else
#  include <sys/ioctl.h>
#  include <unistd.h>
#  ifdef __linux__
#    include <sys/prctl.h>
#  endif
#endif

#include "cli-private.h"

#ifdef _WIN32

/* @w as a malloc'd UTF-8 string, or NULL. */
static char *to_utf8(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = n > 0 ? malloc((size_t)n) : NULL;
    if (s)
        WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

bool cli_program_start(int *argc, char ***argv)
{
    /* The arguments as the system holds them (UTF-16), not as the CRT converted them to the ANSI
     * code page, where a name outside it becomes '?'. Kept until the process exits. */
    int wargc;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &wargc);
    if (!wargv)
        return false;
    char **args = calloc((size_t)wargc + 1, sizeof *args);
    for (int i = 0; args && i < wargc; i++) {
        args[i] = to_utf8(wargv[i]);
        if (!args[i]) {
            while (i > 0)
                free(args[--i]);
            free(args);
            args = NULL;
        }
    }
    LocalFree(wargv);
    if (!args)
        return false;
    *argc = wargc;
    *argv = args;
    /* Reports, certificates on standard input, and text with "\n" line ends, as on Linux. */
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
    return true;
}

/* @path (UTF-8) as a wide string, malloc'd; NULL with errno ENOMEM, or ENOENT when it is not
 * UTF-8 (no file can have that name). */
static wchar_t *to_wide(const char *path)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
    wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;
    if (!w) {
        errno = n > 0 ? ENOMEM : ENOENT;
        return NULL;
    }
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, w, n);
    return w;
}

int cli_open_regular(const char *path, const char **what, bool *shared)
{
    *shared = false; /* ACLs, not modes: nothing to warn about from here */
    wchar_t *w = to_wide(path);
    if (!w)
        return -1;
    int fd = _wopen(w, _O_RDONLY | _O_BINARY | _O_NOINHERIT);
    int e = errno;
    free(w);
    errno = e;
    if (fd < 0)
        return -1;
    /* _fstat64 asks GetFileType(): a pipe is _S_IFIFO, a character device (NUL, CON) _S_IFCHR. */
    struct _stat64 st;
    if (_fstat64(fd, &st) != 0) {
        e = errno;
        _close(fd);
        errno = e;
        return -1;
    }
    if ((st.st_mode & _S_IFMT) != _S_IFREG) {
        *what = (st.st_mode & _S_IFMT) == _S_IFIFO   ? "a pipe"
                : (st.st_mode & _S_IFMT) == _S_IFCHR ? "a device"
                : (st.st_mode & _S_IFMT) == _S_IFDIR ? "a directory"
                                                     : "not a regular file";
        _close(fd);
        return -2;
    }
    return fd;
}

FILE *cli_create_file(const char *path)
{
    wchar_t *w = to_wide(path);
    if (!w)
        return NULL;
    FILE *f = _wfopen(w, L"wb");
    int e = errno;
    free(w);
    errno = e;
    return f;
}

int cli_make_dir(const char *path)
{
    wchar_t *w = to_wide(path);
    if (!w)
        return -1;
    int r = _wmkdir(w);
    int e = errno;
    free(w);
    errno = e;
    return r;
}

void cli_secret_held(bool on)
{
    (void)on; /* Windows writes no core files of a console program unless asked to */
}

int64_t cli_timegm(struct tm *tm)
{
    return (int64_t)_mkgmtime64(tm);
}

bool cli_gmtime(int64_t t, struct tm *out)
{
    __time64_t tt = (__time64_t)t;
    return _gmtime64_s(out, &tt) == 0;
}

void cli_wipe(void *p, size_t n)
{
    SecureZeroMemory(p, n);
}

bool cli_terminal(FILE *f, bool escapes)
{
    HANDLE h = (HANDLE)_get_osfhandle(_fileno(f));
    DWORD mode;
    if (h == INVALID_HANDLE_VALUE || !GetConsoleMode(h, &mode))
        return false; /* a file, a pipe, or the NUL device (which _isatty calls a terminal) */
    if (!escapes || (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING))
        return true;
    /* Colours are escape sequences: Windows 10's console takes them once asked to. */
    return SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

size_t cli_terminal_columns(FILE *f)
{
    CONSOLE_SCREEN_BUFFER_INFO info;
    HANDLE h = (HANDLE)_get_osfhandle(_fileno(f));
    if (h != INVALID_HANDLE_VALUE && GetConsoleScreenBufferInfo(h, &info) && info.srWindow.Right > info.srWindow.Left)
        return (size_t)(info.srWindow.Right - info.srWindow.Left + 1);
    return 80;
}

#else /* POSIX */

bool cli_program_start(int *argc, char ***argv)
{
    return true; /* the arguments are bytes, the streams binary */
}

int cli_open_regular(const char *path, const char **what, bool *shared)
{
    /* O_NONBLOCK: open() of a FIFO without a writer would wait for one forever. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return -1;
    struct stat st;
    int flags;
    if (fstat(fd, &st) != 0 || (flags = fcntl(fd, F_GETFL)) == -1) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        *what = S_ISFIFO(st.st_mode)                          ? "a FIFO (named pipe)"
                : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                : S_ISSOCK(st.st_mode)                        ? "a socket"
                : S_ISDIR(st.st_mode)                         ? "a directory"
                                                              : "not a regular file";
        close(fd);
        return -2;
    }
    if (fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    *shared = (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
    return fd;
}

FILE *cli_create_file(const char *path)
{
    return fopen(path, "wb");
}

int cli_make_dir(const char *path)
{
    return mkdir(path, 0777);
}

void cli_secret_held(bool on)
{
#ifdef __linux__
    /* Not dumpable: no core file holds the password, and no process of the same user can
     * ptrace this one or read its memory through /proc. The earlier state comes back after. */
    static int before = -1;
    if (on && before < 0) {
        before = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
        if (before > 0)
            prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    } else if (!on && before >= 0) {
        if (before > 0)
            prctl(PR_SET_DUMPABLE, before, 0, 0, 0);
        before = -1;
    }
#else
    (void)on;
#endif
}

int64_t cli_timegm(struct tm *tm)
{
    return (int64_t)timegm(tm);
}

bool cli_gmtime(int64_t t, struct tm *out)
{
    time_t tt = (time_t)t;
    return gmtime_r(&tt, out) != NULL;
}

void cli_wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}

bool cli_terminal(FILE *f, bool escapes)
{
    return isatty(fileno(f));
}

size_t cli_terminal_columns(FILE *f)
{
    struct winsize ws;
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

#endif
