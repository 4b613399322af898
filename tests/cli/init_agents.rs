//! `baton init --agents claude,codex,gemini` on real directories: baton's MCP server
//! registered in each agent's project configuration, the slash commands, and the rule that
//! existing configuration is merged into, never clobbered.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use insta::assert_snapshot;
use serde_json::Value;

use crate::harness::{Project, Run};

const ALL: &[&str] = &["init", "--agents", "claude,codex,gemini"];

/// Every file under the project (not `.git`), with its bytes and inode: an inode that stays
/// the same proves a file was not rewritten, since baton replaces files by renaming.
fn tree(p: &Project) -> BTreeMap<String, (Vec<u8>, u64)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (Vec<u8>, u64)>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .expect("inside")
                    .display()
                    .to_string();
                let ino = std::fs::metadata(&path).expect("metadata").ino();
                out.insert(rel, (std::fs::read(&path).expect("read"), ino));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(p.dir.path(), p.dir.path(), &mut out);
    out
}

/// The transcript with the project's absolute path (which Codex's trust note names) as
/// `[PROJECT]`.
fn transcript(p: &Project, run: &Run) -> String {
    let real = std::fs::canonicalize(p.dir.path()).expect("canonical");
    run.transcript()
        .replace(&real.display().to_string(), "[PROJECT]")
        .replace(&p.dir.path().display().to_string(), "[PROJECT]")
}

fn json(p: &Project, rel: &str) -> Value {
    serde_json::from_str(&p.read_string(rel)).expect("JSON")
}

const MCP_JSON: &str = r#"{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {"GITHUB_TOKEN": "${GITHUB_TOKEN:-none}"}
    }
  },
  "x-team": {"owner": "platform"}
}
"#;

const CODEX_TOML: &str = r#"# Codex settings for this repository.
model = "o3" # the one we pay for

[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"] # pinned below

[mcp_servers.docs.env]
DOCS_TOKEN = "from-vault"
"#;

const GEMINI_JSON: &str = r#"{
  // Shared by the whole team.
  "ui": {"theme": "GitHub"},
  "mcpServers": {
    "db": {"command": "db-mcp", "trust": false} /* read-only */
  }
}
"#;

#[test]
fn init_agents_twice_is_init_agents_once_and_keeps_unrelated_config() {
    let p = Project::new();
    p.write(".mcp.json", MCP_JSON);
    p.write(".codex/config.toml", CODEX_TOML);
    p.write(".gemini/settings.json", GEMINI_JSON);
    p.write(
        ".claude/settings.json",
        "{\n  \"permissions\": {\"allow\": [\"Bash(cargo test:*)\"]}\n}\n",
    );
    p.write("CLAUDE.md", "# Team notes\n\nKeep this.\n");
    p.write("GEMINI.md", "Be brief.\n");

    let first = p.run(ALL);
    first.success();
    assert!(
        first
            .stderr
            .contains("added MCP server `baton` to .mcp.json"),
        "{}",
        first.stderr
    );
    let once = tree(&p);

    // Claude Code: the other server and the unknown key are there, byte for byte.
    let mcp = p.read_string(".mcp.json");
    let cut = MCP_JSON
        .find("\n  },\n  \"x-team\"")
        .expect("end of mcpServers");
    assert!(mcp.starts_with(&MCP_JSON[..cut]), "{mcp}");
    assert!(mcp.ends_with(&MCP_JSON[cut..]), "{mcp}");
    let v = json(&p, ".mcp.json");
    assert_eq!(
        v["mcpServers"]["baton"],
        serde_json::json!({"command": "baton", "args": ["mcp"]})
    );
    assert_eq!(
        v["mcpServers"]["github"]["env"]["GITHUB_TOKEN"],
        "${GITHUB_TOKEN:-none}"
    );
    assert_eq!(v["x-team"]["owner"], "platform");

    // Codex: comments and the other server kept; baton's table added after them.
    let codex = p.read_string(".codex/config.toml");
    assert!(codex.starts_with(CODEX_TOML), "{codex}");
    assert!(codex.ends_with(
        "\n[mcp_servers.baton]\ncommand = \"baton\"\nargs = [\"mcp\"]\ndefault_tools_approval_mode = \"approve\"\ntool_timeout_sec = 600\nenv_vars = [\"BATON_SESSION\"]\n"
    ), "{codex}");

    // Gemini CLI: comments kept, baton's server trusted, the other one untouched.
    let gemini = p.read_string(".gemini/settings.json");
    for kept in [
        "// Shared by the whole team.",
        "\"ui\": {\"theme\": \"GitHub\"}",
        "\"db\": {\"command\": \"db-mcp\", \"trust\": false}",
        "/* read-only */",
    ] {
        assert!(gemini.contains(kept), "{kept} lost:\n{gemini}");
    }
    assert!(gemini.contains("\"trust\": true"), "{gemini}");

    // Claude's settings got the Stop hook next to the permissions.
    let settings = json(&p, ".claude/settings.json");
    assert_eq!(settings["permissions"]["allow"][0], "Bash(cargo test:*)");
    assert!(settings["hooks"]["Stop"].is_array());

    // Instructions: appended to what was there.
    assert!(
        p.read_string("CLAUDE.md")
            .starts_with("# Team notes\n\nKeep this.\n\n<!-- baton:agents:start hash=")
    );
    let gemini_md = p.read_string("GEMINI.md");
    assert!(gemini_md.starts_with("Be brief.\n\n<!-- baton:agents:start hash="));
    assert!(gemini_md.contains("`claim_task`"), "{gemini_md}");
    assert!(
        p.read_string("AGENTS.md")
            .contains("mcp__baton__next_tasks")
    );
    for file in [
        ".claude/commands/baton-next.md",
        ".claude/commands/baton-status.md",
        ".gemini/commands/baton/next.toml",
        ".gemini/commands/baton/decide.toml",
        "plan.md",
    ] {
        assert!(once.contains_key(file), "{file} missing");
    }

    // Twice: the same bytes, and not one file rewritten.
    let second = p.run(ALL);
    second.success();
    assert_eq!(tree(&p), once);
    assert_snapshot!("init_agents_again", transcript(&p, &second));
}

#[test]
fn init_agents_writes_these_files() {
    let p = Project::new();
    let run = p.run(ALL);
    run.success();
    assert_snapshot!("init_agents_fresh", transcript(&p, &run));
    assert_snapshot!("init_agents_mcp_json", p.read_string(".mcp.json"));
    assert_snapshot!(
        "init_agents_codex_toml",
        p.read_string(".codex/config.toml")
    );
    assert_snapshot!(
        "init_agents_gemini_settings",
        p.read_string(".gemini/settings.json")
    );
    assert_snapshot!(
        "init_agents_claude_next_command",
        p.read_string(".claude/commands/baton-next.md")
    );
    assert_snapshot!(
        "init_agents_gemini_next_command",
        p.read_string(".gemini/commands/baton/next.toml")
    );
    assert_snapshot!("init_agents_claude_md", p.read_string("CLAUDE.md"));
    assert_snapshot!("init_agents_agents_md", p.read_string("AGENTS.md"));
    assert_snapshot!(
        "init_agents_claude_settings",
        p.read_string(".claude/settings.json")
    );
    assert_snapshot!(
        "init_agents_codex_hooks",
        p.read_string(".codex/hooks.json")
    );
    let files: Vec<String> = tree(&p).into_keys().collect();
    assert_eq!(
        files,
        [
            ".claude/commands/baton-claim.md",
            ".claude/commands/baton-decide.md",
            ".claude/commands/baton-done.md",
            ".claude/commands/baton-next.md",
            ".claude/commands/baton-release.md",
            ".claude/commands/baton-status.md",
            ".claude/settings.json",
            ".codex/config.toml",
            ".codex/hooks.json",
            ".gemini/commands/baton/claim.toml",
            ".gemini/commands/baton/decide.toml",
            ".gemini/commands/baton/done.toml",
            ".gemini/commands/baton/next.toml",
            ".gemini/commands/baton/release.toml",
            ".gemini/commands/baton/status.toml",
            ".gemini/settings.json",
            ".mcp.json",
            "AGENTS.md",
            "CLAUDE.md",
            "GEMINI.md",
            "plan.md",
        ]
    );
}

#[test]
fn generic_agents_get_instructions_only() {
    let p = Project::new();
    p.run(&["init", "--agents", "generic"]).success();
    let files: Vec<String> = tree(&p).into_keys().collect();
    assert_eq!(files, ["AGENTS.md", "plan.md"]);
    let agents = p.read_string("AGENTS.md");
    assert!(agents.contains("`baton claim ID --by NAME`"), "{agents}");
    assert!(!agents.contains("MCP"), "{agents}");
    // Codex later: the same file gets the block that names the tools.
    p.run(&["init", "--agents", "codex"]).success();
    assert!(p.read_string("AGENTS.md").contains("MCP server"));
}

#[test]
fn invalid_config_stops_init_before_anything_is_written() {
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            ".mcp.json",
            "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\"},\n  }\n}\n",
            "claude",
            "error: .mcp.json:4:3: not valid JSON: trailing comma",
        ),
        (
            ".codex/config.toml",
            "[mcp_servers.docs]\ncommand = npx\n",
            "codex",
            "error: .codex/config.toml:2:11: not valid TOML: ",
        ),
        (
            ".gemini/settings.json",
            "{\"mcpServers\": [\"baton\"]}",
            "gemini",
            "error: .gemini/settings.json: `mcpServers` is an array, but Gemini CLI expects an object; it was left untouched",
        ),
        (
            ".codex/config.toml",
            "[mcp_servers]\nbaton = \"baton mcp\"\n",
            "codex",
            "error: .codex/config.toml: `mcp_servers.baton` is a string, but Codex expects a table; it was left untouched",
        ),
    ];
    for (file, text, agent, message) in cases {
        let p = Project::new();
        p.write(file, text);
        let run = p.run(&["init", "--agents", &format!("claude,codex,gemini,{agent}")]);
        assert_eq!(run.code, 3, "{}", run.transcript());
        assert!(run.stderr.contains(message), "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "hint: fix {file} by hand, then run `baton init --agents {agent}` again"
            )),
            "{}",
            run.stderr
        );
        assert_eq!(p.read_string(file), text);
        let files: Vec<String> = tree(&p).into_keys().collect();
        assert_eq!(files, [file], "nothing else may be written");
    }
}

#[test]
fn invalid_config_transcript() {
    let p = Project::new();
    p.write(".mcp.json", "{\"mcpServers\": {\"a\": 1,}}");
    let run = p.run(&["init", "--agents", "claude"]);
    assert_snapshot!("init_agents_invalid_mcp_json", run.transcript());
}

#[test]
fn mcp_command_is_written_and_an_entry_that_differs_is_kept() {
    let p = Project::new();
    let custom = "/opt/baton/bin/baton";
    p.run(&[
        "init",
        "--agents",
        "claude,codex,gemini",
        "--mcp-command",
        custom,
    ])
    .success();
    assert_eq!(
        json(&p, ".mcp.json")["mcpServers"]["baton"]["command"],
        custom
    );
    assert_eq!(
        json(&p, ".gemini/settings.json")["mcpServers"]["baton"]["command"],
        custom
    );
    assert!(
        p.read_string(".codex/config.toml")
            .contains("command = \"/opt/baton/bin/baton\"\n")
    );
    let once = tree(&p);

    // The same command again: nothing to do.
    p.run(&[
        "init",
        "--agents",
        "claude,codex,gemini",
        "--mcp-command",
        custom,
    ])
    .success();
    assert_eq!(tree(&p), once);

    // Without it, baton would write `baton`: the existing entries are kept, with a warning.
    let run = p.run(ALL);
    run.success();
    assert_eq!(tree(&p), once);
    assert_snapshot!("init_agents_kept_user_entries", transcript(&p, &run));

    // Deleting the entry lets init write it again.
    p.write(".mcp.json", "{\"mcpServers\": {}}\n");
    p.run(&["init", "--agents", "claude"]).success();
    assert_eq!(
        json(&p, ".mcp.json")["mcpServers"]["baton"]["command"],
        "baton"
    );
}

#[test]
fn mcp_command_needs_an_agent_with_mcp() {
    let p = Project::new();
    for args in [
        &["init", "--mcp-command", "baton"][..],
        &["init", "--agents", "generic", "--mcp-command", "baton"],
        &["init", "--agents", "claude", "--mcp-command", " "],
    ] {
        let run = p.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.transcript());
    }
    assert!(tree(&p).is_empty());
}

#[test]
fn a_plan_the_server_would_not_find_is_named() {
    let p = Project::new();
    p.run(&["--plan", "roadmap.md", "init", "--agents", "claude,codex"])
        .success();
    assert!(p.path("roadmap.md").exists());
    assert_eq!(
        json(&p, ".mcp.json")["mcpServers"]["baton"]["args"],
        serde_json::json!(["mcp", "--plan", "roadmap.md"])
    );
    assert!(
        p.read_string(".codex/config.toml")
            .contains("args = [\"mcp\", \"--plan\", \"roadmap.md\"]\n")
    );
}

#[test]
fn edited_slash_commands_are_kept() {
    let p = Project::new();
    p.run(&["init", "--agents", "claude,gemini"]).success();
    let mine = "---\ndescription: our own\n---\nDo it our way.\n";
    p.write(".claude/commands/baton-done.md", mine);
    std::fs::remove_file(p.path(".gemini/commands/baton/status.toml")).expect("rm");
    let run = p.run(&["init", "--agents", "claude,gemini"]);
    run.success();
    assert_eq!(p.read_string(".claude/commands/baton-done.md"), mine);
    assert!(p.path(".gemini/commands/baton/status.toml").exists());
    assert_snapshot!("init_agents_edited_command", run.transcript());
}

#[test]
fn a_gemini_entry_without_trust_is_kept_with_the_reason() {
    let p = Project::new();
    let old = "{\"mcpServers\": {\"baton\": {\"command\": \"baton\", \"args\": [\"mcp\"]}}}\n";
    p.write(".gemini/settings.json", old);
    let run = p.run(&["init", "--agents", "gemini"]);
    run.success();
    // The entry is kept as it is; only the hooks are added after it.
    let new = p.read_string(".gemini/settings.json");
    assert!(new.starts_with(&old[..old.len() - 2]), "{new}");
    assert_eq!(
        json(&p, ".gemini/settings.json")["mcpServers"]["baton"],
        serde_json::json!({"command": "baton", "args": ["mcp"]})
    );
    assert!(
        run.stderr.contains(
            "warning: .gemini/settings.json has its own MCP server `baton`, left as it is: \
             trust is missing (baton writes true)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("a headless `gemini -p` does not offer them at all"),
        "{}",
        run.stderr
    );
}

#[test]
fn each_agent_gets_its_hooks_with_a_timeout() {
    let p = Project::new();
    p.run(ALL).success();
    let hooks = |rel: &str, event: &str| -> Value {
        json(p_ref(&p), rel)["hooks"][event][0]["hooks"][0].clone()
    };
    fn p_ref(p: &Project) -> &Project {
        p
    }
    let claude_stop = hooks(".claude/settings.json", "Stop");
    assert_eq!(claude_stop["command"], "baton hook claude-stop");
    assert_eq!(claude_stop["timeout"], 900);
    let claude_start = json(&p, ".claude/settings.json")["hooks"]["SessionStart"][0].clone();
    assert_eq!(claude_start["matcher"], "startup|resume|compact");
    assert_eq!(
        claude_start["hooks"][0]["command"],
        "baton hook session-start --agent claude"
    );
    assert_eq!(
        hooks(".codex/hooks.json", "Stop")["command"],
        "baton hook codex-stop"
    );
    assert_eq!(hooks(".codex/hooks.json", "Stop")["timeout"], 900);
    assert_eq!(
        hooks(".codex/hooks.json", "SessionStart")["command"],
        "baton hook session-start --agent codex"
    );
    // Gemini CLI counts milliseconds.
    let after = hooks(".gemini/settings.json", "AfterAgent");
    assert_eq!(after["command"], "baton hook gemini-stop");
    assert_eq!(after["timeout"], 900_000);
    assert_eq!(
        hooks(".gemini/settings.json", "SessionStart")["command"],
        "baton hook session-start --agent gemini"
    );
    let codex = p.read_string(".codex/config.toml");
    assert!(
        codex.contains("env_vars = [\"BATON_SESSION\"]\n"),
        "{codex}"
    );
    // Codex's block points to the tools, never to commands its sandbox makes fail.
    let agents = p.read_string("AGENTS.md");
    assert!(agents.contains("`undo_task`"), "{agents}");
    assert!(!agents.contains("(`baton claim"), "{agents}");

    // --mcp-command runs the hooks through the same program.
    let q = Project::new();
    q.run(&[
        "init",
        "--agents",
        "claude",
        "--mcp-command",
        "/opt/my baton/baton",
    ])
    .success();
    assert_eq!(
        json(&q, ".claude/settings.json")["hooks"]["Stop"][0]["hooks"][0]["command"],
        "'/opt/my baton/baton' hook claude-stop"
    );
}

#[test]
fn gemini_settings_are_merged_keeping_the_user_s_keys_and_hooks() {
    let p = Project::new();
    let old = r#"{
  // Shared by the whole team.
  "ui": {"theme": "GitHub"},
  "hooks": {
    "BeforeTool": [{"matcher": "write_file", "hooks": [{"type": "command", "command": "./guard.sh"}]}]
  },
  "general": {"vimMode": true}
}
"#;
    p.write(".gemini/settings.json", old);
    p.run(&["init", "--agents", "gemini"]).success();
    let merged = p.read_string(".gemini/settings.json");
    assert!(merged.starts_with("{\n  // Shared by the whole team.\n  \"ui\": {\"theme\": \"GitHub\"},\n  \"hooks\": {\n    \"BeforeTool\": [{\"matcher\": \"write_file\", \"hooks\": [{\"type\": \"command\", \"command\": \"./guard.sh\"}]}],"), "{merged}");
    assert!(
        merged.contains("\"general\": {\"vimMode\": true}"),
        "{merged}"
    );
    assert_snapshot!("init_agents_gemini_merged_settings", merged);
    let once = tree(&p);
    p.run(&["init", "--agents", "gemini"]).success();
    assert_eq!(tree(&p), once);
}

#[test]
fn links_are_edited_through_and_stay_links() {
    use std::os::unix::fs::symlink;
    let p = Project::new();
    p.write("AGENTS.md", "# Shared instructions\n");
    symlink("AGENTS.md", p.path("CLAUDE.md")).expect("link");
    p.write("config/mcp.json", MCP_JSON);
    symlink("config/mcp.json", p.path(".mcp.json")).expect("link");
    let run = p.run(&["init", "--agents", "claude,codex"]);
    run.success();
    assert_snapshot!("init_agents_through_links", transcript(&p, &run));
    for link in ["CLAUDE.md", ".mcp.json"] {
        let meta = std::fs::symlink_metadata(p.path(link)).expect("meta");
        assert!(meta.file_type().is_symlink(), "{link} is no longer a link");
    }
    // One block for both agents, in the one file.
    let agents = p.read_string("AGENTS.md");
    assert!(agents.starts_with("# Shared instructions\n\n<!-- baton:agents:start"));
    assert_eq!(agents.matches("baton:agents:start").count(), 1, "{agents}");
    assert!(agents.contains("In Claude Code they are named"), "{agents}");
    assert!(agents.contains("In Codex they are named"), "{agents}");
    let v = json(&p, "config/mcp.json");
    assert_eq!(v["mcpServers"]["baton"]["command"], "baton");
    assert_eq!(v["x-team"]["owner"], "platform");

    // Twice: byte-identical, nothing rewritten, links kept.
    let once = tree(&p);
    p.run(&["init", "--agents", "claude,codex"]).success();
    assert_eq!(tree(&p), once);

    // A dangling link inside the project: its target is created.
    let q = Project::new();
    symlink("docs/agents.md", q.path("GEMINI.md")).expect("link");
    std::fs::create_dir(q.path("docs")).expect("mkdir");
    q.run(&["init", "--agents", "gemini"]).success();
    assert!(
        q.read_string("docs/agents.md")
            .contains("baton:agents:start")
    );
    assert!(
        std::fs::symlink_metadata(q.path("GEMINI.md"))
            .expect("meta")
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_link_out_of_the_project_is_refused() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("tmp");
    let theirs = outside.path().join("CLAUDE.md");
    std::fs::write(&theirs, "# Someone else's\n").expect("write");
    let p = Project::new();
    symlink(&theirs, p.path("CLAUDE.md")).expect("link");
    let run = p.run(&["init", "--agents", "claude"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr.contains("error: CLAUDE.md is a link to ")
            && run.stderr.contains("baton does not write there"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&theirs).expect("read"),
        "# Someone else's\n"
    );
    let files: Vec<String> = tree(&p).into_keys().collect();
    assert_eq!(files, ["CLAUDE.md"], "nothing else may be written");

    // A linked folder out of the project is refused the same way.
    let q = Project::new();
    symlink(outside.path(), q.path(".claude")).expect("link");
    let run = q.run(&["init", "--agents", "claude"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(!outside.path().join("settings.json").exists());
}

#[test]
fn edits_in_baton_s_block_are_kept_or_refused_with_a_diff() {
    let p = Project::new();
    p.run(&["init", "--agents", "claude"]).success();
    let written = p.read_string("CLAUDE.md");
    let edited = written.replace(
        "- Work only inside the task's `files`",
        "- Ask Dana before touching `db/`.\n- Work only inside the task's `files`",
    );
    assert_ne!(edited, written);
    p.write("CLAUDE.md", &edited);

    // baton's text is what it wrote then: the edits stay, exit 0.
    let run = p.run(&["init", "--agents", "claude"]);
    run.success();
    assert!(
        run.stderr
            .contains("CLAUDE.md: baton's block holds your edits, kept as they are"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read_string("CLAUDE.md"), edited);

    // baton's text changes (another plan): refused with a diff, exit 4, nothing written.
    let before = tree(&p);
    let run = p.run(&["--plan", "roadmap.md", "init", "--agents", "claude"]);
    assert_eq!(run.code, 4, "{}", run.transcript());
    assert_snapshot!("init_agents_edited_block_refused", transcript(&p, &run));
    assert_eq!(tree(&p), before);
    assert!(!p.path("roadmap.md").exists());

    // --force replaces it.
    let run = p.run(&[
        "--plan",
        "roadmap.md",
        "init",
        "--agents",
        "claude",
        "--force",
    ]);
    run.success();
    let forced = p.read_string("CLAUDE.md");
    assert!(!forced.contains("Ask Dana"), "{forced}");
    assert!(forced.contains("`roadmap.md`"), "{forced}");
    // Outside the markers nothing ever changes; a block from an older baton (no hash) that
    // differs is treated as edited.
    p.write(
        "AGENTS.md",
        "# Ours\n\n<!-- baton:agents:start -->\nold text\n<!-- baton:agents:end -->\nmore\n",
    );
    let run = p.run(&["init", "--agents", "generic"]);
    assert_eq!(run.code, 4, "{}", run.transcript());
    assert!(
        run.stderr.contains("written by an older baton or edited"),
        "{}",
        run.stderr
    );
    p.run(&["init", "--agents", "generic", "--force"]).success();
    let agents = p.read_string("AGENTS.md");
    assert!(
        agents.starts_with("# Ours\n\n<!-- baton:agents:start hash="),
        "{agents}"
    );
    assert!(
        agents.ends_with("<!-- baton:agents:end -->\nmore\n"),
        "{agents}"
    );
}

#[test]
fn a_baton_hook_without_timeout_is_kept_with_a_warning() {
    let p = Project::new();
    let old = "{\"hooks\": {\"Stop\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"baton hook codex-stop\"}]}], \"SessionStart\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"baton hook session-start --agent codex\", \"timeout\": 5}]}]}}\n";
    p.write(".codex/hooks.json", old);
    let run = p.run(&["init", "--agents", "codex"]);
    run.success();
    assert_eq!(p.read_string(".codex/hooks.json"), old);
    assert!(
        run.stderr.contains(
            "warning: .codex/hooks.json: baton's hook has no `timeout`, left as it is\n\
             hint: Codex stops a hook at its own default timeout, which a slow verify run can \
             exceed: add `\"timeout\": 900` to Stop (seconds)"
        ),
        "{}",
        run.stderr
    );
}
