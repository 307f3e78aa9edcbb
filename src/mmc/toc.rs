//! READ TOC/PMA/ATIP formats 0 (formatted TOC) and 1 (multi-session information) (mmc.md §1.3).
//!
//! Both share one layout: a 4-byte header (data length, then first and last track — or first and
//! last complete session for format 1) and 8-byte track descriptors (ADR/CONTROL, track number,
//! start address as LBA or `00 MM SS FF`). Format 0 ends with the lead-out, track AAh; format 1
//! has one descriptor: the first track of the last complete session.

use super::msf::Addressing;
use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    pub const LENGTH: Field = 0..2;
    pub const FIRST: usize = 2;
    pub const LAST: usize = 3;
    pub const DESCRIPTORS: Rest = 4..;
    pub const HEADER_END: usize = 4;

    /// Within one 8-byte descriptor.
    pub const ADR_CONTROL: usize = 1;
    pub const TRACK_NUMBER: usize = 2;
    pub const START_ADDRESS: Field = 4..8;
    pub const DESCRIPTOR_LEN: usize = 8;
}

view!(
    /// TOC format 0 / 1 data.
    Toc,
    min_len = field::HEADER_END
);
accessors!(Toc {
    be length / set_length: u16 = field::LENGTH;
    byte first / set_first: u8 = field::FIRST;
    byte last / set_last: u8 = field::LAST;
    bytes descriptors / set_descriptors: [u8] = field::DESCRIPTORS;
});

view!(
    /// One 8-byte track descriptor.
    TocTrackDescriptor,
    min_len = field::DESCRIPTOR_LEN
);
accessors!(TocTrackDescriptor {
    bits adr / set_adr: u8 = field::ADR_CONTROL, 0xF0;
    bits control / set_control: u8 = field::ADR_CONTROL, 0x0F;
    byte track_number / set_track_number: u8 = field::TRACK_NUMBER;
    be start_address / set_start_address: u32 = field::START_ADDRESS;
});

/// Track number of the lead-out descriptor.
pub const LEAD_OUT_TRACK: u8 = 0xAA;
/// ADR 1: Q sub-channel encodes the current position.
pub const ADR_POSITION: u8 = 1;

/// CONTROL nibble values (mmc.md §1.4 track mode).
pub mod control {
    pub const AUDIO: u8 = 0x0;
    pub const DATA_UNINTERRUPTED: u8 = 0x4;
    pub const DATA_INCREMENTAL: u8 = 0x5;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TocDescriptor {
    pub adr: u8,
    pub control: u8,
    pub track_number: u8,
    /// Start address as an LBA, whatever the addressing on the wire.
    pub start_lba: i32,
}

impl TocDescriptor {
    /// A data track (ADR 1) starting at `start_lba`.
    pub fn data(track_number: u8, control: u8, start_lba: i32) -> TocDescriptor {
        TocDescriptor {
            adr: ADR_POSITION,
            control,
            track_number,
            start_lba,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocRepr {
    pub addressing: Addressing,
    /// Format 0: first track number; format 1: first complete session.
    pub first: u8,
    /// Format 0: last track number; format 1: last complete session.
    pub last: u8,
    pub descriptors: Vec<TocDescriptor>,
}

impl TocRepr {
    /// Parses a TOC whose addresses are written as `addressing` (the MSF bit of the CDB).
    /// Descriptors beyond the data length or the buffer are dropped.
    pub fn parse<T: AsRef<[u8]>>(data: &Toc<T>, addressing: Addressing) -> Result<TocRepr, CdbError> {
        data.check_len()?;
        let declared = usize::from(data.length()).saturating_sub(field::HEADER_END - field::LENGTH.end);
        let bytes = data.descriptors();
        let descriptors = bytes[..bytes.len().min(declared)]
            .chunks_exact(field::DESCRIPTOR_LEN)
            .enumerate()
            .map(|(i, chunk)| {
                let descriptor = TocTrackDescriptor::new_unchecked(chunk);
                // An MSF that is no CD address (mmc.md §2.4) is a malformed reply, pointed at.
                let at = field::HEADER_END + i * field::DESCRIPTOR_LEN + field::START_ADDRESS.start;
                let start_lba = addressing
                    .decode(descriptor.start_address())
                    .ok_or(CdbError::invalid_field_in_parameter_list(at as u16, None))?;
                Ok(TocDescriptor {
                    adr: descriptor.adr(),
                    control: descriptor.control(),
                    track_number: descriptor.track_number(),
                    start_lba,
                })
            })
            .collect::<Result<_, CdbError>>()?;
        Ok(TocRepr {
            addressing,
            first: data.first(),
            last: data.last(),
            descriptors,
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::HEADER_END + field::DESCRIPTOR_LEN * self.descriptors.len()
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut Toc<T>) {
        let len = self.buffer_len();
        data.buffer.as_mut()[..len].fill(0);
        data.set_length((len - field::LENGTH.end) as u16);
        data.set_first(self.first);
        data.set_last(self.last);
        let area = &mut data.buffer.as_mut()[field::HEADER_END..len];
        for (chunk, descriptor) in area.chunks_exact_mut(field::DESCRIPTOR_LEN).zip(&self.descriptors) {
            let mut view = TocTrackDescriptor::new_unchecked(chunk);
            view.set_adr(descriptor.adr);
            view.set_control(descriptor.control);
            view.set_track_number(descriptor.track_number);
            view.set_start_address(self.addressing.encode(descriptor.start_lba));
        }
    }
}
impl_to_vec!(TocRepr, Toc);

#[cfg(test)]
mod tests {
    use super::*;

    /// One closed data session of 608 blocks + 2 run-out (mmc.md §2.4 real disc): track 1 at 0,
    /// lead-out at 610, LBA addressing.
    static SINGLE_SESSION_LBA: [u8; 20] = [
        0x00, 0x12, 0x01, 0x01, //
        0x00, 0x14, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, //
        0x00, 0x14, 0xAA, 0x00, 0x00, 0x00, 0x02, 0x62,
    ];
    /// The same in MSF: 00:02:00 and 00:10:10.
    static SINGLE_SESSION_MSF: [u8; 20] = [
        0x00, 0x12, 0x01, 0x01, //
        0x00, 0x14, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, //
        0x00, 0x14, 0xAA, 0x00, 0x00, 0x00, 0x0A, 0x0A,
    ];
    /// Format 1 of the three-session disc of mmc.md §2.4: sessions 1–3, last session starts with
    /// track 3 at 24800.
    static MULTI_SESSION: [u8; 12] = [0x00, 0x0A, 0x01, 0x03, 0x00, 0x14, 0x03, 0x00, 0x00, 0x00, 0x60, 0xE0];

    fn single_session(addressing: Addressing) -> TocRepr {
        TocRepr {
            addressing,
            first: 1,
            last: 1,
            descriptors: vec![
                TocDescriptor::data(1, control::DATA_UNINTERRUPTED, 0),
                TocDescriptor::data(LEAD_OUT_TRACK, control::DATA_UNINTERRUPTED, 610),
            ],
        }
    }

    #[test]
    fn deconstruct() {
        let data = Toc::new_checked(&SINGLE_SESSION_LBA[..]).unwrap();
        assert_eq!(data.length(), 18);
        assert_eq!((data.first(), data.last()), (1, 1));
        let lead_out = TocTrackDescriptor::new_checked(&data.descriptors()[8..]).unwrap();
        assert_eq!(lead_out.adr(), 1);
        assert_eq!(lead_out.control(), 4);
        assert_eq!(lead_out.track_number(), LEAD_OUT_TRACK);
        assert_eq!(lead_out.start_address(), 610);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 12];
        let mut data = Toc::new_unchecked(&mut bytes[..]);
        data.set_length(10);
        data.set_first(1);
        data.set_last(3);
        let mut descriptor = TocTrackDescriptor::new_unchecked(&mut bytes[4..]);
        descriptor.set_adr(1);
        descriptor.set_control(4);
        descriptor.set_track_number(3);
        descriptor.set_start_address(24_800);
        assert_eq!(bytes, MULTI_SESSION);
    }

    #[test]
    fn parse_and_emit_lba() {
        let repr = single_session(Addressing::Lba);
        assert_eq!(
            TocRepr::parse(&Toc::new_checked(&SINGLE_SESSION_LBA[..]).unwrap(), Addressing::Lba),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), SINGLE_SESSION_LBA);
    }

    #[test]
    fn parse_and_emit_msf() {
        let repr = single_session(Addressing::Msf);
        assert_eq!(
            TocRepr::parse(&Toc::new_checked(&SINGLE_SESSION_MSF[..]).unwrap(), Addressing::Msf),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), SINGLE_SESSION_MSF);
    }

    #[test]
    fn msf_that_is_no_address_is_refused_with_a_pointer() {
        // Reproducer of the `mmc` fuzz target (docs/fuzzing.md): descriptor 2 at 00:60:00.
        let mut reply = SINGLE_SESSION_MSF.to_vec();
        reply[12 + 4..12 + 8].copy_from_slice(&[0, 0, 60, 0]);
        let error = TocRepr::parse(&Toc::new_checked(&reply[..]).unwrap(), Addressing::Msf).unwrap_err();
        assert_eq!(error, CdbError::invalid_field_in_parameter_list(16, None));
        assert!(TocRepr::parse(&Toc::new_checked(&reply[..]).unwrap(), Addressing::Lba).is_ok());
    }

    #[test]
    fn parse_and_emit_multi_session() {
        let repr = TocRepr {
            addressing: Addressing::Lba,
            first: 1,
            last: 3,
            descriptors: vec![TocDescriptor::data(3, control::DATA_UNINTERRUPTED, 24_800)],
        };
        assert_eq!(
            TocRepr::parse(&Toc::new_checked(&MULTI_SESSION[..]).unwrap(), Addressing::Lba),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), MULTI_SESSION);
    }

    #[test]
    fn header_only_allocation_keeps_the_full_length() {
        // Tools ask 4 bytes first, then the whole TOC (mmc.md §1).
        let bytes = single_session(Addressing::Lba).to_vec();
        let header = crate::mmc::wire::copy_truncated(&bytes, 4);
        let repr = TocRepr::parse(&Toc::new_checked(header).unwrap(), Addressing::Lba).unwrap();
        assert!(repr.descriptors.is_empty());
        assert_eq!(Toc::new_checked(header).unwrap().length(), 18);
    }
}
