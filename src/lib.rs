//! burnbench: a virtual optical drive emulator and conformance test bench for disc-burning
//! software. See `README.md` and `docs/` for the tour; DESIGN notes live in the layer modules.

pub mod adapter;
pub mod attach;
pub mod burn;
pub mod cli;
pub mod device;
pub mod drive;
pub mod fsi;
pub mod hresult;
pub mod media;
pub mod mmc;
pub mod scenario;
