//! The plan contract: the model ([`model`]), the lossless parser ([`parse`]), the byte-range
//! editor ([`edit`]) and the locked, atomic store ([`store`]).

pub mod edit;
pub mod formats;
pub mod index;
pub mod insert;
pub mod keys;
pub mod merge;
pub mod model;
pub mod parse;
pub mod store;

#[cfg(test)]
pub(crate) mod proptests;
#[cfg(test)]
mod split_tests;

pub use model::*;
pub use parse::parse;
