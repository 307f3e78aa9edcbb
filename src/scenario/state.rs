//! `AssertMedia`: the medium as a burner sees it, through the queries of `burn::probe`, summarised
//! by `burn::summary` (what `burnbench media info` prints), compared with the fields given.

use super::expect::Mismatch;
use super::fields::{Differences, session_of, status_of};
use super::schema::{MediaAssert, TrackAssert};
use crate::burn::probe::MediaProbe;
use crate::burn::summary::MediaSummary;
use crate::device::ScsiDevice;

/// Probe the medium through `device` and compare; `written_sectors` goes into the summary only.
pub fn check(assert: &MediaAssert, device: &mut dyn ScsiDevice, written_sectors: u64) -> Result<(), Mismatch> {
    let expected = "the media state given".to_string();
    let probe = MediaProbe::query(device).map_err(|e| Mismatch {
        expected: expected.clone(),
        actual: format!("the probe failed: {e}"),
    })?;
    let summary = MediaSummary::from_probe("", &probe, Some(written_sectors));
    let mut d = Differences::default();
    d.field("profile", assert.profile.clone(), summary.profile.clone());
    d.field("disc status", assert.status, status_of(probe.disc.disc_status));
    d.field(
        "last session",
        assert.last_session,
        session_of(probe.disc.last_session_state),
    );
    d.field("erasable", assert.erasable, probe.disc.erasable);
    d.field("sessions", assert.sessions, probe.disc.sessions);
    d.field("tracks", assert.tracks, summary.tracks.len() as u16);
    let nwa = summary.tracks.iter().rev().find_map(|t| t.next_writable_address);
    d.field("next writable address", assert.next_writable_address.map(Some), nwa);
    d.field("writable (a track has an NWA)", assert.writable, nwa.is_some());
    d.field("free blocks", assert.free_blocks, summary.free_blocks);
    d.field("readable blocks", assert.readable_blocks, summary.readable_blocks);
    for want in &assert.track {
        track(&mut d, want, &summary);
    }
    d.into_result().map_err(|problems| Mismatch {
        expected,
        actual: format!("{} — {problems}", describe(&summary)),
    })
}

fn track(d: &mut Differences, want: &TrackAssert, summary: &MediaSummary) {
    let Some(got) = summary.tracks.iter().find(|t| t.number == want.number) else {
        d.push(format!("no track {}", want.number));
        return;
    };
    let name = |field: &str| format!("track {} {field}", want.number);
    d.field(&name("session"), want.session, got.session);
    d.field(&name("state"), want.state.map(|s| s.label()), got.state);
    d.field(&name("start"), want.start, got.start);
    d.field(&name("size"), want.size, got.size_blocks);
    d.field(
        &name("next writable address"),
        want.next_writable_address.map(Some),
        got.next_writable_address,
    );
    d.field(&name("free blocks"), want.free_blocks, got.free_blocks);
    d.field(&name("reserved"), want.reserved, got.reserved);
}

/// `cd-r Appendable, 2 sessions, tracks [1 complete 0+302, 2 invisible 11702+348147 NWA 11702]`.
fn describe(s: &MediaSummary) -> String {
    let tracks: Vec<String> = s
        .tracks
        .iter()
        .map(|t| {
            let nwa = t.next_writable_address.map_or(String::new(), |n| format!(" NWA {n}"));
            format!("{} {} {}+{}{nwa}", t.number, t.state, t.start, t.size_blocks)
        })
        .collect();
    format!(
        "{} {}, {} session(s), free {}, readable {}, tracks [{}]",
        s.profile,
        s.status,
        s.sessions,
        s.free_blocks,
        s.readable_blocks,
        tracks.join(", ")
    )
}
