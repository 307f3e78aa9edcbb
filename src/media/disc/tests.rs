//! Every rule of `Disc`, and every refusal with its exact sense triple.

use super::view::TrackViewState;
use super::*;
use crate::media::profile::{BlankType, CdLength, Profile};
use crate::mmc::Sense;

const TAO: WriteParameters = WriteParameters {
    write_mode: WriteMode::TrackAtOnce,
    track_mode: TrackMode::Mode1,
    keep_appendable: true,
};
const TAO_FINAL: WriteParameters = WriteParameters {
    keep_appendable: false,
    ..TAO
};
const INC: WriteParameters = WriteParameters {
    write_mode: WriteMode::Incremental,
    track_mode: TrackMode::Mode1,
    keep_appendable: true,
};
const DAO: WriteParameters = WriteParameters {
    write_mode: WriteMode::SessionAtOnce,
    ..INC
};
const CLOSE_TRACK: u8 = 1;
const CLOSE_SESSION: u8 = 2;

/// Apply a rule that must be refused, and check the sense and that the disc did not change.
fn refused<T: std::fmt::Debug>(disc: &mut Disc, rule: impl FnOnce(&mut Disc) -> Result<T, Sense>) -> Sense {
    let before = disc.clone();
    let sense = rule(disc).expect_err("the rule should refuse");
    assert_eq!(*disc, before, "a refused rule changed the disc");
    sense
}

fn invisible(disc: &Disc) -> TrackView {
    let last = disc.track_views().pop().expect("a track");
    assert_eq!(last.state, TrackViewState::Invisible);
    last
}

/// Write `blocks` at the current NWA of the invisible or open-ended track.
fn append(disc: &mut Disc, blocks: u32, params: &WriteParameters) -> StoreEffect {
    let nwa = disc
        .track_view(0xFF)
        .and_then(|t| t.next_writable_address)
        .expect("a writable track");
    disc.write(nwa, blocks, params).expect("write at NWA")
}

fn session(disc: &mut Disc, blocks: u32) {
    append(disc, blocks, &INC);
    let last = disc.track_count();
    disc.close(CLOSE_TRACK, last, &INC).unwrap();
    disc.close(CLOSE_SESSION, 0, &INC).unwrap();
}

// ---- blank media as drives report them (mmc.md §7) ----

#[test]
fn blank_cd_r_80_reports_atip_geometry() {
    let disc = Disc::new(Profile::CdR);
    let view = disc.view();
    assert_eq!(view.status, DiscStatus::Blank);
    assert_eq!(view.last_session_state, SessionState::Empty);
    assert_eq!(
        (
            view.sessions,
            view.first_track_in_last_session,
            view.last_track_in_last_session
        ),
        (1, 1, 1)
    );
    assert_eq!(view.last_session_lead_in, Some(-11077));
    assert_eq!(view.last_possible_lead_out, Some(359849));
    let track = invisible(&disc);
    assert_eq!(
        (track.start, track.next_writable_address, track.free_blocks),
        (0, Some(0), 359847)
    );
    assert_eq!(disc.readable_blocks(), 0);
}

#[test]
fn blank_cd_r_74_is_shorter() {
    let disc = Disc::new_cd(Profile::CdR, CdLength::Min74);
    assert_eq!(disc.view().last_possible_lead_out, Some(336075));
    assert_eq!(invisible(&disc).free_blocks, 336073);
}

#[test]
fn blank_dvd_plus_r_offers_the_whole_disc() {
    let disc = Disc::new(Profile::DvdPlusR);
    let track = invisible(&disc);
    assert_eq!(
        (track.size_blocks, track.free_blocks, track.packet_blocks),
        (2295104, 2295104, 0),
        "variable packets: Fixed Packet clear (real-drives.md §7)"
    );
    assert_eq!(disc.view().last_possible_lead_out, Some(2295104));
}

#[test]
fn blank_dvd_r_free_blocks_and_legacy_lead_out() {
    let disc = Disc::new(Profile::DvdR);
    assert_eq!(invisible(&disc).free_blocks, 2297888);
    assert_eq!(disc.view().last_possible_lead_out, Some(2298496));
}

#[test]
fn blank_bd_r_is_invisible_incremental_with_capacity_zero() {
    let disc = Disc::new(Profile::BdRSrm);
    assert_eq!(invisible(&disc).free_blocks, 12219392);
    assert_eq!(disc.readable_blocks(), 0);
    assert_eq!(disc.status(), DiscStatus::Blank);
}

#[test]
fn blank_dvd_plus_rw_is_blank_until_formatted() {
    let mut disc = Disc::new(Profile::DvdPlusRw);
    assert_eq!(disc.status(), DiscStatus::Blank);
    let track = disc.track_view(1).unwrap();
    assert_eq!(track.state, TrackViewState::Invisible);
    assert_eq!(
        (track.start, track.size_blocks, track.free_blocks),
        (0, 2295104, 2295104)
    );
    assert_eq!(disc.readable_blocks(), 0);
    assert_eq!(disc.view().background_format_status, 0);

    disc.format(FormatRequest {
        format_type: 0x26,
        subtype: 0,
        blocks: 0xFFFF_FFFF,
        parameter: 0,
    })
    .unwrap();
    assert_eq!(disc.status(), DiscStatus::Finalized); // "complete"
    assert_eq!(disc.view().background_format_status, 2);
    let track = disc.track_view(1).unwrap();
    assert_eq!((track.state, track.size_blocks), (TrackViewState::Complete, 2295104));
    assert_eq!(disc.readable_blocks(), 2295104);
}

#[test]
fn dvd_ram_comes_formatted_and_random_access() {
    let disc = Disc::new(Profile::DvdRam);
    assert_eq!(disc.status(), DiscStatus::RandomAccess);
    assert_eq!(disc.readable_blocks(), 2236704);
    assert!(disc.view().erasable);
}

#[test]
fn pressed_discs_are_finalized_single_sessions() {
    let disc = Disc::pressed(Profile::DvdRom, 1000, false);
    assert_eq!(disc.status(), DiscStatus::Finalized);
    assert_eq!(disc.readable_blocks(), 1000);
    assert_eq!(disc.view().last_session_lead_in, None);
    let appendable = Disc::pressed(Profile::CdR, 1000, true);
    assert_eq!(appendable.status(), DiscStatus::Appendable);
    assert_eq!(invisible(&appendable).start, 1002 + 11400);
    let dvd_plus_rw = Disc::pressed(Profile::DvdPlusRw, 1000, false);
    assert_eq!(dvd_plus_rw.readable_blocks(), 2295104);
}

// ---- writing ----

#[test]
fn first_write_opens_a_session_and_a_track() {
    let mut disc = Disc::new(Profile::DvdPlusR);
    assert_eq!(disc.write(0, 32, &INC), Ok(StoreEffect::NONE));
    assert_eq!(disc.status(), DiscStatus::Appendable);
    let view = disc.view();
    assert_eq!((view.sessions, view.last_session_state), (1, SessionState::Incomplete));
    let track = disc.track_view(0xFF).unwrap();
    assert_eq!(
        (track.number, track.state, track.next_writable_address),
        (1, TrackViewState::Incomplete, Some(32))
    );
    assert_eq!(track.free_blocks, 2295104 - 32);
    assert_eq!(track.last_recorded_address, Some(31));
}

#[test]
fn sequential_write_elsewhere_than_the_nwa_is_an_invalid_address() {
    let mut disc = Disc::new(Profile::DvdR);
    assert_eq!(
        refused(&mut disc, |d| d.write(16, 16, &INC)),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
    disc.write(0, 16, &INC).unwrap();
    assert_eq!(
        refused(&mut disc, |d| d.write(0, 16, &INC)),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
}

#[test]
fn sequential_write_at_or_past_the_end() {
    let mut disc = Disc::new(Profile::DvdPlusR);
    assert_eq!(
        refused(&mut disc, |d| d.write(2295104, 16, &INC)),
        Sense::LBA_OUT_OF_RANGE
    );
    assert_eq!(
        refused(&mut disc, |d| d.write(0, 2295104 + 16, &INC)),
        Sense::END_OF_USER_AREA_ENCOUNTERED
    );
    assert!(disc.write(0, 2295104, &INC).is_ok());
}

#[test]
fn a_partial_ecc_block_or_cluster_waits_in_the_buffer_until_the_cache_is_flushed() {
    // growisofs writes 16-block units on BD-R (32-block clusters): the next write follows the
    // last block, and SYNCHRONIZE CACHE pads the partial unit.
    let mut bd = Disc::new(Profile::BdRSrm);
    assert_eq!(bd.write(0, 16, &INC).unwrap().pad, None);
    assert_eq!(bd.track_view(1).unwrap().next_writable_address, Some(16));
    assert!(bd.write(16, 17, &INC).is_ok());
    assert_eq!(bd.synchronize_cache(&INC).unwrap().pad, Some(33..64));
    assert_eq!(bd.track_view(1).unwrap().next_writable_address, Some(64));
    let mut disc = Disc::new(Profile::DvdPlusR);
    assert_eq!(disc.write(0, 1, &INC).unwrap().pad, None);
    assert_eq!(disc.synchronize_cache(&INC).unwrap().pad, Some(1..16));
    assert_eq!(disc.track_view(1).unwrap().next_writable_address, Some(16));
    let mut cd = Disc::new(Profile::CdR);
    assert_eq!(cd.write(0, 33, &TAO).unwrap().pad, None);
}

#[test]
fn zero_length_write_is_good() {
    let mut disc = Disc::new(Profile::CdR);
    assert_eq!(disc.write(1234, 0, &TAO), Ok(StoreEffect::NONE));
    assert_eq!(disc.status(), DiscStatus::Blank);
}

#[test]
fn finalized_and_read_only_media_refuse_writes() {
    let mut rom = Disc::pressed(Profile::BdRom, 64, false);
    assert_eq!(
        refused(&mut rom, |d| d.write(64, 32, &INC)),
        Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT
    );
    let mut fin = Disc::pressed(Profile::DvdR, 64, false);
    assert_eq!(
        refused(&mut fin, |d| d.write(0, 16, &INC)),
        Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT
    );
}

#[test]
fn cd_sao_and_raw_need_a_cue_sheet_first() {
    let mut disc = Disc::new(Profile::CdR);
    let sao = WriteParameters {
        write_mode: WriteMode::SessionAtOnce,
        ..TAO
    };
    let raw = WriteParameters {
        write_mode: WriteMode::Raw,
        ..TAO
    };
    assert_eq!(
        refused(&mut disc, |d| d.write(0, 300, &sao)),
        Sense::COMMAND_SEQUENCE_ERROR
    );
    assert_eq!(
        refused(&mut disc, |d| d.write(0, 300, &raw)),
        Sense::COMMAND_SEQUENCE_ERROR
    );
}

#[test]
fn overwritable_media_take_any_formatted_aligned_range() {
    let mut bd = Disc::new(Profile::BdRe);
    assert_eq!(refused(&mut bd, |d| d.write(0, 32, &INC)), Sense::MEDIUM_NOT_FORMATTED);
    bd.format(FormatRequest {
        format_type: 0,
        subtype: 0,
        blocks: 11826176,
        parameter: 0x3000,
    })
    .unwrap();
    assert!(bd.write(12345, 7, &INC).is_ok());
    assert!(bd.write(0, 1, &INC).is_ok());
    assert_eq!(
        refused(&mut bd, |d| d.write(11826176, 1, &INC)),
        Sense::LBA_OUT_OF_RANGE
    );
    assert_eq!(
        refused(&mut bd, |d| d.write(11826175, 2, &INC)),
        Sense::LBA_OUT_OF_RANGE
    );

    let mut ro = Disc::new(Profile::DvdRwRestrictedOverwrite);
    assert!(ro.write(32, 16, &INC).is_ok());
    assert_eq!(
        refused(&mut ro, |d| d.write(8, 16, &INC)),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
    assert_eq!(
        refused(&mut ro, |d| d.write(16, 8, &INC)),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
}

#[test]
fn dvd_plus_rw_takes_writes_while_background_formatting() {
    let mut disc = Disc::new(Profile::DvdPlusRw);
    assert_eq!(
        refused(&mut disc, |d| d.write(0, 16, &INC)),
        Sense::MEDIUM_NOT_FORMATTED
    );
    disc.format(FormatRequest {
        format_type: 0x26,
        subtype: 0,
        blocks: 2295104,
        parameter: 0,
    })
    .unwrap();
    assert!(disc.write(2295104 - 16, 16, &INC).is_ok());
}

#[test]
fn a_damaged_track_takes_no_writes_and_blocks_the_session_close() {
    let mut disc = Disc::new(Profile::CdR);
    disc.write(0, 500, &TAO).unwrap();
    assert_eq!(disc.damage_open_track(), Some(1));
    assert_eq!(disc.view().last_session_state, SessionState::Damaged);
    assert_eq!(
        refused(&mut disc, |d| d.write(500, 1, &TAO)),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
    assert_eq!(
        refused(&mut disc, |d| d.close(CLOSE_SESSION, 0, &TAO)),
        Sense::SESSION_FIXATION_INCOMPLETE_TRACK
    );
    disc.close(CLOSE_TRACK, 1, &TAO).unwrap();
    disc.close(CLOSE_SESSION, 0, &TAO).unwrap();
    assert_eq!(disc.sessions[0].tracks[0].size_blocks, 502);
}

// ---- CD geometry (mmc.md §2.4) ----

#[test]
fn cd_tao_track_is_closed_by_synchronize_cache_with_run_out() {
    let mut disc = Disc::new(Profile::CdR);
    disc.write(0, 608, &TAO).unwrap();
    assert_eq!(disc.synchronize_cache(&TAO), Ok(StoreEffect::NONE));
    let track = disc.track_view(1).unwrap();
    assert_eq!((track.state, track.size_blocks), (TrackViewState::Complete, 610));
    // A second track in the same session follows after a 150-block pre-gap.
    assert_eq!(invisible(&disc).start, 610 + 150);
}

#[test]
fn cd_short_track_is_padded_to_four_seconds() {
    let mut disc = Disc::new(Profile::CdR);
    disc.write(0, 100, &TAO).unwrap();
    assert_eq!(disc.synchronize_cache(&TAO).unwrap().pad, Some(100..300));
    assert_eq!(disc.track_view(1).unwrap().size_blocks, 302);
}

#[test]
fn cd_multisession_layout_matches_a_real_tao_disc() {
    // udisks#836: session 1 data 0..607 (+2 run-out) → session 2 at 12010, ends 17898 → session 3 at 24800.
    let mut disc = Disc::new(Profile::CdR);
    disc.write(0, 608, &TAO).unwrap();
    disc.synchronize_cache(&TAO).unwrap();
    disc.close(CLOSE_SESSION, 0, &TAO).unwrap();
    assert_eq!(invisible(&disc).start, 12010);
    assert_eq!(disc.view().last_session_lead_in, Some(12010 - 4650));
    disc.write(12010, 17898 - 12010, &TAO).unwrap();
    disc.synchronize_cache(&TAO).unwrap();
    disc.close(CLOSE_SESSION, 0, &TAO).unwrap();
    assert_eq!(invisible(&disc).start, 24800);
    assert_eq!(disc.view().sessions, 3);
    assert_eq!(disc.readable_blocks(), 17900);
}

#[test]
fn cd_close_session_finalizes_unless_page_05_keeps_it_appendable() {
    let mut disc = Disc::new(Profile::CdRw);
    disc.write(0, 300, &TAO_FINAL).unwrap();
    disc.synchronize_cache(&TAO_FINAL).unwrap();
    disc.close(CLOSE_SESSION, 0, &TAO_FINAL).unwrap();
    assert_eq!(disc.status(), DiscStatus::Finalized);
    let view = disc.view();
    assert_eq!(
        (
            view.last_session_state,
            view.last_session_lead_in,
            view.last_possible_lead_out
        ),
        (SessionState::Complete, None, None)
    );
    assert_eq!(disc.invisible_track_start(), None);
    assert_eq!(disc.track_view(0xFF), None);
}

#[test]
fn cd_holds_at_most_99_tracks() {
    let mut disc = Disc::new(Profile::CdR);
    for _ in 0..99 {
        append(&mut disc, 300, &TAO);
        disc.synchronize_cache(&TAO).unwrap();
    }
    assert_eq!(disc.track_count(), 99);
    assert_eq!(disc.invisible_track_start(), None);
    assert_eq!(
        refused(&mut disc, |d| d.reserve_track(300)),
        Sense::NO_MORE_TRACK_RESERVATIONS_ALLOWED
    );
    let next = 99 * 302 + 98 * 150;
    assert_eq!(
        refused(&mut disc, |d| d.write(next as u32, 300, &TAO)),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
}

// ---- RESERVE TRACK ----

#[test]
fn reserved_track_takes_writes_up_to_its_size() {
    let mut disc = Disc::new(Profile::DvdR);
    assert_eq!(disc.reserve_track(100), Ok(1));
    let reserved = disc.track_view(1).unwrap();
    assert_eq!(
        (reserved.state, reserved.reserved, reserved.size_blocks),
        (TrackViewState::Blank, true, 112)
    );
    // The next RZone starts after the reservation and its 16-block link block (real-drives.md §4).
    assert_eq!(invisible(&disc).start, 128);
    assert_eq!(
        refused(&mut disc, |d| d.write(0, 113, &INC)),
        Sense::END_OF_USER_AREA_ENCOUNTERED
    );
    disc.write(0, 48, &INC).unwrap();
    disc.write(48, 64, &INC).unwrap();
    assert_eq!(disc.track_view(1).unwrap().free_blocks, 0);
    // The invisible track after it is writable at the same time.
    disc.write(128, 16, &INC).unwrap();
}

#[test]
fn reservations_are_bounded() {
    let mut disc = Disc::new(Profile::DvdR);
    disc.reserve_track(16).unwrap();
    disc.reserve_track(16).unwrap();
    assert_eq!(
        refused(&mut disc, |d| d.reserve_track(16)),
        Sense::NO_MORE_TRACK_RESERVATIONS_ALLOWED
    );
}

#[test]
fn reserve_track_refusals() {
    let mut bd_re = Disc::pressed(Profile::BdRe, 0, false);
    assert_eq!(
        refused(&mut bd_re, |d| d.reserve_track(32)),
        Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT
    );
    let mut fin = Disc::pressed(Profile::DvdPlusR, 16, false);
    assert_eq!(
        refused(&mut fin, |d| d.reserve_track(32)),
        Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT
    );
    let mut disc = Disc::new(Profile::DvdPlusR);
    assert_eq!(refused(&mut disc, |d| d.reserve_track(0)), Sense::INVALID_FIELD_IN_CDB);
    assert_eq!(
        refused(&mut disc, |d| d.reserve_track(2295104 + 1)),
        Sense::LBA_OUT_OF_RANGE
    );
    disc.write(0, 16, &INC).unwrap();
    assert_eq!(
        refused(&mut disc, |d| d.reserve_track(16)),
        Sense::COMMAND_SEQUENCE_ERROR
    );
}

// ---- CLOSE TRACK/SESSION (mmc.md §1.5 table) ----

#[test]
fn dvd_plus_r_sessions_stay_appendable_with_a_lead_out_gap() {
    let mut disc = Disc::new(Profile::DvdPlusR);
    session(&mut disc, 192);
    assert_eq!(disc.status(), DiscStatus::Appendable);
    // mmc.md §7: after one closed session of 192 blocks a drive placed the next track at 2240.
    assert_eq!(invisible(&disc).start, 2240);
    assert_eq!(disc.readable_blocks(), 192);
    let view = disc.view();
    assert_eq!(
        (
            view.sessions,
            view.first_track_in_last_session,
            view.last_track_in_last_session
        ),
        (2, 2, 2)
    );
    assert_eq!(view.last_session_state, SessionState::Empty);
}

#[test]
fn dvd_plus_r_finalizes_itself_at_153_sessions() {
    let mut disc = Disc::new(Profile::DvdPlusR);
    for _ in 0..152 {
        session(&mut disc, 16);
    }
    assert_eq!(disc.status(), DiscStatus::Appendable);
    session(&mut disc, 16);
    assert_eq!(disc.status(), DiscStatus::Finalized);
}

#[test]
fn dvd_plus_r_dl_sessions_stay_appendable_until_127() {
    let mut disc = Disc::new(Profile::DvdPlusRDl);
    session(&mut disc, 192);
    assert_eq!(disc.status(), DiscStatus::Appendable);
    assert_eq!(invisible(&disc).start, 2240);
    for _ in 1..126 {
        session(&mut disc, 16);
    }
    assert_eq!(disc.status(), DiscStatus::Appendable);
    assert_eq!(disc.view().sessions, 127);
    session(&mut disc, 16);
    assert_eq!(disc.status(), DiscStatus::Finalized);
}

#[test]
fn dvd_plus_r_finalizes_itself_when_nearly_full() {
    let mut disc = Disc::new(Profile::DvdPlusR);
    session(&mut disc, 2295104 - 2048 - 1024);
    assert_eq!(disc.status(), DiscStatus::Finalized);
}

#[test]
fn dvd_plus_r_finalize_functions() {
    for function in [5, 6] {
        let mut disc = Disc::new(Profile::DvdPlusR);
        assert_eq!(
            refused(&mut disc, |d| d.close(function, 0, &INC)),
            Sense::CURRENT_PROGRAM_AREA_EMPTY
        );
        append(&mut disc, 16, &INC);
        disc.close(CLOSE_TRACK, 1, &INC).unwrap();
        disc.close(function, 0, &INC).unwrap();
        assert_eq!(disc.status(), DiscStatus::Finalized);
    }
}

#[test]
fn bd_r_closes_sessions_and_finalizes_with_110b_only() {
    let mut disc = Disc::new(Profile::BdRSrm);
    session(&mut disc, 64);
    assert_eq!(disc.status(), DiscStatus::Appendable);
    assert_eq!(refused(&mut disc, |d| d.close(5, 0, &INC)), Sense::INVALID_FIELD_IN_CDB);
    disc.close(6, 0, &INC).unwrap();
    assert_eq!(disc.status(), DiscStatus::Finalized);
}

#[test]
fn close_session_refuses_open_tracks() {
    let mut disc = Disc::new(Profile::DvdR);
    disc.write(0, 16, &INC).unwrap();
    assert_eq!(
        refused(&mut disc, |d| d.close(CLOSE_SESSION, 0, &INC)),
        Sense::SESSION_FIXATION_INCOMPLETE_TRACK
    );
    let mut reserved = Disc::new(Profile::DvdR);
    reserved.reserve_track(64).unwrap();
    reserved.write(0, 16, &INC).unwrap();
    assert_eq!(
        refused(&mut reserved, |d| d.close(CLOSE_SESSION, 0, &INC)),
        Sense::EMPTY_OR_PARTIALLY_WRITTEN_RESERVED_TRACK
    );
    // Closing the reserved track pads it, then the border closes.
    assert_eq!(reserved.close(CLOSE_TRACK, 1, &INC).unwrap().pad, Some(16..64));
    reserved.close(CLOSE_SESSION, 0, &INC).unwrap();
    assert_eq!(reserved.status(), DiscStatus::Appendable);
}

#[test]
fn dvd_r_border_close_follows_page_05() {
    let mut disc = Disc::new(Profile::DvdR);
    let finalize = WriteParameters {
        keep_appendable: false,
        ..INC
    };
    disc.write(0, 16, &finalize).unwrap();
    disc.close(CLOSE_TRACK, 1, &finalize).unwrap();
    disc.close(CLOSE_SESSION, 0, &finalize).unwrap();
    assert_eq!(disc.status(), DiscStatus::Finalized);
}

/// real-drives.md §3: after the first border, the next track starts 28688 blocks after the end of
/// the first — a DVD-R (LG GSA-4040B, Verbatim MCC 02RG20; dvd+rw-mediainfo on the Ubuntu forums:
/// track 1 "complete incremental" size 65264, track 2 "invisible incremental" start and NWA 93952,
/// free 2203936, size 2203936) and a DVD-RW (145680 → 174368).
#[test]
fn dvd_r_and_dvd_rw_first_border_gap_is_28688_blocks() {
    for (profile, first, next) in [
        (Profile::DvdR, 65264, 93952),
        (Profile::DvdRwSequential, 145680, 174368),
    ] {
        let mut disc = Disc::new(profile);
        session(&mut disc, first);
        let next_track = invisible(&disc);
        assert_eq!(
            (
                next_track.number,
                next_track.session,
                next_track.start,
                next_track.next_writable_address
            ),
            (2, 2, next, Some(next)),
            "{profile:?}"
        );
        assert_eq!(next_track.free_blocks, 2297888 - next, "{profile:?}");
        assert_eq!(next_track.size_blocks, next_track.free_blocks, "{profile:?}");
    }
    let mut disc = Disc::new(Profile::DvdR);
    session(&mut disc, 65264);
    assert_eq!(invisible(&disc).free_blocks, 2203936);
}

/// After later borders the gap is the profile's estimate (no published output of a disc with
/// three borders was found; docs/fidelity.md): one rule, the first border's gap once.
#[test]
fn dvd_r_later_borders_take_the_later_gap() {
    let facts = Profile::DvdR.facts();
    let mut disc = Disc::new(Profile::DvdR);
    session(&mut disc, 64);
    session(&mut disc, 64);
    let second = disc.track_view(2).unwrap();
    assert_eq!(second.start, 64 + facts.session_gap_first_blocks);
    assert_eq!(
        invisible(&disc).start,
        second.start + 64 + facts.session_gap_later_blocks
    );
}

/// real-drives.md §4: a camcorder DVD-R (8 cm, dvd+rw-mediainfo) keeps its border open with a
/// reserved RZone 1 of 12272 blocks and three closed RZones; each starts 16 blocks after the end of
/// the one before: 12288 (256 blocks), 12560 (665120), 677696 (32), the invisible one at 677744.
/// The addresses are the real ones; the free blocks differ only by the disc size (8 cm there).
#[test]
fn dvd_r_rzones_of_an_open_border_are_16_blocks_apart() {
    let mut disc = Disc::new(Profile::DvdR);
    assert_eq!(disc.reserve_track(12272), Ok(1));
    let mut starts = vec![];
    for (number, blocks) in [(2, 256), (3, 665120), (4, 32)] {
        let start = invisible(&disc).start;
        disc.write(start, blocks, &INC).unwrap();
        disc.close(CLOSE_TRACK, number, &INC).unwrap();
        starts.push(start);
    }
    assert_eq!(starts, [12288, 12560, 677696]);
    assert_eq!(invisible(&disc).start, 677744);
    let reserved = disc.track_view(1).unwrap();
    assert_eq!(
        (
            reserved.state,
            reserved.start,
            reserved.next_writable_address,
            reserved.free_blocks,
            reserved.size_blocks
        ),
        (TrackViewState::Blank, 0, Some(0), 12272, 12272)
    );
    assert_eq!(disc.view().sessions, 1, "one border, still open");
    // DVD+R fragments and CD tracks keep their own rules.
    let mut plus = Disc::new(Profile::DvdPlusR);
    plus.reserve_track(32).unwrap();
    assert_eq!(invisible(&plus).start, 32);
}

#[test]
fn dvd_r_dl_holds_one_session() {
    let mut disc = Disc::new(Profile::DvdRDl);
    session(&mut disc, 16);
    assert_eq!(disc.status(), DiscStatus::Finalized);
}

#[test]
fn dvd_r_dao_needs_a_reservation_and_closes_at_synchronize_cache() {
    let mut disc = Disc::new(Profile::DvdR);
    assert_eq!(
        refused(&mut disc, |d| d.write(0, 16, &DAO)),
        Sense::COMMAND_SEQUENCE_ERROR
    );
    disc.reserve_track(1000).unwrap();
    disc.write(0, 1008, &DAO).unwrap();
    disc.synchronize_cache(&DAO).unwrap();
    assert_eq!(disc.status(), DiscStatus::Finalized);
    assert_eq!(disc.readable_blocks(), 1008);
}

#[test]
fn close_refusals() {
    let mut rom = Disc::pressed(Profile::CdRom, 300, false);
    assert_eq!(
        refused(&mut rom, |d| d.close(CLOSE_SESSION, 0, &TAO)),
        Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT
    );
    let mut fin = Disc::pressed(Profile::CdR, 300, false);
    assert_eq!(
        refused(&mut fin, |d| d.close(CLOSE_SESSION, 0, &TAO)),
        Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT
    );
    let mut cd = Disc::new(Profile::CdR);
    assert_eq!(refused(&mut cd, |d| d.close(0, 0, &TAO)), Sense::INVALID_FIELD_IN_CDB);
    assert_eq!(refused(&mut cd, |d| d.close(6, 0, &TAO)), Sense::INVALID_FIELD_IN_CDB);
    assert_eq!(
        refused(&mut cd, |d| d.close(CLOSE_TRACK, 7, &TAO)),
        Sense::INVALID_FIELD_IN_CDB
    );
    let mut bd_re = Disc::pressed(Profile::BdRe, 0, false);
    assert_eq!(
        refused(&mut bd_re, |d| d.close(CLOSE_SESSION, 0, &TAO)),
        Sense::INVALID_FIELD_IN_CDB
    );
}

#[test]
fn closing_the_invisible_track_or_an_empty_session_is_good_and_changes_nothing() {
    let mut disc = Disc::new(Profile::CdR);
    let before = disc.clone();
    assert_eq!(disc.close(CLOSE_TRACK, 1, &TAO), Ok(StoreEffect::NONE));
    assert_eq!(disc.close(CLOSE_SESSION, 0, &TAO_FINAL), Ok(StoreEffect::NONE));
    assert_eq!(disc, before);
}

// ---- DVD+RW background format (mmc.md §2.2) ----

#[test]
fn dvd_plus_rw_background_format_life() {
    let mut disc = Disc::new(Profile::DvdPlusRw);
    assert_eq!(
        refused(&mut disc, |d| d.close(CLOSE_SESSION, 0, &INC)),
        Sense::MEDIUM_NOT_FORMATTED
    );
    let restart = FormatRequest {
        format_type: 0x26,
        subtype: 0,
        blocks: 0xFFFF_FFFF,
        parameter: 1,
    };
    assert_eq!(
        refused(&mut disc, |d| d.format(restart)),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    disc.format(FormatRequest {
        parameter: 0,
        ..restart
    })
    .unwrap();
    disc.advance_background_format(1000);
    assert_eq!(disc.view().background_format_status, 2);
    disc.close(0, 0, &INC).unwrap(); // stop de-icing
    assert_eq!(disc.view().background_format_status, 1);
    assert_eq!(disc.format(restart), Ok(StoreEffect::NONE));
    assert_eq!(
        disc.format,
        FormatState::Formatted {
            blocks: 2295104,
            format_type: 0x26,
            subtype: 0,
            background: BackgroundFormat::InProgress { progress: 1000 },
            intermediate: false,
            pseudo_overwrite: None,
        }
    );
    disc.close(CLOSE_SESSION, 0, &INC).unwrap();
    assert_eq!(disc.view().background_format_status, 3);
    disc.close(0, 0, &INC).unwrap(); // nothing running: GOOD
    assert_eq!(disc.view().background_format_status, 3);
}

/// real-drives.md §5: what a drive leaves of a background format when the disc leaves it (and
/// what it finds when the disc comes back): running → suspended at the same point; Restart goes
/// on from there; completed stays completed; progress never goes back.
#[test]
fn a_running_background_format_is_suspended_when_the_disc_leaves_the_drive() {
    let mut disc = Disc::new(Profile::DvdPlusRw);
    disc.start_default_format().unwrap();
    disc.advance_background_format(20000);
    disc.suspend_background_format();
    assert_eq!(disc.view().background_format_status, 1);
    assert_eq!(disc.formatted_blocks(), Some(2295104));
    disc.format(FormatRequest {
        format_type: 0x26,
        subtype: 0,
        blocks: 2295104,
        parameter: 1,
    })
    .unwrap();
    disc.advance_background_format(100);
    assert!(matches!(
        disc.format,
        FormatState::Formatted {
            background: BackgroundFormat::InProgress { progress: 20000 },
            ..
        }
    ));
    let mut complete = Disc::new(Profile::DvdPlusRw);
    complete.format_default().unwrap();
    complete.suspend_background_format();
    assert_eq!(complete.view().background_format_status, 3);
    // Nothing to suspend elsewhere.
    for profile in [Profile::BdRe, Profile::DvdRam, Profile::DvdPlusR] {
        let mut other = Disc::new(profile);
        let _ = other.format_default();
        let before = other.clone();
        other.suspend_background_format();
        assert_eq!(other, before, "{profile:?}");
    }
}

#[test]
fn background_format_completes_at_full_progress() {
    let mut disc = Disc::new(Profile::DvdPlusRw);
    disc.format(FormatRequest {
        format_type: 0x26,
        subtype: 0,
        blocks: 2295104,
        parameter: 0,
    })
    .unwrap();
    disc.advance_background_format(u16::MAX);
    assert_eq!(disc.view().background_format_status, 3);
}

// ---- FORMAT UNIT ----

#[test]
fn bd_re_formats_with_and_without_spares() {
    let mut disc = Disc::new(Profile::BdRe);
    assert_eq!(disc.status(), DiscStatus::Blank);
    let no_spare = FormatRequest {
        format_type: 0x31,
        subtype: 1,
        blocks: 12219392,
        parameter: 0,
    };
    assert_eq!(disc.format(no_spare).unwrap().forget, Some(0..12219392));
    assert_eq!(
        (disc.status(), disc.readable_blocks()),
        (DiscStatus::RandomAccess, 12219392)
    );
    disc.format(FormatRequest {
        format_type: 0x30,
        subtype: 2,
        blocks: 11564032,
        parameter: 0,
    })
    .unwrap();
    assert_eq!(disc.readable_blocks(), 11564032);
}

#[test]
fn format_parameter_refusals() {
    let mut disc = Disc::new(Profile::BdRe);
    let bad = [
        FormatRequest {
            format_type: 0x31,
            subtype: 0,
            blocks: 12219391,
            parameter: 0,
        },
        FormatRequest {
            format_type: 0x31,
            subtype: 2,
            blocks: 12219392,
            parameter: 0,
        },
        FormatRequest {
            format_type: 0x26,
            subtype: 0,
            blocks: 12219392,
            parameter: 0,
        },
        FormatRequest {
            format_type: 0x32,
            subtype: 0,
            blocks: 11826176,
            parameter: 0,
        },
    ];
    for request in bad {
        assert_eq!(
            refused(&mut disc, |d| d.format(request)),
            Sense::INVALID_FIELD_IN_PARAMETER_LIST,
            "{request:?}"
        );
    }
}

#[test]
fn write_once_and_pressed_media_cannot_be_formatted() {
    let request = FormatRequest {
        format_type: 0,
        subtype: 0,
        blocks: 0,
        parameter: 0,
    };
    for profile in [Profile::CdR, Profile::DvdR, Profile::DvdPlusR, Profile::CdRw] {
        let mut disc = Disc::new(profile);
        assert_eq!(
            refused(&mut disc, |d| d.format(request)),
            Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM
        );
    }
    let mut rom = Disc::pressed(Profile::DvdRom, 16, false);
    assert_eq!(
        refused(&mut rom, |d| d.format(request)),
        Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM
    );
}

#[test]
fn bd_r_formats_once_srm_or_rrm() {
    let srm = FormatRequest {
        format_type: 0x32,
        subtype: 1,
        blocks: 5796864,
        parameter: 0,
    };
    let mut disc = Disc::new(Profile::BdRSrm);
    disc.format(srm).unwrap();
    assert_eq!(disc.status(), DiscStatus::Appendable); // "appendable, 1 empty session" (mmc.md §2.2)
    assert_eq!(invisible(&disc).free_blocks, 5796864);
    assert_eq!(
        refused(&mut disc, |d| d.format(srm)),
        Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM
    );

    let mut written = Disc::new(Profile::BdRSrm);
    written.write(0, 32, &INC).unwrap();
    assert_eq!(
        refused(&mut written, |d| d.format(srm)),
        Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM
    );

    let mut rrm = Disc::new(Profile::BdRSrm);
    rrm.format(FormatRequest {
        format_type: 0,
        subtype: 2,
        blocks: 11826176,
        parameter: 0x3000,
    })
    .unwrap();
    assert_eq!(rrm.profile, Profile::BdRRrm);
    assert!(rrm.write(4096, 32, &INC).is_ok());
}

#[test]
fn dvd_rw_formats_to_restricted_overwrite() {
    let mut disc = Disc::new(Profile::DvdRwSequential);
    session(&mut disc, 16);
    let quick = FormatRequest {
        format_type: 0x15,
        subtype: 0,
        blocks: 2297888,
        parameter: 0x10,
    };
    assert_eq!(disc.format(quick).unwrap().forget, Some(0..2297888));
    assert_eq!(disc.profile, Profile::DvdRwRestrictedOverwrite);
    assert!(disc.sessions.is_empty());
    assert!(matches!(disc.format, FormatState::Formatted { intermediate: true, .. }));
    disc.close(CLOSE_SESSION, 0, &INC).unwrap();
    assert!(matches!(
        disc.format,
        FormatState::Formatted {
            intermediate: false,
            ..
        }
    ));
    assert_eq!(disc.status(), DiscStatus::Finalized);
}

#[test]
fn dvd_ram_formats_with_spare_expansion() {
    let mut disc = Disc::new(Profile::DvdRam);
    disc.format(FormatRequest {
        format_type: 0x01,
        subtype: 0,
        blocks: 2226976,
        parameter: 0x800,
    })
    .unwrap();
    assert_eq!(disc.readable_blocks(), 2226976);
}

// ---- BLANK ----

#[test]
fn blank_refusals() {
    for profile in [Profile::CdR, Profile::DvdR, Profile::DvdPlusR, Profile::BdRSrm] {
        let mut disc = Disc::new(profile);
        assert_eq!(
            refused(&mut disc, |d| d.blank(BlankType::Full)),
            Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM
        );
    }
    let mut rom = Disc::pressed(Profile::CdRom, 300, false);
    assert_eq!(
        refused(&mut rom, |d| d.blank(BlankType::Full)),
        Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM
    );
    for profile in [Profile::DvdPlusRw, Profile::BdRe, Profile::DvdRam] {
        let mut disc = Disc::pressed(profile, 0, false);
        assert_eq!(
            refused(&mut disc, |d| d.blank(BlankType::Full)),
            Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT
        );
    }
    let mut ro = Disc::new(Profile::DvdRwRestrictedOverwrite);
    assert_eq!(
        refused(&mut ro, |d| d.blank(BlankType::LastSession)),
        Sense::INVALID_FIELD_IN_CDB
    );
}

#[test]
fn cd_rw_full_blank_gives_a_blank_disc() {
    let mut disc = Disc::new_cd(Profile::CdRw, CdLength::Min74);
    disc.write(0, 300, &TAO_FINAL).unwrap();
    disc.synchronize_cache(&TAO_FINAL).unwrap();
    disc.close(CLOSE_SESSION, 0, &TAO_FINAL).unwrap();
    disc.disc_id = Some(7);
    assert_eq!(disc.blank(BlankType::Full).unwrap().forget, Some(0..336075));
    let mut expected = Disc::new_cd(Profile::CdRw, CdLength::Min74);
    expected.disc_id = Some(7);
    assert_eq!(disc, expected);
}

#[test]
fn blank_last_session_and_unclose() {
    let mut disc = Disc::new(Profile::CdRw);
    for _ in 0..2 {
        append(&mut disc, 300, &TAO);
        disc.synchronize_cache(&TAO).unwrap();
        disc.close(CLOSE_SESSION, 0, &TAO).unwrap();
    }
    assert_eq!(disc.blank(BlankType::LastSession).unwrap().forget, Some(11702..12004));
    assert_eq!(disc.sessions.len(), 1);
    assert_eq!(invisible(&disc).start, 11702);
    disc.blank(BlankType::UncloseLastSession).unwrap();
    assert_eq!(disc.view().last_session_state, SessionState::Incomplete);
    assert_eq!(invisible(&disc).start, 302 + 150); // a new track in the reopened session
    disc.blank(BlankType::LastSession).unwrap();
    assert_eq!(disc.status(), DiscStatus::Blank);
    assert_eq!(disc.blank(BlankType::LastSession), Ok(StoreEffect::NONE));
}

#[test]
fn dvd_rw_minimal_blank_allows_dao_only_until_a_full_blank() {
    let mut disc = Disc::new(Profile::DvdRwRestrictedOverwrite);
    disc.blank(BlankType::Minimal).unwrap();
    assert_eq!(disc.profile, Profile::DvdRwSequential);
    assert_eq!(
        refused(&mut disc, |d| d.write(0, 16, &INC)),
        Sense::ILLEGAL_MODE_FOR_THIS_TRACK
    );
    disc.reserve_track(16).unwrap();
    disc.write(0, 16, &DAO).unwrap();
    disc.blank(BlankType::Full).unwrap();
    assert!(disc.write(0, 16, &INC).is_ok());
}

#[test]
fn disc_round_trips_through_ron() {
    let mut disc = Disc::new(Profile::DvdPlusR);
    session(&mut disc, 192);
    disc.write(2240, 20, &INC).unwrap();
    let text = ron::ser::to_string_pretty(&disc, Default::default()).unwrap();
    assert_eq!(ron::from_str::<Disc>(&text).unwrap(), disc);
}
