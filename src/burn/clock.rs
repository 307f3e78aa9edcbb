//! Time for the recorder API: how long to wait between polls of a long operation, and what
//! "elapsed" means in progress events.
//!
//! A real drive runs on the wall clock: waiting sleeps. The emulated drive has a simulated clock
//! that only moves when someone moves it (docs/drive.md "Time"), so a writer polling an Immed
//! CLOSE SESSION against it must *advance* that clock while it waits — otherwise the operation
//! never ends. [`EmulatorClock`] does that; [`crate::burn::recorder::Recorder::emulated`] sets it
//! up. Polls are bounded either way ([`PollPolicy`]), so a clock that never moves gives a timeout,
//! never a hang.

use crate::drive::Drive;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Where the recorder API reads the time and how it waits.
pub trait Clock {
    /// Milliseconds since some fixed point (only differences are used).
    fn now_ms(&self) -> u64;
    /// Let `ms` milliseconds pass.
    fn wait_ms(&mut self, ms: u64);
}

/// The wall clock: waiting sleeps (for real drives).
#[derive(Debug, Clone, Copy)]
pub struct WallClock {
    origin: Instant,
}

impl Default for WallClock {
    fn default() -> WallClock {
        WallClock { origin: Instant::now() }
    }
}

impl Clock for WallClock {
    fn now_ms(&self) -> u64 {
        self.origin.elapsed().as_millis() as u64
    }

    fn wait_ms(&mut self, ms: u64) {
        std::thread::sleep(Duration::from_millis(ms));
    }
}

/// A device with a simulated clock that can be advanced (the emulated drive, or a test wrapper
/// around it).
pub trait SimulatedTime {
    fn clock_ms(&self) -> u64;
    fn advance(&mut self, ms: u64);
}

impl SimulatedTime for Drive {
    fn clock_ms(&self) -> u64 {
        Drive::clock_ms(self)
    }

    fn advance(&mut self, ms: u64) {
        Drive::advance(self, ms)
    }
}

/// The simulated clock of a shared emulated device: waiting advances it. The device is borrowed
/// only inside `now_ms` / `wait_ms`, never while a command runs (the recorder releases the device
/// between commands).
pub struct EmulatorClock<T: SimulatedTime> {
    device: Rc<RefCell<T>>,
}

impl<T: SimulatedTime> EmulatorClock<T> {
    pub fn new(device: Rc<RefCell<T>>) -> EmulatorClock<T> {
        EmulatorClock { device }
    }
}

impl<T: SimulatedTime> Clock for EmulatorClock<T> {
    fn now_ms(&self) -> u64 {
        self.device.borrow().clock_ms()
    }

    fn wait_ms(&mut self, ms: u64) {
        self.device.borrow_mut().advance(ms);
    }
}

/// How the recorder API waits for long operations (Immed SYNCHRONIZE CACHE, CLOSE, BLANK, FORMAT)
/// and for a drive that reports "operation in progress" (2/04/04, 2/04/07, 2/04/08) to a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPolicy {
    /// Wait between two polls.
    pub interval_ms: u64,
    /// Most polls for one wait, whatever the clock says (a clock that never moves cannot hang
    /// the caller).
    pub max_polls: u32,
    /// Longest a write-path wait may take before it is reported as
    /// `E_IMAPI_RECORDER_COMMAND_TIMEOUT`.
    pub write_timeout_ms: u64,
    /// Longest an erase may take: `E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR` (imapi2.md §1.2).
    pub erase_timeout_ms: u64,
}

impl Default for PollPolicy {
    /// One poll a second, an hour at most — the erase limit IMAPI2 names (imapi2.md §1.2, 0x80AA0906).
    fn default() -> PollPolicy {
        PollPolicy {
            interval_ms: 1_000,
            max_polls: 7_200,
            write_timeout_ms: 3_600_000,
            erase_timeout_ms: 3_600_000,
        }
    }
}
