//! The trace reader (docs/trace.md) on any bytes: every line is a record or an error naming
//! its line, never a panic. A record read renders, and writes back to a line that reads as the
//! same record.

#![no_main]

use burnbench::drive::trace::{TraceWriter, read_trace, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for (i, item) in read_trace(data).enumerate() {
        match item {
            Ok(record) => {
                let _ = render(&record);
                let mut writer = TraceWriter::new(Vec::new());
                writer.write(&record).expect("a trace record writes to memory");
                let line = writer.into_inner();
                let again: Vec<_> = read_trace(&line[..]).collect();
                assert_eq!(again.len(), 1, "one record writes one line");
                assert_eq!(again[0].as_ref().expect("a written record reads back"), &record);
            }
            Err(error) => {
                assert!(error.line > i, "an error names its line ({} for item {i})", error.line);
                let _ = error.to_string();
            }
        }
    }
});
