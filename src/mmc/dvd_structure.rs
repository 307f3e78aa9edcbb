//! READ DISC STRUCTURE DVD formats 00h (physical format information) and 11h (ADIP, the
//! DVD+R/+RW media identifier) (mmc.md §1.3). Offsets count from the reply's first byte (the
//! 4-byte structure header comes first).
//!
//! 00h: byte 4 book type b7-4 (DVD-ROM 0, DVD-RAM 1, DVD-R 2, DVD-RW 3, DVD+RW 9, DVD+R A,
//! DVD+RW DL D, DVD+R DL E) + part version b3-0; 5 disc size b7-4 + maximum rate b3-0; 6 number
//! of layers − 1 b6-5, track path b4, layer type b3-0; 7 linear b7-4 / track density b3-0; 8–11
//! start PSN of the data area (30000h ROM, 31000h RAM [tcmu]); 12–15 end PSN; 16–19 end PSN of
//! layer 0; 20 BCA b7; 21–2051 media specific. 2052 bytes in all.
//! 11h: 256 ADIP bytes; manufacturer ID at ADIP 19–26, media type ID 27–29, product revision 30
//! (spec, verify).
//! 20h: DVD+R DL layer boundary information, 12 bytes, one layout both ways — the READ reply and
//! the SEND DISC STRUCTURE parameter list (growisofs `plus_r_dl_split` reads it, then sends it
//! back with a new capacity): byte 4 b7 Init Status (1: the L0 data zone capacity can no longer
//! be set; dvd+rw-mediainfo prints "can no longer be set" / "can still be set"), 8–11 the L0 data
//! zone capacity in blocks (mmc.md §1.3, real-drives.md §1).

use super::sense_data::FieldPointer;
use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    pub const DATA_LENGTH: Field = 0..2;
    pub const BOOK: usize = 4;
    pub const SIZE_RATE: usize = 5;
    pub const LAYERS: usize = 6;
    pub const DENSITY: usize = 7;
    pub const DATA_START: Field = 8..12;
    pub const DATA_END: Field = 12..16;
    pub const LAYER0_END: Field = 16..20;
    pub const BCA: usize = 20;
    pub const MEDIA_SPECIFIC: Rest = 21..;
    pub const PHYSICAL_END: usize = 2052;
    pub const MEDIA_SPECIFIC_LEN: usize = PHYSICAL_END - 21;

    pub const ADIP: Rest = 4..;
    pub const ADIP_LEN: usize = 256;
    pub const ADIP_END: usize = 4 + ADIP_LEN;
    /// Within the ADIP bytes.
    pub const MANUFACTURER_ID: Field = 19..27;
    pub const MEDIA_TYPE_ID: Field = 27..30;
    pub const PRODUCT_REVISION: usize = 30;

    /// Format 20h: Init Status b7.
    pub const INIT_STATUS: usize = 4;
    pub const LAYER0_CAPACITY: Field = 8..12;
    pub const LAYER_BOUNDARY_END: usize = 12;
}

/// Book types (byte 4 b7-4).
pub mod book_type {
    pub const DVD_ROM: u8 = 0x0;
    pub const DVD_RAM: u8 = 0x1;
    pub const DVD_R: u8 = 0x2;
    pub const DVD_RW: u8 = 0x3;
    pub const DVD_PLUS_RW: u8 = 0x9;
    pub const DVD_PLUS_R: u8 = 0xA;
    pub const DVD_PLUS_RW_DL: u8 = 0xD;
    pub const DVD_PLUS_R_DL: u8 = 0xE;
}

/// Layer types (byte 6 b3-0).
pub mod layer_type {
    pub const EMBOSSED: u8 = 0x1;
    pub const RECORDABLE: u8 = 0x2;
    pub const REWRITABLE: u8 = 0x4;
}

/// Start of the data area: 30000h on DVD-ROM and most recordables, 31000h on DVD-RAM.
pub const DATA_START_PSN: u32 = 0x03_0000;
pub const DVD_RAM_DATA_START_PSN: u32 = 0x03_1000;

view!(
    /// DVD physical format information (format 00h).
    DvdPhysicalFormat,
    min_len = field::PHYSICAL_END
);
accessors!(DvdPhysicalFormat {
    be data_length / set_data_length: u16 = field::DATA_LENGTH;
    bits book_type / set_book_type: u8 = field::BOOK, 0xF0;
    bits part_version / set_part_version: u8 = field::BOOK, 0x0F;
    bits disc_size / set_disc_size: u8 = field::SIZE_RATE, 0xF0;
    bits maximum_rate / set_maximum_rate: u8 = field::SIZE_RATE, 0x0F;
    bits layers_minus_one / set_layers_minus_one: u8 = field::LAYERS, 0x60;
    bit track_path / set_track_path: bool = field::LAYERS, 0x10;
    bits layer_type / set_layer_type: u8 = field::LAYERS, 0x0F;
    bits linear_density / set_linear_density: u8 = field::DENSITY, 0xF0;
    bits track_density / set_track_density: u8 = field::DENSITY, 0x0F;
    be data_start_psn / set_data_start_psn: u32 = field::DATA_START;
    be data_end_psn / set_data_end_psn: u32 = field::DATA_END;
    be layer0_end_psn / set_layer0_end_psn: u32 = field::LAYER0_END;
    bit burst_cutting_area / set_burst_cutting_area: bool = field::BCA, 0x80;
    bytes media_specific / set_media_specific: [u8] = field::MEDIA_SPECIFIC;
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DvdPhysicalFormatRepr {
    pub book_type: u8,
    pub part_version: u8,
    /// 0 = 120 mm.
    pub disc_size: u8,
    pub maximum_rate: u8,
    pub layers: u8,
    /// Opposite track path (DL).
    pub track_path: bool,
    pub layer_type: u8,
    pub linear_density: u8,
    pub track_density: u8,
    pub data_start_psn: u32,
    pub data_end_psn: u32,
    pub layer0_end_psn: u32,
    pub burst_cutting_area: bool,
    /// Bytes 21–2051 (2031 bytes; shorter input is zero-padded on emit).
    pub media_specific: Vec<u8>,
}

impl DvdPhysicalFormatRepr {
    /// Single-layer 120 mm disc of `book_type` whose data area holds `blocks` 2048-byte blocks
    /// starting at PSN 30000h (a DVD sector is one PSN).
    pub fn single_layer(book_type: u8, layer_type: u8, blocks: u32) -> DvdPhysicalFormatRepr {
        DvdPhysicalFormatRepr {
            book_type,
            part_version: 0,
            disc_size: 0,
            maximum_rate: 0x0F,
            layers: 1,
            track_path: false,
            layer_type,
            linear_density: 0,
            track_density: 0,
            data_start_psn: DATA_START_PSN,
            data_end_psn: DATA_START_PSN + blocks.saturating_sub(1),
            layer0_end_psn: 0,
            burst_cutting_area: false,
            media_specific: Vec::new(),
        }
    }

    pub fn parse<T: AsRef<[u8]>>(data: &DvdPhysicalFormat<T>) -> Result<DvdPhysicalFormatRepr, CdbError> {
        data.check_len()?;
        Ok(DvdPhysicalFormatRepr {
            book_type: data.book_type(),
            part_version: data.part_version(),
            disc_size: data.disc_size(),
            maximum_rate: data.maximum_rate(),
            layers: data.layers_minus_one() + 1,
            track_path: data.track_path(),
            layer_type: data.layer_type(),
            linear_density: data.linear_density(),
            track_density: data.track_density(),
            data_start_psn: data.data_start_psn(),
            data_end_psn: data.data_end_psn(),
            layer0_end_psn: data.layer0_end_psn(),
            burst_cutting_area: data.burst_cutting_area(),
            media_specific: data.media_specific()[..field::MEDIA_SPECIFIC_LEN].to_vec(),
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::PHYSICAL_END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut DvdPhysicalFormat<T>) {
        data.buffer.as_mut()[..field::PHYSICAL_END].fill(0);
        data.set_data_length((field::PHYSICAL_END - field::DATA_LENGTH.end) as u16);
        data.set_book_type(self.book_type);
        data.set_part_version(self.part_version);
        data.set_disc_size(self.disc_size);
        data.set_maximum_rate(self.maximum_rate);
        data.set_layers_minus_one(self.layers.saturating_sub(1));
        data.set_track_path(self.track_path);
        data.set_layer_type(self.layer_type);
        data.set_linear_density(self.linear_density);
        data.set_track_density(self.track_density);
        data.set_data_start_psn(self.data_start_psn);
        data.set_data_end_psn(self.data_end_psn);
        data.set_layer0_end_psn(self.layer0_end_psn);
        data.set_burst_cutting_area(self.burst_cutting_area);
        let len = self.media_specific.len().min(field::MEDIA_SPECIFIC_LEN);
        data.buffer.as_mut()[field::MEDIA_SPECIFIC][..len].copy_from_slice(&self.media_specific[..len]);
    }
}
impl_to_vec!(DvdPhysicalFormatRepr, DvdPhysicalFormat);

view!(
    /// DVD+R / DVD+RW ADIP information (format 11h).
    DvdAdip,
    min_len = field::ADIP_END
);
accessors!(DvdAdip {
    be data_length / set_data_length: u16 = field::DATA_LENGTH;
    bytes adip / set_adip: [u8] = field::ADIP;
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DvdAdipRepr {
    pub adip: [u8; field::ADIP_LEN],
}

impl DvdAdipRepr {
    /// ADIP carrying a manufacturer ID ("MCC", "RICOHJPN"…), media type ID and revision.
    pub fn with_media_id(manufacturer: &str, media_type: &str, revision: u8) -> DvdAdipRepr {
        let mut adip = [0u8; field::ADIP_LEN];
        adip[field::MANUFACTURER_ID]
            .copy_from_slice(&super::inquiry::padded::<8>(manufacturer).map(|b| if b == b' ' { 0 } else { b }));
        adip[field::MEDIA_TYPE_ID]
            .copy_from_slice(&super::inquiry::padded::<3>(media_type).map(|b| if b == b' ' { 0 } else { b }));
        adip[field::PRODUCT_REVISION] = revision;
        DvdAdipRepr { adip }
    }

    /// "MCC/004"-style media identifier as dvd+rw-mediainfo prints it.
    pub fn media_id(&self) -> String {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).trim_end_matches(['\0', ' ']).to_string();
        format!(
            "{}/{}",
            text(&self.adip[field::MANUFACTURER_ID]),
            text(&self.adip[field::MEDIA_TYPE_ID])
        )
    }

    pub fn parse<T: AsRef<[u8]>>(data: &DvdAdip<T>) -> Result<DvdAdipRepr, CdbError> {
        data.check_len()?;
        let mut adip = [0u8; field::ADIP_LEN];
        adip.copy_from_slice(&data.adip()[..field::ADIP_LEN]);
        Ok(DvdAdipRepr { adip })
    }

    pub fn buffer_len(&self) -> usize {
        field::ADIP_END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut DvdAdip<T>) {
        data.buffer.as_mut()[..field::ADIP_END].fill(0);
        data.set_data_length((field::ADIP_END - field::DATA_LENGTH.end) as u16);
        data.buffer.as_mut()[4..field::ADIP_END].copy_from_slice(&self.adip);
    }
}
impl_to_vec!(DvdAdipRepr, DvdAdip);

view!(
    /// DVD+R DL layer boundary information (format 20h): the READ DISC STRUCTURE reply and the
    /// SEND DISC STRUCTURE parameter list.
    DvdLayerBoundary,
    min_len = field::LAYER_BOUNDARY_END
);
accessors!(DvdLayerBoundary {
    be data_length / set_data_length: u16 = field::DATA_LENGTH;
    bit init_status / set_init_status: bool = field::INIT_STATUS, 0x80;
    be layer0_capacity / set_layer0_capacity: u32 = field::LAYER0_CAPACITY;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DvdLayerBoundaryRepr {
    /// Init Status: the capacity is fixed (set by the host, or recording has begun). A host
    /// sends 0 (growisofs clears the whole list).
    pub fixed: bool,
    /// L0 data zone capacity in 2048-byte blocks.
    pub layer0_blocks: u32,
}

impl DvdLayerBoundaryRepr {
    /// Where a drive points when it refuses the capacity a host sent (5/26/00): parameter-list
    /// byte 8, its most significant bit.
    pub const CAPACITY_POINTER: FieldPointer = FieldPointer::parameter(field::LAYER0_CAPACITY.start as u16, Some(7));

    pub fn parse<T: AsRef<[u8]>>(data: &DvdLayerBoundary<T>) -> Result<DvdLayerBoundaryRepr, CdbError> {
        data.check_len()?;
        Ok(DvdLayerBoundaryRepr {
            fixed: data.init_status(),
            layer0_blocks: data.layer0_capacity(),
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::LAYER_BOUNDARY_END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut DvdLayerBoundary<T>) {
        data.buffer.as_mut()[..field::LAYER_BOUNDARY_END].fill(0);
        data.set_data_length((field::LAYER_BOUNDARY_END - field::DATA_LENGTH.end) as u16);
        data.set_init_status(self.fixed);
        data.set_layer0_capacity(self.layer0_blocks);
    }
}
impl_to_vec!(DvdLayerBoundaryRepr, DvdLayerBoundary);

#[cfg(test)]
mod tests {
    use super::*;

    /// The first 21 bytes of a blank DVD+RW: book type 9, 120 mm, max rate Fh, one rewritable
    /// layer, data area 30000h–26053Fh (2295104 blocks, mmc.md §7).
    static DVD_PLUS_RW_HEAD: [u8; 21] = [
        0x08, 0x02, 0x00, 0x00, 0x90, 0x0F, 0x04, 0x00, //
        0x00, 0x03, 0x00, 0x00, 0x00, 0x26, 0x05, 0x3F, //
        0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    fn dvd_plus_rw_bytes() -> Vec<u8> {
        let mut bytes = DVD_PLUS_RW_HEAD.to_vec();
        bytes.resize(2052, 0);
        bytes
    }

    #[test]
    fn physical_format_deconstruct() {
        let bytes = dvd_plus_rw_bytes();
        let data = DvdPhysicalFormat::new_checked(&bytes[..]).unwrap();
        assert_eq!(data.data_length(), 0x0802);
        assert_eq!(data.book_type(), book_type::DVD_PLUS_RW);
        assert_eq!(data.layer_type(), layer_type::REWRITABLE);
        assert_eq!(data.data_start_psn(), DATA_START_PSN);
        assert_eq!(data.data_end_psn() - data.data_start_psn() + 1, 2_295_104);
    }

    #[test]
    fn physical_format_construct() {
        let mut bytes = vec![0u8; 2052];
        let mut data = DvdPhysicalFormat::new_unchecked(&mut bytes[..]);
        data.set_data_length(0x0802);
        data.set_book_type(9);
        data.set_maximum_rate(0x0F);
        data.set_layer_type(4);
        data.set_data_start_psn(0x03_0000);
        data.set_data_end_psn(0x26_053F);
        assert_eq!(bytes, dvd_plus_rw_bytes());
    }

    #[test]
    fn physical_format_parse_and_emit() {
        let mut repr = DvdPhysicalFormatRepr::single_layer(book_type::DVD_PLUS_RW, layer_type::REWRITABLE, 2_295_104);
        assert_eq!(repr.to_vec(), dvd_plus_rw_bytes());
        repr.media_specific = vec![0; 2031];
        let bytes = dvd_plus_rw_bytes();
        assert_eq!(
            DvdPhysicalFormatRepr::parse(&DvdPhysicalFormat::new_checked(&bytes[..]).unwrap()),
            Ok(repr)
        );
    }

    #[test]
    fn adip_media_id() {
        let repr = DvdAdipRepr::with_media_id("MCC", "004", 1);
        let bytes = repr.to_vec();
        assert_eq!(bytes.len(), 260);
        assert_eq!(&bytes[..4], &[0x01, 0x02, 0x00, 0x00]);
        assert_eq!(&bytes[4 + 19..4 + 22], b"MCC");
        assert_eq!(&bytes[4 + 27..4 + 30], b"004");
        assert_eq!(bytes[4 + 30], 1);
        let parsed = DvdAdipRepr::parse(&DvdAdip::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(parsed.media_id(), "MCC/004");
        assert_eq!(parsed, repr);
    }

    /// A blank DVD+R DL as two real drives report it (real-drives.md §1, dvd+rw-mediainfo:
    /// "L0 Data Zone Capacity: 2086912*2KB, can still be set"): 10 bytes follow the length,
    /// Init Status clear, 2086912 = 1FD800h.
    static BLANK_DVD_PLUS_R_DL: [u8; 12] = [
        0x00, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
        0x00, 0x1F, 0xD8, 0x00,
    ];

    #[test]
    fn layer_boundary_deconstruct() {
        let data = DvdLayerBoundary::new_checked(&BLANK_DVD_PLUS_R_DL[..]).unwrap();
        assert_eq!(data.data_length(), 10);
        assert!(!data.init_status());
        assert_eq!(data.layer0_capacity(), 2_086_912);
    }

    #[test]
    fn layer_boundary_construct() {
        let mut bytes = [0u8; 12];
        let mut data = DvdLayerBoundary::new_unchecked(&mut bytes[..]);
        data.set_data_length(10);
        data.set_layer0_capacity(2_086_912);
        assert_eq!(bytes, BLANK_DVD_PLUS_R_DL);
    }

    #[test]
    fn layer_boundary_parse_and_emit() {
        let blank = DvdLayerBoundaryRepr {
            fixed: false,
            layer0_blocks: 2_086_912,
        };
        let data = DvdLayerBoundary::new_checked(&BLANK_DVD_PLUS_R_DL[..]).unwrap();
        assert_eq!(DvdLayerBoundaryRepr::parse(&data), Ok(blank));
        assert_eq!(blank.to_vec(), BLANK_DVD_PLUS_R_DL);
        let fixed = DvdLayerBoundaryRepr { fixed: true, ..blank }.to_vec();
        assert_eq!(fixed[4], 0x80);
    }

    /// The parameter list growisofs' `plus_r_dl_split` sends: zeroed, byte 1 = 10, the split in
    /// bytes 8–11 (here 1045008 blocks = FF210h, half of a 2090000-block image).
    #[test]
    fn layer_boundary_as_growisofs_sends_it() {
        let sent = [0x00, 0x0A, 0, 0, 0, 0, 0, 0, 0x00, 0x0F, 0xF2, 0x10];
        let repr = DvdLayerBoundaryRepr::parse(&DvdLayerBoundary::new_checked(&sent[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            DvdLayerBoundaryRepr {
                fixed: false,
                layer0_blocks: 1_045_008
            }
        );
        assert_eq!(repr.to_vec(), sent);
    }

    #[test]
    fn layer_boundary_short_list_is_a_length_error() {
        assert_eq!(
            DvdLayerBoundary::new_checked(&BLANK_DVD_PLUS_R_DL[..8]).unwrap_err(),
            CdbError::parameter_list_length()
        );
    }
}
