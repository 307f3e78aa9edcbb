//! ioctls on an emulated descriptor, as sr/cdrom (block node) and sg (generic node) answer them
//! (mmc.md §4.0, attach.md §1.4): SG_IO v3 marshalled whole to the server, the SCSI and cdrom
//! queries answered here or by the server, everything else ENOTTY (EPERM on a read-only sg).
//!
//! The program's pointers are read and written with `process_vm_readv` / `process_vm_writev` on
//! the process itself, so a bad pointer is EFAULT, as from the kernel, never a crash.

use crate::fds::{self, Entry};
use burnbench::attach::kernel;
use burnbench::attach::protocol::{self, KernelOp, MAX_TRANSFER_BYTES, NodeKind, Reply, Request};

/// ioctl request numbers (x86_64 and aarch64 share them).
mod request {
    pub const SG_SET_TIMEOUT: u64 = 0x2201;
    pub const SG_GET_TIMEOUT: u64 = 0x2202;
    pub const SG_EMULATED_HOST: u64 = 0x2203;
    pub const SG_GET_COMMAND_Q: u64 = 0x2270;
    pub const SG_SET_COMMAND_Q: u64 = 0x2271;
    pub const SG_GET_RESERVED_SIZE: u64 = 0x2272;
    pub const SG_SET_RESERVED_SIZE: u64 = 0x2275;
    pub const SG_GET_SCSI_ID: u64 = 0x2276;
    pub const SG_SET_FORCE_LOW_DMA: u64 = 0x2279;
    pub const SG_GET_LOW_DMA: u64 = 0x227A;
    pub const SG_SET_FORCE_PACK_ID: u64 = 0x227B;
    pub const SG_GET_PACK_ID: u64 = 0x227C;
    pub const SG_GET_NUM_WAITING: u64 = 0x227D;
    pub const SG_GET_SG_TABLESIZE: u64 = 0x227F;
    pub const SG_GET_VERSION_NUM: u64 = 0x2282;
    pub const SG_NEXT_CMD_LEN: u64 = 0x2283;
    pub const SG_SCSI_RESET: u64 = 0x2284;
    pub const SG_IO: u64 = 0x2285;
    pub const SG_SET_KEEP_ORPHAN: u64 = 0x2287;
    pub const SG_GET_KEEP_ORPHAN: u64 = 0x2288;
    pub const SG_GET_ACCESS_COUNT: u64 = 0x2289;
    pub const SCSI_IOCTL_GET_IDLUN: u64 = 0x5382;
    pub const SCSI_IOCTL_GET_BUS_NUMBER: u64 = 0x5386;
    pub const CDROMEJECT: u64 = 0x5309;
    pub const CDROMCLOSETRAY: u64 = 0x5319;
    pub const CDROM_MEDIA_CHANGED: u64 = 0x5325;
    pub const CDROM_DRIVE_STATUS: u64 = 0x5326;
    pub const CDROM_GET_CAPABILITY: u64 = 0x5331;
    pub const BLKGETSIZE: u64 = 0x1260;
    pub const BLKFLSBUF: u64 = 0x1261;
    pub const BLKSECTGET: u64 = 0x1267;
    pub const BLKSSZGET: u64 = 0x1268;
    pub const BLKBSZGET: u64 = 0x8008_1270;
    pub const BLKGETSIZE64: u64 = 0x8008_1272;
}

/// SG_GET_VERSION_NUM: the block layer's fixed value, and the sg driver's (below 40000, so
/// sg3_utils keeps to v3 headers; attach.md §1.4).
const BLOCK_SG_VERSION: i32 = 30527;
const SG_DRIVER_VERSION: i32 = 30536;
/// The sg driver's default reserved buffer.
const SG_DEFAULT_RESERVED: i32 = 32768;
/// USER_HZ: SG_GET_TIMEOUT answers in clock ticks.
const USER_HZ: i32 = 100;

/// Per-descriptor settings the kernel keeps (timeout, reserved size).
#[derive(Clone, Copy)]
struct Settings {
    timeout_ticks: i32,
    reserved: i32,
}

fn settings() -> std::sync::MutexGuard<'static, std::collections::HashMap<i32, Settings>> {
    static SETTINGS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<i32, Settings>>> =
        std::sync::LazyLock::new(Default::default);
    SETTINGS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The descriptor was closed: its settings go with it.
pub fn forget(fd: i32) {
    settings().remove(&fd);
}

fn settings_of(fd: i32, kind: NodeKind) -> Settings {
    settings().get(&fd).copied().unwrap_or(Settings {
        timeout_ticks: 60 * USER_HZ,
        reserved: match kind {
            NodeKind::Block => MAX_TRANSFER_BYTES as i32,
            NodeKind::Generic => SG_DEFAULT_RESERVED,
        },
    })
}

/// Copy `len` bytes of the program's memory at `address`; EFAULT when it is not readable.
pub fn read_user(address: usize, len: usize) -> Result<Vec<u8>, i32> {
    let mut out = vec![0u8; len];
    if len == 0 {
        return Ok(out);
    }
    let local = libc::iovec {
        iov_base: out.as_mut_ptr().cast(),
        iov_len: len,
    };
    let remote = libc::iovec {
        iov_base: address as *mut libc::c_void,
        iov_len: len,
    };
    // SAFETY: `local` is our buffer; the kernel checks `remote` and reports EFAULT.
    let n = unsafe { libc::process_vm_readv(libc::getpid(), &local, 1, &remote, 1, 0) };
    if n == len as isize { Ok(out) } else { Err(libc::EFAULT) }
}

/// Copy `data` into the program's memory at `address`; EFAULT when it is not writable.
pub fn write_user(address: usize, data: &[u8]) -> Result<(), i32> {
    if data.is_empty() {
        return Ok(());
    }
    let local = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    let remote = libc::iovec {
        iov_base: address as *mut libc::c_void,
        iov_len: data.len(),
    };
    // SAFETY: as in `read_user`.
    let n = unsafe { libc::process_vm_writev(libc::getpid(), &local, 1, &remote, 1, 0) };
    if n == data.len() as isize {
        Ok(())
    } else {
        Err(libc::EFAULT)
    }
}

fn put_int(arg: usize, value: i32) -> Result<i32, i32> {
    write_user(arg, &value.to_ne_bytes()).map(|_| 0)
}

fn get_int(arg: usize) -> Result<i32, i32> {
    let bytes = read_user(arg, 4)?;
    Ok(i32::from_ne_bytes(bytes.try_into().expect("4 bytes")))
}

/// One ioctl on an emulated descriptor: the return value or an errno.
pub fn ioctl(fd: i32, entry: &Entry, request: u64, arg: usize) -> Result<i32, i32> {
    use request::*;
    let kind = entry.node.kind;
    let n = i32::from(crate::paths::number(usize::from(entry.node.drive)));
    let read_only = entry.status_flags & libc::O_ACCMODE == libc::O_RDONLY;
    match request {
        SG_IO => sg_io(fd, entry, arg),
        SG_GET_VERSION_NUM => put_int(
            arg,
            match kind {
                NodeKind::Block => BLOCK_SG_VERSION,
                NodeKind::Generic => SG_DRIVER_VERSION,
            },
        ),
        SG_EMULATED_HOST => put_int(arg, 1),
        SG_GET_TIMEOUT => Ok(settings_of(fd, kind).timeout_ticks),
        SG_SET_TIMEOUT => {
            let ticks = get_int(arg)?;
            if ticks < 0 {
                return Err(libc::EIO);
            }
            let mut s = settings_of(fd, kind);
            s.timeout_ticks = ticks;
            settings().insert(fd, s);
            Ok(0)
        }
        SG_GET_RESERVED_SIZE => put_int(arg, settings_of(fd, kind).reserved.min(MAX_TRANSFER_BYTES as i32)),
        SG_SET_RESERVED_SIZE => {
            let size = get_int(arg)?;
            if size < 0 {
                return Err(libc::EINVAL);
            }
            let mut s = settings_of(fd, kind);
            s.reserved = size.min(MAX_TRANSFER_BYTES as i32);
            settings().insert(fd, s);
            Ok(0)
        }
        SCSI_IOCTL_GET_IDLUN => {
            // dev_id = id | lun << 8 | channel << 16 | host << 24; host_unique_id = host.
            let mut bytes = n.to_ne_bytes().to_vec();
            bytes.extend_from_slice(&0i32.to_ne_bytes());
            write_user(arg, &bytes).map(|_| 0)
        }
        SCSI_IOCTL_GET_BUS_NUMBER => put_int(arg, 0),
        SG_GET_SCSI_ID if kind == NodeKind::Generic => {
            // struct sg_scsi_id: host_no, channel, scsi_id, lun, scsi_type, h_cmd_per_lun,
            // d_queue_depth, unused[2].
            let mut bytes = Vec::with_capacity(32);
            for v in [0i32, 0, n, 0, 5] {
                bytes.extend_from_slice(&v.to_ne_bytes());
            }
            bytes.extend_from_slice(&1i16.to_ne_bytes());
            bytes.extend_from_slice(&1i16.to_ne_bytes());
            bytes.extend_from_slice(&[0u8; 8]);
            write_user(arg, &bytes).map(|_| 0)
        }
        SG_SCSI_RESET => Err(libc::EACCES),
        SG_GET_COMMAND_Q | SG_GET_LOW_DMA | SG_GET_PACK_ID | SG_GET_NUM_WAITING | SG_GET_KEEP_ORPHAN
            if kind == NodeKind::Generic =>
        {
            put_int(arg, if request == SG_GET_PACK_ID { -1 } else { 0 })
        }
        SG_GET_SG_TABLESIZE if kind == NodeKind::Generic => put_int(arg, 128),
        SG_GET_ACCESS_COUNT if kind == NodeKind::Generic => put_int(arg, 1),
        SG_SET_COMMAND_Q | SG_SET_FORCE_LOW_DMA | SG_SET_FORCE_PACK_ID | SG_SET_KEEP_ORPHAN | SG_NEXT_CMD_LEN
            if kind == NodeKind::Generic =>
        {
            get_int(arg).map(|_| 0)
        }
        CDROM_DRIVE_STATUS if kind == NodeKind::Block => kernel_value(fd, entry, KernelOp::DriveStatus),
        CDROM_MEDIA_CHANGED if kind == NodeKind::Block => kernel_value(fd, entry, KernelOp::MediaChanged),
        CDROMEJECT if kind == NodeKind::Block => kernel_value(fd, entry, KernelOp::Eject),
        CDROMCLOSETRAY if kind == NodeKind::Block => kernel_value(fd, entry, KernelOp::CloseTray),
        CDROM_GET_CAPABILITY if kind == NodeKind::Block => {
            let identities = crate::files::capability(usize::from(entry.node.drive)).ok_or(libc::EIO)?;
            Ok(identities as i32)
        }
        BLKGETSIZE64 if kind == NodeKind::Block => {
            let size = kernel_value_u64(fd, entry)?;
            write_user(arg, &size.to_ne_bytes()).map(|_| 0)
        }
        BLKGETSIZE if kind == NodeKind::Block => {
            let sectors = (kernel_value_u64(fd, entry)? / 512) as libc::c_ulong;
            write_user(arg, &sectors.to_ne_bytes()).map(|_| 0)
        }
        BLKSSZGET | BLKBSZGET if kind == NodeKind::Block => put_int(arg, 2048),
        // The block device's BLKSECTGET is an unsigned short count of 512-byte sectors; sg's is
        // an int number of bytes (attach.md §5).
        BLKSECTGET => match kind {
            NodeKind::Block => write_user(arg, &((MAX_TRANSFER_BYTES / 512) as u16).to_ne_bytes()).map(|_| 0),
            NodeKind::Generic => put_int(arg, MAX_TRANSFER_BYTES as i32),
        },
        // blkdev_flushbuf needs CAP_SYS_ADMIN.
        BLKFLSBUF if kind == NodeKind::Block => Err(libc::EACCES),
        // sg_ioctl: "don't know so take safe approach" on a read-only descriptor.
        _ if kind == NodeKind::Generic && read_only => Err(libc::EPERM),
        _ => Err(libc::ENOTTY),
    }
}

fn kernel_value(fd: i32, entry: &Entry, op: KernelOp) -> Result<i32, i32> {
    match fds::call(fd, entry, &Request::Kernel(op))? {
        Reply::Value { errno: 0, value } => Ok(value as i32),
        Reply::Value { errno, .. } => Err(errno),
        _ => Err(libc::EIO),
    }
}

fn kernel_value_u64(fd: i32, entry: &Entry) -> Result<u64, i32> {
    match fds::call(fd, entry, &Request::Kernel(KernelOp::SizeBytes))? {
        Reply::Value { errno: 0, value } => Ok(value as u64),
        Reply::Value { errno, .. } => Err(errno),
        _ => Err(libc::EIO),
    }
}

/// `struct sg_io_hdr` (v3) field offsets on 64-bit Linux; 88 bytes in all.
mod hdr {
    pub const SIZE: usize = 88;
    pub const INTERFACE_ID: usize = 0;
    pub const DXFER_DIRECTION: usize = 4;
    pub const CMD_LEN: usize = 8;
    pub const MX_SB_LEN: usize = 9;
    pub const IOVEC_COUNT: usize = 10;
    pub const DXFER_LEN: usize = 12;
    pub const DXFERP: usize = 16;
    pub const CMDP: usize = 24;
    pub const SBP: usize = 32;
    pub const TIMEOUT: usize = 40;
    pub const STATUS: usize = 64;
    pub const MASKED_STATUS: usize = 65;
    pub const MSG_STATUS: usize = 66;
    pub const SB_LEN_WR: usize = 67;
    pub const HOST_STATUS: usize = 68;
    pub const DRIVER_STATUS: usize = 70;
    pub const RESID: usize = 72;
    pub const DURATION: usize = 76;
    pub const INFO: usize = 80;
}

fn field_u32(header: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(header[at..at + 4].try_into().expect("4 bytes"))
}

fn field_ptr(header: &[u8], at: usize) -> usize {
    u64::from_ne_bytes(header[at..at + 8].try_into().expect("8 bytes")) as usize
}

/// The (address, length) pieces of the data buffer: `dxferp` itself, or its `sg_iovec` list.
fn data_pieces(header: &[u8]) -> Result<Vec<(usize, usize)>, i32> {
    let dxferp = field_ptr(header, hdr::DXFERP);
    let len = field_u32(header, hdr::DXFER_LEN) as usize;
    let count = usize::from(u16::from_ne_bytes([
        header[hdr::IOVEC_COUNT],
        header[hdr::IOVEC_COUNT + 1],
    ]));
    if count == 0 {
        return Ok(vec![(dxferp, len)]);
    }
    // UIO_MAXIOV, less the message head's own iovec.
    if count > 1023 {
        return Err(libc::EINVAL);
    }
    let list = read_user(dxferp, count * 16)?;
    let mut pieces = Vec::with_capacity(count);
    let mut left = len;
    for entry in list.chunks(16) {
        let base = u64::from_ne_bytes(entry[..8].try_into().expect("8 bytes")) as usize;
        let piece = (u64::from_ne_bytes(entry[8..].try_into().expect("8 bytes")) as usize).min(left);
        pieces.push((base, piece));
        left -= piece;
    }
    Ok(pieces)
}

/// SG_IO: read the header and everything it points at, run the command on the server, write
/// back data in, sense and the output fields.
fn sg_io(fd: i32, entry: &Entry, arg: usize) -> Result<i32, i32> {
    let mut header = read_user(arg, hdr::SIZE)?;
    // The interface id is 'S' for v3; a v4 header ('Q') is refused as by the block layer.
    if field_u32(&header, hdr::INTERFACE_ID) != u32::from(b'S') {
        return Err(libc::EINVAL);
    }
    let direction = field_u32(&header, hdr::DXFER_DIRECTION) as i32;
    let cmd_len = usize::from(header[hdr::CMD_LEN]);
    let mx_sb_len = header[hdr::MX_SB_LEN];
    let dxfer_len = field_u32(&header, hdr::DXFER_LEN);
    kernel::check_sg_io(cmd_len, direction, dxfer_len, MAX_TRANSFER_BYTES)?;
    let cdb = read_user(field_ptr(&header, hdr::CMDP), cmd_len)?;
    let pieces = if dxfer_len > 0 {
        data_pieces(&header)?
    } else {
        Vec::new()
    };
    // "The shorter of the two wins" (sg_io with an iovec list shorter than dxfer_len).
    let dxfer_len = (pieces.iter().map(|(_, len)| len).sum::<usize>() as u32).min(dxfer_len);
    // The data out goes from the program's buffers to the socket in one copy.
    let (out_len, out_parts) = if direction == burnbench::attach::protocol::direction::TO_DEV {
        (dxfer_len, &pieces[..])
    } else {
        (0, &[][..])
    };
    let head = protocol::scsi_command_head(
        &cdb,
        direction,
        dxfer_len,
        mx_sb_len,
        field_u32(&header, hdr::TIMEOUT),
        out_len,
    );
    let outcome = match fds::call_gathered(fd, entry, &head, out_parts)? {
        Reply::ScsiDone(outcome) => outcome,
        _ => return Err(libc::EIO),
    };
    if outcome.errno != 0 {
        return Err(outcome.errno);
    }
    let mut rest = &outcome.data_in[..];
    for &(address, len) in &pieces {
        let n = len.min(rest.len());
        write_user(address, &rest[..n])?;
        rest = &rest[n..];
    }
    let sbp = field_ptr(&header, hdr::SBP);
    let mut sb_len_wr = 0u8;
    if !outcome.sense.is_empty() && sbp != 0 {
        write_user(sbp, &outcome.sense)?;
        sb_len_wr = outcome.sense.len() as u8;
    }
    header[hdr::STATUS] = outcome.status;
    header[hdr::MASKED_STATUS] = outcome.status >> 1;
    header[hdr::MSG_STATUS] = 0;
    header[hdr::SB_LEN_WR] = sb_len_wr;
    header[hdr::HOST_STATUS..hdr::HOST_STATUS + 2].copy_from_slice(&outcome.host_status.to_ne_bytes());
    header[hdr::DRIVER_STATUS..hdr::DRIVER_STATUS + 2].copy_from_slice(&outcome.driver_status.to_ne_bytes());
    header[hdr::RESID..hdr::RESID + 4].copy_from_slice(&outcome.resid.to_ne_bytes());
    header[hdr::DURATION..hdr::DURATION + 4].copy_from_slice(&outcome.duration_ms.to_ne_bytes());
    header[hdr::INFO..hdr::INFO + 4].copy_from_slice(&kernel::sg_info(&outcome).to_ne_bytes());
    write_user(arg + hdr::STATUS, &header[hdr::STATUS..hdr::SIZE])?;
    Ok(0)
}
