//! Fine-grained access control: IAM policy documents ([`policy`]) and their evaluation
//! for one request ([`evaluate`]). Plain functions over plain data: the principals and
//! the tables' resource policies live in the engine, and `api::access` decides which
//! actions, resources and condition keys each request needs.

pub mod evaluate;
pub mod policy;

pub use evaluate::{evaluate, Context, Decision, Evaluation, Matched, Request, Source};
pub use policy::{parse, parse_shared, Effect, Policy, PolicyError, PolicyKind};
