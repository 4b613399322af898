//! `baton.toml`, the one configuration file, beside the plan.
//!
//! Why it exists: some choices belong to a project rather than to one command line (how
//! strictly sessions are held to their scopes, which files count as hot spots, which branch
//! work merges into), and every front end (the CLI, the MCP server, agent hooks, later
//! `baton run`) must make them the same way. A missing file means the defaults.
//!
//! The file is read with `toml_edit`, which keeps every key's and value's position, so each
//! problem is reported as `file:line:col`: a syntax error, a key or section baton does not
//! know (with the nearest one it does: "did you mean …"), or a value of the wrong type or
//! outside its choices. All problems are collected, not just the first. Keys are documented
//! in docs/config.md.
//!
//! Adding a section: one entry in [`SECTIONS`] and one `read_*` function that fills its
//! struct through a [`Reader`]; tables of named entries (`[agents.NAME]`) iterate the
//! section's table and read each entry the same way.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;
use toml_edit::{Item, TableLike};

use crate::run::stream::StreamFormat;
use crate::state::Backend;

/// The file's name; it sits in the plan's directory.
pub const FILE_NAME: &str = "baton.toml";

/// The top-level sections baton knows.
const SECTIONS: &[&str] = &["agents", "audit", "hooks", "run"];

/// The keys outside any section (they go before the first `[section]`).
const TOP_KEYS: &[&str] = &["claims", "claims_remote", "state"];

/// Everything allowed at the top level: sections and top-level keys.
const ROOT_KEYS: &[&str] = &[
    "agents",
    "audit",
    "hooks",
    "run",
    "claims",
    "claims_remote",
    "state",
];

/// The keys of one `[agents.NAME]` entry.
const AGENT_KEYS: &[&str] = &["argv", "env", "timeout", "stream"];

/// The keys of `[run]`.
const RUN_KEYS: &[&str] = &["pool", "executor", "slurm_partition"];

/// The keys of `[hooks]`.
const HOOKS_KEYS: &[&str] = &["block_cap"];

/// The keys of `[audit]`.
const AUDIT_KEYS: &[&str] = &[
    "policy",
    "hot_spots",
    "tests_in_scope",
    "integration_branch",
];

/// Everything `baton.toml` sets, defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Config {
    /// The file read; None when there is none and every value is a default.
    pub path: Option<PathBuf>,
    pub audit: AuditConfig,
    pub hooks: HooksConfig,
    pub run: RunConfig,
    /// `claims`, `claims_remote`: where claims are decided (docs/scaling.md).
    pub claims: ClaimsConfig,
    /// `[agents.NAME]`: the agents `baton run` can start, by name.
    pub agents: std::collections::BTreeMap<String, AgentConfig>,
}

/// `[agents.NAME]`: how `baton run` starts one agent session (docs/run.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentConfig {
    /// The program and its arguments, placeholders (`{prompt_file}`…) not yet expanded.
    pub argv: Vec<String>,
    /// Extra environment variables, in the file's order.
    pub env: Vec<(String, String)>,
    /// How long a session may run before its process group is stopped; None: no limit.
    pub timeout_secs: Option<u64>,
    /// The shape of the agent's output, read while it runs (tool calls, tokens, cost);
    /// None: guessed from the program ([`StreamFormat::of_program`]).
    pub stream: Option<StreamFormat>,
}

impl AgentConfig {
    /// The stream format to read: `stream` when set, else the program's.
    pub fn stream_format(&self) -> StreamFormat {
        self.stream.unwrap_or_else(|| {
            StreamFormat::of_program(self.argv.first().map_or("", String::as_str))
        })
    }
}

/// `claims` and `claims_remote`: which backend decides claims, and the git remote the git
/// backend uses. `BATON_CLAIMS` overrides the backend (resolved by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimsConfig {
    pub backend: Backend,
    /// The git remote the git backend pushes claims to (`origin` unless set).
    pub remote: String,
    /// `state`: a PostgreSQL URL that holds the state instead of the SQLite file (None: the
    /// file). `BATON_STATE` overrides it (resolved by the caller).
    pub state_url: Option<String>,
}

impl Default for ClaimsConfig {
    fn default() -> Self {
        ClaimsConfig {
            backend: Backend::Local,
            remote: crate::state::DEFAULT_REMOTE.to_string(),
            state_url: None,
        }
    }
}

/// `[hooks]`: how the agents' stop gates behave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HooksConfig {
    /// Blocks in a row after which `baton hook codex-stop` and `gemini-stop` let the session
    /// stop (Claude Code keeps its own cap).
    pub block_cap: u32,
}

impl Default for HooksConfig {
    fn default() -> Self {
        HooksConfig { block_cap: 8 }
    }
}

/// `[run]`: how `baton run` handles its sessions' worktrees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunConfig {
    /// Finished sessions' worktrees kept for the next sessions at most (docs/run.md,
    /// "The worktree pool"); 0: each worktree is added and removed.
    pub pool: u32,
    /// Where sessions' agents run (docs/run.md, "Executors").
    pub executor: ExecutorKind,
    /// `--partition` of every Slurm job; None: the cluster's default partition.
    pub slurm_partition: Option<String>,
}

/// Where `baton run` starts its sessions' agents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExecutorKind {
    /// Child processes of baton, on this machine.
    #[default]
    Local,
    /// Batch jobs of a Slurm cluster (`sbatch`), on whichever node it picks.
    Slurm,
}

impl ExecutorKind {
    /// The names `[run] executor` and `--executor` accept.
    pub const NAMES: [&str; 2] = ["local", "slurm"];

    pub fn from_name(name: &str) -> Option<ExecutorKind> {
        match name {
            "local" => Some(ExecutorKind::Local),
            "slurm" => Some(ExecutorKind::Slurm),
            _ => None,
        }
    }
}

/// Worktrees pooled at most when `[run] pool` is not set.
pub const DEFAULT_POOL: u32 = 8;

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            pool: DEFAULT_POOL,
            executor: ExecutorKind::Local,
            slurm_partition: None,
        }
    }
}

/// `[audit]`: how a session's real changes are held to its tasks' scopes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditConfig {
    /// What gates (complete_task, `verify --task`, the Stop hook) do with findings.
    pub policy: Policy,
    /// Extra glob patterns of files that need explicit scope, beside the built-in list.
    pub hot_spots: Vec<String>,
    /// Tests of in-scope files count as in scope.
    pub tests_in_scope: bool,
    /// The branch work merges into; None: `main`, else `master`, else `origin/HEAD`.
    pub integration_branch: Option<String>,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            policy: Policy::Block,
            hot_spots: Vec::new(),
            tests_in_scope: true,
            integration_branch: None,
        }
    }
}

/// What a gate does with audit findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Findings stop the gate: the task is not completed, the session may not stop.
    Block,
    /// Findings are shown; the gate passes.
    Warn,
    /// Gates do not audit.
    Off,
}

impl Policy {
    const NAMES: &[&str] = &["block", "warn", "off"];

    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Block => "block",
            Policy::Warn => "warn",
            Policy::Off => "off",
        }
    }

    fn parse(text: &str) -> Option<Policy> {
        match text {
            "block" => Some(Policy::Block),
            "warn" => Some(Policy::Warn),
            "off" => Some(Policy::Off),
            _ => None,
        }
    }
}

/// One problem in the file, at a 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: u32,
    pub col: u32,
    pub message: String,
    /// "did you mean …", or what the value may be.
    pub hint: Option<String>,
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", render(path, diagnostics))]
    Invalid {
        path: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
}

fn render(path: &Path, diagnostics: &[Diagnostic]) -> String {
    let lines: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let hint = d.hint.as_ref().map_or(String::new(), |h| format!(" ({h})"));
            format!(
                "{}:{}:{}: {}{hint}",
                path.display(),
                d.line,
                d.col,
                d.message
            )
        })
        .collect();
    lines.join("\n")
}

impl Config {
    /// Where the configuration of the plan at `plan_path` lives: beside it.
    pub fn path_for(plan_path: &Path) -> PathBuf {
        plan_path.parent().unwrap_or(Path::new("")).join(FILE_NAME)
    }

    /// The configuration of the plan at `plan_path`; the defaults when there is no file.
    pub fn for_plan(plan_path: &Path) -> Result<Config, ConfigError> {
        Config::load(&Config::path_for(plan_path))
    }

    /// Reads `path`; the defaults when it does not exist.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match read_text(path)? {
            Some(text) => Config::parse(&text, path),
            None => Ok(Config::default()),
        }
    }

    /// Only the claims settings of the plan at `plan_path` (`claims`, `claims_remote`):
    /// problems elsewhere in the file are left to the commands that read those parts, so a
    /// typo in `[audit]` does not stop `baton claim`. A file that is not TOML is reported.
    pub fn claims_for_plan(plan_path: &Path) -> Result<ClaimsConfig, ConfigError> {
        let path = Config::path_for(plan_path);
        let Some(text) = read_text(&path)? else {
            return Ok(ClaimsConfig::default());
        };
        let mut reader = Reader::new(&text);
        let mut claims = ClaimsConfig::default();
        match toml_edit::Document::parse(text.as_str()) {
            Err(e) => reader.syntax_error(&e),
            Ok(doc) => read_claims(&mut reader, doc.as_table(), &mut claims),
        }
        if reader.diagnostics.is_empty() {
            Ok(claims)
        } else {
            Err(ConfigError::Invalid {
                path,
                diagnostics: reader.diagnostics,
            })
        }
    }
}

/// The text of `path`; None when it does not exist.
fn read_text(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8(bytes).map_err(|e| {
                let at = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                ConfigError::Invalid {
                    path: path.to_path_buf(),
                    diagnostics: vec![Reader::new(&lossy).diagnostic(
                        at,
                        "the file is not valid UTF-8".into(),
                        None,
                    )],
                }
            })?;
            Ok(Some(text))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ConfigError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

impl Config {
    /// Parses the text of the file at `path` (named in diagnostics).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut reader = Reader::new(text);
        let mut config = Config {
            path: Some(path.to_path_buf()),
            ..Config::default()
        };
        match toml_edit::Document::parse(text) {
            Err(e) => reader.syntax_error(&e),
            Ok(doc) => {
                let root = doc.as_table();
                reader.unknown_keys(root, ROOT_KEYS, None);
                read_claims(&mut reader, root, &mut config.claims);
                if let Some(audit) = reader.section(root, "audit") {
                    read_audit(&mut reader, audit, &mut config.audit);
                }
                if let Some(hooks) = reader.section(root, "hooks") {
                    read_hooks(&mut reader, hooks, &mut config.hooks);
                }
                if let Some(run) = reader.section(root, "run") {
                    read_run(&mut reader, run, &mut config.run);
                }
                if let Some(agents) = reader.section(root, "agents") {
                    read_agents(&mut reader, agents, &mut config.agents);
                }
            }
        }
        if reader.diagnostics.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                diagnostics: reader.diagnostics,
            })
        }
    }
}

fn read_audit(r: &mut Reader<'_>, table: &dyn TableLike, audit: &mut AuditConfig) {
    r.unknown_keys(table, AUDIT_KEYS, Some("audit"));
    if let Some((text, span)) = r.string(table, "audit", "policy") {
        match Policy::parse(&text) {
            Some(p) => audit.policy = p,
            None => {
                let hint = match nearest(&text, Policy::NAMES) {
                    Some(near) => format!("did you mean \"{near}\"?"),
                    None => "one of \"block\", \"warn\", \"off\"".to_string(),
                };
                r.error(
                    span,
                    format!("`[audit] policy` cannot be \"{text}\""),
                    Some(hint),
                );
            }
        }
    }
    if let Some(list) = r.strings(table, "audit", "hot_spots") {
        audit.hot_spots = list;
    }
    if let Some(yes) = r.bool(table, "audit", "tests_in_scope") {
        audit.tests_in_scope = yes;
    }
    if let Some((text, span)) = r.string(table, "audit", "integration_branch") {
        if text.trim().is_empty() {
            r.error(
                span,
                "`[audit] integration_branch` is empty".into(),
                Some("name a branch, such as \"main\", or remove the key".into()),
            );
        } else {
            audit.integration_branch = Some(text);
        }
    }
}

fn read_claims(r: &mut Reader<'_>, root: &toml_edit::Table, claims: &mut ClaimsConfig) {
    if let Some(item) = root.get("claims") {
        match item.as_str() {
            Some(text) => match Backend::parse(text) {
                Some(backend) => claims.backend = backend,
                None => {
                    let hint = match nearest(text, Backend::NAMES) {
                        Some(near) => format!("did you mean \"{near}\"?"),
                        None => "one of \"local\", \"git\"".to_string(),
                    };
                    r.error(
                        item.span(),
                        format!("`claims` cannot be \"{text}\""),
                        Some(hint),
                    );
                }
            },
            None if item.is_table_like() => r.error(
                item.span()
                    .or_else(|| root.key("claims").and_then(|k| k.span())),
                "`claims` is a top-level key, not a section".into(),
                Some("write claims = \"git\" before the first [section]".into()),
            ),
            None => r.wrong_type(item, "`claims`", "a string"),
        }
    }
    if let Some(item) = root.get("state") {
        match item.as_str() {
            Some(text) => match crate::state::parse_state_setting(text) {
                Ok(url) => claims.state_url = url,
                Err(why) => r.error(
                    item.span(),
                    format!(
                        "`state` cannot be \"{}\"",
                        crate::state::db::redact_url(text)
                    ),
                    Some(why),
                ),
            },
            None => r.wrong_type(item, "`state`", "a string"),
        }
    }
    if let Some(item) = root.get("claims_remote") {
        match item.as_str() {
            Some(text) if !text.trim().is_empty() && !text.starts_with('-') => {
                claims.remote = text.to_string();
            }
            Some(text) => r.error(
                item.span(),
                format!("`claims_remote` cannot be \"{text}\""),
                Some("name a git remote, such as \"origin\"".into()),
            ),
            None => r.wrong_type(item, "`claims_remote`", "a string"),
        }
    }
}

fn read_hooks(r: &mut Reader<'_>, table: &dyn TableLike, hooks: &mut HooksConfig) {
    r.unknown_keys(table, HOOKS_KEYS, Some("hooks"));
    if let Some(item) = table.get("block_cap") {
        match item.as_integer() {
            Some(n) if (1..=1000).contains(&n) => hooks.block_cap = n as u32,
            Some(n) => r.error(
                item.span(),
                format!("`[hooks] block_cap` cannot be {n}"),
                Some("a number of blocks from 1 to 1000".into()),
            ),
            None => r.wrong_type(item, "`[hooks] block_cap`", "an integer"),
        }
    }
}

fn read_run(r: &mut Reader<'_>, table: &dyn TableLike, run: &mut RunConfig) {
    r.unknown_keys(table, RUN_KEYS, Some("run"));
    if let Some(item) = table.get("pool") {
        match item.as_integer() {
            Some(n) if (0..=256).contains(&n) => run.pool = n as u32,
            Some(n) => r.error(
                item.span(),
                format!("`[run] pool` cannot be {n}"),
                Some("a number of worktrees from 0 (no pool) to 256".into()),
            ),
            None => r.wrong_type(item, "`[run] pool`", "an integer"),
        }
    }
    if let Some(item) = table.get("executor") {
        match item.as_str() {
            Some(name) => match ExecutorKind::from_name(name) {
                Some(kind) => run.executor = kind,
                None => r.error(
                    item.span(),
                    format!("`[run] executor` cannot be `{name}`"),
                    Some(format!("one of {}", ExecutorKind::NAMES.join(", "))),
                ),
            },
            None => r.wrong_type(item, "`[run] executor`", "a string"),
        }
    }
    if let Some(item) = table.get("slurm_partition") {
        match item.as_str() {
            Some(name) if !name.is_empty() && !name.starts_with('-') => {
                run.slurm_partition = Some(name.to_string());
            }
            Some(name) => r.error(
                item.span(),
                format!("`[run] slurm_partition` cannot be `{name}`"),
                Some("a partition's name, as `sinfo` lists it".into()),
            ),
            None => r.wrong_type(item, "`[run] slurm_partition`", "a string"),
        }
    }
}

fn read_agents(
    r: &mut Reader<'_>,
    table: &dyn TableLike,
    agents: &mut std::collections::BTreeMap<String, AgentConfig>,
) {
    for (name, item) in table.iter() {
        let section = format!("agents.{name}");
        let Some(entry) = item.as_table_like() else {
            r.wrong_type(item, &format!("`[{section}]`"), "a table");
            continue;
        };
        r.unknown_keys(entry, AGENT_KEYS, Some(&section));
        let argv = match r.strings(entry, &section, "argv") {
            Some(argv) if argv.first().is_some_and(|p| !p.trim().is_empty()) => argv,
            Some(_) => {
                let span = entry.get("argv").and_then(Item::span);
                r.error(
                    span,
                    format!("`[{section}] argv` is empty or starts with an empty program"),
                    Some("name the program first: argv = [\"my-agent\", \"{prompt_file}\"]".into()),
                );
                continue;
            }
            None => {
                if entry.get("argv").is_none() {
                    let span = table.key(name).and_then(|k| k.span());
                    r.error(
                        span,
                        format!("`[{section}]` has no `argv`"),
                        Some("argv = [\"my-agent\", \"{prompt_file}\"] (docs/run.md)".into()),
                    );
                }
                continue;
            }
        };
        let mut env = Vec::new();
        if let Some(item) = entry.get("env") {
            match item.as_table_like() {
                Some(vars) => {
                    for (key, value) in vars.iter() {
                        match value.as_str() {
                            Some(v) => env.push((key.to_string(), v.to_string())),
                            None => {
                                r.wrong_type(value, &format!("`[{section}] env.{key}`"), "a string")
                            }
                        }
                    }
                }
                None => r.wrong_type(item, &format!("`[{section}] env`"), "a table of strings"),
            }
        }
        let mut timeout_secs = None;
        if let Some((text, span)) = r.string(entry, &section, "timeout") {
            match crate::state::parse_duration(&text) {
                Some(d) => timeout_secs = Some(d.as_secs()),
                None => r.error(
                    span,
                    format!("`[{section}] timeout` cannot be \"{text}\""),
                    Some("a duration such as \"90s\", \"30m\" or \"2h\"".into()),
                ),
            }
        }
        let mut stream = None;
        if let Some((text, span)) = r.string(entry, &section, "stream") {
            match StreamFormat::from_name(&text) {
                Some(format) => stream = Some(format),
                None => r.error(
                    span,
                    format!("`[{section}] stream` cannot be \"{text}\""),
                    Some("one of \"claude\", \"codex\", \"gemini\", \"none\"".into()),
                ),
            }
        }
        agents.insert(
            name.to_string(),
            AgentConfig {
                argv,
                env,
                timeout_secs,
                stream,
            },
        );
    }
}

/// The known name nearest `name`, when one is near enough to be a typo.
fn nearest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase().replace('-', "_");
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Reads values out of a parsed document, collecting a diagnostic for each problem.
struct Reader<'t> {
    text: &'t str,
    diagnostics: Vec<Diagnostic>,
}

impl<'t> Reader<'t> {
    fn new(text: &'t str) -> Self {
        Reader {
            text,
            diagnostics: Vec::new(),
        }
    }

    /// A diagnostic at byte offset `at`.
    fn diagnostic(&self, at: usize, message: String, hint: Option<String>) -> Diagnostic {
        let at = at.min(self.text.len());
        let before = self.text.get(..at).unwrap_or(self.text);
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() as u32 + 1;
        Diagnostic {
            line,
            col,
            message,
            hint,
        }
    }

    fn syntax_error(&mut self, e: &toml_edit::TomlError) {
        let at = e.span().map_or(0, |s| s.start);
        let message = e.message().trim().to_string();
        let d = self.diagnostic(at, format!("invalid TOML: {message}"), None);
        self.diagnostics.push(d);
    }

    fn error(&mut self, span: Option<Range<usize>>, message: String, hint: Option<String>) {
        let d = self.diagnostic(span.map_or(0, |s| s.start), message, hint);
        self.diagnostics.push(d);
    }

    /// Reports every key of `table` not in `known`, with the nearest known one.
    fn unknown_keys(&mut self, table: &dyn TableLike, known: &[&str], section: Option<&str>) {
        for (name, _) in table.iter() {
            if known.contains(&name) {
                continue;
            }
            let span = table.key(name).and_then(|k| k.span());
            let (message, hint) = match section {
                None => {
                    let hint = match nearest(name, SECTIONS) {
                        Some(near) => Some(format!("did you mean `[{near}]`?")),
                        None if nearest(name, TOP_KEYS).is_some() => {
                            nearest(name, TOP_KEYS).map(|near| format!("did you mean `{near}`?"))
                        }
                        // A section's key written at the top level.
                        None if AUDIT_KEYS.contains(&name) => {
                            Some(format!("did you mean `[audit] {name}`?"))
                        }
                        None if RUN_KEYS.contains(&name) => {
                            Some(format!("did you mean `[run] {name}`?"))
                        }
                        None => Some(format!("known sections: {}", list(SECTIONS, "[", "]"))),
                    };
                    (format!("unknown section or key `{name}`"), hint)
                }
                Some(section) => {
                    let hint = match nearest(name, known) {
                        Some(near) => Some(format!("did you mean `{near}`?")),
                        None if TOP_KEYS.contains(&name) => Some(format!(
                            "`{name}` is a top-level key: move it before the first [section]"
                        )),
                        None => Some(format!("`[{section}]` keys: {}", list(known, "", ""))),
                    };
                    (format!("unknown key `{name}` in `[{section}]`"), hint)
                }
            };
            self.error(span, message, hint);
        }
    }

    /// The section `name` of the root, when present and a table.
    fn section<'d>(&mut self, root: &'d toml_edit::Table, name: &str) -> Option<&'d dyn TableLike> {
        let item = root.get(name)?;
        match item.as_table_like() {
            Some(t) => Some(t),
            None => {
                self.wrong_type(item, &format!("`{name}`"), &format!("a table (`[{name}]`)"));
                None
            }
        }
    }

    fn wrong_type(&mut self, item: &Item, what: &str, expected: &str) {
        self.error(
            item.span(),
            format!(
                "{what} must be {expected}, not {}",
                article(item.type_name())
            ),
            None,
        );
    }

    fn string(
        &mut self,
        table: &dyn TableLike,
        section: &str,
        key: &str,
    ) -> Option<(String, Option<Range<usize>>)> {
        let item = table.get(key)?;
        match item.as_str() {
            Some(s) => Some((s.to_string(), item.span())),
            None => {
                self.wrong_type(item, &format!("`[{section}] {key}`"), "a string");
                None
            }
        }
    }

    fn bool(&mut self, table: &dyn TableLike, section: &str, key: &str) -> Option<bool> {
        let item = table.get(key)?;
        let value = item.as_bool();
        if value.is_none() {
            self.wrong_type(
                item,
                &format!("`[{section}] {key}`"),
                "a boolean (true or false)",
            );
        }
        value
    }

    fn strings(&mut self, table: &dyn TableLike, section: &str, key: &str) -> Option<Vec<String>> {
        let item = table.get(key)?;
        let what = format!("`[{section}] {key}`");
        let Some(array) = item.as_array() else {
            self.wrong_type(item, &what, "an array of strings");
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for value in array.iter() {
            match value.as_str() {
                Some(s) => out.push(s.to_string()),
                None => self.error(
                    value.span(),
                    format!(
                        "{what} must hold strings only, not {}",
                        article(value.type_name())
                    ),
                    None,
                ),
            }
        }
        Some(out)
    }
}

fn article(type_name: &str) -> String {
    let a = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{a} {type_name}")
}

fn list(names: &[&str], open: &str, close: &str) -> String {
    names
        .iter()
        .map(|n| format!("`{open}{n}{close}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<String>> {
        Config::parse(text, Path::new("baton.toml")).map_err(|e| match e {
            ConfigError::Invalid { .. } => e.to_string().lines().map(String::from).collect(),
            other => vec![other.to_string()],
        })
    }

    #[test]
    fn the_claims_backend_and_remote_are_top_level_keys() {
        let config = parse("claims = \"git\"\nclaims_remote = \"team\"\n[audit]\n").expect("valid");
        assert_eq!(config.claims.backend, Backend::Git);
        assert_eq!(config.claims.remote, "team");
        assert_eq!(parse("").expect("empty").claims, ClaimsConfig::default());
        assert_eq!(
            parse("claims = \"gti\"\n").expect_err("unknown"),
            ["baton.toml:1:10: `claims` cannot be \"gti\" (did you mean \"git\"?)"]
        );
        assert_eq!(
            parse("[audit]\nclaims = \"git\"\n").expect_err("in a section"),
            [
                "baton.toml:2:1: unknown key `claims` in `[audit]` (`claims` is a top-level key: move it before the first [section])"
            ]
        );
        assert_eq!(
            parse("claims_remote = \"\"\n").expect_err("empty"),
            [
                "baton.toml:1:17: `claims_remote` cannot be \"\" (name a git remote, such as \"origin\")"
            ]
        );
    }

    #[test]
    fn claims_settings_ignore_problems_elsewhere_in_the_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let plan = dir.path().join("plan.md");
        std::fs::write(
            dir.path().join(FILE_NAME),
            "claims = \"git\"\n[audit]\npolcy = 1\n",
        )
        .expect("write");
        assert_eq!(
            Config::claims_for_plan(&plan).expect("read").backend,
            Backend::Git
        );
        std::fs::write(dir.path().join(FILE_NAME), "\n\nclaims = \"sql\"\n").expect("write");
        let err = Config::claims_for_plan(&plan)
            .expect_err("unknown")
            .to_string();
        assert!(
            err.contains("baton.toml:3:10: `claims` cannot be \"sql\""),
            "{err}"
        );
    }

    #[test]
    fn agents_are_read_by_name_and_checked() {
        let config = parse(
            "[agents.fake]\nargv = [\"sh\", \"agent.sh\", \"{prompt_file}\"]\ntimeout = \"30m\"\nenv = { MODE = \"honest\" }\n",
        )
        .expect("valid");
        let fake = &config.agents["fake"];
        assert_eq!(fake.argv, ["sh", "agent.sh", "{prompt_file}"]);
        assert_eq!(fake.env, [("MODE".to_string(), "honest".to_string())]);
        assert_eq!(fake.timeout_secs, Some(1800));

        let errors = parse("[agents.a]\nargv = []\n[agents.b]\nargs = [\"x\"]\n[agents.c]\nargv = [\"x\"]\ntimeout = \"soon\"\n")
            .expect_err("invalid");
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(
            errors[0].starts_with("baton.toml:2:8: `[agents.a] argv` is empty"),
            "{errors:?}"
        );
        assert!(
            errors[1].contains("unknown key `args` in `[agents.b]` (did you mean `argv`?)"),
            "{errors:?}"
        );
        assert!(
            errors[2].contains("`[agents.b]` has no `argv`"),
            "{errors:?}"
        );
        assert!(
            errors[3].starts_with("baton.toml:7:11: `[agents.c] timeout` cannot be \"soon\""),
            "{errors:?}"
        );
    }

    #[test]
    fn an_agent_stream_is_named_or_guessed_from_its_program() {
        let config = parse(
            "[agents.a]\nargv = [\"my-agent\"]\nstream = \"claude\"\n\
             [agents.b]\nargv = [\"/opt/bin/codex\", \"exec\"]\n\
             [agents.c]\nargv = [\"claude\"]\nstream = \"none\"\n\
             [agents.d]\nargv = [\"sh\"]\nstream = \"gemini-stream-json\"\n",
        )
        .expect("valid");
        let format = |name: &str| config.agents[name].stream_format();
        assert_eq!(format("a"), StreamFormat::ClaudeStreamJson);
        assert_eq!(format("b"), StreamFormat::CodexJson, "guessed");
        assert_eq!(format("c"), StreamFormat::None, "set beats guessed");
        assert_eq!(
            format("d"),
            StreamFormat::GeminiStreamJson,
            "long names too"
        );
        let errors = parse("[agents.a]\nargv = [\"x\"]\nstream = \"json\"\n").expect_err("bad");
        assert!(
            errors[0].starts_with("baton.toml:3:10: `[agents.a] stream` cannot be \"json\""),
            "{errors:?}"
        );
    }

    #[test]
    fn defaults_when_empty_or_missing() {
        let config = parse("").expect("empty");
        assert_eq!(config.audit, AuditConfig::default());
        assert_eq!(config.audit.policy, Policy::Block);
        assert!(config.audit.tests_in_scope);
        let dir = tempfile::tempdir().expect("tmp");
        let missing = Config::for_plan(&dir.path().join("plan.md")).expect("missing");
        assert_eq!(missing, Config::default());
        assert!(missing.path.is_none());
    }

    #[test]
    fn every_audit_key() {
        let config = parse(
            "# comment\n[audit]\npolicy = \"warn\"\nhot_spots = [\"db/**\", \"*.proto\"]\ntests_in_scope = false\nintegration_branch = \"develop\"\n",
        )
        .expect("valid");
        assert_eq!(
            config.audit,
            AuditConfig {
                policy: Policy::Warn,
                hot_spots: vec!["db/**".into(), "*.proto".into()],
                tests_in_scope: false,
                integration_branch: Some("develop".into()),
            }
        );
        let inline = parse("audit = { policy = \"off\" }\n").expect("inline");
        assert_eq!(inline.audit.policy, Policy::Off);
    }

    #[test]
    fn unknown_keys_and_sections_with_the_nearest_one() {
        let errors = parse("[audit]\npolcy = \"warn\"\n\n[audti]\nx = 1\n").expect_err("bad");
        assert_eq!(
            errors,
            [
                "baton.toml:4:2: unknown section or key `audti` (did you mean `[audit]`?)",
                "baton.toml:2:1: unknown key `polcy` in `[audit]` (did you mean `policy`?)",
            ]
        );
        let errors = parse("policy = \"warn\"\n[audit]\n  zzz = 1\n").expect_err("bad");
        assert_eq!(
            errors,
            [
                "baton.toml:1:1: unknown section or key `policy` (did you mean `[audit] policy`?)",
                "baton.toml:3:3: unknown key `zzz` in `[audit]` (`[audit]` keys: `policy`, `hot_spots`, `tests_in_scope`, `integration_branch`)",
            ]
        );
    }

    #[test]
    fn wrong_types_name_the_expected_type() {
        let errors = parse(
            "[audit]\npolicy = 3\nhot_spots = \"Cargo.toml\"\ntests_in_scope = \"yes\"\nintegration_branch = \"\"\n",
        )
        .expect_err("bad");
        assert_eq!(
            errors,
            [
                "baton.toml:2:10: `[audit] policy` must be a string, not an integer",
                "baton.toml:3:13: `[audit] hot_spots` must be an array of strings, not a string",
                "baton.toml:4:18: `[audit] tests_in_scope` must be a boolean (true or false), not a string",
                "baton.toml:5:22: `[audit] integration_branch` is empty (name a branch, such as \"main\", or remove the key)",
            ]
        );
        let errors =
            parse("[audit]\npolicy = \"blok\"\nhot_spots = [\"a\", 1]\n").expect_err("bad");
        assert_eq!(
            errors,
            [
                "baton.toml:2:10: `[audit] policy` cannot be \"blok\" (did you mean \"block\"?)",
                "baton.toml:3:19: `[audit] hot_spots` must hold strings only, not an integer",
            ]
        );
        let errors = parse("audit = 1\n").expect_err("bad");
        assert_eq!(
            errors,
            ["baton.toml:1:9: `audit` must be a table (`[audit]`), not an integer"]
        );
    }

    #[test]
    fn the_hooks_block_cap() {
        assert_eq!(parse("").expect("empty").hooks.block_cap, 8);
        assert_eq!(
            parse("[hooks]\nblock_cap = 3\n")
                .expect("valid")
                .hooks
                .block_cap,
            3
        );
        let errors = parse("[hooks]\nblock_cap = 0\nblok_cap = 2\n").expect_err("bad");
        assert_eq!(
            errors,
            [
                "baton.toml:3:1: unknown key `blok_cap` in `[hooks]` (did you mean `block_cap`?)",
                "baton.toml:2:13: `[hooks] block_cap` cannot be 0 (a number of blocks from 1 to 1000)",
            ]
        );
        let errors = parse("[hooks]\nblock_cap = \"8\"\n").expect_err("bad");
        assert_eq!(
            errors,
            ["baton.toml:2:13: `[hooks] block_cap` must be an integer, not a string"]
        );
    }

    #[test]
    fn the_run_executor() {
        assert_eq!(parse("").expect("empty").run.executor, ExecutorKind::Local);
        let slurm =
            parse("[run]\nexecutor = \"slurm\"\nslurm_partition = \"gpu\"\n").expect("valid");
        assert_eq!(slurm.run.executor, ExecutorKind::Slurm);
        assert_eq!(slurm.run.slurm_partition.as_deref(), Some("gpu"));
        let errors = parse("[run]\nexecutor = \"k8s\"\n").expect_err("bad");
        assert!(
            format!("{errors:?}").contains("`[run] executor` cannot be `k8s`"),
            "{errors:?}"
        );
    }

    #[test]
    fn the_run_pool() {
        assert_eq!(parse("").expect("empty").run.pool, DEFAULT_POOL);
        assert_eq!(parse("[run]\npool = 0\n").expect("valid").run.pool, 0);
        let errors = parse("[run]\npool = -1\npol = 2\n").expect_err("bad");
        assert_eq!(
            errors,
            [
                "baton.toml:3:1: unknown key `pol` in `[run]` (did you mean `pool`?)",
                "baton.toml:2:8: `[run] pool` cannot be -1 (a number of worktrees from 0 (no pool) to 256)",
            ]
        );
        let errors = parse("pool = 2\n").expect_err("top level");
        assert_eq!(
            errors,
            ["baton.toml:1:1: unknown section or key `pool` (did you mean `[run] pool`?)"]
        );
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let errors = parse("[audit]\npolicy = \"warn\n").expect_err("bad");
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("baton.toml:2:") && errors[0].contains("invalid TOML"),
            "{errors:?}"
        );
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"[audit]\npolicy = \"\xff\"\n").expect("write");
        let err = Config::load(&path).expect_err("not utf-8").to_string();
        assert!(
            err.ends_with("baton.toml:2:11: the file is not valid UTF-8"),
            "{err}"
        );
    }
}
