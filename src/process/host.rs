//! Which machine this is, and whether a recorded baton process is alive here.
//!
//! With the state on a server, a run recorded by one machine is read by others: a process id
//! means something only on the machine (and boot) that wrote it. [`host_id`] names both, so
//! a reader can tell whether a recorded pid is its own to check.

use std::path::Path;

/// Overrides [`host_id`] (tests that play two machines on one; docs/testing.md).
pub const HOST_ENV: &str = "BATON_HOST_ID";

/// This machine and boot: `name/boot-id` (Linux), or the name alone where the boot has no id.
/// A pid recorded under another value cannot be checked here.
pub fn host_id() -> String {
    if let Some(id) = std::env::var_os(HOST_ENV).filter(|v| !v.is_empty()) {
        return id.to_string_lossy().into_owned();
    }
    let name = host_name();
    match std::fs::read_to_string("/proc/sys/kernel/random/boot_id") {
        Ok(boot) if !boot.trim().is_empty() => format!("{name}/{}", boot.trim()),
        _ => name,
    }
}

/// The machine's name as people know it: the part of a [`host_id`] before the boot id.
pub fn host_name_of(id: &str) -> &str {
    id.split_once('/').map_or(id, |(name, _)| name)
}

/// The name of this machine (`unknown` where none can be read).
pub fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().replace(['\n', '\r', '/'], " "))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Whether process `pid` of this machine exists, is not a zombie, and is a `baton` (Linux
/// `/proc`); None where `/proc` cannot tell.
pub fn baton_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    let Ok(stat) = std::fs::read_to_string(proc.join(pid.to_string()).join("stat")) else {
        return Some(false);
    };
    // `pid (comm) state …`: comm may hold spaces and parentheses; it is cut at 15 bytes
    // (a test binary `baton-0123abcd…` is a baton too).
    let Some((head, rest)) = stat.rsplit_once(')') else {
        return Some(false);
    };
    let comm = head.split_once('(').map_or("", |(_, c)| c);
    let zombie = rest.split_whitespace().next() == Some("Z");
    Some(!zombie && comm.starts_with("baton"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_live_baton_process_counts() {
        // The test binary's name starts with `baton`.
        assert_eq!(baton_alive(std::process::id()), Some(true));
        assert_eq!(baton_alive(u32::MAX), Some(false));
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("sleep");
        assert_eq!(baton_alive(child.id()), Some(false), "not a baton");
        let _ = child.kill();
        let _ = child.wait();
    }

    #[test]
    fn the_host_id_names_the_machine_first() {
        let id = host_id();
        assert!(!id.is_empty());
        assert_eq!(host_name_of("build-7/0a1b"), "build-7");
        assert_eq!(host_name_of("laptop"), "laptop");
        if std::env::var_os(HOST_ENV).is_none() {
            assert_eq!(host_name_of(&id), host_name());
        }
    }
}
