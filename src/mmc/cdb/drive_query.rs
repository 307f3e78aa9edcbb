//! Drive-state query CDBs (mmc.md §1.2, §1.5): GET CONFIGURATION 46h, GET EVENT STATUS
//! NOTIFICATION 4Ah, GET PERFORMANCE ACh.

use super::{DataDirection, cdb_repr, opcode};
use crate::mmc::wire::{CdbError, Field, accessors, view};

mod field {
    use super::Field;

    pub const OPCODE: usize = 0;
    pub const ALLOCATION_LENGTH_10: Field = 7..9;
    pub const CDB10_END: usize = 10;
    pub const CDB12_END: usize = 12;

    pub mod configuration {
        use super::Field;
        /// RT b1-0.
        pub const FLAGS: usize = 1;
        pub const STARTING_FEATURE: Field = 2..4;
    }

    pub mod event_status {
        /// Polled b0.
        pub const FLAGS: usize = 1;
        pub const CLASS_REQUEST: usize = 4;
    }

    pub mod performance {
        use super::Field;
        /// Tolerance b4-3, Write b2, Except b1-0.
        pub const FLAGS: usize = 1;
        pub const STARTING_LBA: Field = 2..6;
        pub const MAX_DESCRIPTORS: Field = 8..10;
        pub const TYPE: usize = 10;
    }
}

view!(
    /// GET CONFIGURATION (46h): RT byte 1 b1-0, starting feature 2–3, allocation 7–8 (mmc.md §1.2).
    GetConfigurationCdb,
    min_len = field::CDB10_END
);
accessors!(GetConfigurationCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bits request_type / set_request_type: u8 = field::configuration::FLAGS, 0x03;
    be starting_feature / set_starting_feature: u16 = field::configuration::STARTING_FEATURE;
    be allocation_length / set_allocation_length: u16 = field::ALLOCATION_LENGTH_10;
});

/// GET CONFIGURATION request types (RT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigurationRequest {
    /// 00b: every feature ≥ the starting feature.
    All = 0,
    /// 01b: current features ≥ the starting feature.
    Current = 1,
    /// 10b: exactly the starting feature.
    One = 2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetConfiguration {
    pub request_type: ConfigurationRequest,
    pub starting_feature: u16,
    pub allocation_length: u16,
}

impl GetConfiguration {
    pub fn parse<T: AsRef<[u8]>>(cdb: &GetConfigurationCdb<T>) -> Result<GetConfiguration, CdbError> {
        let request_type = match cdb.request_type() {
            0 => ConfigurationRequest::All,
            1 => ConfigurationRequest::Current,
            2 => ConfigurationRequest::One,
            // mmc.md §1.2 / §6: RT=3 → 5/24/00 (CDEmu's empty list is wrong).
            _ => {
                return Err(CdbError::invalid_field_in_cdb(
                    field::configuration::FLAGS as u16,
                    Some(1),
                ));
            }
        };
        Ok(GetConfiguration {
            request_type,
            starting_feature: cdb.starting_feature(),
            allocation_length: cdb.allocation_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut GetConfigurationCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_request_type(self.request_type as u8);
        cdb.set_starting_feature(self.starting_feature);
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(GetConfiguration, GetConfigurationCdb, opcode::GET_CONFIGURATION);

view!(
    /// GET EVENT STATUS NOTIFICATION (4Ah): Polled byte 1 b0, class request byte 4, allocation
    /// 7–8 (mmc.md §1.2).
    GetEventStatusNotificationCdb,
    min_len = field::CDB10_END
);
accessors!(GetEventStatusNotificationCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit polled / set_polled: bool = field::event_status::FLAGS, 0x01;
    byte class_request / set_class_request: u8 = field::event_status::CLASS_REQUEST;
    be allocation_length / set_allocation_length: u16 = field::ALLOCATION_LENGTH_10;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetEventStatusNotification {
    /// Bit mask of event classes (`event_status::class_mask`): b1 operational change, b2 power
    /// management, b3 external request, b4 media, b5 multi-host, b6 device busy.
    pub class_request: u8,
    pub allocation_length: u16,
}

impl GetEventStatusNotification {
    pub fn parse<T: AsRef<[u8]>>(
        cdb: &GetEventStatusNotificationCdb<T>,
    ) -> Result<GetEventStatusNotification, CdbError> {
        // mmc.md §1.2: asynchronous notification is implemented by nobody; Polled=0 → 5/24/00.
        if !cdb.polled() {
            return Err(CdbError::invalid_field_in_cdb(
                field::event_status::FLAGS as u16,
                Some(0),
            ));
        }
        Ok(GetEventStatusNotification {
            class_request: cdb.class_request(),
            allocation_length: cdb.allocation_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut GetEventStatusNotificationCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_polled(true);
        cdb.set_class_request(self.class_request);
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(
    GetEventStatusNotification,
    GetEventStatusNotificationCdb,
    opcode::GET_EVENT_STATUS_NOTIFICATION
);

view!(
    /// GET PERFORMANCE (ACh) (mmc.md §1.5).
    GetPerformanceCdb,
    min_len = field::CDB12_END
);
accessors!(GetPerformanceCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bits tolerance / set_tolerance: u8 = field::performance::FLAGS, 0x18;
    bit write / set_write: bool = field::performance::FLAGS, 0x04;
    bits except / set_except: u8 = field::performance::FLAGS, 0x03;
    be starting_lba / set_starting_lba: u32 = field::performance::STARTING_LBA;
    be max_descriptors / set_max_descriptors: u16 = field::performance::MAX_DESCRIPTORS;
    byte performance_type / set_performance_type: u8 = field::performance::TYPE;
});

/// What GET PERFORMANCE asks for. Only the two types with a reply layout in mmc.md §1.5 are
/// decoded; any other type is refused with 5/24/00 at byte 10, as CDEmu does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerformanceRequest {
    /// Type 00h: nominal performance (Except 00b) or exceptions (01b, 10b).
    Performance { write: bool, except: u8, starting_lba: u32 },
    /// Type 03h: write speed descriptors.
    WriteSpeed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetPerformance {
    pub request: PerformanceRequest,
    pub max_descriptors: u16,
}

impl GetPerformance {
    pub const TYPE_PERFORMANCE: u8 = 0x00;
    pub const TYPE_WRITE_SPEED: u8 = 0x03;
    /// Tolerance 10b: "10 % of nominal", the only value MMC allows for type 00h.
    pub const TOLERANCE_10_PERCENT: u8 = 0b10;
    /// The reply header and each descriptor of types 00h and 03h (mmc.md §1.5).
    pub const HEADER_BYTES: u64 = 8;
    pub const DESCRIPTOR_BYTES: u64 = 16;

    pub fn parse<T: AsRef<[u8]>>(cdb: &GetPerformanceCdb<T>) -> Result<GetPerformance, CdbError> {
        let flags_byte = field::performance::FLAGS as u16;
        let request = match cdb.performance_type() {
            Self::TYPE_PERFORMANCE => {
                // mmc.md §1.5: tolerance must be 10b for type 0 else 5/24/00 [CDEmu].
                if cdb.tolerance() != Self::TOLERANCE_10_PERCENT {
                    return Err(CdbError::invalid_field_in_cdb(flags_byte, Some(4)));
                }
                if cdb.except() == 3 {
                    return Err(CdbError::invalid_field_in_cdb(flags_byte, Some(1)));
                }
                PerformanceRequest::Performance {
                    write: cdb.write(),
                    except: cdb.except(),
                    starting_lba: cdb.starting_lba(),
                }
            }
            Self::TYPE_WRITE_SPEED => PerformanceRequest::WriteSpeed,
            _ => return Err(CdbError::invalid_field_in_cdb(field::performance::TYPE as u16, None)),
        };
        Ok(GetPerformance {
            request,
            max_descriptors: cdb.max_descriptors(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut GetPerformanceCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB12_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        match self.request {
            PerformanceRequest::Performance {
                write,
                except,
                starting_lba,
            } => {
                cdb.set_tolerance(Self::TOLERANCE_10_PERCENT);
                cdb.set_write(write);
                cdb.set_except(except);
                cdb.set_starting_lba(starting_lba);
                cdb.set_performance_type(Self::TYPE_PERFORMANCE);
            }
            PerformanceRequest::WriteSpeed => cdb.set_performance_type(Self::TYPE_WRITE_SPEED),
        }
        cdb.set_max_descriptors(self.max_descriptors);
    }

    /// The header plus `max_descriptors` 16-byte descriptors.
    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: Self::HEADER_BYTES + Self::DESCRIPTOR_BYTES * u64::from(self.max_descriptors),
        }
    }
}
cdb_repr!(GetPerformance, GetPerformanceCdb, opcode::GET_PERFORMANCE);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_configuration_kernel_random_writable_probe() {
        // The kernel asks RT=0 from 0020h with allocation 24 (mmc.md §1.2).
        let bytes = [0x46, 0x00, 0x00, 0x20, 0, 0, 0, 0x00, 0x18, 0];
        let repr = GetConfiguration::parse(&GetConfigurationCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            GetConfiguration {
                request_type: ConfigurationRequest::All,
                starting_feature: 0x0020,
                allocation_length: 24
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn gesn_libburn_request() {
        // libburn sends `4a 01 00 00 7e 00 00 00 08` (mmc.md §1.2).
        let bytes = [0x4A, 0x01, 0x00, 0x00, 0x7E, 0x00, 0x00, 0x00, 0x08, 0x00];
        let repr = GetEventStatusNotification::parse(&GetEventStatusNotificationCdb::new_checked(&bytes[..]).unwrap())
            .unwrap();
        assert_eq!(
            repr,
            GetEventStatusNotification {
                class_request: 0x7E,
                allocation_length: 8
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn get_performance_types() {
        let speeds = [0xAC, 0x00, 0, 0, 0, 0, 0, 0, 0x00, 0x04, 0x03, 0];
        let repr = GetPerformance::parse(&GetPerformanceCdb::new_checked(&speeds[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            GetPerformance {
                request: PerformanceRequest::WriteSpeed,
                max_descriptors: 4
            }
        );
        assert_eq!(repr.data_direction(), DataDirection::In { bytes: 8 + 64 });
        assert_eq!(repr.to_vec(), speeds);
        let nominal = [0xAC, 0x14, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0x00, 0];
        let repr = GetPerformance::parse(&GetPerformanceCdb::new_checked(&nominal[..]).unwrap()).unwrap();
        assert_eq!(
            repr.request,
            PerformanceRequest::Performance {
                write: true,
                except: 0,
                starting_lba: 0
            }
        );
        assert_eq!(repr.to_vec(), nominal);
    }
}
