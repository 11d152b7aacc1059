//! The next version tag from the repository's history: git's listings in, [`version::next`] out.
//!
//! The rules are in [`super::version`] (pure); this gathers refs and messages
//! exactly as github-tag-action's script does.

use super::git::{GitError, Repo};
use super::version::{self, BranchHistory, TagContext, VersionError};

#[derive(Debug, thiserror::Error)]
pub enum BumpError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Version(#[from] VersionError),
    #[error(
        "BRANCH_HISTORY=full needs the default branch: set DEFAULT_BRANCH (no remote-tracking master or main was found)"
    )]
    NoDefaultBranch,
}

/// The settings of a bump (github-tag-action's variables).
pub use version::Settings;

pub fn compute(
    repo: &Repo,
    settings: &Settings,
    default_branch: Option<&str>,
) -> Result<version::Outcome, BumpError> {
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
fn remote_default_branch(repo: &Repo) -> Result<String, BumpError> {
    let names: Vec<String> = repo
        .run(&["branch", "-rl", "*/master", "*/main"])?
        .lines()
        .map(|l| l.trim().split('/').nth(1).unwrap_or("").to_string())
        .collect();
    if names.is_empty() {
        return Err(BumpError::NoDefaultBranch);
    }
    Ok(names.join("\n"))
}
