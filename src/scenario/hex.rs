//! Bytes as scenario files write them: hex pairs separated by spaces (`"51 00 00 00 00 00 00 00 22 00"`),
//! and byte patterns for expectations in which `??` matches any byte (`"00 20 ?? 01"`).

use serde::Deserialize;
use std::fmt;

/// Plain bytes written as hex (`"2a 00 00 00 00 10 00 00 01 00"`). Spaces, `:` and line breaks
/// between bytes are optional; `??` is refused (use a [`BytePattern`] where any byte may match).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct HexBytes(pub Vec<u8>);

impl TryFrom<String> for HexBytes {
    type Error = String;

    fn try_from(text: String) -> Result<HexBytes, String> {
        let pattern = BytePattern::try_from(text.clone())?;
        if pattern.0.iter().any(Option::is_none) {
            return Err(format!("`??` is not allowed here (plain hex bytes expected): {text:?}"));
        }
        Ok(HexBytes(pattern.0.into_iter().flatten().collect()))
    }
}

/// Bytes to compare with, where `??` matches any byte (`"00 20 ?? 01"`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct BytePattern(pub Vec<Option<u8>>);

impl TryFrom<String> for BytePattern {
    type Error = String;

    fn try_from(text: String) -> Result<BytePattern, String> {
        let digits: Vec<char> = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ':' && *c != '_')
            .collect();
        if !digits.len().is_multiple_of(2) {
            return Err(format!(
                "expected hex bytes like \"51 00 ?? 01\", found an odd number of digits in {text:?}"
            ));
        }
        let mut bytes = Vec::with_capacity(digits.len() / 2);
        for pair in digits.chunks(2) {
            let pair: String = pair.iter().collect();
            if pair == "??" {
                bytes.push(None);
                continue;
            }
            let byte = u8::from_str_radix(&pair, 16)
                .map_err(|_| format!("expected hex bytes like \"51 00 ?? 01\", found {pair:?} in {text:?}"))?;
            bytes.push(Some(byte));
        }
        Ok(BytePattern(bytes))
    }
}

impl BytePattern {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first position where `actual` (at least as long as the pattern) differs.
    pub fn first_mismatch(&self, actual: &[u8]) -> Option<usize> {
        self.0
            .iter()
            .zip(actual)
            .position(|(want, got)| want.is_some_and(|w| w != *got))
    }
}

impl fmt::Display for BytePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            match byte {
                Some(b) => write!(f, "{b:02x}")?,
                None => f.write_str("??")?,
            }
        }
        Ok(())
    }
}

/// Lower-case hex pairs separated by spaces; longer runs are cut after `limit` bytes with `…`.
pub fn hex_limited(bytes: &[u8], limit: usize) -> String {
    let mut text = crate::drive::trace::hex(&bytes[..bytes.len().min(limit)]);
    if bytes.len() > limit {
        text.push_str(&format!(" … ({} bytes)", bytes.len()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_with_or_without_spaces() {
        assert_eq!(
            HexBytes::try_from("12 00 0000 24:00".to_string()).unwrap().0,
            vec![0x12, 0, 0, 0, 0x24, 0]
        );
        assert!(
            HexBytes::try_from("12 0".to_string())
                .unwrap_err()
                .contains("odd number")
        );
        assert!(HexBytes::try_from("zz".to_string()).unwrap_err().contains("\"zz\""));
        assert!(
            HexBytes::try_from("12 ??".to_string())
                .unwrap_err()
                .contains("not allowed")
        );
    }

    #[test]
    fn wildcards_match_any_byte() {
        let pattern = BytePattern::try_from("00 20 ?? 01".to_string()).unwrap();
        assert_eq!(pattern.first_mismatch(&[0, 0x20, 0x77, 1]), None);
        assert_eq!(pattern.first_mismatch(&[0, 0x21, 0x77, 1]), Some(1));
        assert_eq!(pattern.to_string(), "00 20 ?? 01");
    }
}
