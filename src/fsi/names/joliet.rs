//! Joliet names (udf-iso.md §1.7): UCS-2 big-endian, up to 64 characters, no control characters
//! and none of `* / : ; ? \`. Characters outside the BMP are recorded as UTF-16 surrogate pairs
//! (Windows and Linux read them) and count two units. Windows compares Joliet names ignoring case.

use super::{NameRules, Shaped, truncate_units};

/// Most UTF-16 units of a Joliet name (the 64 characters of the Joliet specification).
pub const MAX_JOLIET_UNITS: usize = 64;

/// Longest extension kept whole when a name has to be shortened.
const MAX_KEPT_EXTENSION_UNITS: usize = 16;

pub struct JolietNames;

fn joliet_char(c: char) -> char {
    if (c as u32) < 0x20 || matches!(c, '*' | '/' | ':' | ';' | '?' | '\\') {
        '_'
    } else {
        c
    }
}

impl NameRules for JolietNames {
    fn file_system(&self) -> &'static str {
        "Joliet"
    }

    fn shape(&self, name: &str, is_dir: bool) -> Shaped {
        let mapped: String = name.chars().map(joliet_char).collect();
        let units = self.units(&mapped);
        let split = if is_dir {
            None
        } else {
            mapped.rfind('.').filter(|&at| at > 0)
        };
        match split {
            Some(at) if units > MAX_JOLIET_UNITS && self.units(&mapped[at..]) <= MAX_KEPT_EXTENSION_UNITS => {
                let extension = mapped[at..].to_string();
                let stem_max = MAX_JOLIET_UNITS - self.units(&extension);
                Shaped {
                    stem: truncate_units(self, &mapped[..at], stem_max),
                    extension,
                    stem_max_units: stem_max,
                }
            }
            Some(at) if units <= MAX_JOLIET_UNITS => {
                let extension = mapped[at..].to_string();
                let stem_max = MAX_JOLIET_UNITS - self.units(&extension);
                Shaped {
                    stem: mapped[..at].to_string(),
                    extension,
                    stem_max_units: stem_max,
                }
            }
            _ => Shaped {
                stem: truncate_units(self, &mapped, MAX_JOLIET_UNITS),
                extension: String::new(),
                stem_max_units: MAX_JOLIET_UNITS,
            },
        }
    }

    fn units(&self, text: &str) -> usize {
        text.encode_utf16().count()
    }

    fn fold(&self, text: &str) -> String {
        text.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::super::unique_names;
    use super::*;

    fn shape(name: &str) -> String {
        let s = JolietNames.shape(name, false);
        format!("{}{}", s.stem, s.extension)
    }

    #[test]
    fn short_names_keep_case_and_characters() {
        assert_eq!(shape("Read Me (v2).txt"), "Read Me (v2).txt");
        assert_eq!(shape("what?.txt"), "what_.txt");
        assert_eq!(shape("日本語.txt"), "日本語.txt");
    }

    #[test]
    fn long_names_keep_their_extension() {
        let name = format!("{}.txt", "n".repeat(70));
        assert_eq!(shape(&name), format!("{}.txt", "n".repeat(60)));
        assert_eq!(shape(&"x".repeat(70)).len(), 64);
    }

    #[test]
    fn long_twins_get_counters() {
        let a = format!("{}a.txt", "n".repeat(70));
        let b = format!("{}b.txt", "n".repeat(70));
        let names = unique_names(&JolietNames, "/", &[(&a, false), (&b, false)]).unwrap();
        assert_eq!(names[0], format!("{}.txt", "n".repeat(60)));
        assert_eq!(names[1], format!("{}0.txt", "n".repeat(59)));
    }

    #[test]
    fn surrogate_pairs_count_two_units() {
        let name = "😀".repeat(40);
        let s = JolietNames.shape(&name, true);
        assert_eq!(s.stem.chars().count(), 32);
    }
}
