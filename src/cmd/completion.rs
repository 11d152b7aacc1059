//! `completion` scripts, and the `__complete` protocol kubectl uses for `kubectl release <TAB>`.

use std::io::Write;

use super::{CmdError, exit};
use crate::cli::{Cli, CompletionArgs};
use crate::repo::config;

pub fn run(args: &CompletionArgs) -> Result<i32, CmdError> {
    let mut out = Vec::new();
    write_completion(args.shell, &mut out);
    std::io::stdout().write_all(&out)?;
    Ok(exit::OK)
}

/// Writes the completion script for `shell` (also used by the test that keeps completions/ current).
pub fn write_completion(shell: clap_complete::Shell, out: &mut dyn Write) {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "kubectl-release", out);
}

/// Cobra's `__complete` protocol, which kubectl uses for plugins: one candidate
/// per line, then `:<directive>` (4 = do not complete file names).
pub fn complete(cli: &Cli, a: &crate::cli::CompleteArgs) -> Result<i32, CmdError> {
    use clap::CommandFactory;
    let root = Cli::command();
    let words = &a.words;
    let current = words.last().cloned().unwrap_or_default();
    let mut out = Vec::new();
    let sub = words
        .iter()
        .take(words.len().saturating_sub(1))
        .find(|w| !w.starts_with('-'))
        .and_then(|w| root.find_subcommand(w).cloned());
    match sub {
        None => {
            for s in root.get_subcommands().filter(|s| !s.is_hide_set()) {
                if s.get_name().starts_with(&current) {
                    out.push(format!(
                        "{}\t{}",
                        s.get_name(),
                        s.get_about().map(|x| x.to_string()).unwrap_or_default()
                    ));
                }
            }
        }
        Some(s) if current.starts_with('-') => {
            for arg in s.get_arguments().chain(root.get_arguments()) {
                if let Some(l) = arg.get_long() {
                    let flag = format!("--{l}");
                    if flag.starts_with(&current) {
                        out.push(flag);
                    }
                }
            }
        }
        Some(s) => {
            // Environment names for commands that take one.
            if [
                "render",
                "diff",
                "set-image",
                "deploy",
                "status",
                "undo",
                "history",
            ]
            .contains(&s.get_name())
                && let Ok(cwd) = std::env::current_dir()
                && let Ok(l) = config::Loaded::find(cli.global.repo.as_deref(), &cwd)
            {
                for env in l
                    .config
                    .environments
                    .keys()
                    .filter(|e| e.starts_with(&current))
                {
                    out.push(env.clone());
                }
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    for line in out {
        writeln!(stdout, "{line}")?;
    }
    writeln!(stdout, ":4")?;
    Ok(exit::OK)
}
