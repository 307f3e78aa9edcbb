//! `burnbench raw`: one CDB against the emulated drive or a real one (`--device`), like sg_raw.

use super::line;
use super::target::WriteDeviceArgs;
use crate::adapter::command_class::may_write;
use crate::device::{DataPhase, ScsiDevice};
use crate::drive::Drive;
use crate::media::medium::Medium;
use crate::mmc::cdb::opcode_name;
use crate::mmc::sense_data::{SenseDataRepr, SenseKeySpecific};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RawArgs {
    /// Media image (or .iso) in the drive
    #[arg(long, required_unless_present = "device", conflicts_with = "device")]
    media: Option<PathBuf>,
    #[command(flatten)]
    target: WriteDeviceArgs,
    /// Drive model: bd-writer, dvd-writer or cd-rw
    #[arg(long, default_value = "bd-writer", conflicts_with = "device")]
    drive: String,
    /// Send this file as the data-out phase
    #[arg(long, conflicts_with = "data_in")]
    data_out: Option<PathBuf>,
    /// Accept up to LEN bytes of data in
    #[arg(long, value_name = "LEN")]
    data_in: Option<usize>,
    /// Write the medium back to the media image (otherwise the image does not change)
    #[arg(long, conflicts_with = "device")]
    save: bool,
    /// A drive just powered on: the power-on unit attention is not consumed first
    #[arg(long, conflicts_with = "device")]
    fresh: bool,
    /// The CDB as hex bytes, e.g. `12 00 00 00 24 00` or `120000002400`
    #[arg(required = true, value_name = "CDB-HEX")]
    cdb: Vec<String>,
}

/// Parse hex bytes given as separate words or run together.
pub fn parse_hex(words: &[String]) -> Result<Vec<u8>, String> {
    let digits: Vec<char> = words
        .concat()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    if let Some(bad) = digits.iter().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!("not a hex digit: {:?} in {:?}", bad, words.join(" ")));
    }
    if !digits.len().is_multiple_of(2) {
        return Err(format!("CDB hex has an odd number of digits: {}", words.join(" ")));
    }
    Ok(digits
        .chunks(2)
        .map(|pair| (pair[0].to_digit(16).unwrap_or(0) * 16 + pair[1].to_digit(16).unwrap_or(0)) as u8)
        .collect())
}

/// The most `--data-in` may ask for: more than any one command moves (READ(12) of a BD layer is
/// below it), and an allocation the machine can always make.
const MAX_DATA_IN: usize = 64 * 1024 * 1024;

pub fn run(args: RawArgs) -> Result<(), String> {
    let cdb = parse_hex(&args.cdb)?;
    if args.data_in.is_some_and(|n| n > MAX_DATA_IN) {
        return Err(format!("--data-in: at most {MAX_DATA_IN} bytes (64 MiB)"));
    }
    let out_data = match &args.data_out {
        Some(path) => std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?,
        None => Vec::new(),
    };
    let exchange = Exchange {
        cdb: &cdb,
        out_data: args.data_out.as_ref().map(|_| &out_data[..]),
        data_in: args.data_in,
    };
    if let Some(path) = args.target.device() {
        let writes = may_write(&cdb, out_data.len()).then(|| command_name(&cdb));
        let mut device = args.target.open(path, writes.as_deref())?;
        return exchange.send(&mut device);
    }
    // clap requires one of --media and --device.
    let media = args.media.as_ref().ok_or("give --media PATH or --device /dev/srN")?;
    let model = super::media::drive_model(&args.drive)?;
    let medium = if args.save {
        Medium::open(media, None)
    } else {
        Medium::open_scratch(media, None)
    }
    .map_err(line)?;
    let mut drive = Drive::with_medium(model, medium);
    if !args.fresh {
        drive.settle();
    }
    exchange.send(&mut drive)?;
    if args.save {
        drive.commit().map_err(line)?;
    }
    Ok(())
}

/// `WRITE(10) (2Ah)`.
fn command_name(cdb: &[u8]) -> String {
    let code = cdb.first().copied().unwrap_or(0);
    format!("{} ({code:02X}h)", opcode_name(code).unwrap_or("unknown opcode"))
}

/// One CDB and its data phase, sent to any device and printed.
struct Exchange<'a> {
    cdb: &'a [u8],
    out_data: Option<&'a [u8]>,
    data_in: Option<usize>,
}

impl Exchange<'_> {
    fn send(&self, device: &mut dyn ScsiDevice) -> Result<(), String> {
        let mut in_data = vec![0u8; self.data_in.unwrap_or(0)];
        let phase = match (self.out_data, self.data_in) {
            (Some(out), _) => DataPhase::Out(out),
            (None, Some(_)) => DataPhase::In(&mut in_data),
            (None, None) => DataPhase::None,
        };
        let completion = device.execute(self.cdb, phase).map_err(line)?;
        let name = self
            .cdb
            .first()
            .and_then(|&c| opcode_name(c))
            .unwrap_or("unknown opcode");
        println!("{name}: {}", hex_line(self.cdb));
        if completion.is_good() {
            println!("status: GOOD");
        } else {
            println!("status: CHECK CONDITION");
            println!("sense: {}", hex_line(&completion.sense));
            if let Some(sense) = completion.sense_data() {
                println!("       {}", describe_sense(&sense));
            }
        }
        if self.data_in.is_some() {
            let moved = in_data.len() - completion.residual.min(in_data.len());
            println!("data in: {moved} bytes (residual {})", completion.residual);
            print!("{}", hex_dump(&in_data[..moved]));
        } else if let Some(out) = self.out_data {
            println!("data out: {} bytes (residual {})", out.len(), completion.residual);
        }
        Ok(())
    }
}

/// `5/24/00 INVALID_FIELD_IN_CDB (invalid field in CDB), field pointer: CDB byte 2`.
pub fn describe_sense(sense: &SenseDataRepr) -> String {
    let mut text = sense.sense.to_string();
    if let Some(entry) = sense.sense.entry() {
        text += &format!(" ({})", entry.description);
    }
    if sense.deferred {
        text += ", deferred";
    }
    if let Some(information) = sense.information {
        text += &format!(", information {information} ({information:#x})");
    }
    match sense.key_specific {
        SenseKeySpecific::None => {}
        SenseKeySpecific::Progress(p) => text += &format!(", progress {:.1}%", f64::from(p) * 100.0 / 65536.0),
        SenseKeySpecific::FieldPointer(pointer) => text += &format!(", field pointer: {pointer}"),
        SenseKeySpecific::Other(bytes) => text += &format!(", key specific {}", hex_line(&bytes)),
    }
    text
}

fn hex_line(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// Classic hex dump: offset, 16 bytes, ASCII.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        out += &format!("  {:08x}  {:<47}  {ascii}\n", i * 16, hex_line(chunk));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_in_words_or_run_together() {
        assert_eq!(
            parse_hex(&["12".into(), "00".into(), "0000 2400".into()]).unwrap(),
            vec![0x12, 0, 0, 0, 0x24, 0]
        );
        assert!(parse_hex(&["123".into()]).unwrap_err().contains("odd number"));
        assert!(parse_hex(&["zz".into()]).unwrap_err().contains("not a hex digit: 'z'"));
        // Multi-byte characters are refused, not sliced (issue 14 reproducer `aé1`).
        assert!(parse_hex(&["aé1".into()]).unwrap_err().contains("not a hex digit: 'é'"));
    }

    #[test]
    fn dump_shows_offsets_and_ascii() {
        assert_eq!(
            hex_dump(b"BURNBNCH"),
            "  00000000  42 55 52 4e 42 4e 43 48                          BURNBNCH\n"
        );
    }
}
