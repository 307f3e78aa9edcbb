//! File-system image builder (ISO 9660, Joliet, UDF) with the IMAPI2 `IFileSystemImage` surface,
//! and readers for import. Arrives with the image-builder issue (#5).
