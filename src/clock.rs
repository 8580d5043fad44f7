//! Time for the engine. `SystemTime::now()` panics on wasm32-unknown-unknown, so all
//! time comes through a [`Clock`]: the platform leaf supplies real time, tests and the
//! playground's time controls use a [`ManualClock`].

use std::cell::Cell;
use std::rc::Rc;

/// A source of the current time in milliseconds since the Unix epoch.
pub trait Clock {
    fn now_millis(&self) -> u64;
}

/// Real time from the operating system (not available on wasm32).
#[cfg(not(target_arch = "wasm32"))]
pub struct SystemClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now_millis(&self) -> u64 {
        let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        since_epoch.as_millis() as u64
    }
}

/// A clock that moves only when told to; clones share one time.
#[derive(Clone, Default)]
pub struct ManualClock {
    millis: Rc<Cell<u64>>,
}

impl ManualClock {
    pub fn new(start_millis: u64) -> Self {
        ManualClock { millis: Rc::new(Cell::new(start_millis)) }
    }

    pub fn advance(&self, millis: u64) {
        self.millis.set(self.millis.get() + millis);
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> u64 {
        self.millis.get()
    }
}
