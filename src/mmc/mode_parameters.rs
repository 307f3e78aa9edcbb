//! The mode parameter list of MODE SENSE / MODE SELECT (mmc.md §1.1): the 8-byte header of the
//! 10-byte commands or the 4-byte header of the 6-byte ones, block descriptors (none on MMC:
//! block descriptor length 0 — QEMU's 8 needed a libburn workaround), then mode pages, each
//! `PS b7 | SPF b6 | page code b5-0`, page length, parameters.
//!
//! The typed pages live in `mode_pages` (01h, 08h), `write_parameters` (05h) and
//! `capabilities` (2Ah); others pass through as bytes.

use super::capabilities::CapabilitiesPageRepr;
use super::mode_pages::{CachingPageRepr, ErrorRecoveryPageRepr};
use super::wire::{CdbError, Field, accessors, view};
use super::write_parameters::WriteParametersPageRepr;

mod field {
    use super::Field;

    pub mod header10 {
        use super::Field;
        pub const MODE_DATA_LENGTH: Field = 0..2;
        pub const MEDIUM_TYPE: usize = 2;
        pub const DEVICE_SPECIFIC: usize = 3;
        /// LONGLBA b0.
        pub const FLAGS: usize = 4;
        pub const BLOCK_DESCRIPTOR_LENGTH: Field = 6..8;
        pub const END: usize = 8;
    }

    pub mod header6 {
        pub const MODE_DATA_LENGTH: usize = 0;
        pub const MEDIUM_TYPE: usize = 1;
        pub const DEVICE_SPECIFIC: usize = 2;
        pub const BLOCK_DESCRIPTOR_LENGTH: usize = 3;
        pub const END: usize = 4;
    }

    pub mod page {
        /// PS b7, SPF b6, page code b5-0.
        pub const CODE: usize = 0;
        pub const LENGTH: usize = 1;
        pub const HEADER_END: usize = 2;
    }
}

view!(
    /// The mode parameter header of MODE SENSE(10) / MODE SELECT(10).
    ModeHeader10,
    min_len = field::header10::END
);
accessors!(ModeHeader10 {
    be mode_data_length / set_mode_data_length: u16 = field::header10::MODE_DATA_LENGTH;
    byte medium_type / set_medium_type: u8 = field::header10::MEDIUM_TYPE;
    byte device_specific / set_device_specific: u8 = field::header10::DEVICE_SPECIFIC;
    bit long_lba / set_long_lba: bool = field::header10::FLAGS, 0x01;
    be block_descriptor_length / set_block_descriptor_length: u16 = field::header10::BLOCK_DESCRIPTOR_LENGTH;
});

view!(
    /// The mode parameter header of MODE SENSE(6) / MODE SELECT(6).
    ModeHeader6,
    min_len = field::header6::END
);
accessors!(ModeHeader6 {
    byte mode_data_length / set_mode_data_length: u8 = field::header6::MODE_DATA_LENGTH;
    byte medium_type / set_medium_type: u8 = field::header6::MEDIUM_TYPE;
    byte device_specific / set_device_specific: u8 = field::header6::DEVICE_SPECIFIC;
    byte block_descriptor_length / set_block_descriptor_length: u8 = field::header6::BLOCK_DESCRIPTOR_LENGTH;
});

view!(
    /// The two bytes every mode page starts with.
    ModePageHeader,
    min_len = field::page::HEADER_END
);
accessors!(ModePageHeader {
    bit parameters_savable / set_parameters_savable: bool = field::page::CODE, 0x80;
    bit subpage_format / set_subpage_format: bool = field::page::CODE, 0x40;
    bits page_code / set_page_code: u8 = field::page::CODE, 0x3F;
    byte page_length / set_page_length: u8 = field::page::LENGTH;
});

/// Mode page codes of MMC drives.
pub mod page_code {
    pub const ERROR_RECOVERY: u8 = 0x01;
    pub const WRITE_PARAMETERS: u8 = 0x05;
    pub const CACHING: u8 = 0x08;
    pub const CAPABILITIES: u8 = 0x2A;
}

/// Which header a parameter list has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    /// MODE SENSE(6) / MODE SELECT(6): 4 bytes.
    Six,
    /// MODE SENSE(10) / MODE SELECT(10): 8 bytes.
    Ten,
}

impl HeaderKind {
    pub fn header_len(self) -> usize {
        match self {
            HeaderKind::Six => field::header6::END,
            HeaderKind::Ten => field::header10::END,
        }
    }
}

/// One mode page, typed where MMC burners use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModePageRepr {
    ErrorRecovery(ErrorRecoveryPageRepr),
    WriteParameters(WriteParametersPageRepr),
    Caching(CachingPageRepr),
    Capabilities(CapabilitiesPageRepr),
    /// Any other page: code, PS bit and parameter bytes after the length.
    Other {
        page_code: u8,
        parameters_savable: bool,
        parameters: Vec<u8>,
    },
}

impl ModePageRepr {
    pub fn page_code(&self) -> u8 {
        match self {
            ModePageRepr::ErrorRecovery(_) => page_code::ERROR_RECOVERY,
            ModePageRepr::WriteParameters(_) => page_code::WRITE_PARAMETERS,
            ModePageRepr::Caching(_) => page_code::CACHING,
            ModePageRepr::Capabilities(_) => page_code::CAPABILITIES,
            ModePageRepr::Other { page_code, .. } => *page_code,
        }
    }

    /// Parses one page (header included). Errors point inside the page; the list parser moves
    /// them to the page's offset.
    pub fn parse(page: &[u8]) -> Result<ModePageRepr, CdbError> {
        let header = ModePageHeader::new_checked(page)?;
        Ok(match header.page_code() {
            page_code::ERROR_RECOVERY => ModePageRepr::ErrorRecovery(ErrorRecoveryPageRepr::parse_bytes(page)?),
            page_code::WRITE_PARAMETERS => ModePageRepr::WriteParameters(WriteParametersPageRepr::parse_bytes(page)?),
            page_code::CACHING => ModePageRepr::Caching(CachingPageRepr::parse_bytes(page)?),
            page_code::CAPABILITIES => ModePageRepr::Capabilities(CapabilitiesPageRepr::parse_bytes(page)?),
            code => ModePageRepr::Other {
                page_code: code,
                parameters_savable: header.parameters_savable(),
                parameters: page[field::page::HEADER_END..].to_vec(),
            },
        })
    }

    pub fn buffer_len(&self) -> usize {
        match self {
            ModePageRepr::ErrorRecovery(page) => page.buffer_len(),
            ModePageRepr::WriteParameters(page) => page.buffer_len(),
            ModePageRepr::Caching(page) => page.buffer_len(),
            ModePageRepr::Capabilities(page) => page.buffer_len(),
            ModePageRepr::Other { parameters, .. } => field::page::HEADER_END + parameters.len(),
        }
    }

    /// The page's bytes, header included.
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            ModePageRepr::ErrorRecovery(page) => page.to_vec(),
            ModePageRepr::WriteParameters(page) => page.to_vec(),
            ModePageRepr::Caching(page) => page.to_vec(),
            ModePageRepr::Capabilities(page) => page.to_vec(),
            ModePageRepr::Other {
                page_code,
                parameters_savable,
                parameters,
            } => {
                let mut bytes = vec![0u8; self.buffer_len()];
                let mut header = ModePageHeader::new_unchecked(&mut bytes[..]);
                header.set_page_code(*page_code);
                header.set_parameters_savable(*parameters_savable);
                header.set_page_length(parameters.len() as u8);
                bytes[field::page::HEADER_END..].copy_from_slice(parameters);
                bytes
            }
        }
    }
}

/// Moves an error's field pointer by `offset` bytes (from a page to its place in the list).
fn shifted(error: CdbError, offset: usize) -> CdbError {
    let field = error.field.map(|mut pointer| {
        pointer.byte = pointer.byte.saturating_add(offset as u16);
        pointer
    });
    CdbError { field, ..error }
}

/// A mode parameter list: header, no block descriptors, pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeParameterListRepr {
    pub header: HeaderKind,
    pub medium_type: u8,
    pub device_specific: u8,
    pub pages: Vec<ModePageRepr>,
}

impl ModeParameterListRepr {
    /// A MODE SENSE reply carrying `pages` behind a zero header.
    pub fn new(header: HeaderKind, pages: Vec<ModePageRepr>) -> ModeParameterListRepr {
        ModeParameterListRepr {
            header,
            medium_type: 0,
            device_specific: 0,
            pages,
        }
    }

    /// Parses a list as MODE SELECT receives it (or MODE SENSE returns it). Block descriptors are
    /// skipped. A page cut by the end of the list is 5/1A/00 (mmc.md §1.1: length mismatch);
    /// a malformed typed page is 5/26/00 pointing into the list.
    pub fn parse(list: &[u8], header: HeaderKind) -> Result<ModeParameterListRepr, CdbError> {
        let (medium_type, device_specific, block_descriptors) = match header {
            HeaderKind::Ten => {
                let h = ModeHeader10::new_checked(list)?;
                (
                    h.medium_type(),
                    h.device_specific(),
                    usize::from(h.block_descriptor_length()),
                )
            }
            HeaderKind::Six => {
                let h = ModeHeader6::new_checked(list)?;
                (
                    h.medium_type(),
                    h.device_specific(),
                    usize::from(h.block_descriptor_length()),
                )
            }
        };
        let mut offset = header.header_len() + block_descriptors;
        if offset > list.len() {
            return Err(CdbError::parameter_list_length());
        }
        let mut pages = Vec::new();
        while offset < list.len() {
            let rest = &list[offset..];
            let page_header = ModePageHeader::new_checked(rest)?;
            let end = field::page::HEADER_END + usize::from(page_header.page_length());
            if end > rest.len() {
                return Err(CdbError::parameter_list_length());
            }
            pages.push(ModePageRepr::parse(&rest[..end]).map_err(|error| shifted(error, offset))?);
            offset += end;
        }
        Ok(ModeParameterListRepr {
            header,
            medium_type,
            device_specific,
            pages,
        })
    }

    pub fn buffer_len(&self) -> usize {
        self.header.header_len() + self.pages.iter().map(ModePageRepr::buffer_len).sum::<usize>()
    }

    /// The list's bytes; the mode data length counts the bytes after itself (MODE SENSE).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut bytes = vec![0u8; self.header.header_len()];
        for page in &self.pages {
            bytes.extend(page.to_vec());
        }
        let data_length = bytes.len();
        match self.header {
            HeaderKind::Ten => {
                let mut h = ModeHeader10::new_unchecked(&mut bytes[..]);
                h.set_mode_data_length((data_length - field::header10::MODE_DATA_LENGTH.end) as u16);
                h.set_medium_type(self.medium_type);
                h.set_device_specific(self.device_specific);
            }
            HeaderKind::Six => {
                let mut h = ModeHeader6::new_unchecked(&mut bytes[..]);
                h.set_mode_data_length((data_length - 1).min(usize::from(u8::MAX)) as u8);
                h.set_medium_type(self.medium_type);
                h.set_device_specific(self.device_specific);
            }
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mmc::mode_pages::ErrorRecoveryPageRepr;

    /// MODE SENSE(10) of page 01h: 8-byte header (data length 18, block descriptor length 0),
    /// page 01h length 0Ah with read retry count 0x20.
    static ERROR_RECOVERY_SENSE: [u8; 20] = [
        0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
        0x01, 0x0A, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    fn error_recovery() -> ModePageRepr {
        ModePageRepr::ErrorRecovery(ErrorRecoveryPageRepr {
            read_retry_count: 0x20,
            ..ErrorRecoveryPageRepr::default()
        })
    }

    #[test]
    fn deconstruct_header() {
        let header = ModeHeader10::new_checked(&ERROR_RECOVERY_SENSE[..]).unwrap();
        assert_eq!(header.mode_data_length(), 18);
        assert_eq!(header.block_descriptor_length(), 0);
        let page = ModePageHeader::new_checked(&ERROR_RECOVERY_SENSE[8..]).unwrap();
        assert_eq!(page.page_code(), page_code::ERROR_RECOVERY);
        assert_eq!(page.page_length(), 0x0A);
    }

    #[test]
    fn construct_header() {
        let mut bytes = [0u8; 4];
        let mut header = ModeHeader6::new_unchecked(&mut bytes[..]);
        header.set_mode_data_length(15);
        assert_eq!(bytes, [0x0F, 0, 0, 0]);
    }

    #[test]
    fn parse_and_emit_list() {
        let repr = ModeParameterListRepr::new(HeaderKind::Ten, vec![error_recovery()]);
        assert_eq!(
            ModeParameterListRepr::parse(&ERROR_RECOVERY_SENSE, HeaderKind::Ten),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), ERROR_RECOVERY_SENSE);
        assert_eq!(repr.buffer_len(), ERROR_RECOVERY_SENSE.len());
    }

    #[test]
    fn six_byte_header() {
        let repr = ModeParameterListRepr::new(HeaderKind::Six, vec![error_recovery()]);
        let bytes = repr.to_vec();
        assert_eq!(&bytes[..4], &[0x0F, 0x00, 0x00, 0x00]);
        assert_eq!(ModeParameterListRepr::parse(&bytes, HeaderKind::Six), Ok(repr));
    }

    #[test]
    fn cut_page_is_a_length_error() {
        assert_eq!(
            ModeParameterListRepr::parse(&ERROR_RECOVERY_SENSE[..15], HeaderKind::Ten),
            Err(CdbError::parameter_list_length())
        );
    }

    #[test]
    fn block_descriptors_are_skipped() {
        // QEMU's old scsi-cd sent an 8-byte block descriptor (mmc.md §1.1).
        let mut bytes = ERROR_RECOVERY_SENSE[..8].to_vec();
        bytes[7] = 8;
        bytes.extend([0, 0, 0, 0, 0, 0, 0x08, 0x00]);
        bytes.extend(&ERROR_RECOVERY_SENSE[8..]);
        let repr = ModeParameterListRepr::parse(&bytes, HeaderKind::Ten).unwrap();
        assert_eq!(repr.pages, vec![error_recovery()]);
    }

    #[test]
    fn unknown_pages_pass_through_and_errors_point_into_the_list() {
        let other = ModePageRepr::Other {
            page_code: 0x0E,
            parameters_savable: true,
            parameters: vec![4, 0, 0, 0],
        };
        let repr = ModeParameterListRepr::new(HeaderKind::Ten, vec![other.clone()]);
        assert_eq!(
            ModeParameterListRepr::parse(&repr.to_vec(), HeaderKind::Ten)
                .unwrap()
                .pages,
            vec![other]
        );
        // Page 05h with a length too short for its fields: 5/26/00 at the page length byte (9).
        let mut bytes = ERROR_RECOVERY_SENSE[..8].to_vec();
        bytes.extend([0x05, 0x02, 0x00, 0x00]);
        let error = ModeParameterListRepr::parse(&bytes, HeaderKind::Ten).unwrap_err();
        assert_eq!(error, CdbError::invalid_field_in_parameter_list(9, None));
    }
}
