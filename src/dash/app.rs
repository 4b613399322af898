//! The event loop: the terminal taken over (raw mode, alternate screen) and always given
//! back, and one channel that wakes the loop for a key, a resize, a change of a watched file
//! (the plan, the state database and its WAL, through inotify and friends via `notify`), a
//! signal (SIGHUP when the terminal goes away, SIGTERM, SIGINT), or the one-second clock tick
//! that advances the elapsed times on screen. Nothing polls the files: a quiet plan costs a
//! redraw a second, which ratatui turns into no output at all when nothing moved.

use std::io::{self, IsTerminal, Stdout};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use notify::{RecursiveMode, Watcher};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::load::{Loader, log_tail};
use super::model::Model;
use super::view::{self, Focus, Ui};
use crate::ops::{Error, Project};

/// What wakes the loop.
#[derive(Debug)]
enum Msg {
    Key(KeyEvent),
    Resize,
    /// A watched file changed.
    Changed,
    /// A signal, or the terminal's input is gone.
    Quit,
}

/// How long the loop waits for more file changes before reading the files once for all.
const SETTLE: Duration = Duration::from_millis(60);
/// The clock tick.
const TICK: Duration = Duration::from_secs(1);
/// How often the view is read again when the state is on a PostgreSQL server, whose writes
/// no file notification announces.
const POLL: Duration = Duration::from_secs(2);
/// Lines of log kept for the log pane.
const LOG_LINES: usize = 200;

/// Runs the dashboard until q, Ctrl-C, a hangup or SIGTERM.
pub fn run(file: &Project) -> Result<(), Error> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(
            Error::usage("baton dash draws on a terminal: stdin and stdout must be one").with_hint(
                "run it in a terminal; for text use `baton status`, for data `baton status --json`",
            ),
        );
    }
    let mut loader = Loader::default();
    let mut model = loader.load(file)?;
    let (tx, rx) = mpsc::channel();
    let mut watch = Watch::new(file, tx.clone())?;
    spawn_signals(tx.clone())?;
    spawn_input(tx);
    let mut ui = Ui {
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        ..Ui::default()
    };
    let screen = Screen::enter().map_err(|e| terminal_error(&e))?;
    let result = event_loop(
        screen,
        file,
        &mut loader,
        &mut model,
        &mut ui,
        &rx,
        &mut watch,
    );
    result.map_err(|e| terminal_error(&e))
}

fn terminal_error(e: &io::Error) -> Error {
    Error::new(
        crate::ops::error::Kind::Internal,
        format!("the terminal failed: {e}"),
    )
}

fn event_loop(
    mut screen: Screen,
    file: &Project,
    loader: &mut Loader,
    model: &mut Model,
    ui: &mut Ui,
    rx: &Receiver<Msg>,
    watch: &mut Watch,
) -> io::Result<()> {
    let mut built = Instant::now();
    let mut log = read_log(model, ui);
    // A pinned clock (`BATON_NOW`, for tests) does not tick.
    let frozen = std::env::var_os(crate::state::NOW_ENV).is_some_and(|v| !v.is_empty());
    let poll = matches!(file.state_url(), Ok(Some(_)));
    loop {
        ui.clamp(model);
        let ticked = if frozen {
            0
        } else {
            built.elapsed().as_secs() as i64
        };
        screen
            .terminal
            .draw(|frame| view::draw(frame, model, ui, ticked, &log))?;
        let msg = match rx.recv_timeout(TICK) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => {
                if poll && built.elapsed() >= POLL {
                    match loader.load(file) {
                        Ok(fresh) => {
                            *model = fresh;
                            ui.notice = None;
                        }
                        Err(e) => ui.notice = Some(e.to_string()),
                    }
                    built = Instant::now();
                    log = read_log(model, ui);
                } else if ui.selected_lane(model).is_some_and(|l| l.live) {
                    log = read_log(model, ui);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        match msg {
            Msg::Quit => return Ok(()),
            Msg::Resize => {
                screen.terminal.autoresize()?;
            }
            Msg::Changed => {
                // Let a burst of writes (a commit of the plan, a transaction) settle.
                let until = Instant::now() + SETTLE;
                while let Some(left) = until.checked_duration_since(Instant::now()) {
                    match rx.recv_timeout(left) {
                        Ok(Msg::Quit) => return Ok(()),
                        Ok(Msg::Key(key)) if !handle_key(ui, model, key) => return Ok(()),
                        Ok(Msg::Resize) => screen.terminal.autoresize()?,
                        Ok(_) | Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return Ok(()),
                    }
                }
                match loader.load(file) {
                    Ok(fresh) => {
                        *model = fresh;
                        ui.notice = None;
                    }
                    Err(e) => ui.notice = Some(e.to_string()),
                }
                built = Instant::now();
                watch.follow_state();
                log = read_log(model, ui);
            }
            Msg::Key(key) => {
                if !handle_key(ui, model, key) {
                    return Ok(());
                }
                log = read_log(model, ui);
            }
        }
    }
}

/// Applies a key; false to quit.
fn handle_key(ui: &mut Ui, model: &Model, key: KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let len = match ui.focus {
        Focus::Sessions => model.lanes.len(),
        Focus::Findings => model.findings.len(),
    };
    let selected = match ui.focus {
        Focus::Sessions => &mut ui.lane,
        Focus::Findings => &mut ui.finding,
    };
    match key.code {
        KeyCode::Char('c') if ctrl => return false,
        KeyCode::Char('q') => return false,
        KeyCode::Esc => ui.detail = false,
        KeyCode::Enter | KeyCode::Char('d') => ui.detail = !ui.detail,
        KeyCode::Up | KeyCode::Char('k') => *selected = selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => {
            *selected = (*selected + 1).min(len.saturating_sub(1));
        }
        KeyCode::Home | KeyCode::Char('g') => *selected = 0,
        KeyCode::End | KeyCode::Char('G') => *selected = len.saturating_sub(1),
        KeyCode::Tab | KeyCode::BackTab => {
            ui.focus = match ui.focus {
                Focus::Sessions => Focus::Findings,
                Focus::Findings => Focus::Sessions,
            };
        }
        KeyCode::Char('f') => ui.focus = Focus::Findings,
        KeyCode::Char('s') => ui.focus = Focus::Sessions,
        _ => {}
    }
    true
}

fn read_log(model: &Model, ui: &Ui) -> Vec<String> {
    ui.selected_lane(model)
        .and_then(|l| l.log.as_deref())
        .map(|p| log_tail(p, LOG_LINES))
        .unwrap_or_default()
}

/// The terminal, taken over; given back when dropped (on every return, error or panic).
struct Screen {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Screen {
    fn enter() -> io::Result<Screen> {
        terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = crossterm::execute!(out, EnterAlternateScreen, crossterm::cursor::Hide) {
            restore();
            return Err(e);
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(Screen { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves the alternate screen, shows the cursor, ends raw mode; errors ignored (the
/// terminal may be gone).
fn restore() {
    let _ = crossterm::execute!(io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = terminal::disable_raw_mode();
}

/// SIGHUP (the terminal closed), SIGTERM and SIGINT end the loop, which gives the terminal
/// back.
fn spawn_signals(tx: Sender<Msg>) -> Result<(), Error> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT])
        .map_err(|e| Error::internal(format!("cannot watch signals: {e}")))?;
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Msg::Quit);
        }
    });
    Ok(())
}

/// Keys and resizes; a read error (the terminal is gone) quits.
fn spawn_input(tx: Sender<Msg>) {
    std::thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => Msg::Key(key),
                Ok(Event::Resize(..)) => Msg::Resize,
                Ok(_) => continue,
                Err(_) => Msg::Quit,
            };
            let quit = matches!(msg, Msg::Quit);
            if tx.send(msg).is_err() || quit {
                return;
            }
        }
    });
}

/// The file watches: the plan's folder (the plan is replaced by a rename when written) and
/// the state folder (the database and its WAL), or, until that exists, the nearest folder
/// above it that does.
struct Watch {
    watcher: notify::RecommendedWatcher,
    state_dir: PathBuf,
    state_watched: bool,
}

impl Watch {
    fn new(file: &Project, tx: Sender<Msg>) -> Result<Watch, Error> {
        let plan = std::path::absolute(&file.path).unwrap_or_else(|_| file.path.clone());
        let plan_name = plan
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        let state_dir = crate::repo::state_dir(&file.path);
        let state_name = state_dir.file_name().map(|n| n.to_os_string());
        let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            let Ok(event) = res else { return };
            if !changes(&event.kind) {
                return;
            }
            let relevant = event.paths.iter().any(|p| {
                let name = p.file_name();
                name == Some(plan_name.as_os_str())
                    || name.is_some_and(|n| n == "state.db" || n == "state.db-wal")
                    || name == state_name.as_deref()
            });
            if relevant {
                let _ = tx.send(Msg::Changed);
            }
        })
        .map_err(|e| Error::internal(format!("cannot watch files: {e}")))?;
        let mut watch = Watch {
            watcher,
            state_dir,
            state_watched: false,
        };
        let plan_dir = plan
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        watch
            .watcher
            .watch(&plan_dir, RecursiveMode::NonRecursive)
            .map_err(|e| Error::internal(format!("cannot watch {}: {e}", plan_dir.display())))?;
        if !watch.follow_state() {
            // Until the state folder exists, the nearest existing folder above it.
            if let Some(up) = watch.state_dir.ancestors().skip(1).find(|d| d.is_dir())
                && up != plan_dir
            {
                let _ = watch.watcher.watch(up, RecursiveMode::NonRecursive);
            }
        }
        Ok(watch)
    }

    /// Watches the state folder once it exists; whether it is watched.
    fn follow_state(&mut self) -> bool {
        if !self.state_watched && self.state_dir.is_dir() {
            self.state_watched = self
                .watcher
                .watch(&self.state_dir, RecursiveMode::NonRecursive)
                .is_ok();
        }
        self.state_watched
    }
}

/// A write of data, a creation, a removal or a rename. Not an open, a close or a change of
/// metadata: reading the database opens its files read-write (a close that "wrote") and,
/// as root, SQLite hands the WAL its owner again (an attribute change); waking on those would
/// make every read wake the loop again.
fn changes(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    matches!(
        kind,
        EventKind::Create(_)
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any)
    )
}
