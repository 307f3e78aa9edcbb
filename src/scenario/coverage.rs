//! Which of the codes the code base knows the scenarios reach. A sense triple is *reached* when the
//! drive answered a command of a scenario with it (CHECK CONDITION, or REQUEST SENSE data), whoever
//! sent the command; an HRESULT when an API call of a scenario returned it (`S_OK`: a call
//! succeeded). Writing a code in an expectation is not enough.
//!
//! The known codes are every sense triple of `mmc::sense::SENSE_TABLE` and every HRESULT of
//! `hresult::HRESULT_TABLE`; the unreached ones that the code base cannot produce in a scenario
//! carry the reason ([`UNREACHABLE`], [`unreachable_hresult`]).

use super::runner::ScenarioResult;
use crate::hresult::{HRESULT_TABLE, HResult};
use crate::mmc::sense::SENSE_TABLE;
use serde::Serialize;
use std::path::Path;

/// What kind of code a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CodeKind {
    /// An MMC sense triple (`mmc::sense::SENSE_TABLE`).
    Sense,
    /// An HRESULT (`hresult::HRESULT_TABLE`).
    Hresult,
}

/// One code the code base knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownCode {
    pub kind: CodeKind,
    /// `5/21/02`, `0xC0AA0405`.
    pub code: String,
    /// `INVALID_ADDRESS_FOR_WRITE`.
    pub name: &'static str,
    pub description: &'static str,
}

/// Every code the code base knows, in table order: the sense triples, then the HRESULTs.
pub fn known_codes() -> Vec<KnownCode> {
    let senses = SENSE_TABLE.iter().map(|entry| KnownCode {
        kind: CodeKind::Sense,
        code: triple(entry.sense),
        name: entry.name,
        description: entry.description,
    });
    let hresults = HRESULT_TABLE.iter().map(|entry| KnownCode {
        kind: CodeKind::Hresult,
        code: hresult(entry.code),
        name: entry.name,
        description: entry.message,
    });
    senses.chain(hresults).collect()
}

fn triple(sense: crate::mmc::Sense) -> String {
    format!("{:X}/{:02X}/{:02X}", sense.key, sense.asc, sense.ascq)
}

fn hresult(code: HResult) -> String {
    format!("0x{:08X}", code.0)
}

/// Why a code no scenario reaches cannot be reached today (the drive never answers with it).
/// A code listed here that a scenario reaches after all is reported as reached.
pub const UNREACHABLE: &[(&str, &str)] = &[
    ("0/00/03", NOT_PRODUCED),
    ("1/0C/0A", NOT_PRODUCED),
    ("2/04/00", NOT_PRODUCED),
    ("2/04/02", NOT_PRODUCED),
    (
        "2/3A/00",
        "only a fallback behind the medium gate, which answers 2/3A/01 or 2/3A/02 first",
    ),
    ("2/53/00", NOT_PRODUCED),
    ("2/57/00", NOT_PRODUCED),
    ("3/0C/07", NOT_PRODUCED),
    ("3/0C/08", NOT_PRODUCED),
    (
        "3/11/00",
        "a media-image store that fails to read; scenario media are in memory or read-only and never fail",
    ),
    ("3/11/06", NOT_PRODUCED),
    ("3/31/00", NOT_PRODUCED),
    (
        "3/31/01",
        "a media-image store that fails during FORMAT UNIT; scenario media never fail",
    ),
    (
        "3/32/00",
        "a BD-R SRM+POW whose spare clusters are all used by pseudo-overwrites (4096 and more replaced clusters, \
         256 MiB of scenario data; the disc rule's unit test reaches it)",
    ),
    ("3/51/00", NOT_PRODUCED),
    ("3/51/01", NOT_PRODUCED),
    ("3/72/01", NOT_PRODUCED),
    ("3/72/02", NOT_PRODUCED),
    ("3/73/00", NOT_PRODUCED),
    ("3/73/02", NOT_PRODUCED),
    ("3/73/04", NOT_PRODUCED),
    ("3/73/05", NOT_PRODUCED),
    ("3/73/06", NOT_PRODUCED),
    ("5/21/03", NOT_PRODUCED),
    ("5/26/01", NOT_PRODUCED),
    ("5/26/02", NOT_PRODUCED),
    ("5/27/00", NOT_PRODUCED),
    ("5/2C/03", NOT_PRODUCED),
    ("5/30/00", NOT_PRODUCED),
    ("5/30/04", NOT_PRODUCED),
    ("5/30/08", NOT_PRODUCED),
    ("5/30/09", NOT_PRODUCED),
    ("5/63/01", NOT_PRODUCED),
    ("5/64/01", NOT_PRODUCED),
    ("6/2E/00", NOT_PRODUCED),
    ("6/5A/01", NOT_PRODUCED),
    ("7/27/00", NOT_PRODUCED),
];

/// The reason of the triples the table names so that real drives' answers decode and map to
/// HRESULTs (mmc.md §3), and that no code path of the emulator (nor a fault effect) answers with.
pub const NOT_PRODUCED: &str = "the emulator never answers with it (named for real drives, mmc.md §3)";

/// The reason of the HRESULTs of the image builder (`src/fsi`) that no `Image(..)` step reaches:
/// the members that return them have no op in the scenario format yet.
pub const FSI_NOT_DRIVEN: &str = "an image-builder code (src/fsi) of a member the `Image(..)` ops do not call yet \
     (boot images, AddTree and host files, staging, item times, detached items, result streams) or of a \
     previous session no scenario medium holds";

/// Why an HRESULT no scenario reaches cannot be reached: the part of IMAPI2 it belongs to is not
/// implemented, or no code path returns it to a scenario. Codes named here that a scenario
/// reaches after all are reported as reached.
pub fn unreachable_hresult(name: &str) -> Option<&'static str> {
    const BY_NAME: &[(&str, &str)] = &[
        (
            "S_IMAPI_SPEEDADJUSTED",
            "SetWriteSpeed answers S_OK; burn does not report an adjusted speed",
        ),
        (
            "S_IMAPI_ROTATIONADJUSTED",
            "SetWriteSpeed answers S_OK; burn does not report an adjusted rotation type",
        ),
        (
            "S_IMAPI_BOTHADJUSTED",
            "SetWriteSpeed answers S_OK; burn does not report adjusted settings",
        ),
        (
            "E_IMAPI_BURN_VERIFICATION_FAILED",
            "burn has no burn verification (IBurnVerification)",
        ),
        (
            "S_IMAPI_COMMAND_HAS_SENSE_DATA",
            "the recorder takes recovered errors (key 1) as success and returns S_OK (docs/errors.md)",
        ),
        (
            "E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE",
            "the recorder asks MODE SENSE only for page 3Fh, which every drive model answers",
        ),
        (
            "E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN",
            "maps 2/57/00, which the emulator never answers (no fault effect gives it)",
        ),
        (
            "E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS",
            "maps 5/26/xx to MODE SELECT; the writer builds its pages itself (no reply a lying drive could change) and every drive model takes them, and no fault effect gives 5/26",
        ),
        (
            "E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED",
            "maps 7/27/xx and 5/27/xx, which the emulator never answers",
        ),
        (
            "E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT",
            "no member of burn returns it (GetFeaturePage does not check the Current bit)",
        ),
        (
            "E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED",
            "maps 5/20/xx to GET CONFIGURATION; every emulated drive implements it",
        ),
        (
            "E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT",
            "maps a refused READ DISC STRUCTURE, which burn never sends",
        ),
        (
            "E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH",
            "no sense triple means it (docs/errors.md [REC] coverage)",
        ),
        (
            "S_IMAPI_WRITE_NOT_IN_PROGRESS",
            "CancelWrite outside a write returns E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS (docs/errors.md)",
        ),
        (
            "E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL",
            "the eraser does not produce it: a short READ DISC INFORMATION reply is E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE",
        ),
        (
            "E_IMAPI_ERASE_MODE_PAGE_2A_TOO_SMALL",
            "the eraser does not read mode page 2Ah",
        ),
        (
            "E_NOTIMPL",
            "no member answers it (LastWrittenAddressOfPreviousSession answers -1 instead, docs/errors.md)",
        ),
        (
            "E_NOINTERFACE",
            "only the parameters of a foreign multisession object answer it, and the decision refuses foreign types before reading parameters",
        ),
        (
            "HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE",
            "the emulated transport never fails with an I/O error",
        ),
        (
            "HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST",
            "the emulated device never disappears",
        ),
        (
            "E_ACCESSDENIED",
            "no member of burn or of the image builder returns it (IMAPI2 documents it for the image builder)",
        ),
        (
            "E_OUTOFMEMORY",
            "no member of burn or of the image builder returns it (IMAPI2 documents it for the image builder)",
        ),
    ];
    const BY_PREFIX: &[(&str, &str)] = &[
        (
            "E_IMAPI_DF2TAO_",
            "burn has no track-at-once audio format (IDiscFormat2TrackAtOnce)",
        ),
        ("E_IMAPI_DF2RAW_", "burn has no raw CD format (IDiscFormat2RawCD)"),
        (
            "E_IMAPI_RAW_IMAGE_",
            "burn has no raw CD image creator (IRawCDImageCreator)",
        ),
        (
            "S_IMAPI_RAW_IMAGE_",
            "burn has no raw CD image creator (IRawCDImageCreator)",
        ),
        (
            "IMAPI_E_IMAGEMANAGER_",
            "no ISO image manager (IIsoImageManager) is implemented",
        ),
        ("IMAPI_E_", FSI_NOT_DRIVEN),
        ("IMAPI_S_", FSI_NOT_DRIVEN),
    ];
    BY_NAME
        .iter()
        .find(|(known, _)| *known == name)
        .or_else(|| BY_PREFIX.iter().find(|(prefix, _)| name.starts_with(prefix)))
        .map(|(_, why)| *why)
}

/// One known code and the scenarios that reach it.
#[derive(Debug, Clone, Serialize)]
pub struct CodeCoverage {
    pub code: KnownCode,
    /// Short scenario names (`mmc/gating/power-on`), sorted.
    pub scenarios: Vec<String>,
    /// Why no scenario reaches it, when none does and the reason is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<&'static str>,
}

/// Coverage of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub codes: Vec<CodeCoverage>,
    /// Codes reached that the tables do not name (a gap in `SENSE_TABLE` or `HRESULT_TABLE`).
    pub unnamed: Vec<(String, Vec<String>)>,
}

impl Coverage {
    pub fn of(results: &[ScenarioResult]) -> Coverage {
        let mut codes: Vec<CodeCoverage> = known_codes()
            .into_iter()
            .map(|code| CodeCoverage {
                code,
                scenarios: Vec::new(),
                unreachable: None,
            })
            .collect();
        let mut unnamed: Vec<(String, Vec<String>)> = Vec::new();
        for result in results {
            let name = short_name(&result.file);
            let senses = result.reached.iter().map(|s| (CodeKind::Sense, triple(*s)));
            let hresults = result.reached_hresults.iter().map(|h| (CodeKind::Hresult, hresult(*h)));
            for (kind, code) in senses.chain(hresults) {
                match codes.iter_mut().find(|c| c.code.kind == kind && c.code.code == code) {
                    Some(row) => row.scenarios.push(name.clone()),
                    None => match unnamed.iter_mut().find(|(c, _)| *c == code) {
                        Some((_, names)) => names.push(name.clone()),
                        None => unnamed.push((code, vec![name.clone()])),
                    },
                }
            }
        }
        for row in &mut codes {
            row.scenarios.sort();
            row.scenarios.dedup();
            if row.scenarios.is_empty() {
                row.unreachable = match row.code.kind {
                    CodeKind::Sense => UNREACHABLE
                        .iter()
                        .find(|(code, _)| *code == row.code.code)
                        .map(|(_, why)| *why),
                    CodeKind::Hresult => unreachable_hresult(row.code.name),
                };
            }
        }
        unnamed.sort();
        Coverage { codes, unnamed }
    }

    fn rows(&self, kind: CodeKind) -> impl Iterator<Item = &CodeCoverage> {
        self.codes.iter().filter(move |c| c.code.kind == kind)
    }

    /// How many codes of a kind are known, reached, and unreached with a reason.
    pub fn counts(&self, kind: CodeKind) -> (usize, usize, usize) {
        let known = self.rows(kind).count();
        let reached = self.rows(kind).filter(|c| !c.scenarios.is_empty()).count();
        let explained = self.rows(kind).filter(|c| c.unreachable.is_some()).count();
        (known, reached, explained)
    }

    /// Codes of both kinds reached.
    pub fn reached(&self) -> usize {
        self.codes.iter().filter(|c| !c.scenarios.is_empty()).count()
    }

    /// Unreached codes without a written reason: the ones a scenario should reach.
    pub fn unexplained(&self) -> Vec<&CodeCoverage> {
        self.codes
            .iter()
            .filter(|c| c.scenarios.is_empty() && c.unreachable.is_none())
            .collect()
    }

    /// `39 of 76 sense triples reached, 37 unreached (37 with a reason)`.
    fn summary(&self, kind: CodeKind) -> String {
        let (known, reached, explained) = self.counts(kind);
        let what = match kind {
            CodeKind::Sense => "sense triples",
            CodeKind::Hresult => "HRESULTs",
        };
        format!(
            "{reached} of {known} {what} reached; {} unreached, {explained} of them with a reason",
            known - reached
        )
    }

    /// The terminal form: a summary line per kind, then one line per code.
    pub fn render_text(&self) -> String {
        let mut out = format!(
            "coverage: {}\ncoverage: {}\n",
            self.summary(CodeKind::Sense),
            self.summary(CodeKind::Hresult)
        );
        for row in &self.codes {
            let what = if row.scenarios.is_empty() {
                match row.unreachable {
                    Some(why) => format!("unreached ({why})"),
                    None => "UNREACHED".to_string(),
                }
            } else {
                format!("{:>3}  {}", row.scenarios.len(), row.scenarios.join(", "))
            };
            out += &format!("  {:<10} {:<54} {what}\n", row.code.code, row.code.name);
        }
        for (code, names) in &self.unnamed {
            out += &format!(
                "  {code:<10} {:<54} {:>3}  {}\n",
                "(not in the tables)",
                names.len(),
                names.join(", ")
            );
        }
        out
    }

    /// The Markdown docs/scenarios.md carries between the coverage markers: a summary, the sense
    /// table and the HRESULT table.
    pub fn render_markdown(&self) -> String {
        let mut out = format!(
            "{}.\n\n{}.\n",
            self.summary(CodeKind::Sense),
            self.summary(CodeKind::Hresult)
        );
        for (kind, title) in [(CodeKind::Sense, "Sense triples"), (CodeKind::Hresult, "HRESULTs")] {
            out += &format!(
                "\n**{title}**\n\n| code | name | scenarios | reached by (first three) |\n|---|---|---|---|\n"
            );
            for row in self.rows(kind) {
                let by = if row.scenarios.is_empty() {
                    match row.unreachable {
                        Some(why) => format!("unreached: {why}"),
                        None => "**unreached**".to_string(),
                    }
                } else {
                    row.scenarios
                        .iter()
                        .take(3)
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                out += &format!(
                    "| {} | `{}` | {} | {by} |\n",
                    row.code.code,
                    row.code.name,
                    row.scenarios.len()
                );
            }
        }
        if !self.unnamed.is_empty() {
            out += "\n**Reached but not in the tables**\n\n| code | scenarios |\n|---|---|\n";
            for (code, names) in &self.unnamed {
                out += &format!("| {code} | {} |\n", names.len());
            }
        }
        out
    }
}

/// `scenarios/mmc/gating/power-on.ron` → `mmc/gating/power-on`: the part after the last folder
/// named `scenarios`, without `.ron`.
pub fn short_name(file: &Path) -> String {
    let parts: Vec<String> = file
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let start = parts.iter().rposition(|p| p == "scenarios").map_or(0, |i| i + 1);
    parts[start..].join("/")
}

/// Where the generated table starts and ends in docs/scenarios.md.
pub const DOC_BEGIN: &str =
    "<!-- coverage:begin (generated by `burnbench run --coverage --update-doc docs/scenarios.md`) -->";
pub const DOC_END: &str = "<!-- coverage:end -->";

/// `doc` with the text between the coverage markers replaced by `table`.
pub fn update_doc(doc: &str, table: &str) -> Result<String, String> {
    let begin = doc
        .find(DOC_BEGIN)
        .ok_or_else(|| format!("the document has no line `{DOC_BEGIN}`"))?;
    let end = doc
        .find(DOC_END)
        .filter(|end| *end > begin)
        .ok_or_else(|| format!("the document has no line `{DOC_END}` after the begin marker"))?;
    Ok(format!("{}{DOC_BEGIN}\n{table}{}", &doc[..begin], &doc[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_drop_the_scenarios_folder_and_extension() {
        assert_eq!(
            short_name(Path::new("scenarios/mmc/gating/power-on.ron")),
            "mmc/gating/power-on"
        );
        assert_eq!(short_name(Path::new("/x/scenarios/a.ron")), "a");
        assert_eq!(short_name(Path::new("other/a.ron")), "other/a");
    }

    #[test]
    fn the_doc_section_is_replaced_between_the_markers() {
        let doc = format!("# T\n\n{DOC_BEGIN}\nold\n{DOC_END}\nafter\n");
        let updated = update_doc(&doc, "new\n").unwrap();
        assert_eq!(updated, format!("# T\n\n{DOC_BEGIN}\nnew\n{DOC_END}\nafter\n"));
        assert!(update_doc("# no markers", "x").is_err());
    }

    #[test]
    fn every_reason_names_a_known_code() {
        let known = known_codes();
        for (code, _) in UNREACHABLE {
            assert!(
                known.iter().any(|k| k.kind == CodeKind::Sense && k.code == *code),
                "{code} is not in SENSE_TABLE"
            );
        }
    }

    #[test]
    fn every_hresult_is_known_and_the_groups_have_reasons() {
        let hresults = known_codes()
            .into_iter()
            .filter(|k| k.kind == CodeKind::Hresult)
            .count();
        assert_eq!(hresults, HRESULT_TABLE.len());
        assert!(
            unreachable_hresult("E_IMAPI_DF2TAO_INVALID_ISRC")
                .unwrap()
                .contains("track-at-once")
        );
        assert_eq!(unreachable_hresult("IMAPI_E_DUP_NAME"), Some(FSI_NOT_DRIVEN));
        assert_eq!(unreachable_hresult("E_IMAPI_DF2DATA_MEDIA_NOT_BLANK"), None);
    }

    #[test]
    fn hresults_reached_count_for_their_row() {
        let result = ScenarioResult {
            file: "scenarios/imapi/x.ron".into(),
            name: "x".into(),
            tags: vec![],
            verdict: super::super::runner::Verdict::Passed,
            duration: std::time::Duration::ZERO,
            reached: Default::default(),
            reached_hresults: [HResult::E_IMAPI_DF2DATA_MEDIA_NOT_BLANK].into_iter().collect(),
            notes: vec![],
        };
        let coverage = Coverage::of(&[result]);
        let row = coverage.codes.iter().find(|c| c.code.code == "0xC0AA0405").unwrap();
        assert_eq!(row.scenarios, ["imapi/x"]);
        assert_eq!(coverage.counts(CodeKind::Hresult).1, 1);
        assert!(
            coverage
                .render_markdown()
                .contains("| 0xC0AA0405 | `E_IMAPI_DF2DATA_MEDIA_NOT_BLANK` | 1 | `imapi/x` |")
        );
    }
}
