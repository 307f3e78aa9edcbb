//! File-system-specific names: each file system records an item's name in its own alphabet and
//! length limit, and the recorded names of one directory must stay unique. A name that does not
//! survive the mapping unchanged gets a decimal counter in place of its end ("LONGNA01.TXT").
//!
//! Every file system's rules are a [`NameRules`]; [`unique_names`] does the rest.

pub mod iso9660;
pub mod joliet;

use crate::hresult::{HResult, ImapiError};
use std::collections::{HashMap, HashSet};

/// A name shaped for one file system, before it is made unique: `stem` + `extension` (the
/// extension includes its leading `.`, or is empty), with the most units the stem may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shaped {
    pub stem: String,
    pub extension: String,
    pub stem_max_units: usize,
}

/// How one file system records names.
pub trait NameRules {
    /// The file system's name in errors (`%2!ls!` of IMAPI_E_NO_UNIQUE_NAME).
    fn file_system(&self) -> &'static str;
    /// `name` in this file system's alphabet and limits.
    fn shape(&self, name: &str, is_dir: bool) -> Shaped;
    /// Length in the units the limits count (bytes for ISO 9660, UTF-16 units for Joliet).
    fn units(&self, text: &str) -> usize;
    /// The form two names are compared in for uniqueness.
    fn fold(&self, text: &str) -> String;
}

/// Widest counter tried before giving up with IMAPI_E_NO_UNIQUE_NAME: 4 digits, so a directory
/// may hold up to 11 111 items that shape to the same name (the shape itself and counters
/// 0–9, 00–99, 000–999 and 0000–9999).
pub const MAX_COUNTER_DIGITS: usize = 4;

/// Distinct names a shape can give: itself and the counters of up to four digits.
const FULL_CAPACITY: usize = 1 + 10 + 100 + 1_000 + 10_000;

/// Whether a stem leaves room for fewer than four counter digits under some rules we write
/// (an ISO 9660 level 2 name with a very long extension, a Joliet name like `a.<60 characters>`).
pub fn has_short_stem(name: &str, is_dir: bool) -> bool {
    let rules: [&dyn NameRules; 3] = [
        &iso9660::Iso9660Names { level: 1 },
        &iso9660::Iso9660Names { level: 2 },
        &joliet::JolietNames,
    ];
    rules
        .iter()
        .any(|r| r.shape(name, is_dir).stem_max_units < MAX_COUNTER_DIGITS)
}

/// Whether [`unique_names`] is sure to succeed for a directory of `items` items of which
/// `short_stems` have [`has_short_stem`], without computing a single name: every item has at least
/// as many candidate names as there are items (11 with a one-digit counter; 11 111 when the stem
/// allows four digits), and the names the others take can never exhaust them. Checking each Add
/// then costs nothing except in directories of more than 11 111 items or with odd names.
pub fn unique_by_construction(items: usize, short_stems: usize) -> bool {
    items <= 11 || (short_stems == 0 && items <= FULL_CAPACITY)
}

/// Recorded names for the items of one directory, in the order given (`(name, is_dir)`; callers
/// pass a stable order so that the same tree always gets the same names). Names that shape
/// uniquely keep their shape; the others get counters. Fails with IMAPI_E_NO_UNIQUE_NAME naming
/// the item (`dir_path` + name) when no counter is free.
pub fn unique_names(rules: &dyn NameRules, dir_path: &str, items: &[(&str, bool)]) -> Result<Vec<String>, ImapiError> {
    let shaped: Vec<Shaped> = items.iter().map(|(name, is_dir)| rules.shape(name, *is_dir)).collect();
    let mut taken: HashSet<String> = HashSet::with_capacity(items.len());
    let mut names: Vec<Option<String>> = vec![None; items.len()];
    // Names that shape to themselves (up to case) keep them first, then every other shape goes
    // to the first item that has it, so that a counter never takes a name some item has naturally.
    let full_names: Vec<String> = shaped.iter().map(|s| format!("{}{}", s.stem, s.extension)).collect();
    let unchanged = |i: usize| full_names[i].to_lowercase() == items[i].0.to_lowercase();
    for tier_unchanged in [true, false] {
        for (i, full) in full_names.iter().enumerate() {
            if names[i].is_none() && unchanged(i) == tier_unchanged && taken.insert(rules.fold(full)) {
                names[i] = Some(full.clone());
            }
        }
    }
    // Then the rest get counters; the next counter per shape is remembered, so a directory of
    // thousands of similar names costs linear time.
    let mut next_counter: HashMap<String, (usize, u32)> = HashMap::new();
    for (i, s) in shaped.iter().enumerate() {
        if names[i].is_some() {
            continue;
        }
        let group = rules.fold(&full_names[i]);
        let (mut digits, mut counter) = next_counter.get(&group).copied().unwrap_or((1, 0));
        let found = loop {
            if digits > MAX_COUNTER_DIGITS || digits > s.stem_max_units {
                break None;
            }
            if counter >= 10u32.pow(digits as u32) {
                digits += 1;
                counter = 0;
                continue;
            }
            let stem = truncate_units(rules, &s.stem, s.stem_max_units - digits);
            let candidate = format!("{stem}{counter:0digits$}{}", s.extension);
            counter += 1;
            if taken.insert(rules.fold(&candidate)) {
                break Some(candidate);
            }
        };
        next_counter.insert(group, (digits, counter));
        match found {
            Some(name) => names[i] = Some(name),
            None => {
                let path = if dir_path.ends_with('/') {
                    format!("{dir_path}{}", items[i].0)
                } else {
                    format!("{dir_path}/{}", items[i].0)
                };
                return Err(ImapiError::with(
                    HResult::IMAPI_E_NO_UNIQUE_NAME,
                    [path, rules.file_system().to_string()],
                ));
            }
        }
    }
    Ok(names.into_iter().map(|n| n.expect("every item named")).collect())
}

/// The longest prefix of `text` that fits `max_units`, never splitting a character.
pub fn truncate_units(rules: &dyn NameRules, text: &str, max_units: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let mut next = out.clone();
        next.push(c);
        if rules.units(&next) > max_units {
            break;
        }
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::iso9660::Iso9660Names;
    use super::*;

    #[test]
    fn natural_names_win_over_counters() {
        let rules = Iso9660Names { level: 1 };
        let items = [
            ("longname1.txt", false),
            ("LONGNAME.TXT", false),
            ("longname2.txt", false),
        ];
        let names = unique_names(&rules, "/", &items).unwrap();
        assert_eq!(names, ["LONGNAM0.TXT", "LONGNAME.TXT", "LONGNAM1.TXT"]);
    }

    #[test]
    fn capacity_shortcut() {
        assert!(unique_by_construction(11, 5));
        assert!(!unique_by_construction(12, 1));
        assert!(unique_by_construction(11_111, 0));
        assert!(!unique_by_construction(11_112, 0));
        assert!(!has_short_stem("readme.txt", false));
        assert!(has_short_stem(&format!("a.{}", "x".repeat(60)), false));
        // Such names really do run out early: a 1-character stem has 1 + 10 names.
        let rules = Iso9660Names { level: 2 };
        let owned: Vec<String> = (0..12).map(|i| format!("a.{}{i:03}", "x".repeat(40))).collect();
        let items: Vec<(&str, bool)> = owned.iter().map(|n| (n.as_str(), false)).collect();
        assert_eq!(
            unique_names(&rules, "/", &items).unwrap_err().code,
            HResult::IMAPI_E_NO_UNIQUE_NAME
        );
        assert!(unique_names(&rules, "/", &items[..11]).is_ok());
    }

    #[test]
    fn counters_run_out_with_no_unique_name() {
        let rules = Iso9660Names { level: 1 };
        let owned: Vec<String> = (0..11_112).map(|i| format!("samename{i:05}")).collect();
        let items: Vec<(&str, bool)> = owned.iter().map(|n| (n.as_str(), true)).collect();
        let err = unique_names(&rules, "/d", &items).unwrap_err();
        assert_eq!(err.code, HResult::IMAPI_E_NO_UNIQUE_NAME);
        assert_eq!(err.params, ["/d/samename11111", "ISO9660"]);
        assert!(unique_names(&rules, "/d", &items[..11_111]).is_ok());
    }
}
