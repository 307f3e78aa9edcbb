//! Decoded-field expectations: the reply is parsed with its `mmc` repr and only the fields the
//! scenario names are compared.

use super::expect::sense_problems;
use super::schema::{
    BackgroundFormatSpec, CapacityFields, ConfigurationFields, DiscInformationFields, DiscStatusSpec, Fields,
    InquiryFields, MediaEventFields, SenseFields, SessionStateSpec, TrackInformationFields,
};
use crate::media::Profile;
use crate::mmc::configuration::{Configuration, ConfigurationRepr};
use crate::mmc::disc_information::{self as di, DiscInformation, DiscInformationRepr};
use crate::mmc::event_status::{Event, EventStatus, EventStatusRepr};
use crate::mmc::inquiry::{StandardInquiry, StandardInquiryRepr};
use crate::mmc::read_capacity::{ReadCapacityData, ReadCapacityRepr};
use crate::mmc::sense_data::SenseDataRepr;
use crate::mmc::track_information::{TrackInformation, TrackInformationRepr};
use std::fmt::Debug;

/// Collects the fields that differ.
#[derive(Default)]
pub(crate) struct Differences(Vec<String>);

impl Differences {
    /// Compare one field when the scenario gives it.
    pub(crate) fn field<T: PartialEq + Debug>(&mut self, name: &str, expected: Option<T>, actual: T) {
        if let Some(expected) = expected
            && expected != actual
        {
            self.0.push(format!("{name} {actual:?} (expected {expected:?})"));
        }
    }

    pub(crate) fn push(&mut self, text: String) {
        self.0.push(text);
    }

    pub(crate) fn into_result(self) -> Result<(), String> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0.join("; "))
        }
    }
}

/// Parse `data` as the reply named by `fields` and compare.
pub fn check(fields: &Fields, data: &[u8]) -> Result<(), String> {
    let malformed = |what: &str, e: crate::mmc::CdbError| format!("the reply is not a valid {what}: {}", e.sense);
    match fields {
        Fields::DiscInformation(f) => {
            let view = DiscInformation::new_checked(data).map_err(|e| malformed("disc information", e))?;
            let repr = DiscInformationRepr::parse(&view).map_err(|e| malformed("disc information", e))?;
            disc_information(f, &repr)
        }
        Fields::TrackInformation(f) => {
            let view = TrackInformation::new_checked(data).map_err(|e| malformed("track information", e))?;
            let repr = TrackInformationRepr::parse(&view).map_err(|e| malformed("track information", e))?;
            track_information(f, &repr)
        }
        Fields::Capacity(f) => {
            let view = ReadCapacityData::new_checked(data).map_err(|e| malformed("READ CAPACITY reply", e))?;
            let repr = ReadCapacityRepr::parse(&view).map_err(|e| malformed("READ CAPACITY reply", e))?;
            capacity(f, &repr)
        }
        Fields::Inquiry(f) => {
            let view = StandardInquiry::new_checked(data).map_err(|e| malformed("INQUIRY reply", e))?;
            let repr = StandardInquiryRepr::parse(&view).map_err(|e| malformed("INQUIRY reply", e))?;
            inquiry(f, &repr)
        }
        Fields::Configuration(f) => {
            let view = Configuration::new_checked(data).map_err(|e| malformed("configuration", e))?;
            let repr = ConfigurationRepr::parse(&view).map_err(|e| malformed("configuration", e))?;
            configuration(f, &repr)
        }
        Fields::Sense(f) => {
            let repr = SenseDataRepr::parse_any(data).map_err(|e| malformed("sense data", e))?;
            sense(f, &repr)
        }
        Fields::MediaEvent(f) => {
            let view = EventStatus::new_checked(data).map_err(|e| malformed("event status", e))?;
            let repr = EventStatusRepr::parse(&view).map_err(|e| malformed("event status", e))?;
            media_event(f, &repr)
        }
    }
}

pub(crate) fn status_of(status: di::DiscStatus) -> DiscStatusSpec {
    match status {
        di::DiscStatus::Empty => DiscStatusSpec::Blank,
        di::DiscStatus::Incomplete => DiscStatusSpec::Appendable,
        di::DiscStatus::Finalized => DiscStatusSpec::Finalized,
        di::DiscStatus::Other => DiscStatusSpec::RandomAccess,
    }
}

pub(crate) fn session_of(state: di::SessionState) -> SessionStateSpec {
    match state {
        di::SessionState::Empty => SessionStateSpec::Empty,
        di::SessionState::Incomplete => SessionStateSpec::Incomplete,
        di::SessionState::Damaged => SessionStateSpec::Damaged,
        di::SessionState::Complete => SessionStateSpec::Complete,
    }
}

fn disc_information(f: &DiscInformationFields, r: &DiscInformationRepr) -> Result<(), String> {
    let mut d = Differences::default();
    d.field("disc status", f.status, status_of(r.disc_status));
    d.field("last session", f.last_session, session_of(r.last_session_state));
    d.field("erasable", f.erasable, r.erasable);
    d.field("sessions", f.sessions, r.sessions);
    d.field(
        "first track in last session",
        f.first_track_in_last_session,
        r.first_track_in_last_session,
    );
    d.field(
        "last track in last session",
        f.last_track_in_last_session,
        r.last_track_in_last_session,
    );
    d.field(
        "background format",
        f.background_format,
        match r.background_format {
            di::BackgroundFormat::None => BackgroundFormatSpec::None,
            di::BackgroundFormat::Suspended => BackgroundFormatSpec::Suspended,
            di::BackgroundFormat::InProgress => BackgroundFormatSpec::InProgress,
            di::BackgroundFormat::Completed => BackgroundFormatSpec::Completed,
        },
    );
    d.field("disc type", f.disc_type, r.disc_type);
    d.field("last session lead-in", f.last_session_lead_in, r.last_session_lead_in);
    d.field(
        "last possible lead-out",
        f.last_possible_lead_out,
        r.last_possible_lead_out,
    );
    d.into_result()
}

fn track_information(f: &TrackInformationFields, r: &TrackInformationRepr) -> Result<(), String> {
    let mut d = Differences::default();
    d.field("track", f.track, r.track_number);
    d.field("session", f.session, r.session_number);
    d.field("blank", f.blank, r.blank);
    d.field("reserved", f.reserved, r.reserved_track);
    d.field("damage", f.damage, r.damage);
    d.field("packet", f.packet, r.packet_incremental);
    d.field("fixed packet", f.fixed_packet, r.fixed_packet);
    d.field("track mode", f.track_mode, r.track_mode);
    d.field("data mode", f.data_mode, r.data_mode);
    d.field("start", f.start, r.track_start);
    d.field(
        "next writable address",
        f.next_writable_address.map(Some),
        r.next_writable_address,
    );
    d.field("NWA valid", f.nwa_valid, r.next_writable_address.is_some());
    d.field("free blocks", f.free_blocks, r.free_blocks);
    d.field("fixed packet size", f.fixed_packet_size, r.fixed_packet_size);
    d.field("size", f.size, r.track_size);
    d.field(
        "last recorded address",
        f.last_recorded_address.map(Some),
        r.last_recorded_address,
    );
    d.into_result()
}

fn capacity(f: &CapacityFields, r: &ReadCapacityRepr) -> Result<(), String> {
    let mut d = Differences::default();
    d.field("last LBA", f.last_lba, r.last_lba);
    d.field("block length", f.block_length, r.block_length);
    d.into_result()
}

fn inquiry(f: &InquiryFields, r: &StandardInquiryRepr) -> Result<(), String> {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).trim_end().to_string();
    let mut d = Differences::default();
    d.field("device type", f.device_type, r.device_type);
    d.field("removable", f.removable, r.removable);
    d.field("vendor", f.vendor.clone(), text(&r.vendor));
    d.field("product", f.product.clone(), text(&r.product));
    d.field("revision", f.revision.clone(), text(&r.revision));
    d.into_result()
}

/// `"cd-r"` for 0009h, `"none"` for 0000h, else the hex code.
pub(crate) fn profile_id(code: u16) -> String {
    match Profile::from_code(code) {
        Some(profile) => profile.id().to_string(),
        None if code == 0 => "none".into(),
        None => format!("{code:04X}h"),
    }
}

fn configuration(f: &ConfigurationFields, r: &ConfigurationRepr) -> Result<(), String> {
    let mut d = Differences::default();
    d.field(
        "current profile",
        f.current_profile.clone(),
        profile_id(r.current_profile),
    );
    let listed = |code: u16| r.features.iter().find(|feature| feature.code() == code);
    for &code in &f.features {
        if listed(code).is_none() {
            d.push(format!("feature {code:04X}h is not listed"));
        }
    }
    for &code in &f.current {
        match listed(code) {
            None => d.push(format!("feature {code:04X}h is not listed (expected current)")),
            Some(feature) if !feature.current => d.push(format!("feature {code:04X}h is not current")),
            Some(_) => {}
        }
    }
    for &code in &f.not_current {
        if listed(code).is_some_and(|feature| feature.current) {
            d.push(format!("feature {code:04X}h is current (expected not)"));
        }
    }
    d.into_result()
}

fn sense(f: &SenseFields, r: &SenseDataRepr) -> Result<(), String> {
    let problems = sense_problems(r, f.sense.0, f.deferred, f.information, f.progress);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("sense data: {}", problems.join("; ")))
    }
}

fn media_event(f: &MediaEventFields, r: &EventStatusRepr) -> Result<(), String> {
    let Some(Event::Media {
        event,
        media_present,
        tray_open,
        ..
    }) = r.event
    else {
        return Err(format!("no media class event descriptor (got {:?})", r.event));
    };
    let mut d = Differences::default();
    d.field("media event", f.event, event);
    d.field("media present", f.media_present, media_present);
    d.field("tray open", f.tray_open, tray_open);
    d.into_result()
}
