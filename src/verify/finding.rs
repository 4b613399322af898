//! One piece of evidence, from any layer, as the report lists it.
//!
//! Every layer of the verifier (commands, acceptance items, paths, identifiers, wiring,
//! stubs, history) says what it found as findings of four weights. The verdict is computed
//! from the weights alone (see [`super::verdict`]), so the report can always show exactly
//! which findings decided it.

/// Where a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// `verify:` commands.
    Commands,
    /// Nested acceptance checkboxes.
    Acceptance,
    /// The declared scope and the paths the task's text names.
    Paths,
    /// Identifiers the task names in backticks, against the code index.
    Identifiers,
    /// Whether what the task defines is used anywhere else.
    Wiring,
    /// `todo!()`, `raise NotImplementedError`, TODO lines.
    Stubs,
    /// Commits that touched the task's files since the task entered the plan.
    History,
}

impl Layer {
    pub const ALL: [Layer; 7] = [
        Layer::Commands,
        Layer::Acceptance,
        Layer::Paths,
        Layer::Identifiers,
        Layer::Wiring,
        Layer::Stubs,
        Layer::History,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Commands => "commands",
            Layer::Acceptance => "acceptance",
            Layer::Paths => "paths",
            Layer::Identifiers => "identifiers",
            Layer::Wiring => "wiring",
            Layer::Stubs => "stubs",
            Layer::History => "history",
        }
    }
}

/// How much a finding weighs in the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weight {
    /// Proof against a ticked box: a created path missing, a stub in what it implements.
    Hard,
    /// A signal worth a look, never enough to call a tick false: drift, not wired.
    Warning,
    /// Evidence for the task: a path it creates exists, a name it implements is defined.
    Positive,
    /// Looked at and set aside, with the reason: a run-time path, a dependency name.
    Note,
}

impl Weight {
    pub fn as_str(self) -> &'static str {
        match self {
            Weight::Hard => "hard",
            Weight::Warning => "warning",
            Weight::Positive => "positive",
            Weight::Note => "note",
        }
    }

    /// Whether a finding of this weight means the layer could judge the task.
    pub fn judges(self) -> bool {
        self != Weight::Note
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub layer: Layer,
    pub weight: Weight,
    /// A stable kebab-case name for what was checked (`created-missing`, `drift`, …),
    /// listed in docs/verify.md.
    pub check: &'static str,
    /// What was checked: a path, an identifier, a command.
    pub subject: String,
    /// What was found, as a sentence for people (no terminal styling).
    pub message: String,
    /// Where, relative to the repository root, when known.
    pub file: Option<String>,
    pub line: Option<u32>,
}

impl Finding {
    pub fn new(
        layer: Layer,
        weight: Weight,
        check: &'static str,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            layer,
            weight,
            check,
            subject: subject.into(),
            message: message.into(),
            file: None,
            line: None,
        }
    }

    pub fn at(mut self, file: impl Into<String>, line: Option<u32>) -> Finding {
        self.file = Some(file.into());
        self.line = line;
        self
    }

    /// `file:line`, `file`, or nothing.
    pub fn location(&self) -> Option<String> {
        match (&self.file, self.line) {
            (Some(f), Some(l)) => Some(format!("{f}:{l}")),
            (Some(f), None) => Some(f.clone()),
            _ => None,
        }
    }
}
