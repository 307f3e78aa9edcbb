//! READ TOC/PMA/ATIP format 4: ATIP, CD-R/RW only (mmc.md §1.3). 28 bytes: a 4-byte header and
//! the ATIP descriptor (layout of MMC-1 table 77 as quoted in libburn `mmc_read_atip`).
//!
//! Byte 4: b7 = 1, ITWP b6-4, DDCD b3, reference speed b2-0; byte 5: b7 = 0, URU b6; byte 6:
//! b7 = 1, disc type b6 (0 CD-R, 1 CD-RW), sub-type b5-3, A1/A2/A3 valid b2/b1/b0; 8–10 lead-in
//! start M:S:F; 12–14 last possible lead-out start M:S:F; 16–18 / 20–22 / 24–26 A1/A2/A3 values.

use super::msf::Msf;
use super::wire::{CdbError, Field, accessors, impl_to_vec, view};

mod field {
    use super::Field;

    pub const LENGTH: Field = 0..2;
    pub const POWER: usize = 4;
    pub const USE: usize = 5;
    pub const DISC: usize = 6;
    pub const LEAD_IN_START: Field = 8..11;
    pub const LAST_LEAD_OUT_START: Field = 12..15;
    pub const A1: Field = 16..19;
    pub const A2: Field = 20..23;
    pub const A3: Field = 24..27;
    pub const END: usize = 28;
}

view!(
    /// ATIP data.
    Atip,
    min_len = field::END
);
accessors!(Atip {
    be length / set_length: u16 = field::LENGTH;
    bit power_marker / set_power_marker: bool = field::POWER, 0x80;
    bits indicative_target_writing_power / set_indicative_target_writing_power: u8 = field::POWER, 0x70;
    bit ddcd / set_ddcd: bool = field::POWER, 0x08;
    bits reference_speed / set_reference_speed: u8 = field::POWER, 0x07;
    bit unrestricted_use / set_unrestricted_use: bool = field::USE, 0x40;
    bit disc_marker / set_disc_marker: bool = field::DISC, 0x80;
    bit rewritable / set_rewritable: bool = field::DISC, 0x40;
    bits disc_sub_type / set_disc_sub_type: u8 = field::DISC, 0x38;
    bit a1_valid / set_a1_valid: bool = field::DISC, 0x04;
    bit a2_valid / set_a2_valid: bool = field::DISC, 0x02;
    bit a3_valid / set_a3_valid: bool = field::DISC, 0x01;
    bytes lead_in_start / set_lead_in_start: [u8] = field::LEAD_IN_START;
    bytes last_possible_lead_out_start / set_last_possible_lead_out_start: [u8] = field::LAST_LEAD_OUT_START;
    bytes a1 / set_a1: [u8] = field::A1;
    bytes a2 / set_a2: [u8] = field::A2;
    bytes a3 / set_a3: [u8] = field::A3;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtipRepr {
    pub indicative_target_writing_power: u8,
    pub ddcd: bool,
    pub reference_speed: u8,
    pub unrestricted_use: bool,
    /// Disc type: CD-RW (true) or CD-R.
    pub rewritable: bool,
    pub disc_sub_type: u8,
    /// Start of the first lead-in, e.g. 97:34:23 = −11077 (mmc.md §1.3).
    pub lead_in_start: Msf,
    /// Last possible start of the lead-out: 79:59:74 for 80-minute media (mmc.md §7).
    pub last_possible_lead_out_start: Msf,
    pub a1: Option<[u8; 3]>,
    pub a2: Option<[u8; 3]>,
    pub a3: Option<[u8; 3]>,
}

impl AtipRepr {
    pub fn parse<T: AsRef<[u8]>>(data: &Atip<T>) -> Result<AtipRepr, CdbError> {
        data.check_len()?;
        let three = |bytes: &[u8]| [bytes[0], bytes[1], bytes[2]];
        Ok(AtipRepr {
            indicative_target_writing_power: data.indicative_target_writing_power(),
            ddcd: data.ddcd(),
            reference_speed: data.reference_speed(),
            unrestricted_use: data.unrestricted_use(),
            rewritable: data.rewritable(),
            disc_sub_type: data.disc_sub_type(),
            lead_in_start: Msf::from_bytes(three(data.lead_in_start())),
            last_possible_lead_out_start: Msf::from_bytes(three(data.last_possible_lead_out_start())),
            a1: data.a1_valid().then(|| three(data.a1())),
            a2: data.a2_valid().then(|| three(data.a2())),
            a3: data.a3_valid().then(|| three(data.a3())),
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut Atip<T>) {
        data.buffer.as_mut()[..field::END].fill(0);
        data.set_length((field::END - field::LENGTH.end) as u16);
        data.set_power_marker(true);
        data.set_indicative_target_writing_power(self.indicative_target_writing_power);
        data.set_ddcd(self.ddcd);
        data.set_reference_speed(self.reference_speed);
        data.set_unrestricted_use(self.unrestricted_use);
        data.set_disc_marker(true);
        data.set_rewritable(self.rewritable);
        data.set_disc_sub_type(self.disc_sub_type);
        data.set_lead_in_start(&self.lead_in_start.to_bytes());
        data.set_last_possible_lead_out_start(&self.last_possible_lead_out_start.to_bytes());
        data.set_a1_valid(self.a1.is_some());
        data.set_a1(&self.a1.unwrap_or_default());
        data.set_a2_valid(self.a2.is_some());
        data.set_a2(&self.a2.unwrap_or_default());
        data.set_a3_valid(self.a3.is_some());
        data.set_a3(&self.a3.unwrap_or_default());
    }
}
impl_to_vec!(AtipRepr, Atip);

#[cfg(test)]
mod tests {
    use super::*;

    /// 80-minute CD-R as CDEmu describes it: lead-in 97:34:23, last lead-out 79:59:74.
    static CD_R_80: [u8; 28] = [
        0x00, 0x1A, 0x00, 0x00, 0xD0, 0x00, 0x80, 0x00, //
        0x61, 0x22, 0x17, 0x00, 0x4F, 0x3B, 0x4A, 0x00, //
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    /// A CD-RW with A1 valid.
    static CD_RW: [u8; 28] = [
        0x00, 0x1A, 0x00, 0x00, 0x80, 0x40, 0xC4, 0x00, //
        0x61, 0x1A, 0x41, 0x00, 0x4F, 0x3B, 0x4A, 0x00, //
        0x14, 0x02, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    fn cd_r_80() -> AtipRepr {
        AtipRepr {
            indicative_target_writing_power: 5,
            ddcd: false,
            reference_speed: 0,
            unrestricted_use: false,
            rewritable: false,
            disc_sub_type: 0,
            lead_in_start: Msf::new(97, 34, 23),
            last_possible_lead_out_start: Msf::new(79, 59, 74),
            a1: None,
            a2: None,
            a3: None,
        }
    }

    #[test]
    fn deconstruct() {
        let data = Atip::new_checked(&CD_RW[..]).unwrap();
        assert!(data.rewritable());
        assert!(data.unrestricted_use());
        assert!(data.a1_valid() && !data.a2_valid());
        assert_eq!(data.lead_in_start(), &[97, 26, 65]);
        assert_eq!(Msf::from_bytes([97, 26, 65]).to_lba(), -11_635);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 28];
        let mut data = Atip::new_unchecked(&mut bytes[..]);
        data.set_length(0x1A);
        data.set_power_marker(true);
        data.set_indicative_target_writing_power(5);
        data.set_disc_marker(true);
        data.set_lead_in_start(&[97, 34, 23]);
        data.set_last_possible_lead_out_start(&[79, 59, 74]);
        assert_eq!(bytes, CD_R_80);
    }

    #[test]
    fn parse_and_emit() {
        let repr = cd_r_80();
        assert_eq!(AtipRepr::parse(&Atip::new_checked(&CD_R_80[..]).unwrap()), Ok(repr));
        assert_eq!(repr.to_vec(), CD_R_80);
        assert_eq!(repr.lead_in_start.to_lba(), -11_077);
        assert_eq!(repr.last_possible_lead_out_start.to_lba(), 359_849);
        let rw = AtipRepr {
            indicative_target_writing_power: 0,
            unrestricted_use: true,
            rewritable: true,
            lead_in_start: Msf::new(97, 26, 65),
            a1: Some([0x14, 0x02, 0x80]),
            ..repr
        };
        assert_eq!(AtipRepr::parse(&Atip::new_checked(&CD_RW[..]).unwrap()), Ok(rw));
        assert_eq!(rw.to_vec(), CD_RW);
    }
}
