//! `burnbench raw`: one CDB against the emulated drive, like sg_raw against a real one.

use super::line;
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
    #[arg(long)]
    media: PathBuf,
    /// Drive model: bd-writer, dvd-writer or cd-rw
    #[arg(long, default_value = "bd-writer")]
    drive: String,
    /// Send this file as the data-out phase
    #[arg(long, conflicts_with = "data_in")]
    data_out: Option<PathBuf>,
    /// Accept up to LEN bytes of data in
    #[arg(long, value_name = "LEN")]
    data_in: Option<usize>,
    /// Write the medium back to the media image (otherwise the image does not change)
    #[arg(long)]
    save: bool,
    /// A drive just powered on: the power-on unit attention is not consumed first
    #[arg(long)]
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
    let model = super::media::drive_model(&args.drive)?;
    let medium = if args.save {
        Medium::open(&args.media, None)
    } else {
        Medium::open_scratch(&args.media, None)
    }
    .map_err(line)?;
    let mut drive = Drive::with_medium(model, medium);
    if !args.fresh {
        drive.settle();
    }
    let out_data = match &args.data_out {
        Some(path) => std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?,
        None => Vec::new(),
    };
    let mut in_data = vec![0u8; args.data_in.unwrap_or(0)];
    let phase = if args.data_out.is_some() {
        DataPhase::Out(&out_data)
    } else if args.data_in.is_some() {
        DataPhase::In(&mut in_data)
    } else {
        DataPhase::None
    };
    let completion = drive.execute(&cdb, phase).map_err(line)?;
    let name = cdb.first().and_then(|&c| opcode_name(c)).unwrap_or("unknown opcode");
    println!("{name}: {}", hex_line(&cdb));
    if completion.is_good() {
        println!("status: GOOD");
    } else {
        println!("status: CHECK CONDITION");
        println!("sense: {}", hex_line(&completion.sense));
        if let Some(sense) = completion.sense_data() {
            println!("       {}", describe_sense(&sense));
        }
    }
    if args.data_in.is_some() {
        let moved = in_data.len() - completion.residual;
        println!("data in: {moved} bytes (residual {})", completion.residual);
        print!("{}", hex_dump(&in_data[..moved]));
    } else if args.data_out.is_some() {
        println!("data out: {} bytes (residual {})", out_data.len(), completion.residual);
    }
    if args.save {
        drive.commit().map_err(line)?;
    }
    Ok(())
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
