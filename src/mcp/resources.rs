//! The resources: the plan file itself (`baton://plan`) and each session's prompt
//! (`baton://prompts/{session}`, optionally `?sessions=N&phase=P`), so a client can attach
//! them to a conversation instead of calling a tool.

use rmcp::ErrorData;
use rmcp::model::{
    ListResourceTemplatesResult, ListResourcesResult, ReadResourceResult, Resource,
    ResourceContents, ResourceTemplate,
};

use super::BatonServer;
use super::tools::{ToolError, prompt_view, require_sound};

pub const PLAN_URI: &str = "baton://plan";
const PROMPT_PREFIX: &str = "baton://prompts/";
const MARKDOWN: &str = "text/markdown";

/// The URI of one session's prompt.
pub fn prompt_uri(session: u32, sessions: Option<u32>, phase: Option<u32>) -> String {
    let mut query = Vec::new();
    if let Some(n) = sessions {
        query.push(format!("sessions={n}"));
    }
    if let Some(p) = phase {
        query.push(format!("phase={p}"));
    }
    if query.is_empty() {
        format!("{PROMPT_PREFIX}{session}")
    } else {
        format!("{PROMPT_PREFIX}{session}?{}", query.join("&"))
    }
}

/// `(session, sessions, phase)` from a prompt URI; None when it is not one.
fn parse_prompt_uri(uri: &str) -> Option<(u32, Option<u32>, Option<u32>)> {
    let rest = uri.strip_prefix(PROMPT_PREFIX)?;
    let (session, query) = rest.split_once('?').unwrap_or((rest, ""));
    let session = session.parse().ok()?;
    let (mut sessions, mut phase) = (None, None);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=')? {
            ("sessions", n) => sessions = Some(n.parse().ok()?),
            ("phase", p) => phase = Some(p.parse().ok()?),
            _ => return None,
        }
    }
    Some((session, sessions, phase))
}

fn tool_error(err: ToolError) -> ErrorData {
    ErrorData::invalid_params(err.message().to_string(), None)
}

impl BatonServer {
    pub(super) fn resource_list(&self) -> Result<ListResourcesResult, ErrorData> {
        let file = self.plan_file().map_err(tool_error)?;
        let mut resources = vec![
            Resource::new(PLAN_URI, "plan")
                .with_title(format!("The plan ({})", file.shown))
                .with_description("The plan file as it is on disk")
                .with_mime_type(MARKDOWN),
        ];
        // One prompt per session of the recommended layout for the current phase; a plan
        // with nothing open (or with errors) simply lists no prompts.
        if let Ok((_, plan)) = file.load()
            && require_sound(&plan, &file).is_ok()
            && let Ok(generated) = crate::ops::session::generate(&file, &plan, None, None)
        {
            for prompt in &generated.out.prompts {
                let session = prompt.context.session;
                resources.push(
                    Resource::new(prompt_uri(session, None, None), format!("prompt-{session}"))
                        .with_title(format!(
                            "Session {session}'s prompt for phase {}",
                            generated.phase + 1
                        ))
                        .with_mime_type(MARKDOWN),
                );
            }
        }
        Ok(ListResourcesResult::with_all_items(resources))
    }

    pub(super) fn resource_templates(&self) -> ListResourceTemplatesResult {
        ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new(
                "baton://prompts/{session}{?sessions,phase}",
                "session-prompt",
            )
            .with_title("One session's prompt")
            .with_description(
                "The prompt for session N when the current (or given) phase is split across \
                 `sessions` sessions (default: the recommended number)",
            )
            .with_mime_type(MARKDOWN),
        ])
    }

    pub(super) fn resource_read(&self, uri: &str) -> Result<ReadResourceResult, ErrorData> {
        let file = self.plan_file().map_err(tool_error)?;
        let contents = if uri == PLAN_URI {
            let bytes = std::fs::read(&file.path).map_err(|e| {
                ErrorData::internal_error(format!("cannot read {}: {e}", file.shown), None)
            })?;
            ResourceContents::TextResourceContents {
                uri: uri.to_string(),
                mime_type: Some(MARKDOWN.to_string()),
                text: String::from_utf8_lossy(&bytes).into_owned(),
                meta: None,
            }
        } else if let Some((session, sessions, phase)) = parse_prompt_uri(uri) {
            let (_, plan) = file.load().map_err(|e| tool_error(e.into()))?;
            require_sound(&plan, &file).map_err(tool_error)?;
            let view = prompt_view(&file, &plan, session, sessions, phase).map_err(tool_error)?;
            ResourceContents::TextResourceContents {
                uri: uri.to_string(),
                mime_type: Some(MARKDOWN.to_string()),
                text: view.text,
                meta: None,
            }
        } else {
            return Err(ErrorData::resource_not_found(
                format!("no resource {uri}: baton serves {PLAN_URI} and {PROMPT_PREFIX}N"),
                None,
            ));
        };
        Ok(ReadResourceResult::new(vec![contents]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_uris_round_trip() {
        for (session, sessions, phase) in
            [(1, None, None), (3, Some(4), None), (2, Some(2), Some(5))]
        {
            let uri = prompt_uri(session, sessions, phase);
            assert_eq!(
                parse_prompt_uri(&uri),
                Some((session, sessions, phase)),
                "{uri}"
            );
        }
        assert_eq!(parse_prompt_uri("baton://prompts/x"), None);
        assert_eq!(parse_prompt_uri("baton://prompts/1?colour=red"), None);
        assert_eq!(parse_prompt_uri("baton://plan"), None);
    }
}
