//! The error correction code of Mode 1 and Mode 2 Form 1: a Reed–Solomon product code (RSPC) over
//! GF(2⁸) (ECMA-130 Annex A).
//!
//! The 2064 bytes from the header to the intermediate field (bytes 12..2076) are 1032 16-bit
//! words; the most and least significant bytes of the words form two independent codes. As a
//! matrix of 24 rows × 43 words (row-major, word `43·r + c`):
//! - **P** protects each column with a (26,24) code; its parity words are rows 24 and 25
//!   (bytes 2076..2248).
//! - **Q** protects each of 26 diagonals of the 26 × 43 matrix that includes P's rows with a
//!   (45,43) code: diagonal `d` holds words `(44·m + 43·d) mod 1118`, m = 0..43, i.e. column
//!   `m` of row `(m + d) mod 26`; its parity words are 1118 + d and 1144 + d (bytes 2248..2352).
//!
//! Every codeword `V` satisfies `Σ Vᵢ = 0` and `Σ α^(n−1−i)·Vᵢ = 0` (the two rows of H_P and H_Q,
//! α = 02h, field polynomial x⁸ + x⁴ + x³ + x² + 1). With `S0 = Σ` and `S1 = Σ α^(n−1−i)·Vᵢ` over
//! the data symbols, the two parity symbols are `p0 = (S0 + S1)/(1 + α)` and `p1 = S0 + p0`.
//!
//! The fast way: S1 is evaluated by Horner's rule, `h ← α·h + V`, for all columns (P) or all
//! diagonals (Q) at once, so the inner loop is a multiply by α (a shift and a conditional XOR)
//! over a contiguous byte vector that the compiler vectorises; only the final division uses a
//! 256-byte table. P reads the rows in place; Q gathers column `m`, rotated by `m`, from rows
//! 86 bytes apart.
//!
//! Mode 2 Form 1 computes both codes with the four header bytes taken as zero (CD-ROM XA), so
//! every function takes the header value to use.

use super::sector::field;

/// Bytes per row of the matrix: 43 words.
const ROW_LEN: usize = 86;
const P_DATA_ROWS: usize = 24;
/// Rows of the Q matrix: P's 24 data rows and its 2 parity rows.
const Q_ROWS: usize = 26;
const Q_DATA_LEN: usize = 43;
/// Bytes of the P and Q parity.
pub const P_PARITY_LEN: usize = 2 * ROW_LEN;
pub const Q_PARITY_LEN: usize = 2 * 2 * Q_ROWS;
/// Bytes covered by P (12..2076) and by Q (12..2248).
pub const P_COVERED_LEN: usize = P_DATA_ROWS * ROW_LEN;
pub const Q_COVERED_LEN: usize = Q_ROWS * ROW_LEN;

/// α·x in GF(2⁸) with the field polynomial 11Dh.
#[inline(always)]
const fn times_alpha(x: u8) -> u8 {
    (x << 1) ^ (((x as i8) >> 7) as u8 & 0x1D)
}

/// a·b by shift and add (compile time only).
const fn gf_mul(a: u8, b: u8) -> u8 {
    let (mut a, mut b, mut product) = (a, b, 0u8);
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        a = times_alpha(a);
        b >>= 1;
    }
    product
}

/// The inverse of a non-zero element, by search (compile time only).
const fn gf_inverse(a: u8) -> u8 {
    let mut candidate = 1u8;
    while gf_mul(a, candidate) != 1 {
        candidate += 1;
    }
    candidate
}

const fn multiply_table(factor: u8) -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut x = 0;
    while x < 256 {
        table[x] = gf_mul(x as u8, factor);
        x += 1;
    }
    table
}

/// 1/(1 + α), α = 02h.
const ONE_PLUS_ALPHA_INVERSE: u8 = gf_inverse(0x03);
/// x ↦ x/(1 + α) and x ↦ α²·x/(1 + α): p0 = S0/(1+α) + α²·h/(1+α) where S1 = α²·h.
static DIVIDE_BY_ONE_PLUS_ALPHA: [u8; 256] = multiply_table(ONE_PLUS_ALPHA_INVERSE);
static ALPHA2_DIVIDED_BY_ONE_PLUS_ALPHA: [u8; 256] = multiply_table(gf_mul(0x04, ONE_PLUS_ALPHA_INVERSE));

/// One Horner step for every code at once: `h ← α·h + v`, `s ← s + v`.
#[inline(always)]
fn step<const N: usize>(h: &mut [u8; N], s: &mut [u8; N], v: &[u8; N]) {
    for j in 0..N {
        h[j] = times_alpha(h[j]) ^ v[j];
        s[j] ^= v[j];
    }
}

/// The parity pair of every code from its sums: p0 into `first`, p1 into `second`.
#[inline(always)]
fn finish<const N: usize>(h: &[u8; N], s: &[u8; N], first: &mut [u8], second: &mut [u8]) {
    for j in 0..N {
        let p0 = DIVIDE_BY_ONE_PLUS_ALPHA[s[j] as usize] ^ ALPHA2_DIVIDED_BY_ONE_PLUS_ALPHA[h[j] as usize];
        first[j] = p0;
        second[j] = p0 ^ s[j];
    }
}

/// The P parity (172 bytes, for 2076..2248) of `covered` = bytes 12..2076 of a sector, with its
/// first four bytes (the header) replaced by `header`.
pub fn p_parity(covered: &[u8; P_COVERED_LEN], header: [u8; 4]) -> [u8; P_PARITY_LEN] {
    let (mut h, mut s) = ([0u8; ROW_LEN], [0u8; ROW_LEN]);
    let mut first_row: [u8; ROW_LEN] = covered[..ROW_LEN].try_into().expect("one row");
    first_row[..4].copy_from_slice(&header);
    step(&mut h, &mut s, &first_row);
    for row in covered[ROW_LEN..].chunks_exact(ROW_LEN) {
        step(&mut h, &mut s, row.try_into().expect("one row"));
    }
    let mut parity = [0u8; P_PARITY_LEN];
    let (first, second) = parity.split_at_mut(ROW_LEN);
    finish(&h, &s, first, second);
    parity
}

/// The Q parity (104 bytes, for 2248..2352) of `covered` = bytes 12..2248 of a sector (P parity
/// included), with its first four bytes replaced by `header`.
pub fn q_parity(covered: &[u8; Q_COVERED_LEN], header: [u8; 4]) -> [u8; Q_PARITY_LEN] {
    const LANES: usize = 2 * Q_ROWS;
    let rows: &[[u8; ROW_LEN]; Q_ROWS] = covered.as_chunks::<ROW_LEN>().0.try_into().expect("26 rows");
    let (mut h, mut s) = ([0u8; LANES], [0u8; LANES]);
    for m in 0..Q_DATA_LEN {
        // Diagonal d takes column m of row (m + d) mod 26: rows m mod 26.. first, then the rows
        // before it. Fixed-size rows and slices keep the gather free of bounds checks.
        let first = m % Q_ROWS;
        let mut v = [0u8; LANES];
        let (straight, wrapped) = v.split_at_mut(2 * (Q_ROWS - first));
        for (lane, row) in straight.as_chunks_mut::<2>().0.iter_mut().zip(&rows[first..]) {
            *lane = [row[2 * m], row[2 * m + 1]];
        }
        for (lane, row) in wrapped.as_chunks_mut::<2>().0.iter_mut().zip(&rows[..first]) {
            *lane = [row[2 * m], row[2 * m + 1]];
        }
        // The header is words 0 and 1: diagonal 0 at m = 0, diagonal 25 at m = 1.
        match m {
            0 => v[..2].copy_from_slice(&header[..2]),
            1 => v[LANES - 2..].copy_from_slice(&header[2..]),
            _ => {}
        }
        step(&mut h, &mut s, &v);
    }
    let mut parity = [0u8; Q_PARITY_LEN];
    let (first, second) = parity.split_at_mut(LANES);
    finish(&h, &s, first, second);
    parity
}

/// Which parity of a sector disagrees with its contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EccCheck {
    pub p_ok: bool,
    pub q_ok: bool,
}

/// Writes P and then Q (Q covers P) into a 2352-byte sector.
pub fn stamp(sector: &mut [u8; 2352], header: [u8; 4]) {
    let p = p_parity(sector[field::P_COVERS].try_into().expect("P range"), header);
    sector[field::P_PARITY].copy_from_slice(&p);
    let q = q_parity(sector[field::Q_COVERS].try_into().expect("Q range"), header);
    sector[field::Q_PARITY].copy_from_slice(&q);
}

/// Recomputes P and Q from the sector as it stands and compares them with the stored parity.
pub fn check(sector: &[u8; 2352], header: [u8; 4]) -> EccCheck {
    let p = p_parity(sector[field::P_COVERS].try_into().expect("P range"), header);
    let q = q_parity(sector[field::Q_COVERS].try_into().expect("Q range"), header);
    EccCheck {
        p_ok: p[..] == sector[field::P_PARITY],
        q_ok: q[..] == sector[field::Q_PARITY],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// α^i for i = 0..255 by repeated multiplication.
    fn powers() -> Vec<u8> {
        let mut power = 1u8;
        (0..255)
            .map(|_| {
                let current = power;
                power = times_alpha(power);
                current
            })
            .collect()
    }

    #[test]
    fn alpha_generates_the_field() {
        // x^8 + x^4 + x^3 + x^2 + 1 is primitive: α has order 255 (ECMA-130 Annex A).
        let mut seen = powers();
        assert_eq!(times_alpha(0x80), 0x1D);
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 255);
        assert_eq!(gf_mul(0x03, ONE_PLUS_ALPHA_INVERSE), 1);
    }

    /// Σ Vᵢ and Σ α^(n−1−i)·Vᵢ of one codeword, straight from H.
    fn syndromes(codeword: &[u8]) -> (u8, u8) {
        let alpha = powers();
        let n = codeword.len();
        codeword
            .iter()
            .enumerate()
            .fold((0, 0), |(s0, s1), (i, &v)| (s0 ^ v, s1 ^ gf_mul(alpha[n - 1 - i], v)))
    }

    fn sample_sector() -> [u8; 2352] {
        let mut sector = [0u8; 2352];
        for (i, byte) in sector.iter_mut().enumerate() {
            *byte = (i as u32).wrapping_mul(2_654_435_761).rotate_left(7) as u8;
        }
        let header: [u8; 4] = sector[12..16].try_into().unwrap();
        stamp(&mut sector, header);
        sector
    }

    #[test]
    fn every_p_column_and_q_diagonal_is_a_codeword() {
        let sector = sample_sector();
        let word = |index: usize, byte: usize| sector[12 + 2 * index + byte];
        for byte in 0..2 {
            for column in 0..43 {
                let codeword: Vec<u8> = (0..26).map(|row| word(43 * row + column, byte)).collect();
                assert_eq!(syndromes(&codeword), (0, 0), "P column {column} byte {byte}");
            }
            for diagonal in 0..26 {
                let mut codeword: Vec<u8> = (0..43).map(|m| word((44 * m + 43 * diagonal) % 1118, byte)).collect();
                codeword.push(word(1118 + diagonal, byte));
                codeword.push(word(1144 + diagonal, byte));
                assert_eq!(syndromes(&codeword), (0, 0), "Q diagonal {diagonal} byte {byte}");
            }
        }
    }

    #[test]
    fn check_finds_each_damaged_code() {
        let sector = sample_sector();
        let header: [u8; 4] = sector[12..16].try_into().unwrap();
        assert_eq!(check(&sector, header), EccCheck { p_ok: true, q_ok: true });
        let mut damaged = sector;
        damaged[2300] ^= 1;
        assert_eq!(
            check(&damaged, header),
            EccCheck {
                p_ok: true,
                q_ok: false
            }
        );
        let mut damaged = sector;
        damaged[100] ^= 0x40;
        assert_eq!(
            check(&damaged, header),
            EccCheck {
                p_ok: false,
                q_ok: false
            }
        );
    }

    #[test]
    fn header_override_equals_a_zeroed_header() {
        let mut with_header = sample_sector();
        stamp(&mut with_header, [0; 4]);
        let mut zeroed = with_header;
        zeroed[12..16].fill(0);
        stamp(&mut zeroed, [0; 4]);
        assert_eq!(with_header[2076..], zeroed[2076..]);
        assert_eq!(
            check(&zeroed, zeroed[12..16].try_into().unwrap()),
            EccCheck { p_ok: true, q_ok: true }
        );
    }
}
