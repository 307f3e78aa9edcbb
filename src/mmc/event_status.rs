//! GET EVENT STATUS NOTIFICATION (4Ah) reply (mmc.md §1.2): a 4-byte header (event data length,
//! NEA b7 + notification class b2-0, supported classes) and at most one 4-byte event descriptor.
//! growisofs loops on it while writing; libburn sends `4a 01 00 00 7e 00 00 00 08`.

use super::wire::{CdbError, Field, accessors, impl_to_vec, view};

mod field {
    use super::Field;

    pub const EVENT_DATA_LENGTH: Field = 0..2;
    /// NEA b7, notification class b2-0.
    pub const CLASS: usize = 2;
    pub const SUPPORTED_CLASSES: usize = 3;
    pub const HEADER_END: usize = 4;
    /// Event descriptor: event code b3-0.
    pub const EVENT_CODE: usize = 4;
    /// Class-dependent status byte (media: b1 present, b0 tray open; operational change: b7
    /// persistent prevented, b3-0 status).
    pub const STATUS: usize = 5;
    /// Class-dependent bytes 6–7 (operational change class, media start/end slot, busy time).
    pub const TAIL: Field = 6..8;
    pub const START_SLOT: usize = 6;
    pub const END_SLOT: usize = 7;
    pub const END: usize = 8;
}

/// Notification classes (header byte 2 b2-0).
pub mod class {
    pub const NONE: u8 = 0;
    pub const OPERATIONAL_CHANGE: u8 = 1;
    pub const POWER_MANAGEMENT: u8 = 2;
    pub const EXTERNAL_REQUEST: u8 = 3;
    pub const MEDIA: u8 = 4;
    pub const MULTI_HOST: u8 = 5;
    pub const DEVICE_BUSY: u8 = 6;
}

/// Bit masks of the class request (CDB byte 4) and of the supported classes (header byte 3).
pub mod class_mask {
    pub const OPERATIONAL_CHANGE: u8 = 1 << super::class::OPERATIONAL_CHANGE;
    pub const POWER_MANAGEMENT: u8 = 1 << super::class::POWER_MANAGEMENT;
    pub const EXTERNAL_REQUEST: u8 = 1 << super::class::EXTERNAL_REQUEST;
    pub const MEDIA: u8 = 1 << super::class::MEDIA;
    pub const MULTI_HOST: u8 = 1 << super::class::MULTI_HOST;
    pub const DEVICE_BUSY: u8 = 1 << super::class::DEVICE_BUSY;
}

/// Media event codes (mmc.md §1.2).
pub mod media_event {
    pub const NO_CHANGE: u8 = 0;
    pub const EJECT_REQUEST: u8 = 1;
    pub const NEW_MEDIA: u8 = 2;
    pub const MEDIA_REMOVAL: u8 = 3;
    pub const MEDIA_CHANGED: u8 = 4;
    pub const BG_FORMAT_COMPLETED: u8 = 5;
    pub const BG_FORMAT_RESTARTED: u8 = 6;
}

view!(
    /// GESN header, optionally followed by one event descriptor.
    EventStatus,
    min_len = field::HEADER_END
);
accessors!(EventStatus {
    be event_data_length / set_event_data_length: u16 = field::EVENT_DATA_LENGTH;
    bit no_event_available / set_no_event_available: bool = field::CLASS, 0x80;
    bits notification_class / set_notification_class: u8 = field::CLASS, 0x07;
    byte supported_classes / set_supported_classes: u8 = field::SUPPORTED_CLASSES;
});

impl<T: AsRef<[u8]>> EventStatus<T> {
    /// True when a complete event descriptor follows the header.
    pub fn has_descriptor(&self) -> bool {
        self.buffer.as_ref().len() >= field::END && usize::from(self.event_data_length()) + 2 >= field::END
    }
}

accessors!(EventStatus {
    bits event_code / set_event_code: u8 = field::EVENT_CODE, 0x0F;
    byte event_status / set_event_status: u8 = field::STATUS;
    bit media_present / set_media_present: bool = field::STATUS, 0x02;
    bit tray_open / set_tray_open: bool = field::STATUS, 0x01;
    bit persistent_prevented / set_persistent_prevented: bool = field::STATUS, 0x80;
    be event_tail / set_event_tail: u16 = field::TAIL;
    byte start_slot / set_start_slot: u8 = field::START_SLOT;
    byte end_slot / set_end_slot: u8 = field::END_SLOT;
});

/// One event descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    OperationalChange {
        event: u8,
        persistent_prevented: bool,
        status: u8,
        change: u16,
    },
    PowerManagement {
        event: u8,
        status: u8,
    },
    Media {
        event: u8,
        media_present: bool,
        tray_open: bool,
        start_slot: u8,
        end_slot: u8,
    },
    DeviceBusy {
        event: u8,
        status: u8,
        time_100ms: u16,
    },
    /// External request, multi-host: the 4 bytes as sent.
    Other {
        class: u8,
        bytes: [u8; 4],
    },
}

impl Event {
    pub fn class(&self) -> u8 {
        match self {
            Event::OperationalChange { .. } => class::OPERATIONAL_CHANGE,
            Event::PowerManagement { .. } => class::POWER_MANAGEMENT,
            Event::Media { .. } => class::MEDIA,
            Event::DeviceBusy { .. } => class::DEVICE_BUSY,
            Event::Other { class, .. } => *class,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventStatusRepr {
    /// Classes the drive supports (header byte 3, `class_mask`).
    pub supported_classes: u8,
    /// `None`: NEA set, no descriptor (no requested class is supported).
    pub event: Option<Event>,
}

impl EventStatusRepr {
    pub fn parse<T: AsRef<[u8]>>(data: &EventStatus<T>) -> Result<EventStatusRepr, CdbError> {
        data.check_len()?;
        let supported_classes = data.supported_classes();
        if data.no_event_available() || !data.has_descriptor() {
            return Ok(EventStatusRepr {
                supported_classes,
                event: None,
            });
        }
        let event = data.event_code();
        let event = match data.notification_class() {
            class::OPERATIONAL_CHANGE => Event::OperationalChange {
                event,
                persistent_prevented: data.persistent_prevented(),
                status: data.event_status() & 0x0F,
                change: data.event_tail(),
            },
            class::POWER_MANAGEMENT => Event::PowerManagement {
                event,
                status: data.event_status(),
            },
            class::MEDIA => Event::Media {
                event,
                media_present: data.media_present(),
                tray_open: data.tray_open(),
                start_slot: data.start_slot(),
                end_slot: data.end_slot(),
            },
            class::DEVICE_BUSY => Event::DeviceBusy {
                event,
                status: data.event_status(),
                time_100ms: data.event_tail(),
            },
            other => {
                let mut bytes = [0u8; 4];
                bytes.copy_from_slice(&data.buffer.as_ref()[field::HEADER_END..field::END]);
                Event::Other { class: other, bytes }
            }
        };
        Ok(EventStatusRepr {
            supported_classes,
            event: Some(event),
        })
    }

    pub fn buffer_len(&self) -> usize {
        if self.event.is_some() {
            field::END
        } else {
            field::HEADER_END
        }
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut EventStatus<T>) {
        let len = self.buffer_len();
        data.buffer.as_mut()[..len].fill(0);
        data.set_event_data_length((len - field::EVENT_DATA_LENGTH.end) as u16);
        data.set_supported_classes(self.supported_classes);
        let Some(event) = self.event else {
            data.set_no_event_available(true);
            return;
        };
        data.set_notification_class(event.class());
        match event {
            Event::OperationalChange {
                event,
                persistent_prevented,
                status,
                change,
            } => {
                data.set_event_code(event);
                data.set_event_status(status & 0x0F);
                data.set_persistent_prevented(persistent_prevented);
                data.set_event_tail(change);
            }
            Event::PowerManagement { event, status } => {
                data.set_event_code(event);
                data.set_event_status(status);
            }
            Event::Media {
                event,
                media_present,
                tray_open,
                start_slot,
                end_slot,
            } => {
                data.set_event_code(event);
                data.set_media_present(media_present);
                data.set_tray_open(tray_open);
                data.set_start_slot(start_slot);
                data.set_end_slot(end_slot);
            }
            Event::DeviceBusy {
                event,
                status,
                time_100ms,
            } => {
                data.set_event_code(event);
                data.set_event_status(status);
                data.set_event_tail(time_100ms);
            }
            Event::Other { bytes, .. } => data.buffer.as_mut()[field::HEADER_END..field::END].copy_from_slice(&bytes),
        }
    }
}
impl_to_vec!(EventStatusRepr, EventStatus);

#[cfg(test)]
mod tests {
    use super::*;

    const SUPPORTED: u8 =
        class_mask::OPERATIONAL_CHANGE | class_mask::POWER_MANAGEMENT | class_mask::MEDIA | class_mask::DEVICE_BUSY;
    /// New media, present, tray closed, as after loading a disc.
    static NEW_MEDIA: [u8; 8] = [0x00, 0x06, 0x04, 0x56, 0x02, 0x02, 0x00, 0x00];
    /// Device busy (event 1) for 2.5 s.
    static BUSY: [u8; 8] = [0x00, 0x06, 0x06, 0x56, 0x01, 0x01, 0x00, 0x19];
    /// Nothing supported of the requested classes.
    static NO_EVENT: [u8; 4] = [0x00, 0x02, 0x80, 0x56];

    #[test]
    fn deconstruct() {
        let data = EventStatus::new_checked(&NEW_MEDIA[..]).unwrap();
        assert_eq!(data.event_data_length(), 6);
        assert!(!data.no_event_available());
        assert_eq!(data.notification_class(), class::MEDIA);
        assert_eq!(data.supported_classes(), SUPPORTED);
        assert_eq!(data.event_code(), media_event::NEW_MEDIA);
        assert!(data.media_present() && !data.tray_open());
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 8];
        let mut data = EventStatus::new_unchecked(&mut bytes[..]);
        data.set_event_data_length(6);
        data.set_notification_class(class::DEVICE_BUSY);
        data.set_supported_classes(SUPPORTED);
        data.set_event_code(1);
        data.set_event_status(1);
        data.set_event_tail(25);
        assert_eq!(bytes, BUSY);
    }

    #[test]
    fn parse_and_emit_media() {
        let repr = EventStatusRepr {
            supported_classes: SUPPORTED,
            event: Some(Event::Media {
                event: media_event::NEW_MEDIA,
                media_present: true,
                tray_open: false,
                start_slot: 0,
                end_slot: 0,
            }),
        };
        assert_eq!(
            EventStatusRepr::parse(&EventStatus::new_checked(&NEW_MEDIA[..]).unwrap()),
            Ok(repr)
        );
        assert_eq!(repr.to_vec(), NEW_MEDIA);
    }

    #[test]
    fn parse_and_emit_busy_and_no_event() {
        let busy = EventStatusRepr {
            supported_classes: SUPPORTED,
            event: Some(Event::DeviceBusy {
                event: 1,
                status: 1,
                time_100ms: 25,
            }),
        };
        assert_eq!(
            EventStatusRepr::parse(&EventStatus::new_checked(&BUSY[..]).unwrap()),
            Ok(busy)
        );
        assert_eq!(busy.to_vec(), BUSY);
        let none = EventStatusRepr {
            supported_classes: SUPPORTED,
            event: None,
        };
        assert_eq!(
            EventStatusRepr::parse(&EventStatus::new_checked(&NO_EVENT[..]).unwrap()),
            Ok(none)
        );
        assert_eq!(none.to_vec(), NO_EVENT);
    }

    #[test]
    fn operational_change_and_power_round_trip() {
        for event in [
            Event::OperationalChange {
                event: 2,
                persistent_prevented: true,
                status: 1,
                change: 2,
            },
            Event::PowerManagement { event: 0, status: 1 },
            Event::Other {
                class: class::EXTERNAL_REQUEST,
                bytes: [1, 2, 3, 4],
            },
        ] {
            let repr = EventStatusRepr {
                supported_classes: SUPPORTED,
                event: Some(event),
            };
            let bytes = repr.to_vec();
            assert_eq!(bytes[2], event.class());
            assert_eq!(
                EventStatusRepr::parse(&EventStatus::new_checked(&bytes[..]).unwrap()),
                Ok(repr)
            );
        }
    }

    #[test]
    fn header_only_allocation_reads_as_no_descriptor() {
        // growisofs / libburn may ask 4 or 8 bytes; a 4-byte answer still parses.
        let repr = EventStatusRepr::parse(&EventStatus::new_checked(&NEW_MEDIA[..4]).unwrap()).unwrap();
        assert_eq!(repr.event, None);
    }
}
