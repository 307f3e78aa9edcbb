//! Random rule sequences against `media::Disc`: whatever the order, a refused rule leaves the disc
//! untouched, the layout stays consistent, and every state survives a RON round trip.

use burnbench::media::{
    BlankType, Disc, FormatRequest, Profile, TrackMode, TrackViewState, WriteMode, WriteParameters,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    WriteAtNwa(u32),
    WriteAt(u32, u32),
    Reserve(u32),
    Close(u8, u16),
    Sync,
    Blank(u8),
    Format(usize, u8),
    Damage,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (1u32..5000).prop_map(Op::WriteAtNwa),
        1 => (0u32..3_000_000, 1u32..5000).prop_map(|(l, b)| Op::WriteAt(l, b)),
        1 => (1u32..20000).prop_map(Op::Reserve),
        3 => (0u8..8, 0u16..5).prop_map(|(f, t)| Op::Close(f, t)),
        2 => Just(Op::Sync),
        1 => (0u8..8).prop_map(Op::Blank),
        1 => (0usize..8, 0u8..4).prop_map(|(i, s)| Op::Format(i, s)),
        1 => Just(Op::Damage),
    ]
}

fn params() -> impl Strategy<Value = WriteParameters> {
    (
        prop_oneof![
            Just(WriteMode::Incremental),
            Just(WriteMode::TrackAtOnce),
            Just(WriteMode::SessionAtOnce)
        ],
        any::<bool>(),
    )
        .prop_map(|(write_mode, keep_appendable)| WriteParameters {
            write_mode,
            track_mode: TrackMode::Mode1,
            keep_appendable,
        })
}

fn apply(disc: &mut Disc, op: &Op, params: &WriteParameters) {
    let before = disc.clone();
    let result = match *op {
        Op::WriteAtNwa(blocks) => {
            let nwa = disc
                .track_views()
                .iter()
                .rev()
                .find_map(|t| t.next_writable_address)
                .unwrap_or(0);
            disc.write(nwa, blocks, params).map(drop)
        }
        Op::WriteAt(lba, blocks) => disc.write(lba, blocks, params).map(drop),
        Op::Reserve(blocks) => disc.reserve_track(blocks).map(drop),
        Op::Close(function, track) => disc.close(function, track, params).map(drop),
        Op::Sync => disc.synchronize_cache(params).map(drop),
        Op::Blank(code) => match BlankType::from_code(code) {
            Some(kind) => disc.blank(kind).map(drop),
            None => Ok(()),
        },
        Op::Format(index, subtype) => {
            let listed = disc.facts().format_descriptors;
            let request = listed.get(index % listed.len().max(1)).map(|d| FormatRequest {
                format_type: d.format_type,
                subtype,
                blocks: d.blocks,
                parameter: d.parameter,
            });
            request.map_or(Ok(()), |r| disc.format(r).map(drop))
        }
        Op::Damage => {
            disc.damage_open_track();
            Ok(())
        }
    };
    if result.is_err() {
        assert_eq!(*disc, before, "{op:?} was refused but changed the disc");
    }
}

fn check_layout(disc: &Disc) {
    // The invariants media images are checked against on load hold of every disc the rules make.
    if let Err(broken) = disc.check_invariants() {
        panic!("the rules made an impossible disc ({broken}): {disc:?}");
    }
    let views = disc.track_views();
    let mut previous_end = 0u32;
    for (i, view) in views.iter().enumerate() {
        assert_eq!(view.number as usize, i + 1, "track numbers are consecutive");
        assert!(
            view.start >= previous_end,
            "track {} overlaps the previous one",
            view.number
        );
        if let Some(nwa) = view.next_writable_address {
            assert!(
                nwa >= view.start && nwa <= disc.user_area_blocks(),
                "NWA {nwa} outside track {}",
                view.number
            );
            assert!(nwa as u64 + view.free_blocks as u64 <= disc.user_area_blocks() as u64);
        }
        previous_end = if view.state == TrackViewState::Invisible {
            view.start
        } else {
            view.start + view.size_blocks
        };
    }
    let info = disc.view();
    assert!(info.first_track_in_last_session <= info.last_track_in_last_session);
    assert!(disc.readable_blocks() <= disc.user_area_blocks().max(disc.capacity_blocks));
    let text = ron::to_string(disc).expect("serialize");
    assert_eq!(&ron::from_str::<Disc>(&text).expect("deserialize"), disc);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn rules_keep_the_disc_consistent(
        profile in prop::sample::select(Profile::all().collect::<Vec<_>>()),
        steps in prop::collection::vec((op(), params()), 1..60),
    ) {
        let mut disc = if profile.family() == burnbench::media::Family::ReadOnly {
            Disc::pressed(profile, 5000, false)
        } else {
            Disc::new(profile)
        };
        for (op, params) in &steps {
            apply(&mut disc, op, params);
            check_layout(&disc);
        }
    }
}
