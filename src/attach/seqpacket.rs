//! `AF_UNIX` `SOCK_SEQPACKET` sockets (std has only stream sockets): message boundaries kept, and
//! the server sees end-of-file when the last copy of a client's descriptor closes — across dup,
//! fork and exec, as the kernel's open file description (attach.md §1.5).
//!
//! The one module of `attach` with `unsafe`: each block is a plain libc call on a descriptor this
//! module owns, with buffers whose lengths it passes.

use super::protocol::MAX_MESSAGE_BYTES;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn new_socket() -> io::Result<OwnedFd> {
    // SAFETY: socket() takes no pointers; a non-negative return is a descriptor we now own.
    let fd = check(unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0) })?;
    // SAFETY: `fd` is a fresh descriptor owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A `sockaddr_un` for a filesystem path, and its length.
fn address(path: &Path) -> io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: sockaddr_un is plain old data; all zeros is a valid value.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let bytes = path.as_os_str().as_bytes();
    if bytes.len() >= addr.sun_path.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "socket path {} is longer than {} bytes",
                path.display(),
                addr.sun_path.len() - 1
            ),
        ));
    }
    for (dst, &src) in addr.sun_path.iter_mut().zip(bytes) {
        *dst = src as libc::c_char;
    }
    let len = std::mem::size_of::<libc::sa_family_t>() + bytes.len() + 1;
    Ok((addr, len as libc::socklen_t))
}

/// The socket the server listens on.
pub struct Listener {
    fd: OwnedFd,
}

impl Listener {
    /// Bind and listen at `path` (a stale socket file there is replaced).
    pub fn bind(path: &Path) -> io::Result<Listener> {
        let fd = new_socket()?;
        let (addr, len) = address(path)?;
        let _ = std::fs::remove_file(path);
        // SAFETY: `addr` is a valid sockaddr_un of `len` bytes.
        check(unsafe { libc::bind(fd.as_raw_fd(), (&raw const addr).cast(), len) })?;
        // SAFETY: listen() on a descriptor we own.
        check(unsafe { libc::listen(fd.as_raw_fd(), 128) })?;
        Ok(Listener { fd })
    }

    /// Wait up to `timeout_ms` for a client; `None` when none came.
    pub fn accept_timeout(&self, timeout_ms: i32) -> io::Result<Option<Connection>> {
        let mut poll = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&mut poll, 1, timeout_ms) };
        if ready < 0 {
            let error = io::Error::last_os_error();
            return if error.kind() == io::ErrorKind::Interrupted {
                Ok(None)
            } else {
                Err(error)
            };
        }
        if ready == 0 {
            return Ok(None);
        }
        // SAFETY: accept4 with null address pointers.
        let fd = unsafe {
            libc::accept4(
                self.fd.as_raw_fd(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                libc::SOCK_CLOEXEC,
            )
        };
        if fd < 0 {
            let error = io::Error::last_os_error();
            return match error.raw_os_error() {
                Some(libc::EINTR | libc::EAGAIN | libc::ECONNABORTED) => Ok(None),
                _ => Err(error),
            };
        }
        // SAFETY: accept4 returned a fresh descriptor.
        Ok(Some(Connection {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        }))
    }
}

/// One connection: a client's open file description, or a process's channel to one.
pub struct Connection {
    fd: OwnedFd,
}

impl Connection {
    /// Connect to the server at `path`, bound first to a kernel-chosen abstract name (autobind)
    /// so that any process holding the descriptor can later name it (`local_name`). `cloexec`
    /// as the program asked for it.
    pub fn connect(path: &Path, cloexec: bool) -> io::Result<Connection> {
        let flags = libc::SOCK_SEQPACKET | if cloexec { libc::SOCK_CLOEXEC } else { 0 };
        // SAFETY: socket() takes no pointers.
        let fd = check(unsafe { libc::socket(libc::AF_UNIX, flags, 0) })?;
        // SAFETY: fresh descriptor.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let family = libc::sockaddr_un {
            sun_family: libc::AF_UNIX as libc::sa_family_t,
            // SAFETY: zeroed bytes are a valid path array.
            ..unsafe { std::mem::zeroed() }
        };
        let family_len = std::mem::size_of::<libc::sa_family_t>() as libc::socklen_t;
        // SAFETY: binding to just the family asks for autobind (unix(7)).
        check(unsafe { libc::bind(fd.as_raw_fd(), (&raw const family).cast(), family_len) })?;
        let (addr, len) = address(path)?;
        loop {
            // SAFETY: `addr` is a valid sockaddr_un of `len` bytes.
            let ret = unsafe { libc::connect(fd.as_raw_fd(), (&raw const addr).cast(), len) };
            if ret == 0 {
                break;
            }
            let error = io::Error::last_os_error();
            if error.kind() != io::ErrorKind::Interrupted {
                return Err(error);
            }
        }
        Ok(Connection { fd })
    }

    /// Give up ownership without closing (the program owns the descriptor).
    pub fn into_raw(self) -> RawFd {
        use std::os::fd::IntoRawFd;
        self.fd.into_raw_fd()
    }

    pub fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Send one message (never raises SIGPIPE).
    pub fn send(&self, message: &[u8]) -> io::Result<()> {
        send_on(self.fd.as_raw_fd(), message)
    }

    /// Receive one message into `buffer` (resized to it); `Ok(false)` at end of file.
    pub fn recv(&self, buffer: &mut Vec<u8>) -> io::Result<bool> {
        recv_on(self.fd.as_raw_fd(), buffer)
    }

    /// The abstract name the client was bound to (the server's key for an open file description).
    pub fn peer_name(&self) -> Option<Vec<u8>> {
        socket_name(self.fd.as_raw_fd(), true)
    }

    /// Wake a thread blocked in `recv` on this connection (the server stopping).
    pub fn shutdown(&self) {
        // SAFETY: shutdown() on a descriptor we own.
        unsafe { libc::shutdown(self.fd.as_raw_fd(), libc::SHUT_RDWR) };
    }
}

/// Send one message on any connected SOCK_SEQPACKET descriptor.
pub fn send_on(fd: RawFd, message: &[u8]) -> io::Result<()> {
    loop {
        // SAFETY: `message` is valid for its length.
        let sent = unsafe { libc::send(fd, message.as_ptr().cast(), message.len(), libc::MSG_NOSIGNAL) };
        if sent >= 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// Send one message made of `head` followed by the bytes at each (address, length) of `parts`
/// in this process's memory, with one `sendmsg`: the kernel copies straight from there and
/// reports EFAULT for an address that is not readable (the message is then not sent).
pub fn send_gathered(fd: RawFd, head: &[u8], parts: &[(usize, usize)]) -> io::Result<()> {
    let mut iov = Vec::with_capacity(parts.len() + 1);
    iov.push(libc::iovec {
        iov_base: head.as_ptr() as *mut libc::c_void,
        iov_len: head.len(),
    });
    iov.extend(
        parts
            .iter()
            .filter(|(_, len)| *len > 0)
            .map(|&(address, len)| libc::iovec {
                iov_base: address as *mut libc::c_void,
                iov_len: len,
            }),
    );
    // SAFETY: msghdr is plain old data; all zeros is "no name, no control data".
    let mut message: libc::msghdr = unsafe { std::mem::zeroed() };
    message.msg_iov = iov.as_mut_ptr();
    message.msg_iovlen = iov.len();
    loop {
        // SAFETY: the iovecs describe `head` (ours) and the caller's ranges, which the kernel
        // checks itself (EFAULT); sendmsg does not keep the pointers.
        let sent = unsafe { libc::sendmsg(fd, &message, libc::MSG_NOSIGNAL) };
        if sent >= 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// How long a client polls for its reply before it sleeps. The server answers most commands in
/// microseconds; waking a sleeping client costs a cross-CPU interrupt (tens of microseconds in a
/// VM), so a short poll saves most of a round trip's cost and little CPU. The server does not
/// poll: a program may think for long between commands, and its other threads need the CPU.
const POLL_BEFORE_SLEEP: std::time::Duration = std::time::Duration::from_micros(30);

/// Receive one message on any SOCK_SEQPACKET descriptor into `buffer` (its contents become the
/// message; its capacity is kept across calls, so a connection's buffer is allocated once and
/// never zero-filled); `Ok(false)` at end of file.
pub fn recv_on(fd: RawFd, buffer: &mut Vec<u8>) -> io::Result<bool> {
    recv_polling(fd, buffer, std::time::Duration::ZERO)
}

/// `recv_on` for a reply that is due within microseconds: poll for `poll` before sleeping.
pub fn recv_reply(fd: RawFd, buffer: &mut Vec<u8>) -> io::Result<bool> {
    recv_polling(fd, buffer, POLL_BEFORE_SLEEP)
}

fn recv_polling(fd: RawFd, buffer: &mut Vec<u8>, poll: std::time::Duration) -> io::Result<bool> {
    buffer.clear();
    buffer.reserve(MAX_MESSAGE_BYTES);
    let started = std::time::Instant::now();
    loop {
        let polling = started.elapsed() < poll;
        let flags = if polling { libc::MSG_DONTWAIT } else { 0 };
        let room = buffer.spare_capacity_mut();
        // SAFETY: `room` is valid for writes of its length; recv writes at most that many bytes.
        let got = unsafe { libc::recv(fd, room.as_mut_ptr().cast(), room.len(), flags) };
        if got > 0 {
            // SAFETY: recv initialised the first `got` bytes of the spare capacity.
            unsafe { buffer.set_len(got as usize) };
            return Ok(true);
        }
        if got == 0 {
            return Ok(false);
        }
        let error = io::Error::last_os_error();
        if polling && error.kind() == io::ErrorKind::WouldBlock {
            std::hint::spin_loop();
            continue;
        }
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// The local (or, with `peer`, remote) address of a unix socket, as raw bytes of `sun_path`.
pub fn socket_name(fd: RawFd, peer: bool) -> Option<Vec<u8>> {
    // SAFETY: zeroed sockaddr_un is valid.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;
    // SAFETY: `addr` is large enough for `len` bytes.
    let ret = unsafe {
        if peer {
            libc::getpeername(fd, (&raw mut addr).cast(), &mut len)
        } else {
            libc::getsockname(fd, (&raw mut addr).cast(), &mut len)
        }
    };
    if ret != 0 || addr.sun_family != libc::AF_UNIX as libc::sa_family_t {
        return None;
    }
    let path_len = (len as usize).checked_sub(std::mem::size_of::<libc::sa_family_t>())?;
    Some(
        addr.sun_path[..path_len.min(addr.sun_path.len())]
            .iter()
            .map(|&c| c as u8)
            .collect(),
    )
}

/// Whether `fd` is a SOCK_SEQPACKET unix socket connected to the server at `path`.
pub fn is_connected_to(fd: RawFd, path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let mut kind: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `kind` is a c_int and `len` its size.
    let ret = unsafe { libc::getsockopt(fd, libc::SOL_SOCKET, libc::SO_TYPE, (&raw mut kind).cast(), &mut len) };
    if ret != 0 || kind != libc::SOCK_SEQPACKET {
        return false;
    }
    let Some(peer) = socket_name(fd, true) else {
        return false;
    };
    let peer = peer.strip_suffix(&[0]).unwrap_or(&peer);
    peer == path.as_os_str().as_bytes()
}
