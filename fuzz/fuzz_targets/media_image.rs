//! The media-image loader (docs/media-image.md) on hostile files: a manifest, an extent log and
//! sector data written into a scratch folder, opened as a medium, every written run read back
//! (budgeted). Errors are fine; a panic, a hang or an allocation sized by the files is not.
//!
//! Input: `flags u8`, `manifest_len u32le`, manifest text, `log_len u32le`, log bytes, the rest
//! sector data. The checksums guard against damage, not against a hostile writer, so the flags
//! let the fuzzer be one: bit 0 appends the right `// crc32:` line to the manifest, bit 1 gives
//! every 32-byte log record its right CRC, bit 2 sets the manifest's `sectors_bin_bytes`,
//! `extents_log_bytes` and `extents_log_crc32` to the files' real lengths and checksum.

#![no_main]

use burnbench::media::medium::Medium;
use crc::{CRC_32_ISO_HDLC, Crc};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);
/// Sectors read back per input.
const READ_BUDGET: u32 = 256;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("scratch folder");
        let image = dir.path().join("fuzz.bbm");
        std::fs::create_dir(&image).expect("image folder");
        (dir, image)
    })
    .1
}

fn take<'a>(data: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = data.split_first_chunk::<4>()?;
    let len = (u32::from_le_bytes(*len) as usize).min(rest.len());
    let (part, rest) = rest.split_at(len);
    *data = rest;
    Some(part)
}

/// Replaces the number after `field: ` in `text` with `value`.
fn set_field(text: &mut String, field: &str, value: u64) {
    let key = format!("{field}: ");
    if let Some(at) = text.find(&key) {
        let start = at + key.len();
        let end = text[start..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(text.len(), |n| start + n);
        text.replace_range(start..end, &value.to_string());
    }
}

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    let Some((&flags, tail)) = rest.split_first() else {
        return;
    };
    rest = tail;
    let (Some(manifest), Some(log)) = (take(&mut rest), take(&mut rest)) else {
        return;
    };
    let sectors = rest;
    let mut log = log.to_vec();
    if flags & 2 != 0 {
        for record in log.chunks_exact_mut(32) {
            let own = CRC32.checksum(&record[..28]);
            record[28..].copy_from_slice(&own.to_le_bytes());
        }
    }
    let mut manifest = manifest.to_vec();
    if flags & 4 != 0
        && let Ok(text) = std::str::from_utf8(&manifest)
    {
        let mut text = text.to_string();
        set_field(&mut text, "sectors_bin_bytes", sectors.len() as u64);
        set_field(&mut text, "extents_log_bytes", log.len() as u64);
        set_field(&mut text, "extents_log_crc32", u64::from(CRC32.checksum(&log)));
        manifest = text.into_bytes();
    }
    if flags & 1 != 0 {
        if !manifest.is_empty() && !manifest.ends_with(b"\n") {
            manifest.push(b'\n');
        }
        let crc = CRC32.checksum(&manifest);
        manifest.extend_from_slice(format!("// crc32: {crc:08x}\n").as_bytes());
    }
    let image = scratch();
    std::fs::write(image.join("manifest.ron"), &manifest).expect("write manifest");
    std::fs::write(image.join("extents.log"), &log).expect("write log");
    std::fs::write(image.join("sectors.bin"), sectors).expect("write sectors");

    let Ok(mut medium) = Medium::open_scratch(image, None) else {
        return;
    };
    let _ = medium.written_sectors();
    let mut budget = READ_BUDGET;
    let mut block = vec![0u8; 2048];
    for run in medium.written_runs(0..u32::MAX) {
        for lba in run {
            if budget == 0 {
                return;
            }
            budget -= 1;
            let _ = medium.read(lba, &mut block);
        }
    }
});
