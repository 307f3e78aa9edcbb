/* The C side of the shim: the C-variadic libc entry points (each reads its optional argument the
 * way glibc does and forwards to a non-variadic Rust function, preload/src/wrappers.rs), and the
 * stdio stream over an emulated descriptor. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int bb_open(const char *path, int flags, unsigned int mode);
int bb_openat(int dirfd, const char *path, int flags, unsigned int mode);
int bb_fcntl(int fd, int cmd, unsigned long arg);
int bb_ioctl(int fd, unsigned long request, void *arg);

#define MODE_ARG(flags, last, mode)                                                          \
    do {                                                                                     \
        if (__OPEN_NEEDS_MODE(flags)) {                                                      \
            va_list ap;                                                                      \
            va_start(ap, last);                                                              \
            mode = va_arg(ap, unsigned int);                                                 \
            va_end(ap);                                                                      \
        }                                                                                    \
    } while (0)

int open(const char *path, int flags, ...) {
    unsigned int mode = 0;
    MODE_ARG(flags, flags, mode);
    return bb_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) {
    unsigned int mode = 0;
    MODE_ARG(flags, flags, mode);
    return bb_open(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...) {
    unsigned int mode = 0;
    MODE_ARG(flags, flags, mode);
    return bb_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) {
    unsigned int mode = 0;
    MODE_ARG(flags, flags, mode);
    return bb_openat(dirfd, path, flags, mode);
}

/* fcntl's third argument is an int or a pointer; reading it as unsigned long is what glibc's
 * own wrapper does. */
int fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    unsigned long arg = va_arg(ap, unsigned long);
    va_end(ap);
    return bb_fcntl(fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    unsigned long arg = va_arg(ap, unsigned long);
    va_end(ap);
    return bb_fcntl(fd, cmd, arg);
}

int ioctl(int fd, unsigned long request, ...) {
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return bb_ioctl(fd, request, arg);
}

/* A FILE over an emulated descriptor. glibc's own streams read and write through its internal
 * read/write, which no preload sees, so the stream is a cookie stream whose functions call the
 * interposed read, write, lseek and close. Its _fileno is the descriptor, so fileno() works as
 * for fdopen (genisoimage -M reads the drive through fileno(fopen(dev))). */
static ssize_t bb_cookie_read(void *cookie, char *buf, size_t size) {
    return read((int)(intptr_t)cookie, buf, size);
}

static ssize_t bb_cookie_write(void *cookie, const char *buf, size_t size) {
    return write((int)(intptr_t)cookie, buf, size);
}

static int bb_cookie_seek(void *cookie, off64_t *offset, int whence) {
    off64_t at = lseek64((int)(intptr_t)cookie, *offset, whence);
    if (at < 0)
        return -1;
    *offset = at;
    return 0;
}

static int bb_cookie_close(void *cookie) {
    return close((int)(intptr_t)cookie);
}

FILE *bb_stream(int fd, const char *mode) {
    cookie_io_functions_t io = {bb_cookie_read, bb_cookie_write, bb_cookie_seek, bb_cookie_close};
    FILE *stream = fopencookie((void *)(intptr_t)fd, mode, io);
    if (stream)
        stream->_fileno = fd;
    return stream;
}
