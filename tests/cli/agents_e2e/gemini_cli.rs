//! Gemini CLI (`gemini -p … -o stream-json`) against the Gemini API stand-in: baton's MCP
//! tools from the `.gemini/settings.json` that `init --agents gemini` wrote (errors included,
//! which Gemini's MCP client drops unless they match the tool's output schema), the
//! `AfterAgent` gate (`baton hook gemini-stop`) under a session name the model made up, and
//! the resume brief on `gemini --resume`.
//!
//! The throwaway HOME selects API-key auth; `GOOGLE_GEMINI_BASE_URL` points at the stand-in
//! and `GEMINI_CLI_TRUST_WORKSPACE` trusts the project folder for the run.

use serde_json::{Value, json};

use super::install::Cli;
use super::{
    AgentRun, GATE_PLAN, RESUME_PROMPT, Rig, StandIn, TOOLS_PLAN, assert_exited_0, check_gate,
    check_resume_brief, check_tools, gate_script, gemini, home_dir, resume_script, rig,
    run_bounded, tools_script, trace,
};

/// `gemini ARGS -o stream-json` in the project against the stand-in.
fn run_gemini(s: &Rig, args: &[&str], env: &[(&str, &str)]) -> AgentRun {
    let settings = json!({"security": {"auth": {"selectedType": "gemini-api-key"}}});
    std::fs::write(
        home_dir(s.home.path(), ".gemini").join("settings.json"),
        settings.to_string(),
    )
    .expect("write the user settings");
    let mut cmd = s.command();
    cmd.args(args)
        .args(["-o", "stream-json"])
        .env("GEMINI_API_KEY", "stand-in-key")
        .env("GOOGLE_GEMINI_BASE_URL", s.api.url())
        .env("GEMINI_CLI_TRUST_WORKSPACE", "true")
        .envs(env.iter().copied());
    run_bounded(cmd)
}

/// The run ended by itself with exit 0 and a successful `result` event.
fn assert_clean_end(run: &AgentRun, api: &StandIn) {
    assert_exited_0("gemini", run, api);
    let result = run
        .events
        .iter()
        .rfind(|e| e["type"] == "result")
        .unwrap_or_else(|| panic!("no result event\n{}", trace(run, api)));
    assert_eq!(
        result["status"],
        "success",
        "{result:#}\n{}",
        trace(run, api)
    );
}

#[test]
fn gemini_cli_uses_batons_mcp_tools_and_reads_a_refused_completion() {
    let Some(s) = rig(Cli::Gemini, "gemini MCP tools", TOOLS_PLAN, || {
        gemini::start(tools_script())
    }) else {
        return;
    };
    let run = run_gemini(&s, &["-p", "Work on the plan with baton's tools."], &[]);
    assert_clean_end(&run, &s.api);
    let used: Vec<&str> = run
        .events
        .iter()
        .filter(|e| e["type"] == "tool_use")
        .filter_map(|e| e["tool_name"].as_str())
        .collect();
    assert_eq!(
        used,
        [
            "mcp_baton_claim_task",
            "mcp_baton_complete_task",
            "mcp_baton_log_decision",
            "mcp_baton_claim_task",
            "mcp_baton_complete_task",
            "mcp_baton_release_task"
        ],
        "{}",
        s.trace(&run)
    );
    check_tools(&s.p, &s.api, &|| s.trace(&run));
    // Every tool result Gemini reported is baton's, none a schema mismatch of its client.
    let bad: Vec<&Value> = run
        .events
        .iter()
        .filter(|e| e["type"] == "tool_result" && e.to_string().contains("-32602"))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn gemini_cli_stop_gate_holds_under_a_session_name_the_model_chose() {
    let Some(s) = rig(Cli::Gemini, "gemini gate", GATE_PLAN, || {
        gemini::start(gate_script(true))
    }) else {
        return;
    };
    let run = run_gemini(&s, &["-p", "Finish the plan, then stop."], &[]);
    assert_clean_end(&run, &s.api);
    check_gate(&s.p, &s.api, &|| s.trace(&run));
}

#[test]
fn gemini_cli_resumed_session_gets_the_resume_brief() {
    let Some(s) = rig(Cli::Gemini, "gemini resume brief", TOOLS_PLAN, || {
        gemini::start(resume_script())
    }) else {
        return;
    };
    let env = [("BATON_SESSION", super::TOOLS_SESSION)];
    let first = run_gemini(&s, &["-p", "Work on the plan with baton's tools."], &env);
    assert_clean_end(&first, &s.api);
    let second = run_gemini(&s, &["--resume", "latest", "-p", RESUME_PROMPT], &env);
    assert_clean_end(&second, &s.api);
    check_resume_brief(&s.p, &s.api, &|| s.trace(&second));
}
