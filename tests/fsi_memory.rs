//! A 10 GiB sparse source file builds into an image with flat memory use: file data is read
//! while the image streams, never held. (Its own test binary, so that the peak RSS it checks
//! belongs to this test alone.)

mod common;
mod fsi_common;

use burnbench::fsi::read::{self, SeekBlockReader};
use burnbench::fsi::{FileData, FileSystems};
use fsi_common::{new_image, peer, run};
use std::io::{Read, Seek, SeekFrom, Write};

const TEN_GIB: u64 = 10 << 30;

/// Peak resident set size of this process, in KiB (Linux `VmHWM`).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn a_10_gib_sparse_file_streams_with_flat_memory_and_reads_back_as_multi_extent() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("big.bin");
    let mut file = std::fs::File::create(&source).unwrap();
    file.set_len(TEN_GIB).unwrap();
    file.seek(SeekFrom::Start(TEN_GIB - 4)).unwrap();
    file.write_all(b"tail").unwrap();
    drop(file);

    let before = peak_rss_kib();
    let mut fsi = new_image();
    fsi.set_iso9660_interchange_level(3).unwrap();
    fsi.add_file("/big.bin", FileData::from_host(&source).unwrap()).unwrap();
    fsi.add_file("/small.txt", fsi_common::bytes(b"small")).unwrap();
    let result = fsi.create_result_image().unwrap();
    // Stream the whole image to a sparse file, the way `burnbench image build` does.
    let image = dir.path().join("big.iso");
    let mut out = std::fs::File::create(&image).unwrap();
    let mut stream = result.image_stream();
    let mut buf = vec![0u8; 1 << 20];
    let zero = [0u8; 2048];
    let mut total = 0u64;
    loop {
        let n = stream.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        for block in buf[..n].chunks(2048) {
            if block == &zero[..block.len()] {
                out.seek(SeekFrom::Current(block.len() as i64)).unwrap();
            } else {
                out.write_all(block).unwrap();
            }
        }
        total += n as u64;
    }
    out.set_len(total).unwrap();
    drop(out);
    let grown_kib = peak_rss_kib().saturating_sub(before);
    assert!(
        grown_kib < 64 * 1024,
        "peak RSS grew by {grown_kib} KiB while streaming 10 GiB"
    );
    assert_eq!(total, u64::from(result.total_blocks()) * 2048);
    assert!(total > TEN_GIB);

    // Our reader: three sections of at most 4 GiB − 2048 bytes in both trees.
    let mut reader = SeekBlockReader::new(std::fs::File::open(&image).unwrap()).unwrap();
    for fs in [FileSystems::ISO9660, FileSystems::JOLIET] {
        let tree = read::read_tree(&mut reader, 0, fs).unwrap();
        let big = tree
            .items
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case("big.bin"))
            .unwrap();
        assert_eq!(big.size, TEN_GIB);
        let sections: Vec<u64> = big.extents.iter().map(|e| e.bytes).collect();
        assert_eq!(sections, [0xFFFF_F800, 0xFFFF_F800, TEN_GIB - 2 * 0xFFFF_F800]);
        assert_eq!(big.extents[1].lba, big.extents[0].lba + 0xFFFF_F800 / 2048);
        let last = big.extents[2];
        let end = u64::from(last.lba) * 2048 + last.bytes;
        let mut image_file = std::fs::File::open(&image).unwrap();
        image_file.seek(SeekFrom::Start(end - 4)).unwrap();
        let mut tail = [0u8; 4];
        image_file.read_exact(&mut tail).unwrap();
        assert_eq!(&tail, b"tail", "the file's last bytes end its last section");
    }

    // Peers join the sections too.
    let path = image.to_str().unwrap();
    if let Some(xorriso) = peer("xorriso") {
        let listing = run(&xorriso, &["-indev", path, "-find", "/", "-exec", "lsdl"]);
        let line = listing.lines().find(|l| l.ends_with("'/big.bin'")).expect(&listing);
        assert!(line.contains(&TEN_GIB.to_string()), "{line}");
    }
    if let Some(isoinfo) = peer("isoinfo") {
        let listing = run(&isoinfo, &["-l", "-i", path]);
        assert_eq!(
            listing.matches("BIG.BIN;1").count(),
            3,
            "three records of one file:\n{listing}"
        );
    }
}
