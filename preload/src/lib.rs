//! `libburnbench_preload.so`: presents the emulated drives of a burnbench attach server to an
//! unmodified, dynamically linked program as `/dev/srN` (block 11:N) and `/dev/sgN` (char 21:N),
//! with the files around them that tools read (/proc/sys/dev/cdrom/info, /proc/scsi/sg/devices,
//! /proc/devices, sysfs). DESIGN.md "Real programs against the emulator"; attach.md §1.
//!
//! - `real`: the next definition of each libc symbol (`dlsym(RTLD_NEXT)`).
//! - `paths`: which paths are fake and what they are (nodes, links, files, folders).
//! - `files`: the contents of the fake files.
//! - `fds`: the descriptors that are emulated opens, and the round trip to the server.
//! - `ioctls`: SG_IO and the other ioctls on an emulated descriptor.
//! - `wrappers`: the exported libc symbols; `variadic.c` holds the C-variadic ones.
//!
//! Every entry point runs the shim's logic only outside the shim itself (a thread-local guard:
//! Rust's std calls libc, which lands here again), keeps errno as libc would leave it, and never
//! lets a panic cross into C. Anything not under the configured paths goes straight to libc.

mod fds;
mod files;
mod ioctls;
mod paths;
mod real;
mod stat;
mod wrappers;

use std::cell::Cell;

thread_local! {
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as inside the shim while alive.
struct Inside;

impl Drop for Inside {
    fn drop(&mut self) {
        let _ = INSIDE.try_with(|inside| inside.set(false));
    }
}

/// `Some` when this call may run the shim's logic: the shim is configured and the thread is not
/// already inside it.
fn enter() -> Option<Inside> {
    paths::config()?;
    let entered = INSIDE
        .try_with(|inside| {
            if inside.get() {
                false
            } else {
                inside.set(true);
                true
            }
        })
        .unwrap_or(false);
    entered.then_some(Inside)
}

pub(crate) fn errno() -> i32 {
    // SAFETY: __errno_location returns this thread's errno.
    unsafe { *libc::__errno_location() }
}

pub(crate) fn set_errno(value: i32) {
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = value };
}

/// Fail a libc call: errno set, -1 returned.
pub(crate) fn fail<T: From<i8>>(errno: i32) -> T {
    set_errno(errno);
    T::from(-1)
}

/// Run the shim's logic for one call: `None` from `body` (or a panic) means "not ours", and the
/// caller forwards to libc. errno is restored around the shim's own work unless the body set it
/// for its answer.
fn intercept<T>(body: impl FnOnce() -> Option<T>) -> Option<T> {
    let _inside = enter()?;
    let saved = errno();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Some(answer)) => Some(answer),
        Ok(None) => {
            set_errno(saved);
            None
        }
        Err(_) => {
            set_errno(saved);
            None
        }
    }
}

/// Runs when the library is loaded: adopt emulated descriptors inherited across exec
/// (growisofs re-executes itself with `-reload <fd>`).
extern "C" fn on_load() {
    if let Some(_inside) = enter() {
        let _ = std::panic::catch_unwind(fds::adopt_inherited);
    }
}

#[used]
#[unsafe(link_section = ".init_array")]
static ON_LOAD: extern "C" fn() = on_load;
