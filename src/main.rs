//! The `kubectl-release` binary: parse the command line, run, map errors to exit codes.

use clap::Parser;
use kubectl_release::{cli::Cli, cmd};

fn main() {
    let cli = Cli::parse();
    let code = match cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            let err = anyhow::Error::new(e);
            eprintln!("error: {err:#}");
            err.downcast_ref::<cmd::CmdError>()
                .map(cmd::CmdError::exit_code)
                .unwrap_or(cmd::exit::ERROR)
        }
    };
    std::process::exit(code);
}
