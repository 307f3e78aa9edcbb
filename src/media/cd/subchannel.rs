//! The P–W sub-channel of a sector: 96 symbols of 8 bits, one bit per channel P, Q, R…W
//! (IEC 60908 §17, ECMA-130 §22), and the Q channel's 12-byte frame with its CRC-16.
//!
//! Three host-visible forms (mmc.md §1.1 page 05h block types, §1.3 READ CD byte 10):
//! - **Raw P–W** (READ CD 001b, page 05h block type 3, 2448-byte frames): the 96 symbols in disc
//!   order, byte `i` = symbol `i`, bit 7 = P, bit 6 = Q, bits 5–0 = R–W. IMAPI2 calls it
//!   `IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW`, "raw P-W sub-channel data … in the order received from
//!   the disc surface". wodim's `qpto96` builds the same layout (Q bit `n` of the 96 in bit 6 of
//!   byte `n`, P in bit 7 of every byte).
//! - **Packed P–W** (page 05h block type 2; IMAPI2 `…_SUBCODE_IS_COOKED`): the same per-symbol byte
//!   layout, but the R–W bits carry "corrected and de-interleaved" packs; the drive adds the R–W
//!   interleave and parity. P and Q are coded exactly as in the raw form, so for P and Q the two
//!   forms are identical; the R–W pack coding belongs to the CD-TEXT / CD+G layer, not here.
//! - **Formatted Q** (READ CD 010b, page 05h block type 1, 2368-byte frames): 16 bytes, the 12 Q
//!   bytes, three zero bytes, and the P bit in bit 7 of byte 15 (wodim `qpto16`).
//!
//! Disc-image files (CloneCD `.sub`, cdrdao) also keep the channels **de-interleaved**: 12 bytes of
//! P, then 12 of Q, …, then 12 of W. [`interleave`] and [`deinterleave`] convert.

use crate::mmc::wire::{Field, accessors};
use crc::{CRC_16_GSM, Crc};

/// Bytes of one sector's sub-channel in the raw and de-interleaved forms.
pub const SUBCHANNEL_LEN: usize = 96;
/// Bytes of one channel per sector (96 bits).
pub const CHANNEL_LEN: usize = 12;
/// Bytes of the formatted Q form.
pub const FORMATTED_Q_LEN: usize = 16;

/// The Q CRC: CCITT polynomial x¹⁶ + x¹² + x⁵ + 1 over the first 80 bits, preset 0, remainder
/// inverted and stored most significant byte first (IEC 60908 §17.5.1). It is the catalogue's
/// CRC-16/GSM (check value CE3Ch).
const Q_CRC: Crc<u16> = Crc::<u16>::new(&CRC_16_GSM);

/// Bit of each channel inside a raw symbol: P = bit 7, Q = bit 6, …, W = bit 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    P = 0,
    Q = 1,
    R = 2,
    S = 3,
    T = 4,
    U = 5,
    V = 6,
    W = 7,
}

impl Channel {
    const fn mask(self) -> u8 {
        0x80 >> self as u8
    }
}

/// The raw form of eight de-interleaved channels (`channels[12·c .. 12·c + 12]` = channel c).
pub fn interleave(channels: &[u8; SUBCHANNEL_LEN]) -> [u8; SUBCHANNEL_LEN] {
    let mut raw = [0u8; SUBCHANNEL_LEN];
    for (channel, bytes) in channels.chunks_exact(CHANNEL_LEN).enumerate() {
        let mask = 0x80u8 >> channel;
        for (symbol, out) in raw.iter_mut().enumerate() {
            if bytes[symbol / 8] & (0x80 >> (symbol % 8)) != 0 {
                *out |= mask;
            }
        }
    }
    raw
}

/// The eight channels of a raw sub-channel, de-interleaved.
pub fn deinterleave(raw: &[u8; SUBCHANNEL_LEN]) -> [u8; SUBCHANNEL_LEN] {
    let mut channels = [0u8; SUBCHANNEL_LEN];
    for (channel, bytes) in channels.chunks_exact_mut(CHANNEL_LEN).enumerate() {
        let mask = 0x80u8 >> channel;
        for (symbol, &byte) in raw.iter().enumerate() {
            if byte & mask != 0 {
                bytes[symbol / 8] |= 0x80 >> (symbol % 8);
            }
        }
    }
    channels
}

/// One channel's 12 bytes out of a raw sub-channel.
pub fn extract_channel(raw: &[u8; SUBCHANNEL_LEN], channel: Channel) -> [u8; CHANNEL_LEN] {
    let mut bytes = [0u8; CHANNEL_LEN];
    for (out, symbols) in bytes.iter_mut().zip(raw.chunks_exact(8)) {
        *out = symbols
            .iter()
            .fold(0u8, |acc, &symbol| acc << 1 | u8::from(symbol & channel.mask() != 0));
    }
    bytes
}

/// Writes one channel's 12 bytes into a raw sub-channel, leaving the other channels alone.
pub fn insert_channel(raw: &mut [u8; SUBCHANNEL_LEN], channel: Channel, bytes: &[u8; CHANNEL_LEN]) {
    let mask = channel.mask();
    for (symbol, out) in raw.iter_mut().enumerate() {
        let bit = bytes[symbol / 8] & (0x80 >> (symbol % 8)) != 0;
        *out = if bit { *out | mask } else { *out & !mask };
    }
}

/// The raw sub-channel of a sector with Q `q`, P all set or all clear (P flags a pause, IEC 60908
/// §17.4) and R–W zero: what a host sends in raw writes without CD-TEXT or graphics.
pub fn raw_from_q(q: &[u8; CHANNEL_LEN], p: bool) -> [u8; SUBCHANNEL_LEN] {
    let mut raw = [if p { Channel::P.mask() } else { 0 }; SUBCHANNEL_LEN];
    insert_channel(&mut raw, Channel::Q, q);
    raw
}

/// The formatted-Q form (16 bytes).
pub fn formatted_q(q: &[u8; CHANNEL_LEN], p: bool) -> [u8; FORMATTED_Q_LEN] {
    let mut out = [0u8; FORMATTED_Q_LEN];
    out[..CHANNEL_LEN].copy_from_slice(q);
    if p {
        out[15] = 0x80;
    }
    out
}

mod field {
    use super::Field;

    /// CONTROL b7-4, ADR b3-0.
    pub const CONTROL_ADR: usize = 0;
    /// Mode 1 (ADR 1) in the program area: track, index, relative time, zero, absolute time.
    pub const TRACK: usize = 1;
    pub const INDEX: usize = 2;
    pub const RELATIVE: Field = 3..6;
    pub const ZERO: usize = 6;
    pub const ABSOLUTE: Field = 7..10;
    /// ADR-specific data, everything the CRC covers after byte 0.
    pub const DATA: Field = 1..10;
    pub const COVERED: Field = 0..10;
    pub const CRC: Field = 10..12;
}

/// A view of one 12-byte Q frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QFrame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> QFrame<T> {
    /// Wraps a buffer; `None` unless it is exactly 12 bytes.
    pub fn new_checked(buffer: T) -> Option<Self> {
        (buffer.as_ref().len() == CHANNEL_LEN).then_some(QFrame { buffer })
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The stored CRC equals the CRC of bytes 0..10.
    pub fn crc_ok(&self) -> bool {
        self.crc() == Q_CRC.checksum(&self.buffer.as_ref()[field::COVERED])
    }
}

accessors!(QFrame {
    bits control / set_control: u8 = field::CONTROL_ADR, 0xF0;
    bits adr / set_adr: u8 = field::CONTROL_ADR, 0x0F;
    byte track_bcd / set_track_bcd: u8 = field::TRACK;
    byte index_bcd / set_index_bcd: u8 = field::INDEX;
    bytes relative_bcd / set_relative_bcd: [u8] = field::RELATIVE;
    byte zero / set_zero: u8 = field::ZERO;
    bytes absolute_bcd / set_absolute_bcd: [u8] = field::ABSOLUTE;
    bytes data / set_data: [u8] = field::DATA;
    be crc / set_crc: u16 = field::CRC;
});

impl<T: AsRef<[u8]> + AsMut<[u8]>> QFrame<T> {
    /// Computes and stores the CRC of bytes 0..10.
    pub fn fill_crc(&mut self) {
        let crc = Q_CRC.checksum(&self.buffer.as_ref()[field::COVERED]);
        self.set_crc(crc);
    }
}

/// Q mode 1 (ADR 1) in the program area: the position of a sector (IEC 60908 §17.5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// CONTROL nibble: 4 = data track, 0 = audio (+1 pre-emphasis, +2 copy permitted).
    pub control: u8,
    /// Track number 1..=99 (AAh in the lead-out is written as the raw value 0xAA).
    pub track: u8,
    /// Index 0..=99 (0 in the pre-gap).
    pub index: u8,
    /// Time within the track (counting down in the pre-gap).
    pub relative: crate::mmc::msf::Msf,
    /// Absolute time on the disc: LBA + 150.
    pub absolute: crate::mmc::msf::Msf,
}

impl Position {
    /// The 12-byte Q frame, CRC included.
    pub fn to_q(&self) -> [u8; CHANNEL_LEN] {
        use super::header::bcd;
        let track = if self.track == 0xAA { 0xAA } else { bcd(self.track) };
        let msf = |m: crate::mmc::msf::Msf| [bcd(m.minute), bcd(m.second), bcd(m.frame)];
        let mut bytes = [0u8; CHANNEL_LEN];
        let mut frame = QFrame::new_checked(&mut bytes[..]).expect("12 bytes");
        frame.set_control(self.control);
        frame.set_adr(1);
        frame.set_track_bcd(track);
        frame.set_index_bcd(bcd(self.index));
        frame.set_relative_bcd(&msf(self.relative));
        frame.set_absolute_bcd(&msf(self.absolute));
        frame.fill_crc();
        bytes
    }

    /// Parses an ADR 1 frame; `None` for another ADR, a bad CRC or non-BCD fields.
    pub fn parse(q: &[u8; CHANNEL_LEN]) -> Option<Position> {
        use super::header::from_bcd;
        let frame = QFrame::new_checked(&q[..])?;
        if frame.adr() != 1 || !frame.crc_ok() {
            return None;
        }
        let msf = |b: &[u8]| {
            Some(crate::mmc::msf::Msf::new(
                from_bcd(b[0])?,
                from_bcd(b[1])?,
                from_bcd(b[2])?,
            ))
        };
        let track = match frame.track_bcd() {
            0xAA => 0xAA,
            other => from_bcd(other)?,
        };
        Some(Position {
            control: frame.control(),
            track,
            index: from_bcd(frame.index_bcd())?,
            relative: msf(frame.relative_bcd())?,
            absolute: msf(frame.absolute_bcd())?,
        })
    }
}

/// Builds the raw sub-channel of a run of sectors of one track, Q mode 1 with the relative time
/// counting up from `relative_start` frames (index 1 and later; the pre-gap's count-down is the
/// caller's) and absolute time from `first_lba` + 150, P clear, R–W zero. `out` holds 96 bytes
/// per sector; returns the number of sectors written.
pub fn fill_track_run(
    control: u8,
    track: u8,
    index: u8,
    first_lba: i32,
    relative_start: u32,
    out: &mut [u8],
) -> Result<usize, super::header::LbaOutOfRange> {
    let count = out.len() / SUBCHANNEL_LEN;
    super::header::check_lba(i64::from(first_lba))?;
    if count > 0 {
        super::header::check_lba(i64::from(first_lba) + count as i64 - 1)?;
    }
    for (i, raw) in out.chunks_exact_mut(SUBCHANNEL_LEN).enumerate() {
        let lba = first_lba + i as i32;
        let position = Position {
            control,
            track,
            index,
            relative: duration(relative_start.saturating_add(i as u32)),
            absolute: crate::mmc::msf::Msf::from_lba(lba),
        };
        let raw: &mut [u8; SUBCHANNEL_LEN] = raw.try_into().expect("96-byte chunk");
        *raw = raw_from_q(&position.to_q(), false);
    }
    Ok(count)
}

/// A count of frames as minute:second:frame (saturating at 99:59:74).
fn duration(frames: u32) -> crate::mmc::msf::Msf {
    // Msf::from_lba counts from 00:00:00 at LBA −150.
    crate::mmc::msf::Msf::from_lba(frames.min(449_999) as i32 - 150)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mmc::msf::Msf;

    #[test]
    fn q_crc_is_the_catalogue_crc16_gsm() {
        // reveng CRC catalogue, CRC-16/GSM: check = 0xCE3C for "123456789".
        assert_eq!(Q_CRC.checksum(b"123456789"), 0xCE3C);
    }

    /// Track 1, index 1, 00:00:05 into the track, LBA 5 (absolute 00:02:05), data track.
    fn track_1_at_lba_5() -> [u8; CHANNEL_LEN] {
        let (relative, absolute) = (Msf::new(0, 0, 5), Msf::new(0, 2, 5));
        Position {
            control: 4,
            track: 1,
            index: 1,
            relative,
            absolute,
        }
        .to_q()
    }

    #[test]
    fn q_crc_matches_the_bitwise_definition() {
        // IEC 60908 §17.5.1: G(x) = x^16 + x^12 + x^5 + 1, MSB first, parity bits inverted.
        let q = track_1_at_lba_5();
        let mut register = 0u16;
        for &byte in &q[..10] {
            for bit in (0..8).rev() {
                let feedback = ((register >> 15) ^ u16::from(byte >> bit & 1)) & 1;
                register = (register << 1) ^ if feedback == 1 { 0x1021 } else { 0 };
            }
        }
        assert_eq!(u16::from_be_bytes([q[10], q[11]]), !register);
    }

    #[test]
    fn position_frame_bytes() {
        let q = track_1_at_lba_5();
        assert_eq!(q[..10], [0x41, 0x01, 0x01, 0x00, 0x00, 0x05, 0x00, 0x00, 0x02, 0x05]);
        let parsed = Position::parse(&q).unwrap();
        assert_eq!(parsed.absolute, Msf::new(0, 2, 5));
        let mut damaged = q;
        damaged[5] ^= 1;
        assert_eq!(Position::parse(&damaged), None);
    }

    #[test]
    fn raw_q_follows_wodim_qpto96() {
        // wodim subchan.c qpto96: Q bit n (MSB first) goes to bit 6 of byte n; P sets bit 7 of all.
        let q = [0x41, 0x01, 0x01, 0, 0, 0x05, 0, 0, 0x02, 0x05, 0x12, 0x34];
        let raw = raw_from_q(&q, true);
        for (n, &byte) in raw.iter().enumerate() {
            let q_bit = q[n / 8] >> (7 - n % 8) & 1;
            assert_eq!(byte, 0x80 | q_bit << 6, "symbol {n}");
        }
        assert_eq!(extract_channel(&raw, Channel::Q), q);
        assert_eq!(extract_channel(&raw, Channel::P), [0xFF; 12]);
        assert_eq!(formatted_q(&q, true)[12..], [0, 0, 0, 0x80]);
    }

    #[test]
    fn interleave_and_deinterleave_are_inverse() {
        let channels: [u8; 96] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5A);
        let raw = interleave(&channels);
        assert_eq!(deinterleave(&raw), channels);
        for (c, channel) in [
            Channel::P,
            Channel::Q,
            Channel::R,
            Channel::S,
            Channel::T,
            Channel::U,
            Channel::V,
            Channel::W,
        ]
        .into_iter()
        .enumerate()
        {
            assert_eq!(extract_channel(&raw, channel)[..], channels[12 * c..12 * c + 12]);
        }
    }

    #[test]
    fn a_track_run_counts_time() {
        let mut out = vec![0u8; 3 * SUBCHANNEL_LEN];
        assert_eq!(fill_track_run(4, 2, 1, 1000, 0, &mut out), Ok(3));
        let q = extract_channel(out[2 * 96..].try_into().unwrap(), Channel::Q);
        let position = Position::parse(&q).unwrap();
        assert_eq!(
            (position.track, position.relative, position.absolute),
            (2, Msf::new(0, 0, 2), Msf::from_lba(1002))
        );
        assert!(fill_track_run(4, 2, 1, 404_849, 0, &mut out).is_err());
    }
}
