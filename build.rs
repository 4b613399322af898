//! Links the `baton` binary at a fixed address on Linux with glibc (as Go links its
//! programs), unless `BATON_BUILD_PIE` is set.
//!
//! Agents run baton many times a minute, and most of a short command's time is the process
//! start. A position-independent executable makes the loader apply about 33,000 relocations
//! and copy every page they touch before `main` runs; a fixed-address one does neither, which
//! takes a run of `baton analyze` on a 100-task plan from about 4.6 ms to 3.8 ms
//! (docs/performance.md). The shared libraries, stack and heap are still placed at random.
//! Set `BATON_BUILD_PIE=1` to build a position-independent executable instead
//! (docs/install.md).

fn main() {
    println!("cargo:rerun-if-env-changed=BATON_BUILD_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" && std::env::var_os("BATON_BUILD_PIE").is_none() {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
