//! The file-system readers (ISO 9660, Joliet, Rock Ridge, the El Torito boot record, UDF) on a
//! hostile image held in memory: identify, read each tree, read every file. Errors are fine;
//! a panic, a hang or an allocation sized by the image is not. File data read is budgeted so an
//! image claiming huge files stays cheap to fuzz (the reader streams them; the budget is the
//! harness's, not the library's).

#![no_main]

use burnbench::fsi::FileSystems;
use burnbench::fsi::read::{self, SeekBlockReader};
use libfuzzer_sys::fuzz_target;
use std::io::{Cursor, Write};

const BLOCK: usize = 2048;

/// Bytes of file data read per image; past it `read_file` is stopped by a failing writer.
const READ_BUDGET: usize = 4 << 20;

struct Budget {
    left: usize,
}

impl Write for Budget {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() > self.left {
            return Err(std::io::Error::other("fuzz read budget spent"));
        }
        self.left -= buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Blocks of the largest image an input describes.
const MAX_BLOCKS: usize = 4096;

/// The image an input describes. `header u8`: bits 0–3 the session start block, bit 7 "raw"
/// (the rest of the input is the image as it is). Otherwise a sparse image: `blocks u16le`, then
/// records `block u16le, len u16le, len bytes` (at most 2048) written at that block, every other
/// byte zero; UDF's anchor at block 256 and a few descriptors then fit a small input.
fn image(data: &[u8]) -> Option<(u32, Vec<u8>)> {
    let (&header, rest) = data.split_first()?;
    let session_start = u32::from(header & 0x0f);
    if header & 0x80 != 0 {
        return Some((session_start, rest.to_vec()));
    }
    let (blocks, mut rest) = rest.split_first_chunk::<2>()?;
    let blocks = usize::from(u16::from_le_bytes(*blocks)).min(MAX_BLOCKS);
    let mut image = vec![0u8; blocks * BLOCK];
    while let Some((head, tail)) = rest.split_first_chunk::<4>() {
        let block = usize::from(u16::from_le_bytes([head[0], head[1]]));
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]))
            .min(BLOCK)
            .min(tail.len());
        let (bytes, tail) = tail.split_at(len);
        if block < blocks {
            image[block * BLOCK..block * BLOCK + len].copy_from_slice(bytes);
        }
        rest = tail;
    }
    Some((session_start, image))
}

fuzz_target!(|data: &[u8]| {
    let Some((session_start, image)) = image(data) else {
        return;
    };
    let Ok(mut reader) = SeekBlockReader::new(Cursor::new(image)) else {
        return;
    };
    let _ = read::scan_volume_descriptors(&mut reader, session_start);
    let _ = read::identify_file_systems(&mut reader, session_start);
    let mut budget = Budget { left: READ_BUDGET };
    for fs in [FileSystems::ISO9660, FileSystems::JOLIET, FileSystems::UDF] {
        let Ok(tree) = read::read_tree(&mut reader, session_start, fs) else {
            continue;
        };
        let _ = tree.children("/").count();
        for item in &tree.items {
            if !item.is_dir && budget.left > 0 {
                let _ = read::read_file(&mut reader, item, &mut budget);
            }
        }
    }
});
