//! The image builder (issue 16 item 3): build and stream (to `io::sink`) ISO 9660 + Joliet + UDF
//! images of 1,000 and 10,000 small files (100,000 with `BURNBENCH_BENCH_100K=1`) and of four
//! large files; import (read back) of the same trees from an image file; and the multisession
//! import of a 10,000-file previous session through an emulated drive (IMAPI's
//! put_MultisessionInterfaces + ImportFileSystem). Sources are in memory or generated, so setup
//! is cheap and the timed work is the builder's own.

#[path = "support/mod.rs"]
mod support;

use burnbench::burn::{DataWriter, Recorder};
use burnbench::drive::{Drive, DriveModel};
use burnbench::fsi::read::{SeekBlockReader, read_tree};
use burnbench::fsi::{FileData, FileSystemImage, FileSystems};
use burnbench::media::medium::Medium;
use burnbench::media::{Disc, Profile};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

/// Files per folder in the small-file trees.
const PER_FOLDER: usize = 100;
/// Distinct small-file contents (0.5 to 4 KiB), shared between files.
const POOL: usize = 64;
/// The large-file tree: this many files of this many bytes.
const LARGE_FILES: usize = 4;
const LARGE_BYTES: u64 = 128 << 20;

fn all_systems() -> FileSystems {
    FileSystems::ISO9660.union(FileSystems::JOLIET).union(FileSystems::UDF)
}

/// A generated file source: `len` bytes of a fixed pattern, read and seek like a file.
struct Pattern {
    pos: u64,
    len: u64,
}

static PATTERN: [u8; 4096] = {
    let mut block = [0u8; 4096];
    let mut i = 0;
    while i < block.len() {
        block[i] = (i * 31 + 7) as u8;
        i += 1;
    }
    block
};

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut done = 0;
        while done < buf.len() && self.pos < self.len {
            let at = (self.pos % PATTERN.len() as u64) as usize;
            let n = (PATTERN.len() - at)
                .min(buf.len() - done)
                .min((self.len - self.pos) as usize);
            buf[done..done + n].copy_from_slice(&PATTERN[at..at + n]);
            done += n;
            self.pos += n as u64;
        }
        Ok(done)
    }
}

impl Seek for Pattern {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = match to {
            SeekFrom::Start(p) => p,
            SeekFrom::End(d) => self.len.saturating_add_signed(d),
            SeekFrom::Current(d) => self.pos.saturating_add_signed(d),
        };
        Ok(self.pos)
    }
}

/// The files of a tree: path and source.
#[derive(Clone)]
enum Tree {
    Small(usize),
    Large,
}

impl Tree {
    fn name(&self) -> String {
        match self {
            Tree::Small(n) => format!("small-{n}"),
            Tree::Large => format!("large-{LARGE_FILES}x{}MiB", LARGE_BYTES >> 20),
        }
    }

    /// A fresh image with this tree added — what a program does before it builds.
    fn image(&self, pool: &[Arc<[u8]>]) -> FileSystemImage {
        let mut fsi = FileSystemImage::new();
        fsi.set_fixed_time(Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)));
        fsi.set_file_systems_to_create(all_systems())
            .expect("ISO 9660 + Joliet + UDF");
        fsi.set_free_media_blocks(0).expect("no media limit");
        match *self {
            Tree::Small(n) => {
                for folder in 0..n.div_ceil(PER_FOLDER) {
                    fsi.add_directory(&format!("/d{folder:04}")).expect("a folder");
                }
                for i in 0..n {
                    let path = format!("/d{:04}/file-{i:06}.txt", i / PER_FOLDER);
                    let data = FileData::from_bytes(pool[i % POOL].clone());
                    fsi.add_file(&path, data).expect("a small file");
                }
            }
            Tree::Large => {
                for i in 0..LARGE_FILES {
                    let data = FileData::from_reader(
                        Pattern {
                            pos: 0,
                            len: LARGE_BYTES,
                        },
                        LARGE_BYTES,
                    );
                    fsi.add_file(&format!("/large-{i}.bin"), data).expect("a large file");
                }
            }
        }
        fsi
    }
}

fn pool() -> Vec<Arc<[u8]>> {
    (0..POOL)
        .map(|i| {
            let len = 512 + i * 56;
            (0..len).map(|b| (b * 13 + i) as u8).collect::<Vec<u8>>().into()
        })
        .collect()
}

fn trees() -> Vec<Tree> {
    let mut trees = vec![Tree::Small(1_000), Tree::Small(10_000)];
    if std::env::var_os("BURNBENCH_BENCH_100K").is_some() {
        trees.push(Tree::Small(100_000));
    }
    trees.push(Tree::Large);
    trees
}

/// Build the image and stream all of it into `io::sink`; returns the bytes streamed.
fn build_and_stream(fsi: &FileSystemImage) -> u64 {
    let result = fsi.create_result_image().expect("a result image");
    let mut stream = result.image_stream();
    std::io::copy(&mut stream, &mut std::io::sink()).expect("the stream reads")
}

fn build(c: &mut Criterion) {
    let pool = pool();
    let mut group = c.benchmark_group("image_build");
    for tree in trees() {
        let bytes = build_and_stream(&tree.image(&pool));
        group.throughput(Throughput::Bytes(bytes));
        // Adding the files is part of the work (a program adds them, then builds).
        group.bench_function(BenchmarkId::new("add+build+stream", tree.name()), |b| {
            b.iter(|| build_and_stream(&tree.image(&pool)));
        });
    }
    group.finish();
}

fn import(c: &mut Criterion) {
    let pool = pool();
    let dir = tempfile::tempdir_in(support::scratch_dir()).expect("a temporary folder");
    let mut group = c.benchmark_group("image_import");
    for tree in trees() {
        let path = dir.path().join(format!("{}.iso", tree.name()));
        let fsi = tree.image(&pool);
        let result = fsi.create_result_image().expect("a result image");
        let mut file = std::fs::File::create(&path).expect("an image file");
        std::io::copy(&mut result.image_stream(), &mut file).expect("the image is written");
        drop(file);
        // An import reads the metadata only: files/s says more than bytes of image/s.
        group.throughput(Throughput::Elements(fsi.file_count()));
        for fs in [FileSystems::JOLIET, FileSystems::UDF] {
            group.bench_function(BenchmarkId::new(fs.to_string(), tree.name()), |b| {
                b.iter(|| {
                    let file = std::fs::File::open(&path).expect("the image opens");
                    let mut reader = SeekBlockReader::new(file).expect("a block reader");
                    let imported = read_tree(&mut reader, 0, fs).expect("the tree reads back");
                    assert!(imported.items.len() as u64 >= fsi.file_count());
                    imported
                });
            });
        }
    }
    group.finish();
}

/// A data writer over a DVD+R in memory holding one 10,000-file session, left appendable.
fn previous_session(pool: &[Arc<[u8]>]) -> DataWriter {
    let model = DriveModel::builtin("bd-writer").expect("the built-in bd-writer");
    let mut drive = Drive::with_medium(model, Medium::in_memory(Disc::new(Profile::DvdPlusR)));
    drive.settle();
    let (recorder, _drive) = Recorder::emulated(drive);
    let writer = DataWriter::new();
    writer.set_recorder(&recorder).expect("the drive writes data");
    writer.set_client_name("burnbench");
    writer
        .set_disable_consumer_dvd_compatibility_mode(true)
        .expect("the DVD+R stays appendable");
    let fsi = Tree::Small(10_000).image(pool);
    let result = fsi.create_result_image().expect("a result image");
    writer
        .write(&mut result.image_stream())
        .expect("the first session burns");
    writer
}

fn multisession(c: &mut Criterion) {
    let pool = pool();
    let writer = previous_session(&pool);
    let mut group = c.benchmark_group("multisession_import");
    group.throughput(Throughput::Elements(10_000));
    group.bench_function(BenchmarkId::from_parameter("dvd+r/10000-files"), |b| {
        b.iter_batched(
            || writer.multisession_interfaces().expect("multisession objects"),
            |interfaces| {
                let mut fsi = FileSystemImage::new();
                fsi.set_multisession_interfaces(Some(interfaces))
                    .expect("the next session is placed");
                fsi.import_file_system().expect("the previous session imports");
                assert_eq!(fsi.file_count(), 10_000);
                fsi
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = support::quick();
    targets = build, import, multisession
}
criterion_main!(benches);
