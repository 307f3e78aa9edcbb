//! The attach server: the emulated drives of a run, answering every client of the preload shim
//! over one socket (DESIGN.md "Real programs against the emulator").
//!
//! One thread per connection; a drive's commands are serialised by its mutex, so libburn's worker
//! threads, wodim's forked fifo and two programs racing for the drive all see one drive. The
//! kernel's part (open rules, O_EXCL, POSIX locks, block I/O, SG_IO checks) is applied here,
//! around `Drive::execute`; the drive never sees it (mmc.md §4.0).

use super::kernel::{self, OpenFlags, cds, command_allowed};
use super::protocol::{
    DriveIdentity, KernelOp, LockCommand, LockRange, MAX_TRANSFER_BYTES, Node, NodeKind, Reply, Request, ScsiOutcome,
    direction,
};
use super::seqpacket::{Connection, Listener};
use crate::device::{DataPhase, ScsiDevice};
use crate::drive::Drive;
use crate::media::Profile;
use crate::mmc::features::feature_code;
use std::collections::HashMap;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Bytes of one logical block of the block device.
const BLOCK_BYTES: u64 = 2048;
/// Blocks one READ(10) / WRITE(10) of the block layer moves at most (64 KiB).
const BLOCK_IO_BLOCKS: u64 = 32;

/// How the server behaves where a user may choose.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The programs run with CAP_SYS_RAWIO (root on a real system): every opcode passes
    /// `scsi_cmd_allowed`. Off by default: the unprivileged user of mmc.md §4.0.
    pub cap_sys_rawio: bool,
    /// Simulated drive milliseconds per real millisecond, so long operations (a 10-minute
    /// blank) end in seconds for programs that poll.
    pub time_scale: u64,
}

impl Default for ServerOptions {
    fn default() -> ServerOptions {
        ServerOptions {
            cap_sys_rawio: false,
            time_scale: 100,
        }
    }
}

/// One emulated drive and its node number (`/dev/sr{number}`, `/dev/sg{number}`).
pub struct AttachedDrive<'d> {
    pub number: u16,
    pub drive: &'d mut Drive,
}

struct Slot<'d> {
    number: u16,
    drive: &'d mut Drive,
    last_command: Instant,
    /// The medium changed since CDROM_MEDIA_CHANGED last asked.
    media_changed: bool,
    loaded: bool,
}

impl Slot<'_> {
    /// Let the real time since the last command pass on the drive's clock, scaled.
    fn catch_up(&mut self, scale: u64) {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last_command).as_millis() as u64;
        self.last_command = now;
        if elapsed > 0 {
            self.drive.advance(elapsed.saturating_mul(scale));
        }
    }

    /// Run one command as the kernel or a program sends it; notes medium changes.
    fn execute(
        &mut self,
        scale: u64,
        cdb: &[u8],
        data: DataPhase<'_>,
    ) -> Result<crate::device::Completion, crate::device::TransportError> {
        self.catch_up(scale);
        let result = self.drive.execute(cdb, data);
        let loaded = self.drive.is_loaded();
        if loaded != self.loaded {
            self.media_changed = true;
            self.loaded = loaded;
        }
        result
    }

    fn size_bytes(&self) -> u64 {
        if !self.drive.is_loaded() {
            return 0;
        }
        self.drive
            .medium()
            .map_or(0, |m| u64::from(m.disc().readable_blocks()) * BLOCK_BYTES)
    }

    /// GET CONFIGURATION feature 0020h current: what `cdrom_open_write` asks before a
    /// read-write open of the block device (mmc.md §4.0).
    fn random_writable(&self) -> bool {
        let disc = self.drive.medium().map(|m| m.disc());
        crate::drive::features::features(self.drive.model(), disc)
            .iter()
            .any(|f| f.feature.code() == feature_code::RANDOM_WRITABLE && f.current)
    }

    fn commit(&mut self) {
        if let Err(e) = self.drive.commit() {
            log(&format!("drive {}: saving the medium failed: {e}", self.number));
        }
    }
}

/// An open file description.
#[derive(Debug, Clone)]
struct Handle {
    node: Node,
    flags: OpenFlags,
    position: u64,
    /// Written through the block device (the kernel's `media_written`).
    media_written: bool,
}

/// A POSIX record lock, absolute.
#[derive(Debug, Clone, Copy)]
struct HeldLock {
    node: Node,
    pid: i32,
    write: bool,
    start: i64,
    /// Exclusive end; i64::MAX for "to the end".
    end: i64,
}

#[derive(Default)]
struct Table {
    next: u64,
    handles: HashMap<u64, Handle>,
    by_endpoint: HashMap<Vec<u8>, u64>,
    locks: Vec<HeldLock>,
}

/// The server: drives, open file descriptions, locks.
pub struct Server<'d> {
    slots: Vec<Mutex<Slot<'d>>>,
    table: Mutex<Table>,
    table_changed: Condvar,
    options: ServerOptions,
    connections: Mutex<HashMap<u64, RawFd>>,
    next_connection: AtomicU64,
    stopping: AtomicBool,
}

/// One line on stderr: what a client did wrong, or what failed on the server side.
fn log(message: &str) {
    eprintln!("burnbench attach: {message}");
}

/// F_RDLCK, F_WRLCK, F_UNLCK as `struct flock` carries them.
const F_RDLCK: i16 = libc::F_RDLCK as i16;
const F_WRLCK: i16 = libc::F_WRLCK as i16;
const F_UNLCK: i16 = libc::F_UNLCK as i16;

/// Opcodes after which the server makes the medium durable: START STOP UNIT and LOAD/UNLOAD
/// (the drive closing, docs/media-image.md). SYNCHRONIZE CACHE, CLOSE, BLANK, FORMAT and RESERVE
/// TRACK commit in `Medium` itself.
fn commits_after(opcode: u8) -> bool {
    matches!(opcode, 0x1B | 0xA6)
}

fn process_alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks that the process exists.
    let ret = unsafe { libc::kill(pid, 0) };
    ret == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

impl<'d> Server<'d> {
    pub fn new(drives: Vec<AttachedDrive<'d>>, options: ServerOptions) -> Server<'d> {
        let slots = drives
            .into_iter()
            .map(|d| {
                // The operating system consumed the power-on attention before any program ran.
                d.drive.settle();
                let loaded = d.drive.is_loaded();
                Mutex::new(Slot {
                    number: d.number,
                    drive: d.drive,
                    last_command: Instant::now(),
                    media_changed: false,
                    loaded,
                })
            })
            .collect();
        Server {
            slots,
            table: Mutex::new(Table::default()),
            table_changed: Condvar::new(),
            options,
            connections: Mutex::new(HashMap::new()),
            next_connection: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
        }
    }

    /// Serve clients on `listener` until `stop` answers true (checked ten times a second); then
    /// wake every connection, wait for their threads and save every medium.
    pub fn serve(&self, listener: &Listener, stop: impl Fn() -> bool) -> std::io::Result<()> {
        let result = std::thread::scope(|scope| {
            let result = loop {
                if stop() {
                    break Ok(());
                }
                match listener.accept_timeout(100) {
                    Ok(Some(connection)) => {
                        scope.spawn(move || self.connection(connection));
                    }
                    Ok(None) => {}
                    Err(e) => break Err(e),
                }
            };
            self.stopping.store(true, Ordering::SeqCst);
            self.table_changed.notify_all();
            for fd in lock(&self.connections).values() {
                // SAFETY: shutdown() on a descriptor the connection's thread still owns (it
                // unregisters before closing it).
                unsafe { libc::shutdown(*fd, libc::SHUT_RDWR) };
            }
            result
        });
        self.commit_all();
        result
    }

    /// Save every medium (a durability point).
    pub fn commit_all(&self) {
        for slot in &self.slots {
            lock(slot).commit();
        }
    }

    fn connection(&self, connection: Connection) {
        let id = self.next_connection.fetch_add(1, Ordering::Relaxed);
        lock(&self.connections).insert(id, connection.raw());
        self.converse(&connection);
        lock(&self.connections).remove(&id);
    }

    fn converse(&self, connection: &Connection) {
        let mut buffer = Vec::new();
        let first = match self.next_request(connection, &mut buffer) {
            Some(request) => request,
            None => return,
        };
        match first {
            Request::Open { node, flags } => {
                let flags = OpenFlags(flags);
                let endpoint = connection.peer_name().unwrap_or_default();
                match self.open(node, flags, endpoint) {
                    Ok(handle) => {
                        if connection.send(&Reply::Opened { errno: 0, handle }.encode()).is_ok() {
                            self.session(connection, handle, &mut buffer);
                        }
                        self.release(handle);
                    }
                    Err(errno) => {
                        let _ = connection.send(&Reply::Opened { errno, handle: 0 }.encode());
                    }
                }
            }
            Request::Join { endpoint } => {
                let joined = {
                    let table = lock(&self.table);
                    table
                        .by_endpoint
                        .get(endpoint)
                        .and_then(|h| table.handles.get(h).map(|handle| (*h, handle.node, handle.flags)))
                };
                match joined {
                    Some((handle, node, flags)) => {
                        let reply = Reply::Joined {
                            errno: 0,
                            node,
                            flags: flags.0,
                        };
                        if connection.send(&reply.encode()).is_ok() {
                            self.session(connection, handle, &mut buffer);
                        }
                    }
                    None => {
                        let reply = Reply::Joined {
                            errno: libc::EBADF,
                            node: Node {
                                kind: NodeKind::Block,
                                drive: 0,
                            },
                            flags: 0,
                        };
                        let _ = connection.send(&reply.encode());
                    }
                }
            }
            Request::Describe => {
                let _ = connection.send(
                    &Reply::Described {
                        drives: self.describe(),
                    }
                    .encode(),
                );
            }
            other => log(&format!("a connection began with {other:?} instead of an open; closed")),
        }
    }

    fn next_request<'b>(&self, connection: &Connection, buffer: &'b mut Vec<u8>) -> Option<Request<'b>> {
        match connection.recv(buffer) {
            Ok(true) => match Request::decode(buffer) {
                Ok(request) => Some(request),
                Err(e) => {
                    log(&format!("{e}; connection closed"));
                    None
                }
            },
            Ok(false) => None,
            // A client that dies mid-command (kill -9) resets its end: that is its last close,
            // as the kernel sees it, not a failure worth a line.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => None,
            Err(e) => {
                if !self.stopping.load(Ordering::SeqCst) {
                    log(&format!("a client connection failed: {e}"));
                }
                None
            }
        }
    }

    /// Answer requests for `handle` until the client closes the connection.
    fn session(&self, connection: &Connection, handle: u64, buffer: &mut Vec<u8>) {
        while let Some(request) = self.next_request(connection, buffer) {
            let reply = self.answer(handle, request);
            if connection.send(&reply.encode()).is_err() {
                // The client died mid-command: the command ran, the medium is consistent.
                return;
            }
        }
    }

    fn describe(&self) -> Vec<DriveIdentity> {
        self.slots
            .iter()
            .map(|slot| {
                let slot = lock(slot);
                let model = slot.drive.model();
                DriveIdentity {
                    number: slot.number,
                    vendor: model.vendor.clone(),
                    product: model.product.clone(),
                    revision: model.revision.clone(),
                    capability: kernel::cdrom_capability(model),
                }
            })
            .collect()
    }

    fn handle(&self, handle: u64) -> Option<Handle> {
        lock(&self.table).handles.get(&handle).cloned()
    }

    fn answer(&self, handle: u64, request: Request) -> Reply {
        let Some(state) = self.handle(handle) else {
            return Reply::Value {
                errno: libc::EBADF,
                value: -1,
            };
        };
        match request {
            Request::ScsiCommand {
                cdb,
                direction,
                dxfer_len,
                mx_sb_len,
                timeout_ms: _,
                data_out,
            } => Reply::ScsiDone(self.scsi(&state, cdb, direction, dxfer_len, mx_sb_len, data_out)),
            Request::Kernel(op) => self.kernel_op(&state, op),
            Request::BlockRead { offset, len } => self.block_read(handle, &state, offset, len),
            Request::BlockWrite { offset, data } => self.block_write(handle, &state, offset, data),
            Request::Seek { offset, whence } => self.seek(handle, &state, offset, whence),
            Request::Sync => {
                lock(&self.slots[usize::from(state.node.drive)]).commit();
                Reply::Value { errno: 0, value: 0 }
            }
            Request::Lock { command, range } => self.lock(&state, command, range),
            Request::Unlock { pid } => {
                let mut table = lock(&self.table);
                table.locks.retain(|l| !(l.pid == pid && l.node == state.node));
                self.table_changed.notify_all();
                Reply::Value { errno: 0, value: 0 }
            }
            Request::Open { .. } | Request::Join { .. } | Request::Describe => {
                log("an open inside a session; refused");
                Reply::Value {
                    errno: libc::EINVAL,
                    value: -1,
                }
            }
        }
    }

    /// `open()` of a node: the cdrom layer's checks for the block node, the sg driver's
    /// exclusivity for the generic node (mmc.md §4.0, attach.md §1.4).
    fn open(&self, node: Node, flags: OpenFlags, endpoint: Vec<u8>) -> Result<u64, i32> {
        let slot = self.slots.get(usize::from(node.drive)).ok_or(libc::ENXIO)?;
        if node.kind == NodeKind::Generic && flags.exclusive() && !flags.for_write() {
            // sg_open: "can't lock it with read only access".
            return Err(libc::EPERM);
        }
        if node.kind == NodeKind::Block {
            let mut slot = lock(slot);
            if !flags.nonblocking() {
                // open_for_data: a closed tray is needed (the kernel closes an open one), then a
                // disc; writing needs a random-writable medium.
                if slot.drive.tray_open() && slot.drive.medium().is_some() {
                    let _ = slot.execute(self.options.time_scale, &[0x1B, 0, 0, 0, 0x03, 0], DataPhase::None);
                }
                if !slot.drive.is_loaded() {
                    return Err(libc::ENOMEDIUM);
                }
                if flags.for_write() && !slot.random_writable() {
                    return Err(libc::EROFS);
                }
            }
            // The cdrom layer's media-change check on open consumes the unit attentions.
            slot.drive.settle();
        }
        let mut table = lock(&self.table);
        loop {
            let others = table.handles.values().filter(|h| h.node == node);
            let busy = match node.kind {
                // bd_prepare_to_claim: only another exclusive opener conflicts.
                NodeKind::Block => flags.exclusive() && others.clone().any(|h| h.flags.exclusive()),
                // sg_open: O_EXCL needs no other opener; anyone waits for an exclusive one.
                NodeKind::Generic => {
                    if flags.exclusive() {
                        others.clone().next().is_some()
                    } else {
                        others.clone().any(|h| h.flags.exclusive())
                    }
                }
            };
            if !busy {
                break;
            }
            if node.kind == NodeKind::Block || flags.nonblocking() || self.stopping.load(Ordering::SeqCst) {
                return Err(libc::EBUSY);
            }
            table = self
                .table_changed
                .wait_timeout(table, Duration::from_millis(100))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        table.next += 1;
        let handle = table.next;
        table.handles.insert(
            handle,
            Handle {
                node,
                flags,
                position: 0,
                media_written: false,
            },
        );
        if !endpoint.is_empty() {
            table.by_endpoint.insert(endpoint, handle);
        }
        Ok(handle)
    }

    /// The last close of an open file description.
    fn release(&self, handle: u64) {
        let (state, last_block_close) = {
            let mut table = lock(&self.table);
            let Some(state) = table.handles.remove(&handle) else {
                return;
            };
            table.by_endpoint.retain(|_, h| *h != handle);
            let last = !table
                .handles
                .values()
                .any(|h| h.node.drive == state.node.drive && h.node.kind == NodeKind::Block);
            (state, last)
        };
        self.table_changed.notify_all();
        if state.node.kind == NodeKind::Block && last_block_close && state.media_written {
            self.close_written_dvd_plus_rw(state.node.drive);
        }
    }

    /// `cdrom_dvd_rw_close_write`: the last close of a DVD+RW written through the block device
    /// flushes the cache and closes the track and the session ("finalizing").
    fn close_written_dvd_plus_rw(&self, drive: u16) {
        let mut slot = lock(&self.slots[usize::from(drive)]);
        let profile = slot.drive.medium().map(|m| m.disc().profile);
        if profile != Some(Profile::DvdPlusRw) {
            return;
        }
        let scale = self.options.time_scale;
        for cdb in [
            [0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            [0x5B, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            [0x5B, 0, 2, 0, 0, 0, 0, 0, 0, 0],
        ] {
            // SYNCHRONIZE CACHE and CLOSE make the medium durable themselves.
            let _ = slot.execute(scale, &cdb, DataPhase::None);
        }
    }

    fn scsi(
        &self,
        state: &Handle,
        cdb: &[u8],
        direction: i32,
        dxfer_len: u32,
        mx_sb_len: u8,
        data_out: &[u8],
    ) -> ScsiOutcome {
        if let Err(errno) = kernel::check_sg_io(cdb.len(), direction, dxfer_len, MAX_TRANSFER_BYTES) {
            return ScsiOutcome {
                errno,
                ..ScsiOutcome::default()
            };
        }
        if !command_allowed(cdb[0], state.flags.for_write(), self.options.cap_sys_rawio) {
            return ScsiOutcome {
                errno: libc::EPERM,
                ..ScsiOutcome::default()
            };
        }
        let mut data_in = Vec::new();
        let phase = match direction {
            _ if dxfer_len == 0 => DataPhase::None,
            direction::TO_DEV => {
                if data_out.len() != dxfer_len as usize {
                    return ScsiOutcome {
                        errno: libc::EFAULT,
                        ..ScsiOutcome::default()
                    };
                }
                DataPhase::Out(data_out)
            }
            _ => {
                data_in.resize(dxfer_len as usize, 0);
                DataPhase::In(&mut data_in)
            }
        };
        let mut slot = lock(&self.slots[usize::from(state.node.drive)]);
        let started = Instant::now();
        let result = slot.execute(self.options.time_scale, cdb, phase);
        let duration_ms = started.elapsed().as_millis() as u32;
        if result.as_ref().is_ok_and(|c| c.is_good()) && commits_after(cdb[0]) {
            slot.commit();
        }
        drop(slot);
        let mut outcome = kernel::sg_io_outcome(&result, mx_sb_len, dxfer_len, duration_ms);
        if !data_in.is_empty() {
            let moved = data_in.len().saturating_sub(outcome.resid.max(0) as usize);
            data_in.truncate(moved);
            outcome.data_in = data_in;
        }
        outcome
    }

    fn kernel_op(&self, state: &Handle, op: KernelOp) -> Reply {
        let mut slot = lock(&self.slots[usize::from(state.node.drive)]);
        let value = |value: i64| Reply::Value { errno: 0, value };
        let fail = |errno: i32| Reply::Value { errno, value: -1 };
        match op {
            KernelOp::DriveStatus => value(if slot.drive.tray_open() {
                cds::TRAY_OPEN
            } else if slot.drive.medium().is_none() {
                cds::NO_DISC
            } else if slot.drive.busy().is_some() {
                cds::DRIVE_NOT_READY
            } else {
                cds::DISC_OK
            }),
            KernelOp::MediaChanged => value(i64::from(std::mem::take(&mut slot.media_changed))),
            KernelOp::SizeBytes => value(slot.size_bytes() as i64),
            KernelOp::Eject | KernelOp::CloseTray => {
                let start = if op == KernelOp::Eject { 0x02 } else { 0x03 };
                if op == KernelOp::Eject {
                    // cdrom_ioctl_eject: only the one opener of the cdrom device may eject.
                    let openers = lock(&self.table)
                        .handles
                        .values()
                        .filter(|h| h.node.drive == state.node.drive && h.node.kind == NodeKind::Block)
                        .count();
                    if openers > 1 {
                        return fail(libc::EBUSY);
                    }
                }
                match slot.execute(self.options.time_scale, &[0x1B, 0, 0, 0, start, 0], DataPhase::None) {
                    Ok(c) if c.is_good() => {
                        slot.commit();
                        value(0)
                    }
                    _ => fail(libc::EIO),
                }
            }
        }
    }

    fn position_of(&self, handle: u64, offset: i64) -> u64 {
        if offset >= 0 {
            offset as u64
        } else {
            self.handle(handle).map_or(0, |h| h.position)
        }
    }

    fn advance_position(&self, handle: u64, offset: i64, to: u64) {
        if offset < 0
            && let Some(h) = lock(&self.table).handles.get_mut(&handle)
        {
            h.position = to;
        }
    }

    /// read / pread on the block device: READ(10) of the blocks that hold the bytes; the sg
    /// node has no pending replies (the old sg read protocol), so EAGAIN.
    fn block_read(&self, handle: u64, state: &Handle, offset: i64, len: u32) -> Reply {
        if state.node.kind == NodeKind::Generic {
            return Reply::Data {
                errno: libc::EAGAIN,
                data: Vec::new(),
            };
        }
        if !state.flags.for_read() {
            return Reply::Data {
                errno: libc::EBADF,
                data: Vec::new(),
            };
        }
        let position = self.position_of(handle, offset);
        let mut slot = lock(&self.slots[usize::from(state.node.drive)]);
        let size = slot.size_bytes();
        if position >= size || len == 0 {
            return Reply::Data {
                errno: 0,
                data: Vec::new(),
            };
        }
        let len = u64::from(len)
            .min(size - position)
            .min((BLOCK_IO_BLOCKS - 1) * BLOCK_BYTES);
        let first = position / BLOCK_BYTES;
        let blocks = (position + len).div_ceil(BLOCK_BYTES) - first;
        let mut buffer = vec![0u8; (blocks * BLOCK_BYTES) as usize];
        if !read_blocks(&mut slot, self.options.time_scale, first, &mut buffer) {
            return Reply::Data {
                errno: libc::EIO,
                data: Vec::new(),
            };
        }
        drop(slot);
        let skip = (position % BLOCK_BYTES) as usize;
        let data = buffer[skip..skip + len as usize].to_vec();
        self.advance_position(handle, offset, position + len);
        Reply::Data { errno: 0, data }
    }

    /// write / pwrite on the block device (the open already required random-writable media):
    /// partial blocks are read, merged and written back, as the page cache does.
    fn block_write(&self, handle: u64, state: &Handle, offset: i64, data: &[u8]) -> Reply {
        let fail = |errno: i32| Reply::Value { errno, value: -1 };
        if state.node.kind == NodeKind::Generic {
            return fail(libc::EINVAL);
        }
        if !state.flags.for_write() {
            return fail(libc::EBADF);
        }
        let position = self.position_of(handle, offset);
        let mut slot = lock(&self.slots[usize::from(state.node.drive)]);
        let size = slot.size_bytes();
        if data.is_empty() {
            return Reply::Value { errno: 0, value: 0 };
        }
        if position >= size {
            return fail(libc::ENOSPC);
        }
        let len = (data.len() as u64)
            .min(size - position)
            .min((BLOCK_IO_BLOCKS - 1) * BLOCK_BYTES);
        let first = position / BLOCK_BYTES;
        let blocks = (position + len).div_ceil(BLOCK_BYTES) - first;
        let mut buffer = vec![0u8; (blocks * BLOCK_BYTES) as usize];
        let skip = (position % BLOCK_BYTES) as usize;
        let partial = skip != 0 || !(position + len).is_multiple_of(BLOCK_BYTES);
        if partial && !read_blocks(&mut slot, self.options.time_scale, first, &mut buffer) {
            return fail(libc::EIO);
        }
        buffer[skip..skip + len as usize].copy_from_slice(&data[..len as usize]);
        let mut cdb = [0x2A, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        cdb[2..6].copy_from_slice(&(first as u32).to_be_bytes());
        cdb[7..9].copy_from_slice(&(blocks as u16).to_be_bytes());
        let written = slot.execute(self.options.time_scale, &cdb, DataPhase::Out(&buffer));
        drop(slot);
        if !written.is_ok_and(|c| c.is_good()) {
            return fail(libc::EIO);
        }
        if let Some(h) = lock(&self.table).handles.get_mut(&handle) {
            h.media_written = true;
            if offset < 0 {
                h.position = position + len;
            }
        }
        Reply::Value {
            errno: 0,
            value: len as i64,
        }
    }

    fn seek(&self, handle: u64, state: &Handle, offset: i64, whence: i32) -> Reply {
        let size = lock(&self.slots[usize::from(state.node.drive)]).size_bytes() as i64;
        let mut table = lock(&self.table);
        let Some(h) = table.handles.get_mut(&handle) else {
            return Reply::Value {
                errno: libc::EBADF,
                value: -1,
            };
        };
        let base = match whence {
            libc::SEEK_SET => 0,
            libc::SEEK_CUR => h.position as i64,
            libc::SEEK_END => size,
            _ => {
                return Reply::Value {
                    errno: libc::EINVAL,
                    value: -1,
                };
            }
        };
        match base.checked_add(offset) {
            Some(to) if to >= 0 => {
                h.position = to as u64;
                Reply::Value { errno: 0, value: to }
            }
            _ => Reply::Value {
                errno: libc::EINVAL,
                value: -1,
            },
        }
    }

    /// fcntl F_GETLK / F_SETLK / F_SETLKW: POSIX record locks on the node, shared by every open
    /// of it as on the inode of a real device node.
    fn lock(&self, state: &Handle, command: LockCommand, range: LockRange) -> Reply {
        let size = lock(&self.slots[usize::from(state.node.drive)]).size_bytes() as i64;
        let base = match i32::from(range.whence) {
            libc::SEEK_SET => 0,
            libc::SEEK_CUR => state.position as i64,
            libc::SEEK_END => size,
            _ => return lock_reply(libc::EINVAL, range),
        };
        let Some(start) = base.checked_add(range.start).filter(|s| *s >= 0) else {
            return lock_reply(libc::EINVAL, range);
        };
        let end = if range.len == 0 {
            i64::MAX
        } else {
            start.saturating_add(range.len)
        };
        let wanted = HeldLock {
            node: state.node,
            pid: range.pid,
            write: range.kind == F_WRLCK,
            start,
            end,
        };
        let mut table = lock(&self.table);
        loop {
            table.locks.retain(|l| process_alive(l.pid));
            let conflict = table.locks.iter().copied().find(|l| {
                l.node == wanted.node
                    && l.pid != wanted.pid
                    && l.start < wanted.end
                    && wanted.start < l.end
                    && (l.write || wanted.write)
            });
            if command == LockCommand::Get {
                return match conflict {
                    Some(l) if range.kind != F_UNLCK => lock_reply(0, described(&l)),
                    _ => lock_reply(0, LockRange { kind: F_UNLCK, ..range }),
                };
            }
            if range.kind == F_UNLCK || conflict.is_none() {
                break;
            }
            if command == LockCommand::Set || self.stopping.load(Ordering::SeqCst) {
                return lock_reply(libc::EAGAIN, range);
            }
            table = self
                .table_changed
                .wait_timeout(table, Duration::from_millis(100))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        // Take the range out of the owner's locks, then add the new one.
        let mut kept = Vec::with_capacity(table.locks.len() + 1);
        for l in table.locks.drain(..) {
            if l.node != wanted.node || l.pid != wanted.pid || l.end <= start || end <= l.start {
                kept.push(l);
                continue;
            }
            if l.start < start {
                kept.push(HeldLock { end: start, ..l });
            }
            if end < l.end {
                kept.push(HeldLock { start: end, ..l });
            }
        }
        if range.kind != F_UNLCK {
            kept.push(wanted);
        }
        table.locks = kept;
        drop(table);
        self.table_changed.notify_all();
        lock_reply(0, range)
    }
}

fn described(l: &HeldLock) -> LockRange {
    LockRange {
        kind: if l.write { F_WRLCK } else { F_RDLCK },
        whence: libc::SEEK_SET as i16,
        start: l.start,
        len: if l.end == i64::MAX { 0 } else { l.end - l.start },
        pid: l.pid,
    }
}

fn lock_reply(errno: i32, range: LockRange) -> Reply {
    Reply::Lock { errno, range }
}

/// READ(10) of `buffer.len() / 2048` blocks from `first`, as the block layer sends it.
fn read_blocks(slot: &mut Slot<'_>, scale: u64, first: u64, buffer: &mut [u8]) -> bool {
    let blocks = (buffer.len() as u64 / BLOCK_BYTES) as u16;
    let mut cdb = [0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    cdb[2..6].copy_from_slice(&(first as u32).to_be_bytes());
    cdb[7..9].copy_from_slice(&blocks.to_be_bytes());
    slot.execute(scale, &cdb, DataPhase::In(buffer))
        .is_ok_and(|c| c.is_good() && c.residual == 0)
}

/// Lock a mutex, taking it over from a thread that panicked (the state it guards stays valid
/// between statements).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attach::protocol::{LockRange, direction};
    use crate::attach::seqpacket::Connection;
    use crate::drive::DriveModel;
    use crate::media::Disc;
    use crate::media::medium::Medium;
    use std::sync::atomic::AtomicBool;

    fn drive(profile: Option<Profile>) -> Drive {
        let model = DriveModel::builtin("bd-writer").unwrap();
        match profile {
            Some(p) => Drive::with_medium(model, Medium::in_memory(Disc::new(p))),
            None => Drive::new(model),
        }
    }

    /// Run `body` against a server over one drive; the server stops when it returns.
    fn with_server(profile: Option<Profile>, body: impl FnOnce(&std::path::Path) + Send) -> Drive {
        let mut drive = drive(profile);
        let dir = crate::attach::SocketDir::new().unwrap();
        let socket = dir.socket();
        let listener = Listener::bind(&socket).unwrap();
        let done = AtomicBool::new(false);
        {
            let server = Server::new(
                vec![AttachedDrive {
                    number: 0,
                    drive: &mut drive,
                }],
                ServerOptions::default(),
            );
            std::thread::scope(|scope| {
                scope.spawn(|| {
                    body(&socket);
                    done.store(true, Ordering::SeqCst);
                });
                server.serve(&listener, || done.load(Ordering::SeqCst)).unwrap();
            });
        }
        drive
    }

    fn ask(connection: &Connection, request: &Request<'_>) -> Reply {
        connection.send(&request.encode()).unwrap();
        let mut buffer = Vec::new();
        assert!(
            connection.recv(&mut buffer).unwrap(),
            "the server closed the connection"
        );
        Reply::decode(&buffer).unwrap()
    }

    fn open(socket: &std::path::Path, kind: NodeKind, flags: i32) -> (Connection, i32) {
        let connection = Connection::connect(socket, true).unwrap();
        let node = Node { kind, drive: 0 };
        let errno = match ask(&connection, &Request::Open { node, flags }) {
            Reply::Opened { errno, .. } => errno,
            other => panic!("{other:?}"),
        };
        (connection, errno)
    }

    fn inquiry(connection: &Connection) -> ScsiOutcome {
        let request = Request::ScsiCommand {
            cdb: &[0x12, 0, 0, 0, 36, 0],
            direction: direction::FROM_DEV,
            dxfer_len: 36,
            mx_sb_len: 32,
            timeout_ms: 1000,
            data_out: &[],
        };
        match ask(connection, &request) {
            Reply::ScsiDone(outcome) => outcome,
            other => panic!("{other:?}"),
        }
    }

    const NONBLOCK_RW: i32 = libc::O_RDWR | libc::O_NONBLOCK;

    #[test]
    fn a_malformed_message_closes_that_connection_and_the_server_keeps_serving() {
        with_server(Some(Profile::DvdPlusR), |socket| {
            let garbage = Connection::connect(socket, true).unwrap();
            garbage.send(&[0xEE, 1, 2, 3]).unwrap();
            let mut buffer = Vec::new();
            assert!(!garbage.recv(&mut buffer).unwrap(), "closed");
            // A valid open whose next request is cut short.
            let (cut, errno) = open(socket, NodeKind::Block, NONBLOCK_RW);
            assert_eq!(errno, 0);
            let whole = Request::BlockRead { offset: 0, len: 2048 }.encode();
            cut.send(&whole[..whole.len() - 1]).unwrap();
            assert!(!cut.recv(&mut buffer).unwrap());
            let (good, _) = open(socket, NodeKind::Block, NONBLOCK_RW);
            let outcome = inquiry(&good);
            assert_eq!((outcome.errno, outcome.status, outcome.data_in.len()), (0, 0, 36));
        });
    }

    #[test]
    fn a_client_gone_mid_command_leaves_the_drive_serving() {
        with_server(Some(Profile::DvdPlusR), |socket| {
            let (first, _) = open(socket, NodeKind::Generic, NONBLOCK_RW);
            let data = vec![7u8; 16 * 2048];
            let write = Request::ScsiCommand {
                cdb: &[0x2A, 0, 0, 0, 0, 0, 0, 0, 16, 0],
                direction: direction::TO_DEV,
                dxfer_len: data.len() as u32,
                mx_sb_len: 32,
                timeout_ms: 1000,
                data_out: &data,
            };
            first.send(&write.encode()).unwrap();
            drop(first);
            let (second, errno) = open(socket, NodeKind::Generic, NONBLOCK_RW);
            assert_eq!(errno, 0, "the exclusive-free sg node opens again");
            assert_eq!(inquiry(&second).status, 0);
        });
    }

    #[test]
    fn open_rules_follow_the_cdrom_layer_and_sg() {
        with_server(None, |socket| {
            assert_eq!(open(socket, NodeKind::Block, libc::O_RDONLY).1, libc::ENOMEDIUM);
            assert_eq!(open(socket, NodeKind::Block, libc::O_RDONLY | libc::O_NONBLOCK).1, 0);
        });
        with_server(Some(Profile::DvdPlusR), |socket| {
            assert_eq!(open(socket, NodeKind::Block, libc::O_RDWR).1, libc::EROFS);
            assert_eq!(open(socket, NodeKind::Block, libc::O_RDONLY).1, 0);
            let (_held, errno) = open(socket, NodeKind::Block, NONBLOCK_RW | libc::O_EXCL);
            assert_eq!(errno, 0);
            assert_eq!(open(socket, NodeKind::Block, NONBLOCK_RW | libc::O_EXCL).1, libc::EBUSY);
            assert_eq!(
                open(socket, NodeKind::Block, NONBLOCK_RW).1,
                0,
                "a plain open still works"
            );
            let (_sg, errno) = open(socket, NodeKind::Generic, NONBLOCK_RW);
            assert_eq!(errno, 0);
            assert_eq!(
                open(socket, NodeKind::Generic, NONBLOCK_RW | libc::O_EXCL).1,
                libc::EBUSY
            );
            assert_eq!(
                open(
                    socket,
                    NodeKind::Generic,
                    libc::O_RDONLY | libc::O_NONBLOCK | libc::O_EXCL
                )
                .1,
                libc::EPERM
            );
        });
        with_server(Some(Profile::DvdPlusRw), |socket| {
            // Unformatted DVD+RW: random writable only once formatted.
            assert_eq!(open(socket, NodeKind::Block, libc::O_RDWR).1, libc::EROFS);
        });
        with_server(Some(Profile::DvdRam), |socket| {
            assert_eq!(open(socket, NodeKind::Block, libc::O_RDWR).1, 0);
        });
    }

    #[test]
    fn write_class_commands_need_a_writable_descriptor() {
        with_server(Some(Profile::DvdPlusR), |socket| {
            let (ro, _) = open(socket, NodeKind::Generic, libc::O_RDONLY | libc::O_NONBLOCK);
            let sync = Request::ScsiCommand {
                cdb: &[0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                direction: direction::NONE,
                dxfer_len: 0,
                mx_sb_len: 32,
                timeout_ms: 1000,
                data_out: &[],
            };
            let Reply::ScsiDone(outcome) = ask(&ro, &sync) else {
                panic!()
            };
            assert_eq!(outcome.errno, libc::EPERM);
            let (rw, _) = open(socket, NodeKind::Generic, NONBLOCK_RW);
            let Reply::ScsiDone(outcome) = ask(&rw, &sync) else {
                panic!()
            };
            assert_eq!((outcome.errno, outcome.status), (0, 0));
        });
    }

    #[test]
    fn posix_locks_conflict_between_processes_and_go_with_unlock() {
        with_server(Some(Profile::DvdPlusR), |socket| {
            let (a, _) = open(socket, NodeKind::Block, NONBLOCK_RW);
            let (b, _) = open(socket, NodeKind::Block, NONBLOCK_RW);
            let me = std::process::id() as i32;
            let whole = |pid| LockRange {
                kind: F_WRLCK,
                whence: libc::SEEK_SET as i16,
                start: 0,
                len: 0,
                pid,
            };
            let set = |c: &Connection, pid| match ask(
                c,
                &Request::Lock {
                    command: LockCommand::Set,
                    range: whole(pid),
                },
            ) {
                Reply::Lock { errno, .. } => errno,
                other => panic!("{other:?}"),
            };
            assert_eq!(set(&a, me), 0);
            // pid 1 (init) is alive: its lock attempt conflicts with ours.
            assert_eq!(set(&b, 1), libc::EAGAIN);
            let Reply::Lock { range, .. } = ask(
                &b,
                &Request::Lock {
                    command: LockCommand::Get,
                    range: whole(1),
                },
            ) else {
                panic!()
            };
            assert_eq!((range.kind, range.pid), (F_WRLCK, me));
            ask(&a, &Request::Unlock { pid: me });
            assert_eq!(set(&b, 1), 0);
        });
    }

    #[test]
    fn block_reads_stop_at_the_capacity_and_writes_need_random_writable_media() {
        let drive = with_server(Some(Profile::DvdRam), |socket| {
            let (fd, _) = open(socket, NodeKind::Block, libc::O_RDWR);
            let data = vec![0x5A; 3000];
            match ask(
                &fd,
                &Request::BlockWrite {
                    offset: 1000,
                    data: &data,
                },
            ) {
                Reply::Value { errno: 0, value } => assert_eq!(value, 3000),
                other => panic!("{other:?}"),
            }
            match ask(&fd, &Request::BlockRead { offset: 999, len: 3002 }) {
                Reply::Data { errno: 0, data } => {
                    assert_eq!(data[0], 0);
                    assert!(data[1..3001].iter().all(|&b| b == 0x5A));
                    assert_eq!(data[3001], 0);
                }
                other => panic!("{other:?}"),
            }
            let Reply::Value { value: end, .. } = ask(
                &fd,
                &Request::Seek {
                    offset: 0,
                    whence: libc::SEEK_END,
                },
            ) else {
                panic!()
            };
            match ask(&fd, &Request::BlockRead { offset: -1, len: 2048 }) {
                Reply::Data { errno: 0, data } => assert!(data.is_empty(), "end of file at {end}"),
                other => panic!("{other:?}"),
            }
        });
        assert!(drive.medium().unwrap().written_sectors() >= 2);
    }
}
