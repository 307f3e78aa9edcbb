//! `burnbench trace …`: read command traces (docs/trace.md).

use super::line;
use crate::drive::trace::{TraceRecord, read_trace, render};
use clap::Subcommand;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum TraceCommand {
    /// Print a trace file (JSON Lines), one readable line per command
    ///
    /// Example line: `#12  +1500 ms  WRITE(10)  2a 00 00 00 00 20 00 00 10 00  out 32768  → CHECK
    /// CONDITION 5/21/02 INVALID_ADDRESS_FOR_WRITE`. Stops with an error at the first line that
    /// is not a trace record.
    Show {
        /// Trace file written by the emulated drive ('-' reads standard input)
        file: PathBuf,
        /// Print each record as one JSON object per line (checked and normalised) instead
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: TraceCommand) -> Result<(), String> {
    match command {
        TraceCommand::Show { file, json } => {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            let result = if file == Path::new("-") {
                show(io::stdin().lock(), json, &mut out)
            } else {
                let opened = File::open(&file).map_err(|e| format!("trace '{}': {e}", file.display()))?;
                show(BufReader::new(opened), json, &mut out)
            };
            result.map_err(|e| format!("trace '{}': {e}", file.display()))
        }
    }
}

/// Prints every record of `reader` to `out`; the error is the one line to print. A closed pipe
/// (`| head`) ends the output quietly.
fn show(reader: impl BufRead, json: bool, out: &mut impl Write) -> Result<(), String> {
    for record in read_trace(reader) {
        let record = record.map_err(line)?;
        match print(&record, json, out) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(format!("writing output: {e}")),
        }
    }
    Ok(())
}

fn print(record: &TraceRecord, json: bool, out: &mut impl Write) -> io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, record)?;
        writeln!(out)
    } else {
        writeln!(out, "{}", render(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::Completion;

    fn trace_text() -> String {
        let records = [
            TraceRecord::new(0, 0, &[0, 0, 0, 0, 0, 0], None, None, &Completion::good(0)),
            TraceRecord::new(
                1,
                20,
                &[0x12, 0, 0, 0, 36, 0],
                None,
                Some(&[5u8; 36]),
                &Completion::good(0),
            ),
        ];
        records
            .iter()
            .map(|r| serde_json::to_string(r).unwrap() + "\n")
            .collect()
    }

    #[test]
    fn show_prints_one_line_per_command() {
        let mut out = Vec::new();
        show(trace_text().as_bytes(), false, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], "#0  +0 ms  TEST UNIT READY  00 00 00 00 00 00  → GOOD");
        assert!(
            lines[1].starts_with("#1  +20 ms  INQUIRY  12 00 00 00 24 00  in 36 [05 05"),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn show_json_normalises_each_line() {
        let mut out = Vec::new();
        show(trace_text().as_bytes(), true, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), trace_text());
    }

    #[test]
    fn bad_line_is_one_line_error() {
        let text = trace_text() + "{\"index\": 2,\n";
        let error = show(text.as_bytes(), false, &mut Vec::new()).unwrap_err();
        assert!(error.starts_with("line 3, column "), "{error}");
        assert!(!error.contains('\n'));
    }
}
