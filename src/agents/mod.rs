//! Wiring baton into coding agents' own configuration files.
//!
//! Agents read their settings from files people also edit by hand, so everything here is a
//! pure text-in, text-out merge: it adds baton's entry when an equivalent one is missing and
//! otherwise leaves every byte alone. Reading, writing and reporting belong to the CLI.

pub mod claude;
