//! `baton man`: manual pages in roff, generated from the clap definitions — one page for
//! `baton` on stdout, or with `--dir` a page per command (`baton-claim.1`, ...) as `man`
//! expects them in a `man1` folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::CommandFactory;

use super::error::CliError;
use super::printer::Printer;
use super::{Cli, Globals};

#[derive(Debug, clap::Args)]
#[command(after_help = "Read it now: baton man | man -l -
Install: baton man --dir ~/.local/share/man/man1")]
pub struct Args {
    /// Write baton.1 and one page per command (baton-COMMAND.1) into this folder instead of
    /// printing baton.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run(p: &mut Printer, _: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    let command = Cli::command();
    let Some(dir) = &args.dir else {
        p.data(&render(&command)?)?;
        return Ok(ExitCode::SUCCESS);
    };
    fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    let mut written = 0;
    write_page(dir, "baton", &command)?;
    written += 1;
    for sub in command.get_subcommands() {
        let name = format!("baton-{}", sub.get_name());
        // The page is `baton-claim`, as `man baton-claim` finds it; its synopsis reads as typed.
        let sub = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("baton {}", sub.get_name()));
        write_page(dir, &name, &sub)?;
        written += 1;
    }
    p.status(format!("wrote {written} manual pages to {}", dir.display()))?;
    Ok(ExitCode::SUCCESS)
}

fn render(command: &clap::Command) -> Result<Vec<u8>, CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    Ok(page)
}

fn write_page(dir: &Path, name: &str, command: &clap::Command) -> Result<(), CliError> {
    let path = dir.join(format!("{name}.1"));
    let page = render(command)?;
    // Through a temporary file in the same folder: an interrupted run never leaves half a page.
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| write_error(dir, e))?;
    std::io::Write::write_all(&mut tmp, &page).map_err(|e| write_error(&path, e))?;
    tmp.persist(&path)
        .map_err(|e| write_error(&path, e.error))?;
    Ok(())
}

fn write_error(path: &Path, err: std::io::Error) -> CliError {
    CliError::input(format!("cannot write {}: {err}", path.display())).with_source(err)
}
