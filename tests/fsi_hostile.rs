//! Hostile input: damaged or malicious images end in IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR or
//! IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED — never a panic, a hang or an unbounded allocation.

mod common;
mod fsi_common;

use burnbench::fsi::FileSystems;
use burnbench::fsi::read::{self, SeekBlockReader};
use burnbench::hresult::{HResult, ImapiResult};
use fsi_common::{bytes, image_bytes, new_image};
use proptest::prelude::*;
use std::io::Cursor;
use std::sync::OnceLock;
use std::time::Duration;

/// A valid image with folders, files, a multi-block file and an empty file; and the first block
/// of file data (everything before it is metadata worth mutating).
fn seed() -> &'static (Vec<u8>, usize) {
    static SEED: OnceLock<(Vec<u8>, usize)> = OnceLock::new();
    SEED.get_or_init(|| {
        let mut fsi = new_image();
        fsi.add_directory("/a").unwrap();
        fsi.add_directory("/a/b").unwrap();
        fsi.add_file("/a/b/c.txt", bytes(b"ccc")).unwrap();
        fsi.add_file("/a/big.bin", bytes(&[7u8; 9000])).unwrap();
        fsi.add_file("/empty", bytes(b"")).unwrap();
        for i in 0..40 {
            fsi.add_file(&format!("/a/file number {i}.txt"), bytes(format!("{i}").as_bytes()))
                .unwrap();
        }
        let result = fsi.create_result_image().unwrap();
        let first_data = result.progress_items().iter().map(|p| p.first_block).min().unwrap() as usize;
        (image_bytes(&result), first_data)
    })
}

/// An image with Rock Ridge (and a relocated deep folder) made by genisoimage, when installed.
fn rock_ridge_seed() -> &'static Option<(Vec<u8>, usize)> {
    static SEED: OnceLock<Option<(Vec<u8>, usize)>> = OnceLock::new();
    SEED.get_or_init(|| {
        let genisoimage = fsi_common::peer("genisoimage")?;
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        let deep = src.join("a/b/c/d/e/f/g/h/i");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("leaf with a long name.txt"), b"leaf").unwrap();
        std::fs::write(src.join("top.txt"), b"top").unwrap();
        let image = dir.path().join("rr.iso");
        fsi_common::run(
            &genisoimage,
            &[
                "-quiet",
                "-R",
                "-J",
                "-o",
                image.to_str().unwrap(),
                src.to_str().unwrap(),
            ],
        );
        let bytes = std::fs::read(image).unwrap();
        let mut reader = SeekBlockReader::new(Cursor::new(bytes.clone())).unwrap();
        let tree = read::read_tree(&mut reader, 0, FileSystems::ISO9660).unwrap();
        assert!(tree.rock_ridge);
        let first_data = tree
            .items
            .iter()
            .filter(|i| !i.is_dir)
            .map(|i| i.extents[0].lba)
            .min()
            .unwrap();
        Some((bytes, first_data as usize))
    })
}

const ACCEPTED: [HResult; 3] = [
    HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR,
    HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED,
    // A mutated descriptor may no longer be a PVD or a Joliet SVD at all.
    HResult::IMAPI_E_FILE_SYSTEM_NOT_FOUND,
];

/// Identifies and reads both trees and every file of `image`, on a thread that must finish in time.
fn read_everything(image: Vec<u8>) -> Vec<ImapiResult<usize>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = SeekBlockReader::new(Cursor::new(image)).unwrap();
        let _ = read::identify_file_systems(&mut reader, 0);
        let mut outcomes = Vec::new();
        for fs in [FileSystems::ISO9660, FileSystems::JOLIET] {
            outcomes.push(read::read_tree(&mut reader, 0, fs).and_then(|tree| {
                let mut total = 0;
                for item in tree.items.iter().filter(|i| !i.is_dir) {
                    let mut data = Vec::new();
                    read::read_file(&mut reader, item, &mut data)?;
                    total += data.len();
                }
                Ok(total)
            }));
        }
        let _ = tx.send(outcomes);
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("reading a damaged image must not hang")
}

fn assert_handled(outcomes: &[ImapiResult<usize>]) {
    for outcome in outcomes {
        if let Err(e) = outcome {
            assert!(ACCEPTED.contains(&e.code), "unexpected error {e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_metadata_is_handled(mutations in prop::collection::vec((0.0f64..1.0, any::<u8>()), 1..24)) {
        let (image, first_data) = seed();
        let mut image = image.clone();
        let metadata = 16 * 2048..*first_data * 2048;
        for (at, value) in mutations {
            let offset = metadata.start + ((metadata.len() as f64) * at) as usize;
            image[offset] = value;
        }
        assert_handled(&read_everything(image));
    }

    #[test]
    fn extreme_numbers_in_metadata_are_handled(
        fields in prop::collection::vec((0.0f64..1.0, prop::sample::select(vec![0u32, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, 0xFFFF_F800, 16, 2048])), 1..6)
    ) {
        let (image, first_data) = seed();
        let mut image = image.clone();
        let metadata = 16 * 2048..*first_data * 2048 - 8;
        for (at, value) in fields {
            let offset = metadata.start + ((metadata.len() as f64) * at) as usize;
            image[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
            image[offset + 4..offset + 8].copy_from_slice(&value.to_be_bytes());
        }
        assert_handled(&read_everything(image));
    }

    #[test]
    fn mutated_rock_ridge_metadata_is_handled(mutations in prop::collection::vec((0.0f64..1.0, any::<u8>()), 1..24)) {
        let Some((image, first_data)) = rock_ridge_seed() else { return Ok(()) };
        let mut image = image.clone();
        // genisoimage puts descriptors, path tables and directories before the file data.
        let metadata = 16 * 2048..*first_data * 2048;
        for (at, value) in mutations {
            let offset = metadata.start + ((metadata.len() as f64) * at) as usize;
            image[offset] = value;
        }
        assert_handled(&read_everything(image));
    }

    #[test]
    fn truncated_images_are_handled(keep_blocks in 0usize..60) {
        let (image, _) = seed();
        let image = image[..(keep_blocks * 2048).min(image.len())].to_vec();
        assert_handled(&read_everything(image));
    }
}

// ---- crafted cases ---------------------------------------------------------------------------

/// Where the record of `name` (ISO 9660 identifier bytes) starts in the image.
fn record_offset(image: &[u8], identifier: &[u8]) -> usize {
    let mut at = 16 * 2048;
    while at + 33 + identifier.len() <= image.len() {
        let len = image[at + 32] as usize;
        if len == identifier.len() && &image[at + 33..at + 33 + len] == identifier && image[at] as usize >= 33 + len {
            return at;
        }
        at += 1;
    }
    panic!("no record {:?}", String::from_utf8_lossy(identifier));
}

fn put_both(image: &mut [u8], at: usize, value: u32) {
    image[at..at + 4].copy_from_slice(&value.to_le_bytes());
    image[at + 4..at + 8].copy_from_slice(&value.to_be_bytes());
}

fn iso_error(image: Vec<u8>) -> (HResult, String) {
    let mut reader = SeekBlockReader::new(Cursor::new(image)).unwrap();
    let err = read::read_tree(&mut reader, 0, FileSystems::ISO9660).unwrap_err();
    (err.code, err.message())
}

#[test]
fn a_directory_pointing_at_an_ancestor_is_a_loop() {
    let (image, _) = seed();
    let mut image = image.clone();
    let root_extent = u32::from_le_bytes(image[16 * 2048 + 158..16 * 2048 + 162].try_into().unwrap());
    let b = record_offset(&image, b"B");
    put_both(&mut image, b + 2, root_extent);
    let (code, message) = iso_error(image);
    assert_eq!(code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR);
    assert!(message.contains("directory loop at /A/B"), "{message}");
    assert!(message.starts_with("Consistency error encountered while importing the 'ISO9660' file system."));
}

#[test]
fn an_extent_past_the_end_is_inconsistent() {
    let (image, _) = seed();
    let mut image = image.clone();
    let big = record_offset(&image, b"BIG.BIN;1");
    put_both(&mut image, big + 2, 0xFFFF_FF00);
    let (code, message) = iso_error(image);
    assert_eq!(code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR);
    assert!(
        message.contains("/A/BIG.BIN") && message.contains("past the end"),
        "{message}"
    );
}

#[test]
fn an_absurd_directory_size_is_inconsistent() {
    let (image, _) = seed();
    let mut image = image.clone();
    let a = record_offset(&image, b"A");
    put_both(&mut image, a + 10, 0xFFFF_FFFF);
    assert_eq!(iso_error(image).0, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR);
}

#[test]
fn a_record_too_short_for_its_name_is_inconsistent() {
    let (image, _) = seed();
    let mut image = image.clone();
    let c = record_offset(&image, b"C.TXT;1");
    image[c] = 34;
    assert_eq!(iso_error(image).0, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR);
}

#[test]
fn a_multi_extent_file_without_its_last_section_is_inconsistent() {
    let (image, _) = seed();
    let mut image = image.clone();
    let empty = record_offset(&image, b"EMPTY.;1");
    image[empty + 25] |= 0x80;
    let (code, message) = iso_error(image);
    assert_eq!(code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR);
    assert!(message.contains("multi-extent"), "{message}");
}

#[test]
fn interleaved_files_are_not_supported() {
    let (image, _) = seed();
    let mut image = image.clone();
    let c = record_offset(&image, b"C.TXT;1");
    image[c + 26] = 1;
    let (code, message) = iso_error(image);
    assert_eq!(code, HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED);
    assert!(
        message
            .starts_with("The 'ISO9660'file system on the selected disc contains a feature not supported for import.")
    );
}

#[test]
fn a_block_size_other_than_2048_is_not_supported() {
    let (image, _) = seed();
    let mut image = image.clone();
    image[16 * 2048 + 128..16 * 2048 + 132].copy_from_slice(&[0x00, 0x02, 0x02, 0x00]);
    assert_eq!(iso_error(image).0, HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED);
}

#[test]
fn nothing_at_block_16_is_no_file_system() {
    let mut reader = SeekBlockReader::new(Cursor::new(vec![0u8; 40 * 2048])).unwrap();
    assert_eq!(read::identify_file_systems(&mut reader, 0).unwrap(), FileSystems::NONE);
    let mut junk = vec![0u8; 40 * 2048];
    junk[16 * 2048..17 * 2048].fill(0x5A);
    let mut reader = SeekBlockReader::new(Cursor::new(junk)).unwrap();
    assert_eq!(
        read::identify_file_systems(&mut reader, 0).unwrap(),
        FileSystems::UNKNOWN
    );
    let mut tiny = SeekBlockReader::new(Cursor::new(vec![0u8; 100])).unwrap();
    assert_eq!(read::identify_file_systems(&mut tiny, 0).unwrap(), FileSystems::NONE);
}

#[test]
fn a_udf_recognition_sequence_is_identified() {
    let (image, _) = seed();
    let mut image = image.clone();
    // Turn the Joliet SVD (17) and the terminator (18) into terminator + BEA01, and 19 into NSR03.
    let vd = |image: &mut Vec<u8>, block: usize, kind: u8, id: &[u8; 5]| {
        let b = &mut image[block * 2048..(block + 1) * 2048];
        b.fill(0);
        b[0] = kind;
        b[1..6].copy_from_slice(id);
        b[6] = 1;
    };
    vd(&mut image, 17, 255, b"CD001");
    vd(&mut image, 18, 0, b"BEA01");
    vd(&mut image, 19, 0, b"NSR03");
    let mut reader = SeekBlockReader::new(Cursor::new(image)).unwrap();
    let found = read::identify_file_systems(&mut reader, 0).unwrap();
    assert_eq!(found, FileSystems::ISO9660.union(FileSystems::UDF));
    assert_eq!(
        burnbench::fsi::default_file_system_for_import(found).unwrap(),
        FileSystems::UDF
    );
    // A recognition sequence without an anchor at 256 or at the end is no readable UDF volume.
    let err = read::read_tree(&mut reader, 0, FileSystems::UDF).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR);
}
