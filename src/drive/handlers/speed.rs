//! GET PERFORMANCE (types 00h and 03h), SET CD SPEED and SET STREAMING (mmc.md §1.5).

use crate::device::DataPhase;
use crate::drive::pages::write_speeds;
use crate::drive::{Drive, Outcome, Reply, truncated};
use crate::media::MediaClass;
use crate::mmc::cdb::{GetPerformance, PerformanceRequest, SetCdSpeed, SetStreaming, StreamingType};
use crate::mmc::performance::{NominalPerformance, NominalPerformanceRepr, WriteSpeedPerformance, WriteSpeedRepr};
use crate::mmc::streaming::{StreamingPerformance, StreamingPerformanceRepr};
use crate::mmc::wire::CdbError;

/// Reply header and descriptor sizes of GET PERFORMANCE types 00h and 03h.
const HEADER: usize = 8;
const DESCRIPTOR: usize = 16;

impl Drive {
    /// The class whose speeds apply: the loaded medium's, else the model's best.
    fn speed_class(&self) -> MediaClass {
        self.present_disc()
            .map(|d| d.profile.class())
            .or_else(|| self.model.reads.last().map(|p| p.class()))
            .unwrap_or(MediaClass::Cd)
    }

    pub(in crate::drive) fn get_performance(&mut self, command: &GetPerformance) -> Outcome {
        let class = self.speed_class();
        let end_lba = self
            .present_disc()
            .map_or(0, |d| d.user_area_blocks().saturating_sub(1));
        let bytes = match command.request {
            PerformanceRequest::WriteSpeed => WriteSpeedRepr {
                descriptors: match self.present_disc() {
                    Some(_) => write_speeds(&self.model, class)
                        .into_iter()
                        .map(|speed| WriteSpeedPerformance {
                            rotation_control: 0,
                            restore_defaults: false,
                            exact: false,
                            mixed_read_write: false,
                            end_lba,
                            read_kbytes_per_second: self.model.max_read_speed(class),
                            write_kbytes_per_second: speed,
                        })
                        .collect(),
                    None => Vec::new(),
                },
            }
            .to_vec(),
            PerformanceRequest::Performance { write, except, .. } => {
                let speed = if write {
                    self.current_write_speed(class)
                } else {
                    self.current_read_speed(class)
                };
                // Except 00b: nominal performance; 01b/10b: the exception list, which is empty.
                let descriptors = match (except, self.present_disc()) {
                    (0, Some(_)) => vec![NominalPerformance {
                        start_lba: 0,
                        start_kbytes_per_second: speed,
                        end_lba,
                        end_kbytes_per_second: speed,
                    }],
                    _ => Vec::new(),
                };
                NominalPerformanceRepr { write, descriptors }.to_vec()
            }
        };
        // The header's data length counts every descriptor even when fewer are returned (mmc.md §1.5).
        let limit = HEADER + DESCRIPTOR * usize::from(command.max_descriptors);
        Ok(truncated(bytes, limit))
    }

    fn current_write_speed(&self, class: MediaClass) -> u32 {
        match self.write_speed_kbps {
            0 => self.model.max_write_speed(class),
            speed => speed,
        }
    }

    fn current_read_speed(&self, class: MediaClass) -> u32 {
        match self.read_speed_kbps {
            0 => self.model.max_read_speed(class),
            speed => speed,
        }
    }

    /// SET CD SPEED: FFFFh means the maximum; drives round down to what they can (mmc.md §1.5).
    pub(in crate::drive) fn set_cd_speed(&mut self, command: &SetCdSpeed) -> Outcome {
        let class = self.speed_class();
        let pick = |asked: u16, max: u32| {
            if asked == u16::MAX {
                max
            } else {
                u32::from(asked).min(max)
            }
        };
        self.read_speed_kbps = pick(command.read_kbytes_per_second, self.model.max_read_speed(class));
        let write = pick(command.write_kbytes_per_second, self.model.max_write_speed(class));
        self.write_speed_kbps = write_speeds(&self.model, class)
            .into_iter()
            .find(|s| *s <= write)
            .unwrap_or(write);
        Ok(Reply::Empty)
    }

    /// SET STREAMING type 00h: speeds from the performance descriptor (RDD restores defaults);
    /// type 05h (BD DBI cache zone) is accepted and has no effect here.
    pub(in crate::drive) fn set_streaming(&mut self, command: &SetStreaming, data: &mut DataPhase<'_>) -> Outcome {
        if command.descriptor_type != StreamingType::Performance {
            return Ok(Reply::Empty);
        }
        let DataPhase::Out(bytes) = data else {
            return Err(CdbError::parameter_list_length().into());
        };
        let length = usize::from(command.parameter_list_length).min(bytes.len());
        let descriptor = StreamingPerformanceRepr::parse(&StreamingPerformance::new_checked(&bytes[..length])?)?;
        let class = self.speed_class();
        if descriptor.restore_defaults {
            (self.read_speed_kbps, self.write_speed_kbps) = (0, 0);
        } else {
            let write = (descriptor.write_kbytes_per_second() as u32).min(self.model.max_write_speed(class));
            self.write_speed_kbps = write;
            let read = match descriptor.read_time_ms {
                0 => 0,
                ms => (u64::from(descriptor.read_size_kbytes) * 1000 / u64::from(ms)) as u32,
            };
            self.read_speed_kbps = read.min(self.model.max_read_speed(class));
        }
        Ok(Reply::Empty)
    }
}
