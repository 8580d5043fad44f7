//! What the parser fuzzers (src/expr/tests.rs, src/partiql/tests.rs) share: a seeded
//! generator, the budget (a fixed count, or DYNAPLAY_FUZZ_SECONDS seconds), and the inputs
//! they try: random word soup, or a known-good input with a few words dropped, added or
//! replaced.

use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift64*), so the fuzz needs no crate.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound as u64) as usize
    }
}

/// Whether the fuzz should go on after `done` cases: 20,000 by default, or for
/// DYNAPLAY_FUZZ_SECONDS seconds (`DYNAPLAY_FUZZ_SECONDS=600 cargo test --release --lib
/// fuzz -- --nocapture`).
pub fn keep_going(done: u64, started: Instant) -> bool {
    match std::env::var("DYNAPLAY_FUZZ_SECONDS").ok().and_then(|seconds| seconds.parse().ok()) {
        Some(seconds) => started.elapsed() < Duration::from_secs(seconds),
        None => done < 20_000,
    }
}

/// One input: half the time up to `soup_words - 1` words of `soup`, otherwise one of
/// `seeds` with one to three words dropped, inserted from `soup` or replaced by one.
pub fn input(rng: &mut Rng, soup: &[&str], seeds: &[&str], soup_words: usize) -> String {
    if rng.below(2) == 0 {
        return (0..rng.below(soup_words)).map(|_| soup[rng.below(soup.len())]).collect::<Vec<_>>().join(" ");
    }
    let mut words: Vec<&str> = seeds[rng.below(seeds.len())].split(' ').collect();
    for _ in 0..=rng.below(3) {
        let at = rng.below(words.len());
        match rng.below(3) {
            0 => drop(words.remove(at)),
            1 => words.insert(at, soup[rng.below(soup.len())]),
            _ => words[at] = soup[rng.below(soup.len())],
        }
        if words.is_empty() {
            break;
        }
    }
    words.join(" ")
}
