//! READ DISC STRUCTURE (mmc.md §1.3): DVD 00h physical format, 11h ADIP, 20h DVD+R DL layer
//! boundary and FFh capability list; BD 00h disc information, 0Ah spare area and FFh. Structures
//! of another media class are 5/30/02 (QEMU), formats the medium does not have 5/24/00 at byte 7 —
//! the DVD-R DL layer jump structures 21h–24h among them: no Layer Jump medium (profile 16h) is
//! modelled, and dvd+rw-mediainfo asks for them on 16h only.
//! SEND DISC STRUCTURE takes 20h on DVD+R DL, where the disc decides whether the boundary may
//! still change; every other format is 5/24/00 at byte 7.

use crate::device::DataPhase;
use crate::drive::{Drive, Failure, Outcome, Reply, truncated};
use crate::media::medium::MediumError;
use crate::media::{Disc, Family, MediaClass, Profile};
use crate::mmc::Sense;
use crate::mmc::cdb::{ReadDiscStructure, SendDiscStructure, StructureMedia};
use crate::mmc::disc_structure::{
    BdDiscInformationRepr, BdSpareAreaRepr, CapabilityListRepr, StructureCapability, bd_disc_type, structure_format,
};
use crate::mmc::dvd_structure::{
    DATA_START_PSN, DVD_RAM_DATA_START_PSN, DvdAdipRepr, DvdLayerBoundary, DvdLayerBoundaryRepr, DvdPhysicalFormatRepr,
    book_type, layer_type,
};
use crate::mmc::sense_data::FieldPointer;
use crate::mmc::wire::CdbError;

/// What the physical format information (00h) says about a DVD profile.
struct DvdBook {
    profile: Profile,
    book_type: u8,
    layer_type: u8,
    layers: u8,
}

const fn book(profile: Profile, book_type: u8, layer_type: u8, layers: u8) -> DvdBook {
    DvdBook {
        profile,
        book_type,
        layer_type,
        layers,
    }
}

impl DvdBook {
    /// DVD-R, DVD-RW (both modes) and DVD-R DL — the DVD-R and DVD-RW books — carry a control
    /// data zone recorded at manufacture: five drives answer READ DVD STRUCTURE 10h on them with
    /// the data area up to the legacy lead-out 2298496 (dvd+rw-mediainfo "READ DVD
    /// STRUCTURE[#10h] … Legacy lead-out at: 2298496", docs/fidelity.md); one other drive refused
    /// it on a blank DVD-R.
    fn has_control_data_zone(&self) -> bool {
        matches!(self.book_type, book_type::DVD_R | book_type::DVD_RW)
    }
}

/// Book types of mmc.md §1.3 (DVD-ROM 0, DVD-RAM 1, DVD-R 2, DVD-RW 3, DVD+RW 9, DVD+R A, DVD+R
/// DL E) with the layer type of byte 6.
const DVD_BOOKS: &[DvdBook] = &[
    book(Profile::DvdRom, book_type::DVD_ROM, layer_type::EMBOSSED, 1),
    book(Profile::DvdR, book_type::DVD_R, layer_type::RECORDABLE, 1),
    book(Profile::DvdRam, book_type::DVD_RAM, layer_type::REWRITABLE, 1),
    book(
        Profile::DvdRwRestrictedOverwrite,
        book_type::DVD_RW,
        layer_type::REWRITABLE,
        1,
    ),
    book(Profile::DvdRwSequential, book_type::DVD_RW, layer_type::REWRITABLE, 1),
    book(Profile::DvdRDl, book_type::DVD_R, layer_type::RECORDABLE, 2),
    book(Profile::DvdPlusRw, book_type::DVD_PLUS_RW, layer_type::REWRITABLE, 1),
    book(Profile::DvdPlusR, book_type::DVD_PLUS_R, layer_type::RECORDABLE, 1),
    book(Profile::DvdPlusRDl, book_type::DVD_PLUS_R_DL, layer_type::RECORDABLE, 2),
];

/// ADIP media identifiers of the emulated DVD+R / +RW media ("manufacturer/type" as
/// dvd+rw-mediainfo prints them; real ones look like "MCC/004", mmc.md §1.3).
const ADIP_MEDIA_IDS: &[(Profile, &str)] = &[
    (Profile::DvdPlusR, "R01"),
    (Profile::DvdPlusRw, "W01"),
    (Profile::DvdPlusRDl, "D01"),
];
const ADIP_MANUFACTURER: &str = "BURNBNCH";
const ADIP_REVISION: u8 = 1;

/// The largest physical sector number (24 bits).
const LAST_PSN: u32 = 0x00FF_FFFF;
/// One BD disc information unit (DI) is 112 bytes (spec, verify).
const BD_DI_UNIT_BYTES: usize = 112;

impl Drive {
    pub(in crate::drive) fn read_disc_structure(&mut self, command: &ReadDiscStructure) -> Outcome {
        let disc = self.medium_ref()?.disc();
        let reply = match command.media {
            StructureMedia::Dvd => dvd_structure(disc, command)?,
            StructureMedia::Bd => bd_structure(disc, command.format)?,
        };
        Ok(truncated(reply, command.allocation_length.into()))
    }

    /// SEND DISC STRUCTURE 20h on DVD+R DL: the parameter list carries the L0 data zone capacity
    /// (growisofs `plus_r_dl_split`). A zero-length list sends nothing (GOOD); a short one is
    /// 5/1A/00; the disc refuses a fixed boundary (5/2C/00) or a capacity out of range (5/26/00
    /// pointing at byte 8).
    pub(in crate::drive) fn send_disc_structure(
        &mut self,
        command: &SendDiscStructure,
        data: &mut DataPhase<'_>,
    ) -> Outcome {
        let settable = self.medium_ref()?.disc().layer_boundary().is_some();
        if command.media != StructureMedia::Dvd || command.format != structure_format::DVD_LAYER_BOUNDARY || !settable {
            return Err(unknown_format(SendDiscStructure::FORMAT_POINTER));
        }
        self.check_writable()?;
        let length = usize::from(command.parameter_list_length);
        if length == 0 {
            return Ok(Reply::Empty);
        }
        let bytes: &[u8] = match data {
            DataPhase::Out(buffer) => &buffer[..length.min(buffer.len())],
            _ => &[],
        };
        let list = DvdLayerBoundaryRepr::parse(&DvdLayerBoundary::new_checked(bytes)?)?;
        self.medium_mut_or_fail()?
            .set_layer_boundary(list.layer0_blocks)
            .map_err(boundary_failure)?;
        Ok(Reply::Empty)
    }
}

/// Media type 0. On a CD (or a BD) every format but the capability list is 5/30/02 (QEMU ide-cd,
/// mmc.md §1.3).
fn dvd_structure(disc: &Disc, command: &ReadDiscStructure) -> Result<Vec<u8>, Failure> {
    let book = DVD_BOOKS.iter().find(|b| b.profile == disc.profile);
    if book.is_none() && command.format != structure_format::CAPABILITY_LIST {
        return Err(Sense::CANNOT_READ_MEDIUM_INCOMPATIBLE_FORMAT.into());
    }
    match (command.format, book) {
        (structure_format::PHYSICAL_OR_DISC_INFORMATION, Some(book)) => {
            let physical = physical_format(disc, book);
            if command.layer >= physical.layers {
                return Err(CdbError::invalid_field_in_cdb(6, None).into());
            }
            Ok(physical.to_vec())
        }
        (structure_format::DVD_CONTROL_DATA_ZONE, Some(book)) if book.has_control_data_zone() => {
            let physical = physical_format(disc, book);
            if command.layer >= physical.layers {
                return Err(CdbError::invalid_field_in_cdb(6, None).into());
            }
            Ok(physical.to_vec())
        }
        (structure_format::DVD_ADIP, _) => Ok(adip(disc).ok_or_else(read_format)?.to_vec()),
        (structure_format::DVD_LAYER_BOUNDARY, _) => Ok(layer_boundary(disc).ok_or_else(read_format)?.to_vec()),
        (structure_format::CAPABILITY_LIST, _) => {
            let mut listed = Vec::new();
            if let Some(book) = book {
                listed.push(readable(
                    structure_format::PHYSICAL_OR_DISC_INFORMATION,
                    physical_format(disc, book).buffer_len(),
                ));
            }
            if let Some(book) = book.filter(|b| b.has_control_data_zone()) {
                listed.push(readable(
                    structure_format::DVD_CONTROL_DATA_ZONE,
                    physical_format(disc, book).buffer_len(),
                ));
            }
            if let Some(adip) = adip(disc) {
                listed.push(readable(structure_format::DVD_ADIP, adip.buffer_len()));
            }
            if let Some(boundary) = layer_boundary(disc) {
                // Read and sent (SDS and RDS set).
                listed.push(StructureCapability {
                    sendable: true,
                    ..readable(structure_format::DVD_LAYER_BOUNDARY, boundary.buffer_len())
                });
            }
            Ok(capability_list(listed, |count| 4 + 4 * count).to_vec())
        }
        _ => Err(read_format()),
    }
}

/// Physical format information: book type by profile; the data area from PSN 30000h (DVD-RAM
/// 31000h) up to the legacy lead-out real drives report (DVD-R/-RW 2298496, DVD+R 2295104, DVD+R
/// DL the layer boundary: 2086912 on a blank disc, mmc.md §7), or the pressed size on DVD-ROM.
fn physical_format(disc: &Disc, book: &DvdBook) -> DvdPhysicalFormatRepr {
    let facts = disc.facts();
    let capacity = disc.capacity_blocks;
    let start = if disc.profile == Profile::DvdRam {
        DVD_RAM_DATA_START_PSN
    } else {
        DATA_START_PSN
    };
    let legacy_lead_out = match disc.layer_boundary() {
        Some(boundary) => boundary.layer0_blocks,
        None if facts.family == Family::ReadOnly || facts.lead_out_blocks == 0 => capacity,
        None => facts.lead_out_blocks,
    };
    // PSNs are 24 bits: a (corrupt) larger capacity cannot be described.
    let blocks = legacy_lead_out.min(LAST_PSN - start + 1);
    let single = DvdPhysicalFormatRepr {
        data_start_psn: start,
        data_end_psn: start.saturating_add(blocks.saturating_sub(1)),
        ..DvdPhysicalFormatRepr::single_layer(book.book_type, book.layer_type, blocks)
    };
    if book.layers < 2 {
        return single;
    }
    // Dual layer, opposite track path: layer 1 counts up from the complement of layer 0's last
    // PSN. Layer 0 holds the legacy lead-out where it is smaller than the disc (DVD+R DL), else
    // half the disc in whole ECC blocks (spec, verify).
    let layer0_blocks = if blocks < capacity {
        blocks
    } else {
        capacity.div_ceil(2).div_ceil(16) * 16
    };
    let layer0_end = start.saturating_add(layer0_blocks.saturating_sub(1));
    let layer1_start = !layer0_end & LAST_PSN;
    DvdPhysicalFormatRepr {
        layers: 2,
        track_path: true,
        data_end_psn: layer1_start.saturating_add(capacity.saturating_sub(layer0_blocks).saturating_sub(1)),
        layer0_end_psn: layer0_end,
        ..single
    }
}

/// Layer boundary information (20h) of DVD+R DL: Init Status set once the boundary is fixed.
fn layer_boundary(disc: &Disc) -> Option<DvdLayerBoundaryRepr> {
    let boundary = disc.layer_boundary()?;
    Some(DvdLayerBoundaryRepr {
        fixed: !boundary.changeable,
        layer0_blocks: boundary.layer0_blocks,
    })
}

/// ADIP (11h) of DVD+R, DVD+R DL and DVD+RW (mmc.md §1.3).
fn adip(disc: &Disc) -> Option<DvdAdipRepr> {
    let (_, media_type) = ADIP_MEDIA_IDS.iter().find(|(p, _)| *p == disc.profile)?;
    Some(DvdAdipRepr::with_media_id(ADIP_MANUFACTURER, media_type, ADIP_REVISION))
}

/// Media type 1: BD structures on BD media only, anything else is 5/30/02.
fn bd_structure(disc: &Disc, format: u8) -> Result<Vec<u8>, Failure> {
    if disc.profile.class() != MediaClass::Bd {
        return Err(Sense::CANNOT_READ_MEDIUM_INCOMPATIBLE_FORMAT.into());
    }
    match format {
        structure_format::PHYSICAL_OR_DISC_INFORMATION => Ok(disc_information(disc).to_vec()),
        structure_format::BD_SPARE_AREA => Ok(spare_area(disc).ok_or_else(read_format)?.to_vec()),
        structure_format::CAPABILITY_LIST => {
            let mut listed = vec![readable(structure_format::PHYSICAL_OR_DISC_INFORMATION, 0)];
            if spare_area(disc).is_some() {
                listed.push(readable(structure_format::BD_SPARE_AREA, 0));
            }
            // CDEmu's real BD drive reports structure length 0 for every BD entry.
            Ok(capability_list(listed, |_| 0).to_vec())
        }
        _ => Err(read_format()),
    }
}

/// BD disc information: one DI unit naming the disc type (BDO, BDW, BDR).
fn disc_information(disc: &Disc) -> BdDiscInformationRepr {
    let facts = disc.facts();
    let disc_type = match (facts.family, facts.erasable) {
        (Family::ReadOnly, _) => bd_disc_type::ROM,
        (_, true) => bd_disc_type::REWRITABLE,
        (_, false) => bd_disc_type::RECORDABLE,
    };
    BdDiscInformationRepr::with_disc_type(disc_type, BD_DI_UNIT_BYTES)
}

/// Spare area of a formatted BD-R / BD-RE: what the format took from the physical capacity, all
/// of it free (no defects are modelled; libburn `mmc_get_bd_spare_info` reads it).
fn spare_area(disc: &Disc) -> Option<BdSpareAreaRepr> {
    let spare = disc.capacity_blocks.saturating_sub(disc.formatted_blocks()?);
    Some(BdSpareAreaRepr {
        free_spare_blocks: spare,
        allocated_spare_blocks: spare,
    })
}

/// A capability list entry of a format READ DISC STRUCTURE returns with `length` bytes.
fn readable(format: u8, length: usize) -> StructureCapability {
    StructureCapability {
        format,
        sendable: false,
        readable: true,
        length: length.min(usize::from(u16::MAX)) as u16,
    }
}

/// The capability list (FFh): the medium's formats with their reply lengths, then FFh itself,
/// whose length `own_length` gives from the number of entries.
fn capability_list(
    mut capabilities: Vec<StructureCapability>,
    own_length: impl Fn(usize) -> usize,
) -> CapabilityListRepr {
    let count = capabilities.len() + 1;
    capabilities.push(readable(structure_format::CAPABILITY_LIST, own_length(count)));
    CapabilityListRepr { capabilities }
}

/// A structure format READ DISC STRUCTURE does not return for this medium.
fn read_format() -> Failure {
    unknown_format(ReadDiscStructure::FORMAT_POINTER)
}

/// A structure format this medium does not have: 5/24/00 at the format field, byte 7.
fn unknown_format(pointer: FieldPointer) -> Failure {
    CdbError::new(Sense::INVALID_FIELD_IN_CDB, Some(pointer)).into()
}

/// The disc's refusal of a layer boundary; a capacity out of range points at its field, a store
/// that cannot record it is a write error.
fn boundary_failure(error: MediumError) -> Failure {
    match error {
        MediumError::Refused(Sense::INVALID_FIELD_IN_PARAMETER_LIST) => CdbError::new(
            Sense::INVALID_FIELD_IN_PARAMETER_LIST,
            Some(DvdLayerBoundaryRepr::CAPACITY_POINTER),
        )
        .into(),
        MediumError::Refused(sense) => sense.into(),
        _ => Sense::WRITE_ERROR.into(),
    }
}

#[cfg(test)]
#[path = "structure_tests.rs"]
mod tests;
