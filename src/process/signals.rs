//! SIGINT and SIGTERM for commands that supervise children.
//!
//! By default either signal ends baton at once, and the process groups it started — which
//! the terminal's Ctrl-C does not reach, since each child has a group of its own — live on.
//! A command that starts children calls [`cancel_on_signals`] first: then the first signal
//! cancels the supervisor (every group gets SIGTERM, then SIGKILL after the grace, and nothing
//! new starts), and the command, seeing [`Supervisor::cancellation`], finishes what keeps its
//! state consistent and exits with 130 or 143. A second signal does not wait for that: every
//! group gets SIGKILL and baton dies by the signal.
//!
//! A server whose requests do not check for cancellation (`baton mcp`) calls
//! [`kill_children_on_signals`] instead: the first signal stops every group the same way and
//! then ends baton by the signal, as if it had not been caught.
//!
//! Commands that start nothing keep the default behaviour; they install nothing.

use std::io;
use std::sync::Mutex;
use std::thread;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use signal_hook::low_level::emulate_default_handler;

use super::{Cancel, Supervisor};

static INSTALLED: Mutex<bool> = Mutex::new(false);

/// Makes SIGINT and SIGTERM cancel `supervisor` instead of ending the process (see the module
/// documentation). The signals are read on a thread of their own; installing twice in one
/// process does nothing the second time.
pub fn cancel_on_signals(supervisor: &Supervisor) -> io::Result<()> {
    install(supervisor, Then::Return)
}

/// Makes SIGINT and SIGTERM stop every group of `supervisor` (SIGTERM, grace, SIGKILL) and
/// then end the process by the signal. For servers; see the module documentation.
pub fn kill_children_on_signals(supervisor: &Supervisor) -> io::Result<()> {
    install(supervisor, Then::Die)
}

/// What the first signal does once the supervisor is cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    /// Leave it to the main thread, which checks the cancellation.
    Return,
    /// End the process by the signal.
    Die,
}

fn install(supervisor: &Supervisor, then: Then) -> io::Result<()> {
    let mut installed = super::lock(&INSTALLED);
    if *installed {
        return Ok(());
    }
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let supervisor = supervisor.clone();
    thread::Builder::new()
        .name("baton-signals".into())
        .spawn(move || {
            let mut first = true;
            for signal in signals.forever() {
                if first {
                    first = false;
                    // On a thread of its own, so that a second signal is read during the
                    // grace.
                    let supervisor = supervisor.clone();
                    let cancelled =
                        thread::Builder::new()
                            .name("baton-cancel".into())
                            .spawn(move || {
                                supervisor.cancel(Cancel::Signal(signal));
                                if then == Then::Die {
                                    let _ = emulate_default_handler(signal);
                                }
                            });
                    if cancelled.is_ok() {
                        continue;
                    }
                }
                supervisor.kill_all(Cancel::Signal(signal));
                // Restores the default action and raises the signal again: baton ends as if
                // it had never caught it, which is what its caller expects of a second
                // Ctrl-C. Should that fail, the main thread still sees the cancellation.
                let _ = emulate_default_handler(signal);
            }
        })?;
    *installed = true;
    Ok(())
}
