//! Turning an `Mmc` step into bytes: the CDB (typed commands are built with `mmc::cdb`), the
//! data-out phase and the size of the data-in buffer.

use super::load::resolve;
use super::schema::{BlankKind, CloseKind, Command, DataOut, MmcStep, MultiSession, PageControlKind, Pattern, Request};
use crate::mmc::cdb::{self as cdb, DataDirection};
use crate::mmc::format_unit::FormatListRepr;
use crate::mmc::mode_parameters::{HeaderKind, ModePageRepr, ModeParameterListRepr};
use crate::mmc::write_parameters::{WriteParametersPageRepr, multi_session};
use std::path::Path;

/// Bytes in one block of every medium modelled.
pub const BLOCK_BYTES: usize = 2048;
/// The largest data-in buffer a step may ask for (64 MiB).
const MAX_DATA_IN: usize = 64 << 20;

/// A command ready to send.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub cdb: Vec<u8>,
    pub data_out: Option<Vec<u8>>,
    /// Size of the data-in buffer, if the command has a data-in phase.
    pub data_in: Option<usize>,
    /// The first block the CDB addresses (READ / WRITE / VERIFY), for the `Lba` pattern.
    pub lba: Option<u32>,
}

impl Prepared {
    /// `WRITE(10) 2a 00 00 00 00 10 00 00 01 00`.
    pub fn label(&self) -> String {
        let name = self.cdb.first().and_then(|&c| cdb::opcode_name(c)).unwrap_or("UNKNOWN");
        format!("{name} {}", crate::drive::trace::hex(&self.cdb))
    }
}

/// Build the CDB and data phases of a step; `file` resolves fixture paths.
pub fn prepare(step: &MmcStep, file: &Path) -> Result<Prepared, String> {
    let (bytes, built_out) = match &step.request {
        Request::Raw(bytes) => (bytes.clone(), None),
        Request::Typed(command) => typed(command)?,
    };
    let decoded = cdb::Command::decode(&bytes).ok();
    let direction = decoded.map_or(DataDirection::None, |c| c.data_direction());
    let lba = decoded.and_then(|c| first_block(&c));
    let data_out = match (&step.data_out, built_out) {
        (Some(data), _) => Some(data_out(data, lba, file)?),
        (None, Some(built)) => Some(built),
        (None, None) => match direction {
            // A WRITE without data: the `Lba` pattern; anything else: zeros of the announced length.
            DataDirection::Out { bytes: length } => Some(match decoded {
                Some(cdb::Command::Write10(_) | cdb::Command::Write12(_) | cdb::Command::WriteAndVerify10(_)) => {
                    pattern_blocks(Pattern::Lba, lba.unwrap_or(0), (length as usize / BLOCK_BYTES) as u32)
                }
                _ => vec![0; length as usize],
            }),
            _ => None,
        },
    };
    let data_in = match (step.data_in, direction) {
        (Some(length), _) => Some(length),
        (None, DataDirection::In { bytes: length }) => Some(length as usize),
        (None, _) => None,
    };
    if data_in.is_some_and(|n| n > MAX_DATA_IN) {
        return Err(format!("a data-in buffer of more than {MAX_DATA_IN} bytes"));
    }
    if data_in.is_some() && data_out.is_some() {
        return Err("a command moves data one way: give `data_in` or `data_out`, not both".into());
    }
    Ok(Prepared {
        cdb: bytes,
        data_out,
        data_in,
        lba,
    })
}

/// The CDB of a typed command, and the parameter list it carries.
fn typed(command: &Command) -> Result<(Vec<u8>, Option<Vec<u8>>), String> {
    use cdb::Command as C;
    let plain = |c: C| Ok((c.to_vec(), None));
    match *command {
        Command::Tur => plain(C::TestUnitReady(cdb::TestUnitReady)),
        Command::RequestSense => plain(C::RequestSense(cdb::RequestSense {
            descriptor_format: false,
            allocation_length: 18,
        })),
        Command::Inquiry => plain(C::Inquiry(cdb::Inquiry {
            page: cdb::InquiryPage::Standard,
            allocation_length: 36,
        })),
        Command::GetConfiguration => plain(C::GetConfiguration(cdb::GetConfiguration {
            request_type: cdb::ConfigurationRequest::All,
            starting_feature: 0,
            allocation_length: 4096,
        })),
        Command::GetFeature { feature } => plain(C::GetConfiguration(cdb::GetConfiguration {
            request_type: cdb::ConfigurationRequest::One,
            starting_feature: feature,
            allocation_length: 1024,
        })),
        Command::GetEventStatus { classes } => plain(C::GetEventStatusNotification(cdb::GetEventStatusNotification {
            class_request: classes,
            allocation_length: 8,
        })),
        Command::ReadCapacity => plain(C::ReadCapacity(cdb::ReadCapacity)),
        Command::ReadDiscInformation => plain(C::ReadDiscInformation(cdb::ReadDiscInformation {
            data_type: cdb::DiscInformationType::Standard,
            allocation_length: 34,
        })),
        Command::ReadTrackInformation { track, lba, session } => {
            let address = match (track, lba, session) {
                (Some(track), None, None) => cdb::TrackAddress::Track(track),
                (None, Some(lba), None) => cdb::TrackAddress::Lba(lba),
                (None, None, Some(session)) => cdb::TrackAddress::Session(session),
                _ => return Err("ReadTrackInformation needs exactly one of `track`, `lba` or `session`".into()),
            };
            plain(C::ReadTrackInformation(cdb::ReadTrackInformation {
                address,
                open: false,
                allocation_length: 48,
            }))
        }
        Command::Read { lba, blocks } => plain(C::Read10(cdb::Read10 {
            lba,
            transfer_blocks: blocks,
            disable_page_out: false,
            force_unit_access: false,
        })),
        Command::Write { lba, blocks } => plain(C::Write10(cdb::Write10 {
            lba,
            transfer_blocks: blocks,
            disable_page_out: false,
            force_unit_access: false,
        })),
        Command::SyncCache | Command::SyncCacheImmed => plain(C::SynchronizeCache(cdb::SynchronizeCache {
            immediate: matches!(command, Command::SyncCacheImmed),
            lba: 0,
            blocks: 0,
        })),
        Command::Close { function, track, immed } => plain(C::CloseTrackSession(cdb::CloseTrackSession {
            immediate: immed,
            function: match function {
                CloseKind::StopFormat => cdb::CloseFunction::StopBackgroundFormat,
                CloseKind::Track => cdb::CloseFunction::CloseTrack,
                CloseKind::Session => cdb::CloseFunction::CloseSession,
                CloseKind::FinalizeMinimalRadius => cdb::CloseFunction::FinalizeMinimalRadius,
                CloseKind::Finalize => cdb::CloseFunction::Finalize,
            },
            track_number: track,
        })),
        Command::Reserve { blocks } => plain(C::ReserveTrack(cdb::ReserveTrack {
            reservation: cdb::Reservation::Size { blocks },
            reserve_medium_zone: false,
        })),
        Command::Blank { kind, immed } => plain(C::Blank(cdb::Blank {
            immediate: immed,
            blanking_type: match kind {
                BlankKind::Full => cdb::BlankingType::Disc,
                BlankKind::Minimal => cdb::BlankingType::Minimal,
                BlankKind::Track => cdb::BlankingType::Track,
                BlankKind::UncloseLastSession => cdb::BlankingType::UncloseLastSession,
                BlankKind::LastSession => cdb::BlankingType::LastSession,
            },
            address: 0,
        })),
        Command::Format {
            format_type,
            subtype,
            blocks,
            parameter,
            immed,
        } => {
            let list = FormatListRepr {
                immediate: immed,
                ..FormatListRepr::immediate(format_type, subtype, blocks, parameter)
            };
            let command = C::FormatUnit(cdb::FormatUnit {
                format_data: true,
                complete_list: false,
            });
            Ok((command.to_vec(), Some(list.to_vec())))
        }
        Command::ModeSelectPage05 {
            write_type,
            data_block_type,
            multi_session: multi,
            test_write,
            track_mode,
            fixed_packet,
            packet_size,
            link_size,
        } => {
            let base = WriteParametersPageRepr::default();
            let page = WriteParametersPageRepr {
                write_type: write_type.unwrap_or(base.write_type),
                data_block_type: data_block_type.unwrap_or(base.data_block_type),
                multi_session: match multi {
                    Some(MultiSession::Finalize) => multi_session::FINALIZE,
                    Some(MultiSession::Appendable) => multi_session::APPENDABLE,
                    None => base.multi_session,
                },
                test_write: test_write.unwrap_or(base.test_write),
                track_mode: track_mode.unwrap_or(base.track_mode),
                fixed_packet: fixed_packet.unwrap_or(base.fixed_packet),
                packet_size: packet_size.unwrap_or(base.packet_size),
                link_size_valid: link_size.is_some(),
                link_size: link_size.unwrap_or(base.link_size),
                ..base
            };
            let list = ModeParameterListRepr::new(HeaderKind::Ten, vec![ModePageRepr::WriteParameters(page)]).to_vec();
            let command = C::ModeSelect10(cdb::ModeSelect10 {
                parameter_list_length: list.len() as u16,
            });
            Ok((command.to_vec(), Some(list)))
        }
        Command::ModeSense { page, control } => {
            let mut bytes = C::ModeSense10(cdb::ModeSense10 {
                long_lba_accepted: false,
                disable_block_descriptors: false,
                page_control: match control {
                    PageControlKind::Current | PageControlKind::Saved => cdb::PageControl::Current,
                    PageControlKind::Changeable => cdb::PageControl::Changeable,
                    PageControlKind::Default => cdb::PageControl::Default,
                },
                page_code: page,
                subpage_code: 0,
                allocation_length: 4096,
            })
            .to_vec();
            if control == PageControlKind::Saved {
                // PC 11b has no typed form (the decoder refuses it): set byte 2 bits 7–6 by hand.
                bytes[2] |= 0xC0;
            }
            Ok((bytes, None))
        }
        Command::Prevent | Command::Allow => plain(C::PreventAllowMediumRemoval(cdb::PreventAllowMediumRemoval {
            prevent: matches!(command, Command::Prevent),
            persistent: false,
        })),
        Command::EjectTray | Command::LoadTray => plain(C::StartStopUnit(cdb::StartStopUnit {
            immediate: false,
            action: if matches!(command, Command::EjectTray) {
                cdb::StartStopAction::Eject
            } else {
                cdb::StartStopAction::Load
            },
        })),
        Command::SendOpc => plain(C::SendOpcInformation(cdb::SendOpcInformation {
            do_opc: true,
            exclude_layer0: false,
            exclude_layer1: false,
            parameter_list_length: 0,
        })),
        Command::MechanismStatus => plain(C::MechanismStatus(cdb::MechanismStatus { allocation_length: 8 })),
        Command::ReadBufferCapacity => plain(C::ReadBufferCapacity(cdb::ReadBufferCapacity {
            block: false,
            allocation_length: 12,
        })),
    }
}

/// The first block a READ, WRITE or VERIFY addresses.
fn first_block(command: &cdb::Command) -> Option<u32> {
    use cdb::Command as C;
    Some(match command {
        C::Read10(c) => c.lba,
        C::Read12(c) => c.lba,
        C::Write10(c) => c.lba.max(0) as u32,
        C::Write12(c) => c.lba.max(0) as u32,
        C::WriteAndVerify10(c) => c.lba.max(0) as u32,
        C::Verify10(c) => c.lba,
        _ => return None,
    })
}

fn data_out(data: &DataOut, lba: Option<u32>, file: &Path) -> Result<Vec<u8>, String> {
    Ok(match data {
        DataOut::Hex(bytes) => bytes.0.clone(),
        DataOut::File(path) => {
            let path = resolve(file, path)?;
            std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?
        }
        DataOut::Blocks { count, pattern } => {
            if *count as usize * BLOCK_BYTES > MAX_DATA_IN {
                return Err(format!("{count} blocks of data out is more than {MAX_DATA_IN} bytes"));
            }
            pattern_blocks(*pattern, lba.unwrap_or(0), *count)
        }
    })
}

/// `count` blocks of `pattern`, the first at `lba`.
pub fn pattern_blocks(pattern: Pattern, lba: u32, count: u32) -> Vec<u8> {
    let mut bytes = vec![0u8; count as usize * BLOCK_BYTES];
    for (i, block) in bytes.chunks_mut(BLOCK_BYTES).enumerate() {
        match pattern {
            Pattern::Fill(byte) => block.fill(byte),
            Pattern::Lba => {
                let stamp = (lba + i as u32).to_be_bytes();
                for word in block.chunks_mut(4) {
                    word.copy_from_slice(&stamp);
                }
            }
        }
    }
    bytes
}
