//! El Torito: the boot record (block 17), the boot catalog and the boot images (udf-iso.md §1.8).
//! Boot images are data extents of their own, not files of the tree.

use super::boot::{BootOptions, EmulationType};
use super::iso9660::descriptor::emit_boot_record;
use super::layout::{
    BlockRange, DataId, DescriptorClass, DescriptorSet, DescriptorSlot, FileSystemEmitter, Layout, MetadataWriter,
    SpacePlan,
};
use crate::hresult::{HResult, ImapiError, ImapiResult};

const ENTRY: usize = 32;
const VALIDATION_HEADER_ID: u8 = 0x01;
const BOOTABLE: u8 = 0x88;
const SECTION_HEADER_MORE: u8 = 0x90;
const SECTION_HEADER_LAST: u8 = 0x91;

pub struct ElToritoEmitter {
    entries: Vec<BootOptions>,
    /// Partition type of the first MBR entry, for hard-disk emulation (0 otherwise).
    system_types: Vec<u8>,
    slot: DescriptorSlot,
    catalog: BlockRange,
    images: Vec<DataId>,
}

impl ElToritoEmitter {
    /// Reads the MBR of hard-disk images now (a boot image that cannot be read is
    /// IMAPI_E_BOOT_IMAGE_DATA).
    pub fn new(entries: Vec<BootOptions>) -> ImapiResult<ElToritoEmitter> {
        let mut system_types = Vec::with_capacity(entries.len());
        for entry in &entries {
            let image = entry
                .boot_image()
                .ok_or_else(|| ImapiError::new(HResult::IMAPI_E_BOOT_IMAGE_DATA))?;
            let mut system_type = 0;
            if entry.emulation() == EmulationType::HardDisk {
                let mut mbr = [0u8; 512];
                let boot_image_data = || ImapiError::new(HResult::IMAPI_E_BOOT_IMAGE_DATA);
                let mut open = image.open("boot image").map_err(|_| boot_image_data())?;
                open.read_exact_at(0, &mut mbr, "boot image", image.size())
                    .map_err(|_| boot_image_data())?;
                system_type = mbr[446 + 4];
            }
            system_types.push(system_type);
        }
        Ok(ElToritoEmitter {
            entries,
            system_types,
            slot: 0,
            catalog: BlockRange::default(),
            images: Vec::new(),
        })
    }

    /// The catalog block (udf-iso.md §1.8).
    fn catalog_bytes(&self, layout: &Layout) -> Vec<u8> {
        let mut catalog = vec![0u8; 2048];
        let first = &self.entries[0];
        // Validation entry: header, platform, ID string, checksum, 55 AA.
        let v = &mut catalog[..ENTRY];
        v[0] = VALIDATION_HEADER_ID;
        v[1] = first.platform_id as u8;
        put_id(&mut v[4..28], &first.manufacturer);
        v[30] = 0x55;
        v[31] = 0xAA;
        let sum = v
            .chunks_exact(2)
            .fold(0u16, |acc, w| acc.wrapping_add(u16::from_le_bytes([w[0], w[1]])));
        v[28..30].copy_from_slice(&0u16.wrapping_sub(sum).to_le_bytes());
        // Initial/default entry: the first boot image.
        self.put_entry(&mut catalog[ENTRY..2 * ENTRY], 0, layout);
        // Further images in sections, one header per run of entries with the same platform and ID.
        let mut at = 2 * ENTRY;
        let mut i = 1;
        while i < self.entries.len() {
            let key = (self.entries[i].platform_id, &self.entries[i].manufacturer);
            let run = self.entries[i..]
                .iter()
                .take_while(|e| (e.platform_id, &e.manufacturer) == key)
                .count();
            let last = i + run == self.entries.len();
            let h = &mut catalog[at..at + ENTRY];
            h[0] = if last { SECTION_HEADER_LAST } else { SECTION_HEADER_MORE };
            h[1] = key.0 as u8;
            h[2..4].copy_from_slice(&(run as u16).to_le_bytes());
            put_id(&mut h[4..32], key.1);
            at += ENTRY;
            for j in i..i + run {
                self.put_entry(&mut catalog[at..at + ENTRY], j, layout);
                at += ENTRY;
            }
            i += run;
        }
        catalog
    }

    fn put_entry(&self, e: &mut [u8], index: usize, layout: &Layout) {
        let options = &self.entries[index];
        e[0] = BOOTABLE;
        e[1] = options.emulation() as u8;
        e[2..4].copy_from_slice(&options.load_segment.to_le_bytes());
        e[4] = self.system_types[index];
        e[6..8].copy_from_slice(&options.load_sectors().to_le_bytes());
        e[8..12].copy_from_slice(&layout.data_extent(self.images[index]).range.lba.to_le_bytes());
    }
}

/// An ASCII ID string, zero padded.
fn put_id(field: &mut [u8], text: &str) {
    for (slot, b) in field.iter_mut().zip(text.bytes()) {
        *slot = b;
    }
}

impl FileSystemEmitter for ElToritoEmitter {
    fn name(&self) -> &'static str {
        "El Torito"
    }

    fn request_descriptors(&mut self, set: &mut DescriptorSet) {
        self.slot = set.request(DescriptorClass::Boot);
    }

    fn reserve(&mut self, space: &mut SpacePlan) -> ImapiResult<()> {
        // 2 + 2 × 31 entries of 32 bytes fit one block (IMAPI2FS_BOOT_ENTRY_COUNT_MAX is 32).
        self.catalog = space.allocate(1)?;
        for (i, entry) in self.entries.iter().enumerate() {
            let image = entry
                .boot_image()
                .cloned()
                .ok_or_else(|| ImapiError::new(HResult::IMAPI_E_BOOT_IMAGE_DATA))?;
            self.images
                .push(space.request_data(image, format!("Boot image {}", i + 1)));
        }
        Ok(())
    }

    fn emit(&self, layout: &Layout, out: &mut MetadataWriter) -> ImapiResult<()> {
        emit_boot_record(out.block_mut(layout.descriptor_lba(self.slot)), self.catalog.lba);
        out.write(self.catalog.lba, &self.catalog_bytes(layout));
        Ok(())
    }
}
