//! The scenario format of the recorder API steps (docs/scenarios.md "Recorder API steps"): serde
//! types only. `Recorder(..)`, `Writer(..)` and `Eraser(..)` call one member of the IMAPI-like
//! objects of `burn` with an expectation on the API level (`Ok`, or `Err` with an HRESULT by name
//! or value); `AssertWriter(..)` compares the data writer's media properties;
//! `ChooseMultisession(..)` runs the decision of put_MultisessionInterfaces.
//!
//! Same rules as `schema.rs` (reference/crates.md §3.3): externally tagged enums, every struct and
//! enum `deny_unknown_fields`, no `untagged` / `flatten`. A getter is written with its expected
//! value as `VendorId(is: "BURNBNCH")`, or `VendorId()` when any value will do (an `Err`
//! expectation takes no value).

use super::schema::Pattern;
use crate::burn::{DvdPlusRDlMultisession, WindowsVersion};
use crate::hresult::HResult;
use crate::media::Profile;
use serde::Deserialize;

/// An HRESULT of the table (`crate::hresult::HRESULT_TABLE`) by its symbolic name
/// (`"E_IMAPI_DF2DATA_MEDIA_NOT_BLANK"`, documented aliases included) or its value
/// (`"0xC0AA0405"`). A name or value the table does not know is refused when the file loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct HresultSpec(pub HResult);

impl TryFrom<String> for HresultSpec {
    type Error = String;

    fn try_from(text: String) -> Result<HresultSpec, String> {
        let known = |code: HResult| code.name().is_some();
        match text.parse::<HResult>() {
            Ok(code) if known(code) => Ok(HresultSpec(code)),
            Ok(code) => Err(format!(
                "HRESULT 0x{:08X} is not in the HRESULT table (src/hresult.rs): no API call returns it",
                code.0
            )),
            Err(_) => Err(format!(
                "unknown HRESULT {text:?}: expected a name of the HRESULT table such as \
                 \"E_IMAPI_DF2DATA_MEDIA_NOT_BLANK\" or its value such as \"0xC0AA0405\"{}",
                suggestion(&text)
            )),
        }
    }
}

/// ` (did you mean "…"?)` when one name of the table contains the text given, or the text minus
/// a wrong prefix.
fn suggestion(text: &str) -> String {
    let wanted = text.trim().to_ascii_uppercase();
    let tail = wanted
        .trim_start_matches("IMAPI_E_")
        .trim_start_matches("E_IMAPI_")
        .trim_start_matches("E_");
    if tail.len() < 4 {
        return String::new();
    }
    let names: Vec<&str> = crate::hresult::HRESULT_TABLE
        .iter()
        .map(|e| e.name)
        .filter(|name| name.ends_with(tail) || name.contains(&wanted))
        .take(3)
        .collect();
    match names.as_slice() {
        [] => String::new(),
        names => format!(" (did you mean {}?)", names.join(" or ")),
    }
}

/// What an API call must return. Left out: `Ok`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ApiExpect {
    /// The call succeeds (a getter's value is compared when the op gives one with `is`).
    #[default]
    Ok,
    /// The call fails with exactly this HRESULT.
    Err(HresultSpec),
}

/// One call of the IDiscRecorder2 subset (`burn::Recorder`) of the scenario's recorder, or of a
/// second recorder object on the same drive ("another client").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Recorder")]
pub struct RecorderStep {
    pub op: RecorderOp,
    #[serde(default)]
    pub expect: ApiExpect,
}

/// Recorder members. Getters take their expected value as `is`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RecorderOp {
    /// AcquireExclusiveAccess(force: false, clientName).
    AcquireExclusiveAccess(String),
    ReleaseExclusiveAccess,
    /// Another program's recorder object on the same drive acquires exclusive access.
    OtherClientAcquires(String),
    /// The other program's recorder object releases it.
    OtherClientReleases,
    /// EjectMedia: START STOP UNIT LoEj.
    EjectMedia,
    /// CloseTray: START STOP UNIT LoEj Start.
    CloseTray,
    VendorId {
        #[serde(default)]
        is: Option<String>,
    },
    ProductId {
        #[serde(default)]
        is: Option<String>,
    },
    ProductRevision {
        #[serde(default)]
        is: Option<String>,
    },
    /// SupportedProfiles, as profile ids in the drive's order: `["bd-re", "bd-r", …]`.
    SupportedProfiles {
        #[serde(default)]
        is: Option<Vec<Profile>>,
    },
    /// CurrentProfiles (empty without a medium).
    CurrentProfiles {
        #[serde(default)]
        is: Option<Vec<Profile>>,
    },
    DeviceCanLoadMedia {
        #[serde(default)]
        is: Option<bool>,
    },
    /// SupportedFeaturePages: every feature code the drive presents, in its order.
    SupportedFeaturePages {
        #[serde(default)]
        is: Option<Vec<u16>>,
    },
    /// CurrentFeaturePages: the feature codes marked current.
    CurrentFeaturePages {
        #[serde(default)]
        is: Option<Vec<u16>>,
    },
    /// SupportedModePages: the page codes of MODE SENSE page 3Fh.
    SupportedModePages {
        #[serde(default)]
        is: Option<Vec<u8>>,
    },
    /// GetFeaturePage: the drive presents this feature (else E_IMAPI_RECORDER_NO_SUCH_FEATURE).
    Feature {
        code: u16,
    },
    /// ExclusiveAccessOwner: the holder's client name, `""` when free.
    ExclusiveAccessOwner {
        #[serde(default)]
        is: Option<String>,
    },
}

/// One call of the scenario's data writer (`burn::DataWriter`, IDiscFormat2Data).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Writer")]
pub struct WriterStep {
    pub op: WriterOp,
    #[serde(default)]
    pub expect: ApiExpect,
    /// A call made from inside the write's progress callback, at the `at_event`-th event
    /// (`Write` and `WriteRanges` only): `during: Writer(op: CancelWrite)`.
    #[serde(default)]
    pub during: Option<Box<ApiCall>>,
    /// Which progress event `during` runs at (1-based, every event counted; default 1).
    #[serde(default)]
    pub at_event: Option<u32>,
    /// The write's progress phases, each run of equal actions counted once:
    /// `[ValidatingMedia, InitializingHardware, WritingData, Finalization, Completed]`.
    #[serde(default)]
    pub phases: Option<Vec<WriteActionName>>,
    /// The StartLba of the write's progress events: where the data went.
    #[serde(default)]
    pub start_lba: Option<i64>,
}

/// Data writer members. Setters take their value; getters their expected value as `is`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum WriterOp {
    ClientName(String),
    ForceMediaToBeClosed(bool),
    DisableConsumerDvdCompatibilityMode(bool),
    /// The emulation option of how DVD+R DL ends a write (docs/data-writer.md):
    /// `AsDocumented` or `LikeDvdPlusR`.
    DvdPlusRDlMultisession(DvdPlusRDlMultisession),
    ForceOverwrite(bool),
    PostgapAlreadyInImage(bool),
    BufferUnderrunFreeDisabled(bool),
    /// SetWriteSpeed(RequestedSectorsPerSecond, RotationTypeIsPureCAV).
    SetWriteSpeed {
        sectors_per_second: u32,
        #[serde(default)]
        pure_cav: bool,
    },
    /// Write(stream): the whole stream as a new session (sequential media) or from LBA 0.
    Write(Stream),
    /// Write of only these block ranges of the stream, `(first, end)` with `end` exclusive
    /// (IBlockRangeList; rewritable media only).
    WriteRanges {
        data: Stream,
        ranges: Vec<(u32, u32)>,
    },
    /// CancelWrite: outside a write E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS.
    CancelWrite,
    /// put_Recorder with the scenario's recorder.
    SetRecorder,
    /// The writer is replaced by a new one without a recorder (MsftDiscFormat2Data before
    /// put_Recorder); `SetRecorder` binds it again.
    NewWriter,
    CurrentMediaStatus {
        #[serde(default)]
        is: Option<Vec<StatusFlag>>,
    },
    NextWritableAddress {
        #[serde(default)]
        is: Option<i32>,
    },
    StartAddressOfPreviousSession {
        #[serde(default)]
        is: Option<i32>,
    },
    LastWrittenAddressOfPreviousSession {
        #[serde(default)]
        is: Option<i32>,
    },
    FreeSectorsOnMedia {
        #[serde(default)]
        is: Option<i32>,
    },
    TotalSectorsOnMedia {
        #[serde(default)]
        is: Option<i32>,
    },
    CurrentPhysicalMediaType {
        #[serde(default)]
        is: Option<MediaTypeName>,
    },
    MediaPhysicallyBlank {
        #[serde(default)]
        is: Option<bool>,
    },
    MediaHeuristicallyBlank {
        #[serde(default)]
        is: Option<bool>,
    },
    /// IsCurrentMediaSupported(recorder).
    IsCurrentMediaSupported {
        #[serde(default)]
        is: Option<bool>,
    },
    /// SupportedWriteSpeeds in sectors per second, as the drive lists them.
    SupportedWriteSpeeds {
        #[serde(default)]
        is: Option<Vec<u32>>,
    },
    /// MultisessionInterfaces[0] (IMultisessionSequential2).IsSupportedOnCurrentMediaState.
    SequentialSupported {
        #[serde(default)]
        is: Option<bool>,
    },
    /// MultisessionInterfaces[1] (IMultisessionRandomWrite).IsSupportedOnCurrentMediaState.
    RandomWriteSupported {
        #[serde(default)]
        is: Option<bool>,
    },
}

/// The stream a write reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Stream {
    /// `count` blocks of 2048 bytes made as they are read (no memory for large counts). `Lba`
    /// stamps each block with the LBA it is written at (the write's StartLba + its index), so
    /// an `Mmc` READ with `Blocks(.., pattern: Lba)` reads it back.
    Blocks { count: u32, pattern: Pattern },
    /// That many zero bytes (not a multiple of 2048: E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED).
    Bytes(u64),
    /// A fixture file, resolved like medium paths (`media-images/fixtures/session1.iso`).
    File(String),
    /// `count` zero blocks from a stream that cannot seek.
    Unseekable(u32),
}

/// IMAPI_FORMAT2_DATA_MEDIA_STATE flags by their IMAPI names (`[APPENDABLE]`; `[]` is UNKNOWN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum StatusFlag {
    OVERWRITE_ONLY,
    BLANK,
    APPENDABLE,
    FINAL_SESSION,
    DAMAGED,
    ERASE_REQUIRED,
    NON_EMPTY_SESSION,
    WRITE_PROTECTED,
    FINALIZED,
    UNSUPPORTED_MEDIA,
}

/// IMAPI_MEDIA_PHYSICAL_TYPE by its IMAPI name (`DVDPLUSR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum MediaTypeName {
    UNKNOWN,
    CDROM,
    CDR,
    CDRW,
    DVDROM,
    DVDRAM,
    DVDPLUSR,
    DVDPLUSRW,
    DVDPLUSR_DUALLAYER,
    DVDDASHR,
    DVDDASHRW,
    DVDDASHR_DUALLAYER,
    DISK,
    DVDPLUSRW_DUALLAYER,
    HDDVDROM,
    HDDVDR,
    HDDVDRAM,
    BDROM,
    BDR,
    BDRE,
}

/// IMAPI_FORMAT2_DATA_WRITE_ACTION by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum WriteActionName {
    ValidatingMedia,
    FormattingMedia,
    InitializingHardware,
    CalibratingPower,
    WritingData,
    Finalization,
    Completed,
    Verifying,
}

/// One call of the scenario's eraser (`burn::Eraser`, IDiscFormat2Erase).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Eraser")]
pub struct EraserStep {
    pub op: EraserOp,
    #[serde(default)]
    pub expect: ApiExpect,
    /// A call made from inside the erase's progress callback (`Erase` only).
    #[serde(default)]
    pub during: Option<Box<ApiCall>>,
    /// Which progress event `during` runs at (1-based; default 1).
    #[serde(default)]
    pub at_event: Option<u32>,
    /// ElapsedSeconds of the erase's last progress event (simulated time).
    #[serde(default)]
    pub elapsed_s: Option<u64>,
}

/// Eraser members.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum EraserOp {
    ClientName(String),
    FullErase(bool),
    /// EraseMedia.
    Erase,
    /// put_Recorder with the scenario's recorder.
    SetRecorder,
    /// put_Recorder(NULL).
    ClearRecorder,
    /// put_Recorder with another recorder object on the same drive.
    SetOtherRecorder,
    CurrentPhysicalMediaType {
        #[serde(default)]
        is: Option<MediaTypeName>,
    },
}

/// A call made from inside a progress callback.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ApiCall {
    Recorder(RecorderStep),
    Writer(WriterStep),
    Eraser(EraserStep),
}

/// The data writer's media properties; only the fields given are compared, and each getter
/// asked must succeed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WriterAssert {
    /// CurrentMediaStatus: exactly these flags.
    #[serde(default)]
    pub current_media_status: Option<Vec<StatusFlag>>,
    #[serde(default)]
    pub next_writable_address: Option<i32>,
    #[serde(default)]
    pub start_address_of_previous_session: Option<i32>,
    #[serde(default)]
    pub last_written_address_of_previous_session: Option<i32>,
    #[serde(default)]
    pub free_sectors_on_media: Option<i32>,
    #[serde(default)]
    pub total_sectors_on_media: Option<i32>,
    #[serde(default)]
    pub current_physical_media_type: Option<MediaTypeName>,
    #[serde(default)]
    pub media_physically_blank: Option<bool>,
    #[serde(default)]
    pub media_heuristically_blank: Option<bool>,
    /// The sequential multisession object's IsSupportedOnCurrentMediaState.
    #[serde(default)]
    pub sequential_supported: Option<bool>,
    /// The random-write multisession object's IsSupportedOnCurrentMediaState.
    #[serde(default)]
    pub random_write_supported: Option<bool>,
}

/// `burn::choose_multisession` — the decision of IFileSystemImage::put_MultisessionInterfaces
/// (docs/multisession.md) — on a list made from the data writer's multisession objects.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "ChooseMultisession")]
pub struct ChooseMultisessionStep {
    #[serde(default)]
    pub list: MultisessionList,
    /// InUse of the elements before the call: exactly these indices are marked, the others
    /// cleared (left out: as they are; the writer's objects keep their marks between steps).
    #[serde(default)]
    pub in_use: Option<Vec<usize>>,
    /// The emulated Windows of the image builder (`FsiMultisessionPolicy`).
    #[serde(default)]
    pub windows: WindowsVersion,
    #[serde(default)]
    pub expect: ApiExpect,
    /// The index accepted (with `expect: Ok`).
    #[serde(default)]
    pub chosen: Option<usize>,
}

/// The list handed to the decision.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum MultisessionList {
    /// The writer's MultisessionInterfaces: `[Sequential, RandomWrite]`.
    #[default]
    Writer,
    /// No list at all (a NULL SAFEARRAY).
    Null,
    /// These elements, in order.
    Elements(Vec<MultisessionElement>),
}

/// One element of a [`MultisessionList`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum MultisessionElement {
    /// The writer's IMultisessionSequential2 object.
    Sequential,
    /// The writer's IMultisessionRandomWrite object.
    RandomWrite,
    /// An IMultisession-derived object of a scheme the image builder does not implement, over
    /// the scenario's recorder, saying it is (or is not) supported on the media.
    Foreign { supported: bool },
    /// A sequential object over a second emulated drive (same model, no medium).
    OtherDrive,
}

/// One call of the scenario's image builder (`fsi::FileSystemImage`, IFileSystemImage). One
/// image per scenario, made at its first `Image` step (or again by `New`); it takes its
/// multisession objects from the scenario's data writer and writes through it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Image")]
pub struct ImageStep {
    pub op: ImageOp,
    #[serde(default)]
    pub expect: ApiExpect,
    /// The progress phases of `WriteSession`, as for `Writer(op: Write(..))`.
    #[serde(default)]
    pub phases: Option<Vec<WriteActionName>>,
    /// The StartLba of `WriteSession`'s progress events: where the session went.
    #[serde(default)]
    pub start_lba: Option<i64>,
}

/// A file system of FsiFileSystems by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::upper_case_acronyms)]
pub enum FsName {
    ISO9660,
    Joliet,
    UDF,
}

/// Image builder members. Setters take their value; getters their expected value as `is`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ImageOp {
    /// A new MsftFileSystemImage replaces the scenario's image.
    New,
    /// put_FileSystemsToCreate (`[]`: none).
    FileSystems(Vec<FsName>),
    /// put_VolumeName.
    VolumeName(String),
    /// put_ISO9660InterchangeLevel.
    Iso9660Level(u32),
    /// put_UDFRevision (`0x102`).
    UdfRevision(u32),
    /// put_FreeMediaBlocks (0: no limit).
    FreeMediaBlocks(u32),
    /// The emulated Windows of put_MultisessionInterfaces (`FsiMultisessionPolicy`).
    Windows(WindowsVersion),
    /// Root.AddDirectory.
    AddDirectory(String),
    /// Root.AddFile of `bytes` bytes (each 0x42) at `path`.
    AddFile { path: String, bytes: u64 },
    /// Root.Remove: a file or an empty directory.
    Remove(String),
    /// Root.RemoveTree.
    RemoveTree(String),
    /// Root.Item: the item at the path (IMAPI_E_ITEM_NOT_FOUND when there is none).
    Item(String),
    /// put_MultisessionInterfaces — the seed method — with a list made as `ChooseMultisession`
    /// makes it (default: the writer's MultisessionInterfaces; `Null`: no list), `in_use` marking
    /// exactly these elements first.
    MultisessionInterfaces {
        #[serde(default)]
        list: MultisessionList,
        #[serde(default)]
        in_use: Option<Vec<usize>>,
    },
    /// IdentifyFileSystemsOnDisc: the file systems of the previous session.
    IdentifyFileSystems {
        #[serde(default)]
        is: Option<Vec<FsName>>,
    },
    /// ImportFileSystem: the file system imported.
    ImportFileSystem {
        #[serde(default)]
        is: Option<FsName>,
    },
    /// ImportSpecificFileSystem.
    ImportSpecificFileSystem(FsName),
    /// ProbeSpecificFileSystem.
    ProbeSpecificFileSystem {
        fs: FsName,
        #[serde(default)]
        is: Option<bool>,
    },
    /// CalculateDiscIdentifier (any value).
    CalculateDiscIdentifier,
    /// CreateResultImage (the result is dropped at once).
    CreateResultImage,
    /// CreateResultImage and the writer's Write of it: the next session.
    WriteSession,
}

/// One item of the image's tree for `AssertTree`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum TreeEntry {
    /// A directory at this path.
    Dir(String),
    /// A file at `path` of `size` bytes.
    File { path: String, size: u64 },
}

/// The image's file tree: every item below the root, exactly (order free).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "AssertTree")]
pub struct TreeAssert {
    pub items: Vec<TreeEntry>,
    /// The imported volume name (get_ImportedVolumeName), when given.
    #[serde(default)]
    pub imported_volume_name: Option<String>,
}

impl MultisessionList {
    /// How many elements the list has (`None` for no list).
    pub fn element_count(&self) -> Option<usize> {
        match self {
            MultisessionList::Writer => Some(2),
            MultisessionList::Null => None,
            MultisessionList::Elements(elements) => Some(elements.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hresults_by_name_alias_and_value() {
        let name = HresultSpec::try_from("E_IMAPI_DF2DATA_MEDIA_NOT_BLANK".to_string()).unwrap();
        assert_eq!(name.0.0, 0xC0AA0405);
        assert_eq!(HresultSpec::try_from("0xc0aa0405".to_string()).unwrap(), name);
        assert_eq!(
            HresultSpec::try_from("E_ACCESS_DENIED".to_string()).unwrap().0,
            HResult::E_ACCESSDENIED
        );
    }

    #[test]
    fn unknown_hresults_are_refused_with_a_suggestion() {
        let error = HresultSpec::try_from("E_IMAPI_MEDIA_NOT_BLANK".to_string()).unwrap_err();
        assert!(error.contains("unknown HRESULT \"E_IMAPI_MEDIA_NOT_BLANK\""), "{error}");
        assert!(
            error.contains("did you mean E_IMAPI_DF2DATA_MEDIA_NOT_BLANK"),
            "{error}"
        );
        let error = HresultSpec::try_from("0x12345678".to_string()).unwrap_err();
        assert!(error.contains("not in the HRESULT table"), "{error}");
    }
}
