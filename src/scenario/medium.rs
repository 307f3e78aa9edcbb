//! Making the medium a scenario names. Files on disk (media images, ISO files) are opened
//! read-only with every change kept in memory: running a scenario never modifies them.

use super::load::resolve;
use super::schema::MediumSpec;
use crate::media::medium::Medium;
use crate::media::{Disc, Family, Profile};
use std::path::Path;

/// The medium of `spec` (`None` for `Empty`); `file` is the scenario file, for relative paths.
pub fn build(spec: &MediumSpec, file: &Path) -> Result<Option<Medium>, String> {
    Ok(Some(match spec {
        MediumSpec::Empty => return Ok(None),
        MediumSpec::Blank(profile) => {
            if profile.family() == Family::ReadOnly {
                return Err(format!(
                    "{profile} is read-only and has no blank state: use Pressed(\"{profile}\", BLOCKS) or Iso(..)"
                ));
            }
            Medium::in_memory(Disc::new(*profile))
        }
        MediumSpec::Formatted(profile) => Medium::in_memory(formatted(*profile)?),
        MediumSpec::Pressed(profile, blocks) => Medium::in_memory(Disc::pressed(*profile, *blocks, false)),
        MediumSpec::Image(path) => {
            let path = resolve(file, path)?;
            Medium::open_scratch(&path, None).map_err(|e| format!("{}: {e}", path.display()))?
        }
        MediumSpec::Iso { path, profile } => {
            let path = resolve(file, path)?;
            if !path.is_file() {
                return Err(format!("{}: not a file (Iso takes a plain .iso file)", path.display()));
            }
            Medium::open_scratch(&path, *profile).map_err(|e| format!("{}: {e}", path.display()))?
        }
    }))
}

/// A new medium formatted as `media create --state formatted` makes it (`Disc::format_default`).
fn formatted(profile: Profile) -> Result<Disc, String> {
    let mut disc = Disc::new(profile);
    disc.format_default()
        .map_err(|sense| format!("{profile} cannot be formatted ({sense})"))?;
    Ok(disc)
}
