//! IMAPI-like recorder API over any `ScsiDevice`: recorder identity, data writer, eraser and the
//! multisession objects. Knows no ISO 9660 (DESIGN.md). Arrives with the burning issue (#6).
