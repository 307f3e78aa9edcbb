/* The C-variadic libc entry points of the shim. Each reads its optional argument the way glibc
 * does and forwards to a non-variadic Rust function (preload/src/wrappers.rs). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <sys/ioctl.h>

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
