//! Finding scenario files and reading them: every mistake is reported with the file, line, column
//! and what was expected (ron's `SpannedError`), or, for a rule RON cannot check, the step.

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

/// Parse scenario text; `file` names it in errors.
pub fn parse(text: &str, file: &Path) -> Result<Scenario, LoadError> {
    let scenario: Scenario = ron_options()
        .from_str(text)
        .map_err(|e: ron::error::SpannedError| LoadError {
            file: file.to_path_buf(),
            line: Some(e.span.start.line),
            column: Some(e.span.start.col),
            message: e.code.to_string(),
        })?;
    check(&scenario).map_err(|message| LoadError {
        file: file.to_path_buf(),
        line: None,
        column: None,
        message,
    })?;
    Ok(scenario)
}

/// Read and parse one scenario file.
pub fn load(file: &Path) -> Result<Scenario, LoadError> {
    let text = std::fs::read_to_string(file).map_err(|e| LoadError {
        file: file.to_path_buf(),
        line: None,
        column: None,
        message: format!("cannot read: {e}"),
    })?;
    parse(&text, file)
}

/// Rules across fields that serde does not check: a known drive model, one address form in
/// READ TRACK INFORMATION.
fn check(scenario: &Scenario) -> Result<(), String> {
    if scenario.name.trim().is_empty() {
        return Err("`name` is empty".into());
    }
    if DriveModel::builtin(&scenario.drive).is_none() {
        return Err(format!(
            "unknown drive model {:?} (expected one of: {})",
            scenario.drive,
            DriveModel::builtin_ids().join(", ")
        ));
    }
    if scenario.steps.is_empty() {
        return Err("`steps` is empty: a scenario must do something".into());
    }
    for (i, step) in scenario.steps.iter().enumerate() {
        if let Step::Mmc(MmcStep {
            request: Request::Typed(Command::ReadTrackInformation { track, lba, session }),
            ..
        }) = step
        {
            let given = [track.is_some(), lba.is_some(), session.is_some()];
            if given.iter().filter(|g| **g).count() != 1 {
                return Err(format!(
                    "step {}: ReadTrackInformation needs exactly one of `track`, `lba` or `session`",
                    i + 1
                ));
            }
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
            return Err(format!("{}: no such file or folder", path.display()));
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(folder: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "fixtures") {
                walk(&path, files)?;
            }
        } else if path.extension().is_some_and(|e| e == "ron") {
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
        assert!(e.message.contains("step 1: ReadTrackInformation"), "{}", e.message);
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
}
