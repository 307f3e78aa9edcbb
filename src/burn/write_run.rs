//! Executing a write: the [`WritePlan`] of one medium turned into MMC commands — MODE SELECT,
//! FORMAT UNIT, SEND OPC, RESERVE TRACK, WRITE(10) in 64 KiB pieces, SYNCHRONIZE CACHE and CLOSE
//! with Immed and polling — with the progress events of IDiscFormat2Data (imapi2.md §2.5, §2.8)
//! and cancel at block boundaries.

use super::command::{CommandError, data_in, no_data};
use super::data_writer::{MAXIMUM_WRITE_SPEED, SECTOR_BYTES, kbytes_per_second};
use super::errors::Phase;
use super::media_state::MediaState;
use super::recorder::Recorder;
use super::write_sequence::{Step, WritePlan};
use crate::hresult::{HResult, ImapiResult};
use crate::media::MediaClass;
use crate::mmc::cdb::{
    CloseFunction, CloseTrackSession, FormatUnit, ModeSelect10, Read10, Reservation, ReserveTrack, RotationControl,
    SendOpcInformation, SetCdSpeed, SetStreaming, StreamingType, SynchronizeCache, Write10,
};
use crate::mmc::mode_parameters::{HeaderKind, ModePageRepr, ModeParameterListRepr};
use crate::mmc::streaming::StreamingPerformanceRepr;
use std::cell::Cell;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;

/// Blocks per WRITE(10): 64 KiB, a multiple of every write unit (CD 1, DVD 16, BD 32).
const WRITE_CHUNK_BLOCKS: u32 = 32;

/// IMAPI_FORMAT2_DATA_WRITE_ACTION (imapi2.md §2.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteAction {
    ValidatingMedia = 0,
    FormattingMedia = 1,
    InitializingHardware = 2,
    CalibratingPower = 3,
    WritingData = 4,
    Finalization = 5,
    Completed = 6,
    Verifying = 7,
}

/// IDiscFormat2DataEventArgs: one progress event of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteProgress {
    pub action: WriteAction,
    /// First LBA of the write.
    pub start_lba: i64,
    /// Sectors of the write.
    pub sector_count: i64,
    /// Last LBA written so far (start − 1 before the first write).
    pub last_written_lba: i64,
    /// Last stream sector read so far (as an LBA).
    pub last_read_lba: i64,
    /// Time since the write began, from the recorder's clock (the simulated clock of an
    /// emulated drive, else the wall clock).
    pub elapsed_ms: u64,
    /// Estimated time still needed (from the rate so far, or the write speed before any data).
    pub remaining_ms: u64,
}

impl WriteProgress {
    /// ElapsedTime in seconds.
    pub fn elapsed_time(&self) -> u64 {
        self.elapsed_ms / 1000
    }

    /// RemainingTime in seconds.
    pub fn remaining_time(&self) -> u64 {
        self.remaining_ms / 1000
    }

    /// TotalTime in seconds.
    pub fn total_time(&self) -> u64 {
        (self.elapsed_ms + self.remaining_ms) / 1000
    }
}

/// One running write.
pub(crate) struct WriteRun<'a> {
    recorder: &'a Recorder,
    /// Set by `DataWriter::cancel_write`.
    cancel_requested: &'a Cell<bool>,
    /// SetWriteSpeed's request (sectors/s, pure CAV), if any.
    requested_speed: Option<(u32, bool)>,
    started_ms: u64,
    progress: WriteProgress,
    on_progress: &'a mut dyn FnMut(&WriteProgress),
    /// Expected write speed in kB/s (0: unknown).
    speed_kbps: u32,
}

impl<'a> WriteRun<'a> {
    pub(crate) fn new(
        recorder: &'a Recorder,
        cancel_requested: &'a Cell<bool>,
        requested_speed: Option<(u32, bool)>,
        blocks: u32,
        on_progress: &'a mut dyn FnMut(&WriteProgress),
    ) -> WriteRun<'a> {
        WriteRun {
            recorder,
            cancel_requested,
            requested_speed,
            started_ms: recorder.now_ms(),
            progress: WriteProgress {
                action: WriteAction::ValidatingMedia,
                start_lba: 0,
                sector_count: i64::from(blocks),
                last_written_lba: -1,
                last_read_lba: -1,
                elapsed_ms: 0,
                remaining_ms: 0,
            },
            on_progress,
            speed_kbps: 0,
        }
    }

    /// The write goes to `start_lba`; `speed_kbps` is the speed the estimate assumes.
    pub(crate) fn begin(&mut self, start_lba: u32, speed_kbps: u32) {
        self.progress.start_lba = i64::from(start_lba);
        self.progress.last_written_lba = i64::from(start_lba) - 1;
        self.speed_kbps = speed_kbps;
    }

    pub(crate) fn report(&mut self, action: WriteAction) {
        self.progress.action = action;
        let elapsed = self.recorder.now_ms().saturating_sub(self.started_ms);
        let total = self.progress.sector_count.max(0) as u64;
        let done = (self.progress.last_written_lba - self.progress.start_lba + 1).clamp(0, total as i64) as u64;
        let left = total - done;
        self.progress.elapsed_ms = elapsed;
        self.progress.remaining_ms = if action == WriteAction::Completed || left == 0 {
            0
        } else if done > 0 && elapsed > 0 {
            elapsed * left / done
        } else if self.speed_kbps > 0 {
            left * SECTOR_BYTES / u64::from(self.speed_kbps)
        } else {
            0
        };
        (self.on_progress)(&self.progress);
    }

    fn cancelled(&self) -> bool {
        self.cancel_requested.get()
    }

    /// One command of the write phase (busy drives waited for).
    fn command<T>(
        &self,
        body: impl FnOnce(&mut dyn crate::device::ScsiDevice) -> Result<T, CommandError>,
    ) -> ImapiResult<T> {
        self.recorder.run(Phase::Write, true, body)
    }

    fn wait(&self, command: &'static str) -> ImapiResult<()> {
        self.recorder.wait_until_ready(Phase::Write, command, &mut |_| {})
    }

    pub(crate) fn execute<S: Read + Seek>(
        &mut self,
        state: &MediaState,
        plan: &WritePlan,
        stream: &mut S,
        ranges: Option<&[Range<u32>]>,
    ) -> ImapiResult<()> {
        let mut cancelled = false;
        let mut speed_set = false;
        for step in &plan.steps {
            if cancelled {
                // After a cancel: flush and close what was opened, never finalize (the disc stays
                // usable), then report the cancel.
                self.after_cancel(step)?;
                continue;
            }
            match step {
                Step::WriteParameters(page) => {
                    self.report(WriteAction::InitializingHardware);
                    self.set_speed(state)?;
                    speed_set = true;
                    let list =
                        ModeParameterListRepr::new(HeaderKind::Ten, vec![ModePageRepr::WriteParameters(page.clone())])
                            .to_vec();
                    self.command(|d| {
                        no_data(
                            d,
                            ModeSelect10 {
                                parameter_list_length: list.len() as u16,
                            },
                            Some(&list),
                        )
                    })?;
                }
                Step::Format { list, wait } => {
                    self.report(WriteAction::FormattingMedia);
                    let bytes = list.to_vec();
                    self.command(|d| {
                        no_data(
                            d,
                            FormatUnit {
                                format_data: true,
                                complete_list: false,
                            },
                            Some(&bytes),
                        )
                    })?;
                    if *wait {
                        self.wait("FORMAT UNIT")?;
                    }
                }
                Step::SendOpc => {
                    self.report(WriteAction::CalibratingPower);
                    let opc = SendOpcInformation {
                        do_opc: true,
                        exclude_layer0: false,
                        exclude_layer1: false,
                        parameter_list_length: 0,
                    };
                    self.command(|d| match no_data(d, opc, None) {
                        // Drives that do not do OPC answer 5/xx; growisofs goes on (mmc.md §1.5 54h).
                        Err(CommandError::Check { sense, .. }) if sense.sense.key == 0x5 => Ok(()),
                        other => other,
                    })?;
                }
                Step::ReserveTrack { blocks } => {
                    self.report(WriteAction::InitializingHardware);
                    let reserve = ReserveTrack {
                        reservation: Reservation::Size { blocks: *blocks },
                        reserve_medium_zone: false,
                    };
                    self.command(|d| no_data(d, reserve, None))?;
                }
                Step::WriteData { lba, postgap_blocks } => {
                    if !speed_set {
                        self.report(WriteAction::InitializingHardware);
                        self.set_speed(state)?;
                        speed_set = true;
                    }
                    // DVD-RW restricted overwrite takes whole 16-block ECC blocks only (mmc.md §2.2).
                    let unit = state.profile.map_or(1, |p| p.facts().overwrite_alignment_blocks);
                    cancelled = !self.write_data(*lba, *postgap_blocks, unit, stream, ranges)?;
                }
                Step::SynchronizeCache => {
                    self.report(WriteAction::Finalization);
                    self.synchronize_cache()?;
                }
                Step::Close { function, track } => {
                    self.report(WriteAction::Finalization);
                    self.close(*function, *track)?;
                }
            }
        }
        if cancelled {
            return Err(HResult::E_IMAPI_REQUEST_CANCELLED.into());
        }
        Ok(())
    }

    fn after_cancel(&mut self, step: &Step) -> ImapiResult<()> {
        match step {
            Step::SynchronizeCache => self.synchronize_cache(),
            Step::Close { function, track } => {
                let function = match function {
                    CloseFunction::Finalize | CloseFunction::FinalizeMinimalRadius => CloseFunction::CloseSession,
                    other => *other,
                };
                self.close(function, *track)
            }
            _ => Ok(()),
        }
    }

    fn synchronize_cache(&mut self) -> ImapiResult<()> {
        let sync = SynchronizeCache {
            immediate: true,
            lba: 0,
            blocks: 0,
        };
        self.command(|d| no_data(d, sync, None))?;
        self.wait("SYNCHRONIZE CACHE")
    }

    fn close(&mut self, function: CloseFunction, track: u16) -> ImapiResult<()> {
        let close = CloseTrackSession {
            immediate: true,
            function,
            track_number: track,
        };
        self.command(|d| no_data(d, close, None))?;
        self.wait("CLOSE TRACK/SESSION")
    }

    /// SET CD SPEED (CD) or SET STREAMING (DVD, BD) when a speed was requested.
    fn set_speed(&mut self, state: &MediaState) -> ImapiResult<()> {
        let Some((speed, pure_cav)) = self.requested_speed else {
            return Ok(());
        };
        let class = state.class().unwrap_or(MediaClass::Cd);
        if class == MediaClass::Cd {
            let write = if speed == MAXIMUM_WRITE_SPEED {
                SetCdSpeed::MAXIMUM_SPEED
            } else {
                kbytes_per_second(speed, class).min(u32::from(u16::MAX - 1)) as u16
            };
            let command = SetCdSpeed {
                rotation_control: if pure_cav {
                    RotationControl::ConstantAngularVelocity
                } else {
                    RotationControl::ConstantLinearVelocity
                },
                read_kbytes_per_second: SetCdSpeed::MAXIMUM_SPEED,
                write_kbytes_per_second: write,
            };
            self.command(|d| no_data(d, command, None))
        } else {
            let write = if speed == MAXIMUM_WRITE_SPEED {
                u32::MAX / 1000
            } else {
                kbytes_per_second(speed, class)
            };
            let end_lba = state.total_sectors().saturating_sub(1);
            let descriptor = StreamingPerformanceRepr::speeds(end_lba, write, write).to_vec();
            let command = SetStreaming {
                descriptor_type: StreamingType::Performance,
                parameter_list_length: descriptor.len() as u16,
            };
            self.command(|d| no_data(d, command, Some(&descriptor)))
        }
    }

    /// WRITE(10) of the stream (or its listed ranges) from `lba`, then the post-gap. Returns false
    /// when cancelled.
    ///
    /// Writes go in whole write units of `unit` blocks (DVD-RW restricted overwrite takes whole
    /// 16-block ECC blocks only, mmc.md §2.2). The whole stream is zero-filled after its end. A
    /// listed range (ModifiedBlocks, imapi2.md §2.2) lies among recorded data — the first logical
    /// session's anchor at 256 among that session's structures and files — so the blocks of its
    /// first and last unit outside it are read from the disc and written back as they were
    /// (read-modify-write), never overwritten with zeros.
    fn write_data<S: Read + Seek>(
        &mut self,
        lba: u32,
        postgap_blocks: u32,
        unit: u32,
        stream: &mut S,
        ranges: Option<&[Range<u32>]>,
    ) -> ImapiResult<bool> {
        self.report(WriteAction::WritingData);
        let total = self.progress.sector_count as u32;
        let whole = 0..total;
        let listed = ranges.is_some();
        let ranges = ranges.unwrap_or(std::slice::from_ref(&whole));
        let unit = unit.max(1);
        let mut buffer = vec![0u8; (WRITE_CHUNK_BLOCKS as u64 * SECTOR_BYTES) as usize];
        for range in ranges {
            let mut offset = if listed { range.start / unit * unit } else { range.start };
            let end = range.end.div_ceil(unit) * unit;
            while offset < end {
                if self.cancelled() {
                    return Ok(false);
                }
                let blocks = WRITE_CHUNK_BLOCKS.min(end - offset);
                let chunk = &mut buffer[..(u64::from(blocks) * SECTOR_BYTES) as usize];
                // The part of the chunk the range covers comes from the stream, the rest from
                // the disc (a listed range) or zeros (after the end of the whole stream).
                let from = offset.max(range.start).min(offset + blocks);
                let to = (offset + blocks).min(range.end).max(from);
                let at = |block: u32| (u64::from(block - offset) * SECTOR_BYTES) as usize;
                if from < to {
                    stream
                        .seek(SeekFrom::Start(u64::from(from) * SECTOR_BYTES))
                        .map_err(|_| HResult::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED)?;
                    stream
                        .read_exact(&mut chunk[at(from)..at(to)])
                        .map_err(|_| HResult::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED)?;
                    self.progress.last_read_lba = i64::from(lba + to) - 1;
                }
                for around in [offset..from, to..offset + blocks] {
                    let bytes = &mut chunk[at(around.start)..at(around.end)];
                    if around.is_empty() {
                        continue;
                    }
                    if listed {
                        bytes.copy_from_slice(&self.read_blocks(lba + around.start, around.len() as u32)?);
                    } else {
                        bytes.fill(0);
                    }
                }
                self.write_blocks(lba + offset, chunk, blocks)?;
                offset += blocks;
                self.progress.last_written_lba = i64::from(lba + offset) - 1;
                self.report(WriteAction::WritingData);
            }
        }
        // The post-gap: zeros after the data (CD, imapi2.md §2.5).
        buffer.fill(0);
        let mut written = 0;
        while written < postgap_blocks {
            if self.cancelled() {
                return Ok(false);
            }
            let blocks = WRITE_CHUNK_BLOCKS.min(postgap_blocks - written);
            let bytes = &buffer[..(u64::from(blocks) * SECTOR_BYTES) as usize];
            self.write_blocks(lba + total + written, bytes, blocks)?;
            written += blocks;
        }
        Ok(true)
    }

    /// READ(10) of blocks the write keeps as they are.
    fn read_blocks(&self, lba: u32, blocks: u32) -> ImapiResult<Vec<u8>> {
        let read = Read10 {
            lba,
            transfer_blocks: blocks as u16,
            disable_page_out: false,
            force_unit_access: false,
        };
        self.command(|d| data_in(d, read))
    }

    fn write_blocks(&mut self, lba: u32, bytes: &[u8], blocks: u32) -> ImapiResult<()> {
        let write = Write10 {
            lba: lba as i32,
            transfer_blocks: blocks as u16,
            disable_page_out: false,
            force_unit_access: false,
        };
        self.command(|d| no_data(d, write, Some(bytes)))
    }
}
