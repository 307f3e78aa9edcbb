//! The CD sector writer (issue 15 item 1, issue 16 item 2): encoding user data into 2352-byte
//! sectors (what recording and READ CD regeneration cost), verifying sectors (EDC and ECC checks,
//! what a drive does on every read), scrambling and Q sub-channel generation. Throughput is in
//! user bytes (scrambling: sector bytes; sub-channel: 96 bytes per sector), per second of the
//! benchmark thread's CPU time (`common/cpu_time.rs`: the machine is shared).

#[path = "common/cpu_time.rs"]
mod cpu_time;

use burnbench::media::cd::ecc;
use burnbench::media::cd::edc::edc;
use burnbench::media::cd::scramble::scramble_run;
use burnbench::media::cd::subchannel::{SUBCHANNEL_LEN, fill_track_run};
use burnbench::media::cd::{SECTOR_LEN, SectorType, Subheader, Subheaders, decode_run, encode_run};
use cpu_time::ThreadCpuTime;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Sectors per call: a 27-block transfer, as wodim sends (mmc.md §4).
const RUN: usize = 27;
/// Data subheaders: Form 1, and Form 2 (submode Form bit and audio bit).
const FORM1: Subheader = Subheader::from_bytes([0, 0, Subheader::SUBMODE_DATA, 0]);
const FORM2: Subheader = Subheader::from_bytes([0, 0, Subheader::SUBMODE_FORM2 | 0x04, 0]);

fn types() -> [(&'static str, SectorType); 4] {
    [
        ("mode1", SectorType::Mode1),
        ("mode2_form1", SectorType::Mode2Form1(Subheaders::Fixed(FORM1))),
        ("mode2_form2", SectorType::Mode2Form2(Subheaders::Fixed(FORM2))),
        ("audio", SectorType::Audio),
    ]
}

fn user_data(len: usize) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn encode(c: &mut Criterion<ThreadCpuTime>) {
    let mut group = c.benchmark_group("cd_encode");
    for (name, sector_type) in types() {
        let user = user_data(RUN * sector_type.user_len());
        let mut out = vec![0u8; RUN * SECTOR_LEN];
        group.throughput(Throughput::Bytes(user.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| encode_run(sector_type, black_box(1000), black_box(&user), &mut out).unwrap())
        });
    }
    group.finish();
}

fn verify(c: &mut Criterion<ThreadCpuTime>) {
    let mut group = c.benchmark_group("cd_decode_verify");
    for (name, sector_type) in types() {
        let user = user_data(RUN * sector_type.user_len());
        let mut sectors = vec![0u8; RUN * SECTOR_LEN];
        encode_run(sector_type, 1000, &user, &mut sectors).unwrap();
        let mut back = vec![0u8; user.len()];
        group.throughput(Throughput::Bytes(user.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                decode_run(sector_type, black_box(1000), black_box(&sectors), &mut back, |_, _| {
                    panic!("damaged")
                })
                .unwrap()
            })
        });
    }
    group.finish();
}

/// EDC and ECC alone over one sector, to see where the Mode 1 time goes.
fn parts(c: &mut Criterion<ThreadCpuTime>) {
    let mut sector = [0u8; SECTOR_LEN];
    encode_run(SectorType::Mode1, 0, &user_data(2048), &mut sector).unwrap();
    let mut group = c.benchmark_group("cd_parts");
    group.throughput(Throughput::Bytes(2048));
    group.bench_function("edc_mode1", |b| b.iter(|| edc(black_box(&sector[..2064]))));
    group.bench_function("ecc_p_and_q", |b| {
        b.iter(|| ecc::stamp(black_box(&mut sector), [0, 2, 0, 1]))
    });
    group.finish();
}

fn scramble(c: &mut Criterion<ThreadCpuTime>) {
    let mut sectors = vec![0u8; RUN * SECTOR_LEN];
    encode_run(SectorType::Mode1, 0, &user_data(RUN * 2048), &mut sectors).unwrap();
    let mut group = c.benchmark_group("cd_scramble");
    group.throughput(Throughput::Bytes(sectors.len() as u64));
    group.bench_function("sectors", |b| b.iter(|| scramble_run(black_box(&mut sectors))));
    group.finish();
}

fn subchannel(c: &mut Criterion<ThreadCpuTime>) {
    let mut out = vec![0u8; RUN * SUBCHANNEL_LEN];
    let mut group = c.benchmark_group("cd_subchannel");
    group.throughput(Throughput::Bytes(out.len() as u64));
    group.bench_function("q_position_raw_pw", |b| {
        b.iter(|| fill_track_run(4, 1, 1, black_box(1000), 1000, &mut out).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = encode, verify, parts, scramble, subchannel
}
criterion_main!(benches);
