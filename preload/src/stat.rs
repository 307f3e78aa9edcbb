//! What stat, lstat, fstat and statx say about a fake path or an emulated descriptor: block
//! 11:N for /dev/srN, char 21:N for /dev/sgN, stable st_dev / st_ino (growisofs compares them
//! across opens, attach.md §1.4), a link for /dev/cdrom, read-only files and folders elsewhere.

use crate::paths::{Fake, number};
use burnbench::attach::protocol::{Node, NodeKind};

/// devtmpfs, as /dev shows on Debian: device 0:5.
const DEV_FS: u64 = libc::makedev(0, 5) as u64;
/// sysfs and procfs devices as seen here (only their being stable matters).
const SYS_FS: u64 = libc::makedev(0, 21) as u64;

/// The fields a fake path's stat has.
#[derive(Debug, Clone, Copy)]
pub struct Attributes {
    pub mode: u32,
    pub rdev: u64,
    pub dev: u64,
    pub ino: u64,
    pub size: i64,
    pub nlink: u64,
    pub gid: u32,
}

/// Debian's `cdrom` group owns optical drives.
const CDROM_GID: u32 = 24;

pub fn node_attributes(node: Node) -> Attributes {
    let n = u32::from(number(usize::from(node.drive)));
    let (mode, major, ino_base) = match node.kind {
        NodeKind::Block => (libc::S_IFBLK | 0o660, 11, 0x6262_0000),
        NodeKind::Generic => (libc::S_IFCHR | 0o660, 21, 0x6262_1000),
    };
    Attributes {
        mode,
        rdev: libc::makedev(major, n) as u64,
        dev: DEV_FS,
        ino: ino_base + u64::from(n),
        size: 0,
        nlink: 1,
        gid: CDROM_GID,
    }
}

/// Attributes of a fake path; `follow` resolves a link (stat) instead of describing it (lstat).
pub fn attributes(fake: &Fake, path_hash: u64, follow: bool) -> Option<Attributes> {
    let plain = |mode: u32, size: i64, nlink: u64| Attributes {
        mode,
        rdev: 0,
        dev: SYS_FS,
        ino: 0x6262_2000 + (path_hash & 0xFFFF),
        size,
        nlink,
        gid: 0,
    };
    Some(match fake {
        Fake::Node(node) => node_attributes(*node),
        Fake::Link(target) => {
            if follow {
                let fake = crate::paths::classify(format!("/dev/{target}").as_bytes())?;
                return attributes(&fake, path_hash, true);
            }
            Attributes {
                dev: DEV_FS,
                ..plain(libc::S_IFLNK | 0o777, target.len() as i64, 1)
            }
        }
        Fake::File(_) => plain(libc::S_IFREG | 0o444, 0, 1),
        Fake::Dir => plain(libc::S_IFDIR | 0o755, 0, 2),
        Fake::Descriptor(fd) => node_attributes(crate::fds::entry(*fd)?.node),
    })
}

/// A small stable hash of a path for fake inode numbers.
pub fn path_hash(path: &[u8]) -> u64 {
    path.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Seconds since the epoch when the shim was loaded (the nodes' times).
fn boot_time() -> i64 {
    static TIME: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *TIME.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    })
}

/// Fill a `struct stat` (on 64-bit Linux `stat` and `stat64` are the same layout).
pub fn fill_stat(a: &Attributes, st: &mut libc::stat) {
    // SAFETY: zeroed stat is valid.
    *st = unsafe { std::mem::zeroed() };
    st.st_dev = a.dev;
    st.st_ino = a.ino;
    st.st_mode = a.mode;
    st.st_nlink = a.nlink;
    st.st_uid = 0;
    st.st_gid = a.gid;
    st.st_rdev = a.rdev;
    st.st_size = a.size;
    st.st_blksize = 4096;
    st.st_blocks = 0;
    let time = boot_time();
    st.st_atime = time;
    st.st_mtime = time;
    st.st_ctime = time;
}

pub fn fill_stat64(a: &Attributes, st: &mut libc::stat64) {
    let mut plain: libc::stat = unsafe { std::mem::zeroed() };
    fill_stat(a, &mut plain);
    // SAFETY: on 64-bit Linux `stat` and `stat64` have one layout (checked below).
    *st = unsafe { std::mem::transmute::<libc::stat, libc::stat64>(plain) };
}

const _: () = assert!(std::mem::size_of::<libc::stat>() == std::mem::size_of::<libc::stat64>());

pub fn fill_statx(a: &Attributes, st: &mut libc::statx) {
    // SAFETY: zeroed statx is valid.
    *st = unsafe { std::mem::zeroed() };
    st.stx_mask = libc::STATX_BASIC_STATS;
    st.stx_blksize = 4096;
    st.stx_nlink = a.nlink as u32;
    st.stx_uid = 0;
    st.stx_gid = a.gid;
    st.stx_mode = a.mode as u16;
    st.stx_ino = a.ino;
    st.stx_size = a.size as u64;
    st.stx_rdev_major = libc::major(a.rdev as libc::dev_t);
    st.stx_rdev_minor = libc::minor(a.rdev as libc::dev_t);
    st.stx_dev_major = libc::major(a.dev as libc::dev_t);
    st.stx_dev_minor = libc::minor(a.dev as libc::dev_t);
    let time = boot_time();
    for t in [
        &mut st.stx_atime,
        &mut st.stx_mtime,
        &mut st.stx_ctime,
        &mut st.stx_btime,
    ] {
        t.tv_sec = time;
    }
}
