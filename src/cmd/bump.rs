//! `bump`: github-tag-action's variables in, the next tag out (and created, pushed).

use std::io::Write;

use super::{CmdError, exit};
use crate::cli::{BumpArgs, Cli, Output};
use crate::repo::git::Repo;
use crate::repo::version::{BranchHistory, Part, Settings, TagContext, Tokens, VersionError};

fn setting_err(name: &'static str, value: &str, reason: &str) -> CmdError {
    CmdError::Version(VersionError::Setting {
        name,
        value: value.to_string(),
        reason: reason.to_string(),
    })
}

/// Turns `bump` flags (and github-tag-action's variables) into [`Settings`].
pub fn settings(a: &BumpArgs) -> Result<Settings, CmdError> {
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

pub fn run(cli: &Cli, a: &BumpArgs) -> Result<i32, CmdError> {
    let settings = settings(a)?;
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
    let outcome = crate::repo::bump::compute(&repo, &settings, default_branch.as_deref())?;
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
