//! Which of the codes the code base knows the scenarios reach. A code is *reached* when the drive
//! answered a command of a scenario with it (CHECK CONDITION, or REQUEST SENSE data) — writing it
//! in an expectation is not enough.
//!
//! The known codes are every sense triple of `mmc::sense::SENSE_TABLE`. HRESULTs join them when
//! `crate::hresult` lands: add its rows in [`known_codes`] as `CodeKind::Hresult` and report the
//! HRESULTs API steps return in `ScenarioResult::reached` beside the sense triples.

use super::runner::ScenarioResult;
use crate::mmc::sense::SENSE_TABLE;
use serde::Serialize;
use std::path::Path;

/// What kind of code a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CodeKind {
    /// An MMC sense triple (`mmc::sense::SENSE_TABLE`).
    Sense,
}

/// One code the code base knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownCode {
    pub kind: CodeKind,
    /// `5/21/02`.
    pub code: String,
    /// `INVALID_ADDRESS_FOR_WRITE`.
    pub name: &'static str,
    pub description: &'static str,
}

/// Every code the code base knows, in table order.
pub fn known_codes() -> Vec<KnownCode> {
    SENSE_TABLE
        .iter()
        .map(|entry| KnownCode {
            kind: CodeKind::Sense,
            code: triple(entry.sense),
            name: entry.name,
            description: entry.description,
        })
        .collect()
}

fn triple(sense: crate::mmc::Sense) -> String {
    format!("{:X}/{:02X}/{:02X}", sense.key, sense.asc, sense.ascq)
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
    ("3/32/00", NOT_PRODUCED),
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
    /// Triples reached that the table does not name (a gap in `SENSE_TABLE`).
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
            for sense in &result.reached {
                let code = triple(*sense);
                match codes.iter_mut().find(|c| c.code.code == code) {
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
                row.unreachable = UNREACHABLE
                    .iter()
                    .find(|(code, _)| *code == row.code.code)
                    .map(|(_, why)| *why);
            }
        }
        unnamed.sort();
        Coverage { codes, unnamed }
    }

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

    /// The terminal form: a summary line, then one line per code.
    pub fn render_text(&self) -> String {
        let mut out = format!(
            "coverage: {} of {} sense triples reached, {} unreached ({} with a reason)\n",
            self.reached(),
            self.codes.len(),
            self.codes.len() - self.reached(),
            self.codes.iter().filter(|c| c.unreachable.is_some()).count()
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
            out += &format!("  {:<8} {:<42} {what}\n", row.code.code, row.code.name);
        }
        for (code, names) in &self.unnamed {
            out += &format!(
                "  {code:<8} {:<42} {:>3}  {}\n",
                "(not in SENSE_TABLE)",
                names.len(),
                names.join(", ")
            );
        }
        out
    }

    /// The Markdown table docs/scenarios.md carries between the coverage markers.
    pub fn render_markdown(&self) -> String {
        let mut out = format!(
            "{} of {} sense triples reached; {} unreached, {} of them with a reason.\n\n\
             | code | name | scenarios | reached by (first three) |\n|---|---|---|---|\n",
            self.reached(),
            self.codes.len(),
            self.codes.len() - self.reached(),
            self.codes.iter().filter(|c| c.unreachable.is_some()).count()
        );
        for row in &self.codes {
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
        for (code, names) in &self.unnamed {
            out += &format!("| {code} | (not in `SENSE_TABLE`) | {} | |\n", names.len());
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
            assert!(known.iter().any(|k| k.code == *code), "{code} is not in SENSE_TABLE");
        }
    }
}
