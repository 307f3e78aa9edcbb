//! GET CONFIGURATION (46h) reply (mmc.md §1.2): an 8-byte feature header — data length (bytes
//! after the field) in 0–3, current profile in 6–7 (0000h with no medium) — then feature
//! descriptors (`features`). libburn asks 8 bytes, then all, and rejects lengths > 4096; the
//! kernel checks that the first descriptor is the starting feature it asked for.

use super::features::{FeatureDescriptor, FeatureRepr};
use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    pub const DATA_LENGTH: Field = 0..4;
    pub const CURRENT_PROFILE: Field = 6..8;
    pub const DESCRIPTORS: Rest = 8..;
    pub const HEADER_END: usize = 8;
}

view!(
    /// GET CONFIGURATION data: feature header and descriptors.
    Configuration,
    min_len = field::HEADER_END
);
accessors!(Configuration {
    be data_length / set_data_length: u32 = field::DATA_LENGTH;
    be current_profile / set_current_profile: u16 = field::CURRENT_PROFILE;
    bytes descriptors / set_descriptors: [u8] = field::DESCRIPTORS;
});

/// Profile 0000h: no medium loaded.
pub const NO_PROFILE: u16 = 0x0000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigurationRepr {
    pub current_profile: u16,
    pub features: Vec<FeatureRepr>,
}

impl ConfigurationRepr {
    /// Parses the header and every complete descriptor inside the data length and the buffer; a
    /// descriptor cut by an allocation length is dropped, as a client reading a truncated reply
    /// would.
    pub fn parse<T: AsRef<[u8]>>(data: &Configuration<T>) -> Result<ConfigurationRepr, CdbError> {
        data.check_len()?;
        let declared_end = (data.data_length() as usize).saturating_add(field::DATA_LENGTH.end);
        let bytes = data.descriptors();
        let mut rest = &bytes[..bytes.len().min(declared_end.saturating_sub(field::HEADER_END))];
        let mut features = Vec::new();
        while let Ok(descriptor) = FeatureDescriptor::new_checked(rest) {
            let Ok(feature) = FeatureRepr::parse(&descriptor) else {
                break;
            };
            rest = &rest[feature_len(&descriptor)..];
            features.push(feature);
        }
        Ok(ConfigurationRepr {
            current_profile: data.current_profile(),
            features,
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::HEADER_END + self.features.iter().map(FeatureRepr::buffer_len).sum::<usize>()
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut Configuration<T>) {
        let len = self.buffer_len();
        data.buffer.as_mut()[..field::HEADER_END].fill(0);
        data.set_data_length((len - field::DATA_LENGTH.end) as u32);
        data.set_current_profile(self.current_profile);
        let mut offset = field::HEADER_END;
        for feature in &self.features {
            let end = offset + feature.buffer_len();
            feature.emit(&mut FeatureDescriptor::new_unchecked(
                &mut data.buffer.as_mut()[offset..end],
            ));
            offset = end;
        }
    }
}
impl_to_vec!(ConfigurationRepr, Configuration);

/// Header plus additional length of a descriptor known to fit.
fn feature_len<T: AsRef<[u8]>>(descriptor: &FeatureDescriptor<T>) -> usize {
    4 + usize::from(descriptor.additional_length())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mmc::features::{Feature, ProfileDescriptor};

    /// The kernel's probe (RT 0, from 0020h, allocation 24) on a formatted DVD-RAM: the first
    /// descriptor must be 0020h with its current bit (mmc.md §1.2, §4.0).
    static DVD_RAM_FROM_0020: [u8; 24] = [
        0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x12, // data length 48, profile 12h
        0x00, 0x20, 0x01, 0x0C, 0x00, 0x22, 0x21, 0x1F, 0x00, 0x00, 0x08, 0x00, 0x00, 0x10, 0x01, 0x00,
    ];

    fn dvd_ram_from_0020() -> ConfigurationRepr {
        ConfigurationRepr {
            current_profile: 0x0012,
            features: vec![
                FeatureRepr::new(
                    Feature::RandomWritable {
                        last_lba: 2_236_703,
                        block_size: 2048,
                        blocking: 16,
                        page_present: true,
                    },
                    true,
                ),
                FeatureRepr::new(
                    Feature::Formattable {
                        renosa: false,
                        expand: true,
                        quick_certification: false,
                        certification: true,
                        random_recording_mode: false,
                    },
                    true,
                ),
                FeatureRepr::new(
                    Feature::HardwareDefectManagement {
                        supplemental_spare_area: true,
                    },
                    true,
                ),
                FeatureRepr::new(Feature::DvdPlusR { write: true }, false),
            ],
        }
    }

    #[test]
    fn deconstruct() {
        let data = Configuration::new_checked(&DVD_RAM_FROM_0020[..]).unwrap();
        assert_eq!(data.data_length(), 48);
        assert_eq!(data.current_profile(), 0x0012);
        let first = FeatureDescriptor::new_checked(data.descriptors()).unwrap();
        assert_eq!(first.feature_code(), 0x0020);
        assert!(first.current());
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 8];
        let mut data = Configuration::new_unchecked(&mut bytes[..]);
        data.set_data_length(4);
        data.set_current_profile(NO_PROFILE);
        assert_eq!(bytes, [0, 0, 0, 4, 0, 0, 0, 0]);
    }

    #[test]
    fn emit_then_truncate_to_the_kernel_allocation() {
        let bytes = dvd_ram_from_0020().to_vec();
        assert_eq!(bytes.len(), 52);
        assert_eq!(crate::mmc::wire::copy_truncated(&bytes, 24), DVD_RAM_FROM_0020);
    }

    #[test]
    fn parse_full_and_truncated() {
        let repr = dvd_ram_from_0020();
        let bytes = repr.to_vec();
        assert_eq!(
            ConfigurationRepr::parse(&Configuration::new_checked(&bytes[..]).unwrap()),
            Ok(repr.clone())
        );
        // 24 bytes hold only the first descriptor completely.
        let truncated = ConfigurationRepr::parse(&Configuration::new_checked(&DVD_RAM_FROM_0020[..]).unwrap()).unwrap();
        assert_eq!(truncated.features, repr.features[..1]);
    }

    #[test]
    fn header_only_request_of_libburn() {
        // libburn asks 8 bytes first: the data length tells the whole size.
        let repr = ConfigurationRepr {
            current_profile: 0x0043,
            features: vec![FeatureRepr::new(
                Feature::ProfileList(vec![ProfileDescriptor {
                    profile: 0x43,
                    current: true,
                }]),
                true,
            )],
        };
        let bytes = repr.to_vec();
        let header = Configuration::new_checked(&bytes[..8]).unwrap();
        assert_eq!(header.data_length() as usize + 4, bytes.len());
        assert_eq!(header.current_profile(), 0x0043);
        assert!(ConfigurationRepr::parse(&header).unwrap().features.is_empty());
    }
}
