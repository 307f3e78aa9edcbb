//! Plumbing shared by every wire structure of `mmc`: byte ranges, big-endian access, the view
//! macros, the decode error and the allocation-length helper.
//!
//! The shape follows smoltcp's `wire` module (STYLE.md): a structure is a typed view over a byte
//! buffer whose private `mod field` names every field once as a byte range, plus a parsed `Repr`.

use super::Sense;
use super::sense_data::FieldPointer;
use std::fmt;

/// A field that spans bytes `start..end` of a structure.
pub type Field = core::ops::Range<usize>;
/// A field that runs from `start` to the end of the buffer.
pub type Rest = core::ops::RangeFrom<usize>;

/// Reads a big-endian unsigned number of up to four bytes (mmc.md §1: all multi-byte fields are
/// big-endian).
pub fn read_be(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |acc, &b| acc.wrapping_shl(8) | u32::from(b))
}

/// Reads a big-endian unsigned number of up to eight bytes.
pub fn read_be64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, &b| acc.wrapping_shl(8) | u64::from(b))
}

/// Writes the low `bytes.len()` bytes of `value` big-endian.
pub fn write_be(bytes: &mut [u8], value: u64) {
    for (i, byte) in bytes.iter_mut().rev().enumerate() {
        *byte = value.checked_shr(8 * i as u32).unwrap_or(0) as u8;
    }
}

/// The part of `reply` that a drive transfers for an allocation length of `alloc` bytes.
///
/// mmc.md §1: a short allocation length truncates the reply and is never an error; the length
/// fields inside the reply still describe the whole structure, so that a client can ask for the
/// header first and then for everything.
pub fn copy_truncated(reply: &[u8], alloc: usize) -> &[u8] {
    &reply[..reply.len().min(alloc)]
}

/// Why a CDB, a parameter list or a reply could not be decoded: the sense a drive answers with
/// and, for ILLEGAL REQUEST, the field that caused it (mmc.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CdbError {
    pub sense: Sense,
    pub field: Option<FieldPointer>,
}

impl CdbError {
    pub const fn new(sense: Sense, field: Option<FieldPointer>) -> CdbError {
        CdbError { sense, field }
    }

    /// 5/20/00: the operation code is not one the drive knows.
    pub const fn invalid_opcode() -> CdbError {
        CdbError::new(Sense::INVALID_COMMAND_OPERATION_CODE, Some(FieldPointer::cdb(0, None)))
    }

    /// 5/24/00 pointing at CDB byte `byte`, bit `bit` (the most significant bit of the field).
    pub const fn invalid_field_in_cdb(byte: u16, bit: Option<u8>) -> CdbError {
        CdbError::new(Sense::INVALID_FIELD_IN_CDB, Some(FieldPointer::cdb(byte, bit)))
    }

    /// 5/26/00 pointing at parameter-list byte `byte`, bit `bit`.
    pub const fn invalid_field_in_parameter_list(byte: u16, bit: Option<u8>) -> CdbError {
        CdbError::new(
            Sense::INVALID_FIELD_IN_PARAMETER_LIST,
            Some(FieldPointer::parameter(byte, bit)),
        )
    }

    /// 5/1A/00: a parameter list (or a reply being parsed) is shorter than its structure needs,
    /// or its length fields contradict each other.
    pub const fn parameter_list_length() -> CdbError {
        CdbError::new(Sense::PARAMETER_LIST_LENGTH_ERROR, None)
    }
}

impl fmt::Display for CdbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.sense)?;
        if let Some(field) = self.field {
            write!(f, " at {field}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CdbError {}

/// Declares a typed view `$name<T: AsRef<[u8]>>` over a buffer of at least `$min` bytes.
macro_rules! view {
    ($(#[$meta:meta])* $name:ident, min_len = $min:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name<T: AsRef<[u8]>> {
            buffer: T,
        }

        impl<T: AsRef<[u8]>> $name<T> {
            /// The shortest buffer this structure fits in.
            pub const MIN_LEN: usize = $min;

            /// Wraps a buffer without checking its length; getters may then panic.
            pub const fn new_unchecked(buffer: T) -> Self {
                Self { buffer }
            }

            /// Wraps a buffer after [`Self::check_len`].
            pub fn new_checked(buffer: T) -> Result<Self, $crate::mmc::wire::CdbError> {
                let view = Self::new_unchecked(buffer);
                view.check_len()?;
                Ok(view)
            }

            /// Ensures every fixed field is inside the buffer (5/1A/00 otherwise).
            pub fn check_len(&self) -> Result<(), $crate::mmc::wire::CdbError> {
                if self.buffer.as_ref().len() < $min {
                    Err($crate::mmc::wire::CdbError::parameter_list_length())
                } else {
                    Ok(())
                }
            }

            pub fn into_inner(self) -> T {
                self.buffer
            }

            pub fn as_bytes(&self) -> &[u8] {
                self.buffer.as_ref()
            }
        }
    };
}

/// Getters (and setters when the buffer is mutable) for the fields of a view, one line each:
/// `be` big-endian number over a byte range, `byte` one whole byte, `bit` one flag (`byte, mask`), `bits` a masked
/// number inside one byte (`byte, mask`), `bytes` a raw byte range.
macro_rules! accessors {
    ($name:ident { $( $(#[$doc:meta])* $kind:ident $get:ident / $set:ident : $ty:ty = $at:expr $(, $mask:expr)? ; )* }) => {
        impl<T: AsRef<[u8]>> $name<T> {
            $( accessors!(@get $(#[$doc])* $kind $get $ty, $at $(, $mask)?); )*
        }
        impl<T: AsRef<[u8]> + AsMut<[u8]>> $name<T> {
            $( accessors!(@set $kind $set $ty, $at $(, $mask)?); )*
        }
    };
    (@get $(#[$doc:meta])* be $get:ident $ty:ty, $at:expr) => {
        $(#[$doc])*
        #[inline]
        pub fn $get(&self) -> $ty {
            $crate::mmc::wire::read_be(&self.buffer.as_ref()[$at]) as $ty
        }
    };
    (@set be $set:ident $ty:ty, $at:expr) => {
        #[inline]
        pub fn $set(&mut self, value: $ty) {
            $crate::mmc::wire::write_be(&mut self.buffer.as_mut()[$at], value as u64)
        }
    };
    (@get $(#[$doc:meta])* byte $get:ident $ty:ty, $at:expr) => {
        $(#[$doc])*
        #[inline]
        pub fn $get(&self) -> u8 {
            self.buffer.as_ref()[$at]
        }
    };
    (@set byte $set:ident $ty:ty, $at:expr) => {
        #[inline]
        pub fn $set(&mut self, value: u8) {
            self.buffer.as_mut()[$at] = value
        }
    };
    (@get $(#[$doc:meta])* bit $get:ident $ty:ty, $at:expr, $mask:expr) => {
        $(#[$doc])*
        #[inline]
        pub fn $get(&self) -> bool {
            self.buffer.as_ref()[$at] & $mask != 0
        }
    };
    (@set bit $set:ident $ty:ty, $at:expr, $mask:expr) => {
        #[inline]
        pub fn $set(&mut self, value: bool) {
            let byte = &mut self.buffer.as_mut()[$at];
            if value { *byte |= $mask } else { *byte &= !$mask }
        }
    };
    (@get $(#[$doc:meta])* bits $get:ident $ty:ty, $at:expr, $mask:expr) => {
        $(#[$doc])*
        #[inline]
        pub fn $get(&self) -> u8 {
            (self.buffer.as_ref()[$at] & $mask) >> ($mask as u8).trailing_zeros()
        }
    };
    (@set bits $set:ident $ty:ty, $at:expr, $mask:expr) => {
        #[inline]
        pub fn $set(&mut self, value: u8) {
            let byte = &mut self.buffer.as_mut()[$at];
            *byte = (*byte & !$mask) | ((value << ($mask as u8).trailing_zeros()) & $mask);
        }
    };
    (@get $(#[$doc:meta])* bytes $get:ident $ty:ty, $at:expr) => {
        $(#[$doc])*
        #[inline]
        pub fn $get(&self) -> &[u8] {
            &self.buffer.as_ref()[$at]
        }
    };
    (@set bytes $set:ident $ty:ty, $at:expr) => {
        /// Copies `value` into the field; panics if the lengths differ.
        #[inline]
        pub fn $set(&mut self, value: &[u8]) {
            self.buffer.as_mut()[$at].copy_from_slice(value)
        }
    };
}

/// `to_vec()` for a `Repr`: a buffer of `buffer_len()` zero bytes, emitted into through `$view`.
macro_rules! impl_to_vec {
    ($repr:ty, $view:ident) => {
        impl $repr {
            /// The structure's bytes, as a drive would send (or a client would build) them.
            pub fn to_vec(&self) -> Vec<u8> {
                let mut bytes = vec![0u8; self.buffer_len()];
                self.emit(&mut $view::new_unchecked(&mut bytes[..]));
                bytes
            }
        }
    };
}

pub(crate) use {accessors, impl_to_vec, view};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_endian_round_trip() {
        let mut bytes = [0u8; 3];
        write_be(&mut bytes, 0x0123_4567);
        assert_eq!(bytes, [0x23, 0x45, 0x67]);
        assert_eq!(read_be(&bytes), 0x23_4567);
        let mut wide = [0u8; 8];
        write_be(&mut wide, u64::MAX - 1);
        assert_eq!(read_be64(&wide), u64::MAX - 1);
    }

    #[test]
    fn negative_values_are_twos_complement() {
        let mut bytes = [0u8; 4];
        write_be(&mut bytes, -150i32 as u64);
        assert_eq!(bytes, [0xFF, 0xFF, 0xFF, 0x6A]);
        assert_eq!(read_be(&bytes) as i32, -150);
    }

    #[test]
    fn short_allocation_truncates_never_fails() {
        let reply = [1u8, 2, 3, 4];
        assert_eq!(copy_truncated(&reply, 2), &[1, 2]);
        assert_eq!(copy_truncated(&reply, 0), &[] as &[u8]);
        assert_eq!(copy_truncated(&reply, 4096), &reply);
    }
}
