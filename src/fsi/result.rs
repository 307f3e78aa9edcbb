//! CreateResultImage's result (IFileSystemImageResult2, imapi2.md §2.2): the image as a stream
//! that produces each block when it is read. Metadata blocks were encoded when the result was
//! made; file data is read from its sources as the stream reaches it, so memory stays flat
//! however large the files are. A later logical session on random-writable media is presented as
//! the disc from LBA 0 with the ranges to write (ModifiedBlocks, [`LogicalSession`]).

use super::layout::{BLOCK, DataExtent, Layout, MetadataWriter};
use super::random_write::{LogicalSession, Piece};
use super::read::BlockReader;
use super::source::OpenData;
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::sync::Arc;

/// What one run of blocks of the image holds.
#[derive(Debug, Clone, Copy)]
enum Content {
    /// Encoded metadata starting at this offset of the metadata buffer.
    Metadata { offset: usize },
    /// Data extent number `n` of the layout.
    Data(usize),
}

#[derive(Debug, Clone, Copy)]
struct Region {
    /// Relative to the session start.
    first_block: u64,
    blocks: u64,
    content: Content,
}

/// `IProgressItem`: which blocks hold what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressItem {
    pub description: String,
    pub first_block: u32,
    pub last_block: u32,
    pub block_count: u32,
}

/// Everything a stream needs; shared by the result and its streams.
#[derive(Debug)]
struct Image {
    layout: Layout,
    metadata: Vec<u8>,
    regions: Vec<Region>,
}

/// Blocks of the image stream: the session's own image, or for a later logical session the disc
/// from LBA 0 to the end of the session padded to whole write units.
fn stream_blocks(image: &Image, logical: Option<&LogicalSession>) -> u32 {
    logical.map_or(image.layout.total_blocks, LogicalSession::end)
}

/// IFileSystemImageResult2.
#[derive(Debug, Clone)]
pub struct FileSystemImageResult {
    image: Arc<Image>,
    /// A later logical session on random-writable media: the stream is the disc from LBA 0.
    logical: Option<Arc<LogicalSession>>,
    progress: Vec<ProgressItem>,
    disc_id: String,
    /// Keeps the image that made this result read-only while it lives.
    _guard: Arc<()>,
}

impl FileSystemImageResult {
    pub(crate) fn new(layout: Layout, metadata: MetadataWriter, guard: Arc<()>) -> FileSystemImageResult {
        let start = u64::from(layout.session_start);
        let mut buffer = Vec::new();
        let mut regions = Vec::new();
        for (lba, bytes) in metadata.into_runs() {
            regions.push(Region {
                first_block: u64::from(lba) - start,
                blocks: (bytes.len() / BLOCK) as u64,
                content: Content::Metadata { offset: buffer.len() },
            });
            buffer.extend_from_slice(&bytes);
        }
        for (i, extent) in layout.data.iter().enumerate() {
            // Data recorded by an earlier session is referenced, not part of this image.
            if extent.range.blocks > 0 && extent.source.recorded_lba().is_none() {
                regions.push(Region {
                    first_block: u64::from(extent.range.lba) - start,
                    blocks: u64::from(extent.range.blocks),
                    content: Content::Data(i),
                });
            }
        }
        regions.sort_by_key(|r| r.first_block);
        let progress = layout
            .data
            .iter()
            .filter(|e| e.range.blocks > 0 && e.source.recorded_lba().is_none())
            .map(|e| ProgressItem {
                description: e.description.clone(),
                first_block: e.range.lba,
                last_block: e.range.end() - 1,
                block_count: e.range.blocks,
            })
            .collect();
        let disc_id = disc_id(&buffer, layout.total_blocks);
        FileSystemImageResult {
            image: Arc::new(Image {
                layout,
                metadata: buffer,
                regions,
            }),
            logical: None,
            progress,
            disc_id,
            _guard: guard,
        }
    }

    /// The session after the last logical session of random-writable media, as the disc from
    /// LBA 0 (what CreateResultImage does with the RandomWrite object in use): `disc` reads what
    /// LBA 16–31 and 256 hold now (imapi2.md §3.6, §3.8, §4 trap 7). A result laid out for
    /// SessionStartBlock 0 is a first session: it stays as it is.
    pub fn into_logical_session(mut self, disc: &mut dyn BlockReader) -> ImapiResult<FileSystemImageResult> {
        if self.image.layout.session_start == 0 || self.logical.is_some() {
            return Ok(self);
        }
        let session = LogicalSession::new(
            &mut self.image_stream(),
            self.image.layout.total_blocks,
            self.image.layout.session_start,
            disc,
        )?;
        self.logical = Some(Arc::new(session));
        Ok(self)
    }

    /// `ImageStream`: a new stream positioned at the first block.
    pub fn image_stream(&self) -> ImageStream {
        ImageStream {
            image: self.image.clone(),
            logical: self.logical.clone(),
            position: 0,
            open: None,
            _guard: self._guard.clone(),
        }
    }

    /// `TotalBlocks`: the blocks of the stream — from LBA 0 to the end of the session padded to
    /// whole write units for a later logical session.
    pub fn total_blocks(&self) -> u32 {
        stream_blocks(&self.image, self.logical.as_deref())
    }

    /// `ModifiedBlocks` (IFileSystemImageResult2): the block ranges of the stream to write, in
    /// that order, for a later logical session on random-writable media; E_NOTIMPL — "record the
    /// whole image" — for sequential media and first sessions (imapi2.md §2.2).
    pub fn modified_blocks(&self) -> ImapiResult<Vec<Range<u32>>> {
        self.logical
            .as_ref()
            .map(|l| l.modified_blocks())
            .ok_or_else(|| ImapiError::new(HResult::E_NOTIMPL))
    }

    /// `BlockSize`: always 2048.
    pub fn block_size(&self) -> u32 {
        BLOCK as u32
    }

    /// `DiscId`: a signature of this image's metadata (same inputs, same id).
    pub fn disc_id(&self) -> &str {
        &self.disc_id
    }

    /// `ProgressItems`: the block range of every file and boot image, in LBA order of allocation.
    pub fn progress_items(&self) -> &[ProgressItem] {
        &self.progress
    }

    /// The layout the image was made from (addresses of every file, the frozen tree).
    pub fn layout(&self) -> &Layout {
        &self.image.layout
    }
}

/// A GUID-shaped FNV-1a signature of the metadata and size.
fn disc_id(metadata: &[u8], total_blocks: u32) -> String {
    let hash = |seed: u64| {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
        for &b in metadata.iter().chain(total_blocks.to_le_bytes().iter()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    };
    let (a, b) = (hash(0), hash(0x9E37_79B9_7F4A_7C15));
    format!(
        "{{{:08X}-{:04X}-{:04X}-{:04X}-{:012X}}}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// The image bytes (`IStream`): `Read + Seek`, blocks produced on demand. Reading a file whose
/// source changed size fails with an `io::Error` carrying IMAPI_E_DATA_STREAM_INCONSISTENCY
/// (see [`crate::hresult::ImapiError::from_io`]).
pub struct ImageStream {
    image: Arc<Image>,
    logical: Option<Arc<LogicalSession>>,
    position: u64,
    /// The data source being read, kept open between reads.
    open: Option<(usize, OpenData)>,
    _guard: Arc<()>,
}

impl ImageStream {
    /// Length in bytes.
    pub fn len(&self) -> u64 {
        u64::from(stream_blocks(&self.image, self.logical.as_deref())) * BLOCK as u64
    }

    /// Length of the session's own image in bytes.
    fn session_len(&self) -> u64 {
        u64::from(self.image.layout.total_blocks) * BLOCK as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn region_at(&self, block: u64) -> Option<&Region> {
        let regions = &self.image.regions;
        let i = regions.partition_point(|r| r.first_block <= block);
        let r = regions.get(i.checked_sub(1)?)?;
        (block < r.first_block + r.blocks).then_some(r)
    }

    /// The first region that starts after `block`.
    fn next_region_start(&self, block: u64) -> u64 {
        let regions = &self.image.regions;
        let i = regions.partition_point(|r| r.first_block <= block);
        regions
            .get(i)
            .map_or(self.session_len() / BLOCK as u64, |r| r.first_block)
    }

    fn read_data(&mut self, index: usize, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let extent: &DataExtent = &self.image.layout.data[index];
        let (bytes, source, item) = (extent.bytes, extent.source.clone(), extent.description.clone());
        // The last block of a file is padded with zeros past its end.
        let available = bytes.saturating_sub(offset).min(buf.len() as u64) as usize;
        buf[available..].fill(0);
        if available == 0 {
            return Ok(());
        }
        if self.open.as_ref().map(|(i, _)| *i) != Some(index) {
            self.open = None;
            let open = source.open(&item).map_err(io::Error::from)?;
            self.open = Some((index, open));
        }
        let (_, open) = self.open.as_mut().expect("opened above");
        let result = open.read_exact_at(offset, &mut buf[..available], &item, bytes);
        if result.is_err() {
            self.open = None;
        }
        result
    }
}

impl ImageStream {
    /// Reads the session's own image at byte `at` into `buf` (at most to its end).
    fn read_session(&mut self, at: u64, buf: &mut [u8]) -> io::Result<usize> {
        let want = (buf.len() as u64).min(self.session_len().saturating_sub(at)) as usize;
        if want == 0 {
            return Ok(0);
        }
        let block = at / BLOCK as u64;
        Ok(match self.region_at(block).copied() {
            Some(region) => {
                let region_offset = at - region.first_block * BLOCK as u64;
                let n = (region.blocks * BLOCK as u64 - region_offset).min(want as u64) as usize;
                match region.content {
                    Content::Metadata { offset } => {
                        let from = offset + region_offset as usize;
                        buf[..n].copy_from_slice(&self.image.metadata[from..from + n]);
                    }
                    Content::Data(index) => self.read_data(index, region_offset, &mut buf[..n])?,
                }
                n
            }
            None => {
                // A gap (system area, padding): zeros up to the next region.
                let gap_end = self.next_region_start(block) * BLOCK as u64;
                let n = (gap_end - at).min(want as u64) as usize;
                buf[..n].fill(0);
                n
            }
        })
    }
}

impl Read for ImageStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.len().saturating_sub(self.position);
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let buf_len = buf.len().min(left as usize);
        let buf = &mut buf[..buf_len];
        let logical = self.logical.clone();
        let n = match logical.as_ref().map(|l| l.piece(self.position)) {
            None => self.read_session(self.position, buf)?,
            Some(Piece::Bytes(bytes)) => {
                let n = buf.len().min(bytes.len());
                buf[..n].copy_from_slice(&bytes[..n]);
                n
            }
            Some(Piece::Session { offset, left }) => {
                let buf = &mut buf[..buf_len.min(left as usize)];
                match self.read_session(offset, buf)? {
                    // Past the session's end, up to the write unit: zeros.
                    0 => {
                        buf.fill(0);
                        buf.len()
                    }
                    n => n,
                }
            }
            Some(Piece::Zeros(n)) => {
                let n = buf.len().min(n as usize);
                buf[..n].fill(0);
                n
            }
        };
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for ImageStream {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len().checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.position)
    }
}

impl std::fmt::Debug for ImageStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ImageStream {{ position: {}, len: {} }}", self.position, self.len())
    }
}
