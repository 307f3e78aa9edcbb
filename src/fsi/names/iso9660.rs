//! ISO 9660 identifiers (udf-iso.md §1.1, §1.6): d-characters `A–Z 0–9 _` only; level 1 is 8.3
//! for files and 8 for directories, levels 2 and 3 allow 30 characters of name plus extension
//! for files and 31 for directories. The `;1` version is added when records are written.

use super::{NameRules, Shaped, truncate_units};

pub struct Iso9660Names {
    pub level: u32,
}

/// A character as a d-character: upper case, anything else `_`.
fn d_char(c: char) -> char {
    match c {
        'a'..='z' => c.to_ascii_uppercase(),
        'A'..='Z' | '0'..='9' | '_' => c,
        _ => '_',
    }
}

fn d_chars(text: &str) -> String {
    text.chars().map(d_char).collect()
}

impl NameRules for Iso9660Names {
    fn file_system(&self) -> &'static str {
        "ISO9660"
    }

    fn shape(&self, name: &str, is_dir: bool) -> Shaped {
        if is_dir {
            let max = if self.level == 1 { 8 } else { 31 };
            let stem = truncate_units(self, &d_chars(name), max);
            return Shaped {
                stem,
                extension: String::new(),
                stem_max_units: max,
            };
        }
        // The extension is what follows the last dot; a leading dot (".profile") starts no extension.
        let (stem, ext) = match name.rfind('.') {
            Some(at) if at > 0 => (d_chars(&name[..at]), d_chars(&name[at + 1..])),
            _ => (d_chars(name), String::new()),
        };
        let (stem_max, ext_max) = if self.level == 1 {
            (8, 3)
        } else if stem.len() + ext.len() <= 30 {
            (30 - ext.len(), ext.len())
        } else {
            // Keep a useful part of both: the extension up to what the stem leaves, at least 3.
            let ext_max = ext.len().min(3.max(30usize.saturating_sub(stem.len())));
            (30 - ext_max, ext_max)
        };
        let ext = truncate_units(self, &ext, ext_max);
        // A file identifier always records SEPARATOR 1, even with an empty extension (§1.6).
        Shaped {
            stem: truncate_units(self, &stem, stem_max),
            extension: format!(".{ext}"),
            stem_max_units: stem_max,
        }
    }

    fn units(&self, text: &str) -> usize {
        text.len()
    }

    fn fold(&self, text: &str) -> String {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::unique_names;
    use super::*;

    fn shape(level: u32, name: &str, is_dir: bool) -> String {
        let s = Iso9660Names { level }.shape(name, is_dir);
        format!("{}{}", s.stem, s.extension)
    }

    #[test]
    fn level_1_is_eight_dot_three() {
        assert_eq!(shape(1, "readme.markdown", false), "README.MAR");
        assert_eq!(shape(1, "Makefile", false), "MAKEFILE.");
        assert_eq!(shape(1, "a long directory", true), "A_LONG_D");
        assert_eq!(shape(1, ".profile", false), "_PROFILE.");
        assert_eq!(shape(1, "archive.tar.gz", false), "ARCHIVE_.GZ");
    }

    #[test]
    fn level_2_allows_thirty_characters() {
        assert_eq!(shape(2, "readme.markdown", false), "README.MARKDOWN");
        let long = shape(2, &format!("{}.txt", "x".repeat(40)), false);
        assert_eq!(long, format!("{}.TXT", "X".repeat(27)));
        assert_eq!(shape(2, &"d".repeat(40), true), "D".repeat(31));
        assert_eq!(shape(3, "café.txt", false), "CAF_.TXT");
    }

    #[test]
    fn case_twins_after_mapping_get_counters() {
        let rules = Iso9660Names { level: 2 };
        let names = unique_names(&rules, "/", &[("a-b.txt", false), ("a_b.txt", false)]).unwrap();
        assert_eq!(names, ["A_B0.TXT", "A_B.TXT"]);
    }
}
