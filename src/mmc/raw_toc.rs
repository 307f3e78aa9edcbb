//! READ TOC/PMA/ATIP format 2: the raw TOC, 11-byte Q sub-channel descriptors per session
//! (mmc.md §1.3). Addresses are always M:S:F bytes here.
//!
//! Points: 01h–63h tracks; A0h first track (PMIN) and disc type (PSEC); A1h last track (PMIN);
//! A2h lead-out start (PMIN:PSEC:PFRAME); B0h next writable address (MIN:SEC:FRAME, FF:FF:FF when
//! finalized), number of mode-5 pointers (ZERO) and last possible lead-out (PMIN…); C0h optimum
//! recording power (MIN), application code (SEC) and the first lead-in of the disc (PMIN…)
//! [cookbook via mmc.md §1.3]. DVD/BD answer format 2 with 5/24/00 (mmc.md §1.3).

use super::msf::Msf;
use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    pub const LENGTH: Field = 0..2;
    pub const FIRST_SESSION: usize = 2;
    pub const LAST_SESSION: usize = 3;
    pub const DESCRIPTORS: Rest = 4..;
    pub const HEADER_END: usize = 4;

    /// Within one 11-byte descriptor.
    pub const SESSION: usize = 0;
    pub const ADR_CONTROL: usize = 1;
    pub const TNO: usize = 2;
    pub const POINT: usize = 3;
    pub const TIME: Field = 4..7;
    pub const ZERO: usize = 7;
    pub const POINT_TIME: Field = 8..11;
    pub const DESCRIPTOR_LEN: usize = 11;
}

view!(
    /// Raw TOC data.
    RawToc,
    min_len = field::HEADER_END
);
accessors!(RawToc {
    be length / set_length: u16 = field::LENGTH;
    byte first_session / set_first_session: u8 = field::FIRST_SESSION;
    byte last_session / set_last_session: u8 = field::LAST_SESSION;
    bytes descriptors / set_descriptors: [u8] = field::DESCRIPTORS;
});

view!(
    /// One 11-byte raw TOC descriptor.
    RawTocEntry,
    min_len = field::DESCRIPTOR_LEN
);
accessors!(RawTocEntry {
    byte session / set_session: u8 = field::SESSION;
    bits adr / set_adr: u8 = field::ADR_CONTROL, 0xF0;
    bits control / set_control: u8 = field::ADR_CONTROL, 0x0F;
    byte tno / set_tno: u8 = field::TNO;
    byte point / set_point: u8 = field::POINT;
    bytes time / set_time: [u8] = field::TIME;
    byte zero / set_zero: u8 = field::ZERO;
    bytes point_time / set_point_time: [u8] = field::POINT_TIME;
});

/// POINT values of the lead-in Q sub-channel.
pub mod point {
    pub const FIRST_TRACK: u8 = 0xA0;
    pub const LAST_TRACK: u8 = 0xA1;
    pub const LEAD_OUT: u8 = 0xA2;
    pub const NEXT_PROGRAM_AREA: u8 = 0xB0;
    pub const FIRST_LEAD_IN: u8 = 0xC0;
    pub const C1: u8 = 0xC1;
}

/// Disc types carried in PSEC of point A0h (as byte 8 of disc information).
pub mod disc_type {
    pub const CD_DA_OR_CD_ROM: u8 = 0x00;
    pub const CD_I: u8 = 0x10;
    pub const CD_ROM_XA: u8 = 0x20;
}

/// B0h MIN:SEC:FRAME of a finalized disc: no next program area.
pub const NO_NEXT_PROGRAM_AREA: Msf = Msf::new(0xFF, 0xFF, 0xFF);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawTocDescriptor {
    pub session: u8,
    pub adr: u8,
    pub control: u8,
    pub tno: u8,
    pub point: u8,
    /// MIN:SEC:FRAME.
    pub time: Msf,
    pub zero: u8,
    /// PMIN:PSEC:PFRAME.
    pub point_time: Msf,
}

impl RawTocDescriptor {
    fn new(session: u8, adr: u8, control: u8, point: u8, time: Msf, zero: u8, point_time: Msf) -> RawTocDescriptor {
        RawTocDescriptor {
            session,
            adr,
            control,
            tno: 0,
            point,
            time,
            zero,
            point_time,
        }
    }

    /// A0h: first track number and disc type.
    pub fn first_track(session: u8, control: u8, first_track: u8, disc_type: u8) -> RawTocDescriptor {
        Self::new(
            session,
            1,
            control,
            point::FIRST_TRACK,
            Msf::default(),
            0,
            Msf::new(first_track, disc_type, 0),
        )
    }

    /// A1h: last track number.
    pub fn last_track(session: u8, control: u8, last_track: u8) -> RawTocDescriptor {
        Self::new(
            session,
            1,
            control,
            point::LAST_TRACK,
            Msf::default(),
            0,
            Msf::new(last_track, 0, 0),
        )
    }

    /// A2h: start of the session's lead-out.
    pub fn lead_out(session: u8, control: u8, lead_out_lba: i32) -> RawTocDescriptor {
        Self::new(
            session,
            1,
            control,
            point::LEAD_OUT,
            Msf::default(),
            0,
            Msf::from_lba(lead_out_lba),
        )
    }

    /// A track entry (POINT = track number in binary).
    pub fn track(session: u8, control: u8, track: u8, start_lba: i32) -> RawTocDescriptor {
        Self::new(session, 1, control, track, Msf::default(), 0, Msf::from_lba(start_lba))
    }

    /// B0h (ADR 5): next program area (`None` when finalized), mode-5 pointer count, and the last
    /// possible lead-out start.
    pub fn next_program_area(
        session: u8,
        control: u8,
        next_program_area_lba: Option<i32>,
        mode5_pointers: u8,
        last_possible_lead_out_lba: i32,
    ) -> RawTocDescriptor {
        let time = next_program_area_lba.map_or(NO_NEXT_PROGRAM_AREA, Msf::from_lba);
        Self::new(
            session,
            5,
            control,
            point::NEXT_PROGRAM_AREA,
            time,
            mode5_pointers,
            Msf::from_lba(last_possible_lead_out_lba),
        )
    }

    /// C0h (ADR 5): optimum recording power, application code and the disc's first lead-in.
    pub fn first_lead_in(
        session: u8,
        control: u8,
        recording_power: u8,
        application_code: u8,
        lead_in_lba: i32,
    ) -> RawTocDescriptor {
        let time = Msf::new(recording_power, application_code, 0);
        Self::new(
            session,
            5,
            control,
            point::FIRST_LEAD_IN,
            time,
            0,
            Msf::from_lba(lead_in_lba),
        )
    }

    /// The B0h next program area as an LBA; `None` for FF:FF:FF.
    pub fn next_program_area_lba(&self) -> Option<i32> {
        (self.time != NO_NEXT_PROGRAM_AREA).then(|| self.time.to_lba())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTocRepr {
    pub first_session: u8,
    pub last_session: u8,
    pub descriptors: Vec<RawTocDescriptor>,
}

impl RawTocRepr {
    pub fn parse<T: AsRef<[u8]>>(data: &RawToc<T>) -> Result<RawTocRepr, CdbError> {
        data.check_len()?;
        let declared = usize::from(data.length()).saturating_sub(field::HEADER_END - field::LENGTH.end);
        let bytes = data.descriptors();
        let descriptors = bytes[..bytes.len().min(declared)]
            .chunks_exact(field::DESCRIPTOR_LEN)
            .map(|chunk| {
                let entry = RawTocEntry::new_unchecked(chunk);
                let msf = |b: &[u8]| Msf::new(b[0], b[1], b[2]);
                RawTocDescriptor {
                    session: entry.session(),
                    adr: entry.adr(),
                    control: entry.control(),
                    tno: entry.tno(),
                    point: entry.point(),
                    time: msf(entry.time()),
                    zero: entry.zero(),
                    point_time: msf(entry.point_time()),
                }
            })
            .collect();
        Ok(RawTocRepr {
            first_session: data.first_session(),
            last_session: data.last_session(),
            descriptors,
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::HEADER_END + field::DESCRIPTOR_LEN * self.descriptors.len()
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut RawToc<T>) {
        let len = self.buffer_len();
        data.buffer.as_mut()[..len].fill(0);
        data.set_length((len - field::LENGTH.end) as u16);
        data.set_first_session(self.first_session);
        data.set_last_session(self.last_session);
        let area = &mut data.buffer.as_mut()[field::HEADER_END..len];
        for (chunk, descriptor) in area.chunks_exact_mut(field::DESCRIPTOR_LEN).zip(&self.descriptors) {
            let mut entry = RawTocEntry::new_unchecked(chunk);
            entry.set_session(descriptor.session);
            entry.set_adr(descriptor.adr);
            entry.set_control(descriptor.control);
            entry.set_tno(descriptor.tno);
            entry.set_point(descriptor.point);
            entry.set_time(&descriptor.time.to_bytes());
            entry.set_zero(descriptor.zero);
            entry.set_point_time(&descriptor.point_time.to_bytes());
        }
    }
}
impl_to_vec!(RawTocRepr, RawToc);

#[cfg(test)]
mod tests {
    use super::*;

    /// Session 1 of the real TAO disc of mmc.md §2.4, still appendable: track 1 at 0, lead-out at
    /// 610 (00:10:10), B0h next program area 12010 (610 + 11400 → 02:42:10) with last possible
    /// lead-out 79:59:74, C0h first lead-in 97:34:23.
    static APPENDABLE_SESSION: [u8; 4 + 6 * 11] = [
        0x00, 0x44, 0x01, 0x01, //
        0x01, 0x14, 0x00, 0xA0, 0, 0, 0, 0, 0x01, 0x00, 0x00, //
        0x01, 0x14, 0x00, 0xA1, 0, 0, 0, 0, 0x01, 0x00, 0x00, //
        0x01, 0x14, 0x00, 0xA2, 0, 0, 0, 0, 0x00, 0x0A, 0x0A, //
        0x01, 0x14, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x02, 0x00, //
        0x01, 0x54, 0x00, 0xB0, 0x02, 0x2A, 0x0A, 0x02, 0x4F, 0x3B, 0x4A, //
        0x01, 0x54, 0x00, 0xC0, 0x66, 0x00, 0x00, 0x00, 0x61, 0x22, 0x17,
    ];

    fn appendable_session() -> RawTocRepr {
        RawTocRepr {
            first_session: 1,
            last_session: 1,
            descriptors: vec![
                RawTocDescriptor::first_track(1, 4, 1, disc_type::CD_DA_OR_CD_ROM),
                RawTocDescriptor::last_track(1, 4, 1),
                RawTocDescriptor::lead_out(1, 4, 610),
                RawTocDescriptor::track(1, 4, 1, 0),
                RawTocDescriptor::next_program_area(1, 4, Some(12_010), 2, 359_849),
                RawTocDescriptor::first_lead_in(1, 4, 0x66, 0, -11_077),
            ],
        }
    }

    #[test]
    fn deconstruct() {
        let data = RawToc::new_checked(&APPENDABLE_SESSION[..]).unwrap();
        assert_eq!(data.length(), 0x44);
        let b0 = RawTocEntry::new_checked(&data.descriptors()[44..]).unwrap();
        assert_eq!(b0.adr(), 5);
        assert_eq!(b0.point(), point::NEXT_PROGRAM_AREA);
        assert_eq!(b0.time(), &[0x02, 0x2A, 0x0A]);
        assert_eq!(b0.zero(), 2);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 11];
        let mut entry = RawTocEntry::new_unchecked(&mut bytes[..]);
        entry.set_session(1);
        entry.set_adr(1);
        entry.set_control(4);
        entry.set_point(point::LEAD_OUT);
        entry.set_point_time(&[0x00, 0x0A, 0x0A]);
        assert_eq!(bytes, APPENDABLE_SESSION[26..37]);
    }

    #[test]
    fn parse_and_emit() {
        let repr = appendable_session();
        assert_eq!(
            RawTocRepr::parse(&RawToc::new_checked(&APPENDABLE_SESSION[..]).unwrap()),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), APPENDABLE_SESSION);
        assert_eq!(repr.descriptors[4].next_program_area_lba(), Some(12_010));
        assert_eq!(repr.descriptors[5].point_time.to_lba(), -11_077);
    }

    #[test]
    fn finalized_disc_has_no_next_program_area() {
        let b0 = RawTocDescriptor::next_program_area(1, 4, None, 0, 359_849);
        assert_eq!(b0.time, NO_NEXT_PROGRAM_AREA);
        assert_eq!(b0.next_program_area_lba(), None);
    }
}
