//! Hostile input: damaged or malicious images end in IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR or
//! IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED — never a panic, a hang or an unbounded allocation.
//! ISO 9660 / Joliet / Rock Ridge images, and UDF metadata partitions (the rest of UDF's hostile
//! cases are in `fsi_udf.rs`).

mod common;
mod fsi_common;

use burnbench::fsi::FileSystems;
use burnbench::fsi::read::{self, SeekBlockReader};
use burnbench::fsi::udf::metadata::MetadataMap;
use burnbench::hresult::{HResult, ImapiError, ImapiResult};
use fsi_common::{bytes, image_bytes, new_image, read_udf_everything, retag};
use proptest::prelude::*;
use std::io::Cursor;
use std::sync::OnceLock;

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
    fsi_common::read_everything(image, &[FileSystems::ISO9660, FileSystems::JOLIET])
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

// ---- UDF metadata partitions (udf-iso.md §2.11) ----------------------------------------------

/// A UDF 2.50 image with a redundant metadata partition, and the byte offsets of its Metadata
/// File and Metadata Mirror File entries.
fn metadata_seed() -> &'static (Vec<u8>, [usize; 2]) {
    static SEED: OnceLock<(Vec<u8>, [usize; 2])> = OnceLock::new();
    SEED.get_or_init(|| {
        let mut fsi = new_image();
        fsi.set_file_systems_to_create(FileSystems::UDF).unwrap();
        fsi.set_udf_revision(0x250).unwrap();
        fsi_common::add_small_tree(&mut fsi, 40);
        let image = image_bytes(&fsi.create_result_image().unwrap());
        let partition = le32(&image, PD + 188) as usize;
        let map = MetadataMap::parse(&image[LVD + 446..LVD + 510]).unwrap();
        let entries = [map.file_loc, map.mirror_loc].map(|loc| (partition + loc as usize) * 2048);
        (image, entries)
    })
}

/// The main VDS's PD and LVD of our images (udf-iso.md §2.13).
const PD: usize = 34 * 2048;
const LVD: usize = 35 * 2048;
/// Allocation descriptors of an Extended File Entry without extended attributes.
const EFE_ADS: usize = 216;

fn le32(image: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(image[at..at + 4].try_into().unwrap())
}

/// Applies `change` to both metadata file entries (so that the mirror cannot stand in) and
/// retags them; the error the read ends in.
fn both_metadata_entries(change: impl Fn(&mut [u8])) -> ImapiError {
    let (image, entries) = metadata_seed();
    let mut image = image.clone();
    for at in *entries {
        change(&mut image[at..at + 2048]);
        retag(&mut image, at);
    }
    read_udf_everything(image).expect_err("the damage must be found")
}

#[test]
fn the_metadata_seed_reads() {
    let (image, _) = metadata_seed();
    assert_eq!(read_udf_everything(image.clone()).unwrap(), 3 + 9000 + 10 + 30 * 2);
}

#[test]
fn a_metadata_file_outside_its_partition_is_inconsistent() {
    let err = both_metadata_entries(|e| e[EFE_ADS + 4..EFE_ADS + 8].copy_from_slice(&0x7FFF_0000u32.to_le_bytes()));
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
    assert!(err.message().contains("outside its partition"), "{err}");
}

#[test]
fn an_absurd_metadata_file_length_is_inconsistent() {
    let err = both_metadata_entries(|e| e[56..64].copy_from_slice(&(1u64 << 50).to_le_bytes()));
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
    // The largest extent a short_ad can record, far past this small partition.
    let err = both_metadata_entries(|e| e[EFE_ADS..EFE_ADS + 4].copy_from_slice(&0x3FFF_FFFFu32.to_le_bytes()));
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
}

#[test]
fn a_loop_of_allocation_extents_in_the_metadata_file_ends() {
    let (image, entries) = metadata_seed();
    let mut image = image.clone();
    // An allocation extent descriptor in the padding after the two entries that continues with
    // itself; both entries continue there.
    let partition = le32(&image, PD + 188) as usize;
    let aed_block = (entries[0] / 2048 - partition + 2) as u32;
    let aed = entries[0] + 2 * 2048;
    assert!(image[aed..aed + 2048].iter().all(|&b| b == 0), "padding");
    image[aed..aed + 2].copy_from_slice(&0x102u16.to_le_bytes());
    image[aed + 2] = 3;
    image[aed + 10..aed + 12].copy_from_slice(&16u16.to_le_bytes());
    image[aed + 12..aed + 16].copy_from_slice(&aed_block.to_le_bytes());
    image[aed + 20..aed + 24].copy_from_slice(&8u32.to_le_bytes());
    let next = (3u32 << 30) | 2048;
    image[aed + 24..aed + 28].copy_from_slice(&next.to_le_bytes());
    image[aed + 28..aed + 32].copy_from_slice(&aed_block.to_le_bytes());
    retag(&mut image, aed);
    for at in *entries {
        image[at + EFE_ADS..at + EFE_ADS + 4].copy_from_slice(&next.to_le_bytes());
        image[at + EFE_ADS + 4..at + EFE_ADS + 8].copy_from_slice(&aed_block.to_le_bytes());
        retag(&mut image, at);
    }
    let err = read_udf_everything(image).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
    assert!(err.message().contains("allocation extent descriptors"), "{err}");
}

#[test]
fn a_metadata_entry_that_is_no_metadata_file_is_inconsistent() {
    // File type 5 (a regular file) where the map says the Metadata File is.
    let err = both_metadata_entries(|e| e[27] = 5);
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
}

#[test]
fn metadata_map_damage_is_typed() {
    let (image, _) = metadata_seed();
    let map = LVD + 446;
    // A partition number no type-1 map names.
    let mut image_7 = image.clone();
    image_7[map + 38] = 7;
    retag(&mut image_7, LVD);
    let err = read_udf_everything(image_7).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
    // The file set descriptor past the end of the metadata partition.
    let mut far = image.clone();
    far[LVD + 252..LVD + 256].copy_from_slice(&1_000_000u32.to_le_bytes());
    retag(&mut far, LVD);
    let err = read_udf_everything(far).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
    // Virtual (VAT) partitions stay unsupported.
    let mut vat = image.clone();
    vat[map + 5..map + 28].copy_from_slice(b"*UDF Virtual Partition\0");
    retag(&mut vat, LVD);
    let err = read_udf_everything(vat).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED, "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_metadata_partitions_are_handled(
        mutations in prop::collection::vec((0.0f64..1.0, any::<u8>()), 1..24),
        retagged in any::<bool>(),
    ) {
        let (image, entries) = metadata_seed();
        let mut image = image.clone();
        // The volume structures, the metadata entries and both metadata copies.
        let end = image.len() - 2048;
        let metadata = 16 * 2048..entries[0] + 300 * 2048;
        let metadata = metadata.start..metadata.end.min(end);
        fsi_common::mutate(&mut image, metadata, &mutations, retagged);
        if let Err(e) = read_udf_everything(image) {
            prop_assert!(ACCEPTED.contains(&e.code), "unexpected error {}", e);
        }
    }
}
