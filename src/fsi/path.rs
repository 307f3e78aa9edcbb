//! Paths inside the image (`/dir/file` or `\dir\file`) and the names of items.
//!
//! IMAPI2 takes image paths with either separator and requires a leading one (imapi2.md §2.1
//! Exists: "must start with `\` or `/`"); a badly formed path is `IMAPI_E_INVALID_PATH`.

use crate::hresult::{HResult, ImapiError, ImapiResult};

/// Longest item name, in UTF-16 code units (a Windows path component).
pub const MAX_NAME_UTF16: usize = 255;

/// Why a name is not usable for an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    DotOrDotDot,
    Separator,
    ControlCharacter,
    TooLong,
}

/// Checks one item name: not empty, not `.`/`..`, no separator, no control character (U+0000 to
/// U+001F), at most [`MAX_NAME_UTF16`] UTF-16 units. Characters that a file system cannot record
/// are replaced when that file system's names are made (ISO 9660, Joliet), not refused here, so a
/// tree from a Linux host with `:` or `?` in names still builds.
pub fn check_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if name == "." || name == ".." {
        return Err(NameProblem::DotOrDotDot);
    }
    if name.contains(['/', '\\']) {
        return Err(NameProblem::Separator);
    }
    if name.chars().any(|c| (c as u32) < 0x20) {
        return Err(NameProblem::ControlCharacter);
    }
    if name.encode_utf16().count() > MAX_NAME_UTF16 {
        return Err(NameProblem::TooLong);
    }
    Ok(())
}

/// `UseRestrictedCharacterSet` (imapi2.md §2.1, B111): names may hold only "ANSI" characters.
/// We take the ANSI code page to be Windows-1252 and approximate it by U+0001 to U+00FF.
pub fn is_restricted_charset(name: &str) -> bool {
    name.chars().all(|c| (c as u32) <= 0xFF)
}

/// Splits an absolute image path into its names. `/` and `\` both separate; the path must start
/// with one of them; repeated and trailing separators are allowed (`/a//b/`); every name must
/// pass [`check_name`]. The root is the empty list.
pub fn parse_image_path(path: &str) -> ImapiResult<Vec<&str>> {
    if !path.starts_with(['/', '\\']) {
        return Err(invalid_path(path));
    }
    let names: Vec<&str> = path.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
    if names.iter().any(|n| check_name(n).is_err()) {
        return Err(invalid_path(path));
    }
    Ok(names)
}

/// A path relative to a directory item (`a/b`, `\a`, or `` for the directory itself): like
/// [`parse_image_path`] without the leading-separator rule.
pub fn parse_relative_path(path: &str) -> ImapiResult<Vec<&str>> {
    let names: Vec<&str> = path.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
    if names.iter().any(|n| check_name(n).is_err()) {
        return Err(invalid_path(path));
    }
    Ok(names)
}

/// `/a/b` from names.
pub fn join(names: &[&str]) -> String {
    if names.is_empty() {
        return "/".to_string();
    }
    names.iter().fold(String::new(), |mut s, n| {
        s.push('/');
        s.push_str(n);
        s
    })
}

/// `/a/b` + `c` = `/a/b/c`.
pub fn child_path(parent: &str, name: &str) -> String {
    if parent == "/" {
        format!("/{name}")
    } else {
        format!("{parent}/{name}")
    }
}

pub fn invalid_path(path: &str) -> ImapiError {
    ImapiError::with(HResult::IMAPI_E_INVALID_PATH, [path])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_separators_and_a_leading_one() {
        assert_eq!(parse_image_path("/a/b").unwrap(), ["a", "b"]);
        assert_eq!(parse_image_path("\\a\\b\\").unwrap(), ["a", "b"]);
        assert_eq!(parse_image_path("/").unwrap(), Vec::<&str>::new());
        let err = parse_image_path("a/b").unwrap_err();
        assert_eq!(err.code, HResult::IMAPI_E_INVALID_PATH);
        assert_eq!(
            err.message(),
            "Path 'a/b' is badly formed or contains invalid characters."
        );
    }

    #[test]
    fn dot_names_and_control_characters_are_invalid() {
        assert!(parse_image_path("/a/../b").is_err());
        assert!(parse_image_path("/a/./b").is_err());
        assert!(parse_image_path("/a\u{1}b").is_err());
        assert_eq!(check_name(&"x".repeat(256)), Err(NameProblem::TooLong));
        assert_eq!(check_name("what?.txt"), Ok(()));
    }

    #[test]
    fn restricted_character_set_is_latin_1() {
        assert!(is_restricted_charset("café"));
        assert!(!is_restricted_charset("日本"));
    }

    #[test]
    fn join_and_child() {
        assert_eq!(join(&["a", "b"]), "/a/b");
        assert_eq!(join(&[]), "/");
        assert_eq!(child_path("/", "x"), "/x");
        assert_eq!(child_path("/a", "x"), "/a/x");
    }
}
