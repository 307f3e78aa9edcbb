//! The scenario corpus as tests: every file under `scenarios/` is one test named by its path
//! (`mmc/gating/power-on`), run against the emulated drive, plus checks that the coverage table
//! in docs/scenarios.md is the one the corpus produces and that every known code (sense triple or
//! HRESULT) is reached or has a written reason. A custom harness (libtest-mimic), so that
//! `cargo test scenarios -- mmc/gating` filters as usual.

use burnbench::scenario::coverage::{Coverage, DOC_BEGIN, DOC_END, short_name, update_doc};
use burnbench::scenario::report::human;
use burnbench::scenario::{ScenarioResult, discover, run_file, run_files};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> Vec<PathBuf> {
    discover(&[root().join("scenarios")]).expect("the scenarios folder exists")
}

fn scenario_trial(file: PathBuf) -> Trial {
    Trial::test(short_name(&file), move || {
        let result = run_file(&file);
        if result.passed() {
            Ok(())
        } else {
            Err(Failed::from(human(&[result], Duration::ZERO)))
        }
    })
}

/// The whole corpus, run once for the coverage checks.
fn corpus_results() -> &'static [ScenarioResult] {
    static RESULTS: OnceLock<Vec<ScenarioResult>> = OnceLock::new();
    RESULTS.get_or_init(|| run_files(&corpus(), 4))
}

/// Every code the code base knows is reached by a scenario or says why it cannot be.
fn every_code_is_reached_or_explained() -> Result<(), Failed> {
    let coverage = Coverage::of(corpus_results());
    let missing: Vec<String> = coverage
        .unexplained()
        .iter()
        .map(|row| format!("{} {}", row.code.code, row.code.name))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "no scenario reaches these codes and no reason says why (scenario::coverage):\n  {}",
            missing.join("\n  ")
        )
        .into())
    }
}

/// docs/scenarios.md carries the table `burnbench run --coverage --update-doc` writes.
fn coverage_doc_is_current() -> Result<(), Failed> {
    let table = Coverage::of(corpus_results()).render_markdown();
    let path = root().join("docs/scenarios.md");
    let doc = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let expected = update_doc(&doc, &table)?;
    if expected == doc {
        Ok(())
    } else {
        Err(format!(
            "the coverage table in docs/scenarios.md is out of date: run\n  \
             cargo run -- run --coverage --update-doc docs/scenarios.md\n(between `{DOC_BEGIN}` and `{DOC_END}`)"
        )
        .into())
    }
}

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = corpus().into_iter().map(scenario_trial).collect();
    assert!(
        trials.len() >= 200,
        "the corpus shrank to {} scenarios under {}",
        trials.len(),
        Path::new("scenarios").display()
    );
    trials.push(Trial::test(
        "coverage table in docs/scenarios.md is up to date",
        coverage_doc_is_current,
    ));
    trials.push(Trial::test(
        "every sense triple and HRESULT is reached or explained",
        every_code_is_reached_or_explained,
    ));
    libtest_mimic::run(&args, trials).exit();
}
