//! Media images on disk (issue 3, "Media images"): round trips, size, crash safety under SIGKILL,
//! corruption and truncation, canonical compaction, plain `.iso` files. Layout:
//! `docs/media-image.md`.
//!
//! The SIGKILL test re-runs this test executable as its child: with `BURNBENCH_SIGKILL_CHILD` set,
//! the otherwise empty test `sigkill_child_entry_point` writes and commits generations forever.

use burnbench::media::image::{self, ImageError, MediaImage, open_iso, save_compact};
use burnbench::media::store::{MemoryStore, SECTOR_BYTES, SectorStore, StoreError};
use burnbench::media::{Disc, Profile};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SECTOR: usize = SECTOR_BYTES;

/// Sector content that names its LBA and the tag (generation) that wrote it.
fn sector_bytes(lba: u32, tag: u32) -> [u8; SECTOR] {
    let mut s = [(lba as u8) ^ (tag as u8).wrapping_mul(31); SECTOR];
    s[..4].copy_from_slice(&lba.to_le_bytes());
    s[4..8].copy_from_slice(&tag.to_le_bytes());
    s
}

fn run_bytes(lbas: Range<u32>, tag: u32) -> Vec<u8> {
    lbas.flat_map(|lba| sector_bytes(lba, tag)).collect()
}

/// The reference model: which tag each written LBA holds.
#[derive(Default, Clone, Debug, PartialEq)]
struct Model(BTreeMap<u32, u32>);

impl Model {
    fn write(&mut self, store: &mut dyn SectorStore, lbas: Range<u32>, tag: u32) {
        store.write(lbas.start, &run_bytes(lbas.clone(), tag)).unwrap();
        self.0.extend(lbas.map(|lba| (lba, tag)));
    }

    fn discard(&mut self, store: &mut dyn SectorStore, lbas: Range<u32>) {
        store.discard(lbas.clone()).unwrap();
        self.0.retain(|lba, _| !lbas.contains(lba));
    }

    fn runs(&self) -> Vec<Range<u32>> {
        let mut runs: Vec<Range<u32>> = Vec::new();
        for &lba in self.0.keys() {
            match runs.last_mut() {
                Some(r) if r.end == lba => r.end += 1,
                _ => runs.push(lba..lba + 1),
            }
        }
        runs
    }

    /// Every sector of `0..end` reads as the model says, written or not.
    fn check(&self, store: &mut dyn SectorStore, end: u32) {
        assert_eq!(store.written_runs(0..u32::MAX), self.runs());
        assert_eq!(store.written_sectors(), self.0.len() as u64);
        let mut buf = vec![0u8; 256 * SECTOR];
        for base in (0..end).step_by(256) {
            let count = (end - base).min(256);
            let out = &mut buf[..count as usize * SECTOR];
            let found = store.read(base, out).unwrap();
            let expected_written = (base..base + count).filter(|l| self.0.contains_key(l)).count() as u32;
            assert_eq!(
                found.written,
                expected_written,
                "written sectors in {base}..{}",
                base + count
            );
            for (i, got) in out.chunks(SECTOR).enumerate() {
                let lba = base + i as u32;
                match self.0.get(&lba) {
                    Some(&tag) => assert!(got == sector_bytes(lba, tag), "LBA {lba} should hold tag {tag}"),
                    None => assert!(got.iter().all(|&b| b == 0), "unwritten LBA {lba} should read as zeros"),
                }
            }
        }
    }
}

fn dir_bytes(dir: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap())
        .map(|m| m.len().max(m.blocks() * 512))
        .sum()
}

fn new_image(tmp: &tempfile::TempDir, profile: Profile) -> (PathBuf, MediaImage) {
    let path = tmp.path().join("test.bbm");
    let image = MediaImage::create(&path, &Disc::new(profile)).unwrap();
    (path, image)
}

// ---------------------------------------------------------------------------------------------
// Round trips

#[test]
fn writes_overwrites_and_discards_survive_commit_and_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, mut image) = new_image(&tmp, Profile::BdRe);
    let disc = image.disc().clone();
    let mut model = Model::default();
    model.write(image.store_mut(), 0..1500, 1); // three records of at most 512 sectors
    model.write(image.store_mut(), 2000..2001, 1);
    image.store_mut().write(3000, &[0u8; SECTOR]).unwrap(); // a written zero sector
    model.write(image.store_mut(), 100..700, 2); // overwrite across record boundaries
    model.discard(image.store_mut(), 1200..1300);
    image.commit(&disc).unwrap();
    model.write(image.store_mut(), 1250..1260, 3); // rewrite inside the discarded hole
    model.discard(image.store_mut(), 2000..2001);
    image.commit(&disc).unwrap();
    drop(image);

    let mut image = MediaImage::open(&path).unwrap();
    assert_eq!(image.disc(), &disc);
    let mut zero = [1u8; SECTOR];
    let found = image.store_mut().read(3000, &mut zero).unwrap();
    assert_eq!(
        (found.leading_written, zero.iter().all(|&b| b == 0)),
        (1, true),
        "written zero sector"
    );
    image.store_mut().discard(3000..3001).unwrap();
    model.check(image.store_mut(), 3100);
}

#[test]
fn uncommitted_writes_are_not_in_the_reopened_image() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, mut image) = new_image(&tmp, Profile::DvdPlusRw);
    let disc = image.disc().clone();
    let mut model = Model::default();
    model.write(image.store_mut(), 0..16, 1);
    image.commit(&disc).unwrap();
    image.store_mut().write(0, &run_bytes(0..32, 9)).unwrap();
    image.store_mut().discard(8..16).unwrap();
    drop(image);
    model.check(MediaImage::open(&path).unwrap().store_mut(), 64);
}

#[test]
fn the_committed_disc_value_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, mut image) = new_image(&tmp, Profile::DvdPlusRw);
    let formatted = Disc::pressed(Profile::DvdPlusRw, 0, false);
    assert_ne!(&formatted, image.disc());
    image.commit(&formatted).unwrap();
    drop(image);
    assert_eq!(MediaImage::open(&path).unwrap().disc(), &formatted);
}

#[test]
fn create_refuses_an_existing_path_and_replace_spares_other_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, image) = new_image(&tmp, Profile::CdR);
    drop(image);
    let e = MediaImage::create(&path, &Disc::new(Profile::CdRw))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("test.bbm': already exists"), "{e}");
    let replaced = MediaImage::create_or_replace(&path, &Disc::new(Profile::CdRw)).unwrap();
    assert_eq!(replaced.disc().profile, Profile::CdRw);

    let other = tmp.path().join("photos");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("cat.jpg"), b"meow").unwrap();
    let e = MediaImage::create_or_replace(&other, &Disc::new(Profile::CdR))
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("is not a media image") && e.contains("refusing to replace"),
        "{e}"
    );
    assert!(other.join("cat.jpg").exists());
    let e = MediaImage::open(&other).err().unwrap().to_string();
    assert!(e.contains("has no manifest.ron"), "{e}");
}

#[test]
fn a_second_open_of_an_image_in_use_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, _image) = new_image(&tmp, Profile::BdRe);
    let e = MediaImage::open(&path).err().unwrap().to_string();
    assert!(e.contains("in use by another process"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Size and memory

#[test]
fn bd_re_with_one_mib_written_takes_under_two_mib() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, mut image) = new_image(&tmp, Profile::BdRe);
    let disc = image.disc().clone();
    let last = 12_219_392;
    let mut model = Model::default();
    for start in [0, 4096, 6_000_000, last - 320] {
        model.write(image.store_mut(), start..start + 128, 1); // 4 × 256 KiB = 1 MiB
    }
    image.commit(&disc).unwrap();
    drop(image);
    let bytes = dir_bytes(&path);
    assert!(bytes < 2 * 1024 * 1024, "image takes {bytes} bytes");
    let mut image = MediaImage::open(&path).unwrap();
    assert_eq!(image.store().written_runs(0..u32::MAX), model.runs());
    model.check(image.store_mut(), 8192);
}

fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

/// A hand-built image in the documented layout (docs/media-image.md): 4.7 GB of sparse data with
/// records whose data checksums are wrong. Opening it must not read the data (fast, no memory,
/// no checksum error); the first read of a record is where the damage shows.
#[test]
fn opening_an_image_with_4_7_gb_written_reads_no_sector_data() {
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    let tmp = tempfile::tempdir().unwrap();
    let (path, image) = new_image(&tmp, Profile::DvdPlusR);
    drop(image);
    let sectors: u32 = 2_295_104;
    let mut log = Vec::new();
    for i in 0..sectors.div_ceil(512) {
        let count = (sectors - i * 512).min(512);
        let mut r = [0u8; 32];
        r[0] = 1;
        r[4..8].copy_from_slice(&(i * 512).to_le_bytes());
        r[8..12].copy_from_slice(&count.to_le_bytes());
        r[12..20].copy_from_slice(&(u64::from(i) * 512 * 2048).to_le_bytes());
        r[20..24].copy_from_slice(&0xBAD0_C0DEu32.to_le_bytes());
        let own = crc.checksum(&r[..28]);
        r[28..32].copy_from_slice(&own.to_le_bytes());
        log.extend_from_slice(&r);
    }
    std::fs::write(path.join("extents.log"), &log).unwrap();
    let data_bytes = u64::from(sectors) * 2048;
    std::fs::File::options()
        .write(true)
        .open(path.join("sectors.bin"))
        .unwrap()
        .set_len(data_bytes)
        .unwrap();
    let manifest = std::fs::read_to_string(path.join("manifest.ron")).unwrap();
    let body = &manifest[..manifest.rfind("// crc32: ").unwrap()];
    let body = body
        .replace("written_sectors: 0,", &format!("written_sectors: {sectors},"))
        .replace("sectors_bin_bytes: 0,", &format!("sectors_bin_bytes: {data_bytes},"))
        .replace("extents_log_bytes: 0,", &format!("extents_log_bytes: {},", log.len()))
        .replace(
            "extents_log_crc32: 0,",
            &format!("extents_log_crc32: {},", crc.checksum(&log)),
        );
    std::fs::write(
        path.join("manifest.ron"),
        format!("{body}// crc32: {:08x}\n", crc.checksum(body.as_bytes())),
    )
    .unwrap();

    let before = rss_bytes();
    let mut image = MediaImage::open(&path).unwrap();
    let grown = rss_bytes().saturating_sub(before);
    assert!(grown < 256 * 1024 * 1024, "opening grew the process by {grown} bytes");
    assert_eq!(image.store().written_sectors(), u64::from(sectors));
    assert_eq!(image.store().written_runs(0..u32::MAX), vec![0..sectors]);
    let e = image.store_mut().read(1_000_000, &mut [0u8; SECTOR]).err().unwrap();
    assert!(
        matches!(e, StoreError::Corrupt { offset, .. } if offset == 1_000_000 / 512 * 512 * 2048),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// Compaction

#[test]
fn save_compact_gives_byte_identical_images_for_the_same_content() {
    let tmp = tempfile::tempdir().unwrap();
    let disc = Disc::pressed(Profile::DvdPlusRw, 0, false);
    // History A: in memory, written once.
    let mut memory = MemoryStore::new();
    let mut a = Model::default();
    a.write(&mut memory, 16..1200, 5);
    a.write(&mut memory, 5000..5016, 6);
    let path_a = tmp.path().join("a.bbm");
    save_compact(&path_a, &disc, &mut memory).unwrap();
    // History B: a file image with overwrites and discards that ends with the same sectors.
    let (path_b, mut image) = new_image(&tmp, Profile::DvdPlusRw);
    let mut b = Model::default();
    b.write(image.store_mut(), 0..1300, 5);
    b.write(image.store_mut(), 5000..5016, 1);
    image.commit(&disc).unwrap();
    b.discard(image.store_mut(), 0..16);
    b.discard(image.store_mut(), 1200..1300);
    b.write(image.store_mut(), 5000..5016, 6);
    assert_eq!(a, b);
    let mut image = image.compact(&disc).unwrap();
    b.check(image.store_mut(), 6000);
    drop(image);
    for file in ["manifest.ron", "sectors.bin", "extents.log"] {
        let (fa, fb) = (
            std::fs::read(path_a.join(file)).unwrap(),
            std::fs::read(path_b.join(file)).unwrap(),
        );
        assert!(fa == fb, "{file} differs between the two histories");
    }
    assert_eq!(
        std::fs::metadata(path_a.join("sectors.bin")).unwrap().len(),
        1200 * 2048
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "temporary directories left behind: {leftovers:?}");
}

// ---------------------------------------------------------------------------------------------
// Crash safety

const CHILD_ENV: &str = "BURNBENCH_SIGKILL_CHILD";
const CHILD_LBAS: u32 = 4096;

/// Deterministic pseudo-random numbers (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u32 {
        (self.next() % n) as u32
    }
}

/// Generation `generation`: a few writes (some longer than a log record) and a discard, then
/// LBA 0 records the generation number.
fn apply_generation(store: &mut dyn SectorStore, model: &mut Model, generation: u32) {
    let mut rng = Rng(u64::from(generation));
    for _ in 0..8 {
        let start = 1 + rng.below(u64::from(CHILD_LBAS) - 700);
        let longest = if rng.below(4) == 0 { 600 } else { 64 };
        let count = 1 + rng.below(longest);
        model.write(store, start..start + count, generation);
    }
    let start = 1 + rng.below(u64::from(CHILD_LBAS) - 100);
    model.discard(store, start..start + rng.below(100));
    model.write(store, 0..1, generation);
}

fn model_after(generations: u32) -> Model {
    let mut model = Model::default();
    let mut scratch = MemoryStore::new();
    for g in 1..=generations {
        apply_generation(&mut scratch, &mut model, g);
    }
    model
}

fn generation_of(image: &mut MediaImage) -> u32 {
    let mut first = [0u8; SECTOR];
    let found = image.store_mut().read(0, &mut first).unwrap();
    if found.written == 0 {
        0
    } else {
        u32::from_le_bytes(first[4..8].try_into().unwrap())
    }
}

/// The child's side of `sigkill_never_loses_an_acknowledged_commit`.
#[test]
fn sigkill_child_entry_point() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let mut image = MediaImage::open(Path::new(&path)).unwrap();
    let disc = image.disc().clone();
    let mut generation = generation_of(&mut image);
    let mut model = Model::default(); // not consulted: the parent rebuilds it
    loop {
        generation += 1;
        apply_generation(image.store_mut(), &mut model, generation);
        image.commit(&disc).unwrap();
        println!("committed {generation}");
        model.0.clear();
    }
}

#[test]
fn sigkill_never_loses_an_acknowledged_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, image) = new_image(&tmp, Profile::BdRe);
    drop(image);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Rng(seed);
    let mut acknowledged = 0u32;
    for round in 0..12 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "sigkill_child_entry_point",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit()) // a failing child shows its panic
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let wanted = 1 + rng.below(4);
        let mut seen = 0;
        while seen < wanted {
            let line = lines.next().expect("child ended before committing").unwrap();
            if let Some(g) = line.strip_prefix("committed ") {
                acknowledged = g.parse().unwrap();
                seen += 1;
            }
        }
        // A random moment: usually mid-write or mid-commit of the next generation.
        std::thread::sleep(std::time::Duration::from_micros(u64::from(rng.below(30_000))));
        child.kill().unwrap();
        child.wait().unwrap();
        for line in lines {
            if let Some(g) = line.unwrap().strip_prefix("committed ") {
                acknowledged = g.parse().unwrap();
            }
        }
        let mut image = MediaImage::open(&path)
            .unwrap_or_else(|e| panic!("round {round} (seed {seed}): image does not load after SIGKILL: {e}"));
        let found = generation_of(&mut image);
        assert!(
            found == acknowledged || found == acknowledged + 1,
            "round {round} (seed {seed}): image holds generation {found}, acknowledged {acknowledged}"
        );
        model_after(found).check(image.store_mut(), CHILD_LBAS);
        eprintln!("round {round}: acknowledged {acknowledged}, image holds {found}");
        acknowledged = found;
    }
}

// ---------------------------------------------------------------------------------------------
// Corruption and truncation

/// An image with two write records (0..512 and 1000..1010), committed.
fn damaged_image_fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (path, mut image) = new_image(&tmp, Profile::BdRe);
    let disc = image.disc().clone();
    let mut model = Model::default();
    model.write(image.store_mut(), 0..512, 1);
    model.write(image.store_mut(), 1000..1010, 1);
    image.commit(&disc).unwrap();
    (tmp, path)
}

fn open_error(path: &Path) -> String {
    let e: ImageError = MediaImage::open(path).err().expect("the damaged image opened");
    e.to_string()
}

fn truncate_by(file: &Path, bytes: u64) -> u64 {
    let f = std::fs::File::options().write(true).open(file).unwrap();
    let len = f.metadata().unwrap().len();
    f.set_len(len - bytes).unwrap();
    len
}

fn flip_byte(file: &Path, at: usize) {
    let mut bytes = std::fs::read(file).unwrap();
    bytes[at] ^= 0x04;
    std::fs::write(file, bytes).unwrap();
}

#[test]
fn a_truncated_sector_file_is_named_with_both_lengths() {
    let (_tmp, path) = damaged_image_fixture();
    let len = truncate_by(&path.join("sectors.bin"), 4096);
    let e = open_error(&path);
    let expected = format!(
        "test.bbm': sectors.bin is truncated: {} bytes, manifest expects {len}",
        len - 4096
    );
    assert!(e.contains(&expected), "{e}");
}

#[test]
fn a_truncated_extent_log_is_named_with_both_lengths() {
    let (_tmp, path) = damaged_image_fixture();
    truncate_by(&path.join("extents.log"), 1);
    let e = open_error(&path);
    assert!(
        e.contains("extents.log is truncated: 63 bytes, manifest expects 64"),
        "{e}"
    );
}

#[test]
fn a_truncated_or_missing_manifest_is_named() {
    let (_tmp, path) = damaged_image_fixture();
    truncate_by(&path.join("manifest.ron"), 20);
    let e = open_error(&path);
    assert!(e.contains("manifest.ron does not end in its checksum line"), "{e}");
    std::fs::remove_file(path.join("manifest.ron")).unwrap();
    assert!(open_error(&path).contains("has no manifest.ron"));
}

#[test]
fn a_missing_data_file_is_named() {
    let (_tmp, path) = damaged_image_fixture();
    std::fs::remove_file(path.join("extents.log")).unwrap();
    let e = open_error(&path);
    assert!(e.contains("extents.log is missing"), "{e}");
}

#[test]
fn a_flipped_byte_in_the_manifest_is_named() {
    let (_tmp, path) = damaged_image_fixture();
    let text = std::fs::read_to_string(path.join("manifest.ron")).unwrap();
    // A digit of a length: still valid RON, so only the checksum can tell.
    flip_byte(
        &path.join("manifest.ron"),
        text.find("sectors_bin_bytes: ").unwrap() + 20,
    );
    let e = open_error(&path);
    assert!(
        e.contains("test.bbm': manifest.ron does not match its checksum line"),
        "{e}"
    );
}

#[test]
fn a_flipped_byte_in_the_extent_log_names_the_record() {
    let (_tmp, path) = damaged_image_fixture();
    flip_byte(&path.join("extents.log"), 32 + 5);
    let e = open_error(&path);
    assert!(
        e.contains("extents.log record at byte offset 32: record checksum mismatch"),
        "{e}"
    );
}

#[test]
fn a_flipped_byte_in_sector_data_shows_on_reading_that_sector_only() {
    let (_tmp, path) = damaged_image_fixture();
    flip_byte(&path.join("sectors.bin"), 512 * 2048 + 3 * 2048 + 100);
    let mut image = MediaImage::open(&path).unwrap();
    let mut out = vec![0u8; 8 * SECTOR];
    image.store_mut().read(0, &mut out).unwrap();
    let e = image.store_mut().read(1004, &mut out[..SECTOR]).err().unwrap();
    assert!(e.is_medium_error());
    let message = e.to_string();
    assert!(
        message.contains("sectors.bin: bytes 1048576..1069056 (LBA 1000..1010) fail their checksum"),
        "{message}"
    );
    assert!(
        image.store_mut().read(1004, &mut out[..SECTOR]).is_err(),
        "a bad record stays bad"
    );
}

#[test]
fn an_unknown_format_version_is_named() {
    let (_tmp, path) = damaged_image_fixture();
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    let text = std::fs::read_to_string(path.join("manifest.ron")).unwrap();
    let body = text[..text.rfind("// crc32: ").unwrap()].replace("format: 1,", "format: 7,");
    std::fs::write(
        path.join("manifest.ron"),
        format!("{body}// crc32: {:08x}\n", crc.checksum(body.as_bytes())),
    )
    .unwrap();
    let e = open_error(&path);
    assert!(
        e.contains("manifest.ron has format version 7, but this burnbench reads versions 1 to 2"),
        "{e}"
    );
}

#[test]
fn bytes_past_the_commit_are_ignored_and_cut_by_the_next_commit() {
    let (_tmp, path) = damaged_image_fixture();
    for file in ["sectors.bin", "extents.log"] {
        let mut f = std::fs::File::options().append(true).open(path.join(file)).unwrap();
        std::io::Write::write_all(&mut f, &[0xEE; 5000]).unwrap();
    }
    let mut image = MediaImage::open(&path).unwrap();
    let disc = image.disc().clone();
    let mut model = Model::default();
    model.0.extend((0..512).chain(1000..1010).map(|lba| (lba, 1)));
    model.check(image.store_mut(), 1100);
    model.write(image.store_mut(), 2000..2002, 2);
    image.commit(&disc).unwrap();
    assert_eq!(std::fs::metadata(path.join("sectors.bin")).unwrap().len(), 524 * 2048);
    assert_eq!(std::fs::metadata(path.join("extents.log")).unwrap().len(), 3 * 32);
    drop(image);
    model.check(MediaImage::open(&path).unwrap().store_mut(), 2100);
}

// ---------------------------------------------------------------------------------------------
// Plain .iso files

fn sparse_iso(tmp: &tempfile::TempDir, blocks: u64) -> PathBuf {
    let path = tmp.path().join(format!("{blocks}.iso"));
    std::fs::File::create(&path).unwrap().set_len(blocks * 2048).unwrap();
    path
}

#[test]
fn an_iso_opens_as_cd_dvd_or_bd_rom_by_size() {
    let tmp = tempfile::tempdir().unwrap();
    for (blocks, profile) in [
        (1, Profile::CdRom),
        (360_000, Profile::CdRom),
        (360_001, Profile::DvdRom),
        (4_171_712, Profile::DvdRom),
        (4_171_713, Profile::BdRom),
    ] {
        let (disc, store) = open_iso(&sparse_iso(&tmp, blocks), None).unwrap();
        assert_eq!(disc.profile, profile, "{blocks} blocks");
        assert_eq!(disc, Disc::pressed(profile, blocks as u32, false));
        assert_eq!(store.written_sectors(), blocks);
    }
}

#[test]
fn an_iso_opens_as_the_named_profile_and_reads_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("data.iso");
    std::fs::write(&path, run_bytes(0..20, 4)).unwrap();
    let (disc, mut store) = open_iso(&path, Some(Profile::DvdRom)).unwrap();
    assert_eq!(disc.profile, Profile::DvdRom);
    let mut model = Model::default();
    model.0.extend((0..20).map(|lba| (lba, 4)));
    model.check(&mut store, 40);
    // Imported into an image, the same sectors come back.
    let image_path = tmp.path().join("data.bbm");
    save_compact(&image_path, &disc, &mut store).unwrap();
    let mut image = MediaImage::open(&image_path).unwrap();
    assert_eq!(image.disc(), &disc);
    model.check(image.store_mut(), 40);
}

#[test]
fn an_iso_of_partial_sectors_or_too_large_for_the_profile_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("odd.iso");
    std::fs::write(&path, [0u8; 3000]).unwrap();
    let e = open_iso(&path, None).err().unwrap().to_string();
    assert!(
        e.contains("odd.iso': is 3000 bytes, not a whole number of 2048-byte sectors"),
        "{e}"
    );
    let big = sparse_iso(&tmp, 400_000);
    let e = open_iso(&big, Some(Profile::CdR)).err().unwrap().to_string();
    assert!(e.contains("holds 400000 blocks, more than a cd-r medium holds"), "{e}");
    let e = open_iso(&tmp.path().join("nope.iso"), None).err().unwrap().to_string();
    assert!(e.contains("nope.iso': does not exist"), "{e}");
    let e = open_iso(tmp.path(), None).err().unwrap().to_string();
    assert!(e.contains("is not a plain file"), "{e}");
    assert_eq!(image::iso_profile_for(360_001), Profile::DvdRom);
}

#[test]
fn importing_an_iso_reports_progress_up_to_every_sector() {
    let tmp = tempfile::tempdir().unwrap();
    let iso = tmp.path().join("data.iso");
    // Several log records' worth, so that progress is heard more than once.
    std::fs::write(&iso, run_bytes(0..3000, 9)).unwrap();
    let mut heard = Vec::new();
    let disc = burnbench::media::medium::import_iso_with_progress(
        &iso,
        &tmp.path().join("data.bbm"),
        None,
        false,
        &mut |done, total| heard.push((done, total)),
    )
    .unwrap();
    assert_eq!(disc, Disc::pressed(Profile::CdRom, 3000, false));
    assert!(heard.len() > 1, "{heard:?}");
    assert!(heard.windows(2).all(|w| w[0].0 < w[1].0), "{heard:?}");
    assert!(heard.iter().all(|&(_, total)| total == 3000));
    assert_eq!(heard.last(), Some(&(3000, 3000)));
}

/// A DVD+R DL whose layer boundary a host set (SEND DVD STRUCTURE 20h) keeps it across a reload
/// and is written in layout 2; a blank DVD+R DL stays layout 1 without the field.
#[test]
fn a_dvd_plus_r_dl_layer_boundary_survives_a_reload_in_layout_2() {
    use burnbench::media::medium::Medium;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("dl.bbm");
    let manifest = |path: &Path| std::fs::read_to_string(path.join("manifest.ron")).unwrap();
    let mut medium = Medium::create(&path, Disc::new(Profile::DvdPlusRDl)).unwrap();
    let blank = manifest(&path);
    assert!(
        blank.contains("format: 1,") && !blank.contains("layer0_blocks_set"),
        "{blank}"
    );
    medium.set_layer_boundary(1000).unwrap();
    drop(medium);
    let set = manifest(&path);
    assert!(
        set.contains("format: 2,") && set.contains("layer0_blocks_set: Some(1008)"),
        "{set}"
    );
    let reloaded = Medium::open(&path, None).unwrap();
    assert_eq!(reloaded.disc().layer_boundary().map(|b| b.layer0_blocks), Some(1008));
    assert_eq!(reloaded.disc().capacity_blocks, 2016);
}

// ---------------------------------------------------------------------------------------------
// Impossible discs (issue 14 item 8): a manifest whose checksum is right but whose disc no drive
// can make is refused on load, naming the broken invariant.

/// A CD-R with two closed sessions of one track each, as the rules leave it.
fn two_session_cd_r() -> Disc {
    use burnbench::media::WriteParameters;
    let mut disc = Disc::new(Profile::CdR);
    let params = WriteParameters {
        keep_appendable: true,
        ..WriteParameters::default()
    };
    for _ in 0..2 {
        let nwa = disc
            .track_views()
            .iter()
            .rev()
            .find_map(|t| t.next_writable_address)
            .unwrap();
        disc.write(nwa, 1000, &params).unwrap();
        disc.close(1, disc.track_count(), &params).unwrap();
        disc.close(2, 0, &params).unwrap();
    }
    disc
}

/// Save `disc` as a media image (signed as burnbench signs it) and return why opening it fails.
fn refusal_of(disc: &Disc) -> String {
    refusal_with(disc, &mut MemoryStore::new())
}

/// [`refusal_of`] with the sectors of `store`.
fn refusal_with(disc: &Disc, store: &mut MemoryStore) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("forged.bbm");
    save_compact(&path, disc, store).unwrap();
    open_error(&path)
}

#[test]
fn a_disc_the_rules_make_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ok.bbm");
    save_compact(&path, &two_session_cd_r(), &mut MemoryStore::new()).unwrap();
    assert_eq!(MediaImage::open(&path).unwrap().disc(), &two_session_cd_r());
}

#[test]
fn impossible_discs_are_refused_with_the_broken_invariant() {
    type Forgery = (&'static str, fn(&mut Disc));
    let forgeries: &[Forgery] = &[
        // The campaign's reproducer: media info printed "readable 2147483949 blocks".
        (
            "track 2 ends at LBA 2147483949, past the end of the disc's user area (359849 blocks)",
            |d| {
                d.sessions[1].tracks[0].start = 2147483949 - d.sessions[1].tracks[0].size_blocks;
            },
        ),
        ("session 1 is numbered 0", |d| d.sessions[0].number = 0),
        ("track 2 starts at LBA 100, inside track 1", |d| {
            d.sessions[1].tracks[0].start = 100
        }),
        ("the track in position 2 is numbered 1", |d| {
            d.sessions[1].tracks[0].number = 1
        }),
        ("track 1 records 5000 blocks but is 1002 blocks long", |d| {
            d.sessions[0].tracks[0].recorded_blocks = 5000;
        }),
        ("capacity is 0 blocks", |d| d.capacity_blocks = 0),
        ("capacity is 999999 blocks, but a cd-r holds 359849", |d| {
            d.capacity_blocks = 999_999
        }),
        ("finalized, but its last session is open", |d| {
            d.finalized = true;
            d.sessions[1].closed = false;
        }),
        ("session 1 is open but is not the last one", |d| {
            d.sessions[0].closed = false
        }),
        ("session 2 has no track", |d| d.sessions[1].tracks.clear()),
    ];
    for (expected, forge) in forgeries {
        let mut disc = two_session_cd_r();
        forge(&mut disc);
        let message = refusal_of(&disc);
        assert!(
            message.contains("describes a disc no drive can make") && message.contains(expected),
            "{expected}: {message}"
        );
    }
}

#[test]
fn a_format_larger_than_the_disc_is_refused() {
    let mut disc = Disc::new(Profile::BdRe);
    disc.format_default().unwrap();
    if let burnbench::media::FormatState::Formatted { blocks, .. } = &mut disc.format {
        *blocks = 99_999_999;
    }
    let message = refusal_of(&disc);
    assert!(
        message.contains("formatted to 99999999 blocks, but the disc holds 12219392"),
        "{message}"
    );
}

#[test]
fn sectors_past_the_end_of_the_disc_are_refused() {
    let mut store = MemoryStore::new();
    store.write(400_000, &[7u8; SECTOR]).unwrap();
    let message = refusal_with(&two_session_cd_r(), &mut store);
    assert!(
        message.contains("describes a disc of 359849 blocks, but the data files hold sectors from LBA 400000 on"),
        "{message}"
    );
}

#[test]
fn an_iso_that_leaves_no_room_for_the_cd_run_out_is_too_large_for_a_cd_r() {
    let tmp = tempfile::tempdir().unwrap();
    let iso = tmp.path().join("full.iso");
    let file = std::fs::File::create(&iso).unwrap();
    file.set_len(359_849 * SECTOR as u64).unwrap();
    let e = open_iso(&iso, Some(Profile::CdR)).err().expect("opened").to_string();
    assert!(e.contains("holds 359849 blocks, more than a"), "{e}");
    file.set_len(359_847 * SECTOR as u64).unwrap();
    let (disc, _) = open_iso(&iso, Some(Profile::CdR)).unwrap();
    assert_eq!(disc.check_invariants(), Ok(()));
}
