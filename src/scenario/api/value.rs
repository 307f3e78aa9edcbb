//! What the getters of the recorder API answer, as one comparable, printable [`Value`], and the
//! getters themselves: which property an op or an `AssertWriter` field asks for, with the value
//! the scenario expects.

use crate::burn::{DataWriter, MediaStatus, MultisessionRef, PhysicalMediaType, Recorder};
use crate::hresult::{HResult, ImapiResult};
use crate::media::Profile;
use crate::scenario::api_schema::{MediaTypeName, RecorderOp, StatusFlag, WriterAssert, WriterOp};
use std::fmt;

/// A value an API call returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A call without a value (a setter, an action).
    Unit,
    Text(String),
    Bool(bool),
    Int(i64),
    /// IMAPI_PROFILE_TYPE values.
    Profiles(Vec<u16>),
    /// Feature codes.
    Features(Vec<u16>),
    /// Mode page codes.
    Pages(Vec<u8>),
    /// Sectors per second.
    Speeds(Vec<u32>),
    Status(MediaStatus),
    MediaType(PhysicalMediaType),
    /// The index of the multisession object put_MultisessionInterfaces' decision chose.
    Chosen(usize),
}

/// `IMAPI_MEDIA_PHYSICAL_TYPE` names by value (0x00–0x13).
const MEDIA_TYPE_NAMES: [&str; 20] = [
    "UNKNOWN",
    "CDROM",
    "CDR",
    "CDRW",
    "DVDROM",
    "DVDRAM",
    "DVDPLUSR",
    "DVDPLUSRW",
    "DVDPLUSR_DUALLAYER",
    "DVDDASHR",
    "DVDDASHRW",
    "DVDDASHR_DUALLAYER",
    "DISK",
    "DVDPLUSRW_DUALLAYER",
    "HDDVDROM",
    "HDDVDR",
    "HDDVDRAM",
    "BDROM",
    "BDR",
    "BDRE",
];

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |items: Vec<String>| format!("[{}]", items.join(", "));
        match self {
            Value::Unit => write!(f, "()"),
            Value::Text(text) => write!(f, "{text:?}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Profiles(codes) => f.write_str(&list(
                codes
                    .iter()
                    .map(|c| Profile::from_code(*c).map_or(format!("{c:04X}h"), |p| p.id().to_string()))
                    .collect(),
            )),
            Value::Features(codes) => f.write_str(&list(codes.iter().map(|c| format!("0x{c:04X}")).collect())),
            Value::Pages(codes) => f.write_str(&list(codes.iter().map(|c| format!("0x{c:02X}")).collect())),
            Value::Speeds(speeds) => f.write_str(&list(speeds.iter().map(u32::to_string).collect())),
            Value::Status(status) => write!(f, "{status}"),
            Value::Chosen(index) => write!(f, "element {index}"),
            Value::MediaType(kind) => match MEDIA_TYPE_NAMES.get(kind.0 as usize) {
                Some(name) => write!(f, "{name} ({})", kind.0),
                None => write!(f, "{}", kind.0),
            },
        }
    }
}

pub fn status_of(flags: &[StatusFlag]) -> MediaStatus {
    flags.iter().fold(MediaStatus::UNKNOWN, |status, flag| {
        status
            | match flag {
                StatusFlag::OVERWRITE_ONLY => MediaStatus::OVERWRITE_ONLY,
                StatusFlag::BLANK => MediaStatus::BLANK,
                StatusFlag::APPENDABLE => MediaStatus::APPENDABLE,
                StatusFlag::FINAL_SESSION => MediaStatus::FINAL_SESSION,
                StatusFlag::DAMAGED => MediaStatus::DAMAGED,
                StatusFlag::ERASE_REQUIRED => MediaStatus::ERASE_REQUIRED,
                StatusFlag::NON_EMPTY_SESSION => MediaStatus::NON_EMPTY_SESSION,
                StatusFlag::WRITE_PROTECTED => MediaStatus::WRITE_PROTECTED,
                StatusFlag::FINALIZED => MediaStatus::FINALIZED,
                StatusFlag::UNSUPPORTED_MEDIA => MediaStatus::UNSUPPORTED_MEDIA,
            }
    })
}

/// The variants of [`MediaTypeName`] are declared in value order.
pub fn media_type_of(name: MediaTypeName) -> PhysicalMediaType {
    PhysicalMediaType(name as u32)
}

fn profiles(list: &[Profile]) -> Value {
    Value::Profiles(list.iter().map(|p| p.code()).collect())
}

/// A getter of the recorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecorderProperty {
    VendorId,
    ProductId,
    ProductRevision,
    SupportedProfiles,
    CurrentProfiles,
    DeviceCanLoadMedia,
    SupportedFeaturePages,
    CurrentFeaturePages,
    SupportedModePages,
    ExclusiveAccessOwner,
}

/// The getter an op reads and the value it expects; `None` for ops that are not getters.
pub fn recorder_getter(op: &RecorderOp) -> Option<(RecorderProperty, Option<Value>)> {
    use RecorderProperty as P;
    let text = |is: &Option<String>| is.clone().map(Value::Text);
    Some(match op {
        RecorderOp::VendorId { is } => (P::VendorId, text(is)),
        RecorderOp::ProductId { is } => (P::ProductId, text(is)),
        RecorderOp::ProductRevision { is } => (P::ProductRevision, text(is)),
        RecorderOp::SupportedProfiles { is } => (P::SupportedProfiles, is.as_deref().map(profiles)),
        RecorderOp::CurrentProfiles { is } => (P::CurrentProfiles, is.as_deref().map(profiles)),
        RecorderOp::DeviceCanLoadMedia { is } => (P::DeviceCanLoadMedia, is.map(Value::Bool)),
        RecorderOp::SupportedFeaturePages { is } => (P::SupportedFeaturePages, is.clone().map(Value::Features)),
        RecorderOp::CurrentFeaturePages { is } => (P::CurrentFeaturePages, is.clone().map(Value::Features)),
        RecorderOp::SupportedModePages { is } => (P::SupportedModePages, is.clone().map(Value::Pages)),
        RecorderOp::ExclusiveAccessOwner { is } => (P::ExclusiveAccessOwner, text(is)),
        _ => return None,
    })
}

pub fn read_recorder(recorder: &Recorder, property: RecorderProperty) -> ImapiResult<Value> {
    use RecorderProperty as P;
    Ok(match property {
        P::VendorId => Value::Text(recorder.vendor_id()?),
        P::ProductId => Value::Text(recorder.product_id()?),
        P::ProductRevision => Value::Text(recorder.product_revision()?),
        P::SupportedProfiles => Value::Profiles(recorder.supported_profiles()?),
        P::CurrentProfiles => Value::Profiles(recorder.current_profiles()?),
        P::DeviceCanLoadMedia => Value::Bool(recorder.device_can_load_media()?),
        P::SupportedFeaturePages => Value::Features(recorder.supported_feature_pages()?),
        P::CurrentFeaturePages => Value::Features(recorder.current_feature_pages()?),
        P::SupportedModePages => Value::Pages(recorder.supported_mode_pages()?),
        P::ExclusiveAccessOwner => Value::Text(recorder.exclusive_access_owner()),
    })
}

/// A getter of the data writer (or of its multisession objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriterProperty {
    CurrentMediaStatus,
    NextWritableAddress,
    StartAddressOfPreviousSession,
    LastWrittenAddressOfPreviousSession,
    FreeSectorsOnMedia,
    TotalSectorsOnMedia,
    CurrentPhysicalMediaType,
    MediaPhysicallyBlank,
    MediaHeuristicallyBlank,
    IsCurrentMediaSupported,
    SupportedWriteSpeeds,
    SequentialSupported,
    RandomWriteSupported,
}

/// The getter an op reads and the value it expects; `None` for setters and actions.
pub fn writer_getter(op: &WriterOp) -> Option<(WriterProperty, Option<Value>)> {
    use WriterProperty as P;
    let int = |is: &Option<i32>| is.map(|n| Value::Int(n.into()));
    Some(match op {
        WriterOp::CurrentMediaStatus { is } => (
            P::CurrentMediaStatus,
            is.as_deref().map(|f| Value::Status(status_of(f))),
        ),
        WriterOp::NextWritableAddress { is } => (P::NextWritableAddress, int(is)),
        WriterOp::StartAddressOfPreviousSession { is } => (P::StartAddressOfPreviousSession, int(is)),
        WriterOp::LastWrittenAddressOfPreviousSession { is } => (P::LastWrittenAddressOfPreviousSession, int(is)),
        WriterOp::FreeSectorsOnMedia { is } => (P::FreeSectorsOnMedia, int(is)),
        WriterOp::TotalSectorsOnMedia { is } => (P::TotalSectorsOnMedia, int(is)),
        WriterOp::CurrentPhysicalMediaType { is } => (
            P::CurrentPhysicalMediaType,
            is.map(|n| Value::MediaType(media_type_of(n))),
        ),
        WriterOp::MediaPhysicallyBlank { is } => (P::MediaPhysicallyBlank, is.map(Value::Bool)),
        WriterOp::MediaHeuristicallyBlank { is } => (P::MediaHeuristicallyBlank, is.map(Value::Bool)),
        WriterOp::IsCurrentMediaSupported { is } => (P::IsCurrentMediaSupported, is.map(Value::Bool)),
        WriterOp::SupportedWriteSpeeds { is } => (P::SupportedWriteSpeeds, is.clone().map(Value::Speeds)),
        WriterOp::SequentialSupported { is } => (P::SequentialSupported, is.map(Value::Bool)),
        WriterOp::RandomWriteSupported { is } => (P::RandomWriteSupported, is.map(Value::Bool)),
        _ => return None,
    })
}

/// The fields an `AssertWriter` gives, as getters with their expected values, in a fixed order.
pub fn writer_assertions(assert: &WriterAssert) -> Vec<(WriterProperty, Value)> {
    use WriterProperty as P;
    let int = |n: Option<i32>| n.map(|n| Value::Int(n.into()));
    [
        (
            P::CurrentMediaStatus,
            assert
                .current_media_status
                .as_deref()
                .map(|f| Value::Status(status_of(f))),
        ),
        (P::NextWritableAddress, int(assert.next_writable_address)),
        (
            P::StartAddressOfPreviousSession,
            int(assert.start_address_of_previous_session),
        ),
        (
            P::LastWrittenAddressOfPreviousSession,
            int(assert.last_written_address_of_previous_session),
        ),
        (P::FreeSectorsOnMedia, int(assert.free_sectors_on_media)),
        (P::TotalSectorsOnMedia, int(assert.total_sectors_on_media)),
        (
            P::CurrentPhysicalMediaType,
            assert
                .current_physical_media_type
                .map(|n| Value::MediaType(media_type_of(n))),
        ),
        (P::MediaPhysicallyBlank, assert.media_physically_blank.map(Value::Bool)),
        (
            P::MediaHeuristicallyBlank,
            assert.media_heuristically_blank.map(Value::Bool),
        ),
        (P::SequentialSupported, assert.sequential_supported.map(Value::Bool)),
        (P::RandomWriteSupported, assert.random_write_supported.map(Value::Bool)),
    ]
    .into_iter()
    .filter_map(|(property, value)| value.map(|v| (property, v)))
    .collect()
}

pub fn read_writer(writer: &DataWriter, property: WriterProperty) -> ImapiResult<Value> {
    use WriterProperty as P;
    let int = |n: ImapiResult<i32>| n.map(|n| Value::Int(n.into()));
    match property {
        P::CurrentMediaStatus => writer.current_media_status().map(Value::Status),
        P::NextWritableAddress => int(writer.next_writable_address()),
        P::StartAddressOfPreviousSession => int(writer.start_address_of_previous_session()),
        P::LastWrittenAddressOfPreviousSession => int(writer.last_written_address_of_previous_session()),
        P::FreeSectorsOnMedia => int(writer.free_sectors_on_media()),
        P::TotalSectorsOnMedia => int(writer.total_sectors_on_media()),
        P::CurrentPhysicalMediaType => writer.current_physical_media_type().map(Value::MediaType),
        P::MediaPhysicallyBlank => writer.media_physically_blank().map(Value::Bool),
        P::MediaHeuristicallyBlank => writer.media_heuristically_blank().map(Value::Bool),
        P::IsCurrentMediaSupported => {
            let recorder = writer.recorder()?;
            writer.is_current_media_supported(&recorder).map(Value::Bool)
        }
        P::SupportedWriteSpeeds => writer.supported_write_speeds().map(Value::Speeds),
        P::SequentialSupported | P::RandomWriteSupported => {
            let index = usize::from(property == P::RandomWriteSupported);
            let list: Vec<MultisessionRef> = writer.multisession_interfaces()?;
            let element = list.get(index).ok_or(HResult::E_FAIL)?;
            element.is_supported_on_current_media_state().map(Value::Bool)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_names_follow_the_values() {
        assert_eq!(media_type_of(MediaTypeName::UNKNOWN), PhysicalMediaType::UNKNOWN);
        assert_eq!(media_type_of(MediaTypeName::DVDPLUSR), PhysicalMediaType::DVDPLUSR);
        assert_eq!(media_type_of(MediaTypeName::DISK), PhysicalMediaType::DISK);
        assert_eq!(media_type_of(MediaTypeName::BDRE), PhysicalMediaType::BDRE);
        assert_eq!(Value::MediaType(PhysicalMediaType::BDR).to_string(), "BDR (18)");
    }

    #[test]
    fn status_flags_by_name() {
        assert_eq!(status_of(&[]), MediaStatus::UNKNOWN);
        assert_eq!(
            status_of(&[StatusFlag::APPENDABLE, StatusFlag::NON_EMPTY_SESSION]),
            MediaStatus::APPENDABLE | MediaStatus::NON_EMPTY_SESSION
        );
        assert_eq!(
            Value::Status(MediaStatus::APPENDABLE).to_string(),
            "APPENDABLE (0x0004)"
        );
    }
}
