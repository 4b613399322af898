//! `baton init`: a plan template, and for each agent asked for, what it needs to work through
//! baton: a marked instruction block that is added once and kept current (never touching
//! anything else in the file); for Claude Code, Codex and Gemini CLI, baton's MCP server
//! registered in the agent's project configuration ([`crate::agents::mcp`],
//! [`crate::agents::codex`]) and, where the agent has project commands, slash commands that
//! drive its tools; for Claude Code also the Stop hook in `.claude/settings.json`
//! ([`crate::agents::claude`]), so a session cannot stop with its tasks unfinished or falsely
//! ticked. docs/agents.md describes every file and format.
//!
//! Inside a git repository it also registers baton's merge driver for the plan
//! ([`crate::agents::git_merge`]): a `.gitattributes` line and `merge.baton.*` in the
//! repository's configuration; `--merge-driver` does only that, for an existing project.
//!
//! Every file is read and every merge decided before anything is written, so a malformed
//! configuration stops `init` with all files as they were. Existing configuration is never
//! overwritten: a differing `baton` entry or a slash command someone edited is kept and
//! reported.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Globals;
use super::error::{CliError, Kind};
use super::printer::{self, CYAN, Printer, YELLOW};
use crate::agents::claude::{self, Merged, SettingsError};
use crate::agents::codex;
use crate::agents::git_merge::{self, Attributes, Config};
use crate::agents::mcp::{self, ConfigError, JsonConfig, Launch, Merge, Mismatch};

const PLAN_TEMPLATE: &str = include_str!("templates/plan.md");
/// The instruction block for agents without baton's MCP server: the command line only.
const AGENTS_TEMPLATE: &str = include_str!("templates/agents.md");
/// The instruction block for agents with baton's MCP server: its tools first, the command
/// line as the fallback.
const AGENTS_MCP_TEMPLATE: &str = include_str!("templates/agents-mcp.md");
const BLOCK_START: &str = "<!-- baton:agents:start -->";
const BLOCK_END: &str = "<!-- baton:agents:end -->";
/// Claude Code's project settings, relative to the project directory.
const CLAUDE_SETTINGS: &str = ".claude/settings.json";

/// Claude Code's project slash commands: `.claude/commands/NAME.md` is `/NAME`.
const CLAUDE_COMMANDS_DIR: &str = ".claude/commands";
const CLAUDE_COMMANDS: [(&str, &str); 6] = [
    (
        "baton-next.md",
        include_str!("templates/claude-commands/baton-next.md"),
    ),
    (
        "baton-claim.md",
        include_str!("templates/claude-commands/baton-claim.md"),
    ),
    (
        "baton-done.md",
        include_str!("templates/claude-commands/baton-done.md"),
    ),
    (
        "baton-release.md",
        include_str!("templates/claude-commands/baton-release.md"),
    ),
    (
        "baton-decide.md",
        include_str!("templates/claude-commands/baton-decide.md"),
    ),
    (
        "baton-status.md",
        include_str!("templates/claude-commands/baton-status.md"),
    ),
];

/// Gemini CLI's project commands: `.gemini/commands/baton/NAME.toml` is `/baton:NAME`.
const GEMINI_COMMANDS_DIR: &str = ".gemini/commands/baton";
const GEMINI_COMMANDS: [(&str, &str); 6] = [
    (
        "next.toml",
        include_str!("templates/gemini-commands/next.toml"),
    ),
    (
        "claim.toml",
        include_str!("templates/gemini-commands/claim.toml"),
    ),
    (
        "done.toml",
        include_str!("templates/gemini-commands/done.toml"),
    ),
    (
        "release.toml",
        include_str!("templates/gemini-commands/release.toml"),
    ),
    (
        "decide.toml",
        include_str!("templates/gemini-commands/decide.toml"),
    ),
    (
        "status.toml",
        include_str!("templates/gemini-commands/status.toml"),
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Agent {
    /// Claude Code: CLAUDE.md, .mcp.json, .claude/commands/ and the Stop hook.
    Claude,
    /// Codex CLI: AGENTS.md and .codex/config.toml.
    Codex,
    /// Gemini CLI: GEMINI.md, .gemini/settings.json and .gemini/commands/baton/.
    Gemini,
    /// AGENTS.md only, for any agent that reads it (no MCP server).
    Generic,
}

/// Where an agent registers MCP servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum McpConfig {
    Json(JsonConfig),
    Codex,
}

impl Agent {
    /// The file the agent reads its instructions from.
    fn instructions(self) -> &'static str {
        match self {
            Agent::Claude => "CLAUDE.md",
            Agent::Codex | Agent::Generic => "AGENTS.md",
            Agent::Gemini => "GEMINI.md",
        }
    }

    fn mcp_config(self) -> Option<McpConfig> {
        match self {
            Agent::Claude => Some(McpConfig::Json(JsonConfig::ClaudeCode)),
            Agent::Codex => Some(McpConfig::Codex),
            Agent::Gemini => Some(McpConfig::Json(JsonConfig::GeminiCli)),
            Agent::Generic => None,
        }
    }

    /// How the agent shows baton's tools, for the instruction block.
    fn tool_names(self) -> &'static str {
        match self {
            Agent::Claude => "In Claude Code they are named `mcp__baton__next_tasks` and so on.",
            Agent::Codex => "In Codex they are named `mcp__baton__next_tasks` and so on.",
            Agent::Gemini => "In Gemini CLI, `/mcp` lists them under `baton`.",
            Agent::Generic => "",
        }
    }

    /// The agent's project commands: their folder, and each file's name and text.
    fn commands(self) -> Option<(&'static str, &'static [(&'static str, &'static str)])> {
        match self {
            Agent::Claude => Some((CLAUDE_COMMANDS_DIR, &CLAUDE_COMMANDS)),
            Agent::Gemini => Some((GEMINI_COMMANDS_DIR, &GEMINI_COMMANDS)),
            // Codex's custom prompts live in the user's ~/.codex/prompts, not in a project.
            Agent::Codex | Agent::Generic => None,
        }
    }

    fn slash_command(self, file: &str) -> String {
        match self {
            Agent::Gemini => format!("/baton:{}", file.trim_end_matches(".toml")),
            _ => format!("/{}", file.trim_end_matches(".md")),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
            Agent::Generic => "generic",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also set these agents up to work through baton (comma separated): instructions, the
    /// MCP server `baton mcp` and slash commands (not for generic).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "AGENT")]
    agents: Vec<Agent>,
    /// Where to write (default: the current directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The command agents run to start baton's MCP server [default: baton, from PATH].
    #[arg(long, value_name = "PATH")]
    mcp_command: Option<String>,
    /// Only register baton's git merge driver for the plan (`.gitattributes` and the
    /// repository's git config), in an existing repository; writes no plan.
    #[arg(long, conflicts_with_all = ["agents", "mcp_command"])]
    merge_driver: bool,
}

/// One line of the report.
enum Line {
    Status(String),
    Warning(String),
    Hint(String),
    Note(String),
}

/// Files to write, and what to say once they are written.
#[derive(Default)]
struct Step {
    writes: Vec<(PathBuf, Vec<u8>)>,
    /// git configuration keys to set, with the directory to set them in, after the writes.
    config: Vec<(PathBuf, &'static str, String)>,
    lines: Vec<Line>,
}

impl Step {
    fn say(line: Line) -> Step {
        Step {
            lines: vec![line],
            ..Step::default()
        }
    }

    fn write(path: PathBuf, bytes: impl Into<Vec<u8>>, line: Line) -> Step {
        Step {
            writes: vec![(path, bytes.into())],
            lines: vec![line],
            ..Step::default()
        }
    }
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir()
            .map_err(|e| CliError::input(format!("cannot read the current directory: {e}")))?,
    };
    if !dir.is_dir() {
        return Err(CliError::input(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let shown = |rel: &str| match &args.dir {
        Some(_) => dir.join(rel).display().to_string(),
        None => rel.to_string(),
    };
    let mut agents: Vec<Agent> = Vec::new();
    for &agent in &args.agents {
        if !agents.contains(&agent) {
            agents.push(agent);
        }
    }
    let uses_mcp = agents.iter().any(|a| a.mcp_config().is_some());
    if let Some(command) = &args.mcp_command {
        if command.trim().is_empty() {
            return Err(CliError::new(Kind::Usage, "--mcp-command is empty"));
        }
        if !uses_mcp {
            return Err(CliError::new(
                Kind::Usage,
                "--mcp-command needs --agents claude, codex or gemini",
            ));
        }
    }
    let plan = g.plan.clone().unwrap_or_else(|| dir.join("plan.md"));
    let plan_name = plan
        .strip_prefix(&dir)
        .unwrap_or(&plan)
        .display()
        .to_string();
    let in_repo = crate::repo::discover(&dir).is_some();
    if args.merge_driver {
        if !in_repo {
            return Err(CliError::input(format!(
                "{} is not inside a git repository; nothing was written",
                dir.display()
            ))
            .with_hint("run `git init` first, then `baton init --merge-driver`"));
        }
        let steps = vec![merge_driver_step(&dir, &plan_name, &shown)?];
        return finish(p, steps);
    }
    if plan.exists() && agents.is_empty() {
        return Err(
            CliError::input(format!("{plan_name} already exists; nothing was written")).with_hint(
                "`baton init --agents claude` adds agent instructions to an existing project",
            ),
        );
    }
    // The server finds `plan.md` upwards from where the agent runs; any other plan is named.
    let launch = Launch::new(
        args.mcp_command.as_deref().unwrap_or(mcp::DEFAULT_COMMAND),
        (plan_name != "plan.md").then_some(plan_name.as_str()),
    );

    // Decide everything first: a file that cannot be merged stops init before any write.
    let mut steps: Vec<Step> = Vec::new();
    let new_plan = !plan.exists();
    if !new_plan {
        steps.push(Step::say(Line::Status(format!(
            "{plan_name} exists, left as it is"
        ))));
    }
    for (name, block) in instruction_blocks(&agents, &plan_name) {
        let path = dir.join(name);
        let shown = shown(name);
        let old = read_optional(&path, &shown)?;
        steps.push(match upsert_block(old.as_deref(), &block, &shown)? {
            None => Step::say(Line::Status(format!("{shown} already has baton's block"))),
            Some(new) if old.is_none() => {
                Step::write(path, new, Line::Status(format!("wrote {shown}")))
            }
            Some(new) => Step::write(
                path,
                new,
                Line::Status(format!("updated baton's block in {shown}")),
            ),
        });
    }
    if agents.contains(&Agent::Claude) {
        let path = dir.join(CLAUDE_SETTINGS);
        let shown = shown(CLAUDE_SETTINGS);
        let (existed, merged) = merge_settings(&path, &shown)?;
        steps.push(match merged {
            Merged::AlreadyPresent => Step::say(Line::Status(format!(
                "{shown} already runs `{}` on Stop",
                claude::STOP_COMMAND
            ))),
            Merged::Updated(text) if existed => Step::write(
                path,
                text,
                Line::Status(format!("added baton's Stop hook to {shown}")),
            ),
            Merged::Updated(text) => Step::write(
                path,
                text,
                Line::Status(format!("wrote {shown} (baton's Stop hook)")),
            ),
        });
    }
    for &agent in &agents {
        if let Some(config) = agent.mcp_config() {
            steps.push(register_server(agent, config, &dir, &shown, &launch)?);
        }
    }
    for &agent in &agents {
        if let Some((folder, files)) = agent.commands() {
            steps.push(command_files(agent, folder, files, &dir, &shown)?);
        }
    }
    if in_repo {
        steps.push(merge_driver_step(&dir, &plan_name, &shown)?);
    }

    if new_plan {
        write_new(&plan, PLAN_TEMPLATE)?;
        p.status(format!("wrote {plan_name}"))?;
    }
    finish(p, steps)
}

/// Carries out the decided steps: writes, git configuration, then what to say.
fn finish(p: &mut Printer, steps: Vec<Step>) -> Result<ExitCode, CliError> {
    for step in steps {
        for (path, bytes) in &step.writes {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| {
                    CliError::input(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            write_atomic(path, bytes)?;
        }
        for (dir, key, value) in &step.config {
            git_merge::set_config(dir, key, value).map_err(|e| {
                CliError::input(format!("{e}")).with_hint(
                    "register the driver by hand as docs/merge-driver.md describes, or run \
                     `baton init --merge-driver` again",
                )
            })?;
        }
        for line in step.lines {
            match line {
                Line::Status(text) => p.status(text)?,
                Line::Warning(text) => p.status(format!(
                    "{} {text}",
                    printer::paint(YELLOW.bold(), "warning:")
                ))?,
                Line::Hint(text) => p.hint(text)?,
                Line::Note(text) => {
                    p.status(format!("{} {text}", printer::paint(CYAN, "note:")))?
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Registers baton's merge driver for the plan (decided, not written): the `.gitattributes`
/// line in `dir` and `merge.baton.*` in the repository's configuration.
fn merge_driver_step(
    dir: &Path,
    plan_name: &str,
    shown: &dyn Fn(&str) -> String,
) -> Result<Step, CliError> {
    // A plan outside the directory is named by its file name: patterns are relative to the
    // `.gitattributes` that holds them.
    let relative = Path::new(plan_name);
    let inside = relative.is_relative()
        && !relative
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir));
    let name = match relative.file_name() {
        Some(file) if !inside => file.to_string_lossy().into_owned(),
        _ => plan_name.replace('\\', "/"),
    };
    let pattern = git_merge::attribute_pattern(&name);
    let path = dir.join(".gitattributes");
    let shown_attrs = shown(".gitattributes");
    let mut step = Step::default();
    match git_merge::merge_attributes(read_optional(&path, &shown_attrs)?.as_deref(), &pattern) {
        Attributes::Unchanged => step.lines.push(Line::Status(format!(
            "{shown_attrs} already merges {name} with baton"
        ))),
        Attributes::Write(bytes) => {
            step.writes.push((path, bytes));
            step.lines.push(Line::Status(format!(
                "added `{pattern} merge=baton` to {shown_attrs}"
            )));
        }
        Attributes::KeptOther(line) => {
            step.lines.push(Line::Warning(format!(
                "{shown_attrs} gives {name} its own merge setting, left as it is: `{line}`"
            )));
            step.lines.push(Line::Hint(format!(
                "to merge the plan with baton, change it to `{pattern} merge=baton`"
            )));
        }
    }
    let exe = std::env::current_exe().map_err(|e| {
        CliError::new(
            Kind::Internal,
            format!("cannot find baton's own executable: {e}"),
        )
    })?;
    let program = git_merge::program(&exe, std::env::var_os("PATH").as_deref());
    let wanted = git_merge::driver_command(&program);
    let get =
        |key: &str| git_merge::get_config(dir, key).map_err(|e| CliError::input(format!("{e}")));
    let name_now = get(git_merge::NAME_KEY)?;
    let driver_now = get(git_merge::DRIVER_KEY)?;
    match git_merge::merge_config(name_now.as_deref(), driver_now.as_deref(), &wanted) {
        Config::Unchanged => step.lines.push(Line::Status(
            "git config already has merge driver `baton`".to_string(),
        )),
        Config::Set(keys) => {
            step.lines.push(Line::Status(format!(
                "registered merge driver `baton` in the repository's git config: {wanted}"
            )));
            step.config
                .extend(keys.into_iter().map(|(k, v)| (dir.to_path_buf(), k, v)));
        }
        Config::KeptOther(found) => {
            step.lines.push(Line::Warning(format!(
                "git config has its own merge.baton.driver, left as it is: {found}"
            )));
            step.lines.push(Line::Hint(format!(
                "to let baton write its own, run `git config --unset merge.baton.driver` and \
                 `baton init --merge-driver` again (baton would write: {wanted})"
            )));
        }
    }
    Ok(step)
}

/// Each instruction file with its block. Agents that share a file (Codex and generic agents
/// both read AGENTS.md) get one block: the MCP one if any of them has baton's server.
fn instruction_blocks(agents: &[Agent], plan_name: &str) -> Vec<(&'static str, String)> {
    let mut files: Vec<(&'static str, Agent)> = Vec::new();
    for &agent in agents {
        match files.iter_mut().find(|(f, _)| *f == agent.instructions()) {
            Some((_, chosen)) => {
                if chosen.mcp_config().is_none() {
                    *chosen = agent;
                }
            }
            None => files.push((agent.instructions(), agent)),
        }
    }
    files
        .into_iter()
        .map(|(file, agent)| {
            let body = match agent.mcp_config() {
                Some(_) => AGENTS_MCP_TEMPLATE.replace("{tools}", agent.tool_names()),
                None => AGENTS_TEMPLATE.to_string(),
            };
            let block = format!(
                "{BLOCK_START}\n{}{BLOCK_END}\n",
                body.replace("{plan}", plan_name)
            );
            (file, block)
        })
        .collect()
}

/// Registers baton's MCP server in `agent`'s project configuration (decided, not written).
fn register_server(
    agent: Agent,
    config: McpConfig,
    dir: &Path,
    shown: &dyn Fn(&str) -> String,
    launch: &Launch,
) -> Result<Step, CliError> {
    let (rel, entry) = match config {
        McpConfig::Json(json) => (json.path(), "`mcpServers.baton`"),
        McpConfig::Codex => (codex::CONFIG, "the `[mcp_servers.baton]` table"),
    };
    let path = dir.join(rel);
    let shown = shown(rel);
    let existing = read_text(&path, &shown)?;
    let merged = match config {
        McpConfig::Json(json) => mcp::merge_json(json, existing.as_deref(), launch),
        McpConfig::Codex => codex::merge_config(existing.as_deref(), launch),
    }
    .map_err(|e| config_error(&e, &shown, agent))?;
    let mut step = match merged {
        Merge::Write(text) if existing.is_some() => Step::write(
            path,
            text,
            Line::Status(format!("added MCP server `baton` to {shown}")),
        ),
        Merge::Write(text) => Step::write(
            path,
            text,
            Line::Status(format!(
                "wrote {shown} (MCP server `baton`: {})",
                launch.command_line()
            )),
        ),
        Merge::Unchanged => Step::say(Line::Status(format!(
            "{shown} already has MCP server `baton`"
        ))),
        Merge::KeptUserEntry(mismatches) => {
            let mut step = Step::say(Line::Warning(format!(
                "{shown} has its own MCP server `baton`, left as it is: {}",
                describe(&mismatches)
            )));
            if let Some(why) = mismatches.iter().find_map(|m| consequence(m.key)) {
                step.lines.push(Line::Hint(why.to_string()));
            }
            step.lines.push(Line::Hint(format!(
                "to let baton write its own entry, delete {entry} from {shown} and run \
                 `baton init --agents {}` again",
                agent.name()
            )));
            step
        }
    };
    if config == McpConfig::Codex {
        step.lines.push(Line::Note(format!(
            "Codex reads {shown} only in a project it trusts: say yes when Codex asks whether \
             to trust this folder"
        )));
    }
    Ok(step)
}

/// `command is "x" (baton writes "baton"); trust is missing (baton writes true)`.
fn describe(mismatches: &[Mismatch]) -> String {
    mismatches
        .iter()
        .map(|m| match &m.found {
            Some(found) => format!("{} is {found} (baton writes {})", m.key, m.wanted),
            None => format!("{} is missing (baton writes {})", m.key, m.wanted),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What goes wrong when a key the agent needs differs.
fn consequence(key: &str) -> Option<&'static str> {
    match key {
        "trust" => Some(
            "without `trust: true` Gemini CLI asks before every call of baton's tools, and a \
             headless `gemini -p` does not offer them at all",
        ),
        "default_tools_approval_mode" => Some(
            "without `default_tools_approval_mode = \"approve\"` `codex exec` cannot call \
             baton's tools",
        ),
        _ => None,
    }
}

fn config_error(e: &ConfigError, shown: &str, agent: Agent) -> CliError {
    let message = match e {
        ConfigError::Syntax { .. } => format!("{shown}:{e}"),
        ConfigError::Shape { .. } | ConfigError::Unmergeable(_) => format!("{shown}: {e}"),
    };
    CliError::input(format!("{message}; it was left untouched")).with_hint(format!(
        "fix {shown} by hand, then run `baton init --agents {}` again; nothing was written",
        agent.name()
    ))
}

/// The agent's slash commands: each file is created when missing and otherwise left alone.
fn command_files(
    agent: Agent,
    folder: &str,
    files: &[(&str, &str)],
    dir: &Path,
    shown: &dyn Fn(&str) -> String,
) -> Result<Step, CliError> {
    let mut step = Step::default();
    let mut added = Vec::new();
    let mut edited = Vec::new();
    for (name, text) in files {
        let rel = format!("{folder}/{name}");
        let path = dir.join(&rel);
        match read_optional(&path, &shown(&rel))? {
            None => {
                step.writes.push((path, text.as_bytes().to_vec()));
                added.push(agent.slash_command(name));
            }
            Some(old) if old == text.as_bytes() => {}
            Some(_) => edited.push(shown(&rel)),
        }
    }
    let folder = shown(folder);
    if !added.is_empty() {
        step.lines.push(Line::Status(format!(
            "added slash command{} {} in {folder}/",
            if added.len() == 1 { "" } else { "s" },
            added.join(", ")
        )));
    } else if edited.is_empty() {
        step.lines.push(Line::Status(format!(
            "{folder}/ already has baton's slash commands"
        )));
    }
    for file in &edited {
        step.lines.push(Line::Warning(format!(
            "{file} differs from baton's version, left as it is"
        )));
    }
    if !edited.is_empty() {
        step.lines.push(Line::Hint(format!(
            "delete an edited file and run `baton init --agents {}` again to get baton's \
             version of it",
            agent.name()
        )));
    }
    Ok(step)
}

/// Reads Claude Code's settings and merges baton's Stop hook into them, writing nothing.
/// Returns whether the file existed, and the merge.
fn merge_settings(path: &Path, shown: &str) -> Result<(bool, Merged), CliError> {
    let existing = read_text(path, shown)?;
    let merged = claude::merge_stop_hook(existing.as_deref()).map_err(|e| {
        let message = match &e {
            SettingsError::Syntax { .. } => format!("{shown}:{e}"),
            SettingsError::Shape { .. } => format!("{shown}: {e}"),
        };
        CliError::input(format!("{message}; it was left untouched")).with_hint(format!(
            "fix {shown} by hand, then run `baton init --agents claude` again to add the Stop hook"
        ))
    })?;
    Ok((existing.is_some(), merged))
}

/// A file's bytes, or None when it does not exist.
fn read_optional(path: &Path, shown: &str) -> Result<Option<Vec<u8>>, CliError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::input(format!("cannot read {shown}: {e}"))),
    }
}

/// A configuration file's text, or None when it does not exist.
fn read_text(path: &Path, shown: &str) -> Result<Option<String>, CliError> {
    read_optional(path, shown)?
        .map(|bytes| {
            String::from_utf8(bytes).map_err(|_| {
                CliError::input(format!("{shown} is not UTF-8 text; it was left untouched"))
            })
        })
        .transpose()
}

/// Replaces a file in one step: a temporary file in the same folder, then a rename. The file
/// keeps its permissions (a new one gets the usual 0644, not the temporary file's 0600).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let tmp_dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let write_err =
        |e: std::io::Error| CliError::input(format!("cannot write {}: {e}", path.display()));
    let mut tmp = tempfile::NamedTempFile::new_in(tmp_dir).map_err(write_err)?;
    tmp.write_all(bytes).map_err(write_err)?;
    let permissions = match fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => new_file_permissions(),
    };
    if let Some(permissions) = permissions {
        fs::set_permissions(tmp.path(), permissions).map_err(write_err)?;
    }
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}

#[cfg(unix)]
fn new_file_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<fs::Permissions> {
    None
}

fn write_new(path: &Path, text: &str) -> Result<(), CliError> {
    fs::write(path, text)
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))
}

/// Puts `block` into a file's bytes (`None`: no file yet): replaces an existing marked block,
/// or appends it after what is there. Everything outside the markers stays byte for byte.
/// Returns the new bytes, or None when the file already holds this block.
fn upsert_block(old: Option<&[u8]>, block: &str, shown: &str) -> Result<Option<Vec<u8>>, CliError> {
    let Some(old) = old else {
        return Ok(Some(block.as_bytes().to_vec()));
    };
    let text = String::from_utf8_lossy(old);
    let new = match (text.find(BLOCK_START), text.find(BLOCK_END)) {
        (Some(start), Some(end)) if end > start => {
            let mut end = end + BLOCK_END.len();
            if text[end..].starts_with('\n') {
                end += 1;
            }
            let mut new = old[..start].to_vec();
            new.extend_from_slice(block.as_bytes());
            new.extend_from_slice(&old[end..]);
            new
        }
        (None, None) => {
            let mut new = old.to_vec();
            match (new.is_empty(), new.ends_with(b"\n\n"), new.ends_with(b"\n")) {
                (true, _, _) | (_, true, _) => {}
                (_, _, true) => new.push(b'\n'),
                _ => new.extend_from_slice(b"\n\n"),
            }
            new.extend_from_slice(block.as_bytes());
            new
        }
        _ => {
            return Err(CliError::input(format!(
                "{shown} has only one of baton's markers; fix it by hand"
            )));
        }
    };
    Ok((new != old).then_some(new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_commands_have_front_matter_and_use_the_mcp_tools() {
        for (name, text) in CLAUDE_COMMANDS {
            let front = text
                .strip_prefix("---\n")
                .and_then(|rest| rest.split_once("\n---\n"))
                .map(|(front, _)| front)
                .unwrap_or_else(|| panic!("{name}: no front matter"));
            assert!(
                front.lines().any(|l| l.starts_with("description: ")),
                "{name}"
            );
            let tools = front
                .lines()
                .find_map(|l| l.strip_prefix("allowed-tools: "))
                .unwrap_or_else(|| panic!("{name}: no allowed-tools"));
            for tool in tools.split(", ") {
                assert!(tool.starts_with("mcp__baton__"), "{name}: {tool}");
                assert!(
                    text.contains(&format!("`{tool}`")),
                    "{name} never names {tool}"
                );
            }
            assert!(text.contains("$ARGUMENTS"), "{name}");
            assert!(text.contains("Without the baton"), "{name}");
        }
    }

    #[test]
    fn gemini_commands_are_toml_with_a_description_and_a_prompt() {
        for (name, text) in GEMINI_COMMANDS {
            let doc: toml_edit::DocumentMut = text
                .parse()
                .unwrap_or_else(|e| panic!("{name} is not TOML: {e}"));
            assert_eq!(doc.len(), 2, "{name}: only description and prompt");
            assert!(doc["description"].as_str().is_some(), "{name}");
            let prompt = doc["prompt"].as_str().expect("prompt");
            assert!(prompt.contains("{{args}}"), "{name}");
            assert!(prompt.contains("`baton` MCP server"), "{name}");
            assert!(prompt.contains("Without the baton tools"), "{name}");
        }
    }

    #[test]
    fn agents_sharing_a_file_get_the_mcp_block() {
        let blocks = instruction_blocks(&[Agent::Generic, Agent::Codex, Agent::Claude], "p.md");
        let names: Vec<&str> = blocks.iter().map(|(f, _)| *f).collect();
        assert_eq!(names, ["AGENTS.md", "CLAUDE.md"]);
        assert!(blocks[0].1.contains("`claim_task`"));
        assert!(
            blocks[0]
                .1
                .contains("In Codex they are named `mcp__baton__next_tasks`")
        );
        assert!(blocks[1].1.contains("In Claude Code they are named"));
        assert!(blocks.iter().all(|(_, b)| b.contains("`p.md`")));
        let generic = instruction_blocks(&[Agent::Generic], "plan.md");
        assert!(!generic[0].1.contains("MCP"));
        assert!(generic[0].1.starts_with(BLOCK_START));
    }

    #[test]
    fn upserting_a_block_keeps_everything_else() {
        let block = format!("{BLOCK_START}\nnew\n{BLOCK_END}\n");
        assert_eq!(
            upsert_block(None, &block, "f").expect("ok"),
            Some(block.clone().into_bytes())
        );
        let old = format!("# Notes\n\n{BLOCK_START}\nold\n{BLOCK_END}\ntail\n");
        let new = upsert_block(Some(old.as_bytes()), &block, "f").expect("ok");
        assert_eq!(
            new,
            Some(format!("# Notes\n\n{BLOCK_START}\nnew\n{BLOCK_END}\ntail\n").into_bytes())
        );
        let same = format!("# Notes\n\n{block}");
        assert_eq!(
            upsert_block(Some(same.as_bytes()), &block, "f").expect("ok"),
            None
        );
        let appended = upsert_block(Some(b"# Notes"), &block, "f").expect("ok");
        assert_eq!(appended, Some(format!("# Notes\n\n{block}").into_bytes()));
        let broken = format!("x\n{BLOCK_START}\n");
        assert!(upsert_block(Some(broken.as_bytes()), &block, "f").is_err());
    }
}
