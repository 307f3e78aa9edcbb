//! Encoding and decoding whole runs of sectors: user data in, 2352-byte sectors out (what a drive
//! does when it records host blocks, and what READ CD regenerates), and the way back with every
//! check a drive makes (sync, header, subheader, EDC, ECC).
//!
//! One call handles any number of sectors; nothing is allocated per sector (or at all). The
//! caller owns both buffers; their lengths are checked once per call.

use super::ecc;
use super::edc::edc_bytes;
use super::header::{Header, LbaOutOfRange, Mode, check_lba};
use super::sector::{
    FORM1_USER_LEN, FORM2_USER_LEN, MODE1_USER_LEN, MODE2_DATA_LEN, SECTOR_LEN, SUBHEADER_LEN, SYNC, Sector, Subheader,
    field,
};
use std::fmt;

/// Where the XA subheader of Mode 2 Form 1/Form 2 sectors comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subheaders {
    /// Each sector's user data starts with its 8-byte subheader (page 05h block types 11 and 13).
    Inline,
    /// Every sector gets this subheader (page 05h bytes 48–51 with block types 10 and 12).
    Fixed(Subheader),
}

/// The kind of sector of a run, which fixes the user bytes per sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectorType {
    /// CD-DA: 2352 bytes of audio, stored as given.
    Audio,
    /// Mode 0: no user data; the sector is sync, header and zeros.
    Mode0,
    /// Mode 1: 2048 user bytes with EDC and ECC.
    Mode1,
    /// Mode 2 formless: 2336 user bytes, no EDC or ECC.
    Mode2Formless,
    /// Mode 2 Form 1: 2048 user bytes with EDC and ECC (8 more with inline subheaders).
    Mode2Form1(Subheaders),
    /// Mode 2 Form 2: 2324 user bytes with an EDC (8 more with inline subheaders).
    Mode2Form2(Subheaders),
    /// Mode 2 with inline subheaders whose Form bit picks the form of each sector; 2332 bytes in
    /// (page 05h block type 13). A Form 1 sector takes the first 2048 of the 2324 data bytes; the
    /// rest is ignored when encoding and zero when decoding.
    Mode2Mixed,
}

impl SectorType {
    /// The user bytes per sector that encoding takes and decoding gives.
    pub const fn user_len(self) -> usize {
        match self {
            SectorType::Audio => SECTOR_LEN,
            SectorType::Mode0 => 0,
            SectorType::Mode1 => MODE1_USER_LEN,
            SectorType::Mode2Formless => MODE2_DATA_LEN,
            SectorType::Mode2Form1(Subheaders::Fixed(_)) => FORM1_USER_LEN,
            SectorType::Mode2Form1(Subheaders::Inline) => SUBHEADER_LEN + FORM1_USER_LEN,
            SectorType::Mode2Form2(Subheaders::Fixed(_)) => FORM2_USER_LEN,
            SectorType::Mode2Form2(Subheaders::Inline) | SectorType::Mode2Mixed => SUBHEADER_LEN + FORM2_USER_LEN,
        }
    }

    /// The header's mode byte; `None` for audio.
    pub const fn mode(self) -> Option<Mode> {
        match self {
            SectorType::Audio => None,
            SectorType::Mode0 => Some(Mode::Zero),
            SectorType::Mode1 => Some(Mode::One),
            _ => Some(Mode::Two),
        }
    }
}

/// Why a run could not be encoded or decoded at all (per-sector damage is [`Faults`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("{0} bytes of sectors is not a whole number of 2352-byte sectors")]
    NotWholeSectors(usize),
    #[error("{sectors} sectors take {expected} bytes of user data, not {found}")]
    UserLength {
        sectors: usize,
        expected: usize,
        found: usize,
    },
    #[error(transparent)]
    Lba(#[from] LbaOutOfRange),
    #[error("a Form {form} run cannot use a subheader whose Form bit says Form {other}")]
    SubheaderForm { form: u8, other: u8 },
}

/// What is wrong with one sector, as a set of flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Faults(u16);

impl Faults {
    pub const NONE: Faults = Faults(0);
    /// Bytes 0..12 are not the sync pattern.
    pub const SYNC: Faults = Faults(1 << 0);
    /// The header address is not BCD or not the expected LBA.
    pub const ADDRESS: Faults = Faults(1 << 1);
    /// The mode byte is not the expected mode.
    pub const MODE: Faults = Faults(1 << 2);
    /// The two copies of the XA subheader differ.
    pub const SUBHEADER: Faults = Faults(1 << 3);
    /// The subheader's Form bit contradicts the expected form.
    pub const FORM: Faults = Faults(1 << 4);
    pub const EDC: Faults = Faults(1 << 5);
    pub const ECC_P: Faults = Faults(1 << 6);
    pub const ECC_Q: Faults = Faults(1 << 7);
    /// A field that must be zero is not (Mode 1 intermediate bytes, Mode 0 data).
    pub const ZERO_FIELD: Faults = Faults(1 << 8);

    const NAMES: [(Faults, &'static str); 9] = [
        (Faults::SYNC, "sync"),
        (Faults::ADDRESS, "address"),
        (Faults::MODE, "mode"),
        (Faults::SUBHEADER, "subheader"),
        (Faults::FORM, "form"),
        (Faults::EDC, "EDC"),
        (Faults::ECC_P, "ECC P"),
        (Faults::ECC_Q, "ECC Q"),
        (Faults::ZERO_FIELD, "zero field"),
    ];

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub const fn contains(self, other: Faults) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn insert_if(&mut self, condition: bool, fault: Faults) {
        if condition {
            self.0 |= fault.0;
        }
    }
}

impl std::ops::BitOr for Faults {
    type Output = Faults;
    fn bitor(self, other: Faults) -> Faults {
        Faults(self.0 | other.0)
    }
}

impl fmt::Display for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut names = Faults::NAMES
            .iter()
            .filter(|(flag, _)| self.contains(*flag))
            .map(|(_, name)| name);
        if let Some(first) = names.next() {
            f.write_str(first)?;
        }
        names.try_for_each(|name| write!(f, ", {name}"))
    }
}

/// Checks the buffers of a run of `sectors_len` bytes of sectors against `user_len` bytes of user
/// data and the LBAs the run covers; returns the number of sectors.
fn check_run(
    sector_type: SectorType,
    first_lba: i32,
    sectors_len: usize,
    user_len: usize,
) -> Result<usize, CodecError> {
    if !sectors_len.is_multiple_of(SECTOR_LEN) {
        return Err(CodecError::NotWholeSectors(sectors_len));
    }
    let count = sectors_len / SECTOR_LEN;
    let expected = count * sector_type.user_len();
    if user_len != expected {
        return Err(CodecError::UserLength {
            sectors: count,
            expected,
            found: user_len,
        });
    }
    if sector_type.mode().is_some() && count > 0 {
        check_lba(i64::from(first_lba))?;
        check_lba(i64::from(first_lba) + count as i64 - 1)?;
    }
    if let SectorType::Mode2Form1(Subheaders::Fixed(subheader)) | SectorType::Mode2Form2(Subheaders::Fixed(subheader)) =
        sector_type
    {
        let form = if matches!(sector_type, SectorType::Mode2Form2(_)) {
            2
        } else {
            1
        };
        let other = if subheader.is_form2() { 2 } else { 1 };
        if form != other {
            return Err(CodecError::SubheaderForm { form, other });
        }
    }
    Ok(count)
}

/// Encodes `user` (`sector_type.user_len()` bytes per sector) into the 2352-byte sectors of
/// `out`, the first at `first_lba`; returns the number of sectors. `out` decides the count.
pub fn encode_run(sector_type: SectorType, first_lba: i32, user: &[u8], out: &mut [u8]) -> Result<usize, CodecError> {
    let count = check_run(sector_type, first_lba, out.len(), user.len())?;
    let user_len = sector_type.user_len();
    for (i, sector) in out.chunks_exact_mut(SECTOR_LEN).enumerate() {
        let sector: &mut [u8; SECTOR_LEN] = sector.try_into().expect("whole sector");
        let data = &user[i * user_len..(i + 1) * user_len];
        encode_sector(sector_type, first_lba + i as i32, data, sector);
    }
    Ok(count)
}

/// Encodes one sector; `data` has `sector_type.user_len()` bytes and the LBA was checked.
fn encode_sector(sector_type: SectorType, lba: i32, data: &[u8], out: &mut [u8; SECTOR_LEN]) {
    let Some(mode) = sector_type.mode() else {
        out.copy_from_slice(data);
        return;
    };
    let header = Header::for_lba(lba, mode)
        .expect("LBA range checked per run")
        .to_bytes();
    out[field::SYNC].copy_from_slice(&SYNC);
    out[field::HEADER].copy_from_slice(&header);
    match sector_type {
        SectorType::Audio => unreachable!("audio has no mode"),
        SectorType::Mode0 => out[field::MODE2_DATA].fill(0),
        SectorType::Mode2Formless => out[field::MODE2_DATA].copy_from_slice(data),
        SectorType::Mode1 => {
            out[field::MODE1_USER].copy_from_slice(data);
            let edc = edc_bytes(&out[field::MODE1_EDC_COVERS]);
            out[field::MODE1_EDC].copy_from_slice(&edc);
            out[field::MODE1_INTERMEDIATE].fill(0);
            ecc::stamp(out, header);
        }
        SectorType::Mode2Form1(subheaders) => {
            let data = place_subheader(subheaders, data, out);
            write_form1(data, out);
        }
        SectorType::Mode2Form2(subheaders) => {
            let data = place_subheader(subheaders, data, out);
            write_form2(data, out);
        }
        SectorType::Mode2Mixed => {
            let data = place_subheader(Subheaders::Inline, data, out);
            if Subheader::from_bytes(out[16..20].try_into().expect("4 bytes")).is_form2() {
                write_form2(data, out);
            } else {
                write_form1(&data[..FORM1_USER_LEN], out);
            }
        }
    }
}

/// Writes the subheader (twice for a fixed one, as given for inline ones) and returns the data
/// that follows it.
fn place_subheader<'a>(subheaders: Subheaders, data: &'a [u8], out: &mut [u8; SECTOR_LEN]) -> &'a [u8] {
    match subheaders {
        Subheaders::Fixed(subheader) => {
            Sector::new_checked(&mut out[..])
                .expect("whole sector")
                .set_subheader(subheader);
            data
        }
        Subheaders::Inline => {
            out[field::SUBHEADER].copy_from_slice(&data[..SUBHEADER_LEN]);
            &data[SUBHEADER_LEN..]
        }
    }
}

fn write_form1(data: &[u8], out: &mut [u8; SECTOR_LEN]) {
    out[field::FORM1_USER].copy_from_slice(data);
    let edc = edc_bytes(&out[field::FORM1_EDC_COVERS]);
    out[field::FORM1_EDC].copy_from_slice(&edc);
    // CD-ROM XA: Form 1 ECC is computed with the header taken as zero, so that it survives
    // address changes (crates.md §2.3).
    ecc::stamp(out, [0; 4]);
}

fn write_form2(data: &[u8], out: &mut [u8; SECTOR_LEN]) {
    out[field::FORM2_USER].copy_from_slice(data);
    let edc = edc_bytes(&out[field::FORM2_EDC_COVERS]);
    out[field::FORM2_EDC].copy_from_slice(&edc);
}

/// Decodes the sectors of `sectors` (the first at `first_lba`) into `user_out`
/// (`sector_type.user_len()` bytes per sector), checking each; `on_fault(index, faults)` is called
/// for every damaged sector, whose user data is still extracted as it stands. Returns the number
/// of damaged sectors.
pub fn decode_run(
    sector_type: SectorType,
    first_lba: i32,
    sectors: &[u8],
    user_out: &mut [u8],
    mut on_fault: impl FnMut(usize, Faults),
) -> Result<usize, CodecError> {
    check_run(sector_type, first_lba, sectors.len(), user_out.len())?;
    let user_len = sector_type.user_len();
    let mut damaged = 0;
    for (i, sector) in sectors.chunks_exact(SECTOR_LEN).enumerate() {
        let sector: &[u8; SECTOR_LEN] = sector.try_into().expect("whole sector");
        let faults = check_sector(sector_type, first_lba + i as i32, sector);
        extract_user(sector_type, sector, &mut user_out[i * user_len..(i + 1) * user_len]);
        if !faults.is_empty() {
            damaged += 1;
            on_fault(i, faults);
        }
    }
    Ok(damaged)
}

/// Every check a drive makes on a sector of `sector_type` at `lba`.
pub fn check_sector(sector_type: SectorType, lba: i32, sector: &[u8; SECTOR_LEN]) -> Faults {
    let mut faults = Faults::NONE;
    let Some(mode) = sector_type.mode() else {
        return faults;
    };
    let view = Sector::new_checked(&sector[..]).expect("whole sector");
    faults.insert_if(!view.has_sync(), Faults::SYNC);
    let expected = Header::for_lba(lba, mode).ok().map(|header| header.address);
    faults.insert_if(view.header().map(|header| header.address) != expected, Faults::ADDRESS);
    faults.insert_if(view.mode() != mode as u8, Faults::MODE);
    let header: [u8; 4] = view.header_bytes().try_into().expect("4 bytes");
    match sector_type {
        SectorType::Audio => unreachable!("audio has no mode"),
        SectorType::Mode0 => faults.insert_if(view.mode2_data().iter().any(|&b| b != 0), Faults::ZERO_FIELD),
        SectorType::Mode2Formless => {}
        SectorType::Mode1 => {
            faults.insert_if(
                view.mode1_edc() != edc_bytes(&sector[field::MODE1_EDC_COVERS]),
                Faults::EDC,
            );
            faults.insert_if(view.mode1_intermediate().iter().any(|&b| b != 0), Faults::ZERO_FIELD);
            faults = faults | ecc_faults(sector, header);
        }
        SectorType::Mode2Form1(_) | SectorType::Mode2Form2(_) | SectorType::Mode2Mixed => {
            faults.insert_if(!view.subheader_copies_agree(), Faults::SUBHEADER);
            let form2 = view.subheader().is_form2();
            let expect_form2 = match sector_type {
                SectorType::Mode2Form1(_) => Some(false),
                SectorType::Mode2Form2(_) => Some(true),
                _ => None,
            };
            faults.insert_if(expect_form2.is_some_and(|expected| expected != form2), Faults::FORM);
            if expect_form2.unwrap_or(form2) {
                // Form 2's EDC is optional: zero means none was recorded (CD-ROM XA).
                let stored = view.form2_edc();
                let absent = stored == [0; 4];
                faults.insert_if(
                    !absent && stored != edc_bytes(&sector[field::FORM2_EDC_COVERS]),
                    Faults::EDC,
                );
            } else {
                faults.insert_if(
                    view.form1_edc() != edc_bytes(&sector[field::FORM1_EDC_COVERS]),
                    Faults::EDC,
                );
                faults = faults | ecc_faults(sector, [0; 4]);
            }
        }
    }
    faults
}

fn ecc_faults(sector: &[u8; SECTOR_LEN], header: [u8; 4]) -> Faults {
    let check = ecc::check(sector, header);
    let mut faults = Faults::NONE;
    faults.insert_if(!check.p_ok, Faults::ECC_P);
    faults.insert_if(!check.q_ok, Faults::ECC_Q);
    faults
}

/// Copies the user data of one sector into `out` (`sector_type.user_len()` bytes).
fn extract_user(sector_type: SectorType, sector: &[u8; SECTOR_LEN], out: &mut [u8]) {
    match sector_type {
        SectorType::Audio => out.copy_from_slice(sector),
        SectorType::Mode0 => {}
        SectorType::Mode1 => out.copy_from_slice(&sector[field::MODE1_USER]),
        SectorType::Mode2Formless => out.copy_from_slice(&sector[field::MODE2_DATA]),
        SectorType::Mode2Form1(Subheaders::Fixed(_)) => out.copy_from_slice(&sector[field::FORM1_USER]),
        SectorType::Mode2Form2(Subheaders::Fixed(_)) => out.copy_from_slice(&sector[field::FORM2_USER]),
        SectorType::Mode2Form1(Subheaders::Inline) => {
            out.copy_from_slice(&sector[field::SUBHEADER.start..field::FORM1_USER.end])
        }
        SectorType::Mode2Form2(Subheaders::Inline) => {
            out.copy_from_slice(&sector[field::SUBHEADER.start..field::FORM2_USER.end])
        }
        SectorType::Mode2Mixed => {
            let view = Sector::new_checked(&sector[..]).expect("whole sector");
            if view.subheader().is_form2() {
                out.copy_from_slice(&sector[field::SUBHEADER.start..field::FORM2_USER.end]);
            } else {
                let (head, tail) = out.split_at_mut(SUBHEADER_LEN + FORM1_USER_LEN);
                head.copy_from_slice(&sector[field::SUBHEADER.start..field::FORM1_USER.end]);
                tail.fill(0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(len: usize, seed: u32) -> Vec<u8> {
        (0..len as u32)
            .map(|i| (i.wrapping_mul(2_246_822_519) ^ seed).rotate_right(13) as u8)
            .collect()
    }

    const FORM1: Subheader = Subheader {
        file_number: 1,
        channel_number: 0,
        submode: 0x08,
        coding_information: 0,
    };
    const FORM2: Subheader = Subheader {
        file_number: 1,
        channel_number: 2,
        submode: 0x20 | 0x04,
        coding_information: 0x01,
    };

    fn all_types() -> [SectorType; 10] {
        [
            SectorType::Audio,
            SectorType::Mode0,
            SectorType::Mode1,
            SectorType::Mode2Formless,
            SectorType::Mode2Form1(Subheaders::Fixed(FORM1)),
            SectorType::Mode2Form1(Subheaders::Inline),
            SectorType::Mode2Form2(Subheaders::Fixed(FORM2)),
            SectorType::Mode2Form2(Subheaders::Inline),
            SectorType::Mode2Mixed,
            SectorType::Mode2Mixed,
        ]
    }

    /// User data for `count` sectors, with valid inline subheaders (alternating forms for mixed).
    fn user_data(sector_type: SectorType, count: usize) -> Vec<u8> {
        let len = sector_type.user_len();
        let mut user = pattern(len * count, 7);
        for (i, chunk) in user.chunks_exact_mut(len.max(1)).enumerate() {
            let subheader = match sector_type {
                SectorType::Mode2Form1(Subheaders::Inline) => FORM1,
                SectorType::Mode2Form2(Subheaders::Inline) => FORM2,
                SectorType::Mode2Mixed if i % 2 == 0 => FORM1,
                SectorType::Mode2Mixed => FORM2,
                _ => continue,
            };
            chunk[..4].copy_from_slice(&subheader.to_bytes());
            chunk[4..8].copy_from_slice(&subheader.to_bytes());
            if sector_type == SectorType::Mode2Mixed && !subheader.is_form2() {
                chunk[8 + FORM1_USER_LEN..].fill(0);
            }
        }
        user
    }

    #[test]
    fn every_type_decodes_clean_and_gives_back_its_user_data() {
        for sector_type in all_types() {
            let count = 4;
            let user = user_data(sector_type, count);
            let mut sectors = vec![0u8; count * SECTOR_LEN];
            assert_eq!(encode_run(sector_type, 1000, &user, &mut sectors), Ok(count));
            let mut back = vec![0xEE; user.len()];
            let mut faults = Vec::new();
            assert_eq!(
                decode_run(sector_type, 1000, &sectors, &mut back, |i, f| faults.push((i, f))),
                Ok(0),
                "{sector_type:?}: {faults:?}"
            );
            assert_eq!(back, user, "{sector_type:?}");
        }
    }

    #[test]
    fn damage_is_reported_per_sector() {
        let sector_type = SectorType::Mode1;
        let user = pattern(3 * 2048, 1);
        let mut sectors = vec![0u8; 3 * SECTOR_LEN];
        encode_run(sector_type, 16, &user, &mut sectors).unwrap();
        sectors[SECTOR_LEN + 500] ^= 0x10; // sector 1: user byte → EDC, P and Q
        sectors[2 * SECTOR_LEN + 2300] ^= 0x01; // sector 2: Q parity only
        let mut back = vec![0u8; user.len()];
        let mut faults = Vec::new();
        assert_eq!(
            decode_run(sector_type, 16, &sectors, &mut back, |i, f| faults.push((i, f))),
            Ok(2)
        );
        assert_eq!(
            faults,
            [(1, Faults::EDC | Faults::ECC_P | Faults::ECC_Q), (2, Faults::ECC_Q)]
        );
        assert_eq!(faults[0].1.to_string(), "EDC, ECC P, ECC Q");
    }

    #[test]
    fn a_sector_read_at_the_wrong_address_or_as_the_wrong_mode_is_flagged() {
        let mut sector = [0u8; SECTOR_LEN];
        encode_run(SectorType::Mode1, 100, &pattern(2048, 3), &mut sector).unwrap();
        assert_eq!(check_sector(SectorType::Mode1, 101, &sector), Faults::ADDRESS);
        let as_form1 = check_sector(SectorType::Mode2Form1(Subheaders::Inline), 100, &sector);
        assert!(as_form1.contains(Faults::MODE | Faults::EDC));
        assert_eq!(check_sector(SectorType::Audio, 100, &sector), Faults::NONE);
        // The Mode 1 EDC covers the sync too (ECMA-130 §14.3).
        sector[3] = 0;
        assert_eq!(
            check_sector(SectorType::Mode1, 100, &sector),
            Faults::SYNC | Faults::EDC
        );
    }

    #[test]
    fn form_bits_and_subheader_copies_are_checked() {
        let mut sector = [0u8; SECTOR_LEN];
        let mut user = pattern(2332, 5);
        user[..4].copy_from_slice(&FORM2.to_bytes());
        user[4..8].copy_from_slice(&FORM2.to_bytes());
        encode_run(SectorType::Mode2Form2(Subheaders::Inline), 0, &user, &mut sector).unwrap();
        assert_eq!(
            check_sector(SectorType::Mode2Form1(Subheaders::Inline), 0, &sector),
            Faults::FORM | Faults::EDC | Faults::ECC_P | Faults::ECC_Q
        );
        sector[20] ^= 1;
        assert_eq!(
            check_sector(SectorType::Mode2Form2(Subheaders::Inline), 0, &sector),
            Faults::SUBHEADER | Faults::EDC
        );
    }

    #[test]
    fn form2_without_edc_is_accepted() {
        let mut sector = [0u8; SECTOR_LEN];
        encode_run(
            SectorType::Mode2Form2(Subheaders::Fixed(FORM2)),
            0,
            &pattern(2324, 9),
            &mut sector,
        )
        .unwrap();
        sector[2348..].fill(0);
        assert_eq!(
            check_sector(SectorType::Mode2Form2(Subheaders::Fixed(FORM2)), 0, &sector),
            Faults::NONE
        );
    }

    #[test]
    fn form1_ecc_ignores_the_header() {
        let form1 = SectorType::Mode2Form1(Subheaders::Fixed(FORM1));
        let (mut at_0, mut at_9) = ([0u8; SECTOR_LEN], [0u8; SECTOR_LEN]);
        let user = pattern(2048, 11);
        encode_run(form1, 0, &user, &mut at_0).unwrap();
        encode_run(form1, 9999, &user, &mut at_9).unwrap();
        assert_ne!(at_0[12..16], at_9[12..16]);
        assert_eq!(at_0[16..], at_9[16..]);
    }

    #[test]
    fn bad_buffers_and_lbas_are_errors() {
        let mut out = vec![0u8; 2 * SECTOR_LEN];
        assert_eq!(
            encode_run(SectorType::Mode1, 0, &[0; 2048], &mut out),
            Err(CodecError::UserLength {
                sectors: 2,
                expected: 4096,
                found: 2048
            })
        );
        assert_eq!(
            encode_run(SectorType::Mode1, 0, &[0; 2048], &mut out[..2000]),
            Err(CodecError::NotWholeSectors(2000))
        );
        assert_eq!(
            encode_run(SectorType::Mode1, 404_849, &[0; 4096], &mut out),
            Err(CodecError::Lba(LbaOutOfRange(404_850)))
        );
        assert_eq!(encode_run(SectorType::Audio, 404_849, &[0; 4704], &mut out), Ok(2));
        assert_eq!(
            encode_run(
                SectorType::Mode2Form1(Subheaders::Fixed(FORM2)),
                0,
                &[0; 4096],
                &mut out
            ),
            Err(CodecError::SubheaderForm { form: 1, other: 2 })
        );
        assert_eq!(encode_run(SectorType::Mode0, 0, &[], &mut out), Ok(2));
    }
}
