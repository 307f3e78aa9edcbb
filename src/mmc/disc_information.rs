//! READ DISC INFORMATION (51h) standard reply: 34 bytes plus OPC tables (mmc.md §1.4 table).
//!
//! On CD the two addresses in bytes 16–23 are MSF (`00 MM SS FF`, see [`super::msf`]); on other
//! media they are LBAs. Finalized discs report FFFFFFFFh in both.

use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    pub const LENGTH: Field = 0..2;
    /// Info type b7-5, Erasable b4, state of last session b3-2, disc status b1-0.
    pub const STATUS: usize = 2;
    pub const FIRST_TRACK: usize = 3;
    pub const SESSIONS_LSB: usize = 4;
    pub const FIRST_TRACK_LAST_SESSION_LSB: usize = 5;
    pub const LAST_TRACK_LAST_SESSION_LSB: usize = 6;
    /// DID_V b7, DBC_V b6, URU b5, DAC_V b4, Dbit b2, BG format status b1-0.
    pub const VALIDITY: usize = 7;
    pub const DISC_TYPE: usize = 8;
    pub const SESSIONS_MSB: usize = 9;
    pub const FIRST_TRACK_LAST_SESSION_MSB: usize = 10;
    pub const LAST_TRACK_LAST_SESSION_MSB: usize = 11;
    pub const DISC_ID: Field = 12..16;
    pub const LAST_SESSION_LEAD_IN: Field = 16..20;
    pub const LAST_POSSIBLE_LEAD_OUT: Field = 20..24;
    pub const BAR_CODE: Field = 24..32;
    pub const APPLICATION_CODE: usize = 32;
    pub const OPC_TABLE_COUNT: usize = 33;
    pub const OPC_TABLES: Rest = 34..;
    pub const END: usize = 34;

    /// One OPC table entry: speed kB/s, then 6 bytes of OPC values.
    pub const OPC_SPEED: Field = 0..2;
    pub const OPC_VALUES: Field = 2..8;
    pub const OPC_ENTRY_LEN: usize = 8;
}

view!(
    /// Standard disc information.
    DiscInformation,
    min_len = field::END
);
accessors!(DiscInformation {
    be length / set_length: u16 = field::LENGTH;
    bits information_type / set_information_type: u8 = field::STATUS, 0xE0;
    bit erasable / set_erasable: bool = field::STATUS, 0x10;
    bits last_session_state / set_last_session_state: u8 = field::STATUS, 0x0C;
    bits disc_status / set_disc_status: u8 = field::STATUS, 0x03;
    byte first_track / set_first_track: u8 = field::FIRST_TRACK;
    byte sessions_lsb / set_sessions_lsb: u8 = field::SESSIONS_LSB;
    byte first_track_last_session_lsb / set_first_track_last_session_lsb: u8 = field::FIRST_TRACK_LAST_SESSION_LSB;
    byte last_track_last_session_lsb / set_last_track_last_session_lsb: u8 = field::LAST_TRACK_LAST_SESSION_LSB;
    bit disc_id_valid / set_disc_id_valid: bool = field::VALIDITY, 0x80;
    bit bar_code_valid / set_bar_code_valid: bool = field::VALIDITY, 0x40;
    bit unrestricted_use / set_unrestricted_use: bool = field::VALIDITY, 0x20;
    bit application_code_valid / set_application_code_valid: bool = field::VALIDITY, 0x10;
    bit dirty / set_dirty: bool = field::VALIDITY, 0x04;
    bits background_format_status / set_background_format_status: u8 = field::VALIDITY, 0x03;
    byte disc_type / set_disc_type: u8 = field::DISC_TYPE;
    byte sessions_msb / set_sessions_msb: u8 = field::SESSIONS_MSB;
    byte first_track_last_session_msb / set_first_track_last_session_msb: u8 = field::FIRST_TRACK_LAST_SESSION_MSB;
    byte last_track_last_session_msb / set_last_track_last_session_msb: u8 = field::LAST_TRACK_LAST_SESSION_MSB;
    be disc_id / set_disc_id: u32 = field::DISC_ID;
    be last_session_lead_in / set_last_session_lead_in: u32 = field::LAST_SESSION_LEAD_IN;
    be last_possible_lead_out / set_last_possible_lead_out: u32 = field::LAST_POSSIBLE_LEAD_OUT;
    bytes bar_code / set_bar_code: [u8] = field::BAR_CODE;
    byte application_code / set_application_code: u8 = field::APPLICATION_CODE;
    byte opc_table_count / set_opc_table_count: u8 = field::OPC_TABLE_COUNT;
    bytes opc_tables / set_opc_tables: [u8] = field::OPC_TABLES;
});

/// Disc status (byte 2 b1-0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscStatus {
    Empty = 0,
    /// Incomplete / appendable.
    Incomplete = 1,
    Finalized = 2,
    /// "Others": random-access media such as DVD-RAM (mmc.md §1.4).
    Other = 3,
}

/// State of the last session (byte 2 b3-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Empty = 0,
    Incomplete = 1,
    /// Reserved / damaged.
    Damaged = 2,
    Complete = 3,
}

/// Background format status (byte 7 b1-0; DVD+RW logic of growisofs keys off it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackgroundFormat {
    /// Not formatted / not applicable.
    None = 0,
    /// Started but suspended (restart with the Restart bit).
    Suspended = 1,
    InProgress = 2,
    Completed = 3,
}

/// The end of every address when the disc is finalized (mmc.md §1.4).
pub const NO_ADDRESS: u32 = 0xFFFF_FFFF;
/// The disc type byte when undefined.
pub const DISC_TYPE_UNDEFINED: u8 = 0xFF;

/// One OPC table entry (bytes 34+).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpcTableEntry {
    pub speed_kbytes_per_second: u16,
    pub values: [u8; 6],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscInformationRepr {
    pub erasable: bool,
    pub last_session_state: SessionState,
    pub disc_status: DiscStatus,
    pub first_track: u8,
    /// Includes the empty / incomplete session of an appendable disc (mmc.md §1.4).
    pub sessions: u16,
    pub first_track_in_last_session: u16,
    /// On appendable media: the invisible / incomplete track.
    pub last_track_in_last_session: u16,
    pub disc_id: Option<u32>,
    pub bar_code: Option<[u8; 8]>,
    pub application_code: Option<u8>,
    pub unrestricted_use: bool,
    pub dirty: bool,
    pub background_format: BackgroundFormat,
    /// 00h CD-DA/CD-ROM, 10h CD-I, 20h CD-ROM XA, FFh undefined.
    pub disc_type: u8,
    /// CD: packed MSF; other media: LBA; FFFFFFFFh when finalized.
    pub last_session_lead_in: u32,
    pub last_possible_lead_out: u32,
    pub opc_tables: Vec<OpcTableEntry>,
}

impl DiscInformationRepr {
    pub fn parse<T: AsRef<[u8]>>(data: &DiscInformation<T>) -> Result<DiscInformationRepr, CdbError> {
        data.check_len()?;
        let state = match data.last_session_state() {
            0 => SessionState::Empty,
            1 => SessionState::Incomplete,
            2 => SessionState::Damaged,
            _ => SessionState::Complete,
        };
        let status = match data.disc_status() {
            0 => DiscStatus::Empty,
            1 => DiscStatus::Incomplete,
            2 => DiscStatus::Finalized,
            _ => DiscStatus::Other,
        };
        let background_format = match data.background_format_status() {
            0 => BackgroundFormat::None,
            1 => BackgroundFormat::Suspended,
            2 => BackgroundFormat::InProgress,
            _ => BackgroundFormat::Completed,
        };
        let mut bar_code = [0u8; 8];
        bar_code.copy_from_slice(data.bar_code());
        // OPC tables: as many as the count announces and the buffer and length field hold.
        let declared_end = usize::from(data.length()) + field::LENGTH.end;
        let tables = &data.opc_tables()[..data.opc_tables().len().min(declared_end.saturating_sub(field::END))];
        let opc_tables = tables
            .chunks_exact(field::OPC_ENTRY_LEN)
            .take(data.opc_table_count().into())
            .map(|entry| {
                let mut values = [0u8; 6];
                values.copy_from_slice(&entry[field::OPC_VALUES]);
                OpcTableEntry {
                    speed_kbytes_per_second: u16::from_be_bytes([entry[0], entry[1]]),
                    values,
                }
            })
            .collect();
        let wide = |msb: u8, lsb: u8| u16::from_be_bytes([msb, lsb]);
        Ok(DiscInformationRepr {
            erasable: data.erasable(),
            last_session_state: state,
            disc_status: status,
            first_track: data.first_track(),
            sessions: wide(data.sessions_msb(), data.sessions_lsb()),
            first_track_in_last_session: wide(data.first_track_last_session_msb(), data.first_track_last_session_lsb()),
            last_track_in_last_session: wide(data.last_track_last_session_msb(), data.last_track_last_session_lsb()),
            disc_id: data.disc_id_valid().then(|| data.disc_id()),
            bar_code: data.bar_code_valid().then_some(bar_code),
            application_code: data.application_code_valid().then(|| data.application_code()),
            unrestricted_use: data.unrestricted_use(),
            dirty: data.dirty(),
            background_format,
            disc_type: data.disc_type(),
            last_session_lead_in: data.last_session_lead_in(),
            last_possible_lead_out: data.last_possible_lead_out(),
            opc_tables,
        })
    }

    /// 34 bytes plus 8 per OPC table.
    pub fn buffer_len(&self) -> usize {
        field::END + field::OPC_ENTRY_LEN * self.opc_tables.len()
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut DiscInformation<T>) {
        let len = self.buffer_len();
        data.buffer.as_mut()[..len].fill(0);
        // 0020h without OPC tables (growisofs sends OPC only if ≤ 0x20, mmc.md §1.4).
        data.set_length((len - field::LENGTH.end) as u16);
        data.set_erasable(self.erasable);
        data.set_last_session_state(self.last_session_state as u8);
        data.set_disc_status(self.disc_status as u8);
        data.set_first_track(self.first_track);
        let [sessions_msb, sessions_lsb] = self.sessions.to_be_bytes();
        data.set_sessions_msb(sessions_msb);
        data.set_sessions_lsb(sessions_lsb);
        let [first_msb, first_lsb] = self.first_track_in_last_session.to_be_bytes();
        data.set_first_track_last_session_msb(first_msb);
        data.set_first_track_last_session_lsb(first_lsb);
        let [last_msb, last_lsb] = self.last_track_in_last_session.to_be_bytes();
        data.set_last_track_last_session_msb(last_msb);
        data.set_last_track_last_session_lsb(last_lsb);
        data.set_disc_id_valid(self.disc_id.is_some());
        data.set_disc_id(self.disc_id.unwrap_or(0));
        data.set_bar_code_valid(self.bar_code.is_some());
        data.set_bar_code(&self.bar_code.unwrap_or_default());
        data.set_application_code_valid(self.application_code.is_some());
        data.set_application_code(self.application_code.unwrap_or(0));
        data.set_unrestricted_use(self.unrestricted_use);
        data.set_dirty(self.dirty);
        data.set_background_format_status(self.background_format as u8);
        data.set_disc_type(self.disc_type);
        data.set_last_session_lead_in(self.last_session_lead_in);
        data.set_last_possible_lead_out(self.last_possible_lead_out);
        data.set_opc_table_count(self.opc_tables.len() as u8);
        let tables = &mut data.buffer.as_mut()[field::OPC_TABLES];
        for (entry, table) in tables.chunks_exact_mut(field::OPC_ENTRY_LEN).zip(&self.opc_tables) {
            entry[field::OPC_SPEED].copy_from_slice(&table.speed_kbytes_per_second.to_be_bytes());
            entry[field::OPC_VALUES].copy_from_slice(&table.values);
        }
    }
}
impl_to_vec!(DiscInformationRepr, DiscInformation);

#[cfg(test)]
mod tests {
    use super::*;

    /// Blank CD-R: the DESIGN.md seed expects the prefix `00 20 00 01`; lead-in start 97:34:23
    /// (CDEmu, mmc.md §2.4), last possible lead-out 79:59:74 (mmc.md §7: ~359849).
    static BLANK_CD_R: [u8; 34] = [
        0x00, 0x20, 0x00, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
        0x00, 0x61, 0x22, 0x17, 0x00, 0x4F, 0x3B, 0x4A, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00,
    ];
    /// Blank DVD+RW: "blank, sessions 1, last session empty, next track 1, tracks 1" (mmc.md §1.4).
    static BLANK_DVD_PLUS_RW: [u8; 34] = [
        0x00, 0x20, 0x10, 0x01, 0x01, 0x01, 0x01, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
        0x00, 0x00, 0x00, 0x00, 0x00, 0x23, 0x05, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00,
    ];
    /// DVD-RAM as tcmu reports it: 0x1F (erasable, complete, status 3) with URU (mmc.md §1.4).
    static DVD_RAM: [u8; 34] = [
        0x00, 0x20, 0x1F, 0x01, 0x01, 0x01, 0x01, 0x20, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00,
    ];

    fn blank_cd_r() -> DiscInformationRepr {
        DiscInformationRepr {
            erasable: false,
            last_session_state: SessionState::Empty,
            disc_status: DiscStatus::Empty,
            first_track: 1,
            sessions: 1,
            first_track_in_last_session: 1,
            last_track_in_last_session: 1,
            disc_id: None,
            bar_code: None,
            application_code: None,
            unrestricted_use: false,
            dirty: false,
            background_format: BackgroundFormat::None,
            disc_type: 0x00,
            last_session_lead_in: 0x0061_2217,
            last_possible_lead_out: 0x004F_3B4A,
            opc_tables: Vec::new(),
        }
    }

    #[test]
    fn deconstruct_blank_dvd_plus_rw() {
        let data = DiscInformation::new_checked(&BLANK_DVD_PLUS_RW[..]).unwrap();
        assert_eq!(data.length(), 0x20);
        assert!(data.erasable());
        assert_eq!(data.disc_status(), DiscStatus::Empty as u8);
        assert_eq!(data.last_session_state(), SessionState::Empty as u8);
        assert_eq!(data.background_format_status(), 0);
        assert_eq!(data.last_possible_lead_out(), 2_295_104);
    }

    #[test]
    fn construct_dvd_ram() {
        let mut bytes = [0u8; 34];
        let mut data = DiscInformation::new_unchecked(&mut bytes[..]);
        data.set_length(0x20);
        data.set_erasable(true);
        data.set_last_session_state(3);
        data.set_disc_status(3);
        data.set_first_track(1);
        data.set_sessions_lsb(1);
        data.set_first_track_last_session_lsb(1);
        data.set_last_track_last_session_lsb(1);
        data.set_unrestricted_use(true);
        data.set_disc_type(DISC_TYPE_UNDEFINED);
        data.set_last_session_lead_in(NO_ADDRESS);
        data.set_last_possible_lead_out(NO_ADDRESS);
        assert_eq!(bytes, DVD_RAM);
    }

    #[test]
    fn parse_and_emit_blank_cd_r() {
        let repr = blank_cd_r();
        assert_eq!(
            DiscInformationRepr::parse(&DiscInformation::new_checked(&BLANK_CD_R[..]).unwrap()),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), BLANK_CD_R);
        assert_eq!(&repr.to_vec()[..4], &[0x00, 0x20, 0x00, 0x01]);
    }

    #[test]
    fn parse_and_emit_blank_dvd_plus_rw() {
        let repr = DiscInformationRepr {
            erasable: true,
            disc_type: DISC_TYPE_UNDEFINED,
            last_session_lead_in: 0,
            last_possible_lead_out: 2_295_104,
            ..blank_cd_r()
        };
        let parsed =
            DiscInformationRepr::parse(&DiscInformation::new_checked(&BLANK_DVD_PLUS_RW[..]).unwrap()).unwrap();
        assert_eq!(parsed, repr);
        assert_eq!(repr.to_vec(), BLANK_DVD_PLUS_RW);
    }

    #[test]
    fn opc_tables_extend_the_length() {
        let repr = DiscInformationRepr {
            opc_tables: vec![OpcTableEntry {
                speed_kbytes_per_second: 11080,
                values: [1, 2, 3, 4, 5, 6],
            }],
            ..blank_cd_r()
        };
        let bytes = repr.to_vec();
        assert_eq!(bytes.len(), 42);
        assert_eq!(&bytes[..2], &[0x00, 0x28]);
        assert_eq!(bytes[33], 1);
        assert_eq!(&bytes[34..], &[0x2B, 0x48, 1, 2, 3, 4, 5, 6]);
        assert_eq!(
            DiscInformationRepr::parse(&DiscInformation::new_checked(&bytes[..]).unwrap()),
            Ok(repr)
        );
    }

    #[test]
    fn opc_tables_cut_by_allocation_are_dropped() {
        let repr = DiscInformationRepr {
            opc_tables: vec![OpcTableEntry {
                speed_kbytes_per_second: 1,
                values: [0; 6],
            }],
            ..blank_cd_r()
        };
        let bytes = repr.to_vec();
        let parsed = DiscInformationRepr::parse(&DiscInformation::new_checked(&bytes[..38]).unwrap()).unwrap();
        assert!(parsed.opc_tables.is_empty());
    }

    #[test]
    fn validity_bits_carry_the_optional_fields() {
        let repr = DiscInformationRepr {
            disc_id: Some(0x1234_5678),
            bar_code: Some(*b"12345678"),
            application_code: Some(0x40),
            dirty: true,
            background_format: BackgroundFormat::InProgress,
            ..blank_cd_r()
        };
        let bytes = repr.to_vec();
        assert_eq!(bytes[7], 0x80 | 0x40 | 0x10 | 0x04 | 0x02);
        assert_eq!(
            DiscInformationRepr::parse(&DiscInformation::new_checked(&bytes[..]).unwrap()),
            Ok(repr)
        );
    }
}
