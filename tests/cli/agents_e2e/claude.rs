//! Claude Code (`claude -p … --output-format stream-json`) against the Anthropic stand-in:
//! the Stop hook `init --agents claude` writes, baton's MCP tools from `.mcp.json`, the gate
//! under a session name the model made up, and the resume brief of the SessionStart hook
//! after a resume and after an auto-compaction.
//! Run with `cargo test --test cli agents_e2e::claude -- --nocapture` to see the steps.

use std::sync::Arc;

use serde_json::Value;

use super::install::Cli;
use super::{
    AgentRun, Conversation, GATE_PLAN, RESUME_PROMPT, Rig, Script, StandIn, Step, TOOLS_PLAN,
    TOOLS_SESSION, anthropic, assert_exited_0, check_compact_brief, check_gate, check_resume_brief,
    check_tools, compact_script, continued, fills_context, gate_script, resume_script, rig,
    run_bounded, say, tools_script, trace,
};

/// `claude -p PROMPT` in the project against the stand-in, with a throwaway HOME.
fn run_claude(s: &Rig, args: &[&str], env: &[(&str, &str)]) -> AgentRun {
    let mut cmd = s.command();
    cmd.args(args)
        .args([
            "--output-format",
            "stream-json",
            "--verbose",
            "--max-turns",
            "12",
        ])
        .env("CLAUDE_CONFIG_DIR", s.home.path().join(".claude"))
        .env("ANTHROPIC_BASE_URL", s.api.url())
        .env("ANTHROPIC_API_KEY", "sk-ant-test-stand-in")
        .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        .env("DISABLE_AUTOUPDATER", "1")
        .envs(env.iter().copied());
    run_bounded(cmd)
}

/// The run ended by itself, successfully, with a `result` event that is no error.
fn assert_clean_end(run: &AgentRun, api: &StandIn) {
    assert_exited_0("claude", run, api);
    let result = run
        .events
        .iter()
        .rfind(|e| e["type"] == "result")
        .unwrap_or_else(|| panic!("no result event\n{}", trace(run, api)));
    assert_eq!(result["is_error"], false, "{result:#}\n{}", trace(run, api));
}

// ---------------------------------------------------------------------------------------
// The Stop hook: a false tick, sent back with the evidence, fixed, then allowed to stop.

/// The session name baton's claims and the hook use (`BATON_SESSION` in claude's env).
const SESSION: &str = "agent";
/// What the scripted model does first: tick T1 although `done.txt` does not exist yet.
const FALSE_TICK: &str = "baton done T1";
/// What it does once the hook has sent it back.
const FIX: &str = "echo ok > done.txt";
/// How Claude Code introduces a blocking Stop hook's stderr to the model.
const FEEDBACK: &str = "Stop hook feedback";
/// Evidence baton's reason must carry for the false tick (see `baton verify --task T1`).
const EVIDENCE: [&str; 3] = ["test -f done.txt", "exited 1", "`done.txt` does not exist"];

/// Tick falsely, claim to be done, and once the hook's feedback with the failing evidence
/// arrives, fix the work and finish.
fn fix_script() -> Script {
    Arc::new(|c: &Conversation| {
        let feedback = c.notes_with(FEEDBACK);
        let has_evidence = feedback
            .iter()
            .any(|t| EVIDENCE.iter().all(|e| t.contains(e)));
        match (c.results.len(), feedback.is_empty()) {
            (0, _) => Step::Shell(FALSE_TICK.to_string()),
            (1, true) => say("All done."),
            (1, false) if has_evidence => Step::Shell(FIX.to_string()),
            (1, false) => say("The Stop hook feedback lacks the failing evidence."),
            _ => say("Fixed: done.txt exists and T1 verifies."),
        }
    })
}

#[test]
fn stop_hook_blocks_a_false_tick_until_the_work_is_fixed() {
    // Locked and committed: the hook runs only verify commands a person trusted.
    let Some(s) = rig(Cli::Claude, "claude stop hook", GATE_PLAN, || {
        anthropic::start(fix_script())
    }) else {
        return;
    };
    s.p.run(&["claim", "T1", "--by", SESSION]).success();
    let settings: Value =
        serde_json::from_str(&s.p.read_string(".claude/settings.json")).expect("settings JSON");
    let stop = &settings["hooks"]["Stop"][0]["hooks"][0]["command"];
    assert!(
        stop.as_str()
            .is_some_and(|c| c.starts_with("baton hook claude-stop")),
        "{settings:#}"
    );

    let run = run_claude(
        &s,
        &[
            "-p",
            "Finish task T1 of plan.md, then stop.",
            "--allowedTools",
            "Bash",
        ],
        &[("BATON_SESSION", SESSION)],
    );
    assert_clean_end(&run, &s.api);
    let trace = || s.trace(&run);

    // claude's side: the stop was refused once, with the evidence.
    let feedback: Vec<String> = run
        .events
        .iter()
        .filter(|e| e["type"] == "user" && e["isSynthetic"] == true)
        .map(event_text)
        .filter(|t| t.contains(FEEDBACK))
        .collect();
    assert_eq!(feedback.len(), 1, "one blocked stop expected\n{}", trace());
    let reason = &feedback[0];
    for evidence in EVIDENCE {
        assert!(
            reason.contains(evidence),
            "feedback lacks {evidence:?}:\n{reason}"
        );
    }
    assert!(
        reason.contains("T1") && reason.contains("false-done"),
        "{reason}"
    );

    // The stand-in's side: the model got the feedback exactly once, and the script took the
    // path it should.
    let conversations = s.api.conversations();
    let last = conversations.last().expect("a model request");
    assert_eq!(last.notes_with(FEEDBACK).len(), 1, "{}", trace());
    let steps: Vec<Step> = conversations.iter().map(|c| fix_script()(c)).collect();
    assert_eq!(
        steps,
        [
            Step::Shell(FALSE_TICK.to_string()),
            say("All done."),
            Step::Shell(FIX.to_string()),
            say("Fixed: done.txt exists and T1 verifies."),
        ],
        "{}",
        trace()
    );

    // The project: the work is really done now, and baton agrees.
    assert_eq!(s.p.read_string("done.txt"), "ok\n");
    assert!(s.p.read_string("plan.md").contains("- [x] T1"));
    s.p.run(&["verify", "--task", "T1"]).success();
}

/// The text of a stream-json `user` event's message, however its content is shaped.
fn event_text(event: &Value) -> String {
    let content = &event["message"]["content"];
    match content {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter_map(|b| b["text"].as_str().or_else(|| b["content"].as_str()))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// The MCP tools, the gate under a made-up name, the resume brief.

#[test]
fn claude_code_uses_batons_mcp_tools_and_reads_a_refused_completion() {
    let Some(s) = rig(Cli::Claude, "claude MCP tools", TOOLS_PLAN, || {
        anthropic::start(tools_script())
    }) else {
        return;
    };
    let config: Value = serde_json::from_str(&s.p.read_string(".mcp.json")).expect(".mcp.json");
    assert_eq!(
        config["mcpServers"]["baton"]["command"], "baton",
        "{config:#}"
    );

    let run = run_claude(
        &s,
        &[
            "-p",
            "Work on the plan with baton's tools.",
            "--allowedTools",
            "mcp__baton",
        ],
        &[],
    );
    assert_clean_end(&run, &s.api);

    // The session's init: baton's server connected, its tools offered.
    let init = run
        .events
        .iter()
        .find(|e| e["type"] == "system" && e["subtype"] == "init")
        .unwrap_or_else(|| panic!("no system/init event\n{}", s.trace(&run)));
    let baton = init["mcp_servers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == "baton")
        .unwrap_or_else(|| panic!("baton is not among the MCP servers: {init:#}"));
    assert_eq!(baton["status"], "connected", "{init:#}");
    let tools: Vec<&str> = init["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for name in [
        "claim_task",
        "complete_task",
        "log_decision",
        "release_task",
    ] {
        assert!(
            tools.contains(&format!("mcp__baton__{name}").as_str()),
            "{name} missing from {tools:?}"
        );
    }
    check_tools(&s.p, &s.api, &|| s.trace(&run));
}

#[test]
fn claude_code_stop_gate_holds_under_a_session_name_the_model_chose() {
    let Some(s) = rig(Cli::Claude, "claude gate", GATE_PLAN, || {
        anthropic::start(gate_script(true))
    }) else {
        return;
    };
    // No BATON_SESSION: the model's own name is all baton's MCP server hears.
    let run = run_claude(
        &s,
        &[
            "-p",
            "Finish the plan, then stop.",
            "--allowedTools",
            "mcp__baton",
        ],
        &[],
    );
    assert_clean_end(&run, &s.api);
    check_gate(&s.p, &s.api, &|| s.trace(&run));
}

#[test]
fn claude_code_resumed_session_gets_the_resume_brief() {
    let Some(s) = rig(Cli::Claude, "claude resume brief", TOOLS_PLAN, || {
        anthropic::start(resume_script())
    }) else {
        return;
    };
    let env = [("BATON_SESSION", super::TOOLS_SESSION)];
    let first = run_claude(
        &s,
        &[
            "-p",
            "Work on the plan with baton's tools.",
            "--allowedTools",
            "mcp__baton",
        ],
        &env,
    );
    assert_clean_end(&first, &s.api);
    let id = first
        .events
        .iter()
        .find_map(|e| e["session_id"].as_str())
        .unwrap_or_else(|| panic!("no session id\n{}", s.trace(&first)))
        .to_string();
    let second = run_claude(
        &s,
        &[
            "-p",
            RESUME_PROMPT,
            "--resume",
            &id,
            "--allowedTools",
            "mcp__baton",
        ],
        &env,
    );
    assert_clean_end(&second, &s.api);
    check_resume_brief(&s.p, &s.api, &|| s.trace(&second));
}

// ---------------------------------------------------------------------------------------
// Auto-compaction: the SessionStart hook (source `compact`) puts the brief back.

/// How Claude Code 2.1 adds a SessionStart hook's stdout to the context after a compaction.
const COMPACT_HOOK: &str = "SessionStart:compact hook success";
/// The smallest auto-compact window Claude Code accepts (`CLAUDE_CODE_AUTO_COMPACT_WINDOW`);
/// a response reporting [`anthropic::FULL_CONTEXT_TOKENS`] fills it.
const COMPACT_WINDOW: &str = "100000";

#[test]
fn claude_code_auto_compaction_puts_the_resume_brief_back() {
    let Some(s) = rig(Cli::Claude, "claude compaction brief", TOOLS_PLAN, || {
        anthropic::start_filling(compact_script(), Arc::new(fills_context))
    }) else {
        return;
    };
    let run = run_claude(
        &s,
        &[
            "-p",
            "Work on the plan with baton's tools.",
            "--allowedTools",
            "mcp__baton",
        ],
        &[
            ("BATON_SESSION", TOOLS_SESSION),
            ("CLAUDE_CODE_AUTO_COMPACT_WINDOW", COMPACT_WINDOW),
        ],
    );
    let trace = || s.trace(&run);
    assert!(!run.timed_out, "claude hung\n{}", trace());

    // claude's side: one automatic compaction, and baton's hook printed the brief for it.
    let boundaries: Vec<&Value> = run
        .events
        .iter()
        .filter(|e| e["type"] == "system" && e["subtype"] == "compact_boundary")
        .collect();
    assert_eq!(boundaries.len(), 1, "one compaction expected\n{}", trace());
    assert_eq!(
        boundaries[0]["compact_metadata"]["trigger"], "auto",
        "{:#}",
        boundaries[0]
    );
    let hook = run
        .events
        .iter()
        .find(|e| e["subtype"] == "hook_response" && e["hook_name"] == "SessionStart:compact")
        .unwrap_or_else(|| panic!("no SessionStart hook ran for the compaction\n{}", trace()));
    assert_eq!(hook["exit_code"], 0, "{hook:#}");
    let printed = hook["stdout"].as_str().unwrap_or_default().trim();
    assert!(
        printed.starts_with("# baton: resume brief for session "),
        "the hook did not print the brief:\n{hook:#}"
    );

    // The model's side: the brief, as the hook printed it, added for the compaction; the
    // start's context is gone.
    let brief = check_compact_brief(&s.p, &s.api, &trace);
    assert!(brief.contains(COMPACT_HOOK), "{brief}");
    assert!(brief.contains(printed), "{brief}");
    let after = s
        .api
        .conversations()
        .into_iter()
        .find(continued)
        .expect("checked above");
    assert!(
        after.notes_with("SessionStart:startup").is_empty(),
        "the start's context survived the compaction\n{}",
        trace()
    );
    assert_clean_end(&run, &s.api);
}
