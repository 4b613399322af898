//! `baton init`: a plan template, and for each agent asked for, what it needs to work through
//! baton: a marked instruction block that is added once and kept current (never touching
//! anything else in the file); for Claude Code, Codex and Gemini CLI, baton's MCP server
//! registered in the agent's project configuration ([`crate::agents::mcp`],
//! [`crate::agents::codex`]) and, where the agent has project commands, slash commands that
//! drive its tools; and each agent's hooks ([`crate::agents::hooks`]): a stop gate, so a
//! session cannot stop with its tasks unfinished or falsely ticked, and a SessionStart hook
//! that brings a session's brief back after a compaction. docs/agents.md describes every
//! file and format.
//!
//! Inside a git repository it also registers baton's merge driver for the plan
//! ([`crate::agents::git_merge`]): a `.gitattributes` line and `merge.baton.*` in the
//! repository's configuration; `--merge-driver` does only that, for an existing project.
//!
//! Every file is read and every merge decided before anything is written, so a malformed
//! configuration, a link out of the project or an edited block stops `init` with all files
//! as they were. Files are written through their links ([`crate::agents::files`]). Existing
//! configuration is never overwritten: a differing `baton` entry, a slash command or an
//! instruction block someone edited is kept and reported ([`crate::agents::block`]).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Globals;
use super::error::{CliError, Kind};
use super::printer::{self, CYAN, Printer, YELLOW};
use crate::agents::block::{self, Upsert};
use crate::agents::files::{self, FileError};
use crate::agents::git_merge::{self, Attributes, Config};
use crate::agents::hooks::{self, Hook, Outcome};
use crate::agents::mcp::{self, ConfigError, JsonConfig, Launch, Merge, Mismatch};
use crate::agents::{claude, codex, gemini};

const PLAN_TEMPLATE: &str = include_str!("templates/plan.md");
/// The instruction block for agents without baton's MCP server: the command line only.
const AGENTS_TEMPLATE: &str = include_str!("templates/agents.md");
/// The instruction block for agents with baton's MCP server: its tools first, the command
/// line as the fallback.
const AGENTS_MCP_TEMPLATE: &str = include_str!("templates/agents-mcp.md");
/// The instruction block for Codex: the tools only, since its sandbox makes `.git` read-only
/// and every `baton` command that changes state fail.
const AGENTS_CODEX_TEMPLATE: &str = include_str!("templates/agents-codex.md");

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
    /// Claude Code: CLAUDE.md, .mcp.json, .claude/commands/ and hooks in .claude/settings.json.
    Claude,
    /// Codex CLI: AGENTS.md, .codex/config.toml and hooks in .codex/hooks.json.
    Codex,
    /// Gemini CLI: GEMINI.md, .gemini/settings.json (server and hooks), .gemini/commands/baton/.
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

    /// Where the agent's hooks go, and baton's hooks for it (run through `program`).
    fn hooks(self, program: &str) -> Option<(&'static str, Vec<Hook>)> {
        match self {
            Agent::Claude => Some((claude::SETTINGS, claude::hooks(program).to_vec())),
            Agent::Codex => Some((codex::HOOKS, codex::hooks(program).to_vec())),
            Agent::Gemini => Some((
                JsonConfig::GeminiCli.path(),
                gemini::hooks(program).to_vec(),
            )),
            Agent::Generic => None,
        }
    }

    /// The agent's name in messages.
    fn label(self) -> &'static str {
        match self {
            Agent::Claude => "Claude Code",
            Agent::Codex => "Codex",
            Agent::Gemini => "Gemini CLI",
            Agent::Generic => "the agent",
        }
    }

    fn timeout_unit(self) -> &'static str {
        match self {
            Agent::Gemini => "milliseconds",
            _ => "seconds",
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
    /// MCP server `baton mcp`, hooks and slash commands (not for generic).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "AGENT")]
    agents: Vec<Agent>,
    /// Where to write (default: the current directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The command agents run to start baton's MCP server and its hooks [default: baton,
    /// from PATH].
    #[arg(long, value_name = "PATH")]
    mcp_command: Option<String>,
    /// Replace baton's instruction block even where someone edited it (without it, init
    /// shows the edits and refuses, exit 4).
    #[arg(long)]
    force: bool,
    /// Only register baton's git merge driver for the plan (`.gitattributes` and the
    /// repository's git config), in an existing repository; writes no plan.
    #[arg(long, conflicts_with_all = ["agents", "mcp_command", "force"])]
    merge_driver: bool,
}

/// One line of the report.
enum Line {
    Status(String),
    Warning(String),
    Hint(String),
    Note(String),
}

/// What a step found to say, and git configuration keys to set (with the directory to set
/// them in) once the files are written.
#[derive(Default)]
struct Step {
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
}

/// One file `init` reads and may write: found through its links, read once, changed in
/// memory by every step concerned (`.gemini/settings.json` gets the MCP server and the
/// hooks; `CLAUDE.md` linked to `AGENTS.md` is one file), written at the end.
struct File {
    /// The path it is reached by (relative to the project directory), for messages.
    rel: String,
    /// The real path, links followed: what is read and replaced.
    path: PathBuf,
    original: Option<Vec<u8>>,
    current: Option<Vec<u8>>,
}

/// The files of one `init`, with the root no link may lead out of.
struct Files {
    dir: PathBuf,
    /// The repository's working tree, or the project directory outside git.
    root: PathBuf,
    /// `--dir` was given: messages show full paths.
    explicit: bool,
    files: Vec<File>,
    /// The paths met that are links (or in linked folders).
    linked: Vec<String>,
}

impl Files {
    fn shown(&self, rel: &str) -> String {
        if self.explicit {
            self.dir.join(rel).display().to_string()
        } else {
            rel.to_string()
        }
    }

    /// The file `rel` is, read when first met.
    fn open(&mut self, rel: &str) -> Result<usize, CliError> {
        let shown = self.shown(rel);
        let resolved = files::resolve(&self.root, &self.dir.join(rel), &shown).map_err(|e| {
            let hint = match e {
                FileError::Outside { .. } => {
                    "replace the link with a copy of its target, or add baton's entry to the \
                     target by hand; nothing was written"
                }
                _ => "nothing was written",
            };
            CliError::input(e.to_string()).with_hint(hint)
        })?;
        if resolved.linked && !self.linked.iter().any(|l| l == rel) {
            self.linked.push(rel.to_string());
        }
        if let Some(i) = self.files.iter().position(|f| f.path == resolved.path) {
            return Ok(i);
        }
        let original = files::read_optional(&resolved.path)
            .map_err(|e| CliError::input(format!("cannot read {shown}: {e}")))?;
        self.files.push(File {
            rel: rel.to_string(),
            path: resolved.path,
            current: original.clone(),
            original,
        });
        Ok(self.files.len() - 1)
    }

    fn bytes(&self, i: usize) -> Option<&[u8]> {
        self.files[i].current.as_deref()
    }

    /// The file's text as it stands, or None when it does not exist.
    fn text(&self, i: usize, shown: &str) -> Result<Option<String>, CliError> {
        self.bytes(i)
            .map(|bytes| {
                String::from_utf8(bytes.to_vec()).map_err(|_| {
                    CliError::input(format!("{shown} is not UTF-8 text; it was left untouched"))
                })
            })
            .transpose()
    }

    fn existed(&self, i: usize) -> bool {
        self.files[i].original.is_some()
    }

    fn set(&mut self, i: usize, bytes: impl Into<Vec<u8>>) {
        self.files[i].current = Some(bytes.into());
    }

    /// How a file reached through a link is named: `CLAUDE.md (a link to AGENTS.md)`.
    fn name(&self, i: usize, rel: &str) -> String {
        let shown = self.shown(rel);
        let file = &self.files[i];
        if !self.linked.iter().any(|l| l == rel) {
            return shown;
        }
        let root = fs::canonicalize(&self.dir).unwrap_or_else(|_| self.dir.clone());
        let target = match file.path.strip_prefix(&root) {
            Ok(inside) if !self.explicit => inside.display().to_string(),
            _ => file.path.display().to_string(),
        };
        format!("{shown} (a link to {target})")
    }

    /// Writes every file that changed, each once, to its real path (links stay links).
    fn write(&self) -> Result<(), CliError> {
        for file in &self.files {
            if let Some(bytes) = &file.current
                && file.current != file.original
            {
                files::write_atomic(&file.path, bytes).map_err(|e| {
                    CliError::input(format!("cannot write {}: {e}", self.shown(&file.rel)))
                })?;
            }
        }
        Ok(())
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
    let repo = crate::repo::discover(&dir);
    let in_repo = repo.is_some();
    let root = match &repo {
        Some(repo) => repo.worktree_root.clone(),
        None => fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone()),
    };
    let mut files = Files {
        dir: dir.clone(),
        root: root.clone(),
        explicit: args.dir.is_some(),
        files: Vec::new(),
        linked: Vec::new(),
    };
    if args.merge_driver {
        if !in_repo {
            return Err(CliError::input(format!(
                "{} is not inside a git repository; nothing was written",
                dir.display()
            ))
            .with_hint("run `git init` first, then `baton init --merge-driver`"));
        }
        let steps = vec![merge_driver_step(&mut files, &plan_name)?];
        files.write()?;
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
    let mut edited = Vec::new();
    for group in instruction_files(&mut files, &agents)? {
        let (step, conflict) = instruction_step(&mut files, &group, &plan_name, args.force)?;
        steps.push(step);
        edited.extend(conflict);
    }
    for &agent in &agents {
        if let Some(config) = agent.mcp_config() {
            steps.push(register_server(&mut files, agent, config, &launch)?);
        }
        if let Some((rel, hooks)) = agent.hooks(&launch.command) {
            steps.push(hooks_step(&mut files, agent, rel, &hooks)?);
        }
        if agent == Agent::Codex {
            let project = root.display().to_string();
            let mut step = Step::default();
            for note in codex::trust_instructions(&project) {
                step.lines.push(Line::Note(note));
            }
            steps.push(step);
        }
    }
    for &agent in &agents {
        if let Some((folder, commands)) = agent.commands() {
            steps.push(command_files(&mut files, agent, folder, commands)?);
        }
    }
    if in_repo {
        steps.push(merge_driver_step(&mut files, &plan_name)?);
    }
    if !edited.is_empty() {
        return Err(refuse_edits(p, &edited, &agents)?);
    }

    if new_plan {
        write_new(&plan, PLAN_TEMPLATE)?;
        p.status(format!("wrote {plan_name}"))?;
    }
    files.write()?;
    finish(p, steps)
}

/// Says what was done: the lines of every step, after its git configuration is set.
fn finish(p: &mut Printer, steps: Vec<Step>) -> Result<ExitCode, CliError> {
    for step in steps {
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
                    p.status(format!("{} {text}", printer::paint(CYAN.bold(), "note:")))?
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// An instruction block baton would change that someone edited: where, and both texts.
struct EditedBlock {
    name: String,
    found: String,
    wanted: String,
    legacy: bool,
}

/// Shows each edited block against baton's text and refuses (exit 4): nothing is written.
fn refuse_edits(
    p: &mut Printer,
    edited: &[EditedBlock],
    agents: &[Agent],
) -> Result<CliError, CliError> {
    for block in edited {
        let why = if block.legacy {
            "was written by an older baton or edited"
        } else {
            "was edited"
        };
        p.status(format!(
            "{} baton's block in {} {why}, and baton's text has changed; `-` is the block as \
             it is, `+` what baton would write:",
            printer::paint(YELLOW.bold(), "warning:"),
            block.name
        ))?;
        for line in block::diff(&block.found, &block.wanted).lines() {
            p.status(format!("    {line}"))?;
        }
    }
    let names: Vec<&str> = edited.iter().map(|b| b.name.as_str()).collect();
    let list: Vec<&str> = agents.iter().map(|a| a.name()).collect();
    Ok(CliError::new(
        Kind::Conflict,
        format!(
            "baton's block in {} holds edits baton would replace; nothing was written",
            names.join(", ")
        ),
    )
    .with_hint(format!(
        "move your text outside the `baton:agents` markers and run init again, or run \
         `baton init --agents {} --force` to replace the block with baton's",
        list.join(",")
    )))
}

/// One instruction file (its index in [`Files`]), the names it is reached by, and the agents
/// that read it.
type InstructionFile = (usize, Vec<&'static str>, Vec<Agent>);

/// The instruction files, each with the agents that read it. Agents whose files are one
/// file (Codex and generic agents both read AGENTS.md; CLAUDE.md may link to it) share one
/// block, written for all of them.
fn instruction_files(
    files: &mut Files,
    agents: &[Agent],
) -> Result<Vec<InstructionFile>, CliError> {
    let mut groups: Vec<InstructionFile> = Vec::new();
    for &agent in agents {
        let rel = agent.instructions();
        let i = files.open(rel)?;
        match groups.iter_mut().find(|(j, _, _)| *j == i) {
            Some((_, rels, members)) => {
                if !rels.contains(&rel) {
                    rels.push(rel);
                }
                members.push(agent);
            }
            None => groups.push((i, vec![rel], vec![agent])),
        }
    }
    Ok(groups)
}

/// The block's text for agents that share an instruction file: Codex's when Codex is one of
/// them (its sandbox rules out the command line), else the MCP one when any has baton's
/// server, else the command line only.
fn block_body(agents: &[Agent], plan_name: &str) -> String {
    let mcp: Vec<Agent> = agents
        .iter()
        .copied()
        .filter(|a| a.mcp_config().is_some())
        .collect();
    let template = if agents.contains(&Agent::Codex) {
        AGENTS_CODEX_TEMPLATE
    } else if !mcp.is_empty() {
        AGENTS_MCP_TEMPLATE
    } else {
        AGENTS_TEMPLATE
    };
    let tools: Vec<&str> = mcp.iter().map(|a| a.tool_names()).collect();
    template
        .replace("{tools}", &tools.join("\n"))
        .replace("{plan}", plan_name)
}

/// Keeps baton's block current in one instruction file; an edited block it would replace is
/// returned instead, for [`refuse_edits`].
fn instruction_step(
    files: &mut Files,
    (i, rels, agents): &InstructionFile,
    plan_name: &str,
    force: bool,
) -> Result<(Step, Option<EditedBlock>), CliError> {
    let names: Vec<String> = rels.iter().map(|rel| files.name(*i, rel)).collect();
    let name = names.join(" and ");
    let body = block_body(agents, plan_name);
    let upsert = block::upsert(files.bytes(*i), &body, force)
        .map_err(|e| CliError::input(format!("{name} {e}")))?;
    let existed = files.existed(*i);
    let step = match upsert {
        Upsert::Unchanged => Step::say(Line::Status(format!("{name} already has baton's block"))),
        Upsert::KeptEdits => Step::say(Line::Status(format!(
            "{name}: baton's block holds your edits, kept as they are"
        ))),
        Upsert::Write(bytes) => {
            files.set(*i, bytes);
            Step::say(Line::Status(if existed {
                format!("updated baton's block in {name}")
            } else {
                format!("wrote {name}")
            }))
        }
        Upsert::Edited {
            found,
            wanted,
            legacy,
        } => {
            let edited = EditedBlock {
                name,
                found,
                wanted,
                legacy,
            };
            return Ok((Step::default(), Some(edited)));
        }
    };
    Ok((step, None))
}

/// Adds the agent's hooks to its hook file (decided, not written).
fn hooks_step(
    files: &mut Files,
    agent: Agent,
    rel: &str,
    hooks: &[Hook],
) -> Result<Step, CliError> {
    let i = files.open(rel)?;
    let shown = files.shown(rel);
    let name = files.name(i, rel);
    let existing = files.text(i, &shown)?;
    let existed = existing.is_some();
    let comments = agent == Agent::Gemini;
    let merged = hooks::merge(existing.as_deref(), hooks, agent.label(), comments)
        .map_err(|e| config_error(&e, &shown, agent))?;
    let mut step = Step::default();
    let events = |want: &dyn Fn(Outcome) -> bool| -> Vec<String> {
        hooks
            .iter()
            .zip(&merged.outcomes)
            .filter(|(_, o)| want(**o))
            .map(|(h, _)| h.event.to_string())
            .collect()
    };
    let added = events(&|o| o == Outcome::Added);
    if let Some(text) = merged.text {
        files.set(i, text);
        step.lines.push(Line::Status(if existed {
            format!("added baton's hooks to {name}: {}", added.join(", "))
        } else {
            format!("wrote {name} (baton's hooks: {})", added.join(", "))
        }));
    } else {
        step.lines
            .push(Line::Status(format!("{name} already runs baton's hooks")));
    }
    let untimed: Vec<String> = hooks
        .iter()
        .zip(&merged.outcomes)
        .filter(|(_, o)| **o == Outcome::PresentWithoutTimeout)
        .map(|(h, _)| format!("`\"timeout\": {}` to {}", h.timeout, h.event))
        .collect();
    if !untimed.is_empty() {
        step.lines.push(Line::Warning(format!(
            "{name}: baton's hook has no `timeout`, left as it is"
        )));
        step.lines.push(Line::Hint(format!(
            "{} stops a hook at its own default timeout, which a slow verify run can exceed: \
             add {} ({})",
            agent.label(),
            untimed.join(", "),
            agent.timeout_unit()
        )));
    }
    Ok(step)
}

/// Registers baton's MCP server in `agent`'s project configuration (decided, not written).
fn register_server(
    files: &mut Files,
    agent: Agent,
    config: McpConfig,
    launch: &Launch,
) -> Result<Step, CliError> {
    let (rel, entry) = match config {
        McpConfig::Json(json) => (json.path(), "`mcpServers.baton`"),
        McpConfig::Codex => (codex::CONFIG, "the `[mcp_servers.baton]` table"),
    };
    let i = files.open(rel)?;
    let shown = files.shown(rel);
    let name = files.name(i, rel);
    let existing = files.text(i, &shown)?;
    let merged = match config {
        McpConfig::Json(json) => mcp::merge_json(json, existing.as_deref(), launch),
        McpConfig::Codex => codex::merge_config(existing.as_deref(), launch),
    }
    .map_err(|e| config_error(&e, &shown, agent))?;
    let step = match merged {
        Merge::Write(text) if existing.is_some() => {
            files.set(i, text);
            Step::say(Line::Status(format!("added MCP server `baton` to {name}")))
        }
        Merge::Write(text) => {
            files.set(i, text);
            Step::say(Line::Status(format!(
                "wrote {name} (MCP server `baton`: {})",
                launch.command_line()
            )))
        }
        Merge::Unchanged => Step::say(Line::Status(format!(
            "{name} already has MCP server `baton`"
        ))),
        Merge::KeptUserEntry(mismatches) => {
            let mut step = Step::say(Line::Warning(format!(
                "{name} has its own MCP server `baton`, left as it is: {}",
                describe(&mismatches)
            )));
            for why in mismatches.iter().filter_map(|m| consequence(m.key)) {
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
        "env_vars" => Some(
            "without `env_vars = [\"BATON_SESSION\"]` Codex does not pass the session's name \
             to baton's server",
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
    files: &mut Files,
    agent: Agent,
    folder: &str,
    commands: &[(&str, &str)],
) -> Result<Step, CliError> {
    let mut step = Step::default();
    let mut added = Vec::new();
    let mut edited = Vec::new();
    for (name, text) in commands {
        let rel = format!("{folder}/{name}");
        let i = files.open(&rel)?;
        match files.bytes(i) {
            None => {
                files.set(i, text.as_bytes());
                added.push(agent.slash_command(name));
            }
            Some(old) if old == text.as_bytes() => {}
            Some(_) => edited.push(files.name(i, &rel)),
        }
    }
    let folder = files.shown(folder);
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

fn write_new(path: &Path, text: &str) -> Result<(), CliError> {
    fs::write(path, text)
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))
}

/// Registers baton's merge driver for the plan (decided, not written): the `.gitattributes`
/// line in `dir` and `merge.baton.*` in the repository's configuration.
fn merge_driver_step(files: &mut Files, plan_name: &str) -> Result<Step, CliError> {
    let dir = files.dir.clone();
    let dir = dir.as_path();
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
    let i = files.open(".gitattributes")?;
    let shown_attrs = files.name(i, ".gitattributes");
    let mut step = Step::default();
    match git_merge::merge_attributes(files.bytes(i), &pattern) {
        Attributes::Unchanged => step.lines.push(Line::Status(format!(
            "{shown_attrs} already merges {name} with baton"
        ))),
        Attributes::Write(bytes) => {
            files.set(i, bytes);
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
    fn agents_sharing_a_file_get_one_block_for_all() {
        let codex = block_body(&[Agent::Generic, Agent::Codex], "p.md");
        assert!(codex.contains("`undo_task`"), "{codex}");
        assert!(codex.contains("In Codex they are named `mcp__baton__next_tasks`"));
        assert!(codex.contains("`.git` is read-only"));
        assert!(codex.contains("`p.md`"));
        let both = block_body(&[Agent::Claude, Agent::Codex], "plan.md");
        assert!(both.contains("In Claude Code they are named") && both.contains("In Codex"));
        let claude = block_body(&[Agent::Claude], "plan.md");
        assert!(claude.contains("(`baton undo ID`)") && !claude.contains("In Codex"));
        let generic = block_body(&[Agent::Generic], "plan.md");
        assert!(!generic.contains("MCP"));
        assert!(!generic.contains("{"), "{generic}");
    }
}
