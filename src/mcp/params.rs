//! The tools' arguments: one struct per tool, whose JSON Schema is the tool's `inputSchema`.
//!
//! Every struct refuses fields it does not know: a misspelt argument (`taks` for `ids`) is
//! a tool error naming it and the valid ones, never silently ignored (a `verify` that
//! ignored it would verify the whole phase instead of one task).

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::ops::overview::StatusFilter;

/// A phase as a caller names it: its number (1-based; `2` or `"2"`) or a word of its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseArg(pub String);

impl<'de> Deserialize<'de> for PhaseArg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PhaseArg, D::Error> {
        struct PhaseVisitor;
        impl Visitor<'_> for PhaseVisitor {
            type Value = PhaseArg;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a phase number (1-based) or a word of its title")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<PhaseArg, E> {
                Ok(PhaseArg(n.to_string()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<PhaseArg, E> {
                Ok(PhaseArg(n.to_string()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<PhaseArg, E> {
                Ok(PhaseArg(s.to_string()))
            }
        }
        deserializer.deserialize_any(PhaseVisitor)
    }
}

impl JsonSchema for PhaseArg {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Phase".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["integer", "string"] })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only this phase: its number (1-based) or a word of its title.
    pub phase: Option<PhaseArg>,
    /// Only tasks with this status.
    pub status: Option<StatusFilter>,
    /// Only tasks ready to start now.
    #[serde(default)]
    pub ready: bool,
    /// At most this many tasks (default 200).
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NextParams {
    /// At most this many tasks (default 20).
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimParams {
    /// The task id, as the plan writes it (e.g. `T3`).
    pub id: String,
    /// Your session's name; every call of one session uses the same name.
    pub session: Option<String>,
    /// Claim even if the task is not ready (dependencies open, or a later phase).
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteParams {
    /// The task id.
    pub id: String,
    /// Your session's name (recorded in the history; a task another session holds is refused).
    pub session: Option<String>,
    /// Tick the box even if its verification fails, or another session holds it. The result
    /// says so.
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseParams {
    /// The task id.
    pub id: String,
    /// Your session's name: only a task you hold is released, unless `force`.
    pub session: Option<String>,
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UndoParams {
    /// The task id.
    pub id: String,
    /// Your session's name (recorded in the history).
    pub session: Option<String>,
    /// Override the checks `baton undo` makes, as its `--force` does.
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddParams {
    /// The new task's title, in one line.
    pub title: String,
    /// The phase to file it in: its number (`2`), or a word of its title. Default: the
    /// phase of `discovered_from`, else the current phase.
    pub phase: Option<PhaseArg>,
    /// Globs of the files the task may write (its scope).
    #[serde(default)]
    pub files: Vec<String>,
    /// Ids of the tasks it waits for.
    #[serde(default)]
    pub after: Vec<String>,
    /// Commands that would prove it works. Recorded in the plan; they run for agents only
    /// once a person has locked and committed them.
    #[serde(default)]
    pub verify: Vec<String>,
    /// The task whose work turned this one up.
    pub discovered_from: Option<String>,
    /// Your session's name (recorded in the history).
    pub session: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionParams {
    /// What was decided and why, in one line.
    pub text: String,
    /// The task the decision is about.
    pub task: Option<String>,
    /// Your session's name (prefixed to the line when given).
    pub session: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyParams {
    /// Verify these tasks.
    #[serde(default)]
    pub ids: Vec<String>,
    /// Verify this phase: its number (1-based) or a word of its title. With neither `ids`
    /// nor `phase`, the current phase.
    pub phase: Option<PhaseArg>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeParams {
    /// Sessions to lay lanes out for (default: the recommended number).
    pub sessions: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PromptParams {
    /// Which session's prompt (1-based).
    pub session: u32,
    /// How many sessions the work is split across (default: the recommended number).
    pub sessions: Option<u32>,
    /// The phase (1-based; default: the current phase).
    pub phase: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunStatusParams {
    /// The run's id, as `baton run` and `baton status` show it (default: the plan's newest).
    pub run: Option<i64>,
}
