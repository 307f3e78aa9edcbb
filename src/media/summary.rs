//! A medium described as values, for `burnbench media info` (human table or `--json`).

use crate::media::disc::{Disc, DiscStatus, DiscView, FormatState, TrackView};
use crate::media::medium::Medium;
use serde::Serialize;

/// Everything `media info` shows about one medium.
#[derive(Debug, Clone, Serialize)]
pub struct MediaSummary {
    pub path: String,
    /// Profile id as on the command line (`dvd+rw`).
    pub profile: String,
    pub profile_name: String,
    /// MMC profile number, e.g. `001Bh`.
    pub profile_code: String,
    pub status: DiscStatus,
    pub disc: DiscView,
    pub format: FormatState,
    /// Recordable / pressed / physical blocks.
    pub capacity_blocks: u32,
    /// Formatted size where formatted, else the capacity.
    pub user_area_blocks: u32,
    /// What READ CAPACITY reports (0 on blank media).
    pub readable_blocks: u32,
    /// Free blocks of the invisible or open track (or of an unformatted overwritable disc).
    pub free_blocks: u32,
    pub written_sectors: u64,
    pub tracks: Vec<TrackView>,
}

impl MediaSummary {
    pub fn of(path: &str, medium: &Medium) -> MediaSummary {
        let disc: &Disc = medium.disc();
        let tracks = disc.track_views();
        let free_blocks = tracks
            .iter()
            .filter(|t| t.next_writable_address.is_some())
            .map(|t| t.free_blocks)
            .sum();
        MediaSummary {
            path: path.to_string(),
            profile: disc.profile.id().to_string(),
            profile_name: disc.profile.name().to_string(),
            profile_code: format!("{:04X}h", disc.profile.code()),
            status: disc.status(),
            disc: disc.view(),
            format: disc.format,
            capacity_blocks: disc.capacity_blocks,
            user_area_blocks: disc.user_area_blocks(),
            readable_blocks: disc.readable_blocks(),
            free_blocks,
            written_sectors: medium.written_sectors(),
            tracks,
        }
    }
}
