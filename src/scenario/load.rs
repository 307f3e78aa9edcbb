//! Finding scenario files and reading them: every mistake is reported with the file, line, column
//! and what was expected (ron's `SpannedError`), or, for a rule RON cannot check, the step.

use super::api::value::{recorder_getter, writer_assertions, writer_getter};
use super::api_schema::{
    ApiCall, ApiExpect, ChooseMultisessionStep, EraserOp, EraserStep, ImageOp, ImageStep, RecorderStep, WriterOp,
    WriterStep,
};
use super::place::{Place, line_column, locate};
use super::schema::{Command, MmcStep, Request, Scenario, Step};
use crate::drive::DriveModel;
use ron::extensions::Extensions;
use std::fmt;
use std::path::{Path, PathBuf};

/// A scenario file that could not be read or understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: PathBuf,
    /// 1-based line and column, when the error has a place in the file.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for LoadError {}

/// The RON options of scenario files: `implicit_some` (optional fields written bare) and
/// `unwrap_variant_newtypes` (`Mmc(cdb: …)` rather than `Mmc((cdb: …))`).
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// Parse scenario text; `file` names it in errors. A leading byte-order mark is skipped (editors
/// on Windows write one; it is not RON).
pub fn parse(text: &str, file: &Path) -> Result<Scenario, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let scenario: Scenario = ron_options()
        .from_str(text)
        .map_err(|e: ron::error::SpannedError| LoadError {
            file: file.to_path_buf(),
            line: Some(e.span.start.line),
            column: Some(e.span.start.col),
            message: e.code.to_string(),
        })?;
    check(&scenario).map_err(|(place, message)| error_at(text, file, place, message))?;
    Ok(scenario)
}

/// A load error at `place` in the scenario `text` (without a place when it is not written there,
/// e.g. a field left at its default).
pub fn error_at(text: &str, file: &Path, place: Place, message: String) -> LoadError {
    let at = locate(text, place);
    LoadError {
        file: file.to_path_buf(),
        line: at.map(|(line, _)| line),
        column: at.map(|(_, column)| column),
        message,
    }
}

/// Read and parse one scenario file. Text that is not UTF-8 is refused at the line and column
/// of its first bad byte.
pub fn load(file: &Path) -> Result<Scenario, LoadError> {
    let error = |line, column, message| LoadError {
        file: file.to_path_buf(),
        line,
        column,
        message,
    };
    if !std::fs::metadata(file).is_ok_and(|m| m.is_file()) {
        return Err(error(None, None, not_a_file(file)));
    }
    let bytes = std::fs::read(file).map_err(|e| error(None, None, format!("cannot read: {e}")))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid up to here");
        let (line, column) = line_column(good, good.len());
        let byte = bytes[e.valid_up_to()];
        error(
            Some(line),
            Some(column),
            format!("byte {byte:#04x} is not UTF-8: scenario files are UTF-8 text"),
        )
    })?;
    parse(text, file)
}

/// Why `path` cannot be a scenario file: it does not exist, or it is not a regular file (a folder,
/// a FIFO or a device, which reading could block on).
fn not_a_file(path: &Path) -> String {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        Err(e) => format!("cannot read: {e}"),
        Ok(m) if m.is_dir() => "is a folder, not a scenario file".to_string(),
        Ok(_) => "is not a regular file (a FIFO, socket or device?): give a .ron file or a folder".to_string(),
    }
}

/// Rules across fields that serde does not check: a known drive model (and what it writes), one
/// address form in READ TRACK INFORMATION, the fields of API steps that fit their op.
fn check(scenario: &Scenario) -> Result<(), (Place, String)> {
    if scenario.name.trim().is_empty() {
        return Err((Place::Field("name"), "`name` is empty".into()));
    }
    if DriveModel::builtin(&scenario.drive).is_none() {
        let message = format!(
            "unknown drive model {:?} (expected one of: {})",
            scenario.drive,
            DriveModel::builtin_ids().join(", ")
        );
        return Err((Place::Field("drive"), message));
    }
    super::runner::drive_model(scenario).map_err(|why| (Place::Field("drive"), why))?;
    if scenario.steps.is_empty() {
        return Err((
            Place::Field("steps"),
            "`steps` is empty: a scenario must do something".into(),
        ));
    }
    for (i, step) in scenario.steps.iter().enumerate() {
        check_step(step).map_err(|why| (Place::Step(i), format!("step {}: {why}", i + 1)))?;
    }
    Ok(())
}

fn check_step(step: &Step) -> Result<(), String> {
    match step {
        Step::Mmc(MmcStep {
            request: Request::Typed(Command::ReadTrackInformation { track, lba, session }),
            ..
        }) => {
            let given = [track.is_some(), lba.is_some(), session.is_some()];
            if given.iter().filter(|g| **g).count() != 1 {
                return Err("ReadTrackInformation needs exactly one of `track`, `lba` or `session`".into());
            }
            Ok(())
        }
        Step::Recorder(call) => check_recorder(call),
        Step::Writer(call) => check_writer(call),
        Step::Eraser(call) => check_eraser(call),
        Step::AssertWriter(assert) if writer_assertions(assert).is_empty() => {
            Err("AssertWriter names no property to compare".into())
        }
        Step::ChooseMultisession(choice) => check_choice(choice),
        Step::Image(call) => check_image(call),
        _ => Ok(()),
    }
}

/// A getter's `is` is compared only when the call succeeds.
fn check_value(has_value: bool, expect: ApiExpect) -> Result<(), String> {
    if has_value && expect != ApiExpect::Ok {
        return Err(
            "a value (`is`) is compared only when the call succeeds: leave it out with `expect: Err(..)`".into(),
        );
    }
    Ok(())
}

fn check_call(call: &ApiCall) -> Result<(), String> {
    match call {
        ApiCall::Recorder(call) => check_recorder(call),
        ApiCall::Writer(call) => check_writer(call),
        ApiCall::Eraser(call) => check_eraser(call),
    }
}

fn check_recorder(call: &RecorderStep) -> Result<(), String> {
    check_value(
        recorder_getter(&call.op).is_some_and(|(_, value)| value.is_some()),
        call.expect,
    )
}

/// `during` and `at_event` belong to a call with progress events.
fn check_during(during: Option<&ApiCall>, at_event: Option<u32>, has_events: bool, op: &str) -> Result<(), String> {
    if !has_events && (during.is_some() || at_event.is_some()) {
        return Err(format!(
            "`during` and `at_event` need a call with progress events ({op})"
        ));
    }
    if at_event == Some(0) {
        return Err("`at_event` counts progress events from 1".into());
    }
    if at_event.is_some() && during.is_none() {
        return Err("`at_event` says when `during` runs: give `during` too".into());
    }
    during.map_or(Ok(()), |call| check_call(call).map_err(|why| format!("during: {why}")))
}

fn check_writer(call: &WriterStep) -> Result<(), String> {
    check_value(
        writer_getter(&call.op).is_some_and(|(_, value)| value.is_some()),
        call.expect,
    )?;
    let writes = matches!(call.op, WriterOp::Write(_) | WriterOp::WriteRanges { .. });
    if !writes && (call.phases.is_some() || call.start_lba.is_some()) {
        return Err("`phases` and `start_lba` check a write: they need `Write` or `WriteRanges`".into());
    }
    check_during(call.during.as_deref(), call.at_event, writes, "Write or WriteRanges")
}

fn check_eraser(call: &EraserStep) -> Result<(), String> {
    let erases = matches!(call.op, EraserOp::Erase);
    if let EraserOp::CurrentPhysicalMediaType { is } = &call.op {
        check_value(is.is_some(), call.expect)?;
    }
    if !erases && call.elapsed_s.is_some() {
        return Err("`elapsed_s` checks an erase: it needs `Erase`".into());
    }
    check_during(call.during.as_deref(), call.at_event, erases, "Erase")
}

fn check_image(call: &ImageStep) -> Result<(), String> {
    let has_value = match &call.op {
        ImageOp::IdentifyFileSystems { is } => is.is_some(),
        ImageOp::ImportFileSystem { is } => is.is_some(),
        ImageOp::ProbeSpecificFileSystem { is, .. } => is.is_some(),
        _ => false,
    };
    check_value(has_value, call.expect)?;
    if let ImageOp::MultisessionInterfaces {
        list,
        in_use: Some(marked),
    } = &call.op
    {
        match list.element_count() {
            None => return Err("`in_use` marks elements of a list: `list: Null` has none".into()),
            Some(n) if marked.iter().any(|i| *i >= n) => {
                return Err(format!("`in_use` names an element beyond the list of {n}"));
            }
            _ => {}
        }
    }
    if !matches!(call.op, ImageOp::WriteSession) && (call.phases.is_some() || call.start_lba.is_some()) {
        return Err("`phases` and `start_lba` check a write: they need `WriteSession`".into());
    }
    Ok(())
}

fn check_choice(choice: &ChooseMultisessionStep) -> Result<(), String> {
    let length = choice.list.element_count();
    if let Some(marked) = &choice.in_use {
        match length {
            None => return Err("`in_use` marks elements of a list: `list: Null` has none".into()),
            Some(n) if marked.iter().any(|i| *i >= n) => {
                return Err(format!("`in_use` names an element beyond the list of {n}"));
            }
            _ => {}
        }
    }
    if let Some(chosen) = choice.chosen {
        if choice.expect != ApiExpect::Ok {
            return Err("`chosen` is the accepted element: it needs `expect: Ok`".into());
        }
        if length.is_none_or(|n| chosen >= n) {
            return Err(format!("`chosen: {chosen}` is not an element of the list"));
        }
    }
    Ok(())
}

/// The scenario files under `paths` (files as given, folders searched recursively for `*.ron`,
/// skipping folders named `fixtures`), sorted and without duplicates.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files).map_err(|e| format!("{}: {e}", path.display()))?;
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(format!("{}: {}", path.display(), not_a_file(path)));
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Folders are searched without following links to folders (two links to a parent would make
/// the walk endless); linked files are read.
fn walk(folder: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            if path.file_name().is_some_and(|n| n != "fixtures") {
                walk(&path, files)?;
            }
        } else if path.extension().is_some_and(|e| e == "ron") && path.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

/// A path written in a scenario: relative paths are looked up from the scenario file's folder
/// upwards, so `media-images/x.bbm` works anywhere below the repository root.
pub fn resolve(scenario_file: &Path, written: &str) -> Result<PathBuf, String> {
    let path = Path::new(written);
    if path.is_absolute() {
        return if path.exists() {
            Ok(path.to_path_buf())
        } else {
            Err(format!("{written}: no such file or folder"))
        };
    }
    let start = scenario_file.parent().unwrap_or(Path::new("."));
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let absolute = start.canonicalize().map_err(|e| format!("{}: {e}", start.display()))?;
    absolute
        .ancestors()
        .map(|folder| folder.join(path))
        .find(|candidate| candidate.exists())
        .ok_or_else(|| format!("{written}: not found in {} or any folder above it", start.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> LoadError {
        parse(text, Path::new("x.ron")).expect_err("must not load")
    }

    const HEAD: &str = "#![enable(implicit_some)]\nScenario(\n    name: \"n\",\n";

    #[test]
    fn a_minimal_scenario_loads() {
        let scenario = parse(
            &format!("{HEAD}    medium: Blank(\"cd-r\"),\n    steps: [Mmc(cdb: \"00 00 00 00 00 00\")],\n)"),
            Path::new("x.ron"),
        )
        .unwrap();
        assert_eq!(scenario.drive, "bd-writer");
        assert!(scenario.settle);
    }

    #[test]
    fn an_unknown_field_is_refused_with_its_place() {
        let e = error_of(&format!("{HEAD}    medum: Blank(\"cd-r\"),\n    steps: [],\n)"));
        assert_eq!((e.line, e.column), (Some(4), Some(5)));
        assert!(e.message.contains("Unexpected field named `medum`"), "{}", e.message);
        assert!(e.message.contains("`medium`"), "says what was expected: {}", e.message);
        assert!(e.to_string().starts_with("x.ron:4:5: "), "{e}");
    }

    #[test]
    fn an_unknown_field_inside_an_expectation_is_refused() {
        let e = error_of(&format!(
            "{HEAD}    steps: [\n        Mmc(cdb: \"00 00 00 00 00 00\", expect: Check(sense: \"5/21/02\", deferd: true)),\n    ],\n)"
        ));
        assert_eq!(e.line, Some(5));
        assert!(
            e.message.contains("Unexpected field named `deferd` in `Check`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_unknown_variant_lists_the_known_ones() {
        let e = error_of(&format!("{HEAD}    steps: [Advnce(ms: 1)],\n)"));
        assert_eq!((e.line, e.column), (Some(4), Some(13)));
        assert!(e.message.contains("`Advance`"), "{}", e.message);
    }

    #[test]
    fn a_bad_profile_names_the_known_ones() {
        let e = error_of(&format!("{HEAD}    medium: Blank(\"cd-rq\"),\n    steps: [Load],\n)"));
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("unknown profile \"cd-rq\""), "{}", e.message);
        assert!(e.message.contains("dvd+rw"), "{}", e.message);
    }

    #[test]
    fn a_bad_sense_and_bad_hex_are_refused() {
        let e = error_of(&format!(
            "{HEAD}    steps: [Mmc(cdb: \"00 00 00 00 00 00\", expect: Check(sense: \"INVALID_ADRESS\"))],\n)"
        ));
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("expected a sense triple"), "{}", e.message);
        let e = error_of(&format!("{HEAD}    steps: [Mmc(cdb: \"00 0g 00 00 00 00\")],\n)"));
        assert!(e.message.contains("\"0g\""), "{}", e.message);
        let e = error_of(&format!("{HEAD}    steps: [Mmc(cdb: \"00\")],\n)"));
        assert!(e.message.contains("6 to 16 bytes"), "{}", e.message);
    }

    #[test]
    fn a_wrong_type_says_what_was_expected() {
        let e = error_of(&format!("{HEAD}    steps: [Advance(ms: \"ten\")],\n)"));
        assert_eq!((e.line, e.column), (Some(4), Some(24)));
        assert!(e.message.contains("Expected integer"), "{}", e.message);
    }

    #[test]
    fn cdb_and_command_are_exclusive() {
        let e = error_of(&format!(
            "{HEAD}    steps: [Mmc(cdb: \"00 00 00 00 00 00\", command: Tur)],\n)"
        ));
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("exactly one of `cdb`"), "{}", e.message);
    }

    #[test]
    fn an_unknown_drive_and_an_ambiguous_track_address_are_refused() {
        let e = error_of(&format!("{HEAD}    drive: \"bd-burner\",\n    steps: [Load],\n)"));
        assert!(e.message.contains("unknown drive model \"bd-burner\""), "{}", e.message);
        assert!(e.message.contains("cd-rw"), "{}", e.message);
        let e = error_of(&format!(
            "{HEAD}    steps: [Mmc(command: ReadTrackInformation(track: 1, lba: 0))],\n)"
        ));
        assert!(
            e.message.contains("step 1: ReadTrackInformation needs exactly one"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_fault_plan_mistake_is_refused_in_place() {
        let e = error_of(&format!(
            "{HEAD}    faults: FaultPlan(faults: [Fault(trigger: AtLba(lab: 3), effect: UnreadableSector)]),\n    steps: [Load],\n)"
        ));
        assert_eq!(e.line, Some(4));
        assert!(
            e.message.contains("Unexpected field named `lab` in `AtLba`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_unknown_hresult_is_refused_in_place() {
        let e = error_of(&format!(
            "{HEAD}    steps: [\n        Writer(op: CancelWrite, expect: Err(\"E_IMAPI_MEDIA_NOT_BLANK\")),\n    ],\n)"
        ));
        assert_eq!(e.line, Some(5));
        assert!(
            e.message.contains("unknown HRESULT \"E_IMAPI_MEDIA_NOT_BLANK\""),
            "{}",
            e.message
        );
        assert!(e.message.contains("E_IMAPI_DF2DATA_MEDIA_NOT_BLANK"), "{}", e.message);
        let e = error_of(&format!(
            "{HEAD}    steps: [Eraser(op: Erase, expect: Err(\"0x80AA09FF\"))],\n)"
        ));
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("not in the HRESULT table"), "{}", e.message);
    }

    #[test]
    fn an_unknown_api_op_lists_the_known_ones() {
        let e = error_of(&format!("{HEAD}    steps: [Writer(op: Wrte(Bytes(10)))],\n)"));
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("`Write`"), "{}", e.message);
        let e = error_of(&format!("{HEAD}    steps: [Recorder(op: VendorId(iss: \"x\"))],\n)"));
        assert!(e.message.contains("Unexpected field named `iss`"), "{}", e.message);
    }

    #[test]
    fn image_steps_load_and_their_fields_must_fit_their_op() {
        let scenario = parse(
            &format!(
                "{HEAD}    steps: [\n        Image(op: FileSystems([ISO9660, UDF])),\n        \
                 Image(op: MultisessionInterfaces(list: Null), expect: Err(\"E_POINTER\")),\n        \
                 Image(op: WriteSession, start_lba: 0),\n        \
                 AssertTree(items: [Dir(\"/d\"), File(path: \"/d/f\", size: 1)]),\n    ],\n)"
            ),
            Path::new("x.ron"),
        )
        .unwrap();
        assert_eq!(scenario.steps.len(), 4);
        let cases = [
            (
                "Image(op: ImportFileSystem(is: UDF), expect: Err(\"IMAPI_E_EMPTY_DISC\"))",
                "only when the call succeeds",
            ),
            ("Image(op: CreateResultImage, start_lba: 0)", "need `WriteSession`"),
            ("Image(op: MultisessionInterfaces(in_use: [2]))", "beyond the list of 2"),
            (
                "Image(op: MultisessionInterfaces(list: Null, in_use: [0]))",
                "`list: Null` has none",
            ),
            ("Image(op: FileSystems([NTFS]))", "NTFS"),
            ("AssertTree(items: [File(path: \"/f\")])", "size"),
        ];
        for (step, wanted) in cases {
            let e = error_of(&format!("{HEAD}    steps: [{step}],\n)"));
            assert!(e.message.contains(wanted), "{step}: {}", e.message);
        }
    }

    #[test]
    fn api_step_fields_must_fit_their_op() {
        let cases = [
            (
                "Writer(op: NextWritableAddress(is: 0), expect: Err(\"E_FAIL\"))",
                "a value (`is`) is compared only when the call succeeds",
            ),
            (
                "Writer(op: CancelWrite, during: Writer(op: CancelWrite))",
                "`during` and `at_event` need a call with progress events",
            ),
            (
                "Writer(op: Write(Bytes(2048)), at_event: 2)",
                "`at_event` says when `during` runs",
            ),
            (
                "Writer(op: Write(Bytes(2048)), during: Writer(op: VendorId()))",
                "Unexpected variant",
            ),
            (
                "Writer(op: ClientName(\"x\"), phases: [Completed])",
                "`phases` and `start_lba` check a write",
            ),
            (
                "Eraser(op: ClientName(\"x\"), elapsed_s: 1)",
                "`elapsed_s` checks an erase",
            ),
            ("ChooseMultisession(in_use: [2])", "beyond the list of 2"),
            ("ChooseMultisession(list: Null, in_use: [])", "`list: Null` has none"),
            (
                "ChooseMultisession(chosen: 0, expect: Err(\"E_POINTER\"))",
                "`chosen` is the accepted element",
            ),
            ("AssertWriter()", "AssertWriter names no property"),
        ];
        for (step, wanted) in cases {
            let e = error_of(&format!("{HEAD}    steps: [Settle, {step}],\n)"));
            assert!(e.message.contains(wanted), "{step}: {}", e.message);
            if e.line.is_none() {
                assert!(e.message.starts_with("step 2: "), "{step}: {}", e.message);
            }
        }
    }

    #[test]
    fn a_drive_can_only_write_what_it_reads() {
        let e = error_of(&format!(
            "{HEAD}    drive: \"cd-rw\",\n    drive_writes: [\"dvd-r\"],\n    steps: [Load],\n)"
        ));
        assert!(e.message.contains("does not read dvd-r"), "{}", e.message);
        parse(
            &format!("{HEAD}    drive_writes: [],\n    steps: [Load],\n)"),
            Path::new("x.ron"),
        )
        .expect("a reader");
    }

    #[test]
    fn rules_across_fields_are_refused_at_their_place() {
        let e = error_of("Scenario(\n    name: \"  \",\n    steps: [Load],\n)");
        assert_eq!((e.line, e.column), (Some(2), Some(5)), "{e}");
        let e = error_of(&format!(
            "{HEAD}    steps: [\n        Load,\n        Image(op: MultisessionInterfaces(in_use: [2])),\n    ],\n)"
        ));
        assert_eq!((e.line, e.column), (Some(6), Some(9)), "{e}");
        assert!(e.to_string().starts_with("x.ron:6:9: step 2: `in_use`"), "{e}");
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = format!("{}{HEAD}    steps: [Load],\n)", '\u{feff}');
        assert_eq!(parse(&text, Path::new("x.ron")).unwrap().steps.len(), 1);
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_at_its_first_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.ron");
        std::fs::write(&file, b"Scenario(\n    name: \"caf\xe9\",\n)").unwrap();
        let e = load(&file).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(15)), "{e}");
        assert!(e.message.contains("byte 0xe9 is not UTF-8"), "{e}");
    }

    #[test]
    fn a_fifo_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f.ron");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        for message in [
            discover(std::slice::from_ref(&fifo)).unwrap_err(),
            load(&fifo).unwrap_err().to_string(),
        ] {
            assert!(message.contains("is not a regular file"), "{message}");
        }
    }
}
