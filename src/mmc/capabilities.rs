//! Mode page 2Ah, CD/DVD Capabilities and Mechanical Status, with write-speed descriptors
//! (mmc.md §1.1, offsets as libburn `spc_sense_caps_al` reads them). Offsets count from the page
//! code byte.
//!
//! Byte 2 read capabilities, 3 write capabilities, 4–5 playback/CD-DA capabilities (4 b7 BUF,
//! 5 b4 C2 pointers), 6 loading mechanism b7-5, eject b3, prevent jumper b2, lock state b1, lock
//! b0; 8–9 max read speed; 10–11 volume levels; 12–13 buffer size KB; 14–15 current read speed;
//! 18–19 max write speed; 20–21 current write speed; 22–23 copy management revision; 27 b1-0
//! rotation control selected; 28–29 current write speed selected; 30–31 number of write-speed
//! descriptors; 32+ 4-byte descriptors (byte 1 b2-0 rotation control, 2–3 kB/s).
//! The page length is 30 + 4n; libburn rejects < 18 and a count larger than the page
//! ("Malformed capabilities page 2Ah"). The page is not changeable (CDEmu).

use super::mode_pages::check_page_length;
use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    pub const PAGE_CODE: usize = 0;
    pub const PAGE_LENGTH: usize = 1;
    pub const READ_CAPABILITIES: usize = 2;
    pub const WRITE_CAPABILITIES: usize = 3;
    pub const PLAYBACK_CAPABILITIES: usize = 4;
    pub const CD_DA_CAPABILITIES: usize = 5;
    pub const MECHANISM: usize = 6;
    pub const CHANGER: usize = 7;
    pub const MAX_READ_SPEED: Field = 8..10;
    pub const VOLUME_LEVELS: Field = 10..12;
    pub const BUFFER_SIZE: Field = 12..14;
    pub const CURRENT_READ_SPEED: Field = 14..16;
    pub const DIGITAL_OUTPUT: usize = 17;
    pub const MAX_WRITE_SPEED: Field = 18..20;
    pub const CURRENT_WRITE_SPEED: Field = 20..22;
    pub const COPY_MANAGEMENT_REVISION: Field = 22..24;
    /// Rotation control selected b1-0.
    pub const ROTATION_CONTROL: usize = 27;
    pub const CURRENT_WRITE_SPEED_SELECTED: Field = 28..30;
    pub const DESCRIPTOR_COUNT: Field = 30..32;
    pub const DESCRIPTORS: Rest = 32..;
    pub const END: usize = 32;
    /// libburn's lower bound for the page length.
    pub const MINIMUM_PAGE_LENGTH: usize = 18;

    /// Within one write-speed descriptor.
    pub const DESCRIPTOR_ROTATION: usize = 1;
    pub const DESCRIPTOR_SPEED: Field = 2..4;
    pub const DESCRIPTOR_LEN: usize = 4;
}

/// Read capability bits (byte 2).
pub mod read_capability {
    pub const CD_R: u8 = 0x01;
    pub const CD_RW: u8 = 0x02;
    pub const METHOD_2: u8 = 0x04;
    pub const DVD_ROM: u8 = 0x08;
    pub const DVD_R: u8 = 0x10;
    pub const DVD_RAM: u8 = 0x20;
}

/// Write capability bits (byte 3).
pub mod write_capability {
    pub const CD_R: u8 = 0x01;
    pub const CD_RW: u8 = 0x02;
    pub const TEST_WRITE: u8 = 0x04;
    pub const DVD_R: u8 = 0x10;
    pub const DVD_RAM: u8 = 0x20;
}

/// Playback capability bits (byte 4).
pub mod playback_capability {
    pub const AUDIO_PLAY: u8 = 0x01;
    pub const MODE_2_FORM_1: u8 = 0x10;
    pub const MODE_2_FORM_2: u8 = 0x20;
    pub const MULTI_SESSION: u8 = 0x40;
    /// BUF: buffer-underrun-proof recording.
    pub const BUFFER_UNDERRUN_FREE: u8 = 0x80;
}

/// CD-DA capability bits (byte 5).
pub mod cd_da_capability {
    pub const CD_DA_COMMANDS: u8 = 0x01;
    pub const CD_DA_STREAM_ACCURATE: u8 = 0x02;
    pub const C2_POINTERS: u8 = 0x10;
}

/// Loading mechanism type 1: tray.
pub const LOADING_MECHANISM_TRAY: u8 = 1;

view!(
    /// Mode page 2Ah.
    CapabilitiesPage,
    min_len = field::END
);
accessors!(CapabilitiesPage {
    bit parameters_savable / set_parameters_savable: bool = field::PAGE_CODE, 0x80;
    bits page_code / set_page_code: u8 = field::PAGE_CODE, 0x3F;
    byte page_length / set_page_length: u8 = field::PAGE_LENGTH;
    byte read_capabilities / set_read_capabilities: u8 = field::READ_CAPABILITIES;
    byte write_capabilities / set_write_capabilities: u8 = field::WRITE_CAPABILITIES;
    byte playback_capabilities / set_playback_capabilities: u8 = field::PLAYBACK_CAPABILITIES;
    byte cd_da_capabilities / set_cd_da_capabilities: u8 = field::CD_DA_CAPABILITIES;
    bits loading_mechanism / set_loading_mechanism: u8 = field::MECHANISM, 0xE0;
    bit eject / set_eject: bool = field::MECHANISM, 0x08;
    bit prevent_jumper / set_prevent_jumper: bool = field::MECHANISM, 0x04;
    bit lock_state / set_lock_state: bool = field::MECHANISM, 0x02;
    bit lock / set_lock: bool = field::MECHANISM, 0x01;
    byte changer_flags / set_changer_flags: u8 = field::CHANGER;
    be max_read_speed / set_max_read_speed: u16 = field::MAX_READ_SPEED;
    be volume_levels / set_volume_levels: u16 = field::VOLUME_LEVELS;
    be buffer_size_kbytes / set_buffer_size_kbytes: u16 = field::BUFFER_SIZE;
    be current_read_speed / set_current_read_speed: u16 = field::CURRENT_READ_SPEED;
    byte digital_output / set_digital_output: u8 = field::DIGITAL_OUTPUT;
    be max_write_speed / set_max_write_speed: u16 = field::MAX_WRITE_SPEED;
    be current_write_speed / set_current_write_speed: u16 = field::CURRENT_WRITE_SPEED;
    be copy_management_revision / set_copy_management_revision: u16 = field::COPY_MANAGEMENT_REVISION;
    bits rotation_control_selected / set_rotation_control_selected: u8 = field::ROTATION_CONTROL, 0x03;
    be current_write_speed_selected / set_current_write_speed_selected: u16 = field::CURRENT_WRITE_SPEED_SELECTED;
    be descriptor_count / set_descriptor_count: u16 = field::DESCRIPTOR_COUNT;
    bytes descriptors / set_descriptors: [u8] = field::DESCRIPTORS;
});

/// One write-speed descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSpeedDescriptor {
    /// 0 CLV, 1 CAV (libburn reads "WRC" as rotation control 1).
    pub rotation_control: u8,
    pub kbytes_per_second: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CapabilitiesPageRepr {
    pub parameters_savable: bool,
    /// `read_capability` bits.
    pub read_capabilities: u8,
    /// `write_capability` bits.
    pub write_capabilities: u8,
    /// `playback_capability` bits.
    pub playback_capabilities: u8,
    /// `cd_da_capability` bits.
    pub cd_da_capabilities: u8,
    pub loading_mechanism: u8,
    pub eject: bool,
    pub prevent_jumper: bool,
    /// Mirrors PREVENT ALLOW (CDEmu).
    pub lock_state: bool,
    pub lock: bool,
    pub changer_flags: u8,
    pub max_read_speed: u16,
    pub volume_levels: u16,
    pub buffer_size_kbytes: u16,
    pub current_read_speed: u16,
    pub digital_output: u8,
    pub max_write_speed: u16,
    pub current_write_speed: u16,
    pub copy_management_revision: u16,
    pub rotation_control_selected: u8,
    pub current_write_speed_selected: u16,
    pub write_speeds: Vec<WriteSpeedDescriptor>,
}

impl CapabilitiesPageRepr {
    pub const PAGE_CODE: u8 = 0x2A;

    pub fn parse<T: AsRef<[u8]>>(page: &CapabilitiesPage<T>) -> Result<CapabilitiesPageRepr, CdbError> {
        page.check_len()?;
        check_page_length(page.as_bytes(), field::MINIMUM_PAGE_LENGTH + 2)?;
        let declared_end = usize::from(page.page_length()) + 2;
        let descriptors = page.descriptors();
        let descriptors = &descriptors[..descriptors.len().min(declared_end.saturating_sub(field::END))];
        let write_speeds = descriptors
            .chunks_exact(field::DESCRIPTOR_LEN)
            .take(page.descriptor_count().into())
            .map(|d| WriteSpeedDescriptor {
                rotation_control: d[field::DESCRIPTOR_ROTATION] & 0x07,
                kbytes_per_second: u16::from_be_bytes([
                    d[field::DESCRIPTOR_SPEED.start],
                    d[field::DESCRIPTOR_SPEED.start + 1],
                ]),
            })
            .collect();
        Ok(CapabilitiesPageRepr {
            parameters_savable: page.parameters_savable(),
            read_capabilities: page.read_capabilities(),
            write_capabilities: page.write_capabilities(),
            playback_capabilities: page.playback_capabilities(),
            cd_da_capabilities: page.cd_da_capabilities(),
            loading_mechanism: page.loading_mechanism(),
            eject: page.eject(),
            prevent_jumper: page.prevent_jumper(),
            lock_state: page.lock_state(),
            lock: page.lock(),
            changer_flags: page.changer_flags(),
            max_read_speed: page.max_read_speed(),
            volume_levels: page.volume_levels(),
            buffer_size_kbytes: page.buffer_size_kbytes(),
            current_read_speed: page.current_read_speed(),
            digital_output: page.digital_output(),
            max_write_speed: page.max_write_speed(),
            current_write_speed: page.current_write_speed(),
            copy_management_revision: page.copy_management_revision(),
            rotation_control_selected: page.rotation_control_selected(),
            current_write_speed_selected: page.current_write_speed_selected(),
            write_speeds,
        })
    }

    /// Parses a page given as bytes; a pre-MMC-3 page (length < 30) reads as zeros past its end.
    pub fn parse_bytes(page: &[u8]) -> Result<CapabilitiesPageRepr, CdbError> {
        check_page_length(page, field::MINIMUM_PAGE_LENGTH + 2)?;
        if page.len() < field::END {
            let mut padded = [0u8; field::END];
            padded[..page.len()].copy_from_slice(page);
            return Self::parse(&CapabilitiesPage::new_unchecked(&padded[..]));
        }
        Self::parse(&CapabilitiesPage::new_checked(page)?)
    }

    pub fn buffer_len(&self) -> usize {
        field::END + field::DESCRIPTOR_LEN * self.write_speeds.len()
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, page: &mut CapabilitiesPage<T>) {
        let len = self.buffer_len();
        page.buffer.as_mut()[..len].fill(0);
        page.set_parameters_savable(self.parameters_savable);
        page.set_page_code(Self::PAGE_CODE);
        page.set_page_length((len - 2) as u8);
        page.set_read_capabilities(self.read_capabilities);
        page.set_write_capabilities(self.write_capabilities);
        page.set_playback_capabilities(self.playback_capabilities);
        page.set_cd_da_capabilities(self.cd_da_capabilities);
        page.set_loading_mechanism(self.loading_mechanism);
        page.set_eject(self.eject);
        page.set_prevent_jumper(self.prevent_jumper);
        page.set_lock_state(self.lock_state);
        page.set_lock(self.lock);
        page.set_changer_flags(self.changer_flags);
        page.set_max_read_speed(self.max_read_speed);
        page.set_volume_levels(self.volume_levels);
        page.set_buffer_size_kbytes(self.buffer_size_kbytes);
        page.set_current_read_speed(self.current_read_speed);
        page.set_digital_output(self.digital_output);
        page.set_max_write_speed(self.max_write_speed);
        page.set_current_write_speed(self.current_write_speed);
        page.set_copy_management_revision(self.copy_management_revision);
        page.set_rotation_control_selected(self.rotation_control_selected);
        page.set_current_write_speed_selected(self.current_write_speed_selected);
        page.set_descriptor_count(self.write_speeds.len() as u16);
        let area = &mut page.buffer.as_mut()[field::END..len];
        for (chunk, speed) in area.chunks_exact_mut(field::DESCRIPTOR_LEN).zip(&self.write_speeds) {
            chunk[field::DESCRIPTOR_ROTATION] = speed.rotation_control & 0x07;
            chunk[field::DESCRIPTOR_SPEED].copy_from_slice(&speed.kbytes_per_second.to_be_bytes());
        }
    }
}
impl_to_vec!(CapabilitiesPageRepr, CapabilitiesPage);

#[cfg(test)]
mod tests {
    use super::*;

    /// A DVD writer: reads CD-R/RW, DVD-ROM/R/RAM; writes CD-R/RW, test write, DVD-R; BUF and
    /// multi-session; tray with eject; 2 MiB buffer; two write speeds (8x DVD 11080, 4x 5540).
    static DVD_WRITER: [u8; 40] = [
        0x2A, 0x26, 0x3B, 0x17, 0xC0, 0x10, 0x28, 0x00, //
        0x2B, 0x48, 0x00, 0x00, 0x08, 0x00, 0x2B, 0x48, //
        0x00, 0x00, 0x2B, 0x48, 0x2B, 0x48, 0x00, 0x00, //
        0x00, 0x00, 0x00, 0x00, 0x2B, 0x48, 0x00, 0x02, //
        0x00, 0x00, 0x2B, 0x48, 0x00, 0x00, 0x15, 0xA4,
    ];

    fn dvd_writer() -> CapabilitiesPageRepr {
        CapabilitiesPageRepr {
            read_capabilities: read_capability::CD_R
                | read_capability::CD_RW
                | read_capability::DVD_ROM
                | read_capability::DVD_R
                | read_capability::DVD_RAM,
            write_capabilities: write_capability::CD_R
                | write_capability::CD_RW
                | write_capability::TEST_WRITE
                | write_capability::DVD_R,
            playback_capabilities: playback_capability::BUFFER_UNDERRUN_FREE | playback_capability::MULTI_SESSION,
            cd_da_capabilities: cd_da_capability::C2_POINTERS,
            loading_mechanism: LOADING_MECHANISM_TRAY,
            eject: true,
            lock_state: false,
            max_read_speed: 11080,
            buffer_size_kbytes: 2048,
            current_read_speed: 11080,
            max_write_speed: 11080,
            current_write_speed: 11080,
            current_write_speed_selected: 11080,
            write_speeds: vec![
                WriteSpeedDescriptor {
                    rotation_control: 0,
                    kbytes_per_second: 11080,
                },
                WriteSpeedDescriptor {
                    rotation_control: 0,
                    kbytes_per_second: 5540,
                },
            ],
            ..CapabilitiesPageRepr::default()
        }
    }

    #[test]
    fn deconstruct() {
        let page = CapabilitiesPage::new_checked(&DVD_WRITER[..]).unwrap();
        assert_eq!(page.page_code(), 0x2A);
        assert_eq!(usize::from(page.page_length()), 30 + 4 * 2);
        assert_eq!(page.loading_mechanism(), LOADING_MECHANISM_TRAY);
        assert!(page.eject() && !page.lock_state());
        assert_eq!(page.buffer_size_kbytes(), 2048);
        assert_eq!(page.descriptor_count(), 2);
        assert_eq!(&page.descriptors()[4..], &[0x00, 0x00, 0x15, 0xA4]);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 40];
        dvd_writer().emit(&mut CapabilitiesPage::new_unchecked(&mut bytes[..]));
        assert_eq!(bytes, DVD_WRITER);
        let mut page = CapabilitiesPage::new_unchecked(&mut bytes[..]);
        page.set_lock_state(true);
        assert_eq!(bytes[6], 0x2A);
    }

    #[test]
    fn parse_and_emit() {
        let repr = dvd_writer();
        assert_eq!(CapabilitiesPageRepr::parse_bytes(&DVD_WRITER), Ok(repr.clone()));
        assert_eq!(repr.to_vec(), DVD_WRITER);
    }

    #[test]
    fn libburn_page_rules() {
        let bytes = dvd_writer().to_vec();
        let page_length = usize::from(bytes[1]);
        let count = usize::from(u16::from_be_bytes([bytes[30], bytes[31]]));
        assert!(page_length >= 18 && 32 + 4 * count <= page_length + 2);
        // A count larger than the page keeps only the descriptors present.
        let mut malformed = bytes.clone();
        malformed[31] = 5;
        assert_eq!(
            CapabilitiesPageRepr::parse_bytes(&malformed)
                .unwrap()
                .write_speeds
                .len(),
            2
        );
        let mut short = bytes;
        short[1] = 16;
        assert_eq!(
            CapabilitiesPageRepr::parse_bytes(&short),
            Err(CdbError::invalid_field_in_parameter_list(1, None))
        );
    }

    #[test]
    fn pre_mmc3_page_reads_as_zeros_past_its_end() {
        let mut old = DVD_WRITER[..22].to_vec();
        old[1] = 20;
        let repr = CapabilitiesPageRepr::parse_bytes(&old).unwrap();
        assert_eq!(repr.current_write_speed, 11080);
        assert!(repr.write_speeds.is_empty());
    }
}
