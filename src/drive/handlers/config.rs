//! GET CONFIGURATION, GET EVENT STATUS NOTIFICATION and SEND OPC INFORMATION (mmc.md §1.2, §1.5).

use crate::drive::features::features;
use crate::drive::{Drive, MediaEvent, Outcome, Reply, truncated};
use crate::media::Disc;
use crate::mmc::cdb::{ConfigurationRequest, GetConfiguration, GetEventStatusNotification, SendOpcInformation};
use crate::mmc::configuration::{ConfigurationRepr, NO_PROFILE};
use crate::mmc::event_status::{Event, EventStatusRepr, class, class_mask};

/// Classes this drive reports: operational change, power management, media, device busy.
const SUPPORTED_CLASSES: u8 =
    class_mask::OPERATIONAL_CHANGE | class_mask::POWER_MANAGEMENT | class_mask::MEDIA | class_mask::DEVICE_BUSY;

impl Drive {
    /// The loaded disc, if the tray is closed and the model can read it (else profile 0000h).
    pub(in crate::drive) fn present_disc(&self) -> Option<&Disc> {
        let disc = self.medium.as_ref().filter(|_| !self.tray_open)?.disc();
        self.model.can_read(disc.profile).then_some(disc)
    }

    /// GET CONFIGURATION: RT 00b every feature from the starting one, 01b the current ones,
    /// 10b exactly the starting one; the list starts at the requested code, which is what the
    /// kernel checks for 0020h (mmc.md §1.2). RT 11b is refused by the decoder (5/24/00).
    pub(in crate::drive) fn get_configuration(&mut self, command: &GetConfiguration) -> Outcome {
        let disc = self.present_disc();
        let start = command.starting_feature;
        let selected = features(&self.model, disc)
            .into_iter()
            .filter(|f| match command.request_type {
                ConfigurationRequest::All => f.code() >= start,
                ConfigurationRequest::Current => f.code() >= start && f.current,
                ConfigurationRequest::One => f.code() == start,
            })
            .collect();
        let reply = ConfigurationRepr {
            current_profile: disc.map_or(NO_PROFILE, |d| d.profile.code()),
            features: selected,
        };
        Ok(truncated(reply.to_vec(), command.allocation_length.into()))
    }

    /// GET EVENT STATUS NOTIFICATION (polled): the lowest requested class with an event, else the
    /// lowest requested class's current status; an event is reported once (mmc.md §1.2).
    pub(in crate::drive) fn get_event_status_notification(&mut self, command: &GetEventStatusNotification) -> Outcome {
        let requested = command.class_request & SUPPORTED_CLASSES;
        let classes = [
            class::OPERATIONAL_CHANGE,
            class::POWER_MANAGEMENT,
            class::MEDIA,
            class::DEVICE_BUSY,
        ];
        let wanted: Vec<u8> = classes.into_iter().filter(|c| requested & (1 << c) != 0).collect();
        let pending = |drive: &Drive, c: u8| match c {
            class::OPERATIONAL_CHANGE => drive.operational_change,
            class::MEDIA => drive.media_event.is_some(),
            class::DEVICE_BUSY => drive.busy.is_some(),
            _ => false,
        };
        let chosen = wanted
            .iter()
            .copied()
            .find(|&c| pending(self, c))
            .or_else(|| wanted.first().copied());
        let event = chosen.map(|c| self.take_event(c));
        let reply = EventStatusRepr {
            supported_classes: SUPPORTED_CLASSES,
            event,
        };
        Ok(truncated(reply.to_vec(), command.allocation_length.into()))
    }

    /// The descriptor of class `c`, consuming its pending event.
    fn take_event(&mut self, c: u8) -> Event {
        match c {
            class::OPERATIONAL_CHANGE => {
                let changed = std::mem::take(&mut self.operational_change);
                // Event 2 "operational change", change 0002h "feature change" (profile changed).
                Event::OperationalChange {
                    event: if changed { 2 } else { 0 },
                    persistent_prevented: self.prevent_removal,
                    status: 0,
                    change: if changed { 2 } else { 0 },
                }
            }
            class::POWER_MANAGEMENT => Event::PowerManagement { event: 0, status: 1 },
            class::MEDIA => {
                let mut event = self.media_event.take();
                // QEMU hides NewMedia while the tray is open.
                if self.tray_open && event == Some(MediaEvent::NewMedia) {
                    self.media_event = event.take();
                }
                Event::Media {
                    event: event.map_or(0, |e| e as u8),
                    media_present: self.medium.is_some(),
                    tray_open: self.tray_open,
                    start_slot: 0,
                    end_slot: 0,
                }
            }
            _ => {
                let remaining = self
                    .busy
                    .as_ref()
                    .map_or(0, |b| b.ends_ms.saturating_sub(self.clock_ms));
                Event::DeviceBusy {
                    event: u8::from(self.busy.is_some()),
                    status: u8::from(self.busy.is_some()),
                    time_100ms: (remaining / 100).min(u64::from(u16::MAX)) as u16,
                }
            }
        }
    }

    /// SEND OPC INFORMATION: power calibration always succeeds on an emulated medium the model
    /// writes (a fault plan injects 3/73/03 or 1/73/01).
    pub(in crate::drive) fn send_opc_information(&mut self, _command: &SendOpcInformation) -> Outcome {
        self.check_writable()?;
        Ok(Reply::Empty)
    }
}
