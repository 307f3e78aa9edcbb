//! The decision of `IFileSystemImage::put_MultisessionInterfaces` (imapi2.md §3.4), as a pure
//! function of the list and the emulated Windows version: [`choose_multisession`]. The image
//! builder (`fsi`) calls it and keeps the list; the conditions and their codes are one table of
//! data ([`DECISION_TABLE`]), rendered into `docs/multisession.md` by
//! [`decision_table_markdown`] (a test compares the two), and every row is tested against the
//! emulated drive.
//!
//! §3.4 says the setter succeeds iff (a) exactly one element is InUse and its type is supported on
//! the current media and by the image builder, or (b) none is InUse and at least one element is
//! supported on the media and by the builder; it fails for blank media that are not overwritable,
//! several InUse, and no type the builder supports. The per-condition codes are our reading of the
//! message texts (imapi2.md §3.4 says so too); the reasoning of each row is in the table.

use super::multisession::{MultisessionKind, MultisessionParameters, MultisessionRef};
use super::recorder::Recorder;
use crate::hresult::{HResult, ImapiError, ImapiResult};

/// Which Windows the image builder behaves like (imapi2.md §3.1, §3.4, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum WindowsVersion {
    /// Windows Vista / XP with IMAPI2: only IMultisessionSequential, sequential media only — the
    /// put_MultisessionInterfaces page's own statement.
    Vista,
    /// Windows 7 and later: also IMultisessionRandomWrite for DVD±RW, DVD-RW (restricted
    /// overwrite), DVD-RAM and BD-RE (the random-write interface and the multisession layout
    /// documentation; an inference, imapi2.md §5).
    #[default]
    Windows7,
}

/// The image builder's multisession behaviour (an emulation option, documented in
/// docs/multisession.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct FsiMultisessionPolicy {
    pub windows: WindowsVersion,
}

impl FsiMultisessionPolicy {
    pub fn vista() -> FsiMultisessionPolicy {
        FsiMultisessionPolicy {
            windows: WindowsVersion::Vista,
        }
    }

    pub fn windows7() -> FsiMultisessionPolicy {
        FsiMultisessionPolicy {
            windows: WindowsVersion::Windows7,
        }
    }

    /// The image builder implements this derived interface.
    pub fn builder_supports(&self, kind: MultisessionKind) -> bool {
        match kind {
            MultisessionKind::Sequential => true,
            MultisessionKind::RandomWrite => self.windows == WindowsVersion::Windows7,
            MultisessionKind::Foreign => false,
        }
    }

    /// IMAPI allows multisession on media of this profile (the table [`MULTISESSION_MEDIA`]).
    pub fn media_allowed(&self, profile: u16) -> bool {
        MULTISESSION_MEDIA.iter().any(|m| {
            m.profile == profile && (m.since == WindowsVersion::Vista || self.windows == WindowsVersion::Windows7)
        })
    }
}

/// One medium IMAPI continues (imapi2.md §3.1).
#[derive(Debug, Clone, Copy)]
pub struct MultisessionMedium {
    pub profile: u16,
    pub name: &'static str,
    pub scheme: MultisessionKind,
    pub since: WindowsVersion,
}

const fn medium(
    profile: u16,
    name: &'static str,
    scheme: MultisessionKind,
    since: WindowsVersion,
) -> MultisessionMedium {
    MultisessionMedium {
        profile,
        name,
        scheme,
        since,
    }
}

/// Media IMAPI does multisession on (imapi2.md §3.1: "CD-R/CD-RW, single-layer DVD+R/DVD-R, DVD+R
/// DL, BD-R; Windows 7 only: DVD-RW/DVD+RW, DVD-RAM, BD-RE"). Everything else — pressed media,
/// DVD-RW in sequential mode, DVD-R DL, BD-R random recording, unknown profiles — is
/// `IMAPI_E_IMPORT_MEDIA_NOT_ALLOWED`.
pub static MULTISESSION_MEDIA: &[MultisessionMedium] = &[
    medium(0x0009, "CD-R", MultisessionKind::Sequential, WindowsVersion::Vista),
    medium(0x000A, "CD-RW", MultisessionKind::Sequential, WindowsVersion::Vista),
    medium(0x0011, "DVD-R", MultisessionKind::Sequential, WindowsVersion::Vista),
    medium(0x001B, "DVD+R", MultisessionKind::Sequential, WindowsVersion::Vista),
    medium(0x002B, "DVD+R DL", MultisessionKind::Sequential, WindowsVersion::Vista),
    medium(0x0041, "BD-R", MultisessionKind::Sequential, WindowsVersion::Vista),
    medium(
        0x0013,
        "DVD-RW restricted overwrite",
        MultisessionKind::RandomWrite,
        WindowsVersion::Windows7,
    ),
    medium(
        0x001A,
        "DVD+RW",
        MultisessionKind::RandomWrite,
        WindowsVersion::Windows7,
    ),
    medium(
        0x0012,
        "DVD-RAM",
        MultisessionKind::RandomWrite,
        WindowsVersion::Windows7,
    ),
    medium(0x0043, "BD-RE", MultisessionKind::RandomWrite, WindowsVersion::Windows7),
];

/// The rows of the decision, in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    NoList,
    SeveralInUse,
    InUseTypeNotSupportedByBuilder,
    NoTypeSupportedByBuilder,
    DifferentRecorders,
    MediaTypeUnreadable,
    NoMedium,
    MediaTypeNotAllowed,
    SupportQueryFailed,
    NotSupportedOnCurrentMedia,
    ParameterUnreadable,
    ParameterGarbage,
    BlankWriteOnce,
    Accepted,
}

/// One row: the condition, the result and why.
#[derive(Debug, Clone, Copy)]
pub struct DecisionRow {
    pub rule: Rule,
    pub condition: &'static str,
    pub code: HResult,
    pub reasoning: &'static str,
}

/// The decision table of put_MultisessionInterfaces (first matching row wins).
pub static DECISION_TABLE: &[DecisionRow] = &[
    DecisionRow {
        rule: Rule::NoList,
        condition: "no list (NULL SAFEARRAY)",
        code: HResult::E_POINTER,
        reasoning: "a NULL argument is E_POINTER, as every IMAPI2 setter documents",
    },
    DecisionRow {
        rule: Rule::SeveralInUse,
        condition: "more than one element has InUse = TRUE",
        code: HResult::IMAPI_E_FSI_INTERNAL_ERROR,
        reasoning: "§3.4 refuses several InUse without naming a code; none of the specific messages fits, so the catch-all B100",
    },
    DecisionRow {
        rule: Rule::InUseTypeNotSupportedByBuilder,
        condition: "the InUse element's type is one the image builder does not implement (RandomWrite under Vista, a foreign IMultisession)",
        code: HResult::IMAPI_E_INCOMPATIBLE_MULTISESSION_TYPE,
        reasoning: "B15B \"does not support the multisession type requested\": the caller requested that type by marking it",
    },
    DecisionRow {
        rule: Rule::NoTypeSupportedByBuilder,
        condition: "no element is of a type the image builder implements (empty list, only foreign types, only RandomWrite under Vista)",
        code: HResult::IMAPI_E_INCOMPATIBLE_MULTISESSION_TYPE,
        reasoning: "§3.4 \"no derived interface supported by the FSI\"; B15B names exactly that",
    },
    DecisionRow {
        rule: Rule::DifferentRecorders,
        condition: "the candidate elements' ImportRecorders are different drives",
        code: HResult::IMAPI_E_FSI_INTERNAL_ERROR,
        reasoning: "one image continues one disc; no documented code fits, so the catch-all B100",
    },
    DecisionRow {
        rule: Rule::MediaTypeUnreadable,
        condition: "the current profile cannot be read through the ImportRecorder (other than \"no medium\")",
        code: HResult::IMAPI_E_BAD_MULTISESSION_PARAMETER,
        reasoning: "B162 \"one of the multisession parameters cannot be retrieved\"",
    },
    DecisionRow {
        rule: Rule::NoMedium,
        condition: "no medium in the drive (current profile 0000h, or a getter answers E_IMAPI_RECORDER_MEDIA_NO_MEDIA)",
        code: HResult::IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE,
        reasoning: "§3.4 lists \"no media\" under B15C, and the import methods report no media as B15C (§4 trap 2)",
    },
    DecisionRow {
        rule: Rule::MediaTypeNotAllowed,
        condition: "IMAPI does no multisession on this media type under the emulated Windows (ROM media, DVD-RW sequential, DVD-R DL, BD-R RRM; rewritable media under Vista)",
        code: HResult::IMAPI_E_IMPORT_MEDIA_NOT_ALLOWED,
        reasoning: "B159 \"does not allow multi-session with the current media type\"; §3.4 names ROM media, DVD-RW sequential and Vista + rewritable",
    },
    DecisionRow {
        rule: Rule::SupportQueryFailed,
        condition: "IsSupportedOnCurrentMediaState of a candidate fails (other than \"no medium\")",
        code: HResult::IMAPI_E_BAD_MULTISESSION_PARAMETER,
        reasoning: "a getter of the multisession object cannot be retrieved: B162",
    },
    DecisionRow {
        rule: Rule::NotSupportedOnCurrentMedia,
        condition: "no candidate is supported on the current media state (finalized or closed disc, a damaged or open session, unformatted-only types)",
        code: HResult::IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE,
        reasoning: "B15C \"supports none of the multisession type(s) provided on the current media\"",
    },
    DecisionRow {
        rule: Rule::ParameterUnreadable,
        condition: "a parameter getter of the chosen element fails (StartAddressOfPreviousSession, NextWritableAddress, … / WriteUnitSize, LastWrittenAddress, TotalSectorsOnMedia)",
        code: HResult::IMAPI_E_BAD_MULTISESSION_PARAMETER,
        reasoning: "B162 \"cannot be retrieved\" (§3.3: an emulator poisons a getter to provoke it)",
    },
    DecisionRow {
        rule: Rule::ParameterGarbage,
        condition: "the chosen element's parameters are inconsistent (negative NWA or free space, last written before the start or at/after the NWA, write unit ≤ 0, last written ≥ total)",
        code: HResult::IMAPI_E_BAD_MULTISESSION_PARAMETER,
        reasoning: "B162 \"… or has a wrong value\"",
    },
    DecisionRow {
        rule: Rule::BlankWriteOnce,
        condition: "the chosen element is Sequential and there is no previous session (StartAddressOfPreviousSession = −1: blank media that are not overwritable)",
        code: HResult::IMAPI_E_IMPORT_SEEK_FAILURE,
        reasoning: "§3.4 and §4 trap 1: B156 also when the media are blank — the builder cannot seek to block −1; rewritable media are exempt",
    },
    DecisionRow {
        rule: Rule::Accepted,
        condition: "otherwise: the InUse element, or the first element supported by the builder and on the media (blank overwritable media included)",
        code: HResult::S_OK,
        reasoning: "§3.4 (a) and (b); the builder then marks the chosen element InUse and keeps the list",
    },
];

/// The code of a rule.
pub fn code_of(rule: Rule) -> HResult {
    DECISION_TABLE
        .iter()
        .find(|row| row.rule == rule)
        .map(|row| row.code)
        .expect("every rule has a row")
}

fn fail<T>(rule: Rule) -> ImapiResult<T> {
    Err(ImapiError::new(code_of(rule)))
}

fn is_no_medium(error: &ImapiError) -> bool {
    error.code == HResult::E_IMAPI_RECORDER_MEDIA_NO_MEDIA
}

/// The rule that decides for `list` under `policy`, and the chosen element when accepted.
pub fn decide(list: Option<&[MultisessionRef]>, policy: &FsiMultisessionPolicy) -> (Rule, Option<usize>) {
    let Some(list) = list else {
        return (Rule::NoList, None);
    };
    let in_use: Vec<usize> = (0..list.len()).filter(|i| list[*i].in_use()).collect();
    if in_use.len() > 1 {
        return (Rule::SeveralInUse, None);
    }
    let candidates: Vec<usize> = match in_use.first() {
        Some(&i) if !policy.builder_supports(list[i].kind()) => return (Rule::InUseTypeNotSupportedByBuilder, None),
        Some(&i) => vec![i],
        None => (0..list.len())
            .filter(|i| policy.builder_supports(list[*i].kind()))
            .collect(),
    };
    if candidates.is_empty() {
        return (Rule::NoTypeSupportedByBuilder, None);
    }
    // The media type, through the candidates' import recorder (one drive for all of them).
    let recorders: Vec<Recorder> = match candidates.iter().map(|i| list[*i].import_recorder()).collect() {
        Ok(recorders) => recorders,
        Err(_) => return (Rule::MediaTypeUnreadable, None),
    };
    if recorders.iter().any(|r| !r.same_device(&recorders[0])) {
        return (Rule::DifferentRecorders, None);
    }
    let profile = match recorders[0].current_profile() {
        Ok(profile) => profile,
        Err(e) if is_no_medium(&e) => return (Rule::NoMedium, None),
        Err(_) => return (Rule::MediaTypeUnreadable, None),
    };
    if profile == 0 {
        return (Rule::NoMedium, None);
    }
    if !policy.media_allowed(profile) {
        return (Rule::MediaTypeNotAllowed, None);
    }
    let mut supported = Vec::new();
    for &i in &candidates {
        match list[i].is_supported_on_current_media_state() {
            Ok(true) => supported.push(i),
            Ok(false) => {}
            Err(e) if is_no_medium(&e) => return (Rule::NoMedium, None),
            Err(_) => return (Rule::SupportQueryFailed, None),
        }
    }
    let Some(&chosen) = supported.first() else {
        return (Rule::NotSupportedOnCurrentMedia, None);
    };
    let parameters = match list[chosen].parameters() {
        Ok(p) => p,
        Err(e) if is_no_medium(&e) => return (Rule::NoMedium, None),
        Err(_) => return (Rule::ParameterUnreadable, None),
    };
    if !consistent(&parameters) {
        return (Rule::ParameterGarbage, None);
    }
    if let MultisessionParameters::Sequential {
        start_address_of_previous_session: -1,
        ..
    } = parameters
    {
        return (Rule::BlankWriteOnce, None);
    }
    (Rule::Accepted, Some(chosen))
}

/// The parameters hang together.
fn consistent(parameters: &MultisessionParameters) -> bool {
    match *parameters {
        MultisessionParameters::Sequential {
            start_address_of_previous_session: start,
            last_written_address_of_previous_session: last,
            next_writable_address: nwa,
            free_sectors_on_media: free,
            write_unit_size: unit,
            ..
        } => {
            let previous_ok = match start {
                -1 => last == -1,
                s if s >= 0 => last >= s && nwa > last,
                _ => false,
            };
            nwa >= 0 && free >= 0 && unit > 0 && previous_ok
        }
        MultisessionParameters::RandomWrite {
            write_unit_size: unit,
            last_written_address: last,
            total_sectors_on_media: total,
        } => unit > 0 && total > 0 && last >= -1 && last < total,
    }
}

/// put_MultisessionInterfaces' decision (imapi2.md §3.4): the index of the element the image
/// builder uses, or the documented failure. See [`DECISION_TABLE`] for the order of the checks.
///
/// The builder passes the list it was given (`None` for a NULL array) and its policy; on success
/// it marks the chosen element InUse (`MultisessionRef::set_in_use(true)`), keeps the list for
/// the getter, and reads the chosen element's parameters (`MultisessionRef::parameters`) to place
/// the new session (SessionStartBlock = NextWritableAddress) and to import the previous one
/// through `import_recorder()`.
pub fn choose_multisession(list: Option<&[MultisessionRef]>, policy: &FsiMultisessionPolicy) -> ImapiResult<usize> {
    match decide(list, policy) {
        (Rule::Accepted, Some(chosen)) => Ok(chosen),
        (rule, _) => fail(rule),
    }
}

/// The decision table as the Markdown docs/multisession.md shows.
pub fn decision_table_markdown() -> String {
    let mut out = String::from("| # | condition (checked in this order) | result | value | reasoning |\n");
    out.push_str("|---|---|---|---|---|\n");
    for (i, row) in DECISION_TABLE.iter().enumerate() {
        out.push_str(&format!(
            "| {} | {} | {} | 0x{:08X} | {} |\n",
            i + 1,
            row.condition,
            if row.rule == Rule::Accepted {
                "accepted: the chosen index".to_string()
            } else {
                row.code.name().unwrap_or("?").to_string()
            },
            row.code.0,
            row.reasoning
        ));
    }
    out
}

/// The media table as the Markdown docs/multisession.md shows.
pub fn media_table_markdown() -> String {
    let mut out = String::from("| profile | medium | scheme | Vista | Windows 7 |\n|---|---|---|---|---|\n");
    for m in MULTISESSION_MEDIA {
        let vista = if m.since == WindowsVersion::Vista {
            "yes"
        } else {
            "no (B159)"
        };
        out.push_str(&format!(
            "| {:04X}h | {} | {:?} | {} | yes |\n",
            m.profile, m.name, m.scheme, vista
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_exactly_one_row() {
        let rules = [
            Rule::NoList,
            Rule::SeveralInUse,
            Rule::InUseTypeNotSupportedByBuilder,
            Rule::NoTypeSupportedByBuilder,
            Rule::DifferentRecorders,
            Rule::MediaTypeUnreadable,
            Rule::NoMedium,
            Rule::MediaTypeNotAllowed,
            Rule::SupportQueryFailed,
            Rule::NotSupportedOnCurrentMedia,
            Rule::ParameterUnreadable,
            Rule::ParameterGarbage,
            Rule::BlankWriteOnce,
            Rule::Accepted,
        ];
        assert_eq!(rules.len(), DECISION_TABLE.len());
        for rule in rules {
            assert_eq!(DECISION_TABLE.iter().filter(|r| r.rule == rule).count(), 1, "{rule:?}");
        }
    }

    #[test]
    fn the_seed_codes_are_in_the_table() {
        for value in [
            0x80004003u32,
            0xC0AAB15B,
            0xC0AAB159,
            0xC0AAB15C,
            0xC0AAB162,
            0xC0AAB100,
            0xC0AAB156,
        ] {
            assert!(DECISION_TABLE.iter().any(|r| r.code.0 == value), "{value:#X}");
        }
    }

    #[test]
    fn no_list_is_e_pointer() {
        assert_eq!(
            choose_multisession(None, &FsiMultisessionPolicy::default())
                .unwrap_err()
                .code
                .0,
            0x80004003
        );
    }

    #[test]
    fn policies() {
        let vista = FsiMultisessionPolicy::vista();
        assert!(vista.builder_supports(MultisessionKind::Sequential));
        assert!(!vista.builder_supports(MultisessionKind::RandomWrite));
        assert!(!vista.media_allowed(0x001A) && vista.media_allowed(0x0009));
        let seven = FsiMultisessionPolicy::windows7();
        assert!(seven.builder_supports(MultisessionKind::RandomWrite) && seven.media_allowed(0x0043));
        assert!(!seven.media_allowed(0x0014) && !seven.media_allowed(0x0010) && !seven.media_allowed(0x0015));
    }
}
