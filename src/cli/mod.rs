//! The command line: one clap `Command` enum, one exhaustive match, one file per command.
//! Commands turn library results into views; only [`printer`] writes to the terminal.

mod add;
mod analyze;
mod audit;
pub(crate) mod claim;
mod completions;
mod dash;
pub(crate) mod decide;
pub(crate) mod done;
pub mod error;
mod fmt;
mod graph;
mod hook;
mod init;
mod lint;
pub(crate) mod list;
mod lock;
mod man;
mod mcp;
mod merge_driver;
mod next;
mod pool;
pub mod printer;
pub(crate) mod prompts;
mod report;
mod run;
mod run_view;
mod show;
pub(crate) mod status;
pub(crate) mod verify;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use error::{CliError, Kind};
use printer::Printer;

#[derive(Debug, Parser)]
#[command(
    name = "baton",
    version,
    about = "Turn a Markdown plan into safe parallel work for AI coding-agent sessions",
    long_about = "baton reads a Markdown plan (overview, phases, checkbox tasks), tells which tasks \
are ready, lets sessions claim and check off tasks without colliding on the plan file, and \
lints the plan. Run `baton init` to start a plan.",
    after_help = "Exit codes: 0 ok, 1 findings, 2 usage, 3 bad input, 4 conflict, 5 busy, 6 false-done, \
7 tampered, 70 internal (see docs/exit-codes.md)."
)]
pub struct Cli {
    /// The plan file (default: plan.md, PLAN.md or tasks.md here or in a parent directory).
    #[arg(long, global = true, value_name = "FILE", env = "BATON_PLAN")]
    pub plan: Option<PathBuf>,

    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a plan.md template and, optionally, set agents up (instructions, MCP, commands).
    Init(init::Args),
    /// Check the plan: ids, dependencies, cycles, phases, keys.
    Lint(lint::Args),
    /// Progress per phase, the current phase, and claimed tasks.
    Status(status::Args),
    /// List tasks, with filters.
    List(list::Args),
    /// Tasks ready to start: dependencies done, not claimed, in the earliest open phase.
    Next(next::Args),
    /// Everything about one task.
    Show(show::Args),
    /// Tick tasks as done.
    Done(done::Args),
    /// Untick tasks (back to todo).
    Undo(done::Args),
    /// Claim a task for a session; exactly one session wins.
    Claim(claim::ClaimArgs),
    /// Give a claimed task back.
    Release(claim::ReleaseArgs),
    /// File a new task found mid-session into the plan (next id, right phase).
    Add(add::Args),
    /// Log a decision that deviates from the plan.
    Decide(decide::Args),
    /// Rewrite parts of the plan in place (`--ids`: assign missing ids).
    Fmt(fmt::Args),
    /// What can run in parallel: waves, critical path, speedup bound, lanes, findings.
    Analyze(analyze::Args),
    /// One focused prompt per session for the current phase.
    Prompts(prompts::Args),
    /// Run a phase: an agent session per lane in its own worktree, gated, merged back.
    Run(run::Args),
    /// The worktree pool of `baton run`: status, fill it ahead of a run, drop it.
    Pool(pool::Args),
    /// Draw the dependency graph (Mermaid or DOT), by waves or lanes.
    Graph(graph::Args),
    /// One self-contained HTML page: graph, lanes planned and actual, verdicts, decisions, run.
    Report(report::Args),
    /// A live full-screen view of the plan and any run: phases, sessions, findings, logs.
    Dash(dash::Args),
    /// Record each task's acceptance criteria; report and accept changes.
    Lock(lock::Args),
    /// Check every ticked box against evidence: verify commands, files, acceptance items.
    ///
    /// What runs: typed by you, `baton verify` runs the plan's `verify:` commands through
    /// `sh -c` in the repository root, as make runs a Makefile, except a command that differs
    /// from the lock (`baton lock`): that task is reported tampered and the changed command
    /// never runs. What an agent triggers (the MCP tools, the hooks) runs only commands
    /// recorded in the committed lock (docs/verify.md, "What runs").
    Verify(verify::Args),
    /// Compare a branch's real changes with its tasks' scopes and other sessions' claims.
    Audit(audit::Args),
    /// Agent hooks: the stop gates of Claude Code, Codex and Gemini CLI; SessionStart.
    Hook(hook::Args),
    /// Serve the plan to coding agents as MCP tools and resources, over stdio.
    Mcp(mcp::Args),
    /// git's merge driver for the plan: keeps both sides' ticks, decisions and tasks.
    MergeDriver(merge_driver::Args),
    /// Print the completion script for a shell (bash, zsh, fish, powershell, elvish).
    Completions(completions::Args),
    /// Print baton's manual page (roff), or write one page per command with --dir.
    Man(man::Args),
}

/// Everything a command needs from the global options.
#[derive(Debug)]
pub struct Globals {
    pub plan: Option<PathBuf>,
}

/// Parses arguments and runs the command. Errors are returned, not printed.
pub fn run(
    args: impl IntoIterator<Item = OsString>,
    printer: &mut Printer,
) -> Result<ExitCode, CliError> {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => {
            // An agent hook reads exit 2 as "block": a mistyped hook command line must not
            // keep a session from stopping, so for `hook` a usage error is an input error.
            let in_hook = args.get(1).is_some_and(|a| a == "hook");
            // --help and --version are successes that clap reports as errors.
            let code = if !err.use_stderr() {
                error::code::OK
            } else if in_hook {
                error::code::INPUT
            } else {
                error::code::USAGE
            };
            let _ = err.print();
            return Ok(ExitCode::from(code));
        }
    };
    *printer = Printer::new(match cli.color {
        Color::Auto => anstream::ColorChoice::Auto,
        Color::Always => anstream::ColorChoice::Always,
        Color::Never => anstream::ColorChoice::Never,
    });
    let globals = Globals { plan: cli.plan };
    let p = printer;
    let g = &globals;
    match &cli.command {
        Command::Init(args) => init::run(p, g, args),
        Command::Lint(args) => lint::run(p, g, args),
        Command::Status(args) => status::run(p, g, args),
        Command::List(args) => list::run(p, g, args),
        Command::Next(args) => next::run(p, g, args),
        Command::Show(args) => show::run(p, g, args),
        Command::Done(args) => done::run(p, g, args, crate::plan::Status::Done),
        Command::Undo(args) => done::run(p, g, args, crate::plan::Status::Todo),
        Command::Claim(args) => claim::claim(p, g, args),
        Command::Release(args) => claim::release(p, g, args),
        Command::Add(args) => add::run(p, g, args),
        Command::Decide(args) => decide::run(p, g, args),
        Command::Fmt(args) => fmt::run(p, g, args),
        Command::Analyze(args) => analyze::run(p, g, args),
        Command::Prompts(args) => prompts::run(p, g, args),
        Command::Run(args) => run::run(p, g, args),
        Command::Pool(args) => pool::run(p, g, args),
        Command::Graph(args) => graph::run(p, g, args),
        Command::Report(args) => report::run(p, g, args),
        Command::Dash(args) => dash::run(p, g, args),
        Command::Lock(args) => lock::run(p, g, args),
        Command::Verify(args) => verify::run(p, g, args),
        Command::Audit(args) => audit::run(p, g, args),
        Command::Hook(args) => hook::run(p, g, args),
        Command::Mcp(args) => mcp::run(p, g, args),
        Command::MergeDriver(args) => merge_driver::run(p, g, args),
        Command::Completions(args) => completions::run(p, g, args),
        Command::Man(args) => man::run(p, g, args),
    }
}
