//! Git, through the `git` command line: tags, commit messages, commits and pushes.
//!
//! Thin on purpose: every call is one git command, and failures carry the
//! command and git's own message.

use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{dir} is not inside a git repository; run this from a clone of the GitOps repository")]
    NotARepo { dir: String },
    #[error("git is not installed or not on PATH: {0}")]
    Missing(String),
    #[error("`git {args}` failed: {message}")]
    Failed { args: String, message: String },
}

/// A working tree.
#[derive(Debug, Clone)]
pub struct Repo {
    pub root: PathBuf,
}

impl Repo {
    /// Opens the repository containing `dir`.
    pub fn open(dir: &Path) -> Result<Self, GitError> {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["rev-parse", "--show-toplevel"])
            .output()
            .map_err(|e| GitError::Missing(e.to_string()))?;
        if !out.status.success() {
            return Err(GitError::NotARepo {
                dir: crate::render::fs::shown(dir),
            });
        }
        Ok(Repo {
            root: PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()),
        })
    }

    /// Runs git in the repository and returns its stdout.
    pub fn run(&self, args: &[&str]) -> Result<String, GitError> {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .output()
            .map_err(|e| GitError::Missing(e.to_string()))?;
        if !out.status.success() {
            return Err(GitError::Failed {
                args: args.join(" "),
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The current branch name (`HEAD` when detached).
    pub fn current_branch(&self) -> Result<String, GitError> {
        Ok(self
            .run(&["rev-parse", "--abbrev-ref", "HEAD"])?
            .trim()
            .to_string())
    }

    /// The commit HEAD points at; `None` in a repository without commits.
    pub fn head(&self) -> Result<Option<String>, GitError> {
        match self.run(&["rev-parse", "--verify", "-q", "HEAD"]) {
            Ok(s) => Ok(Some(s.trim().to_string())),
            Err(_) => Ok(None),
        }
    }

    /// Every ref (branches, remote-tracking refs and tags alike) by its name without
    /// the first two components, in git's version order, highest first: github-tag-action's
    /// repo-context listing, `git for-each-ref --sort=-v:refname`.
    pub fn refs_version_sorted(&self) -> Result<Vec<String>, GitError> {
        Ok(self
            .run(&[
                "for-each-ref",
                "--sort=-v:refname",
                "--format=%(refname:lstrip=2)",
            ])?
            .lines()
            .map(str::to_string)
            .collect())
    }

    /// Tags reachable from HEAD, newest commit first.
    pub fn tags_merged_newest_first(&self) -> Result<Vec<String>, GitError> {
        Ok(self
            .run(&["tag", "--list", "--merged", "HEAD", "--sort=-committerdate"])?
            .lines()
            .map(str::to_string)
            .collect())
    }

    /// The commit `rev` names, resolved as `git rev-list -n 1 <rev>` does (a tag, a
    /// branch or a remote-tracking ref); `None` when it names nothing.
    pub fn commit_of(&self, rev: &str) -> Option<String> {
        let out = self.run(&["rev-list", "-n", "1", rev]).ok()?;
        Some(out.trim().to_string()).filter(|c| !c.is_empty())
    }

    /// The full messages of the commits in `range` (a rev-list range such as `v1.2.3..HEAD`).
    pub fn messages(&self, range: &str) -> Result<Vec<String>, GitError> {
        let out = self.run(&["log", "--format=%B%x00", range])?;
        Ok(split_nul(&out))
    }

    /// The message of HEAD only.
    pub fn head_message(&self) -> Result<Vec<String>, GitError> {
        let out = self.run(&["log", "-1", "--format=%B%x00", "HEAD"])?;
        Ok(split_nul(&out))
    }

    /// Creates a tag at HEAD: annotated when a message is given.
    pub fn create_tag(&self, name: &str, message: Option<&str>) -> Result<(), GitError> {
        match message {
            Some(m) => self.run(&["tag", "-a", name, "-m", m])?,
            None => self.run(&["tag", name])?,
        };
        Ok(())
    }

    pub fn push_tag(&self, remote: &str, name: &str) -> Result<(), GitError> {
        self.run(&["push", remote, &format!("refs/tags/{name}")])?;
        Ok(())
    }
}

/// One message per NUL-terminated record (the text after the last NUL is not a record).
impl Repo {
    /// Whether the working tree has uncommitted changes (untracked files included).
    pub fn is_dirty(&self) -> Result<bool, GitError> {
        Ok(!self.run(&["status", "--porcelain"])?.trim().is_empty())
    }

    /// Commits exactly `files` (repository-relative or absolute) with `message`; returns the new commit.
    pub fn commit_files(&self, files: &[&Path], message: &str) -> Result<String, GitError> {
        let mut add: Vec<String> = vec!["add".into(), "--".into()];
        add.extend(files.iter().map(|f| f.display().to_string()));
        let add_refs: Vec<&str> = add.iter().map(String::as_str).collect();
        self.run(&add_refs)?;
        let mut commit: Vec<String> = vec![
            "commit".into(),
            "-q".into(),
            "-m".into(),
            message.to_string(),
            "--".into(),
        ];
        commit.extend(files.iter().map(|f| f.display().to_string()));
        let commit_refs: Vec<&str> = commit.iter().map(String::as_str).collect();
        self.run(&commit_refs)?;
        Ok(self.head()?.unwrap_or_default())
    }

    /// Commits what is staged (after `git revert --no-commit` and `add`); returns HEAD.
    pub fn commit_staged(&self, message: &str) -> Result<String, GitError> {
        self.run(&["commit", "-q", "-m", message])?;
        Ok(self.head()?.unwrap_or_default())
    }

    /// Whether commit `ancestor` is reachable from `descendant` (both must be known locally).
    pub fn is_ancestor(&self, ancestor: &str, descendant: &str) -> bool {
        self.run(&["merge-base", "--is-ancestor", ancestor, descendant])
            .is_ok()
    }

    /// The first line of a commit's message.
    pub fn subject(&self, commit: &str) -> Result<String, GitError> {
        Ok(self
            .run(&["log", "-1", "--format=%s", commit])?
            .trim()
            .to_string())
    }

    /// Pushes HEAD to `remote`/`branch`. A non-fast-forward rejection is fetched,
    /// rebased and retried up to `attempts` times; never forced.
    pub fn push_with_rebase(
        &self,
        remote: &str,
        branch: &str,
        attempts: u32,
    ) -> Result<(), GitError> {
        let refspec = format!("HEAD:refs/heads/{branch}");
        let mut last = String::new();
        for _ in 0..attempts.max(1) {
            match self.run(&["push", "-q", remote, &refspec]) {
                Ok(_) => return Ok(()),
                Err(GitError::Failed { message, .. }) => {
                    let rejected = message.contains("rejected")
                        || message.contains("non-fast-forward")
                        || message.contains("fetch first");
                    last = message;
                    if !rejected {
                        break;
                    }
                    if let Err(e) = self.run(&["pull", "-q", "--rebase", remote, branch]) {
                        let _ = self.run(&["rebase", "--abort"]);
                        return Err(GitError::Failed {
                            args: format!("pull --rebase {remote} {branch}"),
                            message: format!(
                                "{e}; the remote changed the same lines, so the release cannot be rebased"
                            ),
                        });
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(GitError::Failed {
            args: format!("push {remote} {refspec}"),
            message: format!("rejected for good: {last}"),
        })
    }
}

fn split_nul(out: &str) -> Vec<String> {
    let mut parts: Vec<&str> = out.split('\0').collect();
    parts.pop();
    parts
        .into_iter()
        .map(|m| m.trim_start_matches('\n').trim_end().to_string())
        .collect()
}
