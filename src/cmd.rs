//! Running the commands: glue between the parsed command line and the library.
//!
//! Every command returns its exit code; errors carry what failed and where.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cli::{BumpArgs, Cli, Command, CompletionArgs, Engine, Output, RenderArgs};
use crate::config::{self, ConfigError};
use crate::git::{GitError, Repo};
use crate::render::{self, RenderError, fs::DiskFs};
use crate::version::{self, BranchHistory, Part, Settings, TagContext, Tokens, VersionError};

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
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Version(#[from] VersionError),
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
        Command::Bump(args) => bump(&cli, args),
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

fn setting_err(name: &'static str, value: &str, reason: &str) -> CmdError {
    CmdError::Version(VersionError::Setting {
        name,
        value: value.to_string(),
        reason: reason.to_string(),
    })
}

/// Turns `bump` flags (and github-tag-action's variables) into [`Settings`].
pub fn bump_settings(a: &BumpArgs) -> Result<Settings, CmdError> {
    let prefix = match (&a.tag_prefix, a.with_v) {
        (Some(p), _) => Some(p.clone()),
        (None, true) => Some("v".to_string()),
        (None, false) => None,
    };
    let initial = a.initial_version.trim_start_matches('v');
    Ok(Settings {
        default_bump: Part::parse("DEFAULT_BUMP", &a.default_bump)?,
        prefix,
        release_branches: a
            .release_branches
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        initial_version: semver::Version::parse(initial)
            .map_err(|e| setting_err("INITIAL_VERSION", &a.initial_version, &e.to_string()))?,
        tag_context: match a.tag_context.as_str() {
            "repo" => TagContext::Repo,
            "branch" => TagContext::Branch,
            other => return Err(setting_err("TAG_CONTEXT", other, "expected repo or branch")),
        },
        prerelease: a.prerelease,
        prerelease_suffix: a.prerelease_suffix.clone(),
        branch_history: match a.branch_history.as_str() {
            "compare" => BranchHistory::Compare,
            "last" => BranchHistory::Last,
            "full" => BranchHistory::Full,
            other => {
                return Err(setting_err(
                    "BRANCH_HISTORY",
                    other,
                    "expected compare, last or full",
                ));
            }
        },
        tokens: Tokens {
            major: a.major_string_token.clone(),
            minor: a.minor_string_token.clone(),
            patch: a.patch_string_token.clone(),
            none: a.none_string_token.clone(),
        },
        force_without_changes: a.force_without_changes,
        custom_tag: a.custom_tag.clone().filter(|t| !t.is_empty()),
    })
}

/// Gathers tags and messages from git and computes the next version.
pub fn compute_bump(
    repo: &Repo,
    settings: &Settings,
    default_branch: Option<&str>,
) -> Result<version::Outcome, CmdError> {
    let branch = repo.current_branch()?;
    let head = repo.head()?;
    let tags = match settings.tag_context {
        TagContext::Repo => repo.tags()?,
        TagContext::Branch => repo.tags_merged_newest_first()?,
    };
    let (last, last_pre) = version::select_tags(settings, &tags);
    let head_is_tagged = match (&last, &head) {
        (Some(t), Some(h)) => repo.tag_commit(&t.name)? == *h,
        _ => false,
    };
    let messages = match (head.is_some(), settings.branch_history) {
        (false, _) => Vec::new(),
        (true, BranchHistory::Last) => repo.head_message()?,
        (true, BranchHistory::Full) => {
            let base = match default_branch {
                Some(b) => b.to_string(),
                None => default_branch_of(repo),
            };
            repo.messages(&format!("{base}..HEAD"))?
        }
        (true, BranchHistory::Compare) => match &last {
            Some(t) => repo.messages(&format!("refs/tags/{}..HEAD", t.name))?,
            None => repo.messages("HEAD")?,
        },
    };
    let history = version::History {
        branch,
        last,
        last_pre,
        head_is_tagged,
        messages,
    };
    Ok(version::next(settings, &history))
}

fn default_branch_of(repo: &Repo) -> String {
    if let Ok(r) = repo.run(&["symbolic-ref", "--short", "refs/remotes/origin/HEAD"]) {
        let r = r.trim();
        if !r.is_empty() {
            return r.to_string();
        }
    }
    for b in ["main", "master"] {
        if repo.run(&["rev-parse", "--verify", "-q", b]).is_ok() {
            return b.to_string();
        }
    }
    "main".to_string()
}

fn bump(cli: &Cli, a: &BumpArgs) -> Result<i32, CmdError> {
    let settings = bump_settings(a)?;
    let dir = std::env::current_dir()?.join(&a.source);
    let repo = Repo::open(&dir)?;
    let outcome = compute_bump(&repo, &settings, a.default_branch.as_deref())?;
    if outcome.create && !a.dry_run {
        repo.create_tag(&outcome.new_tag, a.message.as_deref())?;
        if a.push {
            repo.push_tag(&a.remote, &outcome.new_tag)?;
        }
    }
    let lines = format!(
        "new_tag={}\ntag={}\npart={}\nold_tag={}\n",
        outcome.new_tag, outcome.tag, outcome.part, outcome.old_tag
    );
    if let Some(path) = std::env::var_os("GITHUB_OUTPUT").filter(|p| !p.is_empty()) {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)?;
        f.write_all(lines.as_bytes())?;
    }
    let mut out = std::io::stdout().lock();
    match cli.global.output {
        Output::Json => {
            let mut s = serde_json::to_string_pretty(&outcome).unwrap_or_default();
            s.push('\n');
            out.write_all(s.as_bytes())?;
        }
        Output::Yaml => out.write_all(lines.as_bytes())?,
    }
    Ok(exit::OK)
}
