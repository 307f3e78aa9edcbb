//! INQUIRY (12h) replies (mmc.md §1.1): standard data (36 bytes and more) and the vital product
//! data pages 00h (supported pages), 80h (unit serial number) and 83h (device identification).
//!
//! libburn and growisofs reject anything whose byte 0 is not 05h ("not an MMC unit!"); modern DVD
//! writers report RMB 1, version 05h and response data format 2 (mmc.md §7).

use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    /// Peripheral qualifier b7-5, device type b4-0.
    pub const DEVICE: usize = 0;
    /// RMB b7.
    pub const REMOVABLE: usize = 1;
    pub const VERSION: usize = 2;
    /// NormACA b5, HiSup b4, response data format b3-0.
    pub const FORMAT: usize = 3;
    pub const ADDITIONAL_LENGTH: usize = 4;
    pub const FLAGS: Field = 5..8;
    pub const VENDOR: Field = 8..16;
    pub const PRODUCT: Field = 16..32;
    pub const REVISION: Field = 32..36;
    pub const EXTRA: Rest = 36..;
    pub const END: usize = 36;

    pub mod vpd {
        use super::{Field, Rest};
        pub const DEVICE: usize = 0;
        pub const PAGE_CODE: usize = 1;
        pub const PAGE_LENGTH: Field = 2..4;
        pub const PAYLOAD: Rest = 4..;
        pub const HEADER_END: usize = 4;

        /// Within one designation descriptor of page 83h.
        pub const CODE_SET: usize = 0;
        /// PIV b7, association b5-4, designator type b3-0.
        pub const DESIGNATOR_KIND: usize = 1;
        pub const DESIGNATOR_LENGTH: usize = 3;
        pub const DESIGNATOR_HEADER_END: usize = 4;
    }
}

/// Peripheral device type of an MMC unit.
pub const DEVICE_TYPE_MMC: u8 = 0x05;
/// Response data format every drive reports.
pub const RESPONSE_DATA_FORMAT: u8 = 2;

view!(
    /// Standard INQUIRY data.
    StandardInquiry,
    min_len = field::END
);
accessors!(StandardInquiry {
    bits peripheral_qualifier / set_peripheral_qualifier: u8 = field::DEVICE, 0xE0;
    bits device_type / set_device_type: u8 = field::DEVICE, 0x1F;
    bit removable / set_removable: bool = field::REMOVABLE, 0x80;
    byte version / set_version: u8 = field::VERSION;
    bits response_data_format / set_response_data_format: u8 = field::FORMAT, 0x0F;
    byte additional_length / set_additional_length: u8 = field::ADDITIONAL_LENGTH;
    bytes flags / set_flags: [u8] = field::FLAGS;
    bytes vendor / set_vendor: [u8] = field::VENDOR;
    bytes product / set_product: [u8] = field::PRODUCT;
    bytes revision / set_revision: [u8] = field::REVISION;
    bytes extra / set_extra: [u8] = field::EXTRA;
});

/// `text` as an ASCII field of `N` bytes, space-padded and cut to fit (SPC-4 §4.4.1).
pub fn padded<const N: usize>(text: &str) -> [u8; N] {
    let mut field = [b' '; N];
    for (slot, byte) in field.iter_mut().zip(text.bytes()) {
        *slot = if byte.is_ascii_graphic() || byte == b' ' {
            byte
        } else {
            b'?'
        };
    }
    field
}

/// An ASCII field without its padding.
pub fn trimmed(field: &[u8]) -> String {
    String::from_utf8_lossy(field).trim_end_matches([' ', '\0']).to_string()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardInquiryRepr {
    pub peripheral_qualifier: u8,
    pub device_type: u8,
    pub removable: bool,
    /// 0 or 5 on real drives (mmc.md §1.1).
    pub version: u8,
    pub response_data_format: u8,
    /// Bytes 5–7 (SCCS, EncServ, CmdQue…): all zero on MMC drives.
    pub flags: [u8; 3],
    pub vendor: [u8; 8],
    pub product: [u8; 16],
    pub revision: [u8; 4],
    /// Bytes 36 and on (vendor specific, version descriptors), as far as the additional length
    /// and the buffer reach.
    pub extra: Vec<u8>,
}

impl StandardInquiryRepr {
    /// A removable MMC drive, version 05h, response format 2, 36 bytes.
    pub fn mmc_drive(vendor: &str, product: &str, revision: &str) -> StandardInquiryRepr {
        StandardInquiryRepr {
            peripheral_qualifier: 0,
            device_type: DEVICE_TYPE_MMC,
            removable: true,
            version: 0x05,
            response_data_format: RESPONSE_DATA_FORMAT,
            flags: [0; 3],
            vendor: padded(vendor),
            product: padded(product),
            revision: padded(revision),
            extra: Vec::new(),
        }
    }

    pub fn parse<T: AsRef<[u8]>>(data: &StandardInquiry<T>) -> Result<StandardInquiryRepr, CdbError> {
        data.check_len()?;
        let declared_end = field::ADDITIONAL_LENGTH + 1 + usize::from(data.additional_length());
        let extra = data.extra();
        let extra = &extra[..extra.len().min(declared_end.saturating_sub(field::END))];
        let mut repr = StandardInquiryRepr {
            peripheral_qualifier: data.peripheral_qualifier(),
            device_type: data.device_type(),
            removable: data.removable(),
            version: data.version(),
            response_data_format: data.response_data_format(),
            flags: [0; 3],
            vendor: [0; 8],
            product: [0; 16],
            revision: [0; 4],
            extra: extra.to_vec(),
        };
        repr.flags.copy_from_slice(data.flags());
        repr.vendor.copy_from_slice(data.vendor());
        repr.product.copy_from_slice(data.product());
        repr.revision.copy_from_slice(data.revision());
        Ok(repr)
    }

    pub fn buffer_len(&self) -> usize {
        field::END + self.extra.len()
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut StandardInquiry<T>) {
        let len = self.buffer_len();
        data.buffer.as_mut()[..len].fill(0);
        data.set_peripheral_qualifier(self.peripheral_qualifier);
        data.set_device_type(self.device_type);
        data.set_removable(self.removable);
        data.set_version(self.version);
        data.set_response_data_format(self.response_data_format);
        data.set_additional_length((len - field::ADDITIONAL_LENGTH - 1) as u8);
        data.set_flags(&self.flags);
        data.set_vendor(&self.vendor);
        data.set_product(&self.product);
        data.set_revision(&self.revision);
        data.buffer.as_mut()[field::END..len].copy_from_slice(&self.extra);
    }
}
impl_to_vec!(StandardInquiryRepr, StandardInquiry);

view!(
    /// A vital product data page: 4-byte header and payload.
    VpdPage,
    min_len = field::vpd::HEADER_END
);
accessors!(VpdPage {
    bits peripheral_qualifier / set_peripheral_qualifier: u8 = field::vpd::DEVICE, 0xE0;
    bits device_type / set_device_type: u8 = field::vpd::DEVICE, 0x1F;
    byte page_code / set_page_code: u8 = field::vpd::PAGE_CODE;
    be page_length / set_page_length: u16 = field::vpd::PAGE_LENGTH;
    bytes payload / set_payload: [u8] = field::vpd::PAYLOAD;
});

/// VPD page codes the emulator serves (mmc.md §1.1, optional per CDEmu).
pub mod vpd_page {
    pub const SUPPORTED_PAGES: u8 = 0x00;
    pub const UNIT_SERIAL_NUMBER: u8 = 0x80;
    pub const DEVICE_IDENTIFICATION: u8 = 0x83;
}

/// Code sets and designator types of page 83h (SPC-4 §7.8.6).
pub mod designator {
    pub const CODE_SET_BINARY: u8 = 1;
    pub const CODE_SET_ASCII: u8 = 2;
    pub const TYPE_VENDOR_SPECIFIC: u8 = 0;
    pub const TYPE_T10_VENDOR_ID: u8 = 1;
    pub const TYPE_NAA: u8 = 3;
}

/// One designation descriptor of page 83h.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Designator {
    pub protocol_identifier: u8,
    pub code_set: u8,
    pub protocol_identifier_valid: bool,
    /// 0 logical unit, 1 target port, 2 target device.
    pub association: u8,
    pub designator_type: u8,
    pub designator: Vec<u8>,
}

impl Designator {
    /// The T10 vendor identification form: vendor (8 bytes) followed by a unique string.
    pub fn t10_vendor_id(vendor: &str, unique: &str) -> Designator {
        let mut designator = padded::<8>(vendor).to_vec();
        designator.extend(unique.bytes());
        Designator {
            protocol_identifier: 0,
            code_set: designator::CODE_SET_ASCII,
            protocol_identifier_valid: false,
            association: 0,
            designator_type: designator::TYPE_T10_VENDOR_ID,
            designator,
        }
    }
}

/// A parsed VPD page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VpdPageRepr {
    SupportedPages(Vec<u8>),
    /// ASCII serial number.
    UnitSerialNumber(Vec<u8>),
    DeviceIdentification(Vec<Designator>),
    Other {
        page_code: u8,
        payload: Vec<u8>,
    },
}

impl VpdPageRepr {
    pub fn page_code(&self) -> u8 {
        match self {
            VpdPageRepr::SupportedPages(_) => vpd_page::SUPPORTED_PAGES,
            VpdPageRepr::UnitSerialNumber(_) => vpd_page::UNIT_SERIAL_NUMBER,
            VpdPageRepr::DeviceIdentification(_) => vpd_page::DEVICE_IDENTIFICATION,
            VpdPageRepr::Other { page_code, .. } => *page_code,
        }
    }

    pub fn parse<T: AsRef<[u8]>>(data: &VpdPage<T>) -> Result<VpdPageRepr, CdbError> {
        use field::vpd as f;
        data.check_len()?;
        let payload = data.payload();
        let payload = &payload[..payload.len().min(data.page_length().into())];
        Ok(match data.page_code() {
            vpd_page::SUPPORTED_PAGES => VpdPageRepr::SupportedPages(payload.to_vec()),
            vpd_page::UNIT_SERIAL_NUMBER => VpdPageRepr::UnitSerialNumber(payload.to_vec()),
            vpd_page::DEVICE_IDENTIFICATION => {
                let mut designators = Vec::new();
                let mut rest = payload;
                while rest.len() >= f::DESIGNATOR_HEADER_END {
                    let end = (f::DESIGNATOR_HEADER_END + usize::from(rest[f::DESIGNATOR_LENGTH])).min(rest.len());
                    designators.push(Designator {
                        protocol_identifier: rest[f::CODE_SET] >> 4,
                        code_set: rest[f::CODE_SET] & 0x0F,
                        protocol_identifier_valid: rest[f::DESIGNATOR_KIND] & 0x80 != 0,
                        association: (rest[f::DESIGNATOR_KIND] >> 4) & 0x03,
                        designator_type: rest[f::DESIGNATOR_KIND] & 0x0F,
                        designator: rest[f::DESIGNATOR_HEADER_END..end].to_vec(),
                    });
                    rest = &rest[end..];
                }
                VpdPageRepr::DeviceIdentification(designators)
            }
            page_code => VpdPageRepr::Other {
                page_code,
                payload: payload.to_vec(),
            },
        })
    }

    fn payload_len(&self) -> usize {
        match self {
            VpdPageRepr::SupportedPages(bytes) | VpdPageRepr::UnitSerialNumber(bytes) => bytes.len(),
            VpdPageRepr::DeviceIdentification(designators) => designators
                .iter()
                .map(|d| field::vpd::DESIGNATOR_HEADER_END + d.designator.len())
                .sum(),
            VpdPageRepr::Other { payload, .. } => payload.len(),
        }
    }

    pub fn buffer_len(&self) -> usize {
        field::vpd::HEADER_END + self.payload_len()
    }

    /// Emits the page for an MMC device (device type 05h).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut VpdPage<T>) {
        use field::vpd as f;
        let len = self.buffer_len();
        data.buffer.as_mut()[..len].fill(0);
        data.set_device_type(DEVICE_TYPE_MMC);
        data.set_page_code(self.page_code());
        data.set_page_length(self.payload_len() as u16);
        let payload = &mut data.buffer.as_mut()[f::HEADER_END..len];
        match self {
            VpdPageRepr::SupportedPages(bytes)
            | VpdPageRepr::UnitSerialNumber(bytes)
            | VpdPageRepr::Other { payload: bytes, .. } => payload.copy_from_slice(bytes),
            VpdPageRepr::DeviceIdentification(designators) => {
                let mut rest = payload;
                for d in designators {
                    let (head, tail) = rest.split_at_mut(f::DESIGNATOR_HEADER_END + d.designator.len());
                    head[f::CODE_SET] = d.protocol_identifier << 4 | d.code_set & 0x0F;
                    head[f::DESIGNATOR_KIND] = u8::from(d.protocol_identifier_valid) << 7
                        | (d.association & 0x03) << 4
                        | d.designator_type & 0x0F;
                    head[f::DESIGNATOR_LENGTH] = d.designator.len() as u8;
                    head[f::DESIGNATOR_HEADER_END..].copy_from_slice(&d.designator);
                    rest = tail;
                }
            }
        }
    }
}
impl_to_vec!(VpdPageRepr, VpdPage);

#[cfg(test)]
mod tests {
    use super::*;

    /// A modern DVD writer: type 5, RMB 1, version 05h, format 2 (mmc.md §7), 36 bytes.
    static BURNBENCH_WRITER: [u8; 36] = [
        0x05, 0x80, 0x05, 0x02, 0x1F, 0x00, 0x00, 0x00, //
        b'B', b'U', b'R', b'N', b'B', b'N', b'C', b'H', //
        b'V', b'i', b'r', b't', b'u', b'a', b'l', b' ', b'B', b'D', b'-', b'R', b'E', b' ', b' ', b' ', //
        b'1', b'.', b'0', b'0',
    ];
    static SUPPORTED_PAGES: [u8; 7] = [0x05, 0x00, 0x00, 0x03, 0x00, 0x80, 0x83];
    static SERIAL: [u8; 12] = [0x05, 0x80, 0x00, 0x08, b'B', b'B', b'0', b'0', b'0', b'0', b'0', b'1'];
    static IDENTIFICATION: [u8; 22] = [
        0x05, 0x83, 0x00, 0x12, //
        0x02, 0x01, 0x00, 0x0E, b'B', b'U', b'R', b'N', b'B', b'N', b'C', b'H', b'B', b'B', b'0', b'0', b'0', b'1',
    ];

    #[test]
    fn deconstruct() {
        let data = StandardInquiry::new_checked(&BURNBENCH_WRITER[..]).unwrap();
        assert_eq!(data.device_type(), DEVICE_TYPE_MMC);
        assert!(data.removable());
        assert_eq!(data.version(), 5);
        assert_eq!(data.response_data_format(), 2);
        assert_eq!(data.additional_length(), 31);
        assert_eq!(trimmed(data.product()), "Virtual BD-RE");
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 36];
        let mut data = StandardInquiry::new_unchecked(&mut bytes[..]);
        data.set_device_type(5);
        data.set_removable(true);
        data.set_version(5);
        data.set_response_data_format(2);
        data.set_additional_length(31);
        data.set_vendor(b"BURNBNCH");
        data.set_product(&padded::<16>("Virtual BD-RE"));
        data.set_revision(b"1.00");
        assert_eq!(bytes, BURNBENCH_WRITER);
    }

    #[test]
    fn parse_and_emit_standard() {
        let repr = StandardInquiryRepr::mmc_drive("BURNBNCH", "Virtual BD-RE", "1.00");
        assert_eq!(
            StandardInquiryRepr::parse(&StandardInquiry::new_checked(&BURNBENCH_WRITER[..]).unwrap()),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), BURNBENCH_WRITER);
    }

    #[test]
    fn longer_inquiry_keeps_its_tail() {
        // cdrdao asks 0x2C bytes (mmc.md §1.1): 8 vendor-specific bytes follow.
        let repr = StandardInquiryRepr {
            extra: b"20260101".to_vec(),
            ..StandardInquiryRepr::mmc_drive("A", "B", "C")
        };
        let bytes = repr.to_vec();
        assert_eq!(bytes.len(), 0x2C);
        assert_eq!(bytes[4], 0x2C - 5);
        assert_eq!(
            StandardInquiryRepr::parse(&StandardInquiry::new_checked(&bytes[..]).unwrap()),
            Ok(repr)
        );
        // Allocation 36 of the same reply drops the tail.
        let short = StandardInquiryRepr::parse(&StandardInquiry::new_checked(&bytes[..36]).unwrap()).unwrap();
        assert!(short.extra.is_empty());
    }

    #[test]
    fn padded_fields() {
        assert_eq!(&padded::<8>("AB"), b"AB      ");
        assert_eq!(&padded::<4>("TOOLONG"), b"TOOL");
        assert_eq!(&padded::<4>("a\u{7}"), b"a?  ");
        assert_eq!(trimmed(b"AB  \0"), "AB");
    }

    #[test]
    fn vpd_supported_pages() {
        let repr = VpdPageRepr::SupportedPages(vec![0x00, 0x80, 0x83]);
        let page = VpdPage::new_checked(&SUPPORTED_PAGES[..]).unwrap();
        assert_eq!(page.page_code(), 0);
        assert_eq!(page.page_length(), 3);
        assert_eq!(VpdPageRepr::parse(&page), Ok(repr.clone()));
        assert_eq!(repr.to_vec(), SUPPORTED_PAGES);
    }

    #[test]
    fn vpd_unit_serial_number() {
        let repr = VpdPageRepr::UnitSerialNumber(b"BB000001".to_vec());
        assert_eq!(
            VpdPageRepr::parse(&VpdPage::new_checked(&SERIAL[..]).unwrap()),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), SERIAL);
    }

    #[test]
    fn vpd_device_identification() {
        let repr = VpdPageRepr::DeviceIdentification(vec![Designator::t10_vendor_id("BURNBNCH", "BB0001")]);
        let mut bytes = [0u8; 22];
        let mut page = VpdPage::new_unchecked(&mut bytes[..]);
        page.set_device_type(5);
        page.set_page_code(0x83);
        page.set_page_length(0x12);
        page.set_payload(&IDENTIFICATION[4..]);
        assert_eq!(bytes, IDENTIFICATION);
        assert_eq!(
            VpdPageRepr::parse(&VpdPage::new_checked(&IDENTIFICATION[..]).unwrap()),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), IDENTIFICATION);
    }

    #[test]
    fn other_vpd_pages_pass_through() {
        let repr = VpdPageRepr::Other {
            page_code: 0xB0,
            payload: vec![1, 2, 3],
        };
        assert_eq!(
            VpdPageRepr::parse(&VpdPage::new_checked(&repr.to_vec()[..]).unwrap()),
            Ok(repr)
        );
    }
}
