//! Running the commands: glue between the parsed command line and the library.
//!
//! Every command returns its exit code; errors carry what failed and where.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cli::{
    BumpArgs, Cli, Command, CompletionArgs, DiffArgs, Engine, Output, RenderArgs, SetImageArgs,
};
use crate::config::{self, ConfigError};
use crate::git::{GitError, Repo};
use crate::gitops::{self, EditError, FileEdit, Target};
use crate::image::policy::{Policy, PolicyError, Strategy};
use crate::image::registry::{self, ImageRef, RegistryError};
use crate::render::{self, RenderError, fs::DiskFs};
use crate::version::{self, BranchHistory, Part, Settings, TagContext, Tokens, VersionError};

pub mod build_info;
pub mod cmp;
pub mod deploy;
pub mod progress;
pub mod scope;
pub mod status;

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
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Cluster(#[from] crate::cluster::ClusterError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    // Boxed: its variants carry workload references and messages.
    Release(Box<crate::release::ReleaseError>),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    #[error(transparent)]
    Cmp(#[from] crate::argocd::cmp::CmpError),
    /// An error of the CMP mode, with the Application it happened for.
    #[error("{app}: {error}")]
    InApp { app: String, error: Box<CmdError> },
}

impl From<crate::release::ReleaseError> for CmdError {
    fn from(e: crate::release::ReleaseError) -> Self {
        CmdError::Release(Box::new(e))
    }
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
        Command::Diff(args) => diff_cmd(&cli, args),
        Command::SetImage(args) => set_image(&cli, args),
        Command::Deploy(args) => deploy::deploy(&cli, args),
        Command::Status(args) => status::status(&cli, args),
        Command::Undo(args) => deploy::undo(&cli, args),
        Command::History(args) => status::history(&cli, args),
        Command::Cmp(args) => cmp::run(args),
        Command::Completion(args) => completion(args),
        Command::Complete(args) => complete(&cli, args),
        Command::Version => build_info::run(&cli),
        Command::Man { dir } => build_info::man(dir),
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
    // As in the action, TAG_PREFIX=false means no prefix, and it wins over WITH_V.
    let prefix = match (a.tag_prefix.as_deref(), a.with_v) {
        (Some(p), _) if !p.is_empty() && p != "false" => Some(p.to_string()),
        (_, true) => Some("v".to_string()),
        _ => None,
    };
    let initial = a
        .initial_version
        .strip_prefix('v')
        .unwrap_or(&a.initial_version);
    semver::Version::parse(initial)
        .map_err(|e| setting_err("INITIAL_VERSION", &a.initial_version, &e.to_string()))?;
    Ok(Settings {
        default_bump: Part::parse("DEFAULT_BUMP", &a.default_bump)?,
        prefix,
        // Entries as written: the action neither trims nor drops them.
        release_branches: a.release_branches.split(',').map(str::to_string).collect(),
        initial_version: a.initial_version.clone(),
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

/// Gathers refs and messages from git the way github-tag-action does and computes the
/// next version. `default_branch` is for `BRANCH_HISTORY=full`.
pub fn compute_bump(
    repo: &Repo,
    settings: &Settings,
    default_branch: Option<&str>,
) -> Result<version::Outcome, CmdError> {
    let patterns = version::TagPatterns::new(settings)?;
    let branch = repo.current_branch()?;
    let head = repo.head()?;
    // The action's own listings, so the order is git's (version sort, commit dates).
    let refs = match settings.tag_context {
        TagContext::Repo => repo.refs_version_sorted()?,
        TagContext::Branch => repo.tags_merged_newest_first()?,
    };
    let prerelease_branch = version::is_prerelease(settings, &branch);
    let (tag, pre_tag) = version::previous_tags(settings, &patterns, &refs, prerelease_branch);
    let tag_commit = repo.commit_of(&tag);
    let head_is_tagged = head.is_some() && tag_commit == head;
    let pre_tag_is_head = prerelease_branch
        && head.is_some()
        && pre_tag.as_deref().and_then(|p| repo.commit_of(p)) == head;
    // Messages are read after the "HEAD is already tagged" exit, as in the action (whose
    // search for the default branch can fail).
    let stops_early = head_is_tagged && !settings.force_without_changes;
    let messages = match (head.is_some() && !stops_early, settings.branch_history) {
        (false, _) => Vec::new(),
        (true, BranchHistory::Last) => repo.head_message()?,
        (true, BranchHistory::Full) => {
            let base = match default_branch {
                Some(b) => b.to_string(),
                None => remote_default_branch(repo)?,
            };
            let range = format!("{base}..HEAD");
            // The action ignores a failing `git log` here and counts no message.
            repo.messages(&range).unwrap_or_else(|e| {
                eprintln!("warning: {e}; no commit message counts (as in github-tag-action)");
                Vec::new()
            })
        }
        (true, BranchHistory::Compare) => match &tag_commit {
            Some(c) => repo.messages(&format!("{c}..HEAD"))?,
            // Deliberate: with no previous tag every commit counts (the action reads none).
            None => repo.messages("HEAD")?,
        },
    };
    let history = version::History {
        branch,
        tag,
        head_is_tagged,
        pre_tag,
        pre_tag_is_head,
        messages,
    };
    Ok(version::next(settings, &history)?)
}

/// The default branch when none is given, found as the action finds it: the part after
/// the first `/` of the remote-tracking branches named `master` or `main` (several
/// matches make a range git refuses, as in the action).
fn remote_default_branch(repo: &Repo) -> Result<String, CmdError> {
    let names: Vec<String> = repo
        .run(&["branch", "-rl", "*/master", "*/main"])?
        .lines()
        .map(|l| l.trim().split('/').nth(1).unwrap_or("").to_string())
        .collect();
    if names.is_empty() {
        return Err(setting_err(
            "DEFAULT_BRANCH",
            "",
            "BRANCH_HISTORY=full needs the default branch: set DEFAULT_BRANCH (no remote-tracking master or main was found)",
        ));
    }
    Ok(names.join("\n"))
}

fn bump(cli: &Cli, a: &BumpArgs) -> Result<i32, CmdError> {
    let settings = bump_settings(a)?;
    let dir = std::env::current_dir()?.join(&a.source);
    let repo = Repo::open(&dir)?;
    // The action's DEFAULT_BRANCH defaults to GITHUB_BASE_REF (set on pull requests).
    let default_branch = a
        .default_branch
        .clone()
        .filter(|b| !b.is_empty())
        .or_else(|| {
            std::env::var("GITHUB_BASE_REF")
                .ok()
                .filter(|b| !b.is_empty())
        });
    let outcome = compute_bump(&repo, &settings, default_branch.as_deref())?;
    if outcome.create && !a.dry_run {
        repo.create_tag(&outcome.new_tag, a.message.as_deref())?;
        if a.push {
            repo.push_tag(&a.remote, &outcome.new_tag)?;
        }
    }
    // The outputs the action writes: `part` and `old_tag` only when it computed them.
    let mut lines = format!("new_tag={}\ntag={}\n", outcome.new_tag, outcome.tag);
    for (key, value) in [("part", &outcome.part), ("old_tag", &outcome.old_tag)] {
        if let Some(v) = value {
            lines.push_str(&format!("{key}={v}\n"));
        }
    }
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
        _ => out.write_all(lines.as_bytes())?,
    }
    Ok(exit::OK)
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CmdError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn set_image(cli: &Cli, a: &SetImageArgs) -> Result<i32, CmdError> {
    set_image_impl(cli, a, false)?;
    Ok(exit::OK)
}

/// A write-back commit, for `deploy --write-back` to revert when the release is undone.
pub(crate) struct Committed {
    pub repo: crate::git::Repo,
    pub sha: String,
    /// (remote, branch) when pushed.
    pub pushed: Option<(String, String)>,
}

/// `set-image`; `quiet` skips printing the diff/patch (used by `deploy --write-back`).
pub(crate) fn set_image_impl(
    cli: &Cli,
    a: &SetImageArgs,
    quiet: bool,
) -> Result<Option<Committed>, CmdError> {
    let cwd = std::env::current_dir()?;
    let loaded = config::Loaded::find(cli.global.repo.as_deref(), &cwd)?;
    let env = loaded.env(&a.env)?.clone();
    let overlay = loaded.overlay_dir(&a.env)?;
    ImageRef::parse(&a.image)?;
    let name = crate::image::name_of(&a.image).to_string();

    // The image must be one the environment runs.
    let before_docs = render::render(&DiskFs, &overlay)?;
    let running: Vec<String> = crate::image::rendered_images(&before_docs)
        .into_iter()
        .filter(|i| crate::image::name_of(i) == name)
        .collect();
    if running.is_empty() {
        return Err(CmdError::Usage(format!(
            "image {name} is not used by any workload of environment {:?}; images there: {}",
            a.env,
            crate::image::rendered_images(&before_docs)
                .iter()
                .map(|i| crate::image::name_of(i).to_string())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }

    let target = if a.resolve {
        let configured = env.images.iter().find(|i| i.name == name);
        let policy_text = a
            .policy
            .clone()
            .or_else(|| configured.map(|c| c.policy.clone()))
            .ok_or_else(|| {
                CmdError::Usage(format!(
                    "no policy for {name} in environment {:?}; add it under `images:` in kubectl-release.yaml or pass --policy",
                    a.env
                ))
            })?;
        let policy = Policy::parse(
            &policy_text,
            configured.and_then(|c| c.allow_tags.as_deref()),
            configured.map(|c| c.ignore_tags.as_slice()).unwrap_or(&[]),
        )?;
        let image = ImageRef::parse(&name)?;
        let client = registry::Client::new(registry::Options {
            insecure: a.insecure_registry.clone(),
            ..registry::Options::default()
        })?;
        let current = running
            .iter()
            .find_map(|i| crate::image::tag_of(i))
            .map(str::to_string);
        let rt = runtime()?;
        rt.block_on(async {
            let tags = client.list_tags(&image).await?;
            let chosen = policy.select(&name, current.as_deref(), &tags)?;
            Ok::<Target, CmdError>(match &policy.strategy {
                Strategy::Track(t) => Target::Digest(client.resolve_digest(&image, t).await?),
                _ => Target::Tag(chosen),
            })
        })?
    } else if let Some((_, d)) = a.image.split_once('@') {
        Target::Digest(d.to_string())
    } else if let Some(t) = crate::image::tag_of(&a.image) {
        Target::Tag(t.to_string())
    } else {
        return Err(CmdError::Usage(format!(
            "{} has no tag or digest; give IMAGE as REPO:TAG or REPO@sha256:..., or use --resolve",
            a.image
        )));
    };
    if let Target::Tag(t) = &target
        && (t.is_empty()
            || t.len() > 128
            || !t
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)))
    {
        return Err(CmdError::Usage(format!(
            "invalid tag {t:?}: tags hold letters, digits, '_', '.' and '-' (at most 128)"
        )));
    }
    if let Target::Digest(d) = &target
        && (!d.starts_with("sha256:")
            || d.len() != 71
            || !d[7..].chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(CmdError::Usage(format!(
            "invalid digest {d:?}: expected sha256:<64 hex digits>"
        )));
    }

    let edit = find_edit(&overlay, &name, &target)?;
    let label = edit
        .file
        .strip_prefix(&loaded.root)
        .unwrap_or(&edit.file)
        .display()
        .to_string();
    let forward = crate::patch::guarded(&edit.changes);
    let inverse = crate::patch::guarded(&crate::patch::inverse(&edit.changes));
    let record = serde_json::json!({
        "env": a.env, "image": name, "old": edit.old_ref, "new": edit.new_ref,
        "file": label, "document": edit.doc, "patch": forward, "inverse": inverse,
    });
    let print_result = |diff: &str| -> Result<(), CmdError> {
        let mut out = std::io::stdout().lock();
        match cli.global.output {
            Output::Patch => {
                out.write_all(
                    serde_json::to_string_pretty(&forward)
                        .unwrap_or_default()
                        .as_bytes(),
                )?;
                out.write_all(b"\n")?;
            }
            Output::Json => {
                out.write_all(
                    serde_json::to_string_pretty(&record)
                        .unwrap_or_default()
                        .as_bytes(),
                )?;
                out.write_all(b"\n")?;
            }
            Output::Yaml => out.write_all(diff.as_bytes())?,
        }
        Ok(())
    };
    if edit.changes.is_empty() {
        eprintln!(
            "{}: {name} is already {} ({label}); nothing to do",
            a.env, edit.new_ref
        );
        return Ok(None);
    }
    let diff = gitops::unified_diff(&edit, &label);
    if a.dry_run {
        eprintln!(
            "{}: would set {} -> {} in {label} (dry run; nothing written)",
            a.env, edit.old_ref, edit.new_ref
        );
        if !quiet {
            print_result(&diff)?;
        }
        return Ok(None);
    }

    let commit = a.commit || a.push || env.git.commit;
    let push = a.push || (commit && env.git.push);
    let repo = match crate::git::Repo::open(&loaded.root) {
        Ok(r) => Some(r),
        Err(e) if commit => return Err(e.into()),
        Err(_) => None,
    };
    if let Some(r) = &repo
        && !a.allow_dirty
        && r.is_dirty()?
    {
        return Err(CmdError::Usage(format!(
            "the working tree of {} has uncommitted changes; commit or stash them, or pass --allow-dirty",
            r.root.display()
        )));
    }

    gitops::write_atomic(&edit.file, &edit.after)?;
    // Check the result renders and carries the new image; otherwise put the file back.
    let verify = render::render(&DiskFs, &overlay).map_err(CmdError::from).and_then(|docs| {
        if crate::image::rendered_images(&docs).iter().any(|i| *i == edit.new_ref || i.ends_with(&edit.new_ref)) {
            Ok(())
        } else {
            Err(CmdError::Usage(format!(
                "after the edit {} still does not render {}; the overlay sets the image somewhere else (a patch in a base?)",
                a.env, edit.new_ref
            )))
        }
    });
    if let Err(e) = verify {
        gitops::write_atomic(&edit.file, &edit.before)?;
        return Err(e);
    }
    eprintln!("{}: {} -> {} ({label})", a.env, edit.old_ref, edit.new_ref);

    let mut committed = None;
    if let (true, Some(r)) = (commit, &repo) {
        let mut message = env.git.message(&a.env, &name, &edit.old_ref, &edit.new_ref);
        message.push_str(&format!(
            "\n\nKubectl-Release-Env: {}\nKubectl-Release-File: {label}\nKubectl-Release-Patch: {}\nKubectl-Release-Inverse: {}\n",
            a.env,
            serde_json::to_string(&forward).unwrap_or_default(),
            serde_json::to_string(&inverse).unwrap_or_default()
        ));
        let undo_file = |r: &crate::git::Repo| {
            let _ = r.run(&["reset", "-q", "--", &edit.file.display().to_string()]);
            gitops::write_atomic(&edit.file, &edit.before)
        };
        let sha = match r.commit_files(&[edit.file.as_path()], &message) {
            Ok(s) => s,
            Err(e) => {
                undo_file(r)?;
                return Err(e.into());
            }
        };
        eprintln!("committed {}", &sha[..sha.len().min(12)]);
        if push {
            let branch = match &env.git.branch {
                Some(b) => b.clone(),
                None => r.current_branch()?,
            };
            if let Err(e) = r.push_with_rebase(&env.git.remote, &branch, 3) {
                // Nothing half done: drop our commit (only ours) and restore the file.
                if r.head()?.as_deref() == Some(sha.as_str()) {
                    r.run(&["reset", "-q", "--soft", "HEAD~1"])?;
                    undo_file(r)?;
                }
                return Err(e.into());
            }
            eprintln!("pushed to {}/{branch}", env.git.remote);
            committed = Some(Committed {
                repo: r.clone(),
                sha,
                pushed: Some((env.git.remote.clone(), branch)),
            });
        } else {
            committed = Some(Committed {
                repo: r.clone(),
                sha,
                pushed: None,
            });
        }
    }
    if !quiet {
        print_result(&diff)?;
    }
    Ok(committed)
}

/// Where to change the image: the overlay's `images:` entry, else `image:` fields in
/// the overlay's own files, else a new `images:` entry.
fn find_edit(overlay: &Path, name: &str, target: &Target) -> Result<FileEdit, CmdError> {
    let kfile = render::kustomization::FILE_NAMES
        .iter()
        .map(|n| overlay.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| RenderError::NoKustomization {
            dir: overlay.display().to_string(),
        })?;
    let ktext = std::fs::read_to_string(&kfile)?;
    if let Some(e) = gitops::edit_kustomization_images(&ktext, &kfile, name, target, false)? {
        return Ok(e);
    }
    let k = render::kustomization::Kustomization::parse(&ktext, &kfile.display().to_string())
        .map_err(RenderError::from)?;
    let mut own: Vec<PathBuf> = k
        .resources
        .iter()
        .map(|r| overlay.join(r))
        .filter(|p| p.is_file())
        .collect();
    for p in k.patches.iter().chain(k.patches_json6902.iter()) {
        if let render::kustomization::PatchSource::Path(f) = &p.source {
            own.push(overlay.join(f));
        }
    }
    for p in &k.patches_strategic_merge {
        if let render::kustomization::PatchSource::Path(f) = p {
            own.push(overlay.join(f));
        }
    }
    for f in own {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        if let Some(e) = gitops::edit_image_fields(&text, &f, name, target)? {
            return Ok(e);
        }
    }
    gitops::edit_kustomization_images(&ktext, &kfile, name, target, true)?.ok_or_else(|| {
        CmdError::Usage(format!(
            "cannot add an images entry for {name} to {}",
            kfile.display()
        ))
    })
}

/// The top kustomization's namePrefix and nameSuffix, which make names differ between environments.
fn prefix_suffix_of(dir: &Path) -> Result<(String, String, String), CmdError> {
    let (k, _) = render::build::Builder::new(&DiskFs, dir).load(dir)?;
    Ok((
        k.name_prefix.unwrap_or_default(),
        k.name_suffix.unwrap_or_default(),
        k.namespace.unwrap_or_default(),
    ))
}

fn diff_cmd(cli: &Cli, a: &DiffArgs) -> Result<i32, CmdError> {
    match (&a.env, &a.other) {
        (Some(env), Some(other)) => env_diff(cli, a, env, other),
        _ => live_diff(cli, a),
    }
}

fn env_diff(cli: &Cli, a: &DiffArgs, env: &str, other: &str) -> Result<i32, CmdError> {
    let cwd = std::env::current_dir()?;
    let loaded = config::Loaded::find(cli.global.repo.as_deref(), &cwd)?;
    let (da, db) = (loaded.overlay_dir(env)?, loaded.overlay_dir(other)?);
    let (left, right) = (render::render(&DiskFs, &da)?, render::render(&DiskFs, &db)?);
    let ((pa, sa, na), (pb, sb, nb)) = (prefix_suffix_of(&da)?, prefix_suffix_of(&db)?);
    let diffs = crate::diff::env_diff(
        &crate::diff::Side {
            label: env,
            docs: &left,
            prefix: &pa,
            suffix: &sa,
            namespace: &na,
        },
        &crate::diff::Side {
            label: other,
            docs: &right,
            prefix: &pb,
            suffix: &sb,
            namespace: &nb,
        },
    );
    let changed = diffs.iter().any(|d| d.op != crate::diff::Op::Noop);
    let text = match cli.global.output {
        Output::Json => {
            let v =
                serde_json::json!({"from": env, "to": other, "changed": changed, "objects": diffs});
            json_text(&v)
        }
        _ => diff_text(&diffs, a.show_unchanged),
    };
    write_stdout(&text)?;
    Ok(if changed { exit::CHANGES } else { exit::OK })
}

/// Cobra's `__complete` protocol, which kubectl uses for plugins: one candidate
/// per line, then `:<directive>` (4 = do not complete file names).
fn complete(cli: &Cli, a: &crate::cli::CompleteArgs) -> Result<i32, CmdError> {
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

/// `diff ENV` / `diff -k DIR`: rendered against live, by server-side apply dry-run.
fn live_diff(cli: &Cli, a: &DiffArgs) -> Result<i32, CmdError> {
    use crate::cluster::{Cluster, Target, live};
    let g = &cli.global;
    let (dir, env_name, env_cluster) = match (&a.kustomize, &a.env) {
        (Some(dir), _) => (dir.clone(), None, config::Cluster::default()),
        (None, Some(env)) => {
            let cwd = std::env::current_dir()?;
            let loaded = config::Loaded::find(g.repo.as_deref(), &cwd)?;
            let cluster = loaded.env(env)?.cluster.clone();
            (loaded.overlay_dir(env)?, Some(env.clone()), cluster)
        }
        (None, None) => {
            return Err(CmdError::Usage(
                "diff needs ENV, ENV OTHER or -k DIR".to_string(),
            ));
        }
    };
    let docs = render::render(&DiskFs, &dir)?;
    // The environment's cluster settings apply unless the flags say otherwise.
    let target = Target {
        kubeconfig: g.kubeconfig.clone(),
        context: g.context.clone().or(env_cluster.context),
        namespace: g.namespace.clone().or(env_cluster.namespace),
    };
    let opts = live::Options {
        field_manager: a.field_manager.clone(),
        owner: env_name.clone(),
        concurrency: usize::from(a.concurrency),
    };
    let outcome = runtime()?.block_on(async {
        let cluster = Cluster::connect(&target).await?;
        let outcome = live::compare(&cluster, &docs, &opts).await?;
        Ok::<_, CmdError>((cluster.context, outcome))
    });
    let (context, outcome) = outcome?;
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let diffs = crate::diff::live_diff(&outcome.pairs);
    let changed = diffs.iter().any(|d| d.op != crate::diff::Op::Noop);
    let text = match g.output {
        Output::Json => {
            let v = serde_json::json!({
                "env": env_name,
                "kustomize": a.kustomize.as_ref().map(|d| d.display().to_string()),
                "context": context,
                "changed": changed,
                "objects": diffs,
            });
            json_text(&v)
        }
        _ => diff_text(&diffs, a.show_unchanged),
    };
    write_stdout(&text)?;
    Ok(if changed { exit::CHANGES } else { exit::OK })
}

/// The change table, then (when anything changed) the unified diff, coloured on a terminal.
fn diff_text(diffs: &[crate::diff::ObjectDiff], show_unchanged: bool) -> String {
    use std::io::IsTerminal;
    let color = crate::diff::use_color(std::io::stdout().is_terminal());
    let mut text = crate::diff::table(diffs, show_unchanged);
    if diffs.iter().any(|d| d.op != crate::diff::Op::Noop) {
        text.push('\n');
        text.push_str(&crate::diff::unified(diffs, color));
    }
    text
}

fn json_text(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// One write of the whole result: an error before it leaves stdout empty.
fn write_stdout(text: &str) -> Result<(), CmdError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
