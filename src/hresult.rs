//! IMAPI2 HRESULTs: every code the project reproduces, with its exact value, symbolic name and
//! message (imapi2.md §1.1 file-system image codes, §1.2 data writer / recorder codes, §1.4 the
//! generic COM codes the IMAPI2 documentation lists).
//!
//! The codes are one table of data ([`HRESULT_TABLE`]), like the sense triples of `mmc::sense`:
//! code refers to the generated constants (`HResult::IMAPI_E_NO_OUTPUT`), never to bare numbers.
//! [`ImapiError`] is the API-level error of the image builder and the recorder API: a code plus
//! the values of its `%1!ls!`-style message inserts.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A COM `HRESULT` as the IMAPI2 headers define it (bit 31 = failure, facility `0xAA` = IMAPI2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HResult(pub u32);

/// One row of the table: the code, its symbolic name and the header's message text, inserts
/// (`%1!ls!`, `%2!I64d!`, …) left as they are in the header.
#[derive(Debug, Clone, Copy)]
pub struct HResultEntry {
    pub code: HResult,
    pub name: &'static str,
    pub message: &'static str,
}

macro_rules! hresult_table {
    ($( $(#[$doc:meta])* $name:ident = ($value:expr, $text:expr); )*) => {
        #[allow(non_upper_case_globals)]
        impl HResult {
            $( $(#[$doc])* pub const $name: HResult = HResult($value); )*
        }
        /// Every HRESULT the project knows, in one table (imapi2.md §1.1, §1.2, §1.4).
        pub const HRESULT_TABLE: &[HResultEntry] = &[
            $( HResultEntry { code: HResult::$name, name: stringify!($name), message: $text }, )*
        ];
    };
}

hresult_table! {
    // §1.4 and winerror.h: success. Not in the IMAPI headers, named so that results read well.
    S_OK = (0x0000_0000, "The operation completed successfully.");

    // ---- imapi2.md §1.1: imapi2fserror.h, file-system image (62 codes) ----
    IMAPI_E_FSI_INTERNAL_ERROR = (0xC0AA_B100, "Internal file system error occurred.");
    IMAPI_E_INVALID_PARAM = (0xC0AA_B101, "The value specified for parameter '%1!ls!' is not valid.");
    IMAPI_E_READONLY = (0xC0AA_B102, "FileSystemImage object is in read only mode.");
    IMAPI_E_NO_OUTPUT = (0xC0AA_B103, "No output file system specified.");
    IMAPI_E_INVALID_VOLUME_NAME = (0xC0AA_B104, "The specified Volume Identifier is either too long or contains one or more invalid characters.");
    IMAPI_E_INVALID_DATE = (0xC0AA_B105, "Invalid file dates. %1!ls! time is earlier than %2!ls! time.");
    IMAPI_E_FILE_SYSTEM_NOT_EMPTY = (0xC0AA_B106, "The file system must be empty for this function.");
    IMAPI_E_NOT_FILE = (0xC0AA_B108, "Specified path '%1!ls!' does not identify a file.");
    IMAPI_E_NOT_DIR = (0xC0AA_B109, "Specified path '%1!ls!' does not identify a directory.");
    IMAPI_E_DIR_NOT_EMPTY = (0xC0AA_B10A, "The directory '%1!s!' is not empty.");
    IMAPI_E_NOT_IN_FILE_SYSTEM = (0xC0AA_B10B, "'%1!ls!' is not part of the file system. It must be added to complete this operation.");
    IMAPI_E_INVALID_PATH = (0xC0AA_B110, "Path '%1!s!' is badly formed or contains invalid characters.");
    IMAPI_E_RESTRICTED_NAME_VIOLATION = (0xC0AA_B111, "The name '%1!ls!' specified is not legal: Name of file or directory object created while the UseRestrictedCharacterSet property is set may only contain ANSI characters.");
    IMAPI_E_DUP_NAME = (0xC0AA_B112, "'%1!ls!' name already exists.");
    IMAPI_E_NO_UNIQUE_NAME = (0xC0AA_B113, "Attempt to add '%1!ls!' failed: cannot create a file-system-specific unique name for the %2!ls! file system.");
    IMAPI_E_ITEM_NOT_FOUND = (0xC0AA_B118, "Cannot find item '%1!ls!' in FileSystemImage hierarchy.");
    IMAPI_E_FILE_NOT_FOUND = (0xC0AA_B119, "The file '%1!s!' not found in FileSystemImage hierarchy.");
    IMAPI_E_DIR_NOT_FOUND = (0xC0AA_B11A, "The directory '%1!s!' not found in FileSystemImage hierarchy.");
    IMAPI_E_IMAGE_SIZE_LIMIT = (0xC0AA_B120, "Adding '%1!ls!' would result in a result image having a size larger than the current configured limit.");
    IMAPI_E_IMAGE_TOO_BIG = (0xC0AA_B121, "Value specified for FreeMediaBlocks property is too small for estimated image size based on current data.");
    IMAPI_E_DATA_STREAM_INCONSISTENCY = (0xC0AA_B128, "Data stream supplied for file '%1!ls!' is inconsistent: expected %2!I64d! bytes, found %3!I64d!.");
    IMAPI_E_DATA_STREAM_READ_FAILURE = (0xC0AA_B129, "Cannot read data from stream supplied for file '%1!ls!'.");
    IMAPI_E_DATA_STREAM_CREATE_FAILURE = (0xC0AA_B12A, "The following error was encountered when trying to create data stream for '%1!ls!':");
    IMAPI_E_DIRECTORY_READ_FAILURE = (0xC0AA_B12B, "The following error was encountered when trying to enumerate files in directory '%1!ls!':");
    IMAPI_E_TOO_MANY_DIRS = (0xC0AA_B130, "This file system image has too many directories for the %1!ls! file system.");
    IMAPI_E_ISO9660_LEVELS = (0xC0AA_B131, "ISO9660 is limited to 8 levels of directories.");
    IMAPI_E_DATA_TOO_BIG = (0xC0AA_B132, "Data file is too large for '%1!ls!' file system.");
    IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION = (0xC0AA_B133, "Operation failed because of incompatible layout of the previous session imported from the medium.");
    IMAPI_E_STASHFILE_OPEN_FAILURE = (0xC0AA_B138, "Cannot initialize %1!ls! stash file.");
    IMAPI_E_STASHFILE_SEEK_FAILURE = (0xC0AA_B139, "Error seeking in '%1!ls!' stash file.");
    IMAPI_E_STASHFILE_WRITE_FAILURE = (0xC0AA_B13A, "Error encountered writing to '%1!ls!' stash file.");
    IMAPI_E_STASHFILE_READ_FAILURE = (0xC0AA_B13B, "Error encountered reading from '%1!ls!' stash file.");
    IMAPI_E_INVALID_WORKING_DIRECTORY = (0xC0AA_B140, "The working directory '%1!ls!' is not valid.");
    IMAPI_E_WORKING_DIRECTORY_SPACE = (0xC0AA_B141, "Cannot set working directory to '%1!ls!'. Space available is %2!I64d! bytes, approximately %3!I64d! bytes required.");
    IMAPI_E_STASHFILE_MOVE = (0xC0AA_B142, "Attempt to move the data stash file to directory '%1!ls!' was not successful.");
    IMAPI_E_BOOT_IMAGE_DATA = (0xC0AA_B148, "The boot object could not be added to the image.");
    IMAPI_E_BOOT_OBJECT_CONFLICT = (0xC0AA_B149, "A boot object can only be included in an initial disc image.");
    IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH = (0xC0AA_B14A, "The emulation type requested does not match the boot image size.");
    IMAPI_E_EMPTY_DISC = (0xC0AA_B150, "Optical media is empty.");
    IMAPI_E_NO_SUPPORTED_FILE_SYSTEM = (0xC0AA_B151, "The specified disc does not contain one of the supported file systems.");
    IMAPI_E_FILE_SYSTEM_NOT_FOUND = (0xC0AA_B152, "The specified disc does not contain a '%1!ls!' file system.");
    IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR = (0xC0AA_B153, "Consistency error encountered while importing the '%1!ls!' file system.");
    IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED = (0xC0AA_B154, "The '%1!ls!'file system on the selected disc contains a feature not supported for import.");
    IMAPI_E_IMPORT_TYPE_COLLISION_FILE_EXISTS_AS_DIRECTORY = (0xC0AA_B155, "Could not import %2!ls! file system from disc. The file '%1!ls!' already exists within the image hierarchy as a directory.");
    IMAPI_E_IMPORT_SEEK_FAILURE = (0xC0AA_B156, "Cannot seek to block %1!I64d! on source disc.");
    IMAPI_E_IMPORT_READ_FAILURE = (0xC0AA_B157, "Import from previous session failed due to an error reading a block on the media (most likely block %1!u!).");
    IMAPI_E_DISC_MISMATCH = (0xC0AA_B158, "Current disc is not the same one from which file system was imported.");
    IMAPI_E_IMPORT_MEDIA_NOT_ALLOWED = (0xC0AA_B159, "IMAPI does not allow multi-session with the current media type.");
    IMAPI_E_UDF_NOT_WRITE_COMPATIBLE = (0xC0AA_B15A, "IMAPI can not do multi-session with the current media because it does not support a compatible UDF revision for write.");
    IMAPI_E_INCOMPATIBLE_MULTISESSION_TYPE = (0xC0AA_B15B, "IMAPI does not support the multisession type requested.");
    IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE = (0xC0AA_B15C, "IMAPI supports none of the multisession type(s) provided on the current media.");
    IMAPI_E_MULTISESSION_NOT_SET = (0xC0AA_B15D, "MultisessionInterfaces property must be set prior calling this method.");
    IMAPI_E_IMPORT_TYPE_COLLISION_DIRECTORY_EXISTS_AS_FILE = (0xC0AA_B15E, "Could not import %2!ls! file system from disc. The directory '%1!ls!' already exists within the image hierarchy as a file.");
    IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED = (0x00AA_B15F, "Feature is not supported for the current file system revision, image will be created without this feature.");
    IMAPI_E_PROPERTY_NOT_ACCESSIBLE = (0xC0AA_B160, "Property '%1!ls!' is not accessible");
    IMAPI_E_UDF_REVISION_CHANGE_NOT_ALLOWED = (0xC0AA_B161, "UDF revision cannot be changed because of the previously imported session");
    IMAPI_E_BAD_MULTISESSION_PARAMETER = (0xC0AA_B162, "One of the multisession parameters cannot be retrieved or has a wrong value.");
    IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED = (0xC0AA_B163, "You cannot change the file system to be created, because the file system in the imported session and the one in the new session must match.");
    IMAPI_E_IMAGEMANAGER_IMAGE_NOT_ALIGNED = (0xC0AA_B200, "The image is not 2kb aligned. Only 2048 bytes aligned images are supported.");
    IMAPI_E_IMAGEMANAGER_NO_VALID_VD_FOUND = (0xC0AA_B201, "No valid file system Volume Descriptor was found in the iso image. This image format is not supported and the resulting disc might not be readable.");
    IMAPI_E_IMAGEMANAGER_NO_IMAGE = (0xC0AA_B202, "No image was set (neither path nor stream was given).");
    IMAPI_E_IMAGEMANAGER_IMAGE_TOO_BIG = (0xC0AA_B203, "Image size exceeds MAXLONG sectors - too big.");

    // ---- imapi2.md §1.2: imapi2error.h, data writer / recorder / erase / raw CD (90 codes) ----
    // Bit-pattern trap (§1.2): the erase codes 0900–0908 and every raw-image error are
    // 0x80AAxxxx, not 0xC0AAxxxx; successes are 0x00AAxxxx.
    E_IMAPI_REQUEST_CANCELLED = (0xC0AA_0002, "The request was cancelled.");
    E_IMAPI_RECORDER_REQUIRED = (0xC0AA_0003, "The request requires a current disc recorder to be selected.");
    S_IMAPI_SPEEDADJUSTED = (0x00AA_0004, "The requested write speed was not supported by the drive and the speed was adjusted.");
    S_IMAPI_ROTATIONADJUSTED = (0x00AA_0005, "The requested rotation type was not supported by the drive and the rotation type was adjusted.");
    S_IMAPI_BOTHADJUSTED = (0x00AA_0006, "The requested write speed and rotation type were not supported by the drive and they were both adjusted.");
    E_IMAPI_BURN_VERIFICATION_FAILED = (0xC0AA_0007, "The disc did not pass burn verification and may contain corrupt data or be unusable.");
    S_IMAPI_COMMAND_HAS_SENSE_DATA = (0x00AA_0200, "The device accepted the command, but returned sense data, indicating an error.");
    E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE = (0xC0AA_0201, "The device reported that the requested mode page (and type) is not present.");
    E_IMAPI_RECORDER_MEDIA_NO_MEDIA = (0xC0AA_0202, "There is no media in the device.");
    E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE = (0xC0AA_0203, "The media is not compatible or of unknown physical format.");
    E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN = (0xC0AA_0204, "The media is inserted upside down.");
    E_IMAPI_RECORDER_MEDIA_BECOMING_READY = (0xC0AA_0205, "The drive reported that it is in the process of becoming ready. Please try the request again later.");
    E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS = (0xC0AA_0206, "The media is currently being formatted. Please wait for the format to complete before attempting to use the media.");
    E_IMAPI_RECORDER_MEDIA_BUSY = (0xC0AA_0207, "The drive reported that it is performing a long-running operation, such as finishing a write. The drive may be unusable for a long period of time.");
    E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS = (0xC0AA_0208, "The drive reported that the combination of parameters provided in the mode page for a MODE SELECT command were not supported.");
    E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED = (0xC0AA_0209, "The drive reported that the media is write protected.");
    E_IMAPI_RECORDER_NO_SUCH_FEATURE = (0xC0AA_020A, "The feature page requested is not supported by the device.");
    E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT = (0xC0AA_020B, "The feature page requested is supported, but is not marked as current.");
    E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED = (0xC0AA_020C, "The drive does not support the GET CONFIGURATION command.");
    E_IMAPI_RECORDER_COMMAND_TIMEOUT = (0xC0AA_020D, "The device failed to accept the command within the timeout period. This may be caused by the device having entered an inconsistent state, or the timeout value for the command may need to be increased.");
    E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT = (0xC0AA_020E, "The DVD structure is not present. This may be caused by incompatible drive/medium used.");
    E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH = (0xC0AA_020F, "The media's speed is incompatible with the device. This may be caused by using higher or lower speed media than the range of speeds supported by the device.");
    E_IMAPI_RECORDER_LOCKED = (0xC0AA_0210, "The device associated with this recorder during the last operation has been exclusively locked, causing this operation to failed.");
    E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID = (0xC0AA_0211, "The client name is not valid.");
    E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED = (0xC0AA_0212, "The media is not formatted. Please format the media before attempting to use it.");
    E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE = (0xC0AA_02FF, "The device reported unexpected or invalid data for a command.");
    E_IMAPI_LOSS_OF_STREAMING = (0xC0AA_0300, "The write failed because the drive did not receive data quickly enough to continue writing. Moving the source data to the local computer, reducing the write speed, or enabling a \"buffer underrun free\" setting may resolve this issue.");
    E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE = (0xC0AA_0301, "The write failed because the drive returned error information that could not be recovered from.");
    S_IMAPI_WRITE_NOT_IN_PROGRESS = (0x00AA_0302, "There is no write operation currently in progress.");
    E_IMAPI_DF2DATA_WRITE_IN_PROGRESS = (0xC0AA_0400, "There is currently a write operation in progress.");
    E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS = (0xC0AA_0401, "There is no write operation currently in progress.");
    E_IMAPI_DF2DATA_INVALID_MEDIA_STATE = (0xC0AA_0402, "The requested operation is only valid with supported media.");
    E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED = (0xC0AA_0403, "The provided stream to write is not supported.");
    E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA = (0xC0AA_0404, "The provided stream to write is too large for the currently inserted media.");
    E_IMAPI_DF2DATA_MEDIA_NOT_BLANK = (0xC0AA_0405, "Overwriting non-blank media is not allowed without the ForceOverwrite property set to VARIANT_TRUE.");
    E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED = (0xC0AA_0406, "The current media type is unsupported.");
    E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED = (0xC0AA_0407, "This device does not support the operations required by this disc format.");
    E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID = (0xC0AA_0408, "The client name is not valid.");
    E_IMAPI_DF2TAO_WRITE_IN_PROGRESS = (0xC0AA_0500, "There is currently a write operation in progress.");
    E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS = (0xC0AA_0501, "There is no write operation currently in progress.");
    E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED = (0xC0AA_0502, "The requested operation is only valid when media has been \"prepared\".");
    E_IMAPI_DF2TAO_MEDIA_IS_PREPARED = (0xC0AA_0503, "The requested operation is not valid when media has been \"prepared\" but not released.");
    E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY = (0xC0AA_0504, "The property cannot be changed once the media has been written to.");
    E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC = (0xC0AA_0505, "The table of contents cannot be retrieved from an empty disc.");
    E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK = (0xC0AA_0506, "Only blank CD-R/RW media is supported.");
    E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED = (0xC0AA_0507, "Only blank CD-R/RW media is supported.");
    E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED = (0xC0AA_0508, "CD-R and CD-RW media support a maximum of 99 audio tracks.");
    E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE = (0xC0AA_0509, "There is not enough space left on the media to add the provided audio track.");
    E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED = (0xC0AA_050A, "You cannot prepare the media until you choose a recorder to use.");
    E_IMAPI_DF2TAO_INVALID_ISRC = (0xC0AA_050B, "The ISRC provided is not valid.");
    E_IMAPI_DF2TAO_INVALID_MCN = (0xC0AA_050C, "The Media Catalog Number provided is not valid.");
    E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED = (0xC0AA_050D, "The provided audio stream is not valid.");
    E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED = (0xC0AA_050E, "This device does not support the operations required by this disc format.");
    E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID = (0xC0AA_050F, "The client name is not valid.");
    E_IMAPI_DF2RAW_WRITE_IN_PROGRESS = (0xC0AA_0600, "There is currently a write operation in progress.");
    E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS = (0xC0AA_0601, "There is no write operation currently in progress.");
    E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED = (0xC0AA_0602, "The requested operation is only valid when media has been \"prepared\".");
    E_IMAPI_DF2RAW_MEDIA_IS_PREPARED = (0xC0AA_0603, "The requested operation is not valid when media has been \"prepared\" but not released.");
    E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID = (0xC0AA_0604, "The client name is not valid.");
    E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK = (0xC0AA_0606, "Only blank CD-R/RW media is supported.");
    E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED = (0xC0AA_0607, "Only blank CD-R/RW media is supported.");
    E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE = (0xC0AA_0609, "There is not enough space on the media to add the provided session.");
    E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED = (0xC0AA_060A, "You cannot prepare the media until you choose a recorder to use.");
    E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED = (0xC0AA_060D, "The provided audio stream is not valid.");
    E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED = (0xC0AA_060E, "The requested data block type is not supported by the current device.");
    E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT = (0xC0AA_060F, "The stream does not contain a sufficient number of sectors in the leadin for the current media.");
    E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED = (0xC0AA_0610, "This device does not support the operations required by this disc format.");
    E_IMAPI_ERASE_RECORDER_IN_USE = (0x80AA_0900, "The format is currently using the disc recorder for an erase operation. Please wait for the erase to complete before attempting to set or clear the current disc recorder.");
    E_IMAPI_ERASE_ONLY_ONE_RECORDER_SUPPORTED = (0x80AA_0901, "The erase format only supports one recorder. You must clear the current recorder before setting a new one.");
    E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL = (0x80AA_0902, "The drive did not report sufficient data for a READ DISC INFORMATION command. The drive may not be supported, or the media may not be correct.");
    E_IMAPI_ERASE_MODE_PAGE_2A_TOO_SMALL = (0x80AA_0903, "The drive did not report sufficient data for a MODE SENSE (page 0x2A) command. The drive may not be supported, or the media may not be correct.");
    E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE = (0x80AA_0904, "The drive reported that the media is not erasable.");
    E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND = (0x80AA_0905, "The drive failed the erase command.");
    E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR = (0x80AA_0906, "The drive did not complete the erase in one hour. The drive may require a power cycle, media removal, or other manual intervention to resume proper operation.");
    E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE = (0x80AA_0907, "The drive returned an unexpected error during the erase. The the media may be unusable, the erase may be complete, or the drive may still be in the process of erasing the disc.");
    E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND = (0x80AA_0908, "The drive returned an error for a START UNIT (spinup) command. Manual intervention may be required.");
    E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED = (0xC0AA_0909, "The current media type is unsupported.");
    E_IMAPI_ERASE_RECORDER_NOT_SUPPORTED = (0xC0AA_090A, "This device does not support the operations required by this disc format.");
    E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID = (0xC0AA_090B, "The client name is not valid.");
    E_IMAPI_RAW_IMAGE_IS_READ_ONLY = (0x80AA_0A00, "The image has become read-only from a call to CreateResultImage(). The object can no longer be modified.");
    E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS = (0x80AA_0A01, "No more tracks may be added, as CD media is restricted to track numbers between 1 and 99.");
    E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED = (0x80AA_0A02, "The requested sector type is not supported.");
    E_IMAPI_RAW_IMAGE_NO_TRACKS = (0x80AA_0A03, "Tracks must be added to the image before using this function.");
    E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED = (0x80AA_0A04, "Tracks may not be added to the image prior to the use of this function.");
    E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE = (0x80AA_0A05, "Adding the track would result in exceeding the limit for the start of the leadout.");
    E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES = (0x80AA_0A06, "Adding the track index would result in exceeding the 99 index limit.");
    E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND = (0x80AA_0A07, "The specified LBA offset is not in the list of track indexes.");
    S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS = (0x00AA_0A08, "The specified LBA offset is already in the list of track indexes.");
    E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED = (0x80AA_0A09, "Index 1 (LBA offset zero) may not be cleared.");
    E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX = (0x80AA_0A0A, "Each index must have a minimum size of ten sectors.");

    // ---- imapi2.md §1.4: generic COM / Win32 codes the IMAPI2 documentation lists. The message
    // texts are the system's (FormatMessage) texts for these values; the reference gives values only.
    E_NOTIMPL = (0x8000_4001, "Not implemented");
    E_NOINTERFACE = (0x8000_4002, "No such interface supported");
    E_POINTER = (0x8000_4003, "Invalid pointer");
    E_FAIL = (0x8000_4005, "Unspecified error");
    /// The docs spell it `E_ACCESS_DENIED` (an alias, see [`HRESULT_ALIASES`]).
    E_ACCESSDENIED = (0x8007_0005, "Access is denied.");
    /// `HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE)`; the docs print only the Win32 code 6.
    HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE = (0x8007_0006, "The handle is invalid.");
    E_OUTOFMEMORY = (0x8007_000E, "Not enough memory resources are available to complete this operation.");
    /// `HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)`; the docs print only the Win32 code 55.
    HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST = (0x8007_0037, "The specified network resource or device is no longer available.");
    /// Also `STRSAFE_E_INVALID_PARAMETER` (strsafe.h defines it as the same value).
    E_INVALIDARG = (0x8007_0057, "The parameter is incorrect.");
}

/// Other names the IMAPI2 documentation uses for codes of the table (imapi2.md §1.4).
pub const HRESULT_ALIASES: &[(&str, HResult)] = &[
    ("STRSAFE_E_INVALID_PARAMETER", HResult::E_INVALIDARG),
    ("E_ACCESS_DENIED", HResult::E_ACCESSDENIED),
];

impl HResult {
    /// `STRSAFE_E_INVALID_PARAMETER` (strsafe.h): the same value as `E_INVALIDARG`.
    pub const STRSAFE_E_INVALID_PARAMETER: HResult = HResult::E_INVALIDARG;

    /// The table row for this value, if the project names it.
    pub fn entry(self) -> Option<&'static HResultEntry> {
        HRESULT_TABLE.iter().find(|e| e.code == self)
    }

    /// The symbolic name (`IMAPI_E_NO_OUTPUT`), if the value is in the table.
    pub fn name(self) -> Option<&'static str> {
        self.entry().map(|e| e.name)
    }

    /// The header's message with its inserts (`%1!ls!`) unfilled, if the value is in the table.
    pub fn message_template(self) -> Option<&'static str> {
        self.entry().map(|e| e.message)
    }

    /// Looks a code up by its symbolic name or a documented alias (`E_ACCESS_DENIED`).
    pub fn from_name(name: &str) -> Option<HResult> {
        HRESULT_TABLE
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.code)
            .or_else(|| {
                HRESULT_ALIASES
                    .iter()
                    .find(|(alias, _)| *alias == name)
                    .map(|(_, code)| *code)
            })
    }

    /// Looks a code up by value; `None` for values the table does not name.
    pub fn from_value(value: u32) -> Option<HResult> {
        HResult(value).entry().map(|e| e.code)
    }

    /// `SUCCEEDED(hr)`: the severity bit (31) is clear. `0x00AAB15F` is a success, for example.
    pub const fn is_success(self) -> bool {
        self.0 & 0x8000_0000 == 0
    }

    /// The facility field (bits 16–26); `0xAA` for every IMAPI2 code.
    pub const fn facility(self) -> u16 {
        ((self.0 >> 16) & 0x07FF) as u16
    }

    /// The low 16 bits, as imapi2.md §2.0 abbreviates codes (`B15D`).
    pub const fn code_word(self) -> u16 {
        self.0 as u16
    }

    /// The message with the inserts filled from `params` (see [`fill_message`]); for a value the
    /// table does not name, a generic text.
    pub fn message(self, params: &[String]) -> String {
        match self.message_template() {
            Some(template) => fill_message(template, params),
            None => format!("Unknown HRESULT 0x{:08X}.", self.0),
        }
    }
}

/// Fills FormatMessage inserts (`%1!ls!`, `%2!I64d!`, `%1!u!`, `%1`) with `params[n - 1]`. An
/// insert without a parameter stays as written; parameters beyond the highest insert are appended,
/// separated by a space (the header's B12A/B12B messages end in ':' and expect the cause after it).
pub fn fill_message(template: &str, params: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut highest_used = 0usize;
    let mut rest = template;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            out.push('%');
            rest = after;
            continue;
        }
        let number: usize = after[..digits].parse().unwrap_or(0);
        let mut end = digits;
        // A printf-style format between '!' marks follows the number: `!ls!`, `!I64d!`.
        if after[digits..].starts_with('!')
            && let Some(close) = after[digits + 1..].find('!')
        {
            end = digits + 1 + close + 1;
        }
        match number.checked_sub(1).and_then(|i| params.get(i)) {
            Some(value) => {
                push_insert(&mut out, value);
                highest_used = highest_used.max(number);
            }
            None => out.push_str(&rest[at..at + 1 + end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    for extra in params.iter().skip(highest_used.max(count_inserts(template))) {
        out.push(' ');
        push_insert(&mut out, extra);
    }
    out
}

/// An insert is often a name read from a foreign disc: its control characters are shown escaped
/// (`\n`, `\u{1b}`), so a hostile name cannot split a message or drive the terminal.
fn push_insert(out: &mut String, value: &str) {
    for c in value.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
}

/// The highest insert number a template uses.
fn count_inserts(template: &str) -> usize {
    template
        .split('%')
        .skip(1)
        .filter_map(|s| {
            let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        })
        .max()
        .unwrap_or(0)
}

impl fmt::Debug for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HResult({self})")
    }
}

/// `IMAPI_E_NO_OUTPUT (0xC0AAB103)`, or just `0x12345678` for a value the table does not name.
impl fmt::Display for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} (0x{:08X})", self.0),
            None => write!(f, "0x{:08X}", self.0),
        }
    }
}

/// Why a string is not an HRESULT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownHResult(pub String);

impl fmt::Display for UnknownHResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown HRESULT \"{}\" (expected a name such as IMAPI_E_NO_OUTPUT or a value such as 0xC0AAB103)",
            self.0
        )
    }
}

impl std::error::Error for UnknownHResult {}

/// A symbolic name (`IMAPI_E_NO_OUTPUT`, aliases included) or a hexadecimal value (`0xC0AAB103`,
/// any value, named or not).
impl FromStr for HResult {
    type Err = UnknownHResult;

    fn from_str(s: &str) -> Result<HResult, UnknownHResult> {
        let s = s.trim();
        if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            return u32::from_str_radix(&hex.replace('_', ""), 16)
                .map(HResult)
                .map_err(|_| UnknownHResult(s.to_string()));
        }
        HResult::from_name(s).ok_or_else(|| UnknownHResult(s.to_string()))
    }
}

/// Scenarios name codes: serialized as the name when the table has one, else as `0x…`.
impl Serialize for HResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.name() {
            Some(name) => serializer.serialize_str(name),
            None => serializer.serialize_str(&format!("0x{:08X}", self.0)),
        }
    }
}

impl<'de> Deserialize<'de> for HResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<HResult, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The API-level error of the image builder and the recorder API: an HRESULT plus the values of
/// its message inserts, in insert order (`%1`, `%2`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapiError {
    pub code: HResult,
    pub params: Vec<String>,
}

/// Result of an IMAPI-like call.
pub type ImapiResult<T> = Result<T, ImapiError>;

impl ImapiError {
    /// An error without inserts.
    pub fn new(code: HResult) -> ImapiError {
        ImapiError {
            code,
            params: Vec::new(),
        }
    }

    /// An error whose message inserts are `params`.
    pub fn with<I, S>(code: HResult, params: I) -> ImapiError
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ImapiError {
            code,
            params: params.into_iter().map(Into::into).collect(),
        }
    }

    /// `IMAPI_E_INVALID_PARAM` naming the parameter, as IMAPI2's setters report a bad value.
    pub fn invalid_param(parameter: &str) -> ImapiError {
        ImapiError::with(HResult::IMAPI_E_INVALID_PARAM, [parameter])
    }

    /// The message with its inserts filled.
    pub fn message(&self) -> String {
        self.code.message(&self.params)
    }

    /// The `ImapiError` carried inside an `io::Error` (the result image stream reports build-time
    /// failures such as `IMAPI_E_DATA_STREAM_INCONSISTENCY` through `Read`).
    pub fn from_io(error: &std::io::Error) -> Option<&ImapiError> {
        error.get_ref().and_then(|inner| inner.downcast_ref::<ImapiError>())
    }
}

/// `IMAPI_E_NO_OUTPUT (0xC0AAB103): No output file system specified.`
impl fmt::Display for ImapiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message())
    }
}

impl std::error::Error for ImapiError {}

impl From<HResult> for ImapiError {
    fn from(code: HResult) -> ImapiError {
        ImapiError::new(code)
    }
}

impl From<ImapiError> for std::io::Error {
    fn from(error: ImapiError) -> std::io::Error {
        std::io::Error::other(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(prefix_value: u32, mask: u32) -> usize {
        HRESULT_TABLE.iter().filter(|e| e.code.0 & mask == prefix_value).count()
    }

    #[test]
    fn every_name_and_every_value_is_unique() {
        for (i, a) in HRESULT_TABLE.iter().enumerate() {
            for b in &HRESULT_TABLE[i + 1..] {
                assert_ne!(a.code, b.code, "{} and {} share a value", a.name, b.name);
                assert_ne!(a.name, b.name);
            }
        }
    }

    #[test]
    fn the_catalogs_are_complete() {
        // §1.1: 62 FSI codes (B1xx and the image-manager B2xx block, plus the S:B15F success).
        let fsi = HRESULT_TABLE
            .iter()
            .filter(|e| (0xB100..=0xB2FF).contains(&e.code.code_word()))
            .count();
        assert_eq!(fsi, 62);
        // §1.2: 90 data-writer / recorder codes, every one in facility 0xAA below B100.
        let recorder = HRESULT_TABLE
            .iter()
            .filter(|e| e.code.facility() == 0xAA && e.code.code_word() < 0xB100)
            .count();
        assert_eq!(recorder, 90);
        assert_eq!(HRESULT_TABLE.len(), 1 + 62 + 90 + 9);
    }

    #[test]
    fn values_match_the_headers() {
        assert_eq!(HResult::IMAPI_E_FSI_INTERNAL_ERROR.0, 0xC0AAB100);
        assert_eq!(HResult::IMAPI_E_NO_OUTPUT.0, 0xC0AAB103);
        // The docs give INVALID_VOLUME_NAME the INVALID_PARAM value; the header wins (§1.1).
        assert_eq!(HResult::IMAPI_E_INVALID_VOLUME_NAME.0, 0xC0AAB104);
        assert_eq!(HResult::IMAPI_E_BOOT_IMAGE_DATA.0, 0xC0AAB148);
        assert_eq!(HResult::IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH.0, 0xC0AAB14A);
        assert_eq!(HResult::IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE.0, 0xC0AAB15C);
        assert_eq!(HResult::IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED.0, 0xC0AAB163);
        // The IIsoImageManager block is commented 0x80AAB2xx but valued 0xC0AAB2xx (§1.1).
        assert_eq!(HResult::IMAPI_E_IMAGEMANAGER_IMAGE_TOO_BIG.0, 0xC0AAB203);
        assert_eq!(HResult::E_IMAPI_RECORDER_MEDIA_NO_MEDIA.0, 0xC0AA0202);
        assert_eq!(HResult::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE.0, 0xC0AA02FF);
        assert_eq!(HResult::E_INVALIDARG.0, 0x80070057);
        assert_eq!(HResult::STRSAFE_E_INVALID_PARAMETER, HResult::E_INVALIDARG);
        assert_eq!(HResult::HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST.0, 0x80070037);
    }

    #[test]
    fn bit_pattern_traps() {
        // §1.2: erase 0900–0908 and every raw-image error are 0x80AA…, 0909–090B are 0xC0AA….
        assert_eq!(HResult::E_IMAPI_ERASE_RECORDER_IN_USE.0, 0x80AA0900);
        assert_eq!(HResult::E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR.0, 0x80AA0906);
        assert_eq!(HResult::E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND.0, 0x80AA0908);
        assert_eq!(HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED.0, 0xC0AA0909);
        assert_eq!(count(0x80AA_0900, 0xFFFF_FF00), 9);
        assert_eq!(HResult::E_IMAPI_RAW_IMAGE_IS_READ_ONLY.0, 0x80AA0A00);
        assert_eq!(
            HResult::E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX.0,
            0x80AA0A0A
        );
        assert_eq!(count(0x80AA_0A00, 0xFFFF_FF00), 10);
        // Successes are 0x00AA…: S_IMAPI_* and the single FSI success B15F.
        assert_eq!(HResult::S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS.0, 0x00AA0A08);
        assert_eq!(HResult::IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED.0, 0x00AAB15F);
        let successes: Vec<_> = HRESULT_TABLE
            .iter()
            .filter(|e| e.code.is_success())
            .map(|e| e.name)
            .collect();
        assert_eq!(
            successes,
            [
                "S_OK",
                "IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED",
                "S_IMAPI_SPEEDADJUSTED",
                "S_IMAPI_ROTATIONADJUSTED",
                "S_IMAPI_BOTHADJUSTED",
                "S_IMAPI_COMMAND_HAS_SENSE_DATA",
                "S_IMAPI_WRITE_NOT_IN_PROGRESS",
                "S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS",
            ]
        );
        // Names follow the severity: every success is S_…, every failure E_….
        for e in HRESULT_TABLE {
            let success_name = e.name.starts_with("S_") || e.name.starts_with("IMAPI_S_");
            assert_eq!(e.code.is_success(), success_name, "{}", e.name);
        }
    }

    #[test]
    fn messages_match_the_headers() {
        assert_eq!(
            HResult::IMAPI_E_INVALID_PARAM.message_template(),
            Some("The value specified for parameter '%1!ls!' is not valid.")
        );
        // B154 has no space between the quote and "file system" in the header.
        assert_eq!(
            HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED.message_template(),
            Some("The '%1!ls!'file system on the selected disc contains a feature not supported for import.")
        );
        assert_eq!(
            HResult::E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE.message_template(),
            Some(
                "The drive returned an unexpected error during the erase. The the media may be unusable, the erase \
                 may be complete, or the drive may still be in the process of erasing the disc."
            )
        );
        assert_eq!(
            HResult::E_IMAPI_LOSS_OF_STREAMING
                .message_template()
                .map(|m| m.contains("\"buffer underrun free\"")),
            Some(true)
        );
    }

    #[test]
    fn display_shows_name_value_and_filled_message() {
        assert_eq!(
            ImapiError::new(HResult::IMAPI_E_NO_OUTPUT).to_string(),
            "IMAPI_E_NO_OUTPUT (0xC0AAB103): No output file system specified."
        );
        assert_eq!(
            ImapiError::with(HResult::IMAPI_E_DATA_STREAM_INCONSISTENCY, ["/a.txt", "10", "7"]).to_string(),
            "IMAPI_E_DATA_STREAM_INCONSISTENCY (0xC0AAB128): Data stream supplied for file '/a.txt' is \
             inconsistent: expected 10 bytes, found 7."
        );
        assert_eq!(
            ImapiError::with(HResult::IMAPI_E_IMPORT_READ_FAILURE, ["42"]).message(),
            "Import from previous session failed due to an error reading a block on the media (most likely block 42)."
        );
        assert_eq!(
            ImapiError::invalid_param("VolumeName").message(),
            "The value specified for parameter 'VolumeName' is not valid."
        );
    }

    #[test]
    fn missing_inserts_stay_and_extra_parameters_are_appended() {
        assert_eq!(
            ImapiError::new(HResult::IMAPI_E_NOT_FILE).message(),
            "Specified path '%1!ls!' does not identify a file."
        );
        assert_eq!(
            ImapiError::with(HResult::IMAPI_E_DIRECTORY_READ_FAILURE, ["/x", "Permission denied"]).message(),
            "The following error was encountered when trying to enumerate files in directory '/x': Permission denied"
        );
        assert_eq!(fill_message("100% done %1", &["now".into()]), "100% done now");
    }

    #[test]
    fn lookup_by_name_alias_and_value() {
        assert_eq!(
            HResult::from_name("IMAPI_E_NO_OUTPUT"),
            Some(HResult::IMAPI_E_NO_OUTPUT)
        );
        assert_eq!(HResult::from_name("E_ACCESS_DENIED"), Some(HResult::E_ACCESSDENIED));
        assert_eq!(
            HResult::from_name("STRSAFE_E_INVALID_PARAMETER"),
            Some(HResult::E_INVALIDARG)
        );
        assert_eq!(
            HResult::from_name("IMAPI_E_MEDIA_NOT_PRESENT"),
            None,
            "no such code (§1.2)"
        );
        assert_eq!(
            HResult::from_value(0xC0AAB15C),
            Some(HResult::IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE)
        );
        assert_eq!(HResult::from_value(0xC0AAB107), None, "unused value in B100–B2FF");
        assert_eq!("0xC0AAB103".parse::<HResult>(), Ok(HResult::IMAPI_E_NO_OUTPUT));
        assert_eq!("IMAPI_E_DUP_NAME".parse::<HResult>(), Ok(HResult::IMAPI_E_DUP_NAME));
        assert!("IMAPI_E_NOPE".parse::<HResult>().is_err());
        assert_eq!(HResult(0x1234).to_string(), "0x00001234");
    }

    #[test]
    fn serde_uses_names() {
        let json = serde_json::to_string(&HResult::IMAPI_E_IMPORT_SEEK_FAILURE).unwrap();
        assert_eq!(json, "\"IMAPI_E_IMPORT_SEEK_FAILURE\"");
        assert_eq!(
            serde_json::from_str::<HResult>(&json).unwrap(),
            HResult::IMAPI_E_IMPORT_SEEK_FAILURE
        );
        assert_eq!(
            serde_json::from_str::<HResult>("\"0xC0AAB156\"").unwrap(),
            HResult::IMAPI_E_IMPORT_SEEK_FAILURE
        );
    }

    #[test]
    fn io_errors_carry_the_imapi_error() {
        let io: std::io::Error = ImapiError::new(HResult::IMAPI_E_DATA_STREAM_READ_FAILURE).into();
        assert_eq!(
            ImapiError::from_io(&io).map(|e| e.code),
            Some(HResult::IMAPI_E_DATA_STREAM_READ_FAILURE)
        );
    }
}
