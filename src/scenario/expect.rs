//! Comparing what a command answered with what the step expects.

use super::command::{BLOCK_BYTES, pattern_blocks};
use super::fields;
use super::hex::hex_limited;
use super::schema::{DataCheck, Expect, FieldPointerSpec, ProgressSpec};
use crate::device::Completion;
use crate::mmc::Sense;
use crate::mmc::sense_data::{SenseDataRepr, SenseKeySpecific};

/// What one command did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The completion, or the transport error when the command never completed.
    pub completion: Result<Completion, String>,
    /// The bytes transferred in.
    pub data_in: Vec<u8>,
}

/// Why a step did not meet its expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub expected: String,
    pub actual: String,
}

impl Outcome {
    /// `GOOD, 34 bytes in [00 20 0e …]`, `CHECK CONDITION 5/21/02 INVALID_ADDRESS_FOR_WRITE`.
    pub fn describe(&self) -> String {
        match &self.completion {
            Err(error) => format!("NO COMPLETION ({error})"),
            Ok(completion) => {
                let mut text = if completion.is_good() {
                    "GOOD".to_string()
                } else {
                    match completion.sense_data() {
                        Some(sense) => format!("CHECK CONDITION {}", describe_sense(&sense)),
                        None => format!(
                            "CHECK CONDITION with unreadable sense [{}]",
                            hex_limited(&completion.sense, 18)
                        ),
                    }
                };
                if !self.data_in.is_empty() {
                    text += &format!(", {} bytes in [{}]", self.data_in.len(), hex_limited(&self.data_in, 16));
                }
                if completion.residual > 0 && completion.is_good() {
                    text += &format!(", residual {}", completion.residual);
                }
                text
            }
        }
    }
}

/// `5/21/00 LBA_OUT_OF_RANGE, information 360000, deferred, progress 32768`.
pub fn describe_sense(sense: &SenseDataRepr) -> String {
    let mut text = sense.sense.to_string();
    if sense.deferred {
        text += ", deferred";
    }
    if let Some(information) = sense.information {
        text += &format!(", information {information}");
    }
    match sense.key_specific {
        SenseKeySpecific::None => {}
        SenseKeySpecific::Progress(p) => text += &format!(", progress {p}"),
        SenseKeySpecific::FieldPointer(pointer) => text += &format!(", field pointer {pointer}"),
        SenseKeySpecific::Other(bytes) => text += &format!(", key specific {}", crate::drive::trace::hex(&bytes)),
    }
    text
}

/// Compare an outcome with an expectation; `lba` is the first block the CDB addresses.
pub fn check(expect: &Expect, outcome: &Outcome, lba: Option<u32>) -> Result<(), Mismatch> {
    let fail = |why: String| Mismatch {
        expected: describe_expect(expect),
        actual: if why.is_empty() {
            outcome.describe()
        } else {
            format!("{} — {why}", outcome.describe())
        },
    };
    match (expect, &outcome.completion) {
        (Expect::NoCompletion, Err(_)) => Ok(()),
        (_, Err(_)) | (Expect::NoCompletion, Ok(_)) => Err(fail(String::new())),
        (
            Expect::Good {
                data,
                fields: decoded,
                residual,
            },
            Ok(completion),
        ) => {
            if !completion.is_good() {
                return Err(fail(String::new()));
            }
            let mut problems = Vec::new();
            if let Some(data) = data
                && let Err(why) = check_data(data, &outcome.data_in, lba)
            {
                problems.push(why);
            }
            if let Some(decoded) = decoded
                && let Err(why) = fields::check(decoded, &outcome.data_in)
            {
                problems.push(why);
            }
            if let Some(residual) = residual
                && *residual != completion.residual
            {
                problems.push(format!("residual {} (expected {residual})", completion.residual));
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(fail(problems.join("; ")))
            }
        }
        (
            Expect::Check {
                sense,
                deferred,
                information,
                progress,
                field_pointer,
                data,
            },
            Ok(completion),
        ) => {
            if completion.is_good() {
                return Err(fail(String::new()));
            }
            let Some(actual) = completion.sense_data() else {
                return Err(fail("the sense data cannot be parsed".into()));
            };
            let mut problems = sense_problems(&actual, sense.0, *deferred, *information, *progress);
            if let Some(pointer) = field_pointer
                && let Err(why) = check_field_pointer(*pointer, actual.key_specific)
            {
                problems.push(why);
            }
            if let Some(data) = data
                && let Err(why) = check_data(data, &outcome.data_in, lba)
            {
                problems.push(why);
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(fail(problems.join("; ")))
            }
        }
    }
}

/// The differences between parsed sense data and what is expected of it.
pub fn sense_problems(
    actual: &SenseDataRepr,
    sense: Sense,
    deferred: bool,
    information: Option<u32>,
    progress: Option<ProgressSpec>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if actual.sense != sense {
        problems.push(format!("sense {} (expected {sense})", actual.sense));
    }
    if actual.deferred != deferred {
        problems.push(if deferred {
            "current sense (70h), expected deferred (71h)".to_string()
        } else {
            "deferred sense (71h), expected current (70h)".to_string()
        });
    }
    if let Some(information) = information
        && actual.information != Some(information)
    {
        problems.push(match actual.information {
            Some(got) => format!("information {got} (expected {information})"),
            None => format!("no valid information (expected {information})"),
        });
    }
    if let Some(progress) = progress {
        let got = match actual.key_specific {
            SenseKeySpecific::Progress(value) => Some(value),
            _ => None,
        };
        let ok = match progress {
            ProgressSpec::Present => got.is_some(),
            ProgressSpec::Absent => got.is_none(),
            ProgressSpec::Value(value) => got == Some(value),
        };
        if !ok {
            problems.push(format!(
                "progress {} (expected {})",
                got.map_or("absent".to_string(), |v| v.to_string()),
                match progress {
                    ProgressSpec::Present => "present".to_string(),
                    ProgressSpec::Absent => "absent".to_string(),
                    ProgressSpec::Value(v) => v.to_string(),
                }
            ));
        }
    }
    problems
}

fn check_field_pointer(expected: FieldPointerSpec, actual: SenseKeySpecific) -> Result<(), String> {
    let got = match actual {
        SenseKeySpecific::FieldPointer(pointer) => Some(pointer),
        _ => None,
    };
    let want = match expected {
        FieldPointerSpec::Absent => None,
        FieldPointerSpec::Cdb { byte, bit } => Some(crate::mmc::FieldPointer::cdb(byte, bit)),
        FieldPointerSpec::Parameter { byte, bit } => Some(crate::mmc::FieldPointer::parameter(byte, bit)),
    };
    if got == want {
        Ok(())
    } else {
        let show = |p: Option<crate::mmc::FieldPointer>| p.map_or("no field pointer".to_string(), |p| p.to_string());
        Err(format!("field pointer: {} (expected {})", show(got), show(want)))
    }
}

/// Compare the transferred bytes with a data check.
pub fn check_data(check: &DataCheck, data: &[u8], lba: Option<u32>) -> Result<(), String> {
    match check {
        DataCheck::Exact(pattern) => {
            if data.len() != pattern.len() {
                return Err(format!(
                    "{} bytes transferred, expected exactly {}",
                    data.len(),
                    pattern.len()
                ));
            }
            match pattern.first_mismatch(data) {
                None => Ok(()),
                Some(at) => Err(byte_mismatch(at, data, &pattern.0)),
            }
        }
        DataCheck::Prefix(pattern) => {
            if data.len() < pattern.len() {
                return Err(format!(
                    "{} bytes transferred, expected at least {}",
                    data.len(),
                    pattern.len()
                ));
            }
            match pattern.first_mismatch(data) {
                None => Ok(()),
                Some(at) => Err(byte_mismatch(at, data, &pattern.0)),
            }
        }
        DataCheck::At { offset, bytes } => {
            if data.len() < offset + bytes.len() {
                return Err(format!(
                    "{} bytes transferred, expected at least {} (bytes {offset}..)",
                    data.len(),
                    offset + bytes.len()
                ));
            }
            match bytes.first_mismatch(&data[*offset..]) {
                None => Ok(()),
                Some(at) => Err(byte_mismatch(offset + at, data, &{
                    let mut want = vec![None; *offset];
                    want.extend_from_slice(&bytes.0);
                    want
                })),
            }
        }
        DataCheck::Length(length) => {
            if data.len() == *length {
                Ok(())
            } else {
                Err(format!("{} bytes transferred, expected {length}", data.len()))
            }
        }
        DataCheck::Blocks { count, pattern } => {
            let want = pattern_blocks(*pattern, lba.unwrap_or(0), *count);
            if data.len() != want.len() {
                return Err(format!(
                    "{} bytes transferred, expected {count} blocks ({} bytes)",
                    data.len(),
                    want.len()
                ));
            }
            match data.iter().zip(&want).position(|(a, b)| a != b) {
                None => Ok(()),
                Some(at) => Err(format!(
                    "block {} (byte {} of it) differs from the pattern: {:02x}, expected {:02x}",
                    at / BLOCK_BYTES,
                    at % BLOCK_BYTES,
                    data[at],
                    want[at]
                )),
            }
        }
        DataCheck::All(checks) => {
            let problems: Vec<String> = checks.iter().filter_map(|c| check_data(c, data, lba).err()).collect();
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("; "))
            }
        }
    }
}

fn byte_mismatch(at: usize, data: &[u8], want: &[Option<u8>]) -> String {
    let from = at.saturating_sub(4);
    let to = (at + 8).min(data.len()).min(want.len().max(at + 1));
    let expected: Vec<String> = want[from..to.min(want.len())]
        .iter()
        .map(|b| b.map_or("??".to_string(), |b| format!("{b:02x}")))
        .collect();
    format!(
        "byte {at} is {:02x}, expected {}; bytes {from}..: [{}], expected [{}]",
        data[at],
        want[at].map_or("any".to_string(), |b| format!("{b:02x}")),
        crate::drive::trace::hex(&data[from..to]),
        expected.join(" ")
    )
}

/// `CHECK CONDITION 5/21/02 INVALID_ADDRESS_FOR_WRITE` and the details asked for.
pub fn describe_expect(expect: &Expect) -> String {
    match expect {
        Expect::NoCompletion => "NO COMPLETION (the command times out)".into(),
        Expect::Good {
            data,
            fields: decoded,
            residual,
        } => {
            let mut text = "GOOD".to_string();
            if let Some(data) = data {
                text += &format!(", data {}", describe_data(data));
            }
            if decoded.is_some() {
                text += ", with the fields given";
            }
            if let Some(residual) = residual {
                text += &format!(", residual {residual}");
            }
            text
        }
        Expect::Check {
            sense,
            deferred,
            information,
            progress,
            field_pointer,
            data,
        } => {
            let mut text = format!("CHECK CONDITION {}", sense.0);
            if *deferred {
                text += ", deferred";
            }
            if let Some(information) = information {
                text += &format!(", information {information}");
            }
            if let Some(progress) = progress {
                text += &format!(", progress {progress:?}");
            }
            if let Some(pointer) = field_pointer {
                text += &format!(", field pointer {pointer:?}");
            }
            if let Some(data) = data {
                text += &format!(", data {}", describe_data(data));
            }
            text
        }
    }
}

fn describe_data(check: &DataCheck) -> String {
    match check {
        DataCheck::Exact(p) => format!("exactly [{p}]"),
        DataCheck::Prefix(p) => format!("starting [{p}]"),
        DataCheck::At { offset, bytes } => format!("[{bytes}] at byte {offset}"),
        DataCheck::Length(n) => format!("of {n} bytes"),
        DataCheck::Blocks { count, pattern } => format!("{count} blocks of {pattern:?}"),
        DataCheck::All(checks) => checks.iter().map(describe_data).collect::<Vec<_>>().join(" and "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::hex::BytePattern;

    fn pattern(text: &str) -> BytePattern {
        BytePattern::try_from(text.to_string()).unwrap()
    }

    #[test]
    fn data_checks_find_the_first_difference() {
        let data = [0x00, 0x20, 0x0e, 0x01];
        assert!(check_data(&DataCheck::Exact(pattern("00 20 ?? 01")), &data, None).is_ok());
        assert!(check_data(&DataCheck::Exact(pattern("00 20 0e")), &data, None).is_err());
        assert!(check_data(&DataCheck::Prefix(pattern("00 20")), &data, None).is_ok());
        let why = check_data(&DataCheck::Prefix(pattern("00 21")), &data, None).unwrap_err();
        assert!(why.starts_with("byte 1 is 20, expected 21"), "{why}");
        let at = DataCheck::At {
            offset: 2,
            bytes: pattern("0e 02"),
        };
        assert!(
            check_data(&at, &data, None)
                .unwrap_err()
                .starts_with("byte 3 is 01, expected 02")
        );
        assert!(check_data(&DataCheck::Length(3), &data, None).is_err());
    }

    #[test]
    fn lba_pattern_blocks_catch_a_block_from_the_wrong_address() {
        let blocks = pattern_blocks(super::super::schema::Pattern::Lba, 16, 2);
        let check = DataCheck::Blocks {
            count: 2,
            pattern: super::super::schema::Pattern::Lba,
        };
        assert!(check_data(&check, &blocks, Some(16)).is_ok());
        let why = check_data(&check, &blocks, Some(17)).unwrap_err();
        assert!(why.starts_with("block 0 (byte 3 of it)"), "{why}");
    }
}
