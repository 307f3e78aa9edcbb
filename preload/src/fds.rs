//! The descriptors that are emulated opens, and the round trip to the server.
//!
//! Every emulated open is its own `SOCK_SEQPACKET` connection (attach.md §1.5): a real kernel
//! descriptor, so dup, fork and exec carry it and the server sees the last close. The table
//! remembers, per descriptor number, which node it opened and the socket's inode (checked on
//! every use: a number closed behind the shim's back and reused is not taken for the device).
//! The process that opened a descriptor talks on it directly; any other process holding it
//! (after fork or exec) talks through a channel of its own that joins the same open file
//! description, so replies never cross between processes.

use crate::paths::config;
use burnbench::attach::protocol::{Node, Reply, Request};
use burnbench::attach::seqpacket::{self, Connection};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

/// The status flags F_GETFL reports and F_SETFL may change.
const STATUS_FLAGS: i32 = libc::O_ACCMODE | libc::O_NONBLOCK | libc::O_APPEND | libc::O_DIRECT | libc::O_NOATIME;

/// What an emulated descriptor is.
#[derive(Debug, Clone)]
pub struct Entry {
    pub node: Node,
    /// F_GETFL.
    pub status_flags: i32,
    /// The socket's inode: the descriptor is still ours while fstat shows it.
    inode: u64,
    /// The connection's abstract name: the open file description's key on the server.
    endpoint: Vec<u8>,
    /// The process that may talk on the descriptor itself (0: none, use a channel).
    owner: i32,
}

impl Entry {
    fn new(node: Node, open_flags: i32, inode: u64, endpoint: Vec<u8>, owner: i32) -> Entry {
        Entry {
            node,
            // A 64-bit open always carries O_LARGEFILE, as F_GETFL shows.
            status_flags: (open_flags & STATUS_FLAGS) | libc::O_LARGEFILE,
            inode,
            endpoint,
            owner,
        }
    }
}

/// A process's own connection to an open file description it did not open itself.
#[derive(Debug, Clone, Copy)]
struct Channel {
    fd: i32,
    inode: u64,
    node: Node,
    flags: i32,
}

#[derive(Default)]
struct Table {
    entries: HashMap<i32, Entry>,
    /// (endpoint, pid) → the channel.
    channels: HashMap<(Vec<u8>, i32), Channel>,
    /// One request at a time per open file description and process (libburn's threads).
    lanes: HashMap<(Vec<u8>, i32), Arc<Mutex<()>>>,
    /// (node, pid) with POSIX locks taken through the shim.
    locked: HashSet<(Node, i32)>,
}

static TABLE: LazyLock<Mutex<Table>> = LazyLock::new(Mutex::default);
/// Entries in the table: zero means no descriptor needs a look-up (the common case).
static COUNT: AtomicUsize = AtomicUsize::new(0);

fn table() -> MutexGuard<'static, Table> {
    TABLE.lock().unwrap_or_else(|e| e.into_inner())
}

fn pid() -> i32 {
    // SAFETY: getpid has no preconditions.
    unsafe { libc::getpid() }
}

/// The inode of a socket descriptor, `None` when it is not a socket (or not open).
fn socket_inode(fd: i32) -> Option<u64> {
    // SAFETY: zeroed stat is valid; the real fstat fills it.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid buffer.
    let ret = unsafe { crate::real::fstat(fd, &mut st) };
    (ret == 0 && st.st_mode & libc::S_IFMT == libc::S_IFSOCK).then_some(st.st_ino)
}

/// The entry of `fd` if it is an emulated descriptor still.
pub fn entry(fd: i32) -> Option<Entry> {
    if COUNT.load(Ordering::Relaxed) == 0 || fd < 0 {
        return None;
    }
    let entry = table().entries.get(&fd).cloned()?;
    if socket_inode(fd) == Some(entry.inode) {
        Some(entry)
    } else {
        forget(fd);
        None
    }
}

pub fn is_emulated(fd: i32) -> bool {
    entry(fd).is_some()
}

fn insert(fd: i32, entry: Entry) {
    if table().entries.insert(fd, entry).is_none() {
        COUNT.fetch_add(1, Ordering::Relaxed);
    }
}

/// Drop `fd` from the table (it was closed, or replaced).
pub fn forget(fd: i32) {
    if table().entries.remove(&fd).is_some() {
        COUNT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `new` is now a duplicate of `old` (dup, dup2, dup3, F_DUPFD).
pub fn duplicated(old: i32, new: i32) {
    forget(new);
    if let Some(entry) = entry(old) {
        insert(new, entry);
    }
}

/// Open `node` with `flags` as a new open file description; the descriptor or an errno.
pub fn open_node(node: Node, flags: i32) -> Result<i32, i32> {
    let config = config().ok_or(libc::ENXIO)?;
    let connection = Connection::connect(&config.socket, flags & libc::O_CLOEXEC != 0).map_err(|_| libc::ENXIO)?;
    let request = Request::Open { node, flags };
    match exchange(connection.raw(), &request)? {
        Reply::Opened { errno: 0, .. } => {}
        Reply::Opened { errno, .. } => return Err(errno),
        _ => return Err(libc::EIO),
    }
    let inode = socket_inode(connection.raw()).ok_or(libc::EIO)?;
    let endpoint = seqpacket::socket_name(connection.raw(), false).ok_or(libc::EIO)?;
    let fd = connection.into_raw();
    insert(fd, Entry::new(node, flags, inode, endpoint, pid()));
    Ok(fd)
}

thread_local! {
    /// Each thread's reply buffer, allocated once (a reply holds up to 128 KiB of data).
    static REPLY: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Send one request on a connection and read the reply.
fn exchange(socket: i32, request: &Request) -> Result<Reply, i32> {
    exchange_gathered(socket, &request.encode(), &[])
}

/// Send a message made of `head` and the program's memory at `parts`, read the reply; EFAULT
/// when a part is not readable.
fn exchange_gathered(socket: i32, head: &[u8], parts: &[(usize, usize)]) -> Result<Reply, i32> {
    seqpacket::send_gathered(socket, head, parts).map_err(|e| match e.raw_os_error() {
        Some(libc::EFAULT) => libc::EFAULT,
        _ => libc::EIO,
    })?;
    let receive = |buffer: &mut Vec<u8>| match seqpacket::recv_reply(socket, buffer) {
        Ok(true) => Reply::decode(buffer).map_err(|_| libc::EIO),
        _ => Err(libc::EIO),
    };
    REPLY
        .try_with(|buffer| match buffer.try_borrow_mut() {
            Ok(mut buffer) => receive(&mut buffer),
            // A signal handler inside a round trip: a buffer of its own.
            Err(_) => receive(&mut Vec::new()),
        })
        .unwrap_or_else(|_| receive(&mut Vec::new()))
}

/// A channel of this process to the open file description `endpoint`, joined on first use.
fn channel(endpoint: &[u8], pid: i32) -> Result<(i32, Node, i32), i32> {
    let key = (endpoint.to_vec(), pid);
    let known = table().channels.get(&key).copied();
    if let Some(channel) = known
        && socket_inode(channel.fd) == Some(channel.inode)
    {
        return Ok((channel.fd, channel.node, channel.flags));
    }
    let config = config().ok_or(libc::EIO)?;
    let connection = Connection::connect(&config.socket, true).map_err(|_| libc::EIO)?;
    let request = Request::Join { endpoint };
    let (node, flags) = match exchange(connection.raw(), &request)? {
        Reply::Joined { errno: 0, node, flags } => (node, flags),
        Reply::Joined { errno, .. } => return Err(errno),
        _ => return Err(libc::EIO),
    };
    let inode = socket_inode(connection.raw()).ok_or(libc::EIO)?;
    let fd = connection.into_raw();
    table().channels.insert(key, Channel { fd, inode, node, flags });
    Ok((fd, node, flags))
}

fn lane(endpoint: &[u8], pid: i32) -> Arc<Mutex<()>> {
    table().lanes.entry((endpoint.to_vec(), pid)).or_default().clone()
}

/// One request for the open file description behind `fd`, and its reply (or an errno).
pub fn call(fd: i32, entry: &Entry, request: &Request) -> Result<Reply, i32> {
    call_gathered(fd, entry, &request.encode(), &[])
}

/// `call` for a message whose tail is in the program's memory (the data out of a WRITE).
pub fn call_gathered(fd: i32, entry: &Entry, head: &[u8], parts: &[(usize, usize)]) -> Result<Reply, i32> {
    let pid = pid();
    let lane = lane(&entry.endpoint, pid);
    let _one_at_a_time = lane.lock().unwrap_or_else(|e| e.into_inner());
    let socket = if entry.owner == pid {
        fd
    } else {
        channel(&entry.endpoint, pid)?.0
    };
    exchange_gathered(socket, head, parts)
}

/// F_SETFL on an emulated descriptor: only the table changes (the socket stays blocking).
pub fn set_status_flags(fd: i32, flags: i32) {
    if let Some(entry) = table().entries.get_mut(&fd) {
        let settable = libc::O_NONBLOCK | libc::O_APPEND | libc::O_DIRECT | libc::O_NOATIME;
        entry.status_flags = (entry.status_flags & !settable) | (flags & settable);
    }
}

/// The process now holds (or may hold) POSIX locks on `node`.
pub fn note_locked(node: Node) {
    table().locked.insert((node, pid()));
}

/// Before closing `fd`: POSIX locks of this process on its node go with any close.
pub fn before_close(fd: i32, entry: &Entry) {
    let pid = pid();
    let held = table().locked.remove(&(entry.node, pid));
    if held {
        let _ = call(fd, entry, &Request::Unlock { pid });
    }
}

/// At load: descriptors inherited across exec that are connections to the server become
/// emulated descriptors again, each talking through a channel of this process.
pub fn adopt_inherited() {
    let Some(config) = config() else {
        return;
    };
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    let fds: Vec<i32> = dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect();
    for fd in fds {
        if !seqpacket::is_connected_to(fd, &config.socket) {
            continue;
        }
        let (Some(inode), Some(endpoint)) = (socket_inode(fd), seqpacket::socket_name(fd, false)) else {
            continue;
        };
        let Ok((_, node, flags)) = channel(&endpoint, pid()) else {
            continue;
        };
        insert(fd, Entry::new(node, flags, inode, endpoint, 0));
    }
}
