//! The only unsafe code of the adapter: `struct sg_io_hdr` as the kernel lays it out
//! (include/scsi/sg.h, interface v3) and the two ioctls the adapter makes, SG_IO and BLKSECTGET.
//! Everything above this module deals in slices and plain values.

use std::ffi::{c_int, c_uint, c_ushort, c_void};
use std::os::fd::{AsRawFd, BorrowedFd};

/// `SG_IO` (include/scsi/sg.h).
const SG_IO: u64 = 0x2285;
/// `BLKSECTGET` (include/uapi/linux/fs.h).
const BLKSECTGET: u64 = 0x1267;
/// `interface_id` of a v3 header.
pub const INTERFACE_ID_V3: c_int = b'S' as c_int;

/// `dxfer_direction` values.
pub mod direction {
    pub use crate::attach::protocol::direction::{FROM_DEV, NONE, TO_DEV};
}

/// `struct sg_io_hdr`: inputs first, then the outputs the kernel writes back. 88 bytes on
/// 64-bit Linux (attach.md §5, checked by the assertion below and the offsets test).
#[repr(C)]
#[derive(Debug)]
pub struct SgIoHdr {
    pub interface_id: c_int,
    pub dxfer_direction: c_int,
    pub cmd_len: u8,
    pub mx_sb_len: u8,
    pub iovec_count: c_ushort,
    pub dxfer_len: c_uint,
    pub dxferp: *mut c_void,
    pub cmdp: *const u8,
    pub sbp: *mut u8,
    /// Milliseconds; 0 means the driver's default.
    pub timeout: c_uint,
    pub flags: c_uint,
    pub pack_id: c_int,
    pub usr_ptr: *mut c_void,
    /// SCSI status byte.
    pub status: u8,
    /// `status >> 1` (the old SCSI-2 shifted status).
    pub masked_status: u8,
    pub msg_status: u8,
    /// Sense bytes the kernel wrote to `sbp` (at most `mx_sb_len`).
    pub sb_len_wr: u8,
    /// `DID_*` of the host adapter.
    pub host_status: c_ushort,
    /// `DRIVER_*` (low nibble), DRIVER_SENSE with sense data.
    pub driver_status: c_ushort,
    /// `dxfer_len` minus the bytes actually moved.
    pub resid: c_int,
    /// Milliseconds the command took.
    pub duration: c_uint,
    pub info: c_uint,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<SgIoHdr>() == 88);

/// Issue SG_IO with `header`, whose pointers the caller set to `cmd`, `data` and `sense`.
/// Returns the errno of a refused ioctl (the command's own outcome is in the header).
pub fn sg_io(
    fd: BorrowedFd<'_>,
    header: &mut SgIoHdr,
    cmd: &[u8],
    data: DataBuffer<'_>,
    sense: &mut [u8],
) -> Result<(), i32> {
    header.cmdp = cmd.as_ptr();
    header.cmd_len = u8::try_from(cmd.len()).map_err(|_| libc::EINVAL)?;
    header.sbp = sense.as_mut_ptr();
    header.mx_sb_len = u8::try_from(sense.len()).unwrap_or(u8::MAX);
    let (pointer, len) = match data {
        DataBuffer::None => (std::ptr::null_mut(), 0),
        DataBuffer::In(buffer) => (buffer.as_mut_ptr().cast::<c_void>(), buffer.len()),
        // The kernel only reads a data-out buffer; the header's field is not const.
        DataBuffer::Out(buffer) => (buffer.as_ptr().cast_mut().cast::<c_void>(), buffer.len()),
    };
    header.dxferp = pointer;
    header.dxfer_len = c_uint::try_from(len).map_err(|_| libc::EINVAL)?;
    header.iovec_count = 0;
    // SAFETY: `header` is a valid sg_io_hdr; cmdp, sbp and dxferp point into slices that live
    // for this call with the lengths given in cmd_len, mx_sb_len and dxfer_len (no iovec list),
    // and a data-in buffer is exclusively borrowed, so the kernel's writes alias nothing.
    let ret = unsafe { libc::ioctl(fd.as_raw_fd(), SG_IO as _, header as *mut SgIoHdr) };
    if ret < 0 {
        return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO));
    }
    Ok(())
}

/// The data buffer of one SG_IO.
pub enum DataBuffer<'a> {
    None,
    In(&'a mut [u8]),
    Out(&'a [u8]),
}

/// BLKSECTGET: the largest transfer the queue takes. The block device (sr) answers an
/// unsigned short count of 512-byte sectors, the sg driver an int count of bytes (attach.md §5).
pub fn max_transfer_bytes(fd: BorrowedFd<'_>, block_device: bool) -> Option<usize> {
    if block_device {
        let mut sectors: c_ushort = 0;
        // SAFETY: the kernel writes one unsigned short to the valid pointer.
        let ret = unsafe { libc::ioctl(fd.as_raw_fd(), BLKSECTGET as _, &mut sectors as *mut c_ushort) };
        (ret == 0 && sectors > 0).then_some(usize::from(sectors) * 512)
    } else {
        let mut bytes: c_int = 0;
        // SAFETY: the sg driver writes one int to the valid pointer.
        let ret = unsafe { libc::ioctl(fd.as_raw_fd(), BLKSECTGET as _, &mut bytes as *mut c_int) };
        (ret == 0 && bytes > 0).then_some(bytes as usize)
    }
}

impl SgIoHdr {
    /// A v3 header with every field zero (null pointers) and the interface id set.
    pub fn new(direction: c_int, timeout_ms: c_uint) -> SgIoHdr {
        SgIoHdr {
            interface_id: INTERFACE_ID_V3,
            dxfer_direction: direction,
            cmd_len: 0,
            mx_sb_len: 0,
            iovec_count: 0,
            dxfer_len: 0,
            dxferp: std::ptr::null_mut(),
            cmdp: std::ptr::null(),
            sbp: std::ptr::null_mut(),
            timeout: timeout_ms,
            flags: 0,
            pack_id: 0,
            usr_ptr: std::ptr::null_mut(),
            status: 0,
            masked_status: 0,
            msg_status: 0,
            sb_len_wr: 0,
            host_status: 0,
            driver_status: 0,
            resid: 0,
            duration: 0,
            info: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::offset_of;

    /// The offsets the kernel (and the preload shim, which reads the header as bytes) uses.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn the_header_has_the_kernels_layout() {
        assert_eq!(std::mem::size_of::<SgIoHdr>(), 88);
        let offsets = [
            (offset_of!(SgIoHdr, interface_id), 0),
            (offset_of!(SgIoHdr, dxfer_direction), 4),
            (offset_of!(SgIoHdr, cmd_len), 8),
            (offset_of!(SgIoHdr, mx_sb_len), 9),
            (offset_of!(SgIoHdr, iovec_count), 10),
            (offset_of!(SgIoHdr, dxfer_len), 12),
            (offset_of!(SgIoHdr, dxferp), 16),
            (offset_of!(SgIoHdr, cmdp), 24),
            (offset_of!(SgIoHdr, sbp), 32),
            (offset_of!(SgIoHdr, timeout), 40),
            (offset_of!(SgIoHdr, flags), 44),
            (offset_of!(SgIoHdr, pack_id), 48),
            (offset_of!(SgIoHdr, usr_ptr), 56),
            (offset_of!(SgIoHdr, status), 64),
            (offset_of!(SgIoHdr, masked_status), 65),
            (offset_of!(SgIoHdr, msg_status), 66),
            (offset_of!(SgIoHdr, sb_len_wr), 67),
            (offset_of!(SgIoHdr, host_status), 68),
            (offset_of!(SgIoHdr, driver_status), 70),
            (offset_of!(SgIoHdr, resid), 72),
            (offset_of!(SgIoHdr, duration), 76),
            (offset_of!(SgIoHdr, info), 80),
        ];
        for (i, (actual, expected)) in offsets.iter().enumerate() {
            assert_eq!(actual, expected, "field {i}");
        }
    }

    #[test]
    fn sg_io_on_a_file_that_is_not_a_scsi_device_is_refused_with_enotty() {
        let file = tempfile::tempfile().unwrap();
        let mut header = SgIoHdr::new(direction::NONE, 1000);
        let mut sense = [0u8; 32];
        let result = sg_io(
            std::os::fd::AsFd::as_fd(&file),
            &mut header,
            &[0, 0, 0, 0, 0, 0],
            DataBuffer::None,
            &mut sense,
        );
        assert_eq!(result, Err(libc::ENOTTY));
        assert_eq!(max_transfer_bytes(std::os::fd::AsFd::as_fd(&file), true), None);
    }
}
