//! No heap allocation per command on the WRITE(10) and READ(10) paths through `Drive::execute`
//! in steady state (issue 16's target), counted by a global allocator of this test binary.
//!
//! "Steady state" means the medium's own storage is not growing: the memory store allocates a
//! 64 KiB chunk the first time one of its 32 sectors is written, which is the data, not the
//! command. So writes go to an overwritable BD-RE region already written once, and reads read a
//! recorded area; sequential media are checked separately for allocations beyond that growth.

use burnbench::device::{DataPhase, ScsiDevice};
use burnbench::drive::{Drive, DriveModel};
use burnbench::media::medium::Medium;
use burnbench::media::{Disc, Profile};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// (allocations, of which the memory store's 64 KiB chunks) on this thread.
    static COUNTS: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

/// Bytes of one memory-store chunk (32 sectors).
const CHUNK_BYTES: usize = 32 * 2048;

// SAFETY: forwards to the system allocator; the counter is a const-initialised thread-local
// that never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout);
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(layout);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

fn count(layout: Layout) {
    let _ = COUNTS.try_with(|c| {
        let (all, chunks) = c.get();
        c.set((all + 1, chunks + u64::from(layout.size() == CHUNK_BYTES)));
    });
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations (all, chunks) made by `f` on this thread.
fn allocations(f: impl FnOnce()) -> (u64, u64) {
    let before = COUNTS.with(Cell::get);
    f();
    let after = COUNTS.with(Cell::get);
    (after.0 - before.0, after.1 - before.1)
}

const BLOCK: usize = 2048;
const COMMANDS: u32 = 2_000;

fn drive(disc: Disc) -> Drive {
    let model = DriveModel::builtin("bd-writer").expect("the built-in bd-writer");
    let mut drive = Drive::with_medium(model, Medium::in_memory(disc));
    drive.settle();
    drive
}

fn cdb(opcode: u8, lba: u32, blocks: u16) -> [u8; 10] {
    let l = lba.to_be_bytes();
    let n = blocks.to_be_bytes();
    [opcode, 0, l[0], l[1], l[2], l[3], 0, n[0], n[1], 0]
}

fn write(drive: &mut Drive, lba: u32, data: &[u8]) {
    let blocks = (data.len() / BLOCK) as u16;
    let done = drive
        .execute(&cdb(0x2A, lba, blocks), DataPhase::Out(data))
        .expect("transport");
    assert!(done.is_good(), "WRITE(10) at {lba}: {:?}", done.sense_triple());
}

fn read(drive: &mut Drive, lba: u32, out: &mut [u8]) {
    let blocks = (out.len() / BLOCK) as u16;
    let done = drive
        .execute(&cdb(0x28, lba, blocks), DataPhase::In(out))
        .expect("transport");
    assert!(done.is_good(), "READ(10) at {lba}: {:?}", done.sense_triple());
}

/// BD-RE, 32-block WRITE(10)s over a region written once before: not one allocation.
#[test]
fn write10_overwriting_bd_re_allocates_nothing() {
    let mut drive = drive(Disc::pressed(Profile::BdRe, 0, false));
    let data = vec![0x33u8; 32 * BLOCK];
    let span = 64 * 32;
    for lba in (0..span).step_by(32) {
        write(&mut drive, lba, &data);
    }
    let (all, _) = allocations(|| {
        for i in 0..COMMANDS {
            write(&mut drive, (i * 32) % span, &data);
        }
    });
    assert_eq!(all, 0, "{all} allocations in {COMMANDS} WRITE(10) commands");
}

/// DVD+R, 16-block WRITE(10)s appended at the next writable address: the only allocations are
/// the store's new 64 KiB chunks (one per two commands) and the chunk index growing with them.
#[test]
fn write10_appending_to_dvd_plus_r_allocates_only_storage() {
    let mut drive = drive(Disc::new(Profile::DvdPlusR));
    let data = vec![0x44u8; 16 * BLOCK];
    for i in 0..64 {
        write(&mut drive, i * 16, &data);
    }
    let (all, chunks) = allocations(|| {
        for i in 64..64 + COMMANDS {
            write(&mut drive, i * 16, &data);
        }
    });
    assert_eq!(chunks, u64::from(COMMANDS) / 2, "one chunk per 32 new sectors");
    // A B-tree node holds up to 11 chunks: its splits add at most one node per 5 chunks.
    let index = all - chunks;
    assert!(
        index <= chunks / 5,
        "{index} allocations besides the {chunks} storage chunks in {COMMANDS} WRITE(10) commands"
    );
}

/// READ(10) of recorded blocks, on sequential (DVD+R, CD-R) and overwritable (BD-RE) media.
#[test]
fn read10_allocates_nothing() {
    for (profile, blocks) in [(Profile::DvdPlusR, 16u16), (Profile::BdRe, 32), (Profile::CdR, 27)] {
        let disc = match profile {
            Profile::BdRe => Disc::pressed(profile, 0, false),
            _ => Disc::new(profile),
        };
        let mut drive = drive(disc);
        let data = vec![0x55u8; usize::from(blocks) * BLOCK];
        let recorded = 256 * u32::from(blocks);
        for lba in (0..recorded).step_by(usize::from(blocks)) {
            write(&mut drive, lba, &data);
        }
        let mut out = vec![0u8; data.len()];
        let (all, _) = allocations(|| {
            for i in 0..COMMANDS {
                read(&mut drive, (i * u32::from(blocks)) % recorded, &mut out);
            }
        });
        assert_eq!(out, data);
        assert_eq!(all, 0, "{profile:?}: {all} allocations in {COMMANDS} READ(10) commands");
    }
}
