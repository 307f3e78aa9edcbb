//! Drive-level commands: REQUEST SENSE, INQUIRY, START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL,
//! MECHANISM STATUS, READ BUFFER CAPACITY (mmc.md §1.1, §1.5).

use crate::drive::{DescriptorSense, Drive, Failure, Outcome, Reply, truncated};
use crate::mmc::Sense;
use crate::mmc::buffer_capacity::BufferCapacityRepr;
use crate::mmc::cdb::{Inquiry, InquiryPage, PreventAllowMediumRemoval, ReadBufferCapacity, RequestSense};
use crate::mmc::cdb::{StartStopAction, StartStopUnit};
use crate::mmc::inquiry::{Designator, StandardInquiryRepr, VpdPageRepr, vpd_page};
use crate::mmc::mechanism_status::MechanismStatusRepr;
use crate::mmc::sense_data::{FieldPointer, SenseDataRepr};
use crate::mmc::wire::CdbError;

impl Drive {
    /// REQUEST SENSE: the deferred error, else a pending unit attention, else the progress of a
    /// long operation, else the medium state (2/3A/0x, 2/04/01), else NO SENSE — and clears what
    /// it reports (mmc.md §1.1). DESC is ignored, honoured or rejected as the model says
    /// (`DescriptorSense`); a rejected REQUEST SENSE leaves the pending sense in place.
    pub(in crate::drive) fn request_sense(&mut self, command: &RequestSense) -> Outcome {
        let descriptor = command.descriptor_format && self.model.descriptor_sense != DescriptorSense::Ignore;
        if descriptor && self.model.descriptor_sense == DescriptorSense::Reject {
            return Err(CdbError::new(Sense::INVALID_FIELD_IN_CDB, Some(FieldPointer::cdb(1, Some(0)))).into());
        }
        let sense = if let Some(deferred) = self.deferred.take() {
            deferred
        } else if let Some(attention) = self.unit_attentions.pop_front() {
            SenseDataRepr::current(attention)
        } else if let Some(busy) = self.busy_sense() {
            busy
        } else if let Some(state) = self.medium_gate().filter(|_| self.medium.is_none() || self.tray_open) {
            SenseDataRepr::current(state)
        } else {
            SenseDataRepr::current(Sense::NO_SENSE)
        };
        let bytes = if descriptor {
            sense.to_descriptor_vec()
        } else {
            sense.to_vec()
        };
        Ok(truncated(bytes, command.allocation_length.into()))
    }

    pub(in crate::drive) fn inquiry(&mut self, command: &Inquiry) -> Outcome {
        let model = &self.model;
        let reply = match command.page {
            InquiryPage::Standard => {
                StandardInquiryRepr::mmc_drive(&model.vendor, &model.product, &model.revision).to_vec()
            }
            InquiryPage::Vpd(vpd_page::SUPPORTED_PAGES) => VpdPageRepr::SupportedPages(vec![
                vpd_page::SUPPORTED_PAGES,
                vpd_page::UNIT_SERIAL_NUMBER,
                vpd_page::DEVICE_IDENTIFICATION,
            ])
            .to_vec(),
            InquiryPage::Vpd(vpd_page::UNIT_SERIAL_NUMBER) => {
                VpdPageRepr::UnitSerialNumber(model.serial.as_bytes().to_vec()).to_vec()
            }
            InquiryPage::Vpd(vpd_page::DEVICE_IDENTIFICATION) => {
                let unique = format!("{}{}", model.product, model.serial);
                VpdPageRepr::DeviceIdentification(vec![Designator::t10_vendor_id(&model.vendor, &unique)]).to_vec()
            }
            // mmc.md §7: an EVPD page the drive does not have is 5/24/00 (page code, byte 2).
            InquiryPage::Vpd(_) => {
                return Err(CdbError::new(Sense::INVALID_FIELD_IN_CDB, Some(FieldPointer::cdb(2, None))).into());
            }
        };
        Ok(truncated(reply, command.allocation_length.into()))
    }

    /// START STOP UNIT: eject and load move the tray; eject while removal is prevented is
    /// 5/53/02 with a medium in, 2/53/02 without (mmc.md §1.1, QEMU).
    pub(in crate::drive) fn start_stop_unit(&mut self, command: &StartStopUnit) -> Outcome {
        match command.action {
            StartStopAction::Eject => {
                if self.prevent_removal {
                    let sense = if self.medium.is_some() && !self.tray_open {
                        Sense::MEDIUM_REMOVAL_PREVENTED
                    } else {
                        Sense::MEDIUM_REMOVAL_PREVENTED_NOT_READY
                    };
                    return Err(Failure::from(sense));
                }
                self.open_tray();
            }
            StartStopAction::Load => self.close_tray(),
            StartStopAction::Start | StartStopAction::Stop | StartStopAction::PowerCondition(_) => {}
        }
        Ok(Reply::Empty)
    }

    pub(in crate::drive) fn prevent_allow(&mut self, command: &PreventAllowMediumRemoval) -> Outcome {
        self.prevent_removal = command.prevent;
        Ok(Reply::Empty)
    }

    pub(in crate::drive) fn mechanism_status(&mut self) -> Outcome {
        Ok(Reply::Bytes(MechanismStatusRepr::tray(self.tray_open).to_vec()))
    }

    /// READ BUFFER CAPACITY: the buffer is written through at once, so it is always empty.
    pub(in crate::drive) fn read_buffer_capacity(&mut self, command: &ReadBufferCapacity) -> Outcome {
        let buffer_bytes = self.model.buffer_kib * 1024;
        let reply = if command.block {
            BufferCapacityRepr::Blocks {
                available_blocks: buffer_bytes / 2048,
            }
        } else {
            BufferCapacityRepr::Bytes {
                buffer_bytes,
                available_bytes: buffer_bytes,
            }
        };
        Ok(truncated(reply.to_vec(), command.allocation_length.into()))
    }
}
