//! The exported libc symbols (attach.md §1.4): each decides whether the call is about a fake path
//! or an emulated descriptor and answers it, or forwards it unchanged to the next definition.
#![allow(clippy::missing_safety_doc)]

use crate::fds::{self, Entry};
use crate::paths::{self, Fake};
use crate::stat::{self, Attributes};
use crate::{fail, files, intercept, ioctls, real};
use burnbench::attach::protocol::{LockCommand, LockRange, Reply, Request};
use libc::{c_char, c_int, c_uint, c_ulong, c_void, mode_t, off_t, size_t, ssize_t};
use std::ffi::CStr;

/// The bytes of a C path, `None` for a null pointer.
fn bytes<'a>(path: *const c_char) -> Option<&'a [u8]> {
    if path.is_null() {
        return None;
    }
    // SAFETY: libc's contract: a non-null path is NUL-terminated.
    Some(unsafe { CStr::from_ptr(path) }.to_bytes())
}

/// `path` as an absolute path the shim may answer for: absolute already, or relative to the
/// working directory /dev (`cd /dev; wodim dev=sr0`) when `dirfd` is AT_FDCWD.
fn absolute(dirfd: c_int, path: &[u8]) -> Option<Vec<u8>> {
    if path.first() == Some(&b'/') {
        return Some(path.to_vec());
    }
    let candidate = [&b"sr"[..], b"sg", b"cdrom", b"cdrw", b"dvd"]
        .iter()
        .any(|p| path.starts_with(p));
    if dirfd != libc::AT_FDCWD || !candidate {
        return None;
    }
    let cwd = std::env::current_dir().ok()?;
    (cwd == std::path::Path::new("/dev")).then(|| [b"/dev/", path].concat())
}

fn classify_at(dirfd: c_int, path: *const c_char) -> Option<(Vec<u8>, Fake)> {
    let path = absolute(dirfd, bytes(path)?)?;
    let fake = paths::classify(&path)?;
    Some((path, fake))
}

// ---------------------------------------------------------------------------------------------
// open

/// Open a fake path; `None` when the path is not the shim's after all (a real folder).
fn open_fake(fake: Fake, flags: c_int) -> Option<c_int> {
    let answer = |result: Result<c_int, i32>| match result {
        Ok(fd) => fd,
        Err(errno) => fail(errno),
    };
    if flags & libc::O_CREAT != 0 && flags & libc::O_EXCL != 0 && !matches!(fake, Fake::Descriptor(_)) {
        return Some(fail(libc::EEXIST));
    }
    let fresh = |result: Result<c_int, i32>| {
        // A new descriptor starts with the kernel's defaults (SG_SET_TIMEOUT, reserved size).
        if let Ok(fd) = result {
            ioctls::forget(fd);
        }
        answer(result)
    };
    Some(match fake {
        Fake::Node(node) => fresh(fds::open_node(node, flags)),
        Fake::Link(target) => {
            if flags & libc::O_NOFOLLOW != 0 {
                return Some(fail(libc::ELOOP));
            }
            let fake = paths::classify(format!("/dev/{target}").as_bytes())?;
            return open_fake(fake, flags);
        }
        Fake::File(kind) => {
            if flags & libc::O_ACCMODE != libc::O_RDONLY {
                return Some(fail(libc::EACCES));
            }
            match files::contents(kind) {
                Some(text) => answer(files::memfd(&text, flags & libc::O_CLOEXEC != 0)),
                None => fail(libc::EIO),
            }
        }
        Fake::Dir => return None,
        // Opening /proc/self/fd/N of a device opens the device again with the new flags.
        Fake::Descriptor(fd) => fresh(fds::open_node(fds::entry(fd)?.node, flags)),
    })
}

fn open_at(dirfd: c_int, path: *const c_char, flags: c_int) -> Option<c_int> {
    intercept(|| {
        let (_, fake) = classify_at(dirfd, path)?;
        open_fake(fake, flags)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn bb_open(path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    match open_at(libc::AT_FDCWD, path, flags) {
        Some(fd) => fd,
        // SAFETY: forwarding the caller's arguments.
        None => unsafe { real::open64(path, flags, mode) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn bb_openat(dirfd: c_int, path: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    match open_at(dirfd, path, flags) {
        Some(fd) => fd,
        // SAFETY: forwarding.
        None => unsafe { real::openat64(dirfd, path, flags, mode) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn __open_2(path: *const c_char, flags: c_int) -> c_int {
    match open_at(libc::AT_FDCWD, path, flags) {
        Some(fd) => fd,
        // SAFETY: forwarding.
        None => unsafe { real::__open_2(path, flags) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn __open64_2(path: *const c_char, flags: c_int) -> c_int {
    match open_at(libc::AT_FDCWD, path, flags) {
        Some(fd) => fd,
        // SAFETY: forwarding.
        None => unsafe { real::__open64_2(path, flags) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn __openat_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int {
    match open_at(dirfd, path, flags) {
        Some(fd) => fd,
        // SAFETY: forwarding.
        None => unsafe { real::__openat_2(dirfd, path, flags) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn __openat64_2(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int {
    match open_at(dirfd, path, flags) {
        Some(fd) => fd,
        // SAFETY: forwarding.
        None => unsafe { real::__openat64_2(dirfd, path, flags) },
    }
}

const CREAT_FLAGS: c_int = libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC;

#[unsafe(no_mangle)]
pub unsafe extern "C" fn creat(path: *const c_char, mode: mode_t) -> c_int {
    match open_at(libc::AT_FDCWD, path, CREAT_FLAGS) {
        Some(fd) => fd,
        // SAFETY: forwarding.
        None => unsafe { real::creat(path, mode) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn creat64(path: *const c_char, mode: mode_t) -> c_int {
    match open_at(libc::AT_FDCWD, path, CREAT_FLAGS) {
        Some(fd) => fd,
        // SAFETY: forwarding.
        None => unsafe { real::creat64(path, mode) },
    }
}

// ---------------------------------------------------------------------------------------------
// stdio

unsafe extern "C" {
    /// A stdio stream over an emulated descriptor (variadic.c): I/O through the interposed
    /// functions, `fileno()` the descriptor.
    fn bb_stream(fd: c_int, mode: *const c_char) -> *mut libc::FILE;
}

/// open(2) flags for an fopen mode string.
fn fopen_flags(mode: &[u8]) -> c_int {
    let mut flags = match mode.first() {
        Some(b'w') => libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
        Some(b'a') => libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND,
        _ => libc::O_RDONLY,
    };
    for &c in mode.iter().skip(1).take_while(|&&c| c != b',') {
        match c {
            b'+' => flags = (flags & !libc::O_ACCMODE) | libc::O_RDWR,
            b'e' => flags |= libc::O_CLOEXEC,
            b'x' => flags |= libc::O_EXCL,
            _ => {}
        }
    }
    flags
}

fn fopen_fake(path: *const c_char, mode: *const c_char) -> Option<*mut libc::FILE> {
    intercept(|| {
        let (_, fake) = classify_at(libc::AT_FDCWD, path)?;
        let fd = open_fake(fake, fopen_flags(bytes(mode)?))?;
        if fd < 0 {
            return Some(std::ptr::null_mut());
        }
        // SAFETY: `fd` is ours to hand over; the stream takes the caller's mode string.
        let file = unsafe { bb_stream(fd, mode) };
        if file.is_null() {
            let errno = crate::errno();
            // SAFETY: closing the descriptor we just opened.
            unsafe { libc::close(fd) };
            crate::set_errno(errno);
        }
        Some(file)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn fopen(path: *const c_char, mode: *const c_char) -> *mut libc::FILE {
    match fopen_fake(path, mode) {
        Some(file) => file,
        // SAFETY: forwarding.
        None => unsafe { real::fopen(path, mode) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn fopen64(path: *const c_char, mode: *const c_char) -> *mut libc::FILE {
    match fopen_fake(path, mode) {
        Some(file) => file,
        // SAFETY: forwarding.
        None => unsafe { real::fopen64(path, mode) },
    }
}

/// freopen of a fake path: open it, put it under the stream's descriptor.
fn freopen_fake(path: *const c_char, mode: *const c_char, stream: *mut libc::FILE) -> Option<*mut libc::FILE> {
    intercept(|| {
        let (_, fake) = classify_at(libc::AT_FDCWD, path)?;
        let fd = open_fake(fake, fopen_flags(bytes(mode)?))?;
        if fd < 0 {
            return Some(std::ptr::null_mut());
        }
        // SAFETY: `stream` is the caller's open stream.
        let target = unsafe {
            libc::fflush(stream);
            libc::fileno(stream)
        };
        // SAFETY: plain descriptor calls.
        let ok = unsafe { real::dup2(fd, target) } >= 0;
        if ok {
            fds::duplicated(fd, target);
        }
        // SAFETY: closing our temporary descriptor.
        unsafe { libc::close(fd) };
        Some(if ok { stream } else { std::ptr::null_mut() })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn freopen(path: *const c_char, mode: *const c_char, stream: *mut libc::FILE) -> *mut libc::FILE {
    match freopen_fake(path, mode, stream) {
        Some(file) => file,
        // SAFETY: forwarding.
        None => unsafe { real::freopen(path, mode, stream) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn freopen64(
    path: *const c_char,
    mode: *const c_char,
    stream: *mut libc::FILE,
) -> *mut libc::FILE {
    match freopen_fake(path, mode, stream) {
        Some(file) => file,
        // SAFETY: forwarding.
        None => unsafe { real::freopen64(path, mode, stream) },
    }
}

// ---------------------------------------------------------------------------------------------
// stat

/// Attributes of a fake path (relative to `dirfd`), or of an emulated descriptor when the path
/// is empty and AT_EMPTY_PATH is set.
fn attributes_at(dirfd: c_int, path: *const c_char, flags: c_int) -> Option<Attributes> {
    let raw = bytes(path)?;
    if raw.is_empty() && flags & libc::AT_EMPTY_PATH != 0 {
        return Some(stat::node_attributes(fds::entry(dirfd)?.node));
    }
    let (path, fake) = classify_at(dirfd, path)?;
    stat::attributes(&fake, stat::path_hash(&path), flags & libc::AT_SYMLINK_NOFOLLOW == 0)
}

fn fd_attributes(fd: c_int) -> Option<Attributes> {
    Some(stat::node_attributes(fds::entry(fd)?.node))
}

macro_rules! stat_wrappers {
    ($( $name:ident ($($arg:ident : $ty:ty),*) via $real:ident, $buf:ident : $bufty:ty, $fill:path, $lookup:expr ; )*) => {
        $(
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn $name($($arg: $ty),*) -> c_int {
                let answered = intercept(|| {
                    let attributes: Attributes = $lookup?;
                    // SAFETY: the caller passes a buffer for the structure.
                    let buffer = unsafe { $buf.as_mut()? };
                    $fill(&attributes, buffer);
                    Some(0)
                });
                match answered {
                    Some(ret) => ret,
                    // SAFETY: forwarding.
                    None => unsafe { real::$real($($arg),*) },
                }
            }
        )*
    };
}

stat_wrappers! {
    stat(path: *const c_char, buf: *mut libc::stat) via stat, buf: libc::stat, stat::fill_stat,
        attributes_at(libc::AT_FDCWD, path, 0);
    stat64(path: *const c_char, buf: *mut libc::stat64) via stat64, buf: libc::stat64, stat::fill_stat64,
        attributes_at(libc::AT_FDCWD, path, 0);
    lstat(path: *const c_char, buf: *mut libc::stat) via lstat, buf: libc::stat, stat::fill_stat,
        attributes_at(libc::AT_FDCWD, path, libc::AT_SYMLINK_NOFOLLOW);
    lstat64(path: *const c_char, buf: *mut libc::stat64) via lstat64, buf: libc::stat64, stat::fill_stat64,
        attributes_at(libc::AT_FDCWD, path, libc::AT_SYMLINK_NOFOLLOW);
    fstat(fd: c_int, buf: *mut libc::stat) via fstat, buf: libc::stat, stat::fill_stat, fd_attributes(fd);
    fstat64(fd: c_int, buf: *mut libc::stat64) via fstat64, buf: libc::stat64, stat::fill_stat64, fd_attributes(fd);
    fstatat(dirfd: c_int, path: *const c_char, buf: *mut libc::stat, flags: c_int) via fstatat,
        buf: libc::stat, stat::fill_stat, attributes_at(dirfd, path, flags);
    fstatat64(dirfd: c_int, path: *const c_char, buf: *mut libc::stat64, flags: c_int) via fstatat64,
        buf: libc::stat64, stat::fill_stat64, attributes_at(dirfd, path, flags);
    __xstat(ver: c_int, path: *const c_char, buf: *mut libc::stat) via __xstat, buf: libc::stat,
        stat::fill_stat, attributes_at(libc::AT_FDCWD, path, 0);
    __xstat64(ver: c_int, path: *const c_char, buf: *mut libc::stat64) via __xstat64, buf: libc::stat64,
        stat::fill_stat64, attributes_at(libc::AT_FDCWD, path, 0);
    __lxstat(ver: c_int, path: *const c_char, buf: *mut libc::stat) via __lxstat, buf: libc::stat,
        stat::fill_stat, attributes_at(libc::AT_FDCWD, path, libc::AT_SYMLINK_NOFOLLOW);
    __lxstat64(ver: c_int, path: *const c_char, buf: *mut libc::stat64) via __lxstat64, buf: libc::stat64,
        stat::fill_stat64, attributes_at(libc::AT_FDCWD, path, libc::AT_SYMLINK_NOFOLLOW);
    __fxstat(ver: c_int, fd: c_int, buf: *mut libc::stat) via __fxstat, buf: libc::stat, stat::fill_stat,
        fd_attributes(fd);
    __fxstat64(ver: c_int, fd: c_int, buf: *mut libc::stat64) via __fxstat64, buf: libc::stat64,
        stat::fill_stat64, fd_attributes(fd);
    __fxstatat(ver: c_int, dirfd: c_int, path: *const c_char, buf: *mut libc::stat, flags: c_int) via __fxstatat,
        buf: libc::stat, stat::fill_stat, attributes_at(dirfd, path, flags);
    __fxstatat64(ver: c_int, dirfd: c_int, path: *const c_char, buf: *mut libc::stat64, flags: c_int)
        via __fxstatat64, buf: libc::stat64, stat::fill_stat64, attributes_at(dirfd, path, flags);
    statx(dirfd: c_int, path: *const c_char, flags: c_int, mask: c_uint, buf: *mut libc::statx) via statx,
        buf: libc::statx, stat::fill_statx, attributes_at(dirfd, path, flags);
}

// ---------------------------------------------------------------------------------------------
// access, readlink, realpath

fn access_fake(dirfd: c_int, path: *const c_char, mode: c_int) -> Option<c_int> {
    intercept(|| {
        let (_, fake) = classify_at(dirfd, path)?;
        let writable = matches!(fake, Fake::Node(_) | Fake::Link(_) | Fake::Descriptor(_));
        Some(
            if mode & libc::X_OK != 0 && !matches!(fake, Fake::Dir) || mode & libc::W_OK != 0 && !writable {
                fail(libc::EACCES)
            } else {
                0
            },
        )
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn access(path: *const c_char, mode: c_int) -> c_int {
    // SAFETY: forwarding.
    access_fake(libc::AT_FDCWD, path, mode).unwrap_or_else(|| unsafe { real::access(path, mode) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn faccessat(dirfd: c_int, path: *const c_char, mode: c_int, flags: c_int) -> c_int {
    // SAFETY: forwarding.
    access_fake(dirfd, path, mode).unwrap_or_else(|| unsafe { real::faccessat(dirfd, path, mode, flags) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn eaccess(path: *const c_char, mode: c_int) -> c_int {
    // SAFETY: forwarding.
    access_fake(libc::AT_FDCWD, path, mode).unwrap_or_else(|| unsafe { real::eaccess(path, mode) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn euidaccess(path: *const c_char, mode: c_int) -> c_int {
    // SAFETY: forwarding.
    access_fake(libc::AT_FDCWD, path, mode).unwrap_or_else(|| unsafe { real::euidaccess(path, mode) })
}

/// What readlink says of a fake path: a link's target, a device descriptor's node path.
fn link_text(dirfd: c_int, path: *const c_char) -> Option<Result<String, i32>> {
    let (_, fake) = classify_at(dirfd, path)?;
    Some(match fake {
        Fake::Link(target) => Ok(target),
        Fake::Descriptor(fd) => Ok(node_path(&fds::entry(fd)?)),
        _ => Err(libc::EINVAL),
    })
}

fn node_path(entry: &Entry) -> String {
    let n = paths::number(usize::from(entry.node.drive));
    match entry.node.kind {
        burnbench::attach::protocol::NodeKind::Block => format!("/dev/sr{n}"),
        burnbench::attach::protocol::NodeKind::Generic => format!("/dev/sg{n}"),
    }
}

fn readlink_fake(dirfd: c_int, path: *const c_char, buf: *mut c_char, size: size_t) -> Option<ssize_t> {
    intercept(|| {
        Some(match link_text(dirfd, path)? {
            Ok(text) => {
                let n = text.len().min(size);
                if ioctls::write_user(buf as usize, &text.as_bytes()[..n]).is_err() {
                    return Some(fail(libc::EFAULT));
                }
                n as ssize_t
            }
            Err(errno) => fail(errno),
        })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn readlink(path: *const c_char, buf: *mut c_char, size: size_t) -> ssize_t {
    // SAFETY: forwarding.
    readlink_fake(libc::AT_FDCWD, path, buf, size).unwrap_or_else(|| unsafe { real::readlink(path, buf, size) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn readlinkat(dirfd: c_int, path: *const c_char, buf: *mut c_char, size: size_t) -> ssize_t {
    readlink_fake(dirfd, path, buf, size)
        // SAFETY: forwarding.
        .unwrap_or_else(|| unsafe { real::readlinkat(dirfd, path, buf, size) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn __readlink_chk(
    path: *const c_char,
    buf: *mut c_char,
    size: size_t,
    buflen: size_t,
) -> ssize_t {
    readlink_fake(libc::AT_FDCWD, path, buf, size.min(buflen))
        // SAFETY: forwarding.
        .unwrap_or_else(|| unsafe { real::__readlink_chk(path, buf, size, buflen) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn __readlinkat_chk(
    dirfd: c_int,
    path: *const c_char,
    buf: *mut c_char,
    size: size_t,
    buflen: size_t,
) -> ssize_t {
    readlink_fake(dirfd, path, buf, size.min(buflen))
        // SAFETY: forwarding.
        .unwrap_or_else(|| unsafe { real::__readlinkat_chk(dirfd, path, buf, size, buflen) })
}

/// The canonical path of a fake path: links resolved, slashes normalised.
fn canonical(path: *const c_char) -> Option<Vec<u8>> {
    let (path, fake) = classify_at(libc::AT_FDCWD, path)?;
    let text = match fake {
        Fake::Link(target) => format!("/dev/{target}"),
        Fake::Descriptor(fd) => node_path(&fds::entry(fd)?),
        _ => {
            let text = String::from_utf8(path).ok()?;
            let mut out = String::new();
            for part in text.split('/').filter(|p| !p.is_empty() && *p != ".") {
                out.push('/');
                out.push_str(part);
            }
            out
        }
    };
    Some(text.into_bytes())
}

/// Copy a canonical path into `resolved` (PATH_MAX bytes) or a malloc'd buffer.
fn hand_out(text: &[u8], resolved: *mut c_char, room: usize) -> *mut c_char {
    if text.len() + 1 > room {
        return fail_ptr(libc::ENAMETOOLONG);
    }
    let target = if resolved.is_null() {
        // SAFETY: malloc of the string's size; the caller frees it, as with libc's realpath.
        let p = unsafe { libc::malloc(text.len() + 1) } as *mut c_char;
        if p.is_null() {
            return fail_ptr(libc::ENOMEM);
        }
        p
    } else {
        resolved
    };
    let mut with_nul = text.to_vec();
    with_nul.push(0);
    if ioctls::write_user(target as usize, &with_nul).is_err() {
        return fail_ptr(libc::EFAULT);
    }
    target
}

fn fail_ptr(errno: i32) -> *mut c_char {
    crate::set_errno(errno);
    std::ptr::null_mut()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn realpath(path: *const c_char, resolved: *mut c_char) -> *mut c_char {
    match intercept(|| Some(hand_out(&canonical(path)?, resolved, libc::PATH_MAX as usize))) {
        Some(p) => p,
        // SAFETY: forwarding.
        None => unsafe { real::realpath(path, resolved) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn __realpath_chk(
    path: *const c_char,
    resolved: *mut c_char,
    resolvedlen: size_t,
) -> *mut c_char {
    match intercept(|| Some(hand_out(&canonical(path)?, resolved, resolvedlen))) {
        Some(p) => p,
        // SAFETY: forwarding.
        None => unsafe { real::__realpath_chk(path, resolved, resolvedlen) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn canonicalize_file_name(path: *const c_char) -> *mut c_char {
    match intercept(|| Some(hand_out(&canonical(path)?, std::ptr::null_mut(), usize::MAX))) {
        Some(p) => p,
        // SAFETY: forwarding.
        None => unsafe { real::canonicalize_file_name(path) },
    }
}

// ---------------------------------------------------------------------------------------------
// glob: cdrdao scanbus globs /sys/bus/scsi/devices/*, wodim globs sysfs for max_sectors_kb

/// The part of `glob_t` / `glob64_t` the shim touches (the same on 64-bit glibc for both).
#[repr(C)]
struct GlobHead {
    pathc: usize,
    pathv: *mut *mut c_char,
    offs: usize,
}

/// Add the fake paths matching `pattern` to what the real glob found (sorted unless
/// GLOB_NOSORT, '/' after folders with GLOB_MARK); `None` when no fake path matches.
fn glob_fake(pattern: *const c_char, flags: c_int, head: *mut GlobHead, before: usize, ret: c_int) -> Option<c_int> {
    let text = bytes(pattern)?;
    if !(text.starts_with(b"/sys/") || text.starts_with(b"/dev/") || text.starts_with(b"/proc/")) {
        return None;
    }
    if ret != 0 && ret != libc::GLOB_NOMATCH && ret != libc::GLOB_ABORTED {
        return None;
    }
    let matched: Vec<String> = paths::all()
        .into_iter()
        .filter(|path| {
            let Ok(c_path) = std::ffi::CString::new(path.as_str()) else {
                return false;
            };
            // SAFETY: both strings are NUL-terminated.
            unsafe { libc::fnmatch(pattern, c_path.as_ptr(), libc::FNM_PATHNAME | libc::FNM_PERIOD) == 0 }
        })
        .collect();
    if matched.is_empty() {
        return None;
    }
    // SAFETY: the caller's glob_t, as glob left it.
    let head = unsafe { head.as_mut()? };
    let offs = if flags & libc::GLOB_DOOFFS != 0 { head.offs } else { 0 };
    let (old_count, old) = if ret == 0 || flags & libc::GLOB_APPEND != 0 {
        (head.pathc, head.pathv)
    } else {
        (0, head.pathv)
    };
    let mut entries: Vec<*mut c_char> = (0..old_count)
        // SAFETY: glob's array holds `offs + pathc` entries.
        .map(|i| unsafe { *old.add(offs + i) })
        .collect();
    let known: std::collections::HashSet<Vec<u8>> = entries
        .iter()
        // SAFETY: glob's entries are NUL-terminated strings.
        .map(|&p| unsafe { CStr::from_ptr(p) }.to_bytes().to_vec())
        .collect();
    for path in matched {
        let mut text = path.clone();
        if flags & libc::GLOB_MARK != 0 && matches!(paths::classify(path.as_bytes()), Some(Fake::Dir)) {
            text.push('/');
        }
        if known.contains(text.as_bytes()) {
            continue;
        }
        let c_text = std::ffi::CString::new(text).ok()?;
        // SAFETY: strdup's copy is freed by globfree.
        entries.push(unsafe { libc::strdup(c_text.as_ptr()) });
    }
    if flags & libc::GLOB_NOSORT == 0 {
        let fresh = &mut entries[before.min(old_count)..];
        // SAFETY: every entry is a NUL-terminated string.
        fresh.sort_by(|a, b| unsafe { CStr::from_ptr(*a).cmp(CStr::from_ptr(*b)) });
    }
    let total = offs + entries.len() + 1;
    // SAFETY: a new array for globfree to free; the old one (if any) is freed here.
    let array = unsafe { libc::malloc(total * std::mem::size_of::<*mut c_char>()) } as *mut *mut c_char;
    if array.is_null() {
        return Some(libc::GLOB_NOSPACE);
    }
    // SAFETY: `array` holds `total` pointers.
    unsafe {
        for i in 0..offs {
            *array.add(i) = std::ptr::null_mut();
        }
        for (i, entry) in entries.iter().enumerate() {
            *array.add(offs + i) = *entry;
        }
        *array.add(total - 1) = std::ptr::null_mut();
        if !old.is_null() {
            libc::free(old.cast());
        }
    }
    head.pathv = array;
    head.pathc = entries.len();
    Some(0)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn glob(
    pattern: *const c_char,
    flags: c_int,
    errfunc: *mut c_void,
    pglob: *mut libc::glob_t,
) -> c_int {
    // SAFETY: the caller's glob_t.
    let before = if flags & libc::GLOB_APPEND != 0 {
        unsafe { (*pglob).gl_pathc }
    } else {
        0
    };
    // SAFETY: forwarding.
    let ret = unsafe { real::glob(pattern, flags, errfunc, pglob) };
    intercept(|| glob_fake(pattern, flags, pglob.cast(), before, ret)).unwrap_or(ret)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn glob64(
    pattern: *const c_char,
    flags: c_int,
    errfunc: *mut c_void,
    pglob: *mut libc::glob64_t,
) -> c_int {
    // SAFETY: the caller's glob64_t.
    let before = if flags & libc::GLOB_APPEND != 0 {
        unsafe { (*pglob).gl_pathc }
    } else {
        0
    };
    // SAFETY: forwarding.
    let ret = unsafe { real::glob64(pattern, flags, errfunc, pglob) };
    intercept(|| glob_fake(pattern, flags, pglob.cast(), before, ret)).unwrap_or(ret)
}

// ---------------------------------------------------------------------------------------------
// extended attributes: device nodes on devtmpfs have none (ls -l asks for security.selinux)

fn xattr_fake(path: *const c_char, list: bool) -> Option<ssize_t> {
    intercept(|| {
        classify_at(libc::AT_FDCWD, path)?;
        Some(if list { 0 } else { fail(libc::ENODATA) })
    })
}

fn xattr_fd(fd: c_int, list: bool) -> Option<ssize_t> {
    intercept(|| fds::is_emulated(fd).then(|| if list { 0 } else { fail(libc::ENODATA) }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn getxattr(
    path: *const c_char,
    name: *const c_char,
    value: *mut c_void,
    size: size_t,
) -> ssize_t {
    // SAFETY: forwarding.
    xattr_fake(path, false).unwrap_or_else(|| unsafe { real::getxattr(path, name, value, size) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn lgetxattr(
    path: *const c_char,
    name: *const c_char,
    value: *mut c_void,
    size: size_t,
) -> ssize_t {
    // SAFETY: forwarding.
    xattr_fake(path, false).unwrap_or_else(|| unsafe { real::lgetxattr(path, name, value, size) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn fgetxattr(fd: c_int, name: *const c_char, value: *mut c_void, size: size_t) -> ssize_t {
    // SAFETY: forwarding.
    xattr_fd(fd, false).unwrap_or_else(|| unsafe { real::fgetxattr(fd, name, value, size) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn listxattr(path: *const c_char, list: *mut c_char, size: size_t) -> ssize_t {
    // SAFETY: forwarding.
    xattr_fake(path, true).unwrap_or_else(|| unsafe { real::listxattr(path, list, size) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn llistxattr(path: *const c_char, list: *mut c_char, size: size_t) -> ssize_t {
    // SAFETY: forwarding.
    xattr_fake(path, true).unwrap_or_else(|| unsafe { real::llistxattr(path, list, size) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn flistxattr(fd: c_int, list: *mut c_char, size: size_t) -> ssize_t {
    // SAFETY: forwarding.
    xattr_fd(fd, true).unwrap_or_else(|| unsafe { real::flistxattr(fd, list, size) })
}

// ---------------------------------------------------------------------------------------------
// descriptors: close, dup, fcntl, ioctl

#[unsafe(no_mangle)]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    // The table entry is not dropped here: a vfork child (python's subprocess) shares the
    // parent's memory and closes descriptors the parent keeps. Every use checks the descriptor's
    // socket inode, so a closed and reused number is never taken for the device.
    let _ = intercept(|| {
        let entry = fds::entry(fd)?;
        fds::before_close(fd, &entry);
        None::<()>
    });
    // SAFETY: forwarding.
    unsafe { real::close(fd) }
}

fn after_dup(old: c_int, new: c_int) {
    if new >= 0 && new != old {
        let _ = intercept(|| {
            fds::duplicated(old, new);
            None::<()>
        });
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup(fd: c_int) -> c_int {
    // SAFETY: forwarding.
    let new = unsafe { real::dup(fd) };
    after_dup(fd, new);
    new
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup2(fd: c_int, newfd: c_int) -> c_int {
    // SAFETY: forwarding.
    let new = unsafe { real::dup2(fd, newfd) };
    after_dup(fd, new);
    new
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup3(fd: c_int, newfd: c_int, flags: c_int) -> c_int {
    // SAFETY: forwarding.
    let new = unsafe { real::dup3(fd, newfd, flags) };
    after_dup(fd, new);
    new
}

/// `struct flock` on 64-bit Linux: l_type, l_whence, (pad), l_start, l_len, l_pid, (pad).
const FLOCK_BYTES: usize = 32;

fn lock_fake(fd: c_int, entry: &Entry, cmd: c_int, arg: c_ulong) -> c_int {
    let command = match cmd {
        libc::F_GETLK | libc::F_OFD_GETLK => LockCommand::Get,
        libc::F_SETLK | libc::F_OFD_SETLK => LockCommand::Set,
        _ => LockCommand::SetWait,
    };
    let raw = match ioctls::read_user(arg as usize, FLOCK_BYTES) {
        Ok(raw) => raw,
        Err(errno) => return fail(errno),
    };
    let i16_at = |at: usize| i16::from_ne_bytes([raw[at], raw[at + 1]]);
    let i64_at = |at: usize| i64::from_ne_bytes(raw[at..at + 8].try_into().expect("8 bytes"));
    let range = LockRange {
        kind: i16_at(0),
        whence: i16_at(2),
        start: i64_at(8),
        len: i64_at(16),
        // SAFETY: getpid has no preconditions.
        pid: unsafe { libc::getpid() },
    };
    if range.len < 0 {
        return fail(libc::EINVAL);
    }
    match fds::call(fd, entry, &Request::Lock { command, range }) {
        Ok(Reply::Lock {
            errno: 0,
            range: answer,
        }) => {
            if command == LockCommand::Get {
                let mut out = raw.clone();
                out[0..2].copy_from_slice(&answer.kind.to_ne_bytes());
                out[2..4].copy_from_slice(&answer.whence.to_ne_bytes());
                out[8..16].copy_from_slice(&answer.start.to_ne_bytes());
                out[16..24].copy_from_slice(&answer.len.to_ne_bytes());
                let pid = if cmd == libc::F_OFD_GETLK { -1 } else { answer.pid };
                out[24..28].copy_from_slice(&pid.to_ne_bytes());
                if let Err(errno) = ioctls::write_user(arg as usize, &out) {
                    return fail(errno);
                }
            } else if range.kind != libc::F_UNLCK as i16 {
                fds::note_locked(entry.node);
            }
            0
        }
        Ok(Reply::Lock { errno, .. }) => fail(errno),
        Ok(_) => fail(libc::EIO),
        Err(errno) => fail(errno),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn bb_fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    let answered = intercept(|| {
        let entry = fds::entry(fd)?;
        Some(match cmd {
            libc::F_GETFL => entry.status_flags,
            libc::F_SETFL => {
                fds::set_status_flags(fd, arg as c_int);
                0
            }
            libc::F_GETLK
            | libc::F_SETLK
            | libc::F_SETLKW
            | libc::F_OFD_GETLK
            | libc::F_OFD_SETLK
            | libc::F_OFD_SETLKW => lock_fake(fd, &entry, cmd, arg),
            libc::F_DUPFD | libc::F_DUPFD_CLOEXEC => {
                // SAFETY: forwarding.
                let new = unsafe { real::fcntl64(fd, cmd, arg) };
                if new >= 0 {
                    fds::duplicated(fd, new);
                }
                new
            }
            _ => return None,
        })
    });
    match answered {
        Some(ret) => ret,
        // SAFETY: forwarding.
        None => unsafe { real::fcntl64(fd, cmd, arg) },
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn bb_ioctl(fd: c_int, request: c_ulong, arg: *mut c_void) -> c_int {
    let answered = intercept(|| {
        let entry = fds::entry(fd)?;
        // The kernel takes the request as 32 bits (a sign-extended int from C callers).
        Some(match ioctls::ioctl(fd, &entry, request & 0xFFFF_FFFF, arg as usize) {
            Ok(value) => value,
            Err(errno) => fail(errno),
        })
    });
    match answered {
        Some(ret) => ret,
        // SAFETY: forwarding.
        None => unsafe { real::ioctl(fd, request, arg) },
    }
}

// ---------------------------------------------------------------------------------------------
// block I/O: read, write, lseek, fsync

/// Bytes per request: what one READ(10) / WRITE(10) of the server moves.
const CHUNK: usize = 31 * 2048;

/// read / pread into the program's buffer; `offset` -1 reads at the file position.
fn block_read(fd: c_int, entry: &Entry, buf: usize, count: usize, offset: i64) -> ssize_t {
    let mut done = 0usize;
    while done < count {
        let len = (count - done).min(CHUNK);
        let at = if offset < 0 { -1 } else { offset + done as i64 };
        let data = match fds::call(
            fd,
            entry,
            &Request::BlockRead {
                offset: at,
                len: len as u32,
            },
        ) {
            Ok(Reply::Data { errno: 0, data }) => data,
            Ok(Reply::Data { errno, .. }) | Ok(Reply::Value { errno, .. }) if done == 0 => return fail(errno),
            Err(errno) if done == 0 => return fail(errno),
            _ => break,
        };
        if data.is_empty() {
            break;
        }
        if let Err(errno) = ioctls::write_user(buf + done, &data) {
            return if done == 0 { fail(errno) } else { done as ssize_t };
        }
        done += data.len();
        if data.len() < len {
            break;
        }
    }
    done as ssize_t
}

fn block_write(fd: c_int, entry: &Entry, buf: usize, count: usize, offset: i64) -> ssize_t {
    let mut done = 0usize;
    while done < count {
        let len = (count - done).min(CHUNK);
        let data = match ioctls::read_user(buf + done, len) {
            Ok(data) => data,
            Err(errno) => return if done == 0 { fail(errno) } else { done as ssize_t },
        };
        let at = if offset < 0 { -1 } else { offset + done as i64 };
        match fds::call(
            fd,
            entry,
            &Request::BlockWrite {
                offset: at,
                data: &data,
            },
        ) {
            Ok(Reply::Value { errno: 0, value }) => {
                done += value as usize;
                if (value as usize) < len {
                    break;
                }
            }
            Ok(Reply::Value { errno, .. }) if done == 0 => return fail(errno),
            Err(errno) if done == 0 => return fail(errno),
            _ => break,
        }
    }
    done as ssize_t
}

fn read_fake(fd: c_int, buf: *mut c_void, count: size_t, offset: i64) -> Option<ssize_t> {
    intercept(|| {
        let entry = fds::entry(fd)?;
        Some(block_read(fd, &entry, buf as usize, count, offset))
    })
}

fn write_fake(fd: c_int, buf: *const c_void, count: size_t, offset: i64) -> Option<ssize_t> {
    intercept(|| {
        let entry = fds::entry(fd)?;
        Some(block_write(fd, &entry, buf as usize, count, offset))
    })
}

fn positional(offset: off_t) -> Option<i64> {
    (offset >= 0).then_some(offset)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, count: size_t) -> ssize_t {
    // SAFETY: forwarding.
    read_fake(fd, buf, count, -1).unwrap_or_else(|| unsafe { real::read(fd, buf, count) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn __read_chk(fd: c_int, buf: *mut c_void, count: size_t, buflen: size_t) -> ssize_t {
    read_fake(fd, buf, count.min(buflen), -1)
        // SAFETY: forwarding.
        .unwrap_or_else(|| unsafe { real::__read_chk(fd, buf, count, buflen) })
}

macro_rules! pread_wrappers {
    ($($name:ident),*) => {$(
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(fd: c_int, buf: *mut c_void, count: size_t, offset: off_t) -> ssize_t {
            let answered = match positional(offset) {
                Some(at) => read_fake(fd, buf, count, at),
                None => intercept(|| fds::is_emulated(fd).then(|| fail(libc::EINVAL))),
            };
            // SAFETY: forwarding.
            answered.unwrap_or_else(|| unsafe { real::$name(fd, buf, count, offset) })
        }
    )*};
}

pread_wrappers!(pread, pread64);

macro_rules! pread_chk_wrappers {
    ($($name:ident),*) => {$(
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(fd: c_int, buf: *mut c_void, count: size_t, offset: off_t, buflen: size_t) -> ssize_t {
            let answered = positional(offset).and_then(|at| read_fake(fd, buf, count.min(buflen), at));
            // SAFETY: forwarding.
            answered.unwrap_or_else(|| unsafe { real::$name(fd, buf, count, offset, buflen) })
        }
    )*};
}

pread_chk_wrappers!(__pread_chk, __pread64_chk);

#[unsafe(no_mangle)]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, count: size_t) -> ssize_t {
    // SAFETY: forwarding.
    write_fake(fd, buf, count, -1).unwrap_or_else(|| unsafe { real::write(fd, buf, count) })
}

macro_rules! pwrite_wrappers {
    ($($name:ident),*) => {$(
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(fd: c_int, buf: *const c_void, count: size_t, offset: off_t) -> ssize_t {
            let answered = match positional(offset) {
                Some(at) => write_fake(fd, buf, count, at),
                None => intercept(|| fds::is_emulated(fd).then(|| fail(libc::EINVAL))),
            };
            // SAFETY: forwarding.
            answered.unwrap_or_else(|| unsafe { real::$name(fd, buf, count, offset) })
        }
    )*};
}

pwrite_wrappers!(pwrite, pwrite64);

/// The program's iovec list.
fn iovecs(iov: *const libc::iovec, count: c_int) -> Result<Vec<(usize, usize)>, i32> {
    if !(0..=1024).contains(&count) {
        return Err(libc::EINVAL);
    }
    let raw = ioctls::read_user(iov as usize, count as usize * 16)?;
    Ok(raw
        .chunks(16)
        .map(|c| {
            (
                u64::from_ne_bytes(c[..8].try_into().expect("8 bytes")) as usize,
                u64::from_ne_bytes(c[8..].try_into().expect("8 bytes")) as usize,
            )
        })
        .collect())
}

/// readv / writev on an emulated descriptor: each piece in turn at the file position, stopping
/// at the first short transfer, as the block layer does.
fn vectored(
    fd: c_int,
    iov: *const libc::iovec,
    count: c_int,
    transfer: fn(c_int, &Entry, usize, usize, i64) -> ssize_t,
) -> Option<ssize_t> {
    intercept(|| {
        let entry = fds::entry(fd)?;
        let pieces = match iovecs(iov, count) {
            Ok(p) => p,
            Err(errno) => return Some(fail(errno)),
        };
        let mut total = 0;
        for (base, len) in pieces {
            let n = transfer(fd, &entry, base, len, -1);
            if n < 0 {
                return Some(if total == 0 { n } else { total });
            }
            total += n;
            if (n as usize) < len {
                break;
            }
        }
        Some(total)
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn readv(fd: c_int, iov: *const libc::iovec, count: c_int) -> ssize_t {
    // SAFETY: forwarding.
    vectored(fd, iov, count, block_read).unwrap_or_else(|| unsafe { real::readv(fd, iov, count) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn writev(fd: c_int, iov: *const libc::iovec, count: c_int) -> ssize_t {
    // SAFETY: forwarding.
    vectored(fd, iov, count, block_write).unwrap_or_else(|| unsafe { real::writev(fd, iov, count) })
}

fn seek_fake(fd: c_int, offset: off_t, whence: c_int) -> Option<off_t> {
    intercept(|| {
        let entry = fds::entry(fd)?;
        Some(match fds::call(fd, &entry, &Request::Seek { offset, whence }) {
            Ok(Reply::Value { errno: 0, value }) => value,
            Ok(Reply::Value { errno, .. }) => fail(errno),
            Ok(_) => fail(libc::EIO),
            Err(errno) => fail(errno),
        })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn lseek(fd: c_int, offset: off_t, whence: c_int) -> off_t {
    // SAFETY: forwarding.
    seek_fake(fd, offset, whence).unwrap_or_else(|| unsafe { real::lseek(fd, offset, whence) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn lseek64(fd: c_int, offset: off_t, whence: c_int) -> off_t {
    // SAFETY: forwarding.
    seek_fake(fd, offset, whence).unwrap_or_else(|| unsafe { real::lseek64(fd, offset, whence) })
}

fn sync_fake(fd: c_int) -> Option<c_int> {
    intercept(|| {
        let entry = fds::entry(fd)?;
        Some(match fds::call(fd, &entry, &Request::Sync) {
            Ok(Reply::Value { errno: 0, .. }) => 0,
            Ok(Reply::Value { errno, .. }) => fail(errno),
            Ok(_) => fail(libc::EIO),
            Err(errno) => fail(errno),
        })
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn fsync(fd: c_int) -> c_int {
    // SAFETY: forwarding.
    sync_fake(fd).unwrap_or_else(|| unsafe { real::fsync(fd) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn fdatasync(fd: c_int) -> c_int {
    // SAFETY: forwarding.
    sync_fake(fd).unwrap_or_else(|| unsafe { real::fdatasync(fd) })
}
