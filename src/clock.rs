//! Time for the engine. `SystemTime::now()` panics on wasm32-unknown-unknown, so all
//! time comes through a [`Clock`]: the platform leaf supplies real time, tests and the
//! playground's time controls use a [`ManualClock`].

use std::cell::Cell;
use std::rc::Rc;

/// Epoch milliseconds as the epoch seconds, with fraction, that DynamoDB's JSON carries.
pub fn seconds(millis: u64) -> f64 {
    millis as f64 / 1000.0
}

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

/// The engine's clock: real (or manual) time that the playground can pause, speed up
/// and move forward, so that burst capacity, TTL and stream retention play out in
/// minutes instead of days. At rate 1 with nothing skipped it reads its base clock.
pub struct SimulatedClock {
    base: Box<dyn Clock>,
    /// The base time and the simulated time when the rate last changed.
    anchor_base: Cell<u64>,
    anchor_simulated: Cell<u64>,
    rate: Cell<u32>,
    /// The time of the request under way ([`SimulatedClock::at_one_instant`]), if any.
    request_time: Cell<Option<u64>>,
}

/// The fastest a simulated clock may run: an hour per second.
pub const MAX_CLOCK_RATE: u32 = 3600;

impl SimulatedClock {
    pub fn new(base: Box<dyn Clock>) -> Self {
        let now = base.now_millis();
        SimulatedClock {
            base,
            anchor_base: Cell::new(now),
            anchor_simulated: Cell::new(now),
            rate: Cell::new(1),
            request_time: Cell::new(None),
        }
    }

    /// Runs `request` at one instant: every reading inside it gives the time read when it
    /// began, until the clock is moved or sped up. A request happens at one time in
    /// DynamoDB too, and in the browser each reading is a call out of wasm (about ten per
    /// request before this). A request inside another keeps the outer one's time.
    pub fn at_one_instant<T>(&self, request: impl FnOnce() -> T) -> T {
        if self.request_time.get().is_some() {
            return request();
        }
        self.request_time.set(Some(self.read()));
        let result = request();
        self.request_time.set(None);
        result
    }

    /// Simulated milliseconds per real millisecond (0: paused).
    pub fn rate(&self) -> u32 {
        self.rate.get()
    }

    /// Runs the clock at `rate` from now on (clamped to [`MAX_CLOCK_RATE`]).
    pub fn set_rate(&self, rate: u32) {
        self.reanchor();
        self.rate.set(rate.min(MAX_CLOCK_RATE));
        self.follow_move();
    }

    /// Jumps forward; simulated time never goes back.
    pub fn advance(&self, millis: u64) {
        self.reanchor();
        self.anchor_simulated.set(self.anchor_simulated.get().saturating_add(millis));
        self.follow_move();
    }

    fn reanchor(&self) {
        let now = self.read();
        self.anchor_base.set(self.base.now_millis());
        self.anchor_simulated.set(now);
    }

    /// A request that moved the clock sees the new time from then on.
    fn follow_move(&self) {
        if self.request_time.get().is_some() {
            self.request_time.set(Some(self.read()));
        }
    }

    /// The simulated time now, read from the base clock.
    fn read(&self) -> u64 {
        let elapsed = self.base.now_millis().saturating_sub(self.anchor_base.get());
        self.anchor_simulated.get().saturating_add(elapsed.saturating_mul(u64::from(self.rate.get())))
    }
}

impl Clock for SimulatedClock {
    fn now_millis(&self) -> u64 {
        self.request_time.get().unwrap_or_else(|| self.read())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simulated_clock_pauses_speeds_up_and_skips() {
        let base = ManualClock::new(1_000);
        let clock = SimulatedClock::new(Box::new(base.clone()));
        base.advance(10);
        assert_eq!(clock.now_millis(), 1_010);
        clock.set_rate(0);
        base.advance(10);
        assert_eq!(clock.now_millis(), 1_010);
        clock.set_rate(60);
        base.advance(10);
        assert_eq!(clock.now_millis(), 1_610);
        clock.advance(1_000);
        assert_eq!(clock.now_millis(), 2_610);
        clock.set_rate(u32::MAX);
        assert_eq!(clock.rate(), MAX_CLOCK_RATE);
    }

    #[test]
    fn a_request_reads_one_time_unless_it_moves_the_clock() {
        let base = ManualClock::new(1_000);
        let clock = SimulatedClock::new(Box::new(base.clone()));
        let seen = clock.at_one_instant(|| {
            base.advance(5);
            let first = clock.now_millis();
            let inner = clock.at_one_instant(|| {
                base.advance(5);
                clock.now_millis()
            });
            clock.advance(100);
            let moved = clock.now_millis();
            clock.set_rate(0);
            base.advance(5);
            [first, inner, moved, clock.now_millis()]
        });
        assert_eq!(seen, [1_000, 1_000, 1_110, 1_110]);
        clock.set_rate(1);
        base.advance(5);
        assert_eq!(clock.now_millis(), 1_115);
    }
}
