//! `baton completions` and `baton man`: the scripts are loaded into the real shells and asked
//! to complete, and the pages are rendered by groff with warnings on.
//!
//! bash is always here; zsh, fish and groff may be missing on a laptop (the test then says it
//! skipped), but under `BATON_REQUIRE_SHELLS` (as `.ci/run` sets) a missing one fails.

use std::process::Command;

use crate::harness::{BIN, Project};

/// Every subcommand, from the binary's own help.
fn subcommands() -> Vec<String> {
    let p = Project::new();
    let help = p.run(&["--help"]).stdout;
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Wrapped descriptions continue on lines indented further.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The program, or None (skipped) unless `BATON_REQUIRE_SHELLS` is set.
#[allow(clippy::print_stderr)]
fn program(name: &str) -> Option<&str> {
    let found = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(name);
    }
    assert!(
        std::env::var_os("BATON_REQUIRE_SHELLS").is_none(),
        "{name} is required (BATON_REQUIRE_SHELLS is set) but is not installed"
    );
    eprintln!("SKIPPED completions test: {name} is not installed");
    None
}

/// Runs a shell snippet with `$BATON` naming the binary; its stdout.
fn shell(shell: &str, flag: &str, script: &str) -> String {
    let p = Project::new();
    let out = Command::new(shell)
        .args([flag, script])
        .current_dir(p.path("."))
        .env("BATON", BIN)
        .env("HOME", p.path("."))
        .output()
        .expect("shell ran");
    assert!(
        out.status.success(),
        "{shell} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn bash_completes_commands_and_flags() {
    let complete = |words: &str| {
        shell(
            "bash",
            "-c",
            &format!(
                r#"source <("$BATON" completions bash)
COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); COMP_LINE="{words}"
_baton baton "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#
            ),
        )
    };
    let commands = complete("baton cl");
    assert_eq!(commands.trim(), "claim", "{commands}");
    let flags = complete("baton analyze --ses");
    assert!(flags.lines().any(|l| l == "--sessions"), "{flags}");
}

#[test]
fn fish_completes_commands_with_their_descriptions() {
    let Some(fish) = program("fish") else { return };
    let out = shell(
        fish,
        "-c",
        r#""$BATON" completions fish | source; complete -C"baton ver"; complete -C"baton run --uni""#,
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("verify\tCheck every ticked box")),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("--unit")), "{out}");
}

#[test]
fn zsh_loads_the_completion_function() {
    let Some(zsh) = program("zsh") else { return };
    let out = shell(
        zsh,
        "-fc",
        r#"dir=$(mktemp -d); "$BATON" completions zsh > "$dir/_baton"
zsh -n "$dir/_baton" || exit 1
fpath=("$dir" $fpath); autoload -Uz compinit; compinit -u -d "$dir/dump"
autoload -Uz _baton; whence -w _baton; grep -c "'claim:" "$dir/_baton"; rm -r "$dir""#,
    );
    assert!(out.contains("_baton: function"), "{out}");
}

#[test]
fn every_shell_script_names_every_command() {
    let commands = subcommands();
    assert!(commands.len() > 20, "{commands:?}");
    let p = Project::new();
    for sh in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = p.run(&["completions", sh]).success().stdout.clone();
        for command in &commands {
            assert!(script.contains(command.as_str()), "{sh} lacks {command}");
        }
    }
    let unknown = p.run(&["completions", "tcsh"]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
}

#[test]
fn man_pages_render_without_warnings_one_per_command() {
    let p = Project::new();
    let page = p.run(&["man"]).success().stdout.clone();
    assert!(page.contains(".TH baton 1"), "{page}");
    p.run(&["man", "--dir", "man1"]).success();
    let commands = subcommands();
    for command in &commands {
        let text = p.read_string(&format!("man1/baton-{command}.1"));
        assert!(
            text.contains(&format!(".TH baton-{command} 1")),
            "{command}"
        );
        assert!(
            text.contains(&format!("baton {}", command.replace('-', "\\-"))),
            "{command}: synopsis"
        );
    }
    let Some(groff) = program("groff") else {
        return;
    };
    for command in
        std::iter::once("baton".to_owned()).chain(commands.iter().map(|c| format!("baton-{c}")))
    {
        let out = Command::new(groff)
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(p.path(&format!("man1/{command}.1")))
            .output()
            .expect("groff ran");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{command}.1: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn man_into_an_unwritable_place_is_an_input_error() {
    let p = Project::new();
    p.write("file", "x");
    let run = p.run(&["man", "--dir", "file/man1"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
}
