//! Random bytes into every parser of the wire layer: a reply from a real drive (or a parameter
//! list from a client) may be anything, and must never panic the parser.

use super::*;
use proptest::prelude::*;

fn parse_everything(bytes: &[u8]) {
    let _ = sense_data::SenseDataRepr::parse_any(bytes);
    if let Ok(view) = read_capacity::ReadCapacityData::new_checked(bytes) {
        let _ = read_capacity::ReadCapacityRepr::parse(&view);
    }
    if let Ok(view) = format_capacities::FormatCapacities::new_checked(bytes) {
        let _ = format_capacities::FormatCapacitiesRepr::parse(&view);
    }
    if let Ok(view) = disc_information::DiscInformation::new_checked(bytes) {
        let _ = disc_information::DiscInformationRepr::parse(&view);
    }
    if let Ok(view) = track_information::TrackInformation::new_checked(bytes) {
        let _ = track_information::TrackInformationRepr::parse(&view);
    }
    if let Ok(view) = toc::Toc::new_checked(bytes) {
        let _ = toc::TocRepr::parse(&view, msf::Addressing::Msf);
    }
    if let Ok(view) = raw_toc::RawToc::new_checked(bytes) {
        let _ = raw_toc::RawTocRepr::parse(&view);
    }
    if let Ok(view) = atip::Atip::new_checked(bytes) {
        let _ = atip::AtipRepr::parse(&view);
    }
    if let Ok(view) = configuration::Configuration::new_checked(bytes) {
        let _ = configuration::ConfigurationRepr::parse(&view);
    }
    if let Ok(view) = features::FeatureDescriptor::new_checked(bytes) {
        let _ = features::FeatureRepr::parse(&view);
    }
    if let Ok(view) = event_status::EventStatus::new_checked(bytes) {
        let _ = event_status::EventStatusRepr::parse(&view);
    }
    if let Ok(view) = inquiry::StandardInquiry::new_checked(bytes) {
        let _ = inquiry::StandardInquiryRepr::parse(&view);
    }
    if let Ok(view) = inquiry::VpdPage::new_checked(bytes) {
        let _ = inquiry::VpdPageRepr::parse(&view);
    }
    for header in [mode_parameters::HeaderKind::Six, mode_parameters::HeaderKind::Ten] {
        let _ = mode_parameters::ModeParameterListRepr::parse(bytes, header);
    }
    let _ = mode_parameters::ModePageRepr::parse(bytes);
    if let Ok(view) = disc_structure::DiscStructure::new_checked(bytes) {
        let _ = disc_structure::CapabilityListRepr::parse(&view);
        let _ = disc_structure::BdSpareAreaRepr::parse(&view);
        let _ = disc_structure::BdDiscInformationRepr::parse(&view);
    }
    if let Ok(view) = dvd_structure::DvdAdip::new_checked(bytes) {
        let _ = dvd_structure::DvdAdipRepr::parse(&view);
    }
    if let Ok(view) = performance::Performance::new_checked(bytes) {
        let _ = performance::NominalPerformanceRepr::parse(&view);
        let _ = performance::WriteSpeedRepr::parse(&view);
    }
    if let Ok(view) = streaming::StreamingPerformance::new_checked(bytes) {
        let _ = streaming::StreamingPerformanceRepr::parse(&view);
    }
    if let Ok(view) = format_unit::FormatList::new_checked(bytes) {
        let _ = format_unit::FormatListRepr::parse(&view);
    }
    if let Ok(view) = buffer_capacity::BufferCapacity::new_checked(bytes) {
        let _ = buffer_capacity::BufferCapacityRepr::parse(&view);
    }
    if let Ok(view) = mechanism_status::MechanismStatusHeader::new_checked(bytes) {
        let _ = mechanism_status::MechanismStatusRepr::parse(&view);
    }
}

proptest! {
    #[test]
    fn random_replies_never_panic_a_parser(bytes in proptest::collection::vec(any::<u8>(), 0..=96)) {
        parse_everything(&bytes);
    }

    #[test]
    fn random_mode_pages_behind_a_header_never_panic(
        code in 0u8..0x40,
        body in proptest::collection::vec(any::<u8>(), 0..=64),
    ) {
        let mut list = vec![0u8; 8];
        list.push(code);
        list.push(body.len() as u8);
        list.extend(&body);
        let _ = mode_parameters::ModeParameterListRepr::parse(&list, mode_parameters::HeaderKind::Ten);
    }
}

#[test]
fn physical_format_of_any_content_parses() {
    let bytes = vec![0xA5u8; 2052];
    let view = dvd_structure::DvdPhysicalFormat::new_checked(&bytes[..]).unwrap();
    assert!(dvd_structure::DvdPhysicalFormatRepr::parse(&view).is_ok());
}
