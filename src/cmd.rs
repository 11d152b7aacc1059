//! Running the commands: glue between the parsed command line and the library.
//!
//! Every command returns its exit code; errors carry what failed and where.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cli::{Cli, Command, CompletionArgs, Engine, Output, RenderArgs};
use crate::config::{self, ConfigError};
use crate::render::{self, RenderError, fs::DiskFs};

/// Exit codes, part of the interface (README: "Exit codes").
pub mod exit {
    /// Success; for `diff`, no differences.
    pub const OK: i32 = 0;
    /// `diff`: differences found; `status`: a gate failed or timed out.
    pub const CHANGES: i32 = 1;
    /// Any error: bad input, I/O, cluster or registry failure.
    pub const ERROR: i32 = 2;
}

#[derive(Debug, thiserror::Error)]
pub enum CmdError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("kustomize engine: {0}")]
    Engine(String),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
}

impl CmdError {
    pub fn exit_code(&self) -> i32 {
        exit::ERROR
    }
}

/// Runs the parsed command; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32, CmdError> {
    match &cli.command {
        Command::Render(args) => render_cmd(&cli, args),
        Command::Completion(args) => completion(args),
    }
}

fn overlay_dir(cli: &Cli, env: Option<&str>, dir: Option<&Path>) -> Result<PathBuf, CmdError> {
    if let Some(d) = dir {
        return Ok(d.to_path_buf());
    }
    let cwd = std::env::current_dir()?;
    let loaded = config::Loaded::find(cli.global.repo.as_deref(), &cwd)?;
    let env = env.unwrap_or_default();
    Ok(loaded.overlay_dir(env)?)
}

fn render_cmd(cli: &Cli, args: &RenderArgs) -> Result<i32, CmdError> {
    let dir = overlay_dir(cli, args.env.as_deref(), args.kustomize.as_deref())?;
    let text = match args.engine {
        Engine::Builtin => {
            let docs = render::render(&DiskFs, &dir)?;
            format_docs(&docs, cli.global.output)
        }
        Engine::Kustomize => {
            let yaml = render_with_kustomize(&dir)?;
            match cli.global.output {
                Output::Yaml => yaml,
                Output::Json => {
                    let docs: Vec<Value> = render::yaml::parse_stream(&yaml, "kustomize output")
                        .map_err(RenderError::from)?
                        .into_iter()
                        .map(|d| d.value)
                        .collect();
                    format_docs(&docs, Output::Json)
                }
            }
        }
    };
    // One write of the whole result: a failure above leaves stdout empty.
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(exit::OK)
}

/// Prints documents as a YAML stream (kustomize's format) or a JSON `List`.
pub fn format_docs(docs: &[Value], output: Output) -> String {
    match output {
        Output::Yaml => render::emit::stream_to_yaml(docs),
        Output::Json => {
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": docs});
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// Delegates to `kustomize build`, or `kubectl kustomize` when kustomize is not installed.
fn render_with_kustomize(dir: &Path) -> Result<String, CmdError> {
    let attempts: [(&str, &[&str]); 2] = [("kustomize", &["build"]), ("kubectl", &["kustomize"])];
    for (bin, pre) in attempts {
        let result = std::process::Command::new(bin).args(pre).arg(dir).output();
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(CmdError::Engine(format!("running {bin}: {e}"))),
            Ok(out) if out.status.success() => {
                return String::from_utf8(out.stdout)
                    .map_err(|_| CmdError::Engine(format!("{bin} printed invalid UTF-8")));
            }
            Ok(out) => {
                return Err(CmdError::Engine(format!(
                    "{bin} failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
        }
    }
    Err(CmdError::Engine(
        "neither kustomize nor kubectl is on PATH; install one or use --engine builtin".into(),
    ))
}

fn completion(args: &CompletionArgs) -> Result<i32, CmdError> {
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
