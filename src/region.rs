//! The simulated AWS Regions: which names a request may address, and which one the
//! request being served reached.
//!
//! ARNs, stream records (`awsRegion`), endpoints and limit messages name the Region of
//! the endpoint a request reached. That Region is set around each engine call by
//! [`within`] (src/api/mod.rs and src/global/), so the many places that print it read
//! [`current`] instead of each threading a Region through its arguments.

use std::cell::Cell;

/// The Region a request reaches when it names none, and the one a database's first
/// tables live in.
pub const HOME: &str = "us-east-1";

/// The Regions where global tables version 2019.11.21 can keep replicas (the commercial
/// Regions that are enabled by default).
pub const REGIONS: [&str; 25] = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "me-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

thread_local! {
    static CURRENT: Cell<&'static str> = const { Cell::new(HOME) };
}

/// The Region named `name`, when Dynaplay simulates it.
pub fn named(name: &str) -> Option<&'static str> {
    REGIONS.iter().copied().find(|region| *region == name)
}

/// The Region of the request being served.
pub fn current() -> &'static str {
    CURRENT.with(Cell::get)
}

/// Runs `work` as a request that reached `region`, then restores the Region before.
pub fn within<T>(region: &'static str, work: impl FnOnce() -> T) -> T {
    let before = CURRENT.with(|current| current.replace(region));
    let result = work();
    CURRENT.with(|current| current.set(before));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_sets_and_restores_the_region() {
        assert_eq!(current(), HOME);
        let inner = within("eu-west-1", || (current(), within("ap-south-1", current), current()));
        assert_eq!(inner, ("eu-west-1", "ap-south-1", "eu-west-1"));
        assert_eq!(current(), HOME);
    }

    #[test]
    fn only_simulated_regions_are_named() {
        assert_eq!(named("eu-west-1"), Some("eu-west-1"));
        assert_eq!(named("EU-WEST-1"), None);
        assert_eq!(named("us-fake-1"), None);
        assert!(REGIONS.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
