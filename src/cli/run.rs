//! `burnbench run`: run scenario files against the emulated drive and report (docs/scenarios.md).

use crate::scenario::coverage::{Coverage, update_doc};
use crate::scenario::{Selection, Shard, Summary, discover, report, run_loaded};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    /// One line per scenario; failures with expected, actual and the MMC trace
    Human,
    /// One JSON object: summary, scenarios (and coverage with --coverage)
    Json,
    /// JUnit XML, one testcase per scenario
    Junit,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files or folders (searched for *.ron, skipping `fixtures/`)
    #[arg(value_name = "PATH", default_value = "scenarios")]
    paths: Vec<PathBuf>,
    /// Run only scenarios whose path or name contains PATTERN (any case) or that have it as a tag
    #[arg(long, value_name = "PATTERN")]
    filter: Option<String>,
    /// Scenarios run at once (default: the number of CPUs)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Run the I-th of N interleaved slices of the selected scenarios (for CI matrices)
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// Where the scenarios run: `emulator` (scenarios on a real drive are not there yet; raw,
    /// media info, media ls, burn and erase take --device /dev/srN)
    #[arg(long, value_name = "DEVICE", default_value = "emulator")]
    device: String,
    /// Report format
    #[arg(long, value_enum, default_value_t = ReportKind::Human)]
    report: ReportKind,
    /// Write the report to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// List every known sense triple and HRESULT and the scenarios that reach each
    #[arg(long)]
    coverage: bool,
    /// Regenerate the coverage table in this document (between its coverage markers)
    #[arg(long, value_name = "DOC", requires = "coverage")]
    update_doc: Option<PathBuf>,
}

pub fn run(args: RunArgs) -> Result<(), String> {
    if args.device != "emulator" {
        return Err(format!(
            "--device {}: only `emulator` is available for scenarios so far; raw, media info, media ls, \
             burn and erase take a real drive with --device (docs/adapter.md)",
            args.device
        ));
    }
    if args.update_doc.is_some() && (args.filter.is_some() || args.shard.is_some()) {
        return Err("--update-doc needs the whole corpus: leave out --filter and --shard".into());
    }
    let started = Instant::now();
    let files = discover(&args.paths)?;
    let selection = Selection {
        filter: args.filter.clone(),
        shard: args.shard,
    };
    let selected = selection.apply(&files);
    if selected.is_empty() {
        return Err(format!(
            "no scenario selected (found {} file(s) under {})",
            files.len(),
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let results = run_loaded(&selected, jobs);
    let elapsed = started.elapsed();
    let summary = Summary::of(&results);
    let coverage = args.coverage.then(|| Coverage::of(&results));

    let mut text = match args.report {
        ReportKind::Human => report::human(&results, elapsed),
        ReportKind::Json => report::json(&results, coverage.as_ref()),
        ReportKind::Junit => report::junit(&results, elapsed),
    };
    if let Some(coverage) = &coverage
        && args.report != ReportKind::Json
        && args.out.is_none()
    {
        text.push('\n');
        text += &coverage.render_text();
    }
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!(
                "{} ({} scenarios); report written to {}",
                summary.line(),
                results.len(),
                path.display()
            );
            if let Some(coverage) = &coverage
                && args.report != ReportKind::Json
            {
                print!("{}", coverage.render_text());
            }
        }
        None => print!("{text}"),
    }
    if let (Some(doc), Some(coverage)) = (&args.update_doc, &coverage) {
        let old = std::fs::read_to_string(doc).map_err(|e| format!("{}: {e}", doc.display()))?;
        let new = update_doc(&old, &coverage.render_markdown()).map_err(|e| format!("{}: {e}", doc.display()))?;
        if new != old {
            std::fs::write(doc, new).map_err(|e| format!("{}: {e}", doc.display()))?;
            eprintln!("{}: coverage table updated", doc.display());
        }
    }
    if summary.ok() {
        Ok(())
    } else {
        Err(format!("{} ({} scenarios)", summary.line(), results.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn args(list: &[&str]) -> RunArgs {
        let mut all = vec!["burnbench", "run"];
        all.extend_from_slice(list);
        match Cli::try_parse_from(all).expect("parses").command {
            Command::Run(args) => args,
            other => panic!("not run: {other:?}"),
        }
    }

    fn corpus(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    const PASSING: &str = "Scenario(name: \"p\", steps: [Mmc(command: Inquiry)])";
    const FAILING: &str = "Scenario(name: \"f\", steps: [Mmc(command: Tur)])";

    #[test]
    fn only_the_emulator_is_a_device() {
        let error = run(args(&["--device", "/dev/sr0"])).unwrap_err();
        assert!(
            error.starts_with("--device /dev/sr0: only `emulator` is available"),
            "{error}"
        );
        assert!(!error.contains('\n'));
    }

    #[test]
    fn the_exit_status_follows_the_results() {
        let dir = corpus(&[("a.ron", PASSING)]);
        let path = dir.path().to_str().unwrap();
        let out = dir.path().join("r.xml");
        assert_eq!(
            run(args(&[path, "--report", "junit", "--out", out.to_str().unwrap()])),
            Ok(())
        );
        assert!(std::fs::read_to_string(&out).unwrap().contains("<testcase "));
        let dir = corpus(&[("a.ron", PASSING), ("b.ron", FAILING)]);
        let path = dir.path().to_str().unwrap();
        let error = run(args(&[path, "--report", "json", "--out", out.to_str().unwrap()])).unwrap_err();
        assert_eq!(error, "1 passed, 1 failed (2 scenarios)");
        assert_eq!(run(args(&[path, "--filter", "a.ron"])), Ok(()));
        let dir = corpus(&[("c.ron", "Scenario(name: \"c\", stepz: [])")]);
        let error = run(args(&[dir.path().to_str().unwrap()])).unwrap_err();
        assert_eq!(error, "0 passed, 0 failed, 1 could not load (1 scenarios)");
    }

    #[test]
    fn update_doc_needs_the_whole_corpus() {
        let error = run(args(&["--coverage", "--update-doc", "x.md", "--shard", "1/2"])).unwrap_err();
        assert!(error.contains("whole corpus"), "{error}");
    }
}
