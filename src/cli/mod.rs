//! The `burnbench` command line (clap derive). Parses and prints; the work is library API.

/// Run the CLI; returns the process exit status.
pub fn main() -> i32 {
    0
}
