//! The decisions log: one dated line appended to the plan's `## Decisions` section.

use super::error::{Error, Kind};
use super::project::{Project, find_task};
use crate::plan::{edit, store};

/// Appends one dated line to the plan's decisions log under the plan lock and returns it.
/// Shared by `baton decide` and the MCP server; prints nothing.
pub fn log_decision(file: &Project, text: &str, task: Option<&str>) -> Result<String, Error> {
    // One decision is one line of the log.
    let text = text.replace(['\r', '\n'], " ");
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::new(Kind::Usage, "the decision text is empty"));
    }
    let now = crate::state::now_rfc3339();
    let date = now.get(..10).unwrap_or(&now);
    let line = match task {
        Some(id) => format!("{date} {id}: {text}"),
        None => format!("{date}: {text}"),
    };
    store::update(&file.path, |snap| {
        let plan = snap.plan();
        if let Some(id) = task {
            find_task(plan, file, id)?;
        }
        let Some(append) = edit::append_decision(plan, snap.bytes, &line) else {
            // The parser names the block that runs to the end (B004), with its line.
            let opened = plan
                .diagnostics
                .iter()
                .find(|d| d.code == "B004")
                .map_or_else(String::new, |d| {
                    let what = if d.message.starts_with("this HTML comment") {
                        "an HTML comment"
                    } else {
                        "a code fence"
                    };
                    format!(
                        " ({what} opened on {}:{} is never closed)",
                        file.shown, d.span.line
                    )
                });
            return Err(Error::input(format!(
                "the decision cannot be appended safely: the plan ends inside an unclosed block{opened}"
            ))
            .with_hint(
                "close the code block or HTML comment at the end of the plan, or add a \
                 `## Decisions` section; nothing was written",
            ));
        };
        Ok::<_, Error>((vec![append], ()))
    })?;
    Ok(line)
}
