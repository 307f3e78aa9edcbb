//! The variadic C entry points (open*, openat*, fcntl*, ioctl): stable Rust cannot define
//! C-variadic functions (attach.md §1.2), so a few lines of C read the optional argument and call
//! the Rust side.

fn main() {
    println!("cargo:rerun-if-changed=src/variadic.c");
    cc::Build::new()
        .file("src/variadic.c")
        .link_lib_modifier("+whole-archive")
        .compile("variadic");
    println!("cargo:rerun-if-changed=src/variadic.map");
    let map =
        std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("src/variadic.map");
    println!("cargo:rustc-cdylib-link-arg=-Wl,--version-script={}", map.display());
}
