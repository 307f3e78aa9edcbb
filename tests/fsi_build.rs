//! What CreateResultImage makes: deterministic bytes, a seekable stream, shared file extents,
//! addresses laid out for the session start, counts, change points, El Torito.

mod common;
mod fsi_common;

use burnbench::fsi::read::{self, BlockReader, ImportedTree, SeekBlockReader};
use burnbench::fsi::{BootOptions, FileData, FileSystems, FsiItemType, ItemTimes, PlatformId};
use burnbench::hresult::{HResult, ImapiResult};
use fsi_common::{bytes, fixed_time, image_bytes, new_image};
use std::io::{Cursor, Read, Seek, SeekFrom};

fn sample_tree(fsi: &mut burnbench::fsi::FileSystemImage) {
    fsi.add_directory("/docs").unwrap();
    fsi.add_file("/docs/readme.txt", bytes(b"hello\n")).unwrap();
    fsi.add_file(
        "/big.bin",
        FileData::from_bytes((0..100_000u32).map(|i| i as u8).collect::<Vec<u8>>()),
    )
    .unwrap();
    fsi.add_file("/empty", bytes(b"")).unwrap();
    fsi.add_directory("/docs/more").unwrap();
}

fn read(image: Vec<u8>, fs: FileSystems) -> ImportedTree {
    let mut reader = SeekBlockReader::new(Cursor::new(image)).unwrap();
    read::read_tree(&mut reader, 0, fs).unwrap()
}

#[test]
fn same_inputs_and_fixed_time_give_the_same_bytes() {
    let host = tempfile::tempdir().unwrap();
    std::fs::create_dir(host.path().join("sub")).unwrap();
    std::fs::write(host.path().join("sub/a.txt"), b"a").unwrap();
    std::fs::write(host.path().join("z.txt"), b"zz").unwrap();
    let build = || {
        let mut fsi = new_image();
        sample_tree(&mut fsi);
        fsi.add_tree("/host", host.path(), false).err();
        fsi.add_directory("/host").unwrap();
        fsi.add_tree("/host", host.path(), true).unwrap();
        let result = fsi.create_result_image().unwrap();
        (image_bytes(&result), result.disc_id().to_string())
    };
    let (a, id_a) = build();
    let (b, id_b) = build();
    assert_eq!(a.len(), b.len());
    assert!(a == b, "same bytes");
    assert_eq!(id_a, id_b);
    assert!(id_a.starts_with('{') && id_a.len() == 38, "{id_a}");
}

#[test]
fn the_stream_seeks_anywhere() {
    let mut fsi = new_image();
    sample_tree(&mut fsi);
    let result = fsi.create_result_image().unwrap();
    let whole = image_bytes(&result);
    assert_eq!(whole.len() as u64, u64::from(result.total_blocks()) * 2048);
    let mut stream = result.image_stream();
    for &at in &[0u64, 16 * 2048 + 5, 40_000, whole.len() as u64 - 3, 2047, 30 * 2048] {
        let at = at.min(whole.len() as u64 - 1);
        stream.seek(SeekFrom::Start(at)).unwrap();
        let mut buf = vec![0u8; 5000];
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0);
        assert_eq!(&buf[..n], &whole[at as usize..at as usize + n], "at {at}");
    }
    assert_eq!(stream.seek(SeekFrom::End(0)).unwrap(), whole.len() as u64);
    assert_eq!(stream.read(&mut [0u8; 10]).unwrap(), 0);
    assert!(stream.seek(SeekFrom::Current(-(whole.len() as i64) - 1)).is_err());
}

#[test]
fn file_extents_are_shared_by_iso9660_and_joliet() {
    let mut fsi = new_image();
    sample_tree(&mut fsi);
    let image = image_bytes(&fsi.create_result_image().unwrap());
    let iso = read(image.clone(), FileSystems::ISO9660);
    let joliet = read(image, FileSystems::JOLIET);
    let iso_big = iso.find("/BIG.BIN").unwrap();
    let joliet_big = joliet.find("/big.bin").unwrap();
    assert_eq!(iso_big.extents, joliet_big.extents);
    assert_eq!(iso_big.size, 100_000);
    // Directories are per tree.
    assert_ne!(
        iso.find("/DOCS").unwrap().extents,
        joliet.find("/docs").unwrap().extents
    );
}

#[test]
fn progress_items_give_each_file_its_blocks() {
    let mut fsi = new_image();
    sample_tree(&mut fsi);
    let result = fsi.create_result_image().unwrap();
    let items = result.progress_items();
    let big = items.iter().find(|p| p.description == "/big.bin").unwrap();
    assert_eq!(big.block_count, 49);
    assert_eq!(big.last_block - big.first_block + 1, big.block_count);
    assert!(items.iter().all(|p| p.description != "/empty"), "no blocks, no item");
    let whole = image_bytes(&result);
    let first = big.first_block as usize * 2048;
    assert_eq!(&whole[first..first + 4], &[0, 1, 2, 3]);
    assert_eq!(result.block_size(), 2048);
}

#[test]
fn counts_and_items() {
    let mut fsi = new_image();
    sample_tree(&mut fsi);
    assert_eq!((fsi.file_count(), fsi.directory_count()), (3, 3));
    let info = fsi.item("/docs/readme.txt").unwrap();
    assert_eq!(
        (info.name.as_str(), info.data_size, info.kind),
        ("readme.txt", 6, FsiItemType::File)
    );
    assert_eq!(info.full_path, "/docs/readme.txt");
    assert_eq!(fsi.item("/docs").unwrap().count, 2);
    let names: Vec<String> = fsi.children("/").unwrap().into_iter().map(|i| i.name).collect();
    assert_eq!(names, ["big.bin", "docs", "empty"]);
    assert_eq!(info.times, ItemTimes::all(fixed_time()));
}

#[test]
fn rollback_and_lock_in() {
    let mut fsi = new_image();
    assert_eq!(fsi.change_point(), 0);
    fsi.add_directory("/a").unwrap();
    let after_a = fsi.change_point();
    fsi.add_file("/a/f", bytes(b"f")).unwrap();
    fsi.remove("/a/f").unwrap();
    fsi.add_file("/b", bytes(b"b")).unwrap();
    fsi.set_hidden("/b", true).unwrap();
    fsi.remove_tree("/").unwrap();
    assert_eq!(fsi.file_count(), 0);
    assert_eq!(fsi.change_point(), 6);
    fsi.rollback_to_change_point(5).unwrap();
    assert!(fsi.item("/b").unwrap().hidden);
    fsi.rollback_to_change_point(after_a).unwrap();
    assert_eq!(fsi.change_point(), after_a);
    assert_eq!((fsi.file_count(), fsi.directory_count()), (0, 2));
    fsi.add_file("/c", bytes(b"c")).unwrap();
    fsi.lock_in_change_point();
    assert_eq!(fsi.change_point(), after_a + 1);
    assert_eq!(
        fsi.rollback_to_change_point(0).unwrap_err().code,
        HResult::IMAPI_E_INVALID_PARAM
    );
}

#[test]
fn failed_adds_change_nothing() {
    let mut fsi = new_image();
    fsi.add_file("/a", bytes(b"a")).unwrap();
    let point = fsi.change_point();
    assert!(fsi.add_file("/A", bytes(b"a")).is_err());
    assert_eq!(fsi.change_point(), point);
}

#[test]
fn add_tree_with_and_without_its_base_folder() {
    let host = tempfile::tempdir().unwrap();
    let base = host.path().join("photos");
    std::fs::create_dir_all(base.join("2024")).unwrap();
    std::fs::write(base.join("2024/a.jpg"), b"jpeg").unwrap();
    std::fs::write(base.join("b.jpg"), b"jpeg2").unwrap();
    let mut fsi = new_image();
    let report = fsi.add_tree("/", &base, false).unwrap();
    assert_eq!((report.files, report.directories, report.bytes), (2, 1, 9));
    assert_eq!(fsi.exists("/2024/a.jpg").unwrap(), FsiItemType::File);
    fsi.add_tree("/", &base, true).unwrap();
    assert_eq!(fsi.exists("/photos/2024/a.jpg").unwrap(), FsiItemType::File);
    // The source wins over an existing file; folders merge.
    std::fs::write(base.join("b.jpg"), b"new").unwrap();
    fsi.add_file("/photos/keep.txt", bytes(b"k")).unwrap();
    fsi.add_tree("/", &base, true).unwrap();
    assert_eq!(fsi.item("/photos/b.jpg").unwrap().data_size, 3);
    assert_eq!(fsi.exists("/photos/keep.txt").unwrap(), FsiItemType::File);
}

#[cfg(unix)]
#[test]
fn add_tree_skips_links_to_folders_and_special_files() {
    let host = tempfile::tempdir().unwrap();
    std::fs::create_dir(host.path().join("real")).unwrap();
    std::fs::write(host.path().join("real/f"), b"f").unwrap();
    std::os::unix::fs::symlink(host.path().join("real"), host.path().join("loop")).unwrap();
    std::os::unix::fs::symlink(host.path().join("real/f"), host.path().join("link-to-file")).unwrap();
    std::os::unix::fs::symlink(host.path().join("nowhere"), host.path().join("dangling")).unwrap();
    let mut fsi = new_image();
    let report = fsi.add_tree("/", host.path(), false).unwrap();
    assert_eq!(report.skipped.len(), 2);
    assert_eq!(fsi.exists("/loop").unwrap(), FsiItemType::NotFound);
    assert_eq!(fsi.item("/link-to-file").unwrap().data_size, 1);
}

#[test]
fn detached_items_are_added_whole() {
    let mut fsi = new_image();
    let mut dir = fsi.create_directory_item("album").unwrap();
    dir.add_directory("disc1").unwrap();
    dir.add_file("disc1/track.wav", bytes(b"RIFF")).unwrap();
    let mut cover = fsi.create_file_item("cover.jpg").unwrap();
    cover.set_data(bytes(b"jpg"));
    cover.set_hidden(true);
    dir.add(cover).unwrap();
    assert_eq!(dir.count(), 2);
    assert_eq!(
        dir.add_file("nowhere/x", bytes(b"")).unwrap_err().code,
        HResult::IMAPI_E_NOT_IN_FILE_SYSTEM
    );
    fsi.add("/", dir).unwrap();
    assert_eq!(fsi.file_count(), 2);
    let joliet = read(image_bytes(&fsi.create_result_image().unwrap()), FileSystems::JOLIET);
    assert!(joliet.find("/album/cover.jpg").unwrap().hidden);
    assert!(!joliet.find("/album/disc1/track.wav").unwrap().hidden);
}

/// Reads a session image as if it sat at `start` on a disc (blocks before it do not exist).
struct AtBlock {
    image: Vec<u8>,
    start: u32,
}

impl BlockReader for AtBlock {
    fn read_blocks(&mut self, lba: u32, buf: &mut [u8]) -> ImapiResult<()> {
        let from = (lba.checked_sub(self.start).expect("read before the session") as usize) * 2048;
        buf.copy_from_slice(&self.image[from..from + buf.len()]);
        Ok(())
    }

    fn block_count(&self) -> Option<u64> {
        Some(u64::from(self.start) + (self.image.len() / 2048) as u64)
    }
}

#[test]
fn every_address_is_laid_out_for_the_session_start() {
    let mut fsi = new_image();
    sample_tree(&mut fsi);
    fsi.set_session_start_block(30_000).unwrap();
    let result = fsi.create_result_image().unwrap();
    let image = image_bytes(&result);
    assert_eq!(
        &image[16 * 2048 + 1..16 * 2048 + 6],
        b"CD001",
        "the PVD is block 16 of the session"
    );
    let space = u32::from_le_bytes(image[16 * 2048 + 80..16 * 2048 + 84].try_into().unwrap());
    assert_eq!(
        space,
        result.total_blocks(),
        "volume space size = this session's size (udf-iso.md §3.1)"
    );
    assert!(result.progress_items().iter().all(|p| p.first_block >= 30_000));
    let mut reader = AtBlock { image, start: 30_000 };
    assert_eq!(
        read::identify_file_systems(&mut reader, 30_000).unwrap(),
        FileSystems::ISO9660.union(FileSystems::JOLIET)
    );
    let tree = read::read_tree(&mut reader, 30_000, FileSystems::JOLIET).unwrap();
    let big = tree.find("/big.bin").unwrap();
    assert!(big.extents[0].lba > 30_016);
    let mut data = Vec::new();
    read::read_file(&mut reader, big, &mut data).unwrap();
    assert_eq!(data.len(), 100_000);
    assert_eq!(data[99_999], (99_999u32 % 256) as u8);
}

#[test]
fn names_as_each_file_system_records_them() {
    let mut fsi = new_image();
    fsi.add_file("/Read Me First.markdown", bytes(b"1")).unwrap();
    fsi.add_file("/read_me_first.markdown", bytes(b"2")).unwrap();
    fsi.add_file(&format!("/{}.txt", "long".repeat(20)), bytes(b"3"))
        .unwrap();
    fsi.add_file("/日本語のファイル.txt", bytes(b"4")).unwrap();
    let image = image_bytes(&fsi.create_result_image().unwrap());
    let iso: Vec<String> = read(image.clone(), FileSystems::ISO9660)
        .items
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(
        iso,
        [
            "LONGLONGLONGLONGLONGLONGLON.TXT",
            "READ_ME_FIRST.MARKDOWN",
            "READ_ME_FIRST0.MARKDOWN",
            "________.TXT"
        ]
    );
    let joliet: Vec<String> = read(image, FileSystems::JOLIET)
        .items
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(
        joliet,
        [
            "Read Me First.markdown".to_string(),
            format!("{}.txt", "long".repeat(15)),
            "read_me_first.markdown".to_string(),
            "日本語のファイル.txt".to_string(),
        ]
    );
}

#[test]
fn file_system_names_and_paths() {
    let mut fsi = new_image();
    fsi.add_directory("/My Documents").unwrap();
    fsi.add_file("/My Documents/Read Me First.markdown", bytes(b"1"))
        .unwrap();
    fsi.add_file("/My Documents/read_me_first.markdown", bytes(b"2"))
        .unwrap();
    let path = "/My Documents/Read Me First.markdown";
    assert_eq!(
        fsi.file_system_name(path, FileSystems::ISO9660).unwrap(),
        "READ_ME_FIRST0.MARKDOWN"
    );
    assert_eq!(
        fsi.file_system_path(path, FileSystems::ISO9660).unwrap(),
        "/MY_DOCUMENTS/READ_ME_FIRST0.MARKDOWN"
    );
    assert_eq!(fsi.file_system_path(path, FileSystems::JOLIET).unwrap(), path);
    assert_eq!(
        fsi.file_system_name(path, FileSystems::UDF).unwrap(),
        "Read Me First.markdown"
    );
    assert_eq!(
        fsi.file_system_name("/nothing", FileSystems::JOLIET).unwrap_err().code,
        HResult::IMAPI_E_ITEM_NOT_FOUND
    );
    let both = FileSystems::ISO9660.union(FileSystems::JOLIET);
    assert_eq!(
        fsi.file_system_name(path, both).unwrap_err().code,
        HResult::IMAPI_E_INVALID_PARAM
    );
    // The same names the image records.
    let iso = read(image_bytes(&fsi.create_result_image().unwrap()), FileSystems::ISO9660);
    assert!(iso.find("/MY_DOCUMENTS/READ_ME_FIRST0.MARKDOWN").is_some());
}

#[test]
fn level_1_makes_8_3_names() {
    let mut fsi = new_image();
    fsi.set_iso9660_interchange_level(1).unwrap();
    fsi.add_directory("/A Long Folder Name").unwrap();
    fsi.add_file("/A Long Folder Name/document.html", bytes(b"1")).unwrap();
    let iso = read(image_bytes(&fsi.create_result_image().unwrap()), FileSystems::ISO9660);
    let paths: Vec<&str> = iso.items.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["/A_LONG_F", "/A_LONG_F/DOCUMENT.HTM"]);
}

#[test]
fn deep_trees_without_iso9660_are_written_as_they_are() {
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(FileSystems::JOLIET).unwrap();
    let mut path = String::new();
    for level in 0..12 {
        path.push_str(&format!("/level{level}"));
        fsi.add_directory(&path).unwrap();
    }
    fsi.add_file(&format!("{path}/leaf.txt"), bytes(b"leaf")).unwrap();
    let joliet = read(image_bytes(&fsi.create_result_image().unwrap()), FileSystems::JOLIET);
    assert_eq!(joliet.items.last().unwrap().path, format!("{path}/leaf.txt"));
}

#[test]
fn el_torito_boot_record_and_catalog() {
    let mut fsi = new_image();
    fsi.add_file("/readme", bytes(b"r")).unwrap();
    let mut bios = BootOptions::new();
    bios.manufacturer = "BURNBENCH".into();
    bios.assign_boot_image(bytes(&[0xFA; 2048])).unwrap();
    let mut efi = BootOptions::new();
    efi.platform_id = PlatformId::Efi;
    efi.assign_boot_image(bytes(&vec![0xEF; 1_474_560])).unwrap();
    let mut efi2 = efi.clone();
    efi2.assign_boot_image(bytes(&[0xEE; 4096])).unwrap();
    fsi.set_boot_image_options_array(vec![bios, efi, efi2]).unwrap();
    let result = fsi.create_result_image().unwrap();
    let image = image_bytes(&result);
    let block = |n: usize| &image[n * 2048..(n + 1) * 2048];
    assert_eq!(block(16)[0], 1, "PVD at 16");
    assert_eq!(&block(17)[..7], b"\x00CD001\x01", "boot record at 17");
    assert_eq!(&block(17)[7..30], b"EL TORITO SPECIFICATION");
    assert_eq!(block(18)[0], 2, "Joliet at 18");
    assert_eq!(block(19)[0], 255, "terminator");
    let catalog_lba = u32::from_le_bytes(block(17)[71..75].try_into().unwrap()) as usize;
    let catalog = block(catalog_lba);
    // Validation entry: header 1, platform x86, ID, 55 AA, words sum to 0.
    assert_eq!((catalog[0], catalog[1]), (1, 0));
    assert_eq!(&catalog[4..13], b"BURNBENCH");
    assert_eq!((catalog[30], catalog[31]), (0x55, 0xAA));
    let sum = catalog[..32]
        .chunks(2)
        .fold(0u16, |s, w| s.wrapping_add(u16::from_le_bytes([w[0], w[1]])));
    assert_eq!(sum, 0);
    // Default entry: bootable, no emulation, 4 virtual sectors.
    let default = &catalog[32..64];
    assert_eq!(
        (default[0], default[1], u16::from_le_bytes([default[6], default[7]])),
        (0x88, 0, 4)
    );
    let bios_lba = u32::from_le_bytes(default[8..12].try_into().unwrap()) as usize;
    assert_eq!(block(bios_lba)[0], 0xFA);
    // One last section header for the two EFI entries, then the entries.
    assert_eq!(&catalog[64..68], &[0x91, 0xEF, 2, 0]);
    assert_eq!((catalog[96], catalog[97]), (0x88, 2), "1.44 MB floppy emulation");
    assert_eq!((catalog[128], catalog[129]), (0x88, 0));
    let efi2_lba = u32::from_le_bytes(catalog[136..140].try_into().unwrap()) as usize;
    assert_eq!(block(efi2_lba)[0], 0xEE);
    assert_eq!(
        result
            .progress_items()
            .iter()
            .filter(|p| p.description.starts_with("Boot image"))
            .count(),
        3
    );
    // Boot images are not files of the tree.
    assert_eq!(read(image, FileSystems::JOLIET).items.len(), 1);
}

#[test]
fn an_empty_image_is_valid() {
    let fsi = new_image();
    let result = fsi.create_result_image().unwrap();
    let image = image_bytes(&result);
    assert!(read(image.clone(), FileSystems::ISO9660).items.is_empty());
    assert!(read(image, FileSystems::JOLIET).items.is_empty());
    assert_eq!(fsi.volume_name_joliet(), "20231114_221320", "a name from the clock");
}

#[test]
fn a_reader_source_is_read_while_streaming() {
    let mut fsi = new_image();
    let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7) as u8).collect();
    fsi.add_file("/stream.bin", FileData::from_reader(Cursor::new(data.clone()), 10_000))
        .unwrap();
    let image = image_bytes(&fsi.create_result_image().unwrap());
    let tree = read(image.clone(), FileSystems::JOLIET);
    let mut reader = SeekBlockReader::new(Cursor::new(image)).unwrap();
    let mut out = Vec::new();
    read::read_file(&mut reader, tree.find("/stream.bin").unwrap(), &mut out).unwrap();
    assert_eq!(out, data);
}

#[test]
fn ten_thousand_single_adds_and_one_rollback() {
    // Each Add is checked at once; in a directory of ordinary names that costs O(1) (names are
    // unique by construction below 11 112 items), so this runs in milliseconds.
    let mut fsi = new_image();
    for i in 0..10_000 {
        fsi.add_file(&format!("/file-{i}.txt"), bytes(b"x")).unwrap();
    }
    assert_eq!(fsi.file_count(), 10_000);
    let result = fsi.create_result_image().unwrap();
    let joliet = read(image_bytes(&result), FileSystems::JOLIET);
    assert_eq!(joliet.items.len(), 10_000);
    drop(result);
    fsi.rollback_to_change_point(0).unwrap();
    assert_eq!(fsi.file_count(), 0);
}
