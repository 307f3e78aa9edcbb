//! Command dispatch (issue 16 item 4): commands/s through `Drive::execute` for the commands
//! burning programs poll — TEST UNIT READY, READ DISC INFORMATION, GET CONFIGURATION, INQUIRY —
//! on a DVD+R holding one recorded track (so the disc information has something to describe).
//! The attach round trip per SG_IO call is timed by benches/peers.sh (`sg_turs -n N` through
//! `burnbench attach`), since it is a subprocess, not a function.

#[path = "support/mod.rs"]
mod support;

use burnbench::device::{DataPhase, ScsiDevice};
use burnbench::media::Profile;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use support::{BLOCK, Rig, Store};

/// (name, CDB, allocation length) — the allocation lengths programs use (cdrskin, growisofs).
const COMMANDS: &[(&str, &[u8], usize)] = &[
    ("test_unit_ready", &[0x00, 0, 0, 0, 0, 0], 0),
    ("inquiry", &[0x12, 0, 0, 0, 0x24, 0], 36),
    ("read_disc_information", &[0x51, 0, 0, 0, 0, 0, 0, 0, 0x22, 0], 34),
    // RT 00b: every feature, the whole list (the reply a program's first probe gets).
    ("get_configuration_all", &[0x46, 0, 0, 0, 0, 0, 0, 0x10, 0, 0], 4096),
    // RT 10b, the current profile's header and Profile List feature only.
    ("get_configuration_one", &[0x46, 0x02, 0, 0, 0, 0, 0, 0, 0x28, 0], 40),
];

fn dispatch(c: &mut Criterion) {
    let mut rig = Rig::new(support::blank(Profile::DvdPlusR), Store::Memory);
    support::out(&mut rig.drive, &support::write10(0, 16), &[0x11; 16 * BLOCK]);
    let mut group = c.benchmark_group("dispatch");
    group.throughput(Throughput::Elements(1));
    for &(name, cdb, allocation) in COMMANDS {
        let mut buffer = vec![0u8; allocation];
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                let data = if allocation == 0 {
                    DataPhase::None
                } else {
                    DataPhase::In(&mut buffer)
                };
                let completion = rig.drive.execute(std::hint::black_box(cdb), data).expect("transport");
                assert!(completion.is_good(), "{name}: {:?}", completion.sense_triple());
                std::hint::black_box(&buffer);
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = support::quick();
    targets = dispatch
}
criterion_main!(benches);
