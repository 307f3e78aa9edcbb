//! Issuing MMC commands over a `ScsiDevice` and reading their replies: the one place where the
//! layers above the device turn a CHECK CONDITION or a transport failure into an error.

use crate::device::{DataPhase, ScsiDevice, TransportError};
use crate::mmc::Sense;
use crate::mmc::cdb::Command;
use crate::mmc::sense_data::SenseDataRepr;
use crate::mmc::wire::CdbError;

/// A command that did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{command}: {source}")]
    Transport {
        command: &'static str,
        source: TransportError,
    },
    #[error("{command}: CHECK CONDITION {}{}", sense.sense, sense.information.map(|lba| format!(" (INFORMATION: LBA {lba})")).unwrap_or_default())]
    Check {
        command: &'static str,
        sense: SenseDataRepr,
    },
    #[error("{command}: malformed reply ({error})")]
    Malformed { command: &'static str, error: CdbError },
}

impl CommandError {
    /// The sense triple of a CHECK CONDITION, if that is what happened.
    pub fn sense(&self) -> Option<Sense> {
        match self {
            CommandError::Check { sense, .. } => Some(sense.sense),
            _ => None,
        }
    }
}

/// Send `command` with a data-in buffer of its allocation length; returns the bytes received.
pub fn data_in(device: &mut dyn ScsiDevice, command: impl Into<Command>) -> Result<Vec<u8>, CommandError> {
    let command = command.into();
    let name = command.opcode_name();
    let length = match command.data_direction() {
        crate::mmc::cdb::DataDirection::In { bytes } => bytes as usize,
        _ => 0,
    };
    let mut buffer = vec![0u8; length];
    let completion = device
        .execute(&command.to_vec(), DataPhase::In(&mut buffer))
        .map_err(|source| CommandError::Transport { command: name, source })?;
    if !completion.is_good() {
        return Err(check(name, &completion.sense));
    }
    buffer.truncate(length - completion.residual.min(length));
    Ok(buffer)
}

/// Send `command` with no data (or with `data` out).
pub fn no_data(
    device: &mut dyn ScsiDevice,
    command: impl Into<Command>,
    data: Option<&[u8]>,
) -> Result<(), CommandError> {
    let command = command.into();
    let name = command.opcode_name();
    let phase = data.map_or(DataPhase::None, DataPhase::Out);
    let completion = device
        .execute(&command.to_vec(), phase)
        .map_err(|source| CommandError::Transport { command: name, source })?;
    if completion.is_good() {
        Ok(())
    } else {
        Err(check(name, &completion.sense))
    }
}

fn check(command: &'static str, sense: &[u8]) -> CommandError {
    match SenseDataRepr::parse_any(sense) {
        Ok(sense) => CommandError::Check { command, sense },
        Err(error) => CommandError::Malformed { command, error },
    }
}

/// Parse a reply, naming the command when it is malformed.
pub fn parsed<T>(command: &'static str, result: Result<T, CdbError>) -> Result<T, CommandError> {
    result.map_err(|error| CommandError::Malformed { command, error })
}
