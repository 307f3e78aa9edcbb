//! The scenario corpus as tests: every file under `scenarios/` is one test named by its path
//! (`mmc/gating/power-on`), run against the emulated drive, plus a check that the coverage table
//! in docs/scenarios.md is the one the corpus produces. A custom harness (libtest-mimic), so that
//! `cargo test scenarios -- mmc/gating` filters as usual.

use burnbench::scenario::coverage::{Coverage, DOC_BEGIN, DOC_END, short_name, update_doc};
use burnbench::scenario::report::human;
use burnbench::scenario::{discover, run_file, run_files};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
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

/// docs/scenarios.md carries the table `burnbench run --coverage --update-doc` writes.
fn coverage_doc_is_current() -> Result<(), Failed> {
    let results = run_files(&corpus(), 4);
    let table = Coverage::of(&results).render_markdown();
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
        trials.len() >= 100,
        "the corpus shrank to {} scenarios under {}",
        trials.len(),
        Path::new("scenarios").display()
    );
    trials.push(Trial::test(
        "coverage table in docs/scenarios.md is up to date",
        coverage_doc_is_current,
    ));
    libtest_mimic::run(&args, trials).exit();
}
