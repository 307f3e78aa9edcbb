//! The CD sector writer against vectors that do not come from it: an independent Python script
//! written from ECMA-130 (tests/cd_sector_reference.py), and the EDC/ECC checker of the
//! `iso9660-forensic-core` crate (an unrelated code base). The published constants (EDC and Q CRC
//! check values, the scrambler's first bytes) are unit tests beside the code in src/media/cd/.

mod common;

use burnbench::media::cd::scramble::scramble_run;
use burnbench::media::cd::subchannel::{SUBCHANNEL_LEN, fill_track_run};
use burnbench::media::cd::{Faults, SECTOR_LEN, SectorType, Subheader, Subheaders, decode_run, encode_run};
use std::path::Path;
use std::process::Command;

/// Deterministic, unstructured user data.
fn user_data(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Runs the reference script with `args` (file arguments inside `dir`), or `None` without python3.
fn reference(dir: &Path, args: &[&str]) -> Option<()> {
    let python = common::peer("python3")?;
    let script = common::repo().join("tests/cd_sector_reference.py");
    let output = Command::new(python)
        .arg(script)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "reference script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(())
}

/// Encodes `count` sectors of `sector_type` at `lba` with both implementations and compares them.
fn compare_with_reference(name: &str, sector_type: SectorType, lba: i32, count: usize, seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let mut user = user_data(count * sector_type.user_len(), seed);
    // Inline subheaders: a valid XA subheader, written twice, with the Form bit of the type.
    if let SectorType::Mode2Form1(Subheaders::Inline) | SectorType::Mode2Form2(Subheaders::Inline) = sector_type {
        let form2 = matches!(sector_type, SectorType::Mode2Form2(_));
        for (i, chunk) in user.chunks_exact_mut(sector_type.user_len()).enumerate() {
            let subheader = Subheader {
                file_number: 1,
                channel_number: i as u8,
                submode: if form2 { 0x24 } else { 0x08 },
                coding_information: 0,
            };
            chunk[..4].copy_from_slice(&subheader.to_bytes());
            chunk[4..8].copy_from_slice(&subheader.to_bytes());
        }
    }
    std::fs::write(dir.path().join("user.bin"), &user).unwrap();
    let count_arg = count.to_string();
    let lba_arg = lba.to_string();
    if reference(
        dir.path(),
        &["sectors", name, &lba_arg, "user.bin", "reference.bin", &count_arg],
    )
    .is_none()
    {
        return;
    }
    let expected = std::fs::read(dir.path().join("reference.bin")).unwrap();
    let mut ours = vec![0u8; count * SECTOR_LEN];
    assert_eq!(encode_run(sector_type, lba, &user, &mut ours), Ok(count));
    assert_eq!(expected.len(), ours.len());
    for (i, (a, b)) in ours.chunks(SECTOR_LEN).zip(expected.chunks(SECTOR_LEN)).enumerate() {
        if let Some(at) = a.iter().zip(b).position(|(x, y)| x != y) {
            panic!(
                "{name} sector {i} at LBA {}: first difference at byte {at}: ours {:02x}, reference {:02x}",
                lba + i as i32,
                a[at],
                b[at]
            );
        }
    }
    // And our decoder accepts what the reference made.
    let mut back = vec![0u8; user.len()];
    assert_eq!(
        decode_run(sector_type, lba, &expected, &mut back, |i, f| panic!(
            "{name} sector {i}: {f}"
        )),
        Ok(0)
    );
    assert_eq!(back, user);
}

#[test]
fn mode1_matches_the_reference_script() {
    // LBA 0 (00:02:00), the volume descriptor at 16, a lead-in address (−1000 = 99:46:50), the
    // pre-gap start (−150 = 00:00:00), and far addresses whose BCD digits differ.
    for (lba, count) in [
        (0, 2),
        (16, 1),
        (-1000, 1),
        (-150, 1),
        (12_345, 1),
        (333_000, 1),
        (404_849, 1),
    ] {
        compare_with_reference("mode1", SectorType::Mode1, lba, count, lba as u64);
    }
}

#[test]
fn mode2_forms_match_the_reference_script() {
    compare_with_reference("form1", SectorType::Mode2Form1(Subheaders::Inline), 0, 2, 1);
    compare_with_reference("form1", SectorType::Mode2Form1(Subheaders::Inline), 250_000, 1, 2);
    compare_with_reference("form2", SectorType::Mode2Form2(Subheaders::Inline), 16, 2, 3);
    compare_with_reference("mode2", SectorType::Mode2Formless, 300, 2, 4);
}

#[test]
fn mode0_and_audio_match_the_reference_script() {
    compare_with_reference("mode0", SectorType::Mode0, 1_000, 2, 5);
    compare_with_reference("audio", SectorType::Audio, 7, 2, 6);
}

#[test]
fn scrambler_matches_the_reference_script() {
    let dir = tempfile::tempdir().unwrap();
    let user = user_data(2 * 2048, 8);
    let mut sectors = vec![0u8; 2 * SECTOR_LEN];
    encode_run(SectorType::Mode1, 500, &user, &mut sectors).unwrap();
    std::fs::write(dir.path().join("plain.bin"), &sectors).unwrap();
    if reference(dir.path(), &["scramble", "plain.bin", "scrambled.bin"]).is_none() {
        return;
    }
    assert_eq!(scramble_run(&mut sectors), 2);
    assert!(
        sectors == std::fs::read(dir.path().join("scrambled.bin")).unwrap(),
        "scrambled sectors differ"
    );
}

#[test]
fn q_subchannel_matches_the_reference_script() {
    let dir = tempfile::tempdir().unwrap();
    // Data track 3, index 1, from LBA 44_990 (relative time 10:00:00 onwards): minute, second and
    // frame digits all roll over inside the run.
    if reference(dir.path(), &["subq", "4", "3", "1", "44990", "45000", "80", "subq.bin"]).is_none() {
        return;
    }
    let mut ours = vec![0u8; 80 * SUBCHANNEL_LEN];
    assert_eq!(fill_track_run(4, 3, 1, 44_990, 45_000, &mut ours), Ok(80));
    assert!(
        ours == std::fs::read(dir.path().join("subq.bin")).unwrap(),
        "sub-channel differs"
    );
}

#[test]
fn mode1_sectors_pass_an_independent_edc_ecc_checker() {
    use iso9660_core::sector::{cd_edc, mode1_ecc_valid};
    for lba in [0, 16, 12_345, 333_000, -150, -45_150] {
        let mut sector = [0u8; SECTOR_LEN];
        encode_run(SectorType::Mode1, lba, &user_data(2048, lba as u64 ^ 77), &mut sector).unwrap();
        assert!(mode1_ecc_valid(&sector), "ECC at LBA {lba}");
        assert_eq!(
            cd_edc(&sector[..2064]).to_le_bytes(),
            sector[2064..2068],
            "EDC at LBA {lba}"
        );
        // The checker is not blind: one flipped bit fails it.
        sector[1000] ^= 0x04;
        assert!(!mode1_ecc_valid(&sector), "damaged sector at LBA {lba} passed");
    }
}

#[test]
fn form1_sectors_pass_the_independent_checker_with_the_header_zeroed() {
    // CD-ROM XA: the Form 1 ECC is computed over a zero header, so with the header bytes cleared a
    // Form 1 sector must be a valid Mode 1 codeword for an independent checker.
    use iso9660_core::sector::{cd_edc, mode1_ecc_valid};
    let subheader = Subheader {
        file_number: 0,
        channel_number: 0,
        submode: 0x08,
        coding_information: 0,
    };
    let mut sector = [0u8; SECTOR_LEN];
    encode_run(
        SectorType::Mode2Form1(Subheaders::Fixed(subheader)),
        4_321,
        &user_data(2048, 99),
        &mut sector,
    )
    .unwrap();
    assert_eq!(cd_edc(&sector[16..2072]).to_le_bytes(), sector[2072..2076]);
    sector[12..16].fill(0);
    assert!(mode1_ecc_valid(&sector));
}

#[test]
fn the_independent_checkers_damage_is_ours_too() {
    // A sector the other implementation stamps after our encoder's damage is whole again for both.
    use iso9660_core::sector::cd_ecc_stamp;
    let mut sector = [0u8; SECTOR_LEN];
    encode_run(SectorType::Mode1, 77, &user_data(2048, 5), &mut sector).unwrap();
    let original = sector;
    sector[2076..].fill(0);
    cd_ecc_stamp(&mut sector);
    assert!(sector == original, "their ECC differs from ours");
    sector[2100] ^= 1;
    let mut user = [0u8; 2048];
    let mut faults = Vec::new();
    decode_run(SectorType::Mode1, 77, &sector, &mut user, |i, f| faults.push((i, f))).unwrap();
    assert_eq!(faults, [(0, Faults::ECC_P | Faults::ECC_Q)]);
}
