//! The sector writer (issue 16 item 1): WRITE(10)/WRITE(12) through `Drive::execute` — CDB decode,
//! gating, the disc's rules and the sector store — and READ(10) of what was written, for DVD+R,
//! BD-RE and CD-R TAO into the memory store and a file-backed media image; bytes/s.
//!
//! Each write bench writes sequentially from LBA 0 of a fresh medium; when a medium holds
//! [`WRITE_SPAN`] it is replaced by a fresh one outside the timed region, so every timed command
//! is a steady-state write onto a realistic, not yet full disc. Read benches read a
//! [`READ_SPAN`]-long recorded area over and over.

#[path = "support/mod.rs"]
mod support;

use burnbench::media::Profile;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::time::{Duration, Instant};
use support::{BLOCK, Rig, Store};

/// Bytes written onto one medium before a fresh one replaces it (untimed).
const WRITE_SPAN: usize = 256 << 20;
/// Bytes recorded for the read benches (read again and again).
const READ_SPAN: usize = 64 << 20;

#[derive(Clone, Copy)]
enum Cdb {
    Write10,
    Write12,
}

struct Case {
    name: &'static str,
    profile: Profile,
    cdb: Cdb,
    blocks: u32,
    /// Write the same [`WRITE_SPAN`] over and over instead of a fresh medium each time: the
    /// drive's own cost without the store's growth (page faults of new memory or file pages).
    overwrite: bool,
}

const CASES: &[Case] = &[
    Case {
        name: "dvd+r/write10x16",
        profile: Profile::DvdPlusR,
        cdb: Cdb::Write10,
        blocks: 16,
        overwrite: false,
    },
    Case {
        name: "dvd+r/write10x32",
        profile: Profile::DvdPlusR,
        cdb: Cdb::Write10,
        blocks: 32,
        overwrite: false,
    },
    Case {
        name: "dvd+r/write12x32",
        profile: Profile::DvdPlusR,
        cdb: Cdb::Write12,
        blocks: 32,
        overwrite: false,
    },
    Case {
        name: "bd-re/write10x32",
        profile: Profile::BdRe,
        cdb: Cdb::Write10,
        blocks: 32,
        overwrite: false,
    },
    Case {
        name: "cd-r-tao/write10x1",
        profile: Profile::CdR,
        cdb: Cdb::Write10,
        blocks: 1,
        overwrite: false,
    },
    Case {
        name: "cd-r-tao/write10x27",
        profile: Profile::CdR,
        cdb: Cdb::Write10,
        blocks: 27,
        overwrite: false,
    },
    Case {
        name: "bd-re/overwrite10x32",
        profile: Profile::BdRe,
        cdb: Cdb::Write10,
        blocks: 32,
        overwrite: true,
    },
];

fn cdb_of(cdb: Cdb, lba: u32, blocks: u32) -> ([u8; 12], usize) {
    let mut bytes = [0u8; 12];
    match cdb {
        Cdb::Write10 => {
            bytes[..10].copy_from_slice(&support::write10(lba, blocks as u16));
            (bytes, 10)
        }
        Cdb::Write12 => (support::write12(lba, blocks), 12),
    }
}

/// A write stream: the drive, where the next write goes, and the data of one command.
struct Writer {
    rig: Rig,
    lba: u32,
}

impl Writer {
    fn fresh(case: &Case, store: Store) -> Writer {
        Writer {
            rig: Rig::new(support::blank(case.profile), store),
            lba: 0,
        }
    }

    fn full(&self) -> bool {
        self.lba as usize * BLOCK >= WRITE_SPAN
    }

    fn write(&mut self, case: &Case, data: &[u8]) {
        let (cdb, len) = cdb_of(case.cdb, self.lba, case.blocks);
        support::out(&mut self.rig.drive, &cdb[..len], data);
        self.lba += case.blocks;
    }
}

fn write_benches(c: &mut Criterion) {
    for store in [Store::Memory, Store::File] {
        let mut group = c.benchmark_group(format!("sector_writer/{}", store.name()));
        for case in CASES {
            let data: Vec<u8> = (0..case.blocks as usize * BLOCK).map(|i| (i * 7 + 3) as u8).collect();
            group.throughput(Throughput::Bytes(data.len() as u64));
            group.bench_function(BenchmarkId::from_parameter(case.name), |b| {
                let mut writer = Writer::fresh(case, store);
                b.iter_custom(|iters| {
                    let mut timed = Duration::ZERO;
                    let mut left = iters;
                    while left > 0 {
                        if writer.full() && case.overwrite {
                            writer.lba = 0;
                        } else if writer.full() {
                            // Dropping the old medium (and deleting its image) is not timed.
                            writer = Writer::fresh(case, store);
                        }
                        let room = ((WRITE_SPAN / BLOCK) as u64 - u64::from(writer.lba)) / u64::from(case.blocks);
                        let n = left.min(room.max(1));
                        let start = Instant::now();
                        for _ in 0..n {
                            writer.write(case, &data);
                        }
                        timed += start.elapsed();
                        left -= n;
                    }
                    timed
                });
            });
        }
        group.finish();
    }
}

/// A drive whose medium holds [`READ_SPAN`] bytes written by `case`'s transfers.
fn recorded(case: &Case, store: Store) -> Rig {
    let mut writer = Writer::fresh(case, store);
    let data = vec![0x5Au8; case.blocks as usize * BLOCK];
    while (writer.lba as usize * BLOCK) < READ_SPAN {
        writer.write(case, &data);
    }
    writer.rig
}

fn read_benches(c: &mut Criterion) {
    for store in [Store::Memory, Store::File] {
        let mut group = c.benchmark_group(format!("sector_reader/{}", store.name()));
        // One read case per medium and transfer length (READ(12) decodes like READ(10)).
        for case in CASES.iter().filter(|c| matches!(c.cdb, Cdb::Write10) && !c.overwrite) {
            let name = case.name.replace("write10", "read10");
            let mut buffer = vec![0u8; case.blocks as usize * BLOCK];
            group.throughput(Throughput::Bytes(buffer.len() as u64));
            group.bench_function(BenchmarkId::from_parameter(&name), |b| {
                // Recorded here, so that a filtered-out bench costs nothing.
                let mut rig = recorded(case, store);
                let end = (READ_SPAN / BLOCK) as u32;
                let mut lba = 0u32;
                b.iter(|| {
                    if lba + case.blocks > end {
                        lba = 0;
                    }
                    support::input(&mut rig.drive, &support::read10(lba, case.blocks as u16), &mut buffer);
                    lba += case.blocks;
                    std::hint::black_box(&buffer);
                });
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = support::quick();
    targets = write_benches, read_benches
}
criterion_main!(benches);
