//! Mode page 05h, Write Parameters (mmc.md §1.1): length 32h, every field, MCN and ISRC included.
//! Offsets count from the page code byte [CDEmu `ModePage_0x05`, libburn
//! `mmc_compose_mode_page_5`].
//!
//! Byte 2 BUFE b6, LS_V b5, Test Write b4, write type b3-0; 3 multi-session b7-6, FP b5, Copy b4,
//! track mode b3-0; 4 data block type b3-0; 5 link size; 7 host application code b5-0; 8 session
//! format; 10–13 packet size; 14–15 audio pause length; 16–31 MCN (16 MCVAL b7, 17–29 13 digits,
//! 31 AFRAME); 32–47 ISRC (32 TCVAL b7, 33–44 12 characters, 46 AFRAME); 48–51 sub-header.
//! Whether a combination is supported is the drive's decision (libburn probes them all and wants
//! 5/26/00 for the unsupported ones).

use super::mode_pages::check_page_length;
use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    pub const PAGE_CODE: usize = 0;
    pub const PAGE_LENGTH: usize = 1;
    pub const WRITE_FLAGS: usize = 2;
    pub const TRACK_FLAGS: usize = 3;
    pub const DATA_BLOCK_TYPE: usize = 4;
    pub const LINK_SIZE: usize = 5;
    pub const HOST_APPLICATION_CODE: usize = 7;
    pub const SESSION_FORMAT: usize = 8;
    pub const PACKET_SIZE: Field = 10..14;
    pub const AUDIO_PAUSE_LENGTH: Field = 14..16;
    /// MCVAL b7.
    pub const MCN_VALID: usize = 16;
    pub const MCN_DIGITS: Field = 17..30;
    pub const MCN_AFRAME: usize = 31;
    /// TCVAL b7.
    pub const ISRC_VALID: usize = 32;
    pub const ISRC_CHARACTERS: Field = 33..45;
    pub const ISRC_AFRAME: usize = 46;
    pub const SUB_HEADER: Field = 48..52;
    pub const VENDOR_SPECIFIC: Rest = 52..;
    pub const END: usize = 52;
}

/// Write types (byte 2 b3-0).
pub mod write_type {
    /// Packet / Incremental.
    pub const PACKET: u8 = 0;
    pub const TRACK_AT_ONCE: u8 = 1;
    /// Session at once / DAO.
    pub const SESSION_AT_ONCE: u8 = 2;
    pub const RAW: u8 = 3;
    pub const LAYER_JUMP: u8 = 4;
}

/// Multi-session field (byte 3 b7-6).
pub mod multi_session {
    /// Finalize: no further session.
    pub const FINALIZE: u8 = 0b00;
    /// Keep the disc appendable.
    pub const APPENDABLE: u8 = 0b11;
}

/// Data block types (byte 4 b3-0) and their sizes in bytes (mmc.md §1.1).
pub mod data_block_type {
    pub const RAW_2352: u8 = 0;
    pub const RAW_PQ_2368: u8 = 1;
    pub const RAW_PW_PACKED_2448: u8 = 2;
    pub const RAW_PW_2448: u8 = 3;
    pub const MODE_1: u8 = 8;
    pub const MODE_2: u8 = 9;
    pub const MODE_2_FORM_1: u8 = 10;
    pub const MODE_2_FORM_1_SUBHEADER: u8 = 11;
    pub const MODE_2_FORM_2: u8 = 12;
    pub const MODE_2_MIXED_SUBHEADER: u8 = 13;

    /// The bytes each block of this type carries; `None` for reserved types.
    pub fn block_bytes(block_type: u8) -> Option<usize> {
        Some(match block_type {
            RAW_2352 => 2352,
            RAW_PQ_2368 => 2368,
            RAW_PW_PACKED_2448 | RAW_PW_2448 => 2448,
            MODE_1 | MODE_2_FORM_1 => 2048,
            MODE_2 => 2336,
            MODE_2_FORM_1_SUBHEADER => 2056,
            MODE_2_FORM_2 => 2324,
            MODE_2_MIXED_SUBHEADER => 2332,
            _ => return None,
        })
    }
}

/// Session formats (byte 8).
pub mod session_format {
    pub const CD_DA_OR_CD_ROM: u8 = 0x00;
    pub const CD_I: u8 = 0x10;
    pub const CD_ROM_XA: u8 = 0x20;
}

/// The audio pause a CD track gets by default: 2 s (mmc.md §1.1).
pub const DEFAULT_AUDIO_PAUSE_LENGTH: u16 = 150;

view!(
    /// Mode page 05h.
    WriteParametersPage,
    min_len = field::END
);
accessors!(WriteParametersPage {
    bit parameters_savable / set_parameters_savable: bool = field::PAGE_CODE, 0x80;
    bits page_code / set_page_code: u8 = field::PAGE_CODE, 0x3F;
    byte page_length / set_page_length: u8 = field::PAGE_LENGTH;
    bit buffer_underrun_free / set_buffer_underrun_free: bool = field::WRITE_FLAGS, 0x40;
    bit link_size_valid / set_link_size_valid: bool = field::WRITE_FLAGS, 0x20;
    bit test_write / set_test_write: bool = field::WRITE_FLAGS, 0x10;
    bits write_type / set_write_type: u8 = field::WRITE_FLAGS, 0x0F;
    bits multi_session / set_multi_session: u8 = field::TRACK_FLAGS, 0xC0;
    bit fixed_packet / set_fixed_packet: bool = field::TRACK_FLAGS, 0x20;
    bit copy / set_copy: bool = field::TRACK_FLAGS, 0x10;
    bits track_mode / set_track_mode: u8 = field::TRACK_FLAGS, 0x0F;
    bits data_block_type / set_data_block_type: u8 = field::DATA_BLOCK_TYPE, 0x0F;
    byte link_size / set_link_size: u8 = field::LINK_SIZE;
    bits host_application_code / set_host_application_code: u8 = field::HOST_APPLICATION_CODE, 0x3F;
    byte session_format / set_session_format: u8 = field::SESSION_FORMAT;
    be packet_size / set_packet_size: u32 = field::PACKET_SIZE;
    be audio_pause_length / set_audio_pause_length: u16 = field::AUDIO_PAUSE_LENGTH;
    bit media_catalog_number_valid / set_media_catalog_number_valid: bool = field::MCN_VALID, 0x80;
    bytes media_catalog_number / set_media_catalog_number: [u8] = field::MCN_DIGITS;
    byte media_catalog_number_aframe / set_media_catalog_number_aframe: u8 = field::MCN_AFRAME;
    bit isrc_valid / set_isrc_valid: bool = field::ISRC_VALID, 0x80;
    bytes isrc / set_isrc: [u8] = field::ISRC_CHARACTERS;
    byte isrc_aframe / set_isrc_aframe: u8 = field::ISRC_AFRAME;
    bytes sub_header / set_sub_header: [u8] = field::SUB_HEADER;
    bytes vendor_specific / set_vendor_specific: [u8] = field::VENDOR_SPECIFIC;
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteParametersPageRepr {
    pub parameters_savable: bool,
    /// BUFE: buffer-underrun-free recording.
    pub buffer_underrun_free: bool,
    /// LS_V: the link size is valid (DVD-R incremental, mmc.md §1.1).
    pub link_size_valid: bool,
    /// Test Write: accept data, record nothing (off by default, unlike CDEmu, mmc.md §6).
    pub test_write: bool,
    pub write_type: u8,
    pub multi_session: u8,
    pub fixed_packet: bool,
    pub copy: bool,
    pub track_mode: u8,
    pub data_block_type: u8,
    pub link_size: u8,
    pub host_application_code: u8,
    pub session_format: u8,
    /// Blocks per fixed packet (16 for DVD-R incremental).
    pub packet_size: u32,
    pub audio_pause_length: u16,
    /// MCN digits with MCVAL set.
    pub media_catalog_number: Option<[u8; 13]>,
    pub media_catalog_number_aframe: u8,
    /// ISRC characters with TCVAL set.
    pub isrc: Option<[u8; 12]>,
    pub isrc_aframe: u8,
    pub sub_header: [u8; 4],
    /// Bytes past 51 when a drive's page is longer than 32h.
    pub vendor_specific: Vec<u8>,
}

impl Default for WriteParametersPageRepr {
    /// CD Track-at-Once, Mode 1, appendable, pause 150 — what libburn composes for a CD data
    /// track.
    fn default() -> WriteParametersPageRepr {
        WriteParametersPageRepr {
            parameters_savable: false,
            buffer_underrun_free: false,
            link_size_valid: false,
            test_write: false,
            write_type: write_type::TRACK_AT_ONCE,
            multi_session: multi_session::APPENDABLE,
            fixed_packet: false,
            copy: false,
            track_mode: 4,
            data_block_type: data_block_type::MODE_1,
            link_size: 0,
            host_application_code: 0,
            session_format: session_format::CD_DA_OR_CD_ROM,
            packet_size: 0,
            audio_pause_length: DEFAULT_AUDIO_PAUSE_LENGTH,
            media_catalog_number: None,
            media_catalog_number_aframe: 0,
            isrc: None,
            isrc_aframe: 0,
            sub_header: [0; 4],
            vendor_specific: Vec::new(),
        }
    }
}

impl WriteParametersPageRepr {
    pub const PAGE_CODE: u8 = 0x05;
    /// The page length of MMC-3 and later (mmc.md §1.1).
    pub const PAGE_LENGTH: u8 = 0x32;

    pub fn parse<T: AsRef<[u8]>>(page: &WriteParametersPage<T>) -> Result<WriteParametersPageRepr, CdbError> {
        page.check_len()?;
        check_page_length(page.as_bytes(), field::END)?;
        let declared_end = usize::from(page.page_length()) + 2;
        let vendor = page.vendor_specific();
        let vendor = &vendor[..vendor.len().min(declared_end - field::END)];
        let mut mcn = [0u8; 13];
        mcn.copy_from_slice(page.media_catalog_number());
        let mut isrc = [0u8; 12];
        isrc.copy_from_slice(page.isrc());
        let mut sub_header = [0u8; 4];
        sub_header.copy_from_slice(page.sub_header());
        Ok(WriteParametersPageRepr {
            parameters_savable: page.parameters_savable(),
            buffer_underrun_free: page.buffer_underrun_free(),
            link_size_valid: page.link_size_valid(),
            test_write: page.test_write(),
            write_type: page.write_type(),
            multi_session: page.multi_session(),
            fixed_packet: page.fixed_packet(),
            copy: page.copy(),
            track_mode: page.track_mode(),
            data_block_type: page.data_block_type(),
            link_size: page.link_size(),
            host_application_code: page.host_application_code(),
            session_format: page.session_format(),
            packet_size: page.packet_size(),
            audio_pause_length: page.audio_pause_length(),
            media_catalog_number: page.media_catalog_number_valid().then_some(mcn),
            media_catalog_number_aframe: page.media_catalog_number_aframe(),
            isrc: page.isrc_valid().then_some(isrc),
            isrc_aframe: page.isrc_aframe(),
            sub_header,
            vendor_specific: vendor.to_vec(),
        })
    }

    /// Parses a page given as bytes (header included); shorter than 32h is 5/26/00 at the length.
    pub fn parse_bytes(page: &[u8]) -> Result<WriteParametersPageRepr, CdbError> {
        check_page_length(page, field::END)?;
        Self::parse(&WriteParametersPage::new_checked(page)?)
    }

    pub fn buffer_len(&self) -> usize {
        field::END + self.vendor_specific.len()
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, page: &mut WriteParametersPage<T>) {
        let len = self.buffer_len();
        page.buffer.as_mut()[..len].fill(0);
        page.set_parameters_savable(self.parameters_savable);
        page.set_page_code(Self::PAGE_CODE);
        page.set_page_length((len - 2) as u8);
        page.set_buffer_underrun_free(self.buffer_underrun_free);
        page.set_link_size_valid(self.link_size_valid);
        page.set_test_write(self.test_write);
        page.set_write_type(self.write_type);
        page.set_multi_session(self.multi_session);
        page.set_fixed_packet(self.fixed_packet);
        page.set_copy(self.copy);
        page.set_track_mode(self.track_mode);
        page.set_data_block_type(self.data_block_type);
        page.set_link_size(self.link_size);
        page.set_host_application_code(self.host_application_code);
        page.set_session_format(self.session_format);
        page.set_packet_size(self.packet_size);
        page.set_audio_pause_length(self.audio_pause_length);
        page.set_media_catalog_number_valid(self.media_catalog_number.is_some());
        page.set_media_catalog_number(&self.media_catalog_number.unwrap_or_default());
        page.set_media_catalog_number_aframe(self.media_catalog_number_aframe);
        page.set_isrc_valid(self.isrc.is_some());
        page.set_isrc(&self.isrc.unwrap_or_default());
        page.set_isrc_aframe(self.isrc_aframe);
        page.set_sub_header(&self.sub_header);
        page.buffer.as_mut()[field::END..len].copy_from_slice(&self.vendor_specific);
    }
}
impl_to_vec!(WriteParametersPageRepr, WriteParametersPage);

#[cfg(test)]
mod tests {
    use super::*;

    /// DVD-R incremental as libburn sets it (mmc.md §1.1): write type 0, LS_V, FP, track mode 5,
    /// block type 8, link size 16, packet size 16, multi-session 11b.
    static DVD_R_INCREMENTAL: [u8; 52] = [
        0x05, 0x32, 0x20, 0xE5, 0x08, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x96, //
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, //
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, //
        0, 0, 0, 0,
    ];

    fn dvd_r_incremental() -> WriteParametersPageRepr {
        WriteParametersPageRepr {
            link_size_valid: true,
            write_type: write_type::PACKET,
            multi_session: multi_session::APPENDABLE,
            fixed_packet: true,
            track_mode: 5,
            data_block_type: data_block_type::MODE_1,
            link_size: 16,
            packet_size: 16,
            ..WriteParametersPageRepr::default()
        }
    }

    #[test]
    fn deconstruct() {
        let page = WriteParametersPage::new_checked(&DVD_R_INCREMENTAL[..]).unwrap();
        assert_eq!(page.page_code(), 5);
        assert_eq!(page.page_length(), 0x32);
        assert!(page.link_size_valid() && !page.test_write());
        assert_eq!(page.write_type(), write_type::PACKET);
        assert_eq!(page.multi_session(), 3);
        assert!(page.fixed_packet());
        assert_eq!(page.track_mode(), 5);
        assert_eq!(page.data_block_type(), 8);
        assert_eq!(page.link_size(), 16);
        assert_eq!(page.packet_size(), 16);
        assert_eq!(page.audio_pause_length(), 150);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 52];
        let mut page = WriteParametersPage::new_unchecked(&mut bytes[..]);
        page.set_page_code(5);
        page.set_page_length(0x32);
        page.set_link_size_valid(true);
        page.set_multi_session(3);
        page.set_fixed_packet(true);
        page.set_track_mode(5);
        page.set_data_block_type(8);
        page.set_link_size(16);
        page.set_packet_size(16);
        page.set_audio_pause_length(150);
        assert_eq!(bytes, DVD_R_INCREMENTAL);
    }

    #[test]
    fn parse_and_emit() {
        let repr = dvd_r_incremental();
        assert_eq!(
            WriteParametersPageRepr::parse_bytes(&DVD_R_INCREMENTAL),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), DVD_R_INCREMENTAL);
    }

    #[test]
    fn mcn_and_isrc_with_their_valid_bits() {
        let repr = WriteParametersPageRepr {
            media_catalog_number: Some(*b"0123456789012"),
            media_catalog_number_aframe: 0x11,
            isrc: Some(*b"USABC2600001"),
            isrc_aframe: 0x22,
            sub_header: [1, 2, 3, 4],
            ..WriteParametersPageRepr::default()
        };
        let bytes = repr.to_vec();
        assert_eq!(bytes[16], 0x80);
        assert_eq!(&bytes[17..30], b"0123456789012");
        assert_eq!(bytes[31], 0x11);
        assert_eq!(bytes[32], 0x80);
        assert_eq!(&bytes[33..45], b"USABC2600001");
        assert_eq!(bytes[46], 0x22);
        assert_eq!(&bytes[48..52], &[1, 2, 3, 4]);
        assert_eq!(WriteParametersPageRepr::parse_bytes(&bytes), Ok(repr));
    }

    #[test]
    fn cd_tao_default_and_block_sizes() {
        let bytes = WriteParametersPageRepr::default().to_vec();
        assert_eq!(&bytes[2..5], &[0x01, 0xC4, 0x08]);
        assert_eq!(data_block_type::block_bytes(data_block_type::RAW_2352), Some(2352));
        assert_eq!(
            data_block_type::block_bytes(data_block_type::MODE_2_MIXED_SUBHEADER),
            Some(2332)
        );
        assert_eq!(data_block_type::block_bytes(7), None);
    }

    #[test]
    fn libburn_length_probe_is_refused_as_a_page() {
        // libburn senses with allocation 10 to learn the length; 10 bytes are not a page.
        assert_eq!(
            WriteParametersPageRepr::parse_bytes(&DVD_R_INCREMENTAL[..10]),
            Err(CdbError::parameter_list_length())
        );
    }

    #[test]
    fn longer_pages_keep_vendor_bytes() {
        let repr = WriteParametersPageRepr {
            vendor_specific: vec![9, 9, 9, 9],
            ..dvd_r_incremental()
        };
        let bytes = repr.to_vec();
        assert_eq!(bytes[1], 0x36);
        assert_eq!(WriteParametersPageRepr::parse_bytes(&bytes), Ok(repr));
    }
}
