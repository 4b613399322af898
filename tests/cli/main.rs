//! Integration tests: one binary that runs the real `baton` in temporary directories.

mod add;
mod agents_e2e;
mod analyze;
mod audit;
mod claims;
mod commands;
mod concurrency;
mod corpus;
mod errors;
mod evidence;
mod gates;
mod graph;
mod harness;
mod hook;
mod init_agents;
mod lock;
mod mcp;
mod merge_driver;
mod prompts;
mod run;
mod run_status;
mod run_view;
mod signals;
mod trust;
mod verify;
mod writes;
