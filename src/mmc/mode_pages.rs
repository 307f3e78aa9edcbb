//! Mode pages 01h Read/Write Error Recovery and 08h Caching (mmc.md §1.1). Offsets count from
//! the page code byte.
//!
//! 01h (length 0Ah): byte 2 AWRE b7, ARRE b6, TB b5, RC b4, PER b2, DTE b1, DCR b0; 3 read retry
//! count; 8 write retry count; 10–11 recovery time limit. libburn reads it.
//! 08h (length 0Ah, or 12h): byte 2 WCE b2, RCD b0 (other bits kept as they come); 3 retention
//! priorities; 4–11 prefetch limits; 12–19 the SBC-2 extension. Burn tools do not use it.

use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    pub const PAGE_CODE: usize = 0;
    pub const PAGE_LENGTH: usize = 1;
    pub const FLAGS: usize = 2;

    pub mod error_recovery {
        use super::Field;
        pub const READ_RETRY_COUNT: usize = 3;
        pub const WRITE_RETRY_COUNT: usize = 8;
        pub const RECOVERY_TIME_LIMIT: Field = 10..12;
        pub const END: usize = 12;
    }

    pub mod caching {
        use super::{Field, Rest};
        pub const RETENTION: usize = 3;
        pub const DISABLE_PREFETCH: Field = 4..6;
        pub const MINIMUM_PREFETCH: Field = 6..8;
        pub const MAXIMUM_PREFETCH: Field = 8..10;
        pub const MAXIMUM_PREFETCH_CEILING: Field = 10..12;
        pub const EXTENSION: Rest = 12..;
        pub const END: usize = 12;
        pub const EXTENDED_END: usize = 20;
    }
}

/// The page length field is too small for the page's fields: 5/26/00 pointing at it.
pub(crate) fn check_page_length(page: &[u8], fields_end: usize) -> Result<(), CdbError> {
    if page.len() < 2 || usize::from(page[field::PAGE_LENGTH]) + 2 < fields_end {
        return Err(CdbError::invalid_field_in_parameter_list(
            field::PAGE_LENGTH as u16,
            None,
        ));
    }
    Ok(())
}

view!(
    /// Mode page 01h.
    ErrorRecoveryPage,
    min_len = field::error_recovery::END
);
accessors!(ErrorRecoveryPage {
    bit parameters_savable / set_parameters_savable: bool = field::PAGE_CODE, 0x80;
    bits page_code / set_page_code: u8 = field::PAGE_CODE, 0x3F;
    byte page_length / set_page_length: u8 = field::PAGE_LENGTH;
    bit automatic_write_reallocation / set_automatic_write_reallocation: bool = field::FLAGS, 0x80;
    bit automatic_read_reallocation / set_automatic_read_reallocation: bool = field::FLAGS, 0x40;
    bit transfer_block / set_transfer_block: bool = field::FLAGS, 0x20;
    bit read_continuous / set_read_continuous: bool = field::FLAGS, 0x10;
    bit post_error / set_post_error: bool = field::FLAGS, 0x04;
    bit disable_transfer_on_error / set_disable_transfer_on_error: bool = field::FLAGS, 0x02;
    bit disable_correction / set_disable_correction: bool = field::FLAGS, 0x01;
    byte read_retry_count / set_read_retry_count: u8 = field::error_recovery::READ_RETRY_COUNT;
    byte write_retry_count / set_write_retry_count: u8 = field::error_recovery::WRITE_RETRY_COUNT;
    be recovery_time_limit / set_recovery_time_limit: u16 = field::error_recovery::RECOVERY_TIME_LIMIT;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ErrorRecoveryPageRepr {
    pub parameters_savable: bool,
    /// AWRE.
    pub automatic_write_reallocation: bool,
    /// ARRE.
    pub automatic_read_reallocation: bool,
    /// TB.
    pub transfer_block: bool,
    /// RC.
    pub read_continuous: bool,
    /// PER.
    pub post_error: bool,
    /// DTE.
    pub disable_transfer_on_error: bool,
    /// DCR: with it set, CDEmu's bad-sector emulation reads without 3/11/00 (mmc.md §5).
    pub disable_correction: bool,
    pub read_retry_count: u8,
    pub write_retry_count: u8,
    pub recovery_time_limit: u16,
}

impl ErrorRecoveryPageRepr {
    pub const PAGE_CODE: u8 = 0x01;

    pub fn parse<T: AsRef<[u8]>>(page: &ErrorRecoveryPage<T>) -> Result<ErrorRecoveryPageRepr, CdbError> {
        page.check_len()?;
        check_page_length(page.as_bytes(), field::error_recovery::END)?;
        Ok(ErrorRecoveryPageRepr {
            parameters_savable: page.parameters_savable(),
            automatic_write_reallocation: page.automatic_write_reallocation(),
            automatic_read_reallocation: page.automatic_read_reallocation(),
            transfer_block: page.transfer_block(),
            read_continuous: page.read_continuous(),
            post_error: page.post_error(),
            disable_transfer_on_error: page.disable_transfer_on_error(),
            disable_correction: page.disable_correction(),
            read_retry_count: page.read_retry_count(),
            write_retry_count: page.write_retry_count(),
            recovery_time_limit: page.recovery_time_limit(),
        })
    }

    /// Parses a page given as bytes (header included); a short page is 5/26/00 at its length.
    pub fn parse_bytes(page: &[u8]) -> Result<ErrorRecoveryPageRepr, CdbError> {
        check_page_length(page, field::error_recovery::END)?;
        Self::parse(&ErrorRecoveryPage::new_checked(page)?)
    }

    pub fn buffer_len(&self) -> usize {
        field::error_recovery::END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, page: &mut ErrorRecoveryPage<T>) {
        page.buffer.as_mut()[..field::error_recovery::END].fill(0);
        page.set_parameters_savable(self.parameters_savable);
        page.set_page_code(Self::PAGE_CODE);
        page.set_page_length((field::error_recovery::END - 2) as u8);
        page.set_automatic_write_reallocation(self.automatic_write_reallocation);
        page.set_automatic_read_reallocation(self.automatic_read_reallocation);
        page.set_transfer_block(self.transfer_block);
        page.set_read_continuous(self.read_continuous);
        page.set_post_error(self.post_error);
        page.set_disable_transfer_on_error(self.disable_transfer_on_error);
        page.set_disable_correction(self.disable_correction);
        page.set_read_retry_count(self.read_retry_count);
        page.set_write_retry_count(self.write_retry_count);
        page.set_recovery_time_limit(self.recovery_time_limit);
    }
}
impl_to_vec!(ErrorRecoveryPageRepr, ErrorRecoveryPage);

view!(
    /// Mode page 08h.
    CachingPage,
    min_len = field::caching::END
);
accessors!(CachingPage {
    bit parameters_savable / set_parameters_savable: bool = field::PAGE_CODE, 0x80;
    bits page_code / set_page_code: u8 = field::PAGE_CODE, 0x3F;
    byte page_length / set_page_length: u8 = field::PAGE_LENGTH;
    byte flags / set_flags: u8 = field::FLAGS;
    bit write_cache_enabled / set_write_cache_enabled: bool = field::FLAGS, 0x04;
    bit read_cache_disabled / set_read_cache_disabled: bool = field::FLAGS, 0x01;
    byte retention / set_retention: u8 = field::caching::RETENTION;
    be disable_prefetch_length / set_disable_prefetch_length: u16 = field::caching::DISABLE_PREFETCH;
    be minimum_prefetch / set_minimum_prefetch: u16 = field::caching::MINIMUM_PREFETCH;
    be maximum_prefetch / set_maximum_prefetch: u16 = field::caching::MAXIMUM_PREFETCH;
    be maximum_prefetch_ceiling / set_maximum_prefetch_ceiling: u16 = field::caching::MAXIMUM_PREFETCH_CEILING;
    bytes extension / set_extension: [u8] = field::caching::EXTENSION;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CachingPageRepr {
    pub parameters_savable: bool,
    /// WCE.
    pub write_cache_enabled: bool,
    /// RCD.
    pub read_cache_disabled: bool,
    /// The other bits of byte 2 (IC, ABPF, CAP, DISC, SIZE, MF), as sent.
    pub other_flags: u8,
    pub retention: u8,
    pub disable_prefetch_length: u16,
    pub minimum_prefetch: u16,
    pub maximum_prefetch: u16,
    pub maximum_prefetch_ceiling: u16,
    /// Bytes 12–19 of the 12h-long page.
    pub extension: Option<[u8; 8]>,
}

impl CachingPageRepr {
    pub const PAGE_CODE: u8 = 0x08;
    const FLAG_BITS: u8 = 0x05;

    pub fn parse<T: AsRef<[u8]>>(page: &CachingPage<T>) -> Result<CachingPageRepr, CdbError> {
        page.check_len()?;
        check_page_length(page.as_bytes(), field::caching::END)?;
        let long = usize::from(page.page_length()) + 2 >= field::caching::EXTENDED_END;
        let extension = page.extension();
        let extension = (long && extension.len() >= 8).then(|| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&extension[..8]);
            bytes
        });
        Ok(CachingPageRepr {
            parameters_savable: page.parameters_savable(),
            write_cache_enabled: page.write_cache_enabled(),
            read_cache_disabled: page.read_cache_disabled(),
            other_flags: page.flags() & !Self::FLAG_BITS,
            retention: page.retention(),
            disable_prefetch_length: page.disable_prefetch_length(),
            minimum_prefetch: page.minimum_prefetch(),
            maximum_prefetch: page.maximum_prefetch(),
            maximum_prefetch_ceiling: page.maximum_prefetch_ceiling(),
            extension,
        })
    }

    pub fn parse_bytes(page: &[u8]) -> Result<CachingPageRepr, CdbError> {
        check_page_length(page, field::caching::END)?;
        Self::parse(&CachingPage::new_checked(page)?)
    }

    pub fn buffer_len(&self) -> usize {
        if self.extension.is_some() {
            field::caching::EXTENDED_END
        } else {
            field::caching::END
        }
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, page: &mut CachingPage<T>) {
        let len = self.buffer_len();
        page.buffer.as_mut()[..len].fill(0);
        page.set_parameters_savable(self.parameters_savable);
        page.set_page_code(Self::PAGE_CODE);
        page.set_page_length((len - 2) as u8);
        page.set_flags(self.other_flags & !Self::FLAG_BITS);
        page.set_write_cache_enabled(self.write_cache_enabled);
        page.set_read_cache_disabled(self.read_cache_disabled);
        page.set_retention(self.retention);
        page.set_disable_prefetch_length(self.disable_prefetch_length);
        page.set_minimum_prefetch(self.minimum_prefetch);
        page.set_maximum_prefetch(self.maximum_prefetch);
        page.set_maximum_prefetch_ceiling(self.maximum_prefetch_ceiling);
        if let Some(extension) = self.extension {
            page.buffer.as_mut()[field::caching::END..len].copy_from_slice(&extension);
        }
    }
}
impl_to_vec!(CachingPageRepr, CachingPage);

#[cfg(test)]
mod tests {
    use super::*;

    static ERROR_RECOVERY: [u8; 12] = [0x81, 0x0A, 0xC4, 0x20, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0x1E];
    static CACHING: [u8; 12] = [0x08, 0x0A, 0x04, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];

    fn error_recovery() -> ErrorRecoveryPageRepr {
        ErrorRecoveryPageRepr {
            parameters_savable: true,
            automatic_write_reallocation: true,
            automatic_read_reallocation: true,
            post_error: true,
            read_retry_count: 0x20,
            write_retry_count: 1,
            recovery_time_limit: 30,
            ..ErrorRecoveryPageRepr::default()
        }
    }

    #[test]
    fn error_recovery_deconstruct_construct() {
        let page = ErrorRecoveryPage::new_checked(&ERROR_RECOVERY[..]).unwrap();
        assert!(page.parameters_savable());
        assert_eq!(page.page_code(), 0x01);
        assert!(page.automatic_write_reallocation() && page.automatic_read_reallocation() && page.post_error());
        assert!(!page.disable_correction());
        assert_eq!(page.read_retry_count(), 0x20);
        let mut bytes = [0u8; 12];
        let mut page = ErrorRecoveryPage::new_unchecked(&mut bytes[..]);
        page.set_parameters_savable(true);
        page.set_page_code(1);
        page.set_page_length(10);
        page.set_automatic_write_reallocation(true);
        page.set_automatic_read_reallocation(true);
        page.set_post_error(true);
        page.set_read_retry_count(0x20);
        page.set_write_retry_count(1);
        page.set_recovery_time_limit(30);
        assert_eq!(bytes, ERROR_RECOVERY);
    }

    #[test]
    fn error_recovery_parse_emit() {
        let repr = error_recovery();
        assert_eq!(ErrorRecoveryPageRepr::parse_bytes(&ERROR_RECOVERY), Ok(repr));
        assert_eq!(repr.to_vec(), ERROR_RECOVERY);
    }

    #[test]
    fn caching_parse_emit() {
        let repr = CachingPageRepr {
            write_cache_enabled: true,
            disable_prefetch_length: 0xFFFF,
            maximum_prefetch: 0xFFFF,
            maximum_prefetch_ceiling: 0xFFFF,
            ..CachingPageRepr::default()
        };
        let page = CachingPage::new_checked(&CACHING[..]).unwrap();
        assert!(page.write_cache_enabled() && !page.read_cache_disabled());
        assert_eq!(CachingPageRepr::parse(&page), Ok(repr));
        assert_eq!(repr.to_vec(), CACHING);
    }

    #[test]
    fn caching_long_form_keeps_its_extension() {
        let repr = CachingPageRepr {
            read_cache_disabled: true,
            extension: Some([1, 2, 3, 4, 5, 6, 7, 8]),
            ..CachingPageRepr::default()
        };
        let bytes = repr.to_vec();
        assert_eq!(bytes.len(), 20);
        assert_eq!(bytes[1], 0x12);
        assert_eq!(CachingPageRepr::parse_bytes(&bytes), Ok(repr));
    }

    #[test]
    fn short_page_length_points_at_the_length_byte() {
        let mut bytes = ERROR_RECOVERY;
        bytes[1] = 6;
        assert_eq!(
            ErrorRecoveryPageRepr::parse_bytes(&bytes),
            Err(CdbError::invalid_field_in_parameter_list(1, None))
        );
    }
}
