//! Progress bars for long burns, builds and writes: on stderr, only when it is a terminal and the
//! user did not ask for --quiet, so scripts and CI logs see just the summary line.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// What a bar counts.
#[derive(Clone, Copy)]
pub enum Unit {
    /// Bytes, with throughput.
    Bytes,
    /// 2048-byte blocks, with the phase as the message.
    Blocks,
}

/// A bar over `total` units, hidden when `quiet` or stderr is not a terminal.
pub fn bar(total: u64, unit: Unit, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let template = match unit {
        Unit::Bytes => "{spinner} {wide_bar} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
        Unit::Blocks => "{spinner} {msg:12} {wide_bar} {pos}/{len} blocks ETA {eta}",
    };
    bar.set_style(ProgressStyle::with_template(template).expect("the templates are valid"));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_has_a_valid_template() {
        for unit in [Unit::Bytes, Unit::Blocks] {
            let bar = bar(10, unit, true);
            bar.set_position(5);
            assert!(bar.is_hidden());
        }
    }
}
