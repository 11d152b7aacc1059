//! `render`: an environment's overlay or a kustomization directory, printed as kustomize prints it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{CmdError, exit};
use crate::cli::{Cli, Engine, Output, RenderArgs};
use crate::render::{self, RenderError, fs::DiskFs};
use crate::repo::config;

fn overlay_dir(cli: &Cli, env: Option<&str>, dir: Option<&Path>) -> Result<PathBuf, CmdError> {
    if let Some(d) = dir {
        return Ok(d.to_path_buf());
    }
    let cwd = std::env::current_dir()?;
    let loaded = config::Loaded::find(cli.global.repo.as_deref(), &cwd)?;
    let env = env.unwrap_or_default();
    Ok(loaded.overlay_dir(env)?)
}

pub fn run(cli: &Cli, args: &RenderArgs) -> Result<i32, CmdError> {
    let dir = overlay_dir(cli, args.env.as_deref(), args.kustomize.as_deref())?;
    let mut out = std::io::stdout().lock();
    match args.engine {
        // Rendering is complete (or has failed, printing nothing) before the first byte is written.
        Engine::Builtin => {
            let docs = render::render_with(&DiskFs, &dir, args.load_restrictor.into())?;
            match cli.global.output {
                Output::Yaml | Output::Patch => {
                    render::emit::write_stream(&docs, &mut out)?;
                }
                Output::Json => out.write_all(format_docs(&docs, Output::Json).as_bytes())?,
            }
            out.flush()?;
            // A large render frees a million small allocations; the process is about to exit.
            std::mem::forget(docs);
        }
        Engine::Kustomize => {
            let yaml = render_with_kustomize(&dir, args.load_restrictor)?;
            let text = match cli.global.output {
                Output::Yaml | Output::Patch => yaml,
                Output::Json => {
                    let docs: Vec<Value> = render::yaml::parse_stream(&yaml, "kustomize output")
                        .map_err(RenderError::from)?
                        .into_iter()
                        .map(|d| d.value)
                        .collect();
                    format_docs(&docs, Output::Json)
                }
            };
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(exit::OK)
}

/// Prints documents as a YAML stream (kustomize's format) or a JSON `List`.
pub fn format_docs(docs: &[Value], output: Output) -> String {
    match output {
        Output::Yaml | Output::Patch => render::emit::stream_to_yaml(docs),
        Output::Json => {
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": docs});
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// Delegates to `kustomize build`, or `kubectl kustomize` when kustomize is not installed.
fn render_with_kustomize(
    dir: &Path,
    restrictor: crate::cli::LoadRestrictor,
) -> Result<String, CmdError> {
    use clap::ValueEnum;
    let attempts: [(&str, &[&str]); 2] = [("kustomize", &["build"]), ("kubectl", &["kustomize"])];
    let restrictor = restrictor
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    for (bin, pre) in attempts {
        let result = std::process::Command::new(bin)
            .args(pre)
            .arg(dir)
            .arg("--load-restrictor")
            .arg(&restrictor)
            .output();
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
