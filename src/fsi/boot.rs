//! El Torito boot options (IMAPI2 `IBootOptions`, imapi2.md §2.8 EmulationType / PlatformId):
//! a boot image, the platform it is for, and how the BIOS presents it.

use super::source::FileData;
use crate::hresult::{HResult, ImapiError, ImapiResult};

/// `PlatformId`: the platform byte of the validation entry and section headers (udf-iso.md §1.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PlatformId {
    X86 = 0,
    PowerPc = 1,
    Mac = 2,
    Efi = 0xEF,
}

impl PlatformId {
    pub fn from_value(value: u32) -> Option<PlatformId> {
        [PlatformId::X86, PlatformId::PowerPc, PlatformId::Mac, PlatformId::Efi]
            .into_iter()
            .find(|p| *p as u32 == value)
    }
}

/// `EmulationType`: the media-type nibble of a boot entry (udf-iso.md §1.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum EmulationType {
    None = 0,
    Floppy12M = 1,
    Floppy144M = 2,
    Floppy288M = 3,
    HardDisk = 4,
}

impl EmulationType {
    pub fn from_value(value: u32) -> Option<EmulationType> {
        use EmulationType::*;
        [None, Floppy12M, Floppy144M, Floppy288M, HardDisk]
            .into_iter()
            .find(|e| *e as u32 == value)
    }

    /// The exact image size a floppy emulation needs (1.2, 1.44 and 2.88 MB diskettes).
    pub fn floppy_bytes(self) -> Option<u64> {
        match self {
            EmulationType::Floppy12M => Some(1_228_800),
            EmulationType::Floppy144M => Some(1_474_560),
            EmulationType::Floppy288M => Some(2_949_120),
            _ => None,
        }
    }

    /// The floppy emulation whose size is exactly `bytes`.
    pub fn floppy_of_size(bytes: u64) -> Option<EmulationType> {
        use EmulationType::*;
        [Floppy12M, Floppy144M, Floppy288M]
            .into_iter()
            .find(|e| e.floppy_bytes() == Some(bytes))
    }
}

/// One boot entry: IMAPI2's `IBootOptions`.
#[derive(Debug, Clone)]
pub struct BootOptions {
    image: Option<FileData>,
    pub manufacturer: String,
    pub platform_id: PlatformId,
    emulation: EmulationType,
    /// Load segment for x86 (0 means the BIOS default 0x07C0).
    pub load_segment: u16,
}

impl Default for BootOptions {
    fn default() -> BootOptions {
        BootOptions {
            image: None,
            manufacturer: String::new(),
            platform_id: PlatformId::X86,
            emulation: EmulationType::None,
            load_segment: 0,
        }
    }
}

impl BootOptions {
    pub fn new() -> BootOptions {
        BootOptions::default()
    }

    /// `AssignBootImage`: takes the image and, when its size is exactly that of a 1.2, 1.44 or
    /// 2.88 MB diskette, selects that floppy emulation (imapi2.md §2.8); any other size selects no
    /// emulation unless hard-disk emulation was chosen and the image is an MBR disk. An empty image
    /// is `IMAPI_E_BOOT_IMAGE_DATA`.
    pub fn assign_boot_image(&mut self, image: FileData) -> ImapiResult<()> {
        if image.size() == 0 {
            return Err(ImapiError::new(HResult::IMAPI_E_BOOT_IMAGE_DATA));
        }
        self.emulation = match EmulationType::floppy_of_size(image.size()) {
            Some(floppy) => floppy,
            None if self.emulation == EmulationType::HardDisk && image.size() >= 512 => EmulationType::HardDisk,
            None => EmulationType::None,
        };
        self.image = Some(image);
        Ok(())
    }

    pub fn boot_image(&self) -> Option<&FileData> {
        self.image.as_ref()
    }

    /// Size of the boot image in bytes (`ImageSize`), 0 before one is assigned.
    pub fn image_size(&self) -> u64 {
        self.image.as_ref().map_or(0, FileData::size)
    }

    pub fn emulation(&self) -> EmulationType {
        self.emulation
    }

    /// `put_Emulation`: a floppy emulation needs an image of exactly that diskette's size and hard
    /// disk emulation one of at least one 512-byte sector, else
    /// `IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH`. Before an image is assigned any type is taken
    /// (AssignBootImage then decides).
    pub fn set_emulation(&mut self, emulation: EmulationType) -> ImapiResult<()> {
        if let Some(image) = &self.image {
            let fits = match emulation {
                EmulationType::None => true,
                EmulationType::HardDisk => image.size() >= 512,
                floppy => floppy.floppy_bytes() == Some(image.size()),
            };
            if !fits {
                return Err(ImapiError::new(HResult::IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH));
            }
        }
        self.emulation = emulation;
        Ok(())
    }

    /// The sector count of the catalog entry, in 512-byte virtual sectors (udf-iso.md §1.8):
    /// 1 for floppy and hard-disk emulation; otherwise the whole image, and for EFI 0 when that
    /// does not fit in 16 bits (libisofs' rule), 65535 for others.
    pub fn load_sectors(&self) -> u16 {
        if self.emulation != EmulationType::None {
            return 1;
        }
        let sectors = self.image_size().div_ceil(512);
        match u16::try_from(sectors) {
            Ok(n) => n,
            Err(_) if self.platform_id == PlatformId::Efi => 0,
            Err(_) => u16::MAX,
        }
    }
}

/// Most boot entries one image may carry (`IMAPI2FS_BOOT_ENTRY_COUNT_MAX`, imapi2.md §2.1).
pub const MAX_BOOT_ENTRIES: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diskette_sized_image_selects_floppy_emulation() {
        let mut boot = BootOptions::new();
        boot.assign_boot_image(FileData::from_bytes(vec![0u8; 1_474_560]))
            .unwrap();
        assert_eq!(boot.emulation(), EmulationType::Floppy144M);
        assert_eq!(boot.load_sectors(), 1);
    }

    #[test]
    fn a_floppy_emulation_that_does_not_fit_is_refused() {
        let mut boot = BootOptions::new();
        boot.assign_boot_image(FileData::from_bytes(vec![0u8; 2048])).unwrap();
        assert_eq!(boot.emulation(), EmulationType::None);
        assert_eq!(boot.load_sectors(), 4);
        let err = boot.set_emulation(EmulationType::Floppy288M).unwrap_err();
        assert_eq!(err.code, HResult::IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH);
        assert_eq!(boot.emulation(), EmulationType::None);
    }

    #[test]
    fn an_empty_boot_image_is_refused() {
        let err = BootOptions::new()
            .assign_boot_image(FileData::from_bytes(Vec::new()))
            .unwrap_err();
        assert_eq!(err.code, HResult::IMAPI_E_BOOT_IMAGE_DATA);
    }
}
