//! The prod release through Argo CD: the change goes in as a commit, Argo CD syncs it now, the undo is a revert.
//!
//! A [`crate::release::Delivery`] for the release engine, so locking, records,
//! the gates and the watch are the engine's: this adds the git and Argo CD steps.
//!
//! - deliver: write the image into the overlay (the guarded byte-exact
//!   write-back), commit, push (rebase and retry, never force); refresh the
//!   Application and wait until it synced exactly that revision (or one that
//!   contains it), saying where it is while waiting. If it does not sync in time
//!   the commit is reverted and pushed, so nothing is left half done.
//! - take back: `git revert` of the release commit only, with the failed tag
//!   pinned out of the release config in the same commit, pushed; optionally the
//!   live workloads get the inverse patch at once while it travels (the revert
//!   is pushed and Argo CD asked to refresh first, so self-heal converges on the
//!   same state instead of fighting it); then wait until Argo CD synced the revert.
//! - check: Argo CD's own health of the Application (Degraded fails the release).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use super::app::{self, AppError, AppRef, SyncProgress};
use crate::cluster::Cluster;
use crate::image::Target;
use crate::release::event::{Event, Observer};
use crate::release::gates::GateFailure;
use crate::release::record::{ArgoNote, GitNote};
use crate::release::{
    Cancellation, Cause, Delivery, Notes, Planned, RecordNotes, ReleaseError, TakenBack,
    apply_inverse,
};
use crate::repo::config::Loaded;
use crate::repo::git::{GitError, Repo};
use crate::repo::overlay;
use crate::repo::writeback::{self, WriteBackError};

#[derive(Debug, thiserror::Error)]
pub enum ArgoReleaseError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    WriteBack(#[from] WriteBackError),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("{file}: {message}")]
    Config { file: String, message: String },
    #[error(
        "Argo CD did not sync {revision} of Application {app} within {secs}s (it is {now}); {what}"
    )]
    SyncTimeout {
        app: String,
        revision: String,
        secs: u64,
        now: String,
        what: String,
    },
    #[error("Argo CD failed to sync {revision} of Application {app}: {message}; {what}")]
    SyncFailed {
        app: String,
        revision: String,
        message: String,
        what: String,
    },
    #[error(
        "interrupted while waiting for Argo CD to sync {revision} of Application {app}; {what}"
    )]
    Interrupted {
        app: String,
        revision: String,
        what: String,
    },
    #[error("nothing to take back: {0}")]
    NothingToTakeBack(String),
}

impl From<ArgoReleaseError> for ReleaseError {
    fn from(e: ArgoReleaseError) -> Self {
        ReleaseError::Delivery(Box::new(e))
    }
}

/// What the release changes in git.
#[derive(Debug, Clone)]
pub enum Change {
    /// Set image `name` to `target` in the environment's overlay.
    SetImage { name: String, target: Target },
    /// Revert a release commit (`undo` of a release that went through git).
    Revert { commit: String },
}

/// A release through git and Argo CD.
pub struct ArgoDelivery<'a> {
    pub loaded: &'a Loaded,
    pub env: String,
    pub app: AppRef,
    pub change: Change,
    /// Apply the inverse patch live at once when a gate fails, while the revert travels.
    pub undo_live_first: bool,
    /// How long Argo CD may take to sync a pushed revision.
    pub sync_timeout: Duration,
    pub allow_dirty: bool,
    /// The commit pushed by `deliver`, for `take_back`.
    pushed: Mutex<Option<(Repo, String)>>,
}

impl<'a> ArgoDelivery<'a> {
    pub fn new(loaded: &'a Loaded, env: &str, app: AppRef, change: Change) -> Self {
        ArgoDelivery {
            loaded,
            env: env.to_string(),
            app,
            change,
            undo_live_first: false,
            sync_timeout: Duration::from_secs(120),
            allow_dirty: false,
            pushed: Mutex::new(None),
        }
    }

    fn remote_branch(&self, repo: &Repo) -> Result<(String, String), ArgoReleaseError> {
        let env = self
            .loaded
            .env(&self.env)
            .map_err(|e| ArgoReleaseError::Config {
                file: crate::render::fs::shown(&self.loaded.file),
                message: e.to_string(),
            })?;
        let branch = match &env.git.branch {
            Some(b) => b.clone(),
            None => repo.current_branch()?,
        };
        Ok((env.git.remote.clone(), branch))
    }

    /// Reverts `commit` (only it), pinning `pin` out of the release config in the
    /// same commit, and pushes; returns the revert commit as pushed.
    fn revert(
        &self,
        repo: &Repo,
        commit: &str,
        pin: Option<&str>,
        why: &str,
    ) -> Result<String, ArgoReleaseError> {
        let (remote, branch) = self.remote_branch(repo)?;
        let subject = repo.subject(commit)?;
        if let Err(e) = repo.run(&["revert", "--no-commit", commit]) {
            let _ = repo.run(&["revert", "--abort"]);
            return Err(e.into());
        }
        let mut pinned = None;
        if let (Some(tag), Change::SetImage { name, .. }) = (pin, &self.change) {
            let file = &self.loaded.file;
            let text = std::fs::read_to_string(file).map_err(|e| ArgoReleaseError::Config {
                file: crate::render::fs::shown(file),
                message: e.to_string(),
            })?;
            let note = format!(
                "pinned out by kubectl-release {}: {tag} failed its gates",
                crate::release::record::now()
            );
            let shown = crate::render::fs::shown(file);
            match overlay::pin_out(&text, &shown, &self.env, name, tag, &note) {
                Ok(Some(after)) => {
                    overlay::write_atomic(file, &after).map_err(|e| ArgoReleaseError::Config {
                        file: shown.clone(),
                        message: e.to_string(),
                    })?;
                    repo.run(&["add", "--", &file.display().to_string()])?;
                    pinned = Some(tag.to_string());
                }
                Ok(None) => {}
                Err(e) => {
                    let _ = repo.run(&["revert", "--abort"]);
                    return Err(ArgoReleaseError::Config {
                        file: shown,
                        message: e.to_string(),
                    });
                }
            }
        }
        let mut message = format!(
            "Revert \"{subject}\"\n\nThis reverts commit {commit}.\n\nkubectl-release: {why}\n"
        );
        if let Some(tag) = &pinned {
            message.push_str(&format!("Kubectl-Release-Pinned-Out: {tag}\n"));
        }
        let revert = match repo.commit_staged(&message) {
            Ok(sha) => sha,
            Err(e) => {
                let _ = repo.run(&["revert", "--abort"]);
                return Err(e.into());
            }
        };
        if let Err(e) = repo.push_with_rebase(&remote, &branch, 3) {
            // The revert stays committed locally: pushing it by hand finishes the undo.
            return Err(ArgoReleaseError::Git(GitError::Failed {
                args: format!("push {remote} {branch}"),
                message: format!(
                    "{e}; the revert {} is committed locally: push it to finish the undo",
                    &revert[..revert.len().min(12)]
                ),
            }));
        }
        Ok(repo.head()?.unwrap_or(revert))
    }

    /// Refreshes the Application and waits until it synced `revision` (or a later
    /// commit that contains it); the revision it synced.
    async fn wait_synced(
        &self,
        c: &Cluster,
        repo: &Repo,
        revision: &str,
        obs: &dyn Observer,
        cancel: &Cancellation,
    ) -> Result<String, WaitError> {
        let started = Instant::now();
        app::refresh(c, &self.app).await?;
        let first = app::get(c, &self.app).await?;
        if !first.automated {
            app::sync(c, &self.app, revision).await?;
        }
        let mut said = String::new();
        let mut fetched_for: Option<String> = None;
        loop {
            let st = app::get(c, &self.app).await?;
            match st.progress_to(revision) {
                SyncProgress::Synced => {
                    self.synced(obs, revision, started);
                    return Ok(revision.to_string());
                }
                SyncProgress::Failed(m) => return Err(WaitError::Failed(m)),
                SyncProgress::Waiting => {}
            }
            // Someone pushed after us and Argo CD went straight to their commit.
            if let (Some("Succeeded"), Some(r)) =
                (st.op_phase.as_deref(), st.op_revision.as_deref())
                && r != revision
                && st.sync_status == "Synced"
                && st.sync_revision.as_deref() == Some(r)
            {
                if fetched_for.as_deref() != Some(r) {
                    let (remote, _) = self.remote_branch(repo).map_err(WaitError::Other)?;
                    let _ = repo.run(&["fetch", "-q", &remote]);
                    fetched_for = Some(r.to_string());
                }
                if repo.is_ancestor(revision, r) {
                    self.synced(obs, r, started);
                    return Ok(r.to_string());
                }
            }
            let state = match st.comparison_error() {
                Some(m) => format!("{}; ComparisonError: {m}", st.describe()),
                None => st.describe(),
            };
            if state != said {
                obs.event(&Event::ArgoWaiting {
                    application: self.app.to_string(),
                    revision: revision.to_string(),
                    state: state.clone(),
                });
                said = state;
            }
            if started.elapsed() > self.sync_timeout {
                return Err(WaitError::Timeout(st.describe()));
            }
            tokio::select! {
                _ = cancel.requested() => return Err(WaitError::Interrupted),
                _ = tokio::time::sleep(Duration::from_millis(200)) => {}
            }
        }
    }

    fn synced(&self, obs: &dyn Observer, revision: &str, started: Instant) {
        obs.event(&Event::ArgoSynced {
            application: self.app.to_string(),
            revision: revision.to_string(),
            millis: started.elapsed().as_millis() as u64,
        });
    }

    async fn deliver_inner(
        &self,
        c: &Cluster,
        record: &RecordNotes<'_>,
        obs: &dyn Observer,
        cancel: &Cancellation,
    ) -> Result<Notes, ArgoReleaseError> {
        let repo = Repo::open(&self.loaded.root)?;
        let (remote, branch) = self.remote_branch(&repo)?;
        let to = format!("{remote}/{branch}");
        let (commit, reverts) = match &self.change {
            Change::SetImage { name, target } => {
                let edit = writeback::plan(self.loaded, &self.env, name, target)?;
                if edit.is_noop() {
                    // Git already says so (the cluster lags): let Argo CD sync what is there.
                    (repo.head()?.unwrap_or_default(), None)
                } else {
                    let committed = writeback::write(
                        self.loaded,
                        &edit,
                        writeback::Options {
                            commit: true,
                            push: true,
                            allow_dirty: self.allow_dirty,
                        },
                    )?
                    .ok_or_else(|| ArgoReleaseError::Config {
                        file: crate::render::fs::shown(&self.loaded.file),
                        message: "the write-back made no commit".into(),
                    })?;
                    (committed.sha, None)
                }
            }
            Change::Revert { commit } => {
                let revert = self.revert(&repo, commit, None, "undo")?;
                (revert, Some(commit.clone()))
            }
        };
        obs.event(&Event::GitPushed {
            commit: commit.clone(),
            to: to.clone(),
            reverts: reverts.clone(),
            pinned_out: None,
        });
        if let Ok(mut p) = self.pushed.lock() {
            *p = Some((repo.clone(), commit.clone()));
        }
        // In the records at once: a run that dies while Argo CD syncs still leaves
        // the commit for `undo` to revert.
        record
            .add(Notes {
                git: Some(GitNote {
                    commit: commit.clone(),
                    pushed_to: Some(to.clone()),
                    revert: None,
                    pinned_out: None,
                }),
                argocd: Some(ArgoNote {
                    application: self.app.to_string(),
                    synced: None,
                    revert_synced: None,
                }),
            })
            .await
            .map_err(|e| ArgoReleaseError::Config {
                file: "the release records".into(),
                message: e.to_string(),
            })?;
        match self.wait_synced(c, &repo, &commit, obs, cancel).await {
            Ok(synced) => Ok(Notes {
                git: Some(GitNote {
                    commit: commit.clone(),
                    pushed_to: Some(to),
                    revert: None,
                    pinned_out: None,
                }),
                argocd: Some(ArgoNote {
                    application: self.app.to_string(),
                    synced: Some(synced),
                    revert_synced: None,
                }),
            }),
            Err(WaitError::Other(e)) => Err(e),
            Err(w) => {
                // Nothing half done: the commit Argo CD did not take is reverted in git.
                let what = match &self.change {
                    Change::SetImage { .. } => {
                        match self.revert(&repo, &commit, None, &w.to_string()) {
                            Ok(r) => {
                                obs.event(&Event::GitPushed {
                                    commit: r.clone(),
                                    to,
                                    reverts: Some(commit.clone()),
                                    pinned_out: None,
                                });
                                format!(
                                    "the release commit {} was reverted ({} pushed), so git says again what ran",
                                    &commit[..commit.len().min(12)],
                                    &r[..r.len().min(12)]
                                )
                            }
                            Err(e) => format!(
                                "reverting the release commit {} failed too ({e}): revert it by hand",
                                &commit[..commit.len().min(12)]
                            ),
                        }
                    }
                    Change::Revert { .. } => format!(
                        "the revert {} is pushed; Argo CD will sync it when it runs again",
                        &commit[..commit.len().min(12)]
                    ),
                };
                Err(w.into_error(&self.app, &commit, self.sync_timeout, what))
            }
        }
    }

    async fn take_back_inner(
        &self,
        c: &Cluster,
        plans: &[Planned],
        cause: &Cause,
        record: &RecordNotes<'_>,
        obs: &dyn Observer,
        cancel: &Cancellation,
    ) -> Result<TakenBack, ArgoReleaseError> {
        let (repo, commit) = self
            .pushed
            .lock()
            .ok()
            .and_then(|p| p.clone())
            .ok_or_else(|| ArgoReleaseError::NothingToTakeBack("no commit was pushed".into()))?;
        if matches!(self.change, Change::Revert { .. }) {
            return Err(ArgoReleaseError::NothingToTakeBack(
                "an undo is never undone".into(),
            ));
        }
        // Pin out the tag that failed its gates (not for an interruption).
        let pin = match cause {
            Cause::Gate { .. } => plans
                .first()
                .and_then(|p| p.new_image())
                .filter(|i| crate::image::digest_of(i).is_none())
                .and_then(crate::image::tag_of)
                .map(str::to_string),
            _ => None,
        };
        let revert = self.revert(&repo, &commit, pin.as_deref(), &cause.to_string())?;
        let (remote, branch) = self.remote_branch(&repo)?;
        obs.event(&Event::GitPushed {
            commit: revert.clone(),
            to: format!("{remote}/{branch}"),
            reverts: Some(commit.clone()),
            pinned_out: pin.clone(),
        });
        record
            .add(Notes {
                git: Some(GitNote {
                    commit: String::new(),
                    pushed_to: None,
                    revert: Some(revert.clone()),
                    pinned_out: pin.clone(),
                }),
                argocd: None,
            })
            .await
            .map_err(|e| ArgoReleaseError::Config {
                file: "the release records".into(),
                message: e.to_string(),
            })?;
        let mut refused = Vec::new();
        if self.undo_live_first {
            // The revert is pushed; Argo CD looks at it now, so its self-heal targets
            // the same state as this inverse patch instead of putting the bad one back.
            app::refresh(c, &self.app).await?;
            refused = apply_inverse(c, plans, obs)
                .await
                .map_err(|e| ArgoReleaseError::Config {
                    file: "the live workloads".into(),
                    message: e.to_string(),
                })?;
        }
        // After an interruption the stop request is spent: wait for the revert regardless
        // (bounded by the sync timeout).
        let fresh = Cancellation::new();
        let cancel = match cause {
            Cause::Interrupted { .. } => &fresh,
            _ => cancel,
        };
        let synced = match self.wait_synced(c, &repo, &revert, obs, cancel).await {
            Ok(s) => s,
            Err(WaitError::Other(e)) => return Err(e),
            Err(w) => {
                let what = format!(
                    "the revert {} is pushed; Argo CD will sync it when it runs again",
                    &revert[..revert.len().min(12)]
                );
                return Err(w.into_error(&self.app, &revert, self.sync_timeout, what));
            }
        };
        Ok(TakenBack {
            refused,
            notes: Notes {
                git: Some(GitNote {
                    commit: String::new(),
                    pushed_to: None,
                    revert: Some(revert),
                    pinned_out: pin,
                }),
                argocd: Some(ArgoNote {
                    application: String::new(),
                    synced: None,
                    revert_synced: Some(synced),
                }),
            },
        })
    }
}

/// How waiting for a sync ended without one.
enum WaitError {
    Timeout(String),
    Failed(String),
    Interrupted,
    Other(ArgoReleaseError),
}

impl From<AppError> for WaitError {
    fn from(e: AppError) -> Self {
        WaitError::Other(e.into())
    }
}

impl std::fmt::Display for WaitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaitError::Timeout(now) => write!(f, "Argo CD did not sync it in time ({now})"),
            WaitError::Failed(m) => write!(f, "Argo CD failed to sync it: {m}"),
            WaitError::Interrupted => f.write_str("interrupted"),
            WaitError::Other(e) => write!(f, "{e}"),
        }
    }
}

impl WaitError {
    fn into_error(
        self,
        app: &AppRef,
        revision: &str,
        timeout: Duration,
        what: String,
    ) -> ArgoReleaseError {
        match self {
            WaitError::Timeout(now) => ArgoReleaseError::SyncTimeout {
                app: app.to_string(),
                revision: revision.to_string(),
                secs: timeout.as_secs(),
                now,
                what,
            },
            WaitError::Failed(message) => ArgoReleaseError::SyncFailed {
                app: app.to_string(),
                revision: revision.to_string(),
                message,
                what,
            },
            WaitError::Interrupted => ArgoReleaseError::Interrupted {
                app: app.to_string(),
                revision: revision.to_string(),
                what,
            },
            WaitError::Other(e) => e,
        }
    }
}

impl Delivery for ArgoDelivery<'_> {
    fn deliver<'b>(
        &'b self,
        c: &'b Cluster,
        _plans: &'b [Planned],
        notes: &'b RecordNotes<'b>,
        obs: &'b dyn Observer,
        cancel: &'b Cancellation,
    ) -> BoxFuture<'b, Result<Notes, ReleaseError>> {
        Box::pin(async move { Ok(self.deliver_inner(c, notes, obs, cancel).await?) })
    }

    fn take_back<'b>(
        &'b self,
        c: &'b Cluster,
        plans: &'b [Planned],
        cause: &'b Cause,
        notes: &'b RecordNotes<'b>,
        obs: &'b dyn Observer,
        cancel: &'b Cancellation,
    ) -> BoxFuture<'b, Result<TakenBack, ReleaseError>> {
        Box::pin(async move {
            Ok(self
                .take_back_inner(c, plans, cause, notes, obs, cancel)
                .await?)
        })
    }

    fn check<'b>(&'b self, c: &'b Cluster) -> BoxFuture<'b, Option<GateFailure>> {
        Box::pin(async move {
            let st = app::get(c, &self.app).await.ok()?;
            (st.health == "Degraded").then(|| GateFailure::Argo {
                application: self.app.to_string(),
                health: st.health.clone(),
                message: st
                    .health_message
                    .clone()
                    .unwrap_or_else(|| "no message".into()),
            })
        })
    }
}
