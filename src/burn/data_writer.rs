//! `DataWriter`: IDiscFormat2Data (imapi2.md §2.5) — media status and addresses, the properties
//! that shape a burn, write speeds, the multisession objects, and `write` of an image stream with
//! progress events and cancel.
//!
//! Like the COM object, a `DataWriter` is a handle (clones are the same writer) whose methods take
//! `&self`: a progress callback may call back into the writer — `cancel_write`, or a setter that
//! then fails with `E_IMAPI_DF2DATA_WRITE_IN_PROGRESS`, exactly the situations IMAPI2 documents.
//! The MMC sequence of each medium is decided by [`super::write_sequence::plan_write`]; failures
//! are mapped through the sense table of [`super::errors`].

use super::command::{data_in, parsed};
use super::errors::Phase;
use super::media_state::{MediaState, MediaStatus, PhysicalMediaType, WRITE_FEATURES};
use super::multisession::{MultisessionRandomWrite, MultisessionRef, MultisessionSequential};
use super::recorder::{Recorder, is_valid_client_name, required};
use super::write_run::{WriteAction, WriteProgress, WriteRun};
use super::write_sequence::{DvdPlusRDlMultisession, WritePlan, WriteSettings, plan_write};
use crate::hresult::{HResult, ImapiError, ImapiResult};
use crate::media::{Family, MediaClass, Profile};
use crate::mmc::cdb::{GetPerformance, PerformanceRequest, Read10};
use crate::mmc::performance::{NominalPerformanceRepr, Performance, WriteSpeedRepr};
use std::cell::{Cell, RefCell};
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::rc::Rc;

/// IMAPI_SECTOR_SIZE (imapi2.md §2.7).
pub const SECTOR_BYTES: u64 = 2048;
/// MediaHeuristicallyBlank reads the first and the last 2 MB (imapi2.md §2.5).
const HEURISTIC_BLOCKS: u32 = 1024;
/// READ(10) size for the heuristic.
const READ_CHUNK_BLOCKS: u32 = 32;
/// The requested write speed "as fast as possible" (IMAPI2 passes 0xFFFFFFFF).
pub const MAXIMUM_WRITE_SPEED: u32 = 0xFFFF_FFFF;
/// 1× CD: 75 sectors of 2352 bytes per second; DVD and BD sectors carry 2048 bytes.
const CD_SECTOR_BYTES: u32 = 2352;

/// IWriteSpeedDescriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSpeedDescriptor {
    pub media_type: PhysicalMediaType,
    pub rotation_type_is_pure_cav: bool,
    /// Sectors per second.
    pub write_speed: u32,
}

/// The properties of the writer.
#[derive(Debug, Clone, Default)]
struct Properties {
    client_name: String,
    force_media_to_be_closed: bool,
    disable_consumer_dvd_compatibility_mode: bool,
    force_overwrite: bool,
    buffer_underrun_free_disabled: bool,
    /// Emulation option: which column of the §2.5 closing table DVD+R DL follows.
    dvd_plus_r_dl: DvdPlusRDlMultisession,
    /// Requested write speed (sectors/s) and pure CAV, once SetWriteSpeed was called.
    requested_speed: Option<(u32, bool)>,
}

struct Inner {
    recorder: RefCell<Option<Recorder>>,
    properties: RefCell<Properties>,
    /// Shared with the multisession objects (their FreeSectorsOnMedia follows it).
    postgap_already_in_image: Rc<Cell<bool>>,
    multisession: RefCell<Option<(MultisessionSequential, MultisessionRandomWrite)>>,
    writing: Cell<bool>,
    cancel_requested: Cell<bool>,
}

/// IDiscFormat2Data.
#[derive(Clone)]
pub struct DataWriter {
    inner: Rc<Inner>,
}

impl Default for DataWriter {
    fn default() -> DataWriter {
        DataWriter::new()
    }
}

impl std::fmt::Debug for DataWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataWriter")
            .field("properties", &self.inner.properties.borrow())
            .field("writing", &self.inner.writing.get())
            .finish_non_exhaustive()
    }
}

/// Resets the write-in-progress state however `write` ends, and releases exclusive access.
struct WriteGuard<'a> {
    writer: &'a Inner,
    recorder: Option<Recorder>,
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        self.writer.writing.set(false);
        self.writer.cancel_requested.set(false);
        if let Some(recorder) = &self.recorder {
            let _ = recorder.release_exclusive_access();
        }
    }
}

/// MediaHeuristicallyBlank (imapi2.md §2.5): physically blank media are blank; media that cannot
/// be blanked physically (formatted DVD+RW, DVD-RAM, BD-RE, DVD-RW restricted overwrite) count as
/// blank when the first and the last 2 MB of the formatted area read back as zeros.
pub(crate) fn heuristically_blank(recorder: &Recorder, state: &MediaState, phase: Phase) -> ImapiResult<bool> {
    if state.is_physically_blank() {
        return Ok(true);
    }
    if !state.is_overwritable() {
        return Ok(false);
    }
    let Some(formatted) = state.formatted_blocks().filter(|b| *b > 0) else {
        return Ok(true);
    };
    let head = 0..HEURISTIC_BLOCKS.min(formatted);
    let tail = formatted.saturating_sub(HEURISTIC_BLOCKS).max(head.end)..formatted;
    for range in [head, tail] {
        if !zero_filled(recorder, range, phase)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn zero_filled(recorder: &Recorder, range: Range<u32>, phase: Phase) -> ImapiResult<bool> {
    let mut lba = range.start;
    while lba < range.end {
        let blocks = READ_CHUNK_BLOCKS.min(range.end - lba);
        let bytes = recorder.run(phase, true, |device| {
            data_in(
                device,
                Read10 {
                    lba,
                    transfer_blocks: blocks as u16,
                    disable_page_out: false,
                    force_unit_access: false,
                },
            )
        })?;
        if bytes.iter().any(|b| *b != 0) {
            return Ok(false);
        }
        lba += blocks;
    }
    Ok(true)
}

/// The nominal write performance in kB/s (GET PERFORMANCE type 00h, Write).
fn nominal_write_kbps(recorder: &Recorder) -> ImapiResult<u32> {
    let repr = recorder.query(|device| {
        let bytes = data_in(
            device,
            GetPerformance {
                request: PerformanceRequest::Performance {
                    write: true,
                    except: 0,
                    starting_lba: 0,
                },
                max_descriptors: 1,
            },
        )?;
        let view = parsed("GET PERFORMANCE", Performance::new_checked(&bytes[..]))?;
        parsed("GET PERFORMANCE", NominalPerformanceRepr::parse(&view))
    })?;
    Ok(repr.descriptors.first().map_or(0, |d| d.end_kbytes_per_second))
}

/// Sectors per second of `kbytes_per_second` on a medium of `class`.
fn sectors_per_second(kbytes_per_second: u32, class: MediaClass) -> u32 {
    let sector = if class == MediaClass::Cd {
        CD_SECTOR_BYTES
    } else {
        SECTOR_BYTES as u32
    };
    (u64::from(kbytes_per_second) * 1000 / u64::from(sector)) as u32
}

/// kB/s (1000 bytes) of `sectors_per_second` on a medium of `class`.
pub(crate) fn kbytes_per_second(sectors_per_second: u32, class: MediaClass) -> u32 {
    let sector = if class == MediaClass::Cd {
        CD_SECTOR_BYTES
    } else {
        SECTOR_BYTES as u32
    };
    (u64::from(sectors_per_second) * u64::from(sector) / 1000).min(u64::from(u32::MAX)) as u32
}

impl DataWriter {
    pub fn new() -> DataWriter {
        DataWriter {
            inner: Rc::new(Inner {
                recorder: RefCell::new(None),
                properties: RefCell::new(Properties::default()),
                postgap_already_in_image: Rc::new(Cell::new(false)),
                multisession: RefCell::new(None),
                writing: Cell::new(false),
                cancel_requested: Cell::new(false),
            }),
        }
    }

    fn refuse_while_writing(&self) -> ImapiResult<()> {
        if self.inner.writing.get() {
            Err(HResult::E_IMAPI_DF2DATA_WRITE_IN_PROGRESS.into())
        } else {
            Ok(())
        }
    }

    // ---- recorder ----

    /// put_Recorder: the recorder must support this format (`E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED`);
    /// refused during a write.
    pub fn set_recorder(&self, recorder: &Recorder) -> ImapiResult<()> {
        self.refuse_while_writing()?;
        if !self.is_recorder_supported(recorder)? {
            return Err(HResult::E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED.into());
        }
        *self.inner.recorder.borrow_mut() = Some(recorder.clone());
        *self.inner.multisession.borrow_mut() = None;
        Ok(())
    }

    /// get_Recorder; `E_IMAPI_RECORDER_REQUIRED` before one is set.
    pub fn recorder(&self) -> ImapiResult<Recorder> {
        required(&self.inner.recorder)
    }

    /// IsRecorderSupported: the drive presents a feature that writes data (any medium).
    pub fn is_recorder_supported(&self, recorder: &Recorder) -> ImapiResult<bool> {
        let pages = recorder.supported_feature_pages()?;
        Ok(WRITE_FEATURES.iter().any(|f| pages.contains(f)))
    }

    /// IsCurrentMediaSupported: the loaded medium is of a type this format writes with this drive.
    pub fn is_current_media_supported(&self, recorder: &Recorder) -> ImapiResult<bool> {
        Ok(recorder.media_state(Phase::Query)?.is_supported_type())
    }

    /// SupportedMediaTypes: the recordable physical types among the drive's profiles.
    pub fn supported_media_types(&self) -> ImapiResult<Vec<PhysicalMediaType>> {
        let recorder = self.recorder()?;
        let mut types: Vec<PhysicalMediaType> = Vec::new();
        for profile in recorder.supported_profiles()? {
            let recordable = Profile::from_code(profile).is_some_and(|p| p.family() != Family::ReadOnly);
            let kind = PhysicalMediaType::from_profile(profile);
            if recordable && !types.contains(&kind) {
                types.push(kind);
            }
        }
        Ok(types)
    }

    fn state(&self) -> ImapiResult<MediaState> {
        self.recorder()?.media_state(Phase::Query)
    }

    /// A state the address properties answer for, else `E_IMAPI_DF2DATA_INVALID_MEDIA_STATE`.
    fn supported_state(&self) -> ImapiResult<MediaState> {
        let state = self.state()?;
        if state.is_supported_type() && !state.status().is_unsupported() {
            Ok(state)
        } else {
            Err(HResult::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE.into())
        }
    }

    // ---- media properties ----

    /// CurrentMediaStatus (imapi2.md §2.8).
    pub fn current_media_status(&self) -> ImapiResult<MediaStatus> {
        Ok(self.state()?.status())
    }

    /// MediaPhysicallyBlank: what the drive reports.
    pub fn media_physically_blank(&self) -> ImapiResult<bool> {
        Ok(self.state()?.is_physically_blank())
    }

    /// MediaHeuristicallyBlank: physically blank, or overwritable media whose first and last 2 MB
    /// are zeros (reads them with READ(10)).
    pub fn media_heuristically_blank(&self) -> ImapiResult<bool> {
        let recorder = self.recorder()?;
        let state = recorder.media_state(Phase::Query)?;
        heuristically_blank(&recorder, &state, Phase::Query)
    }

    /// CurrentPhysicalMediaType.
    pub fn current_physical_media_type(&self) -> ImapiResult<PhysicalMediaType> {
        Ok(self.state()?.physical_type())
    }

    /// TotalSectorsOnMedia.
    pub fn total_sectors_on_media(&self) -> ImapiResult<i32> {
        Ok(self.supported_state()?.total_sectors() as i32)
    }

    /// FreeSectorsOnMedia (DVD±RW, DVD-RAM, BD-RE: the total, imapi2.md §2.5).
    pub fn free_sectors_on_media(&self) -> ImapiResult<i32> {
        let postgap = self.inner.postgap_already_in_image.get();
        Ok(self.supported_state()?.free_sectors(postgap) as i32)
    }

    /// NextWritableAddress: 0 on blank and on overwritable media.
    pub fn next_writable_address(&self) -> ImapiResult<i32> {
        self.supported_state()?
            .next_writable_address()
            .map(|nwa| nwa as i32)
            .ok_or_else(|| HResult::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE.into())
    }

    /// StartAddressOfPreviousSession: −1 when blank or without sessions (overwritable media);
    /// `E_IMAPI_DF2DATA_INVALID_MEDIA_STATE` when the medium takes no new session.
    pub fn start_address_of_previous_session(&self) -> ImapiResult<i32> {
        let state = self.supported_state()?;
        Ok(match state.is_sequential() {
            true => state.previous_session_start().map_or(-1, |s| s as i32),
            false => -1,
        })
    }

    /// LastWrittenAddressOfPreviousSession: −1 when blank or without sessions. Its documentation
    /// lists only E_NOTIMPL, so an unsupported medium answers −1 as well instead of an error.
    pub fn last_written_address_of_previous_session(&self) -> ImapiResult<i32> {
        let state = self.state()?;
        let usable = state.is_supported_type() && !state.status().is_unsupported() && state.is_sequential();
        Ok(match usable {
            true => state.previous_session_last_written().map_or(-1, |s| s as i32),
            false => -1,
        })
    }

    // ---- burn properties ----

    pub fn client_name(&self) -> String {
        self.inner.properties.borrow().client_name.clone()
    }

    /// ClientName: checked when Write runs (`E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID`).
    pub fn set_client_name(&self, name: &str) {
        self.inner.properties.borrow_mut().client_name = name.to_string();
    }

    pub fn force_media_to_be_closed(&self) -> bool {
        self.inner.properties.borrow().force_media_to_be_closed
    }

    pub fn set_force_media_to_be_closed(&self, value: bool) -> ImapiResult<()> {
        self.refuse_while_writing()?;
        self.inner.properties.borrow_mut().force_media_to_be_closed = value;
        Ok(())
    }

    pub fn disable_consumer_dvd_compatibility_mode(&self) -> bool {
        self.inner.properties.borrow().disable_consumer_dvd_compatibility_mode
    }

    pub fn set_disable_consumer_dvd_compatibility_mode(&self, value: bool) -> ImapiResult<()> {
        self.refuse_while_writing()?;
        self.inner
            .properties
            .borrow_mut()
            .disable_consumer_dvd_compatibility_mode = value;
        Ok(())
    }

    pub fn postgap_already_in_image(&self) -> bool {
        self.inner.postgap_already_in_image.get()
    }

    pub fn set_postgap_already_in_image(&self, value: bool) -> ImapiResult<()> {
        self.refuse_while_writing()?;
        self.inner.postgap_already_in_image.set(value);
        Ok(())
    }

    pub fn force_overwrite(&self) -> bool {
        self.inner.properties.borrow().force_overwrite
    }

    /// ForceOverwrite: no errors documented.
    pub fn set_force_overwrite(&self, value: bool) {
        self.inner.properties.borrow_mut().force_overwrite = value;
    }

    pub fn buffer_underrun_free_disabled(&self) -> bool {
        self.inner.properties.borrow().buffer_underrun_free_disabled
    }

    pub fn set_buffer_underrun_free_disabled(&self, value: bool) -> ImapiResult<()> {
        self.refuse_while_writing()?;
        self.inner.properties.borrow_mut().buffer_underrun_free_disabled = value;
        Ok(())
    }

    /// How a DVD+R DL write ends under (DisableConsumerDvdCompatibilityMode TRUE,
    /// ForceMediaToBeClosed FALSE) — an emulation option, not an IMAPI2 property (the documented
    /// facts disagree; docs/data-writer.md).
    pub fn dvd_plus_r_dl_multisession(&self) -> DvdPlusRDlMultisession {
        self.inner.properties.borrow().dvd_plus_r_dl
    }

    pub fn set_dvd_plus_r_dl_multisession(&self, value: DvdPlusRDlMultisession) -> ImapiResult<()> {
        self.refuse_while_writing()?;
        self.inner.properties.borrow_mut().dvd_plus_r_dl = value;
        Ok(())
    }

    fn settings(&self) -> WriteSettings {
        let p = self.inner.properties.borrow();
        WriteSettings {
            force_media_to_be_closed: p.force_media_to_be_closed,
            disable_consumer_dvd_compatibility_mode: p.disable_consumer_dvd_compatibility_mode,
            postgap_already_in_image: self.inner.postgap_already_in_image.get(),
            buffer_underrun_free_disabled: p.buffer_underrun_free_disabled,
            dvd_plus_r_dl: p.dvd_plus_r_dl,
        }
    }

    // ---- write speeds ----

    fn write_speed_repr(&self) -> ImapiResult<(WriteSpeedRepr, MediaClass)> {
        let recorder = self.recorder()?;
        let class = recorder.media_state(Phase::Query)?.class().unwrap_or(MediaClass::Cd);
        let repr = recorder.query(|device| {
            let bytes = data_in(
                device,
                GetPerformance {
                    request: PerformanceRequest::WriteSpeed,
                    max_descriptors: 32,
                },
            )?;
            let view = parsed("GET PERFORMANCE", Performance::new_checked(&bytes[..]))?;
            parsed("GET PERFORMANCE", WriteSpeedRepr::parse(&view))
        })?;
        Ok((repr, class))
    }

    /// SupportedWriteSpeedDescriptors: GET PERFORMANCE type 03h (mmc.md §1.5), in sectors/s.
    pub fn supported_write_speed_descriptors(&self) -> ImapiResult<Vec<WriteSpeedDescriptor>> {
        let media_type = self.current_physical_media_type()?;
        let (repr, class) = self.write_speed_repr()?;
        Ok(repr
            .descriptors
            .iter()
            .map(|d| WriteSpeedDescriptor {
                media_type,
                rotation_type_is_pure_cav: d.rotation_control == 1,
                write_speed: sectors_per_second(d.write_kbytes_per_second, class),
            })
            .collect())
    }

    /// SupportedWriteSpeeds: sectors/s, fastest first as the drive lists them.
    pub fn supported_write_speeds(&self) -> ImapiResult<Vec<u32>> {
        Ok(self
            .supported_write_speed_descriptors()?
            .into_iter()
            .map(|d| d.write_speed)
            .collect())
    }

    /// SetWriteSpeed(sectors/s, pure CAV): applied when the next write starts (SET CD SPEED on
    /// CD, SET STREAMING on DVD and BD). 0xFFFFFFFF asks for the fastest.
    pub fn set_write_speed(&self, sectors_per_second: u32, rotation_type_is_pure_cav: bool) -> ImapiResult<()> {
        self.refuse_while_writing()?;
        self.inner.properties.borrow_mut().requested_speed = Some((sectors_per_second, rotation_type_is_pure_cav));
        Ok(())
    }

    /// RequestedWriteSpeed (0xFFFFFFFF until SetWriteSpeed).
    pub fn requested_write_speed(&self) -> u32 {
        self.inner
            .properties
            .borrow()
            .requested_speed
            .map_or(MAXIMUM_WRITE_SPEED, |(s, _)| s)
    }

    pub fn requested_rotation_type_is_pure_cav(&self) -> bool {
        self.inner
            .properties
            .borrow()
            .requested_speed
            .is_some_and(|(_, cav)| cav)
    }

    /// CurrentWriteSpeed: GET PERFORMANCE type 00h, write, nominal (sectors/s).
    pub fn current_write_speed(&self) -> ImapiResult<u32> {
        let recorder = self.recorder()?;
        let class = recorder.media_state(Phase::Query)?.class().unwrap_or(MediaClass::Cd);
        Ok(sectors_per_second(nominal_write_kbps(&recorder)?, class))
    }

    // ---- multisession ----

    /// MultisessionInterfaces: never empty, no error on blank media (imapi2.md §2.5, §4 trap 3) —
    /// always one sequential and one random-write object over the writer's recorder (each says
    /// itself whether it fits the medium). The objects persist, so InUse set on them stays set.
    pub fn multisession_interfaces(&self) -> ImapiResult<Vec<MultisessionRef>> {
        let recorder = self.recorder()?;
        let mut slot = self.inner.multisession.borrow_mut();
        let (sequential, random) = slot.get_or_insert_with(|| {
            let postgap = self.inner.postgap_already_in_image.clone();
            (
                MultisessionSequential::new(recorder.clone(), postgap.clone()),
                MultisessionRandomWrite::new(recorder.clone(), postgap),
            )
        });
        Ok(vec![
            MultisessionRef::Sequential(sequential.clone()),
            MultisessionRef::RandomWrite(random.clone()),
        ])
    }

    /// One of this writer's multisession objects is InUse: the image was built to continue the
    /// disc, so overwriting a non-blank rewritable medium is what the caller asked for.
    fn continues_disc(&self) -> bool {
        self.inner
            .multisession
            .borrow()
            .as_ref()
            .is_some_and(|(s, r)| s.in_use() || r.in_use())
    }

    // ---- write ----

    /// CancelWrite: the write stops at the next block boundary and returns
    /// `E_IMAPI_REQUEST_CANCELLED`; `E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS` when none runs.
    pub fn cancel_write(&self) -> ImapiResult<()> {
        if !self.inner.writing.get() {
            return Err(HResult::E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS.into());
        }
        self.inner.cancel_requested.set(true);
        Ok(())
    }

    /// Write(stream): the whole stream, as a new session on sequential media or from sector 0 on
    /// rewritable media.
    pub fn write<S: Read + Seek>(&self, stream: &mut S) -> ImapiResult<()> {
        self.write_with_progress(stream, None, &mut |_| {})
    }

    /// Write with progress events and, on rewritable media, only the listed block ranges of the
    /// stream (IBlockRangeList / ModifiedBlocks, imapi2.md §2.2, §3.6).
    pub fn write_with_progress<S: Read + Seek>(
        &self,
        stream: &mut S,
        ranges: Option<&[Range<u32>]>,
        on_progress: &mut dyn FnMut(&WriteProgress),
    ) -> ImapiResult<()> {
        self.refuse_while_writing()?;
        let recorder = self.recorder()?;
        let client = self.client_name();
        if !is_valid_client_name(&client) {
            return Err(HResult::E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID.into());
        }
        let bytes = stream_length(stream)?;
        if bytes == 0 || bytes % SECTOR_BYTES != 0 {
            return Err(HResult::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED.into());
        }
        let blocks = u32::try_from(bytes / SECTOR_BYTES)
            .map_err(|_| HResult::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA)?;
        if ranges.is_some_and(|r| r.iter().any(|r| r.start > r.end || r.end > blocks)) {
            return Err(HResult::E_INVALIDARG.into());
        }
        self.inner.writing.set(true);
        self.inner.cancel_requested.set(false);
        let mut guard = WriteGuard {
            writer: &self.inner,
            recorder: None,
        };
        let requested_speed = self.inner.properties.borrow().requested_speed;
        let mut run = WriteRun::new(
            &recorder,
            &self.inner.cancel_requested,
            requested_speed,
            blocks,
            on_progress,
        );
        run.report(WriteAction::ValidatingMedia);
        let (state, plan) = self.validate(&recorder, blocks, ranges)?;
        recorder.acquire_exclusive_access(false, &client)?;
        guard.recorder = Some(recorder.clone());
        run.begin(plan.start_lba, self.expected_speed(&recorder, &state));
        run.execute(&state, &plan, stream, ranges)?;
        run.report(WriteAction::Completed);
        drop(guard);
        Ok(())
    }

    /// The checks of Write, in order, and the plan.
    fn validate(
        &self,
        recorder: &Recorder,
        blocks: u32,
        ranges: Option<&[Range<u32>]>,
    ) -> ImapiResult<(MediaState, WritePlan)> {
        if !self.is_recorder_supported(recorder)? {
            return Err(HResult::E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED.into());
        }
        let state = recorder.media_state(Phase::Write)?;
        if !state.is_supported_type() {
            return Err(HResult::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED.into());
        }
        let status = state.status();
        if status.is_unsupported() {
            return Err(HResult::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE.into());
        }
        let settings = self.settings();
        let fits = if state.is_overwritable() {
            blocks <= state.total_sectors()
        } else {
            blocks <= state.free_sectors(settings.postgap_already_in_image)
        };
        if !fits {
            return Err(HResult::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA.into());
        }
        if ranges.is_some() && !state.is_overwritable() {
            return Err(HResult::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED.into());
        }
        if state.is_overwritable()
            && !self.force_overwrite()
            && !self.continues_disc()
            && !heuristically_blank(recorder, &state, Phase::Write)?
        {
            return Err(HResult::E_IMAPI_DF2DATA_MEDIA_NOT_BLANK.into());
        }
        let plan = plan_write(&state, &settings, blocks).map_err(ImapiError::from)?;
        Ok((state, plan))
    }

    /// The write speed in kB/s the estimate uses: the requested one, else the drive's current.
    fn expected_speed(&self, recorder: &Recorder, state: &MediaState) -> u32 {
        let class = state.class().unwrap_or(MediaClass::Cd);
        let requested = self.inner.properties.borrow().requested_speed;
        match requested {
            Some((speed, _)) if speed != MAXIMUM_WRITE_SPEED => kbytes_per_second(speed, class),
            _ => nominal_write_kbps(recorder).unwrap_or(0),
        }
    }
}

/// The length of the stream in bytes (Read + Seek "with a length").
fn stream_length<S: Seek>(stream: &mut S) -> ImapiResult<u64> {
    let length = stream
        .seek(SeekFrom::End(0))
        .map_err(|_| HResult::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED)?;
    stream
        .seek(SeekFrom::Start(0))
        .map_err(|_| HResult::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED)?;
    Ok(length)
}
