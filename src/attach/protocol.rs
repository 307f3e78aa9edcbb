//! The messages between the preload shim and the attach server: one request, one reply, each a
//! single `SOCK_SEQPACKET` message (DESIGN.md "Real programs against the emulator").
//!
//! Both ends live on one machine and are built from this file, so numbers are little-endian and
//! every message is `tag` then its fields in declaration order. The shim marshals everything a
//! call needs (CDB, data out, flags) so the server never sees a client pointer (STYLE.md: umockdev
//! walks client memory from the server; burnbench does not).

use std::fmt;

/// Largest data phase one SG_IO may carry: the queue's `max_hw_sectors` (mmc.md §4.0, bigger is
/// EIO). 128 KiB is what libata gives an ATAPI writer.
pub const MAX_TRANSFER_BYTES: usize = 128 * 1024;

/// Largest message either side sends: a full data phase plus headers and sense.
pub const MAX_MESSAGE_BYTES: usize = MAX_TRANSFER_BYTES + 1024;

/// Environment variable naming the server socket; the shim is inert without it.
pub const SOCKET_ENV: &str = "BURNBENCH_ATTACH_SOCKET";
/// Environment variable listing the emulated drives' numbers (`0,1`): drive `i` of the server
/// is `/dev/sr{n}` and `/dev/sg{n}` for the `i`-th number.
pub const DRIVES_ENV: &str = "BURNBENCH_ATTACH_DRIVES";

/// Which node of a drive a file descriptor was opened through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// `/dev/srN`, block major 11: the cdrom layer and sr driver.
    Block,
    /// `/dev/sgN`, char major 21: the SCSI generic driver.
    Generic,
}

/// A device node: kind and drive index on the server (not the minor number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Node {
    pub kind: NodeKind,
    pub drive: u16,
}

/// The data direction of an SG_IO v3 header (`dxfer_direction`).
pub mod direction {
    pub const NONE: i32 = -1;
    pub const TO_DEV: i32 = -2;
    pub const FROM_DEV: i32 = -3;
    pub const TO_FROM_DEV: i32 = -4;
    pub const UNKNOWN: i32 = -5;
}

/// Requests the kernel answers from its own state or turns into commands (mmc.md §4.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KernelOp {
    /// CDROM_DRIVE_STATUS: CDS_* value.
    DriveStatus,
    /// CDROM_MEDIA_CHANGED: 1 once after every medium change, else 0.
    MediaChanged,
    /// CDROMEJECT: START STOP UNIT with LoEj.
    Eject,
    /// CDROMCLOSETRAY.
    CloseTray,
    /// BLKGETSIZE64: the block device's size in bytes.
    SizeBytes,
}

/// How `fcntl` locks are asked for (F_GETLK, F_SETLK, F_SETLKW).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockCommand {
    Get,
    Set,
    SetWait,
}

/// One POSIX record lock (`struct flock`, `l_whence` already applied by the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockRange {
    /// F_RDLCK 0, F_WRLCK 1, F_UNLCK 2 (Linux values).
    pub kind: i16,
    pub whence: i16,
    pub start: i64,
    /// 0 = to the end of the file.
    pub len: i64,
    pub pid: i32,
}

/// A client's request. Byte strings borrow from the message they were decoded from, so the
/// server copies a WRITE's data only into the medium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request<'a> {
    /// First message of a connection that is a new open file description of `node`.
    Open {
        node: Node,
        flags: i32,
    },
    /// First message of a connection that speaks for an open file description from another
    /// process (after fork or exec): `endpoint` is the abstract name the description's own
    /// connection is bound to (`getsockname` on the inherited descriptor).
    Join {
        endpoint: &'a [u8],
    },
    /// What the shim needs to fake /proc and /sys: the drives' identities.
    Describe,
    /// SG_IO v3, marshalled: the header fields the kernel checks, the CDB and the data out.
    ScsiCommand {
        cdb: &'a [u8],
        direction: i32,
        dxfer_len: u32,
        mx_sb_len: u8,
        timeout_ms: u32,
        data_out: &'a [u8],
    },
    Kernel(KernelOp),
    /// read / pread (`offset` -1: at the file position, which advances).
    BlockRead {
        offset: i64,
        len: u32,
    },
    /// write / pwrite.
    BlockWrite {
        offset: i64,
        data: &'a [u8],
    },
    /// lseek.
    Seek {
        offset: i64,
        whence: i32,
    },
    Lock {
        command: LockCommand,
        range: LockRange,
    },
    /// The process drops its POSIX locks on this node (it closed a descriptor of it).
    Unlock {
        pid: i32,
    },
    /// fsync / fdatasync.
    Sync,
}

/// The server's answer. `errno` 0 is success; otherwise the call fails with that errno.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Opened {
        errno: i32,
        handle: u64,
    },
    Joined {
        errno: i32,
        node: Node,
        flags: i32,
    },
    Described {
        drives: Vec<DriveIdentity>,
    },
    ScsiDone(ScsiOutcome),
    /// A number (status, size, position) or an errno.
    Value {
        errno: i32,
        value: i64,
    },
    Data {
        errno: i32,
        data: Vec<u8>,
    },
    Lock {
        errno: i32,
        range: LockRange,
    },
}

/// The output fields of SG_IO v3 plus the data in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScsiOutcome {
    /// Non-zero: the ioctl itself fails with this errno (EPERM, EINVAL, EIO…).
    pub errno: i32,
    pub status: u8,
    pub host_status: u16,
    pub driver_status: u16,
    pub resid: i32,
    pub duration_ms: u32,
    /// Already cut to `mx_sb_len`: its length is `sb_len_wr`.
    pub sense: Vec<u8>,
    pub data_in: Vec<u8>,
}

/// INQUIRY identity strings of one drive, and its node numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriveIdentity {
    pub number: u16,
    pub vendor: String,
    pub product: String,
    pub revision: String,
    /// CDROM_GET_CAPABILITY bits (`kernel::cdc`).
    pub capability: u32,
}

/// A message that does not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError(pub String);

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed attach message: {}", self.0)
    }
}

impl std::error::Error for ProtocolError {}

mod tag {
    pub const OPEN: u8 = 1;
    pub const JOIN: u8 = 2;
    pub const DESCRIBE: u8 = 3;
    pub const SCSI: u8 = 4;
    pub const KERNEL: u8 = 5;
    pub const BLOCK_READ: u8 = 6;
    pub const BLOCK_WRITE: u8 = 7;
    pub const SEEK: u8 = 8;
    pub const LOCK: u8 = 9;
    pub const UNLOCK: u8 = 10;
    pub const SYNC: u8 = 11;

    pub const OPENED: u8 = 101;
    pub const JOINED: u8 = 102;
    pub const DESCRIBED: u8 = 103;
    pub const SCSI_DONE: u8 = 104;
    pub const VALUE: u8 = 105;
    pub const DATA: u8 = 106;
    pub const LOCK_REPLY: u8 = 107;
}

/// Appends fields to a message.
#[derive(Default)]
struct Encoder(Vec<u8>);

impl Encoder {
    fn new(tag: u8) -> Encoder {
        Encoder(vec![tag])
    }
    fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    fn u16(mut self, v: u16) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn i16(self, v: i16) -> Self {
        self.u16(v as u16)
    }
    fn u32(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn i32(self, v: i32) -> Self {
        self.u32(v as u32)
    }
    fn u64(mut self, v: u64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn i64(self, v: i64) -> Self {
        self.u64(v as u64)
    }
    /// A length-prefixed byte string.
    fn bytes(self, v: &[u8]) -> Self {
        let mut this = self.u32(v.len() as u32);
        this.0.extend_from_slice(v);
        this
    }
    fn node(self, node: Node) -> Self {
        let kind = match node.kind {
            NodeKind::Block => 0,
            NodeKind::Generic => 1,
        };
        self.u8(kind).u16(node.drive)
    }
    fn range(self, r: &LockRange) -> Self {
        self.i16(r.kind).i16(r.whence).i64(r.start).i64(r.len).i32(r.pid)
    }
}

/// Reads fields of a message, failing on a short or inconsistent one.
struct Decoder<'a> {
    rest: &'a [u8],
}

impl<'a> Decoder<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtocolError> {
        if self.rest.len() < n {
            return Err(ProtocolError(format!("{} bytes short", n - self.rest.len())));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], ProtocolError> {
        Ok(self.take(N)?.try_into().expect("length checked"))
    }
    fn u8(&mut self) -> Result<u8, ProtocolError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ProtocolError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn i16(&mut self) -> Result<i16, ProtocolError> {
        Ok(self.u16()? as i16)
    }
    fn u32(&mut self) -> Result<u32, ProtocolError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn i32(&mut self) -> Result<i32, ProtocolError> {
        Ok(self.u32()? as i32)
    }
    fn u64(&mut self) -> Result<u64, ProtocolError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn i64(&mut self) -> Result<i64, ProtocolError> {
        Ok(self.u64()? as i64)
    }
    /// A length-prefixed byte string; the length is checked against what the message holds
    /// before anything is allocated.
    fn bytes(&mut self) -> Result<&'a [u8], ProtocolError> {
        let len = self.u32()? as usize;
        self.take(len)
    }
    fn string(&mut self) -> Result<String, ProtocolError> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| ProtocolError("a string is not UTF-8".into()))
    }
    fn node(&mut self) -> Result<Node, ProtocolError> {
        let kind = match self.u8()? {
            0 => NodeKind::Block,
            1 => NodeKind::Generic,
            other => return Err(ProtocolError(format!("unknown node kind {other}"))),
        };
        Ok(Node {
            kind,
            drive: self.u16()?,
        })
    }
    fn range(&mut self) -> Result<LockRange, ProtocolError> {
        Ok(LockRange {
            kind: self.i16()?,
            whence: self.i16()?,
            start: self.i64()?,
            len: self.i64()?,
            pid: self.i32()?,
        })
    }
    fn end<T>(self, value: T) -> Result<T, ProtocolError> {
        if self.rest.is_empty() {
            Ok(value)
        } else {
            Err(ProtocolError(format!("{} bytes left over", self.rest.len())))
        }
    }
}

/// Splits a message into its tag and a decoder over the fields.
fn open_message(message: &[u8]) -> Result<(u8, Decoder<'_>), ProtocolError> {
    match message.split_first() {
        Some((&tag, rest)) => Ok((tag, Decoder { rest })),
        None => Err(ProtocolError("empty message".into())),
    }
}

fn kernel_op_code(op: KernelOp) -> u8 {
    match op {
        KernelOp::DriveStatus => 0,
        KernelOp::MediaChanged => 1,
        KernelOp::Eject => 2,
        KernelOp::CloseTray => 3,
        KernelOp::SizeBytes => 4,
    }
}

/// A ScsiCommand message up to its data out: send these bytes followed by `data_len` bytes of
/// data (the shim sends the data straight from the program's buffers with one `sendmsg`).
pub fn scsi_command_head(
    cdb: &[u8],
    direction: i32,
    dxfer_len: u32,
    mx_sb_len: u8,
    timeout_ms: u32,
    data_len: u32,
) -> Vec<u8> {
    Encoder::new(tag::SCSI)
        .bytes(cdb)
        .i32(direction)
        .u32(dxfer_len)
        .u8(mx_sb_len)
        .u32(timeout_ms)
        .u32(data_len)
        .0
}

impl<'a> Request<'a> {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Request::Open { node, flags } => Encoder::new(tag::OPEN).node(*node).i32(*flags),
            Request::Join { endpoint } => Encoder::new(tag::JOIN).bytes(endpoint),
            Request::Describe => Encoder::new(tag::DESCRIBE),
            Request::ScsiCommand {
                cdb,
                direction,
                dxfer_len,
                mx_sb_len,
                timeout_ms,
                data_out,
            } => {
                let mut message = scsi_command_head(
                    cdb,
                    *direction,
                    *dxfer_len,
                    *mx_sb_len,
                    *timeout_ms,
                    data_out.len() as u32,
                );
                message.extend_from_slice(data_out);
                Encoder(message)
            }
            Request::Kernel(op) => Encoder::new(tag::KERNEL).u8(kernel_op_code(*op)),
            Request::BlockRead { offset, len } => Encoder::new(tag::BLOCK_READ).i64(*offset).u32(*len),
            Request::BlockWrite { offset, data } => Encoder::new(tag::BLOCK_WRITE).i64(*offset).bytes(data),
            Request::Seek { offset, whence } => Encoder::new(tag::SEEK).i64(*offset).i32(*whence),
            Request::Lock { command, range } => {
                let command = match command {
                    LockCommand::Get => 0,
                    LockCommand::Set => 1,
                    LockCommand::SetWait => 2,
                };
                Encoder::new(tag::LOCK).u8(command).range(range)
            }
            Request::Unlock { pid } => Encoder::new(tag::UNLOCK).i32(*pid),
            Request::Sync => Encoder::new(tag::SYNC),
        }
        .0
    }

    pub fn decode(message: &'a [u8]) -> Result<Request<'a>, ProtocolError> {
        let (tag, mut d) = open_message(message)?;
        let request = match tag {
            tag::OPEN => Request::Open {
                node: d.node()?,
                flags: d.i32()?,
            },
            tag::JOIN => Request::Join { endpoint: d.bytes()? },
            tag::DESCRIBE => Request::Describe,
            tag::SCSI => Request::ScsiCommand {
                cdb: d.bytes()?,
                direction: d.i32()?,
                dxfer_len: d.u32()?,
                mx_sb_len: d.u8()?,
                timeout_ms: d.u32()?,
                data_out: d.bytes()?,
            },
            tag::KERNEL => Request::Kernel(match d.u8()? {
                0 => KernelOp::DriveStatus,
                1 => KernelOp::MediaChanged,
                2 => KernelOp::Eject,
                3 => KernelOp::CloseTray,
                4 => KernelOp::SizeBytes,
                other => return Err(ProtocolError(format!("unknown kernel operation {other}"))),
            }),
            tag::BLOCK_READ => Request::BlockRead {
                offset: d.i64()?,
                len: d.u32()?,
            },
            tag::BLOCK_WRITE => Request::BlockWrite {
                offset: d.i64()?,
                data: d.bytes()?,
            },
            tag::SEEK => Request::Seek {
                offset: d.i64()?,
                whence: d.i32()?,
            },
            tag::LOCK => Request::Lock {
                command: match d.u8()? {
                    0 => LockCommand::Get,
                    1 => LockCommand::Set,
                    2 => LockCommand::SetWait,
                    other => return Err(ProtocolError(format!("unknown lock command {other}"))),
                },
                range: d.range()?,
            },
            tag::UNLOCK => Request::Unlock { pid: d.i32()? },
            tag::SYNC => Request::Sync,
            other => return Err(ProtocolError(format!("unknown request tag {other}"))),
        };
        d.end(request)
    }
}

impl Reply {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Reply::Opened { errno, handle } => Encoder::new(tag::OPENED).i32(*errno).u64(*handle),
            Reply::Joined { errno, node, flags } => Encoder::new(tag::JOINED).i32(*errno).node(*node).i32(*flags),
            Reply::Described { drives } => {
                let mut e = Encoder::new(tag::DESCRIBED).u16(drives.len() as u16);
                for drive in drives {
                    e = e
                        .u16(drive.number)
                        .bytes(drive.vendor.as_bytes())
                        .bytes(drive.product.as_bytes())
                        .bytes(drive.revision.as_bytes())
                        .u32(drive.capability);
                }
                e
            }
            Reply::ScsiDone(o) => Encoder::new(tag::SCSI_DONE)
                .i32(o.errno)
                .u8(o.status)
                .u16(o.host_status)
                .u16(o.driver_status)
                .i32(o.resid)
                .u32(o.duration_ms)
                .bytes(&o.sense)
                .bytes(&o.data_in),
            Reply::Value { errno, value } => Encoder::new(tag::VALUE).i32(*errno).i64(*value),
            Reply::Data { errno, data } => Encoder::new(tag::DATA).i32(*errno).bytes(data),
            Reply::Lock { errno, range } => Encoder::new(tag::LOCK_REPLY).i32(*errno).range(range),
        }
        .0
    }

    pub fn decode(message: &[u8]) -> Result<Reply, ProtocolError> {
        let (tag, mut d) = open_message(message)?;
        let reply = match tag {
            tag::OPENED => Reply::Opened {
                errno: d.i32()?,
                handle: d.u64()?,
            },
            tag::JOINED => Reply::Joined {
                errno: d.i32()?,
                node: d.node()?,
                flags: d.i32()?,
            },
            tag::DESCRIBED => {
                let count = d.u16()?;
                let mut drives = Vec::new();
                for _ in 0..count {
                    drives.push(DriveIdentity {
                        number: d.u16()?,
                        vendor: d.string()?,
                        product: d.string()?,
                        revision: d.string()?,
                        capability: d.u32()?,
                    });
                }
                Reply::Described { drives }
            }
            tag::SCSI_DONE => Reply::ScsiDone(ScsiOutcome {
                errno: d.i32()?,
                status: d.u8()?,
                host_status: d.u16()?,
                driver_status: d.u16()?,
                resid: d.i32()?,
                duration_ms: d.u32()?,
                sense: d.bytes()?.to_vec(),
                data_in: d.bytes()?.to_vec(),
            }),
            tag::VALUE => Reply::Value {
                errno: d.i32()?,
                value: d.i64()?,
            },
            tag::DATA => Reply::Data {
                errno: d.i32()?,
                data: d.bytes()?.to_vec(),
            },
            tag::LOCK_REPLY => Reply::Lock {
                errno: d.i32()?,
                range: d.range()?,
            },
            other => return Err(ProtocolError(format!("unknown reply tag {other}"))),
        };
        d.end(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requests() -> Vec<Request<'static>> {
        let range = LockRange {
            kind: 1,
            whence: 0,
            start: 0,
            len: 0,
            pid: 42,
        };
        vec![
            Request::Open {
                node: Node {
                    kind: NodeKind::Generic,
                    drive: 1,
                },
                flags: 0o4002,
            },
            Request::Join { endpoint: b"\0abcde" },
            Request::Describe,
            Request::ScsiCommand {
                cdb: &[0x12, 0, 0, 0, 0x24, 0],
                direction: direction::FROM_DEV,
                dxfer_len: 36,
                mx_sb_len: 32,
                timeout_ms: 30_000,
                data_out: &[],
            },
            Request::Kernel(KernelOp::SizeBytes),
            Request::BlockRead { offset: -1, len: 2048 },
            Request::BlockWrite {
                offset: 32768,
                data: &[1, 2, 3],
            },
            Request::Seek { offset: -5, whence: 2 },
            Request::Lock {
                command: LockCommand::SetWait,
                range,
            },
            Request::Unlock { pid: 3 },
            Request::Sync,
        ]
    }

    #[test]
    fn every_request_survives_encode_and_decode() {
        for request in requests() {
            assert_eq!(Request::decode(&request.encode()).unwrap(), request);
        }
    }

    #[test]
    fn every_reply_survives_encode_and_decode() {
        let replies = vec![
            Reply::Opened { errno: 16, handle: 3 },
            Reply::Joined {
                errno: 0,
                node: Node {
                    kind: NodeKind::Block,
                    drive: 0,
                },
                flags: 2,
            },
            Reply::Described {
                drives: vec![DriveIdentity {
                    number: 0,
                    vendor: "BURNBNCH".into(),
                    product: "BD-WRITER".into(),
                    revision: "1.00".into(),
                    capability: 0x3FFF,
                }],
            },
            Reply::ScsiDone(ScsiOutcome {
                status: 2,
                driver_status: 8,
                sense: vec![0x70, 0, 5],
                data_in: vec![9; 10],
                ..ScsiOutcome::default()
            }),
            Reply::Value { errno: 0, value: -1 },
            Reply::Data { errno: 5, data: vec![] },
        ];
        for reply in replies {
            assert_eq!(Reply::decode(&reply.encode()).unwrap(), reply);
        }
    }

    #[test]
    fn truncated_and_padded_messages_are_refused_without_allocating_their_claims() {
        for request in requests() {
            let bytes = request.encode();
            for cut in 0..bytes.len() {
                assert!(Request::decode(&bytes[..cut]).is_err(), "{request:?} cut at {cut}");
            }
            let mut padded = bytes.clone();
            padded.push(0);
            assert!(Request::decode(&padded).is_err());
        }
        // A byte string claiming 4 GiB in a 10-byte message.
        let forged = [tag::BLOCK_WRITE, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        assert!(Request::decode(&forged).is_err());
    }
}
