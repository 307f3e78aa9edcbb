//! Command trace: one JSON object per command, one command per line (JSON Lines, docs/trace.md).
//!
//! The drive owns a [`Tracer`] and calls [`Tracer::record`] once per command; when tracing is off
//! that call returns at once without building anything. Every line is flushed as it is written,
//! so a killed process leaves only complete lines. [`read_trace`] and [`render`] turn a trace
//! back into records and readable lines.

use crate::device::{Completion, Status, TransportError};
use crate::mmc::cdb::opcode_name;
use serde::{Deserialize, Serialize};
use std::fmt::{self, Write as _};
use std::io::{self, BufRead, Write};

/// Bytes of the data phase kept in `data_head`.
pub const DATA_HEAD_BYTES: usize = 16;

/// How a command ended, as the trace writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TraceStatus {
    #[serde(rename = "GOOD")]
    Good,
    #[serde(rename = "CHECK CONDITION")]
    CheckCondition,
    /// The command never completed (a transport error such as a timeout); `error` says why.
    #[serde(rename = "NO COMPLETION")]
    NoCompletion,
}

impl From<Status> for TraceStatus {
    fn from(status: Status) -> TraceStatus {
        match status {
            Status::Good => TraceStatus::Good,
            Status::CheckCondition => TraceStatus::CheckCondition,
        }
    }
}

impl fmt::Display for TraceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TraceStatus::Good => "GOOD",
            TraceStatus::CheckCondition => "CHECK CONDITION",
            TraceStatus::NoCompletion => "NO COMPLETION",
        })
    }
}

/// One command as the trace records it (one JSON line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceRecord {
    /// 0-based number of the command among all the drive executed.
    pub index: u64,
    /// The drive's simulated clock when the command completed.
    pub time_ms: u64,
    /// The CDB as space-separated hex bytes (`"2a 00 00 00 00 20 00 00 10 00"`).
    pub cdb: String,
    /// The operation's name (`"WRITE(10)"`), `"UNKNOWN"` for codes the project does not name.
    pub opcode: String,
    /// Bytes the host offered in a data-out phase.
    pub data_out: usize,
    /// Bytes transferred in a data-in phase (the host's buffer minus the residual).
    pub data_in: usize,
    /// The first bytes transferred either way, up to [`DATA_HEAD_BYTES`], hex.
    pub data_head: String,
    pub status: TraceStatus,
    /// Sense bytes as returned, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sense: Option<String>,
    /// `"5/24/00"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sense_triple: Option<String>,
    /// The sense-table name (`"INVALID_FIELD_IN_CDB"`), if the triple has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sense_name: Option<String>,
    /// The sense is deferred (response code 71h / 73h): it belongs to an earlier command.
    #[serde(default)]
    pub deferred: bool,
    pub residual: usize,
    /// Why the command did not complete (status `NO COMPLETION`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl TraceRecord {
    /// The record of a completed command. `data_in` is the host's whole buffer; what was
    /// transferred is its length minus `completion.residual`.
    pub fn new(
        index: u64,
        time_ms: u64,
        cdb: &[u8],
        data_out: Option<&[u8]>,
        data_in: Option<&[u8]>,
        completion: &Completion,
    ) -> TraceRecord {
        let (data_out_len, data_in_len, moved) = data_lengths(data_out, data_in, completion.residual);
        let parsed = completion.sense_data();
        let sense = parsed.map(|s| s.sense);
        TraceRecord {
            index,
            time_ms,
            cdb: hex(cdb),
            opcode: name_of(cdb),
            data_out: data_out_len,
            data_in: data_in_len,
            data_head: hex(&moved[..moved.len().min(DATA_HEAD_BYTES)]),
            status: completion.status.into(),
            sense: (!completion.sense.is_empty()).then(|| hex(&completion.sense)),
            sense_triple: sense.map(triple),
            sense_name: sense.and_then(|s| s.name()).map(String::from),
            deferred: parsed.is_some_and(|s| s.deferred),
            residual: completion.residual,
            error: None,
        }
    }

    /// The record of a command that never completed: nothing was transferred.
    pub fn no_completion(
        index: u64,
        time_ms: u64,
        cdb: &[u8],
        data_out: Option<&[u8]>,
        data_in: Option<&[u8]>,
        error: &TransportError,
    ) -> TraceRecord {
        let offered = data_out.or(data_in).map_or(0, <[u8]>::len);
        TraceRecord {
            index,
            time_ms,
            cdb: hex(cdb),
            opcode: name_of(cdb),
            data_out: data_out.map_or(0, <[u8]>::len),
            data_in: 0,
            data_head: String::new(),
            status: TraceStatus::NoCompletion,
            sense: None,
            sense_triple: None,
            sense_name: None,
            deferred: false,
            residual: offered,
            error: Some(error.to_string()),
        }
    }
}

/// (bytes offered out, bytes transferred in, the bytes transferred either way).
fn data_lengths<'a>(
    data_out: Option<&'a [u8]>,
    data_in: Option<&'a [u8]>,
    residual: usize,
) -> (usize, usize, &'a [u8]) {
    match (data_out, data_in) {
        (Some(out), _) => (out.len(), 0, &out[..out.len().saturating_sub(residual)]),
        (None, Some(input)) => {
            let moved = &input[..input.len().saturating_sub(residual)];
            (0, moved.len(), moved)
        }
        (None, None) => (0, 0, &[]),
    }
}

fn name_of(cdb: &[u8]) -> String {
    cdb.first()
        .and_then(|&code| opcode_name(code))
        .unwrap_or("UNKNOWN")
        .to_string()
}

fn triple(sense: crate::mmc::Sense) -> String {
    format!("{:X}/{:02X}/{:02X}", sense.key, sense.asc, sense.ascq)
}

/// Bytes as lower-case hex pairs separated by single spaces.
pub fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 3);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Writes records as JSON Lines to any writer, flushing after every line.
pub struct TraceWriter<W: Write> {
    out: W,
    line: Vec<u8>,
}

impl<W: Write> TraceWriter<W> {
    pub fn new(out: W) -> TraceWriter<W> {
        TraceWriter { out, line: Vec::new() }
    }

    /// Writes one record as one line and flushes it: the line is whole on disk or absent.
    pub fn write(&mut self, record: &TraceRecord) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record)?;
        self.line.push(b'\n');
        self.out.write_all(&self.line)?;
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> fmt::Debug for TraceWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TraceWriter").finish_non_exhaustive()
    }
}

/// The drive's side of tracing: off (the default, free) or writing to a sink. A write failure
/// stops tracing and is kept for [`Tracer::take_error`]; it never fails the command.
#[derive(Debug, Default)]
pub struct Tracer {
    writer: Option<TraceWriter<Box<dyn Write + Send>>>,
    error: Option<io::Error>,
}

impl Tracer {
    /// No tracing.
    pub fn off() -> Tracer {
        Tracer::default()
    }

    /// Trace to this sink (a `File`, a `Vec<u8>`, stderr…).
    pub fn to_writer(out: impl Write + Send + 'static) -> Tracer {
        Tracer {
            writer: Some(TraceWriter::new(Box::new(out))),
            error: None,
        }
    }

    /// Trace to a new (truncated) file.
    pub fn to_file(path: &std::path::Path) -> io::Result<Tracer> {
        Ok(Tracer::to_writer(std::fs::File::create(path)?))
    }

    pub fn is_on(&self) -> bool {
        self.writer.is_some()
    }

    /// Records one command; `outcome` is what the drive answers. Free when tracing is off.
    pub fn record(
        &mut self,
        index: u64,
        time_ms: u64,
        cdb: &[u8],
        data_out: Option<&[u8]>,
        data_in: Option<&[u8]>,
        outcome: Result<&Completion, &TransportError>,
    ) {
        let Some(writer) = &mut self.writer else {
            return;
        };
        let record = match outcome {
            Ok(completion) => TraceRecord::new(index, time_ms, cdb, data_out, data_in, completion),
            Err(error) => TraceRecord::no_completion(index, time_ms, cdb, data_out, data_in, error),
        };
        if let Err(error) = writer.write(&record) {
            self.writer = None;
            self.error = Some(error);
        }
    }

    /// The write error that stopped tracing, if any (taken once).
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }
}

/// A trace line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {message}", column.map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct TraceError {
    /// 1-based line number in the trace.
    pub line: usize,
    /// 1-based column within the line, for JSON errors.
    pub column: Option<usize>,
    pub message: String,
}

impl TraceError {
    fn io(line: usize, error: &io::Error) -> TraceError {
        TraceError {
            line,
            column: None,
            message: error.to_string(),
        }
    }

    fn json(line: usize, error: &serde_json::Error) -> TraceError {
        // serde_json appends " at line 1 column N" (of the one line it saw): keep the column only.
        let text = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        let message = text.strip_suffix(&position).unwrap_or(&text).to_string();
        TraceError {
            line,
            column: (error.column() > 0).then_some(error.column()),
            message,
        }
    }
}

/// Reads a trace line by line; blank lines are skipped, a bad line is an error with its number
/// and reading goes on after it.
pub fn read_trace<R: BufRead>(reader: R) -> impl Iterator<Item = Result<TraceRecord, TraceError>> {
    reader.lines().enumerate().filter_map(|(i, line)| {
        let number = i + 1;
        match line {
            Err(error) => Some(Err(TraceError::io(number, &error))),
            Ok(text) if text.trim().is_empty() => None,
            Ok(text) => Some(serde_json::from_str(&text).map_err(|error| TraceError::json(number, &error))),
        }
    })
}

/// One readable line:
/// `#12  +1500 ms  WRITE(10)  2a 00 00 00 00 20 00 00 10 00  out 32768  → CHECK CONDITION 5/21/02 INVALID_ADDRESS_FOR_WRITE`.
pub fn render(record: &TraceRecord) -> String {
    let mut line = format!(
        "#{}  +{} ms  {}  {}",
        record.index, record.time_ms, record.opcode, record.cdb
    );
    if record.data_out > 0 {
        let _ = write!(line, "  out {}", record.data_out);
    }
    if record.data_in > 0 {
        let _ = write!(line, "  in {}", record.data_in);
    }
    if !record.data_head.is_empty() {
        let head_bytes = record.data_head.len().div_ceil(3);
        let transferred = if record.data_out > 0 {
            record.data_out.saturating_sub(record.residual)
        } else {
            record.data_in
        };
        let more = if transferred > head_bytes { " …" } else { "" };
        let _ = write!(line, " [{}{more}]", record.data_head);
    }
    let _ = write!(line, "  → {}", record.status);
    if let Some(triple) = &record.sense_triple {
        let _ = write!(line, " {triple}");
    }
    if let Some(name) = &record.sense_name {
        let _ = write!(line, " {name}");
    }
    if record.deferred {
        line.push_str(" (deferred)");
    }
    if let Some(error) = &record.error {
        let _ = write!(line, " ({error})");
    }
    // A failed command's residual is mostly the whole buffer: noise, so only GOOD shows it.
    if record.residual > 0 && record.status == TraceStatus::Good {
        let _ = write!(line, "  residual {}", record.residual);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mmc::Sense;
    use crate::mmc::sense_data::SenseDataRepr;
    use std::sync::{Arc, Mutex};

    const WRITE_CDB: [u8; 10] = [0x2a, 0, 0, 0, 0, 0x20, 0, 0, 0x10, 0];

    fn rejected_write() -> TraceRecord {
        let data = vec![0xAB; 32768];
        let completion = Completion::check_condition(&SenseDataRepr::current(Sense::INVALID_ADDRESS_FOR_WRITE), 32768);
        TraceRecord::new(12, 1500, &WRITE_CDB, Some(&data), None, &completion)
    }

    #[test]
    fn record_of_a_rejected_write() {
        let record = rejected_write();
        assert_eq!(record.cdb, "2a 00 00 00 00 20 00 00 10 00");
        assert_eq!(record.opcode, "WRITE(10)");
        assert_eq!((record.data_out, record.data_in, record.residual), (32768, 0, 32768));
        assert_eq!(record.data_head, "", "nothing was transferred");
        assert_eq!(record.status, TraceStatus::CheckCondition);
        assert_eq!(record.sense_triple.as_deref(), Some("5/21/02"));
        assert_eq!(record.sense_name.as_deref(), Some("INVALID_ADDRESS_FOR_WRITE"));
        assert_eq!(
            record.sense.as_deref(),
            Some("70 00 05 00 00 00 00 0a 00 00 00 00 21 02 00 00 00 00")
        );
        assert!(!record.deferred);
    }

    #[test]
    fn render_matches_the_documented_line() {
        assert_eq!(
            render(&rejected_write()),
            "#12  +1500 ms  WRITE(10)  2a 00 00 00 00 20 00 00 10 00  out 32768  → CHECK CONDITION 5/21/02 \
             INVALID_ADDRESS_FOR_WRITE"
        );
    }

    #[test]
    fn data_in_records_what_was_transferred() {
        let mut buffer = [0u8; 64];
        buffer[..8].copy_from_slice(&[0, 0x20, 0, 1, 0, 0, 0, 0]);
        let cdb = [0x51, 0, 0, 0, 0, 0, 0, 0, 0x40, 0];
        let record = TraceRecord::new(0, 0, &cdb, None, Some(&buffer), &Completion::good(30));
        assert_eq!((record.data_in, record.residual), (34, 30));
        assert_eq!(record.data_head, "00 20 00 01 00 00 00 00 00 00 00 00 00 00 00 00");
        assert_eq!(record.sense, None);
        assert_eq!(
            render(&record),
            "#0  +0 ms  READ DISC INFORMATION  51 00 00 00 00 00 00 00 40 00  in 34 \
             [00 20 00 01 00 00 00 00 00 00 00 00 00 00 00 00 …]  → GOOD  residual 30"
        );
    }

    #[test]
    fn deferred_sense_is_marked() {
        let completion = Completion::check_condition(&SenseDataRepr::deferred(Sense::WRITE_ERROR), 0);
        let record = TraceRecord::new(3, 9, &[0, 0, 0, 0, 0, 0], None, None, &completion);
        assert!(record.deferred);
        assert!(render(&record).ends_with("→ CHECK CONDITION 3/0C/00 WRITE_ERROR (deferred)"));
    }

    #[test]
    fn unnamed_opcode_and_sense() {
        let sense = SenseDataRepr::current(Sense::new(5, 0x99, 1));
        let record = TraceRecord::new(
            0,
            0,
            &[0xFF, 0, 0, 0, 0, 0],
            None,
            None,
            &Completion::check_condition(&sense, 0),
        );
        assert_eq!(record.opcode, "UNKNOWN");
        assert_eq!(record.sense_triple.as_deref(), Some("5/99/01"));
        assert_eq!(record.sense_name, None);
    }

    #[test]
    fn timeout_is_recorded() {
        let cdb = [0x35, 0x02, 0, 0, 0, 0, 0, 0, 0, 0];
        let record = TraceRecord::no_completion(4, 100, &cdb, None, None, &TransportError::Timeout(30_000));
        assert_eq!(record.status, TraceStatus::NoCompletion);
        assert_eq!(
            render(&record),
            "#4  +100 ms  SYNCHRONIZE CACHE  35 02 00 00 00 00 00 00 00 00  → NO COMPLETION \
             (the command timed out after 30000 ms)"
        );
    }

    /// A sink whose bytes the test can still see after the tracer took it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn tracer_writes_one_line_per_command_and_reads_back() {
        let sink = Shared::default();
        let mut tracer = Tracer::to_writer(sink.clone());
        let data = [7u8; 2048];
        let good = Completion::good(0);
        tracer.record(0, 0, &[0, 0, 0, 0, 0, 0], None, None, Ok(&good));
        tracer.record(1, 5, &WRITE_CDB, Some(&data), None, Ok(&good));
        tracer.record(
            2,
            9,
            &[0x35, 2, 0, 0, 0, 0, 0, 0, 0, 0],
            None,
            None,
            Err(&TransportError::Timeout(10)),
        );
        let bytes = sink.0.lock().unwrap().clone();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(text.ends_with('\n'));
        let records: Vec<_> = read_trace(text.as_bytes()).collect::<Result<_, _>>().unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].data_head, hex(&[7; 16]));
        assert_eq!(records[1], TraceRecord::new(1, 5, &WRITE_CDB, Some(&data), None, &good));
        assert_eq!(records[2].status, TraceStatus::NoCompletion);
    }

    #[test]
    fn tracer_off_records_nothing() {
        let mut tracer = Tracer::off();
        assert!(!tracer.is_on());
        tracer.record(0, 0, &[0; 6], None, None, Ok(&Completion::good(0)));
        assert!(tracer.take_error().is_none());
    }

    #[test]
    fn failing_sink_stops_tracing_and_keeps_the_error() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut tracer = Tracer::to_writer(Broken);
        tracer.record(0, 0, &[0; 6], None, None, Ok(&Completion::good(0)));
        assert!(!tracer.is_on());
        assert_eq!(tracer.take_error().unwrap().to_string(), "disk full");
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let good = serde_json::to_string(&rejected_write()).unwrap();
        let text = format!("{good}\n\n{{\"index\": 1}}\nnot json\n{good}\n");
        let results: Vec<_> = read_trace(text.as_bytes()).collect();
        assert_eq!(results.len(), 4);
        assert!(results[0].is_ok() && results[3].is_ok());
        let missing = results[1].as_ref().unwrap_err();
        assert_eq!(missing.line, 3);
        assert_eq!(missing.to_string(), "line 3, column 12: missing field `time_ms`");
        let garbage = results[2].as_ref().unwrap_err();
        assert_eq!(garbage.line, 4, "{garbage}");
    }

    /// The JSON lines in docs/trace.md read, and render as the doc shows.
    #[test]
    fn documented_example_reads_and_renders() {
        let doc = include_str!("../../docs/trace.md");
        let json = doc.split("```json\n").nth(1).unwrap().split("```").next().unwrap();
        let rendered = doc.split("```text\n").nth(1).unwrap().split("```").next().unwrap();
        let records: Vec<_> = read_trace(json.as_bytes()).collect::<Result<_, _>>().unwrap();
        let lines: Vec<_> = records.iter().map(render).collect();
        assert_eq!(lines, rendered.lines().collect::<Vec<_>>());
    }
}
