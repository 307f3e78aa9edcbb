//! The MMC wire layer on any bytes: every typed CDB decode (through `Command::decode`) and every
//! reply / parameter-list `Repr` parse. Errors are fine, panics are not; where a parse succeeds,
//! the value is emitted and must parse back to itself: `parse(emit(x)) == x`.

#![no_main]

use burnbench::mmc::msf::Addressing;
use burnbench::mmc::*;
use libfuzzer_sys::fuzz_target;

/// Parses `$bytes` through view `$view` into `$repr` (extra parse arguments after `;`); on
/// success emits it and checks the emitted bytes parse to the same value.
macro_rules! round_trip {
    ($bytes:expr, $view:path, $repr:ty $(; $arg:expr)*) => {{
        use $view as View;
        if let Ok(view) = View::new_checked($bytes) {
            if let Ok(first) = <$repr>::parse(&view $(, $arg)*) {
                let emitted = first.to_vec();
                let again = View::new_checked(&emitted[..])
                    .and_then(|view| <$repr>::parse(&view $(, $arg)*))
                    .unwrap_or_else(|e| {
                        panic!("{} emitted {emitted:02x?} from {first:?}, which does not parse: {e:?}", stringify!($repr))
                    });
                assert_eq!(first, again, "{} does not survive emit + parse ({emitted:02x?})", stringify!($repr));
            }
        }
    }};
}

fn cdb(bytes: &[u8]) {
    if let Ok(command) = Command::decode(bytes) {
        let emitted = command.to_vec();
        assert_eq!(emitted.len(), command.buffer_len());
        assert_eq!(
            Command::decode(&emitted),
            Ok(command),
            "CDB {emitted:02x?} does not decode to itself"
        );
        let _ = command.data_direction();
        let _ = command.opcode_name();
    }
}

fn replies(bytes: &[u8]) {
    round_trip!(bytes, atip::Atip, atip::AtipRepr);
    round_trip!(
        bytes,
        buffer_capacity::BufferCapacity,
        buffer_capacity::BufferCapacityRepr
    );
    round_trip!(
        bytes,
        capabilities::CapabilitiesPage,
        capabilities::CapabilitiesPageRepr
    );
    round_trip!(bytes, configuration::Configuration, configuration::ConfigurationRepr);
    round_trip!(
        bytes,
        disc_information::DiscInformation,
        disc_information::DiscInformationRepr
    );
    round_trip!(bytes, disc_structure::DiscStructure, disc_structure::CapabilityListRepr);
    round_trip!(bytes, disc_structure::DiscStructure, disc_structure::BdSpareAreaRepr);
    round_trip!(
        bytes,
        disc_structure::DiscStructure,
        disc_structure::BdDiscInformationRepr
    );
    round_trip!(
        bytes,
        dvd_structure::DvdPhysicalFormat,
        dvd_structure::DvdPhysicalFormatRepr
    );
    round_trip!(bytes, dvd_structure::DvdAdip, dvd_structure::DvdAdipRepr);
    round_trip!(
        bytes,
        dvd_structure::DvdLayerBoundary,
        dvd_structure::DvdLayerBoundaryRepr
    );
    round_trip!(bytes, event_status::EventStatus, event_status::EventStatusRepr);
    round_trip!(bytes, features::FeatureDescriptor, features::FeatureRepr);
    round_trip!(
        bytes,
        format_capacities::FormatCapacities,
        format_capacities::FormatCapacitiesRepr
    );
    round_trip!(bytes, format_unit::FormatList, format_unit::FormatListRepr);
    round_trip!(bytes, inquiry::StandardInquiry, inquiry::StandardInquiryRepr);
    round_trip!(bytes, inquiry::VpdPage, inquiry::VpdPageRepr);
    round_trip!(
        bytes,
        mechanism_status::MechanismStatusHeader,
        mechanism_status::MechanismStatusRepr
    );
    round_trip!(bytes, mode_pages::ErrorRecoveryPage, mode_pages::ErrorRecoveryPageRepr);
    round_trip!(bytes, mode_pages::CachingPage, mode_pages::CachingPageRepr);
    round_trip!(bytes, performance::Performance, performance::NominalPerformanceRepr);
    round_trip!(bytes, performance::Performance, performance::WriteSpeedRepr);
    round_trip!(bytes, pow_resources::PowResources, pow_resources::PowResourcesRepr);
    round_trip!(bytes, raw_toc::RawToc, raw_toc::RawTocRepr);
    round_trip!(bytes, read_capacity::ReadCapacityData, read_capacity::ReadCapacityRepr);
    round_trip!(bytes, sense_data::FixedSense, sense_data::SenseDataRepr);
    round_trip!(
        bytes,
        streaming::StreamingPerformance,
        streaming::StreamingPerformanceRepr
    );
    round_trip!(bytes, toc::Toc, toc::TocRepr; Addressing::Lba);
    round_trip!(bytes, toc::Toc, toc::TocRepr; Addressing::Msf);
    round_trip!(
        bytes,
        track_information::TrackInformation,
        track_information::TrackInformationRepr
    );
    round_trip!(
        bytes,
        write_parameters::WriteParametersPage,
        write_parameters::WriteParametersPageRepr
    );

    // Parsers over plain bytes.
    if let Ok(first) = SenseDataRepr::parse_any(bytes) {
        for emitted in [first.to_vec(), first.to_descriptor_vec()] {
            assert_eq!(SenseDataRepr::parse_any(&emitted), Ok(first), "sense {emitted:02x?}");
        }
    }
    if let Ok(first) = mode_parameters::ModePageRepr::parse(bytes) {
        let emitted = first.to_vec();
        assert_eq!(
            mode_parameters::ModePageRepr::parse(&emitted),
            Ok(first),
            "mode page {emitted:02x?}"
        );
    }
    for header in [mode_parameters::HeaderKind::Six, mode_parameters::HeaderKind::Ten] {
        if let Ok(first) = mode_parameters::ModeParameterListRepr::parse(bytes, header) {
            let emitted = first.to_vec();
            assert_eq!(
                mode_parameters::ModeParameterListRepr::parse(&emitted, header),
                Ok(first),
                "mode parameter list {emitted:02x?}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    cdb(data);
    replies(data);
});
