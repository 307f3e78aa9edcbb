//! RON scenarios: the schema, the loader with line/column errors, the runner, the reports and the
//! coverage of sense codes (docs/scenarios.md).
//!
//! A scenario names a drive model, a medium, a fault plan and steps with what each must answer.
//! [`load`] reads a file ([`LoadError`] has the file, line, column and what was expected),
//! [`runner::run`] runs it against a fresh emulated drive ([`observed`]) with the recorder API of
//! `burn` over it ([`api`]), [`report`] prints the results and [`coverage`] says which sense
//! triples and HRESULTs the corpus reaches.

pub mod api;
pub mod api_schema;
pub mod command;
pub mod coverage;
pub mod expect;
mod fields;
pub mod hex;
pub mod load;
mod medium;
pub mod observed;
pub mod place;
mod program;
pub mod report;
pub mod runner;
pub mod schema;
mod state;

pub use coverage::Coverage;
pub use load::{LoadError, discover, load, parse};
pub use report::Summary;
pub use runner::{Failure, ScenarioResult, Verdict, run, run_file, run_files, run_loaded};
pub use schema::Scenario;

use std::path::PathBuf;

/// `--shard I/N`: the I-th (1-based) of N interleaved slices of the selected scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("shard {text:?}: expected I/N with 1 <= I <= N, e.g. 2/4");
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = index.trim().parse().map_err(|_| bad())?;
        let count: usize = count.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// Which scenarios of the files found run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Case-insensitive substring of the file path or the scenario name, or a tag (exactly).
    pub filter: Option<String>,
    pub shard: Option<Shard>,
}

impl Selection {
    /// Load `files` and keep the selected ones, in order. A file that does not load is always
    /// kept: it has no name or tags to match, and a typo must not hide a scenario from a
    /// filtered run.
    pub fn apply(&self, files: &[PathBuf]) -> Vec<(PathBuf, Result<Scenario, LoadError>)> {
        let loaded = files.iter().map(|file| (file.clone(), load(file)));
        let matching: Vec<_> = loaded.filter(|(file, scenario)| self.matches(file, scenario)).collect();
        match self.shard {
            None => matching,
            Some(shard) => matching
                .into_iter()
                .enumerate()
                .filter(|(i, _)| i % shard.count == shard.index - 1)
                .map(|(_, item)| item)
                .collect(),
        }
    }

    fn matches(&self, file: &std::path::Path, scenario: &Result<Scenario, LoadError>) -> bool {
        let Some(filter) = &self.filter else {
            return true;
        };
        let needle = filter.to_lowercase();
        if file.to_string_lossy().to_lowercase().contains(&needle) {
            return true;
        }
        match scenario {
            Ok(scenario) => {
                scenario.name.to_lowercase().contains(&needle) || scenario.tags.iter().any(|tag| tag == filter)
            }
            Err(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_does_not_load_is_selected_by_any_filter() {
        let dir = tempfile::tempdir().unwrap();
        let broken = dir.path().join("broken.ron");
        std::fs::write(&broken, "Scenario(name: ").unwrap();
        let selection = Selection {
            filter: Some("some-tag".into()),
            shard: None,
        };
        let selected = selection.apply(std::slice::from_ref(&broken));
        assert!(matches!(selected.as_slice(), [(_, Err(_))]), "{selected:?}");
    }

    #[test]
    fn shards_parse_and_refuse_nonsense() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "x", "1-2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
