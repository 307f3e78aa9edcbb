//! The RON scenario loader on any text: a load error (with line and column where RON gives
//! them) or a checked scenario, never a panic, hang or allocation sized by the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    // `load` reads the file as UTF-8 first; everything after that is `parse`.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = burnbench::scenario::load::parse(text, Path::new("fuzz.ron")) {
        let _ = error.to_string();
    }
});
