//! The scenario file format (RON, docs/scenarios.md): serde types only, no behaviour.
//!
//! Rules (reference/crates.md §3.3): externally tagged enums only, `deny_unknown_fields` on every
//! struct and enum, no `untagged` / `flatten`, so that every mistake is reported at its line and
//! column with what was expected. Files start with `#![enable(implicit_some)]` (the loader turns it
//! on anyway), so optional fields are written bare: `information: 5000`.
//!
//! Extension points: [`Step`] grows one variant per family of operations — `Mmc`, the operator
//! steps and the recorder API (`Recorder(..)`, `Writer(..)`, `Eraser(..)`, `AssertWriter(..)`,
//! `ChooseMultisession(..)`), the image builder (`Image(..)`) and file-tree assertions after import
//! (`AssertTree(..)`), types in `api_schema.rs`, each with an expectation on the API level
//! ([`super::api_schema::ApiExpect`]: success or an HRESULT by name or value) beside [`Expect`]
//! for MMC; and real programs against the drive through the device shim (`Run(..)`, [`RunStep`]).

use super::api_schema::{
    ChooseMultisessionStep, EraserStep, ImageStep, RecorderStep, TreeAssert, WriterAssert, WriterStep,
};
use super::hex::{BytePattern, HexBytes};
use crate::drive::{BusyReport, DescriptorSense, FaultPlan, UnwrittenRead};
use crate::media::Profile;
use crate::mmc::Sense;
use serde::Deserialize;

/// One scenario: a drive, a medium, faults, and the steps with what must happen.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// One line saying what the scenario shows; reports and the test harness use it.
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// A built-in drive model id: `bd-writer` (default), `dvd-writer`, `cd-rw` (docs/drive.md).
    #[serde(default = "default_drive")]
    pub drive: String,
    /// The profiles the drive writes instead of the model's (a subset of what it reads; `[]`
    /// makes a reader, which no data writer or eraser accepts).
    #[serde(default)]
    pub drive_writes: Option<Vec<Profile>>,
    /// The model's options where real drives disagree, each replacing the built-in model's
    /// choice when given (docs/drive.md).
    #[serde(default)]
    pub drive_options: DriveOptions,
    /// The medium in the drive at power-on (default: none, tray closed).
    #[serde(default)]
    pub medium: MediumSpec,
    /// Faults the drive injects (docs/faults.md).
    #[serde(default)]
    pub faults: Option<FaultPlan>,
    /// Consume the power-on and medium-change unit attentions before the first step, as an
    /// operating system does before a program opens the device (default `true`).
    #[serde(default = "yes")]
    pub settle: bool,
    /// Simulated time every command takes (`Drive::set_command_cost_ms`, default 0).
    #[serde(default)]
    pub command_cost_ms: u64,
    pub steps: Vec<Step>,
}

/// Drive-model options a scenario may change; what is left out keeps the model's value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriveOptions {
    #[serde(default)]
    pub unwritten_read: Option<UnwrittenRead>,
    #[serde(default)]
    pub busy_report: Option<BusyReport>,
    #[serde(default)]
    pub descriptor_sense: Option<DescriptorSense>,
}

fn default_drive() -> String {
    "bd-writer".into()
}

fn yes() -> bool {
    true
}

/// A medium: a new one of a profile, a media image, or an ISO file. Paths are resolved from the
/// scenario file's folder upwards (so `media-images/blank-cd-r-80.bbm` works from any depth of
/// `scenarios/`); media images and ISO files are opened read-only with changes kept in memory.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum MediumSpec {
    /// No medium.
    #[default]
    Empty,
    /// A medium as it comes out of the box (`Disc::new`): sequential media blank, DVD+RW and BD-RE
    /// unformatted, DVD-RAM formatted; CDs 80 min.
    Blank(Profile),
    /// Like `Blank` but formatted with the profile's first format descriptor (DVD+RW 26h with its
    /// background format completed, BD-RE / BD-R 00h, DVD-RW 00h to restricted overwrite).
    Formatted(Profile),
    /// A closed single-session disc of `blocks` blocks from LBA 0 (`Disc::pressed`, finalized).
    /// Its sectors hold nothing: use `Iso` for a disc whose data matters.
    Pressed(Profile, u32),
    /// A media image (`*.bbm`, docs/media-image.md), e.g. `Image("media-images/blank-bd-r.bbm")`.
    Image(String),
    /// A plain `.iso` file as a closed disc of `profile` (by size when left out).
    Iso {
        path: String,
        #[serde(default)]
        profile: Option<Profile>,
    },
}

/// One step. Steps run in order; the first that does not meet its expectation fails the scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Step {
    /// One MMC command and what it must answer: `Mmc(cdb: "00 00 00 00 00 00")`,
    /// `Mmc(command: Write(lba: 0, blocks: 16), expect: Check(sense: "5/21/02"))`.
    Mmc(MmcStep),
    /// Let simulated time pass (long operations progress and end).
    Advance { ms: u64 },
    /// The operator presses the eject button: the tray opens and the medium comes out with it.
    /// Fails while removal is prevented (use `EjectRefused` to expect that).
    Eject,
    /// The operator presses the eject button while removal is prevented: refused (5/53/02), the
    /// drive posts an eject-request event and nothing moves.
    EjectRefused,
    /// The operator takes the medium out of the open tray (the tray stays open, empty).
    RemoveMedium,
    /// The operator puts this medium into the open tray (replacing what was there).
    Insert(MediumSpec),
    /// The operator pushes the tray in with the medium in it; the next media command sees 6/28/00.
    Load,
    /// Consume pending unit attentions (what the OS does when a program opens the device).
    Settle,
    /// What a burner sees of the medium (`burn::probe`: GET CONFIGURATION, READ DISC INFORMATION,
    /// READ TRACK INFORMATION of every track, READ CAPACITY, READ FORMAT CAPACITIES). These
    /// queries are real commands: they count for fault triggers and appear in the trace.
    AssertMedia(MediaAssert),
    /// Replace the drive's fault plan from here on (docs/faults.md), written with the plan's
    /// fields: `SetFaults(faults: [Fault(..)])`. Counting starts at this step: `AfterCommands(count: n)` fires on the (n+1)-th command after it, `OnOpcode` counts
    /// occurrences from here.
    SetFaults(FaultPlan),
    /// A drive that lies: from here on, the data-in of every command with this operation code
    /// has `bytes` at `offset` (for replies a host must refuse, e.g. B162 / 02FF).
    CorruptReplies { opcode: u8, offset: usize, bytes: HexBytes },
    /// One call of the recorder (IDiscRecorder2): `Recorder(op: AcquireExclusiveAccess("x"))`.
    Recorder(RecorderStep),
    /// One call of the data writer (IDiscFormat2Data): `Writer(op: Write(Blocks(count: 16,
    /// pattern: Lba)))`, `Writer(op: NextWritableAddress(), expect: Err("0xC0AA0402"))`.
    Writer(WriterStep),
    /// One call of the eraser (IDiscFormat2Erase): `Eraser(op: Erase)`.
    Eraser(EraserStep),
    /// The data writer's media properties (CurrentMediaStatus, addresses, sizes, type, blank,
    /// the multisession objects' IsSupportedOnCurrentMediaState).
    AssertWriter(WriterAssert),
    /// The decision of put_MultisessionInterfaces (`burn::choose_multisession`) on the writer's
    /// multisession objects.
    ChooseMultisession(ChooseMultisessionStep),
    /// One call of the image builder (IFileSystemImage) over the scenario's writer:
    /// `Image(op: MultisessionInterfaces(), expect: Err("0xC0AAB156"))`, `Image(op: WriteSession)`.
    Image(ImageStep),
    /// The image's file tree (paths and sizes), e.g. after an import.
    AssertTree(TreeAssert),
    /// A real program run against the scenario's drive (`/dev/sr0`, `/dev/sg0`) through the
    /// preload shim (`crate::attach`): `Run(program: ["sg_inq", "/dev/sr0"], stdout_contains:
    /// ["BURNBNCH"])`. Its commands are traced like every step's.
    Run(RunStep),
}

/// A program run against the drive and what it must do: exit with `expect_exit` and print the
/// strings given, within `timeout_s`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunStep {
    /// The program (looked up on PATH unless it holds a `/`) and its arguments; `{dir}` in any
    /// of them is replaced by the scenario file's folder (absolute).
    pub program: ProgramLine,
    /// The exit code (a program killed by a signal: 128 + the signal, as a shell reports it).
    #[serde(default)]
    pub expect_exit: i32,
    /// Strings that must each appear in what the program writes to stdout.
    #[serde(default)]
    pub stdout_contains: Vec<String>,
    /// Strings that must each appear in what the program writes to stderr.
    #[serde(default)]
    pub stderr_contains: Vec<String>,
    /// Commands the program must have sent to the drive, each at least once, by the trace's
    /// names (`"INQUIRY"`, `"WRITE(10)"`, `"CLOSE TRACK/SESSION"`; docs/trace.md).
    #[serde(default)]
    pub sent: Vec<CommandName>,
    /// A program that is not installed skips this step and the rest of the scenario (with a
    /// note in the report) instead of failing it — unless `BURNBENCH_REQUIRE_PEERS=1`.
    #[serde(default)]
    pub optional: bool,
    /// Seconds the program may run; then it (its process group) is killed and the step fails.
    #[serde(default = "default_timeout_s")]
    pub timeout_s: std::num::NonZeroU64,
}

fn default_timeout_s() -> std::num::NonZeroU64 {
    std::num::NonZeroU64::new(120).expect("not zero")
}

/// An operation code by the name the trace gives it (`crate::mmc::cdb::opcode_name`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct CommandName(pub String);

impl TryFrom<String> for CommandName {
    type Error = String;

    fn try_from(name: String) -> Result<CommandName, String> {
        if (0..=u8::MAX).any(|code| crate::mmc::cdb::opcode_name(code) == Some(name.as_str())) {
            Ok(CommandName(name))
        } else {
            Err(format!(
                "expected a command as the trace names it, like \"INQUIRY\", \"READ(10)\" or \"CLOSE TRACK/SESSION\", \
                 found {name:?}"
            ))
        }
    }
}

/// The command line of a [`RunStep`]: the program and its arguments, never empty.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Vec<String>")]
pub struct ProgramLine(pub Vec<String>);

impl TryFrom<Vec<String>> for ProgramLine {
    type Error = String;

    fn try_from(words: Vec<String>) -> Result<ProgramLine, String> {
        match words.first() {
            Some(program) if !program.trim().is_empty() => Ok(ProgramLine(words)),
            _ => Err("`program` needs the program and its arguments, e.g. [\"sg_inq\", \"/dev/sr0\"]".into()),
        }
    }
}

/// An MMC command step: exactly one of `cdb` (raw hex) or `command` (typed).
#[derive(Debug, Clone)]
pub struct MmcStep {
    pub request: Request,
    pub data_out: Option<DataOut>,
    /// Bytes the host accepts in the data-in phase (default: the allocation length or the
    /// blocks × 2048 the CDB announces).
    pub data_in: Option<usize>,
    pub expect: Expect,
}

/// The command of an [`MmcStep`].
#[derive(Debug, Clone)]
pub enum Request {
    Raw(Vec<u8>),
    Typed(Command),
}

/// The RON form of [`MmcStep`], checked by its `Deserialize`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Mmc")]
struct MmcStepFields {
    #[serde(default)]
    cdb: Option<HexBytes>,
    #[serde(default)]
    command: Option<Command>,
    #[serde(default)]
    data_out: Option<DataOut>,
    #[serde(default)]
    data_in: Option<usize>,
    #[serde(default)]
    expect: Expect,
}

impl<'de> Deserialize<'de> for MmcStep {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<MmcStep, D::Error> {
        let fields = MmcStepFields::deserialize(deserializer)?;
        let request = match (fields.cdb, fields.command) {
            (Some(cdb), None) => {
                if !(6..=16).contains(&cdb.0.len()) {
                    return Err(serde::de::Error::custom(format!(
                        "a CDB has 6 to 16 bytes, `cdb` has {}",
                        cdb.0.len()
                    )));
                }
                Request::Raw(cdb.0)
            }
            (None, Some(command)) => Request::Typed(command),
            _ => {
                return Err(serde::de::Error::custom(
                    "an Mmc step needs exactly one of `cdb` (hex bytes) or `command` (a typed command)",
                ));
            }
        };
        Ok(MmcStep {
            request,
            data_out: fields.data_out,
            data_in: fields.data_in,
            expect: fields.expect,
        })
    }
}

/// Typed commands: the CDB (and parameter list) are built with `mmc::cdb`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Command {
    /// TEST UNIT READY.
    Tur,
    /// REQUEST SENSE, 18 bytes.
    RequestSense,
    /// INQUIRY, standard data, 36 bytes.
    Inquiry,
    /// GET CONFIGURATION RT 00b from feature 0000h (4 KiB).
    GetConfiguration,
    /// GET CONFIGURATION of one feature (RT 10b).
    GetFeature { feature: u16 },
    /// GET EVENT STATUS NOTIFICATION, polled, for the class mask (media: 0x10).
    GetEventStatus { classes: u8 },
    /// READ CAPACITY.
    ReadCapacity,
    /// READ DISC INFORMATION, standard, 34 bytes.
    ReadDiscInformation,
    /// READ TRACK INFORMATION of a track number (FFh: the invisible track), the track holding an
    /// LBA, or the first track of a session: exactly one of the three; 48 bytes.
    ReadTrackInformation {
        #[serde(default)]
        track: Option<u32>,
        #[serde(default)]
        lba: Option<u32>,
        #[serde(default)]
        session: Option<u32>,
    },
    /// READ(10).
    Read { lba: u32, blocks: u16 },
    /// WRITE(10); the data out defaults to `blocks` blocks of the `Lba` pattern.
    Write { lba: i32, blocks: u16 },
    /// SYNCHRONIZE CACHE (Immed 0).
    SyncCache,
    /// SYNCHRONIZE CACHE with Immed.
    SyncCacheImmed,
    /// CLOSE TRACK/SESSION.
    Close {
        function: CloseKind,
        #[serde(default)]
        track: u16,
        #[serde(default)]
        immed: bool,
    },
    /// RESERVE TRACK of a size in blocks.
    Reserve { blocks: u32 },
    /// BLANK.
    Blank {
        kind: BlankKind,
        #[serde(default)]
        immed: bool,
    },
    /// FORMAT UNIT with one format descriptor (FmtData, FOV; Immed by default).
    Format {
        format_type: u8,
        #[serde(default)]
        subtype: u8,
        blocks: u32,
        #[serde(default)]
        parameter: u32,
        #[serde(default = "yes")]
        immed: bool,
    },
    /// MODE SELECT(10) with page 05h: CD TAO Mode 1 (libburn's page) with the fields given changed.
    ModeSelectPage05 {
        #[serde(default)]
        write_type: Option<u8>,
        #[serde(default)]
        data_block_type: Option<u8>,
        #[serde(default)]
        multi_session: Option<MultiSession>,
        #[serde(default)]
        test_write: Option<bool>,
        #[serde(default)]
        track_mode: Option<u8>,
        #[serde(default)]
        fixed_packet: Option<bool>,
        #[serde(default)]
        packet_size: Option<u32>,
        #[serde(default)]
        link_size: Option<u8>,
    },
    /// MODE SENSE(10) of a page (3Fh: all), current values unless `control` says otherwise.
    ModeSense {
        page: u8,
        #[serde(default)]
        control: PageControlKind,
    },
    /// PREVENT ALLOW MEDIUM REMOVAL, prevent.
    Prevent,
    /// PREVENT ALLOW MEDIUM REMOVAL, allow.
    Allow,
    /// START STOP UNIT LoEj=1 Start=0: open the tray.
    EjectTray,
    /// START STOP UNIT LoEj=1 Start=1: close the tray.
    LoadTray,
    /// SEND OPC INFORMATION, DoOpc.
    SendOpc,
    /// MECHANISM STATUS.
    MechanismStatus,
    /// READ BUFFER CAPACITY (bytes form).
    ReadBufferCapacity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum CloseKind {
    /// 000b: DVD+RW stop background format.
    StopFormat,
    /// 001b.
    Track,
    /// 010b.
    Session,
    /// 101b: DVD+R finalize with minimal radius.
    FinalizeMinimalRadius,
    /// 110b: DVD+R / BD-R finalize.
    Finalize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum BlankKind {
    /// 000b.
    Full,
    /// 001b.
    Minimal,
    /// 010b (not modelled by the drive: 5/24/00).
    Track,
    /// 101b.
    UncloseLastSession,
    /// 110b.
    LastSession,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum MultiSession {
    /// 00b: CLOSE SESSION finalizes.
    Finalize,
    /// 11b: CLOSE SESSION keeps the disc appendable.
    Appendable,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum PageControlKind {
    #[default]
    Current,
    Changeable,
    Default,
    /// PC 11b: saved values (the drive refuses them, 5/39/00).
    Saved,
}

/// The data-out phase of an [`MmcStep`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum DataOut {
    /// Bytes as hex.
    Hex(HexBytes),
    /// A fixture file, resolved like medium paths.
    File(String),
    /// `count` blocks of 2048 bytes of a pattern.
    Blocks { count: u32, pattern: Pattern },
}

/// Block contents for data out and for comparing data read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Pattern {
    /// Every byte the same.
    Fill(u8),
    /// Each block holds its LBA as a 4-byte big-endian number, repeated: a block written or read
    /// at the wrong address does not match. The LBA comes from the CDB.
    Lba,
}

/// What an [`MmcStep`] must answer. Left out: `Good()`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Expect {
    /// Status GOOD; optionally the data transferred, decoded fields and the residual.
    Good {
        #[serde(default)]
        data: Option<DataCheck>,
        #[serde(default)]
        fields: Option<Fields>,
        #[serde(default)]
        residual: Option<usize>,
    },
    /// CHECK CONDITION with this sense. `deferred` is always compared (default false); the other
    /// fields when given.
    Check {
        sense: SenseSpec,
        #[serde(default)]
        deferred: bool,
        #[serde(default)]
        information: Option<u32>,
        #[serde(default)]
        progress: Option<ProgressSpec>,
        #[serde(default)]
        field_pointer: Option<FieldPointerSpec>,
        /// Data transferred before the error (a READ that stops at the first blank block).
        #[serde(default)]
        data: Option<DataCheck>,
    },
    /// The command never completes (a `NoCompletion` fault): the transport times out.
    NoCompletion,
}

impl Default for Expect {
    fn default() -> Expect {
        Expect::Good {
            data: None,
            fields: None,
            residual: None,
        }
    }
}

/// A sense triple by its `SENSE_TABLE` name (`"INVALID_ADDRESS_FOR_WRITE"`) or as hex
/// `"K/AA/QQ"` (`"5/21/02"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct SenseSpec(pub Sense);

impl TryFrom<String> for SenseSpec {
    type Error = String;

    fn try_from(text: String) -> Result<SenseSpec, String> {
        parse_sense(&text).map(SenseSpec).ok_or_else(|| {
            format!(
                "expected a sense triple like \"5/21/02\" or a name from the sense table like \
                 \"INVALID_ADDRESS_FOR_WRITE\", found {text:?}"
            )
        })
    }
}

/// `"5/21/02"` or a sense-table name.
pub fn parse_sense(text: &str) -> Option<Sense> {
    if let Some(entry) = crate::mmc::sense::SENSE_TABLE.iter().find(|e| e.name == text) {
        return Some(entry.sense);
    }
    let mut parts = text.split('/').map(|part| u8::from_str_radix(part, 16).ok());
    let sense = Sense::new(parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(sense)
}

/// The progress indication of not-ready sense (bytes 15–17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ProgressSpec {
    /// SKSV set with some progress value.
    Present,
    /// SKSV clear.
    Absent,
    /// Exactly this value (0–65535).
    Value(u16),
}

/// The field pointer of ILLEGAL REQUEST sense; `bit` left out means BPV clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum FieldPointerSpec {
    Cdb {
        byte: u16,
        #[serde(default)]
        bit: Option<u8>,
    },
    Parameter {
        byte: u16,
        #[serde(default)]
        bit: Option<u8>,
    },
    /// SKSV clear.
    Absent,
}

/// A check of the bytes transferred. `??` matches any byte in every pattern.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum DataCheck {
    /// Exactly these bytes (same length).
    Exact(BytePattern),
    /// The data starts with these bytes.
    Prefix(BytePattern),
    /// These bytes at this offset.
    At { offset: usize, bytes: BytePattern },
    /// Exactly this many bytes were transferred.
    Length(usize),
    /// `count` whole blocks of a pattern (for READ; `Lba` takes the LBA from the CDB).
    Blocks { count: u32, pattern: Pattern },
    /// Every check in the list.
    All(Vec<DataCheck>),
}

/// Decoded fields of a reply (`mmc` reprs); only the fields given are compared.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Fields {
    DiscInformation(DiscInformationFields),
    TrackInformation(TrackInformationFields),
    Capacity(CapacityFields),
    Inquiry(InquiryFields),
    Configuration(ConfigurationFields),
    /// REQUEST SENSE data.
    Sense(SenseFields),
    /// GET EVENT STATUS NOTIFICATION, media class.
    MediaEvent(MediaEventFields),
}

/// READ DISC INFORMATION disc status as a burner names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum DiscStatusSpec {
    Blank,
    Appendable,
    Finalized,
    /// 11b "others": random-access media.
    RandomAccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum SessionStateSpec {
    Empty,
    Incomplete,
    Damaged,
    Complete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum BackgroundFormatSpec {
    None,
    Suspended,
    InProgress,
    Completed,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscInformationFields {
    #[serde(default)]
    pub status: Option<DiscStatusSpec>,
    #[serde(default)]
    pub last_session: Option<SessionStateSpec>,
    #[serde(default)]
    pub erasable: Option<bool>,
    #[serde(default)]
    pub sessions: Option<u16>,
    #[serde(default)]
    pub first_track_in_last_session: Option<u16>,
    #[serde(default)]
    pub last_track_in_last_session: Option<u16>,
    #[serde(default)]
    pub background_format: Option<BackgroundFormatSpec>,
    #[serde(default)]
    pub disc_type: Option<u8>,
    /// As sent: MSF packed on CD, LBA otherwise; FFFFFFFFh when none.
    #[serde(default)]
    pub last_session_lead_in: Option<u32>,
    #[serde(default)]
    pub last_possible_lead_out: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackInformationFields {
    #[serde(default)]
    pub track: Option<u16>,
    #[serde(default)]
    pub session: Option<u16>,
    #[serde(default)]
    pub blank: Option<bool>,
    #[serde(default)]
    pub reserved: Option<bool>,
    #[serde(default)]
    pub damage: Option<bool>,
    #[serde(default)]
    pub packet: Option<bool>,
    #[serde(default)]
    pub fixed_packet: Option<bool>,
    #[serde(default)]
    pub track_mode: Option<u8>,
    #[serde(default)]
    pub data_mode: Option<u8>,
    #[serde(default)]
    pub start: Option<u32>,
    /// The NWA; giving it also requires NWA_V set.
    #[serde(default)]
    pub next_writable_address: Option<i32>,
    /// NWA_V.
    #[serde(default)]
    pub nwa_valid: Option<bool>,
    #[serde(default)]
    pub free_blocks: Option<u32>,
    #[serde(default)]
    pub fixed_packet_size: Option<u32>,
    #[serde(default)]
    pub size: Option<u32>,
    /// The LRA; giving it also requires LRA_V set.
    #[serde(default)]
    pub last_recorded_address: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityFields {
    #[serde(default)]
    pub last_lba: Option<u32>,
    #[serde(default)]
    pub block_length: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InquiryFields {
    #[serde(default)]
    pub device_type: Option<u8>,
    #[serde(default)]
    pub removable: Option<bool>,
    /// Compared with the trailing spaces removed.
    #[serde(default)]
    pub vendor: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub revision: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationFields {
    /// Profile id (`"cd-r"`) or `"none"` for 0000h.
    #[serde(default)]
    pub current_profile: Option<String>,
    /// Feature codes that must be listed.
    #[serde(default)]
    pub features: Vec<u16>,
    /// Feature codes that must be listed with the Current bit set.
    #[serde(default)]
    pub current: Vec<u16>,
    /// Feature codes that must be listed with the Current bit clear, or not at all.
    #[serde(default)]
    pub not_current: Vec<u16>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SenseFields {
    pub sense: SenseSpec,
    #[serde(default)]
    pub deferred: bool,
    #[serde(default)]
    pub information: Option<u32>,
    #[serde(default)]
    pub progress: Option<ProgressSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaEventFields {
    /// 0 no change, 1 eject request, 2 new media, 3 media removal.
    #[serde(default)]
    pub event: Option<u8>,
    #[serde(default)]
    pub media_present: Option<bool>,
    #[serde(default)]
    pub tray_open: Option<bool>,
}

/// Media state as a burner sees it (`burn::probe` + `burn::summary`); only the fields given are
/// compared.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaAssert {
    /// Profile id (`"dvd+r"`), `"none"` without a medium.
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub status: Option<DiscStatusSpec>,
    #[serde(default)]
    pub last_session: Option<SessionStateSpec>,
    #[serde(default)]
    pub erasable: Option<bool>,
    #[serde(default)]
    pub sessions: Option<u16>,
    /// How many tracks READ TRACK INFORMATION reports (the invisible track included).
    #[serde(default)]
    pub tracks: Option<u16>,
    /// NWA of the last track that has one (the invisible or incomplete track).
    #[serde(default)]
    pub next_writable_address: Option<i32>,
    /// Whether any track has a valid NWA (false on finalized and formatted media).
    #[serde(default)]
    pub writable: Option<bool>,
    /// Free blocks of the tracks that have an NWA.
    #[serde(default)]
    pub free_blocks: Option<u32>,
    /// What READ CAPACITY says (0 on blank media).
    #[serde(default)]
    pub readable_blocks: Option<u32>,
    /// Single tracks by number.
    #[serde(default)]
    pub track: Vec<TrackAssert>,
}

/// Written `Track(number: 1, …)`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "Track")]
pub struct TrackAssert {
    pub number: u16,
    #[serde(default)]
    pub session: Option<u16>,
    #[serde(default)]
    pub state: Option<TrackStateSpec>,
    #[serde(default)]
    pub start: Option<u32>,
    #[serde(default)]
    pub size: Option<u32>,
    #[serde(default)]
    pub next_writable_address: Option<i32>,
    #[serde(default)]
    pub free_blocks: Option<u32>,
    #[serde(default)]
    pub reserved: Option<bool>,
}

/// A track's state as `media info` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum TrackStateSpec {
    Invisible,
    Blank,
    Incomplete,
    Complete,
    Damaged,
}

impl TrackStateSpec {
    pub fn label(self) -> &'static str {
        match self {
            TrackStateSpec::Invisible => "invisible",
            TrackStateSpec::Blank => "blank",
            TrackStateSpec::Incomplete => "incomplete",
            TrackStateSpec::Complete => "complete",
            TrackStateSpec::Damaged => "damaged",
        }
    }
}
