//! `baton graph`: the plan's dependency graph as Mermaid or DOT, grouped by waves or by the
//! lanes of N sessions; `--write` keeps a Mermaid copy inside the plan, between two marker
//! lines, so the map GitHub renders never drifts far from the tasks.

use std::process::ExitCode;

use super::Globals;
use super::error::{CliError, Kind};
use super::printer::Printer;
use crate::analyze::Options;
use crate::graph::export::{self, Graph, Grouping, MarkerError};
use crate::ops::project::{self, Project};
use crate::plan::{edit::Edit, store};

/// GitHub's Mermaid refuses diagrams past these sizes (Mermaid's defaults `maxTextSize` and
/// `maxEdges`); past them the user is told, since the block would show an error, not a map.
const MERMAID_MAX_CHARS: usize = 50_000;
const MERMAID_MAX_EDGES: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A Mermaid flowchart (renders on GitHub).
    Mermaid,
    /// A Graphviz digraph (`dot -Tsvg`).
    Dot,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Mermaid, value_name = "FORMAT")]
    pub format: Format,
    /// Group tasks by the lanes of N sessions (as `baton analyze --sessions N` lays them
    /// out) instead of by waves.
    #[arg(long, short = 's', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub sessions: Option<u32>,
    /// Write the Mermaid graph into the plan between the lines `<!-- baton:graph:start -->`
    /// and `<!-- baton:graph:end -->` instead of printing it.
    #[arg(long)]
    pub write: bool,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    if args.write && args.format == Format::Dot {
        return Err(CliError::new(
            Kind::Usage,
            "--write keeps a Mermaid block in the plan; it cannot write DOT",
        )
        .with_hint("drop --format dot, or print DOT with `baton graph --format dot > plan.dot`"));
    }
    let file = Project::locate(g.plan.as_deref())?;
    // Graph needs the schedule, not co-change findings: no git history is read.
    let options = Options {
        sessions: args.sessions,
        history_from: None,
        ..Default::default()
    };
    let grouping = if args.sessions.is_some() {
        Grouping::Lanes
    } else {
        Grouping::Waves
    };
    if args.write {
        return write(p, &file, &options, grouping);
    }
    let (_, plan) = file.load()?;
    let analysis = project::analysis(&plan, &file, &options)?;
    let graph = Graph::new(&plan, &analysis, grouping);
    let text = match args.format {
        Format::Mermaid => graph.mermaid(),
        Format::Dot => graph.dot(),
    };
    // One write for the whole graph: a 10k-task plan is tens of thousands of lines.
    p.line(text.strip_suffix('\n').unwrap_or(&text))?;
    if args.format == Format::Mermaid {
        size_note(p, &text, &graph)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `--write`: replaces what lies between the markers with the Mermaid block, under the
/// plan's lock, computed from the plan as read under that lock.
fn write(
    p: &mut Printer,
    file: &Project,
    options: &Options,
    grouping: Grouping,
) -> Result<ExitCode, CliError> {
    let updated = store::update(&file.path, |snap| {
        let plan = snap.plan();
        let section = export::find_map_section(snap.bytes).map_err(|e| marker_error(file, e))?;
        let analysis = project::analysis(plan, file, options)?;
        let graph = Graph::new(plan, &analysis, grouping);
        let mermaid = graph.mermaid();
        let block = export::mermaid_block(&mermaid, plan.line_ending);
        let edits = if snap.bytes.get(section.range.clone()) == Some(block.as_bytes()) {
            Vec::new()
        } else {
            vec![Edit {
                range: section.range.clone(),
                text: block.into_bytes(),
            }]
        };
        Ok::<_, CliError>((edits, (section, mermaid, graph.edge_count())))
    })?;
    let wrote = updated.wrote;
    let (section, mermaid, edges) = updated.into_value();
    let lines = format!(
        "between lines {} and {}",
        section.start_line, section.end_line
    );
    if wrote {
        p.status(format!("{}: dependency map updated ({lines})", file.shown))?;
    } else {
        p.status(format!(
            "{}: dependency map is up to date ({lines})",
            file.shown
        ))?;
    }
    if mermaid.len() > MERMAID_MAX_CHARS || edges > MERMAID_MAX_EDGES {
        p.status(too_big(mermaid.len(), edges))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn size_note(p: &mut Printer, text: &str, graph: &Graph) -> Result<(), CliError> {
    let edges = graph.edge_count();
    if text.len() > MERMAID_MAX_CHARS || edges > MERMAID_MAX_EDGES {
        p.status(too_big(text.len(), edges))?;
    }
    Ok(())
}

fn too_big(chars: usize, edges: usize) -> String {
    format!(
        "note: this diagram has {chars} characters and {edges} edges; GitHub's Mermaid shows an \
         error past {MERMAID_MAX_CHARS} characters or {MERMAID_MAX_EDGES} edges \
         (`--format dot` has no such limit)"
    )
}

fn marker_error(file: &Project, err: MarkerError) -> CliError {
    let (start, end) = (export::START_MARKER, export::END_MARKER);
    match err {
        MarkerError::Missing => CliError::input(format!(
            "{} has no place for the dependency map: the marker lines are missing",
            file.shown
        ))
        .with_hint(format!(
            "add the two lines `{start}` and `{end}` where the map should go (each on a line of \
             its own, outside code blocks), then run `baton graph --write` again"
        )),
        MarkerError::Unpaired { found, line } => {
            let missing = if found == start { end } else { start };
            CliError::input(format!(
                "{}:{line}: `{found}` has no matching `{missing}`",
                file.shown
            ))
            .with_hint(format!(
                "add the line `{missing}` so the two markers enclose the map; nothing was written"
            ))
        }
        MarkerError::Repeated { marker, lines } => {
            let lines: Vec<String> = lines.iter().map(u32::to_string).collect();
            CliError::input(format!(
                "{}: `{marker}` appears more than once (lines {})",
                file.shown,
                lines.join(", ")
            ))
            .with_hint("keep one pair of markers; nothing was written")
        }
        MarkerError::Reversed {
            start_line,
            end_line,
        } => CliError::input(format!(
            "{}:{end_line}: the end marker comes before the start marker (line {start_line})",
            file.shown
        ))
        .with_hint(format!("put `{start}` above `{end}`; nothing was written")),
    }
}
