//! Reports of a run: human (one line per scenario, details under a failure), JSON, and JUnit XML
//! (one `<testcase>` per scenario) for CI systems.

use super::coverage::{Coverage, short_name};
use super::runner::{ScenarioResult, Verdict};
use serde::Serialize;
use std::fmt::Write as _;
use std::time::Duration;

/// Counts of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    /// Files that could not be loaded or set up.
    pub errors: usize,
}

impl Summary {
    pub fn of(results: &[ScenarioResult]) -> Summary {
        let mut summary = Summary {
            passed: 0,
            failed: 0,
            errors: 0,
        };
        for result in results {
            match result.verdict {
                Verdict::Passed => summary.passed += 1,
                Verdict::Failed(_) => summary.failed += 1,
                Verdict::Error(_) => summary.errors += 1,
            }
        }
        summary
    }

    /// Every scenario loaded and passed.
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.errors == 0
    }

    /// `148 passed, 2 failed` (`, 1 could not load` when any).
    pub fn line(&self) -> String {
        let mut text = format!("{} passed, {} failed", self.passed, self.failed);
        if self.errors > 0 {
            text += &format!(", {} could not load", self.errors);
        }
        text
    }
}

/// One line per scenario; a failure adds what was expected, what happened and the trace, a
/// note (steps skipped) a line of its own.
pub fn human(results: &[ScenarioResult], elapsed: Duration) -> String {
    // Continuation lines of a multi-line expected / actual (a program's output) line up.
    let indent = |text: &str| text.replace('\n', "\n                 ");
    let mut out = String::new();
    for result in results {
        let file = result.file.display();
        match &result.verdict {
            Verdict::Passed => {
                let _ = writeln!(out, "ok     {file}  {}", result.name);
            }
            Verdict::Error(error) => {
                let _ = writeln!(out, "ERROR  {error}");
            }
            Verdict::Failed(failure) => {
                let _ = writeln!(out, "FAIL   {file}  {}", result.name);
                let _ = writeln!(out, "       step {}: {}", failure.step, failure.label);
                let _ = writeln!(out, "       expected: {}", indent(&failure.expected));
                let _ = writeln!(out, "       actual:   {}", indent(&failure.actual));
                if !failure.trace.is_empty() {
                    let _ = writeln!(out, "       trace:");
                    for line in &failure.trace {
                        let _ = writeln!(out, "       {line}");
                    }
                }
            }
        }
        for note in &result.notes {
            let _ = writeln!(out, "       note: {note}");
        }
    }
    let _ = writeln!(
        out,
        "\n{} ({} scenarios in {:.2} s)",
        Summary::of(results).line(),
        results.len(),
        elapsed.as_secs_f64()
    );
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    summary: Summary,
    scenarios: Vec<JsonScenario<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<&'a Coverage>,
}

#[derive(Serialize)]
struct JsonScenario<'a> {
    file: String,
    id: String,
    name: &'a str,
    tags: &'a [String],
    /// `passed`, `failed` or `error`.
    status: &'static str,
    duration_ms: f64,
    /// Sense triples reached, `5/21/02`.
    reached: Vec<String>,
    /// HRESULTs API calls returned, by name (`E_IMAPI_DF2DATA_MEDIA_NOT_BLANK`).
    reached_hresults: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<&'a super::runner::Failure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// Steps skipped (an optional program that is not installed).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

impl Serialize for super::runner::Failure {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Failure", 5)?;
        s.serialize_field("step", &self.step)?;
        s.serialize_field("label", &self.label)?;
        s.serialize_field("expected", &self.expected)?;
        s.serialize_field("actual", &self.actual)?;
        s.serialize_field("trace", &self.trace)?;
        s.end()
    }
}

/// The run as one JSON object: `summary`, `scenarios` (in run order) and `coverage` if given.
pub fn json(results: &[ScenarioResult], coverage: Option<&Coverage>) -> String {
    let report = JsonReport {
        summary: Summary::of(results),
        scenarios: results
            .iter()
            .map(|r| JsonScenario {
                file: r.file.display().to_string(),
                id: short_name(&r.file),
                name: &r.name,
                tags: &r.tags,
                status: match r.verdict {
                    Verdict::Passed => "passed",
                    Verdict::Failed(_) => "failed",
                    Verdict::Error(_) => "error",
                },
                duration_ms: r.duration.as_secs_f64() * 1000.0,
                reached: r
                    .reached
                    .iter()
                    .map(|s| format!("{:X}/{:02X}/{:02X}", s.key, s.asc, s.ascq))
                    .collect(),
                reached_hresults: r
                    .reached_hresults
                    .iter()
                    .map(|h| h.name().map_or_else(|| format!("0x{:08X}", h.0), str::to_string))
                    .collect(),
                failure: match &r.verdict {
                    Verdict::Failed(failure) => Some(failure),
                    _ => None,
                },
                error: match &r.verdict {
                    Verdict::Error(error) => Some(error.to_string()),
                    _ => None,
                },
                notes: &r.notes,
            })
            .collect(),
        coverage,
    };
    let mut text = serde_json::to_string_pretty(&report).expect("a report is plain data");
    text.push('\n');
    text
}

/// JUnit XML: one `<testsuite>` with one `<testcase>` per scenario, a `<failure>` for a failed
/// step, an `<error>` for a file that did not load and `<skipped>` for skipped steps.
pub fn junit(results: &[ScenarioResult], elapsed: Duration) -> String {
    let summary = Summary::of(results);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\"",
        results.len(),
        summary.failed,
        summary.errors,
        elapsed.as_secs_f64()
    );
    let _ = writeln!(out, "<testsuites name=\"burnbench\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"burnbench scenarios\" {counts}>");
    for result in results {
        let id = short_name(&result.file);
        let (class, case) = match id.rsplit_once('/') {
            Some((folder, _)) => (format!("scenarios.{}", folder.replace('/', ".")), id.clone()),
            None => ("scenarios".to_string(), id.clone()),
        };
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"{:.3}\"",
            xml(&class),
            xml(&format!("{case}: {}", result.name)),
            xml(&result.file.display().to_string()),
            result.duration.as_secs_f64()
        );
        match &result.verdict {
            Verdict::Passed if result.notes.is_empty() => out.push_str("/>\n"),
            // Notes say that steps were skipped (a program that is not installed).
            Verdict::Passed => {
                let _ = write!(
                    out,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    xml(&result.notes.join("; "))
                );
            }
            Verdict::Failed(failure) => {
                let message = format!("step {}: {}", failure.step, failure.label);
                let mut body = format!("expected: {}\nactual:   {}\n", failure.expected, failure.actual);
                for line in &failure.trace {
                    body += line;
                    body.push('\n');
                }
                let _ = write!(
                    out,
                    ">\n      <failure message=\"{}\" type=\"mismatch\">{}</failure>\n    </testcase>\n",
                    xml(&message),
                    xml(&body)
                );
            }
            Verdict::Error(error) => {
                let _ = write!(
                    out,
                    ">\n      <error message=\"{}\" type=\"load\">{}</error>\n    </testcase>\n",
                    xml(&error.message),
                    xml(&error.to_string())
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Text for an XML attribute or element: the five special characters escaped, characters XML 1.0
/// does not allow replaced by U+FFFD.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::LoadError;
    use crate::scenario::runner::Failure;
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    fn result(file: &str, verdict: Verdict) -> ScenarioResult {
        ScenarioResult {
            file: PathBuf::from(file),
            name: "a <name> & \"quotes\"".into(),
            tags: vec![],
            verdict,
            duration: Duration::from_millis(2),
            reached: BTreeSet::new(),
            reached_hresults: BTreeSet::new(),
            notes: vec![],
        }
    }

    fn sample() -> Vec<ScenarioResult> {
        vec![
            result("scenarios/mmc/a.ron", Verdict::Passed),
            result(
                "scenarios/mmc/b.ron",
                Verdict::Failed(Failure {
                    step: 2,
                    label: "Mmc WRITE(10) 2a 00".into(),
                    expected: "CHECK CONDITION 5/21/02".into(),
                    actual: "GOOD\u{1}".into(),
                    trace: vec!["> #3 … → GOOD".into()],
                }),
            ),
            result(
                "scenarios/c.ron",
                Verdict::Error(LoadError {
                    file: "scenarios/c.ron".into(),
                    line: Some(3),
                    column: Some(7),
                    message: "Unexpected field named `x` in `<Scenario>`".into(),
                }),
            ),
        ]
    }

    #[test]
    fn xml_escapes_the_special_characters() {
        assert_eq!(xml("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}");
    }

    #[test]
    fn junit_parses_with_one_testcase_per_scenario() {
        let text = junit(&sample(), Duration::from_secs(1));
        let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
        let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].attribute("classname"), Some("scenarios.mmc"));
        assert_eq!(cases[1].attribute("name"), Some("mmc/b: a <name> & \"quotes\""));
        let failure = cases[1].children().find(|n| n.has_tag_name("failure")).unwrap();
        assert_eq!(failure.attribute("message"), Some("step 2: Mmc WRITE(10) 2a 00"));
        assert!(failure.text().unwrap().contains("expected: CHECK CONDITION 5/21/02"));
        assert!(cases[2].children().any(|n| n.has_tag_name("error")));
        let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
        assert_eq!(
            (
                suite.attribute("tests"),
                suite.attribute("failures"),
                suite.attribute("errors")
            ),
            (Some("3"), Some("1"), Some("1"))
        );
    }

    #[test]
    fn json_has_a_summary_and_every_scenario() {
        let value: serde_json::Value = serde_json::from_str(&json(&sample(), None)).unwrap();
        assert_eq!(value["summary"]["failed"], 1);
        assert_eq!(value["scenarios"][1]["failure"]["step"], 2);
        assert_eq!(value["scenarios"][2]["status"], "error");
        assert!(
            value["scenarios"][2]["error"]
                .as_str()
                .unwrap()
                .starts_with("scenarios/c.ron:3:7: ")
        );
    }

    #[test]
    fn notes_and_multi_line_output_show_in_every_report() {
        let mut skipped = result("scenarios/attach/x.ron", Verdict::Passed);
        skipped.notes = vec!["step 1 (Run xorriso) was skipped: program `xorriso` is not installed".into()];
        let failed = result(
            "scenarios/attach/y.ron",
            Verdict::Failed(Failure {
                step: 1,
                label: "Run sg_inq /dev/sr0".into(),
                expected: "exit 0".into(),
                actual: "exit 1\nstdout: (empty)".into(),
                trace: vec![],
            }),
        );
        let results = [skipped, failed];
        let text = human(&results, Duration::ZERO);
        assert!(text.contains(
            "ok     scenarios/attach/x.ron  a <name> & \"quotes\"\n       note: step 1 (Run xorriso) was skipped"
        ));
        assert!(
            text.contains("       actual:   exit 1\n                 stdout: (empty)\n"),
            "{text}"
        );
        let value: serde_json::Value = serde_json::from_str(&json(&results, None)).unwrap();
        assert!(
            value["scenarios"][0]["notes"][0]
                .as_str()
                .unwrap()
                .contains("was skipped")
        );
        assert!(value["scenarios"][1].get("notes").is_none());
        let xml = junit(&results, Duration::ZERO);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let skipped = doc.descendants().find(|n| n.has_tag_name("skipped")).unwrap();
        assert!(
            skipped
                .attribute("message")
                .unwrap()
                .contains("`xorriso` is not installed")
        );
    }

    #[test]
    fn human_shows_expected_actual_and_the_trace() {
        let text = human(&sample(), Duration::from_secs(1));
        assert!(text.contains("FAIL   scenarios/mmc/b.ron"));
        assert!(text.contains("       expected: CHECK CONDITION 5/21/02\n"));
        assert!(text.contains("       > #3 … → GOOD\n"));
        assert!(text.contains("ERROR  scenarios/c.ron:3:7: Unexpected field"));
        assert!(text.contains("1 passed, 1 failed, 1 could not load (3 scenarios"));
    }
}
