//! `baton completions SHELL`: the shell's completion script, generated from the same clap
//! definitions that parse the command line, so it can never fall behind a flag.

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

use super::error::CliError;
use super::printer::Printer;
use super::{Cli, Globals};

#[derive(Debug, clap::Args)]
#[command(after_help = "Install (one of):
  bash:        baton completions bash > ~/.local/share/bash-completion/completions/baton
  zsh:         baton completions zsh > \"${fpath[1]}/_baton\"
  fish:        baton completions fish > ~/.config/fish/completions/baton.fish
  PowerShell:  baton completions powershell >> $PROFILE")]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(p: &mut Printer, _: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "baton", &mut script);
    p.data(&script)?;
    Ok(ExitCode::SUCCESS)
}
