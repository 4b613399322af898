//! The plan model: what baton understood of a Markdown plan, with every element pointing
//! back at the bytes it came from so that edits can touch exactly those bytes.

use std::ops::Range;

pub use thin_vec::ThinVec;

/// A place in the source: a byte range plus the 1-based line and column of its start.
///
/// Columns count characters, not bytes, so they match what an editor shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: u32,
    pub col: u32,
}

impl Span {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// The state of a checkbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// `[ ]`
    Todo,
    /// `[~]`
    InProgress,
    /// `[x]` or `[X]`
    Done,
    /// `[-]`
    Skipped,
}

impl Status {
    /// Reads the character between the brackets of a checkbox.
    pub fn from_mark(mark: u8) -> Option<Status> {
        match mark {
            b' ' => Some(Status::Todo),
            b'x' | b'X' => Some(Status::Done),
            b'~' => Some(Status::InProgress),
            b'-' => Some(Status::Skipped),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in-progress",
            Status::Done => "done",
            Status::Skipped => "skipped",
        }
    }

    /// Done and skipped tasks no longer hold anything up.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Done | Status::Skipped)
    }
}

/// Which line ending the file mostly uses; inserted lines use the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
}

impl LineEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }
}

/// A reference to another task, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRef {
    pub id: String,
    pub span: Span,
}

/// A nested checkbox under a task that is not itself a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptanceItem {
    pub text: String,
    pub status: Status,
    pub span: Span,
}

/// A `key: value` the parser did not recognise; kept so that lint can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraKey {
    pub key: String,
    pub value: String,
    pub span: Span,
}

/// Where a task's file scope came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeSource {
    /// A `files:` key.
    Declared,
    /// Paths the task text names.
    Inferred,
    /// Neither: the task says nothing about the files it touches.
    None,
}

/// One checkbox task.
///
/// The fields every pass over all tasks reads (linking, phases, lint) come first, in C order,
/// so that such a pass touches one or two cache lines of each task rather than five. Lists
/// are [`ThinVec`]s: one pointer each (an empty one allocates nothing), which makes a task
/// some 180 bytes smaller; a 100,000-task plan is then 18 MB less to fault in and copy.
#[derive(Debug, Clone, PartialEq)]
#[repr(C)]
pub struct Task {
    /// Position in [`Plan::tasks`].
    pub index: usize,
    /// Index into [`Plan::phases`].
    pub phase: usize,
    pub status: Status,
    /// Marked `[P]` or `(P)`: the author claims it can run in parallel.
    pub parallel: bool,
    /// Kiro's `- [ ]*`: deferrable work.
    pub optional: bool,
    pub scope_source: ScopeSource,
    /// Index of the enclosing task, for Kiro-style sub-tasks.
    pub parent: Option<usize>,
    pub id: Option<String>,
    /// Tasks this one waits for (`after`).
    pub deps: ThinVec<TaskRef>,
    pub extra: ThinVec<ExtraKey>,
    pub acceptance: ThinVec<AcceptanceItem>,
    pub title: String,
    pub id_span: Option<Span>,
    /// The single byte between the checkbox brackets.
    pub status_span: Span,
    /// The task's own line, from the list marker to the end of the line (no line ending).
    pub line_span: Span,
    pub labels: ThinVec<String>,
    /// Tasks that wait for this one (`blocks`), as written.
    pub blocks: ThinVec<TaskRef>,
    pub files: ThinVec<String>,
    pub reads: ThinVec<String>,
    pub verify: ThinVec<String>,
    pub done_when: ThinVec<String>,
    pub requirements: ThinVec<String>,
    pub estimate: Option<String>,
    /// The estimate in hours, when it could be read.
    pub estimate_hours: Option<f64>,
    pub agent: Option<String>,
    /// Description lines from plain sub-items, as written (Markdown inline syntax kept).
    pub notes: ThinVec<String>,
}

impl Task {
    /// The id if the task has one, else `line N`, for messages.
    pub fn display_id(&self) -> String {
        match &self.id {
            Some(id) => id.clone(),
            None => format!("line {}", self.line_span.line),
        }
    }
}

/// A phase: a heading at the plan's phase level and the tasks under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub index: usize,
    pub title: String,
    /// The number in "Phase 2: …", when there is one.
    pub number: Option<String>,
    /// None for the implicit phase of tasks that stand before any phase heading.
    pub heading_span: Option<Span>,
    pub level: u8,
    /// Indices into [`Plan::tasks`], in document order.
    pub tasks: Vec<usize>,
    /// The heading says the phase is complete (✅, "(done)", …).
    pub marked_complete: bool,
}

/// A titled section of prose, such as the overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub heading_span: Option<Span>,
    /// The section's body as written, without its heading.
    pub text: String,
    pub body: Range<usize>,
}

/// One entry of the decisions section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub text: String,
    pub span: Span,
}

/// The decisions log and where a new entry goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionLog {
    pub heading_span: Span,
    pub entries: Vec<Decision>,
    /// Byte offset at which a new entry line is inserted (start of a line).
    pub insert_at: usize,
    /// Whether the byte before `insert_at` is a line ending (false at end of a file
    /// with no final newline).
    pub at_line_start: bool,
    /// The line at `insert_at` holds text that a new entry's paragraph would swallow (a
    /// lazy continuation line, or a `-`/`=` line it would turn into a heading): the new
    /// entry is followed by a blank line.
    pub needs_blank_after: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Something the parser or the linter wants the author to know, pointing at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `B201`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `unknown-key`.
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub hint: Option<String>,
}

/// Every task's `after` references resolved, in the order of [`Task::deps`]: the task each
/// names (the first task with that id), or none when no task has the id.
///
/// Kept flat, apart from the tasks, so that walking the dependency graph of a large plan reads
/// one small array instead of every task's list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DepTargets {
    /// Task `t`'s references are `targets[starts[t]..starts[t + 1]]`.
    starts: Vec<u32>,
    /// Indices into [`Plan::tasks`]; [`DepTargets::UNKNOWN`] for an id no task has.
    targets: Vec<u32>,
}

impl DepTargets {
    pub(crate) const UNKNOWN: u32 = u32::MAX;

    /// From each task's own references (`starts` has one entry per task and one more), then
    /// `added` references appended to the tasks named, in the order given.
    pub(crate) fn with_added(
        starts: Vec<u32>,
        targets: Vec<u32>,
        added: Vec<(usize, u32)>,
    ) -> Self {
        if added.is_empty() {
            return DepTargets { starts, targets };
        }
        let tasks = starts.len().saturating_sub(1);
        let mut extra: Vec<Vec<u32>> = vec![Vec::new(); tasks];
        for (task, target) in added {
            extra[task].push(target);
        }
        let mut merged = DepTargets {
            starts: Vec::with_capacity(starts.len()),
            targets: Vec::with_capacity(targets.len() + extra.iter().map(Vec::len).sum::<usize>()),
        };
        for (t, more) in extra.iter().enumerate() {
            merged.starts.push(merged.targets.len() as u32);
            merged
                .targets
                .extend_from_slice(&targets[starts[t] as usize..starts[t + 1] as usize]);
            merged.targets.extend_from_slice(more);
        }
        merged.starts.push(merged.targets.len() as u32);
        merged
    }

    /// The task each of task `task`'s `after` references names, in order.
    pub fn of(&self, task: usize) -> impl Iterator<Item = Option<usize>> + '_ {
        list_of(&self.starts, &self.targets, task)
            .iter()
            .map(|&t| (t != Self::UNKNOWN).then_some(t as usize))
    }
}

/// For every task, the tasks whose `after` names it or that it `blocks` (each once, in
/// document order of their links). Only tasks with an id are listed: only they can wait.
///
/// Kept flat, apart from the tasks, for the reason [`DepTargets`] is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dependents {
    /// Task `t`'s dependents are `tasks[starts[t]..starts[t + 1]]`.
    starts: Vec<u32>,
    tasks: Vec<u32>,
}

impl Dependents {
    /// From `(task waited for, task waiting)` pairs, in the order the links were found.
    pub(crate) fn from_waits(task_count: usize, waits: &[(u32, u32)]) -> Self {
        // A stable counting sort by the task waited for.
        let mut starts = vec![0u32; task_count + 1];
        for &(target, _) in waits {
            starts[target as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut sorted = vec![0u32; waits.len()];
        for &(target, task) in waits {
            let at = &mut next[target as usize];
            sorted[*at as usize] = task;
            *at += 1;
        }
        // The same dependent twice (`after: T1, T1`, or `after` and `blocks` both) is kept once.
        let mut tasks = Vec::with_capacity(sorted.len());
        let mut kept = Vec::with_capacity(starts.len());
        for t in 0..task_count {
            let first = tasks.len();
            kept.push(first as u32);
            for &task in &sorted[starts[t] as usize..starts[t + 1] as usize] {
                if !tasks[first..].contains(&task) {
                    tasks.push(task);
                }
            }
        }
        kept.push(tasks.len() as u32);
        Dependents {
            starts: kept,
            tasks,
        }
    }

    /// The tasks that wait for task `task`, by index into [`Plan::tasks`].
    pub fn of(&self, task: usize) -> impl Iterator<Item = usize> + '_ {
        list_of(&self.starts, &self.tasks, task)
            .iter()
            .map(|&t| t as usize)
    }
}

/// Task `task`'s list in a flat layout where it is `items[starts[task]..starts[task + 1]]`;
/// empty for a task out of range.
fn list_of<'l>(starts: &[u32], items: &'l [u32], task: usize) -> &'l [u32] {
    match (starts.get(task), starts.get(task + 1)) {
        (Some(&start), Some(&end)) => &items[start as usize..end as usize],
        _ => &[],
    }
}

/// Everything baton understood of one plan file.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub title: Option<String>,
    pub overview: Option<Section>,
    pub phases: Vec<Phase>,
    pub tasks: Vec<Task>,
    pub decisions: Option<DecisionLog>,
    pub diagnostics: Vec<Diagnostic>,
    /// The task each `after` reference names, found once by the parser.
    pub dep_targets: DepTargets,
    /// The tasks waiting for each task.
    pub dependents: Dependents,
    /// Each task that reuses an id an earlier task has, with the first task that has it
    /// (indices into [`Plan::tasks`], in document order).
    pub duplicate_ids: Vec<(usize, usize)>,
    pub line_ending: LineEnding,
    /// The file ends with a line ending.
    pub ends_with_newline: bool,
    /// Done tasks mostly use `[X]` rather than `[x]`.
    pub prefers_upper_x: bool,
    /// The file's length in bytes.
    pub len: usize,
}

impl Plan {
    /// Finds tasks by id. Ids are compared exactly; more than one match means a duplicate.
    pub fn find(&self, id: &str) -> Vec<&Task> {
        self.tasks
            .iter()
            .filter(|t| t.id.as_deref() == Some(id))
            .collect()
    }

    /// The first task with this id.
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id.as_deref() == Some(id))
    }

    /// All ids in document order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.tasks.iter().filter_map(|t| t.id.as_deref())
    }

    /// Task `task`'s first dependency that names no task (`after: the schema task`), as
    /// written: the task can never be ready while it stands.
    pub fn unresolved_dep(&self, task: usize) -> Option<&TaskRef> {
        let i = self.dep_targets.of(task).position(|t| t.is_none())?;
        self.tasks.get(task)?.deps.get(i)
    }
}
