//! The release engine: lock, record, guarded patch, watch behind the gates, undo on failure.
//!
//! One engine behind every front door (the CLI's `deploy` and `undo`, the
//! webhook, the Argo CD mode). A [`Request`] goes in; typed [`Event`]s come out
//! through an [`Observer`] while it works, and an [`Outcome`] at the end.
//! Cancellation (Ctrl-C, SIGTERM) is an input, a [`Cancellation`].
//!
//! Every step is recorded in the workload's release records before it is
//! taken, so a crash never leaves a workload patched without a record; a later
//! run finds the open record and the expired lease of a process that went away.
//!
//! Pure parts live beside it: [`rollout`] (judging a snapshot), [`record`]
//! (release records), [`plan`] (patches and inverses); [`gates`] measures the
//! metric gates; [`watch`] gathers snapshots; the cluster edge is
//! [`crate::cluster`].

pub mod event;
pub mod gates;
pub mod plan;
pub mod record;
pub mod rollout;
pub mod watch;

use std::time::Duration;

use futures::future::BoxFuture;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

pub use event::{Event, Observer, Phase};
pub use gates::{GateFailure, Gates};
pub use plan::Planned;
use record::{Actor, ArgoNote, GitNote, Record, Status, WorkloadRef};

use crate::cluster::lock::{self, Lock};
use crate::cluster::workload::{self, PatchFailure};
use crate::cluster::{Cluster, ClusterError, records};

/// Why a release could not run. A failed gate is not an error: it is an [`Outcome`].
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error(
        "{workload} does not run {image} in the cluster (its images: {}); is the environment synced?",
        live.join(", ")
    )]
    NotRunning {
        workload: WorkloadRef,
        image: String,
        live: Vec<String>,
    },
    /// A `test` op failed: the workload's image is no longer the one planned from.
    #[error(
        "{workload} changed since the release was planned (its image is no longer {expected}){}",
        detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
    )]
    Changed {
        workload: WorkloadRef,
        expected: String,
        detail: Option<String>,
    },
    #[error("{workload}: conflicts kept happening: {message}")]
    Conflicts {
        workload: WorkloadRef,
        message: String,
    },
    #[error("{workload}: undo kept conflicting: {message}")]
    UndoConflicts {
        workload: WorkloadRef,
        message: String,
    },
    #[error("interrupted while waiting for the lease of {workload}")]
    InterruptedWaiting { workload: WorkloadRef },
    /// The delivery failed (git, Argo CD): its own error says what and where.
    #[error(transparent)]
    Delivery(Box<dyn std::error::Error + Send + Sync>),
}

/// What to do when a gate fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// Apply the inverse patches and watch them roll out (the default).
    Undo,
    /// Leave the release in place and report (`--no-undo`, and every undo).
    Leave,
}

/// What to do when cancelled while watching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnInterrupt {
    /// Stop, record the release as interrupted, leave it in place.
    Leave,
    /// Undo it (`--undo-on-interrupt`).
    Undo,
}

/// A release to run.
#[derive(Debug, Clone)]
pub struct Request {
    pub plans: Vec<Planned>,
    /// The environment, for the records.
    pub env: Option<String>,
    pub gates: Gates,
    pub on_failure: OnFailure,
    pub on_interrupt: OnInterrupt,
    /// For an undo: the revision it reverts (recorded as `undoOf`).
    pub undo_of: Option<u64>,
    pub actor: Actor,
}

/// Why a release did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "cause", rename_all = "kebab-case")]
pub enum Cause {
    Gate {
        failure: GateFailure,
    },
    /// Someone else changed a workload's images during the rollout.
    Superseded {
        workload: WorkloadRef,
        images: Vec<String>,
    },
    /// Cancelled while the gates were still deciding (`state` is what it waited for).
    Interrupted {
        state: String,
    },
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cause::Gate { failure } => write!(f, "{failure}"),
            Cause::Superseded { workload, images } => write!(
                f,
                "{workload} no longer runs the released image (now {}): someone else changed it during the rollout",
                images.join(", ")
            ),
            Cause::Interrupted { state } => write!(f, "interrupted while {state}"),
        }
    }
}

/// How watching an undo ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "undo", rename_all = "kebab-case")]
pub enum UndoEnd {
    Healthy,
    Unhealthy { failure: GateFailure },
    Superseded { workload: WorkloadRef },
    Interrupted { state: String },
}

impl std::fmt::Display for UndoEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UndoEnd::Healthy => Ok(()),
            UndoEnd::Unhealthy { failure } => {
                write!(f, "; the undo itself is not healthy: {failure}")
            }
            UndoEnd::Superseded { workload } => {
                write!(f, "; the undo was superseded: {workload} changed again")
            }
            UndoEnd::Interrupted { state } => {
                write!(f, "; interrupted while watching the undo ({state})")
            }
        }
    }
}

/// How a release ended; each front door maps it to its own result (exit codes, metrics).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    Succeeded,
    /// A gate failed and the release was undone.
    RolledBack {
        cause: Cause,
        undo: UndoEnd,
    },
    /// A gate failed and [`OnFailure::Leave`] left it in place.
    Failed {
        cause: Cause,
    },
    /// A gate failed (or the release was superseded) but these workloads changed
    /// since, so they were not undone.
    UndoRefused {
        cause: Cause,
        refused: Vec<WorkloadRef>,
    },
    /// Cancelled and left in place.
    Interrupted {
        state: String,
    },
}

impl Outcome {
    pub fn cause(&self) -> Option<&Cause> {
        match self {
            Outcome::RolledBack { cause, .. }
            | Outcome::Failed { cause }
            | Outcome::UndoRefused { cause, .. } => Some(cause),
            _ => None,
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Succeeded => f.write_str("all gates passed"),
            Outcome::RolledBack { cause, undo } => write!(f, "{cause}{undo}"),
            Outcome::Failed { cause } => write!(f, "{cause}"),
            Outcome::UndoRefused { cause, refused } if refused.is_empty() => {
                write!(f, "{cause}; nothing was undone")
            }
            Outcome::UndoRefused { cause, refused } => write!(
                f,
                "{cause}; not undone because {} changed since the release (someone else edited it): left untouched",
                refused
                    .iter()
                    .map(|w| w.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Outcome::Interrupted { state } => write!(f, "interrupted while {state}"),
        }
    }
}

/// Stopping a release from outside (Ctrl-C, SIGTERM): the first request stops the
/// release (left in place or undone, as [`OnInterrupt`] says); a second one also
/// stops watching that undo.
#[derive(Debug, Clone, Default)]
pub struct Cancellation {
    stop: CancellationToken,
    abort: CancellationToken,
}

impl Cancellation {
    pub fn new() -> Self {
        Self::default()
    }

    /// One more request to stop; see the type.
    pub fn request(&self) {
        if self.stop.is_cancelled() {
            self.abort.cancel();
        } else {
            self.stop.cancel();
        }
    }

    pub fn is_requested(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// Resolves at the first request.
    pub async fn requested(&self) {
        self.stop.cancelled().await
    }

    /// The token of the first request, for work that only stops.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }
}

/// Notes a delivery adds to the release records (a commit, Argo CD's revisions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    pub git: Option<GitNote>,
    pub argocd: Option<ArgoNote>,
}

/// What taking a delivered change back did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TakenBack {
    /// Workloads that changed since the release, so they were left alone.
    pub refused: Vec<WorkloadRef>,
    pub notes: Notes,
}

/// Where a delivery writes its notes into the release's records as soon as it has
/// them (a pushed commit), so a process that dies right after still leaves them.
pub struct RecordNotes<'a> {
    c: &'a Cluster,
    plans: &'a [Planned],
    revs: &'a [u64],
}

impl RecordNotes<'_> {
    /// Adds `notes` to every record of the release.
    ///
    /// # Errors
    /// API failures.
    pub async fn add(&self, notes: Notes) -> Result<(), ClusterError> {
        add_notes(self.c, self.plans, self.revs, notes).await
    }
}

/// How a release's change reaches the workloads, and how it is taken back: a
/// guarded JSON patch ([`LivePatch`]), or a commit that Argo CD syncs
/// (`argocd::release`). The engine around it is the same: lock, record, watch
/// behind the gates, undo, record.
pub trait Delivery: Send + Sync {
    /// Makes the planned change reach the workloads; all or nothing.
    fn deliver<'a>(
        &'a self,
        c: &'a Cluster,
        plans: &'a [Planned],
        notes: &'a RecordNotes<'a>,
        obs: &'a dyn Observer,
        cancel: &'a Cancellation,
    ) -> BoxFuture<'a, Result<Notes, ReleaseError>>;

    /// Takes a delivered change back after `cause`.
    fn take_back<'a>(
        &'a self,
        c: &'a Cluster,
        plans: &'a [Planned],
        cause: &'a Cause,
        notes: &'a RecordNotes<'a>,
        obs: &'a dyn Observer,
        cancel: &'a Cancellation,
    ) -> BoxFuture<'a, Result<TakenBack, ReleaseError>>;

    /// A gate of the delivery's own, checked with the others while watching.
    fn check<'a>(&'a self, _c: &'a Cluster) -> BoxFuture<'a, Option<GateFailure>> {
        Box::pin(async { None })
    }
}

/// The delivery of `deploy` without Argo CD: one guarded RFC 6902 patch per
/// workload (a `test` op on the current image, then `replace`; 409 conflicts
/// retried with fresh state), taken back by its inverse.
pub struct LivePatch;

impl Delivery for LivePatch {
    fn deliver<'a>(
        &'a self,
        c: &'a Cluster,
        plans: &'a [Planned],
        _notes: &'a RecordNotes<'a>,
        obs: &'a dyn Observer,
        _cancel: &'a Cancellation,
    ) -> BoxFuture<'a, Result<Notes, ReleaseError>> {
        Box::pin(async move {
            let mut patched: Vec<&Planned> = Vec::new();
            for p in plans {
                if let Err(e) = patch_one(c, p, obs).await {
                    // Nothing half done: what was patched is put back.
                    undo_all(c, &patched, obs).await?;
                    return Err(e);
                }
                patched.push(p);
            }
            Ok(Notes::default())
        })
    }

    fn take_back<'a>(
        &'a self,
        c: &'a Cluster,
        plans: &'a [Planned],
        _cause: &'a Cause,
        _notes: &'a RecordNotes<'a>,
        obs: &'a dyn Observer,
        _cancel: &'a Cancellation,
    ) -> BoxFuture<'a, Result<TakenBack, ReleaseError>> {
        Box::pin(async move {
            Ok(TakenBack {
                refused: apply_inverse(c, plans, obs).await?,
                notes: Notes::default(),
            })
        })
    }
}

/// The identity of a release run: the actor, plus the cluster's own view of the
/// user when it answers (a SelfSubjectReview; a failure leaves the local identity).
pub async fn actor(c: &Cluster, via: Option<String>) -> Actor {
    Actor {
        cluster_user: crate::cluster::identity::whoami(c).await.ok(),
        via,
        ..Actor::local()
    }
}

/// Runs a release of the planned changes; see [`Outcome`].
///
/// # Errors
/// A workload that cannot be locked ([`ClusterError::Locked`]), changed before
/// it was patched ([`ReleaseError::Changed`]), or an API failure. Whatever was
/// patched before such an error is undone first.
pub async fn run(
    c: &Cluster,
    req: &Request,
    obs: &dyn Observer,
    cancel: &Cancellation,
) -> Result<Outcome, ReleaseError> {
    run_with(c, req, &LivePatch, obs, cancel).await
}

/// [`run`] with another [`Delivery`] (Argo CD's).
///
/// # Errors
/// As [`run`]; and what the delivery reports.
pub async fn run_with(
    c: &Cluster,
    req: &Request,
    delivery: &dyn Delivery,
    obs: &dyn Observer,
    cancel: &Cancellation,
) -> Result<Outcome, ReleaseError> {
    let me = lock::holder_identity();
    // 1. Locks, all or none.
    let mut locks: Vec<Lock> = Vec::new();
    for p in &req.plans {
        match acquire(c, &p.workload, &me, obs, &cancel.stop).await {
            Ok(l) => locks.push(l),
            Err(e) => {
                for l in &locks {
                    let _ = l.release(c).await;
                }
                return Err(e);
            }
        }
    }
    let result = run_locked(c, req, delivery, &me, obs, cancel, &locks).await;
    for l in &locks {
        let _ = l.release(c).await;
    }
    if let Ok(outcome) = &result {
        obs.event(&Event::Finished {
            outcome: outcome.clone(),
        });
    }
    result
}

/// Takes a workload's lease. A lease whose holder is gone (its process no longer
/// exists on this host) or expired is taken over; one whose holder elsewhere
/// stopped renewing it is waited for, at most until it expires; a live holder's
/// is refused at once ([`ClusterError::Locked`]).
async fn acquire(
    c: &Cluster,
    w: &WorkloadRef,
    me: &str,
    obs: &dyn Observer,
    cancel: &CancellationToken,
) -> Result<Lock, ReleaseError> {
    // A holder that renews on time renews every RENEW_EVERY; a few seconds of slack.
    let overdue = lock::RENEW_EVERY.as_secs() + 5;
    let mut waiting_on: Option<lock::Held> = None;
    loop {
        let held = match lock::try_lock(c, w, me).await? {
            lock::Attempt::Acquired(l) => {
                obs.event(&Event::Locked {
                    workload: w.clone(),
                    took_over: None,
                });
                return Ok(l);
            }
            lock::Attempt::Held(h) => h,
        };
        if held.expired || lock::holder_gone(&held.holder) {
            if let Some(l) = lock::take_over(c, w, me, &held).await? {
                obs.event(&Event::Locked {
                    workload: w.clone(),
                    took_over: Some(held.holder.clone()),
                });
                return Ok(l);
            }
            continue;
        }
        let renewed_since = waiting_on
            .as_ref()
            .is_some_and(|prev| prev.holder != held.holder || held.renewed_ago < prev.renewed_ago);
        if held.renewed_ago <= overdue || renewed_since {
            return Err(ClusterError::Locked {
                workload: w.to_string(),
                holder: held.holder,
                lease: held.lease,
                renewed_ago: held.renewed_ago,
            }
            .into());
        }
        if waiting_on.is_none() {
            obs.event(&Event::LockWait {
                workload: w.clone(),
                holder: held.holder.clone(),
                renewed_ago: held.renewed_ago,
                wait_secs: (lock::LOCK_SECONDS as u64 + 1).saturating_sub(held.renewed_ago),
            });
        }
        waiting_on = Some(held);
        tokio::select! {
            _ = cancel.cancelled() => {
                return Err(ReleaseError::InterruptedWaiting { workload: w.clone() });
            }
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

async fn set_status(
    c: &Cluster,
    w: &WorkloadRef,
    rev: u64,
    status: Status,
    reason: Option<String>,
) -> Result<(), ClusterError> {
    records::update_records(c, w, |recs| {
        if let Some(r) = recs.iter_mut().find(|r| r.revision == rev) {
            r.status = status;
            r.reason = reason.clone();
            if status != Status::InProgress {
                r.finished = Some(record::now());
            }
        }
    })
    .await
}

/// Adds a delivery's notes to the records of a release (git and Argo CD facts
/// accumulate: the revert joins the commit).
async fn add_notes(
    c: &Cluster,
    plans: &[Planned],
    revs: &[u64],
    notes: Notes,
) -> Result<(), ClusterError> {
    if notes == Notes::default() {
        return Ok(());
    }
    for (p, rev) in plans.iter().zip(revs) {
        records::update_records(c, &p.workload, |recs| {
            if let Some(r) = recs.iter_mut().find(|r| r.revision == *rev) {
                if let Some(g) = &notes.git {
                    let into = r.git.get_or_insert_with(GitNote::default);
                    if !g.commit.is_empty() {
                        into.commit = g.commit.clone();
                    }
                    into.pushed_to = g.pushed_to.clone().or(into.pushed_to.take());
                    into.revert = g.revert.clone().or(into.revert.take());
                    into.pinned_out = g.pinned_out.clone().or(into.pinned_out.take());
                }
                if let Some(a) = &notes.argocd {
                    let into = r.argocd.get_or_insert_with(ArgoNote::default);
                    if !a.application.is_empty() {
                        into.application = a.application.clone();
                    }
                    into.synced = a.synced.clone().or(into.synced.take());
                    into.revert_synced = a.revert_synced.clone().or(into.revert_synced.take());
                }
            }
        })
        .await?;
    }
    Ok(())
}

/// With the lease ours, any record still in progress belongs to a release whose
/// process went away: mark it interrupted, so `status` and `history` say so.
async fn close_stale_records(
    c: &Cluster,
    w: &WorkloadRef,
    obs: &dyn Observer,
) -> Result<(), ClusterError> {
    let stale = records::update_records(c, w, |recs| {
        let mut closed = Vec::new();
        for r in recs.iter_mut().filter(|r| r.status == Status::InProgress) {
            r.status = Status::Interrupted;
            r.finished = Some(record::now());
            r.reason = Some(format!(
                "the release process ({}) went away before the gates decided; the release was left in place",
                r.holder.as_deref().unwrap_or("unknown holder")
            ));
            closed.push((r.revision, r.holder.clone()));
        }
        closed
    })
    .await?;
    for (revision, holder) in stale {
        obs.event(&Event::StaleRecord {
            workload: w.clone(),
            revision,
            holder,
        });
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn run_locked(
    c: &Cluster,
    req: &Request,
    delivery: &dyn Delivery,
    me: &str,
    obs: &dyn Observer,
    cancel: &Cancellation,
    locks: &[Lock],
) -> Result<Outcome, ReleaseError> {
    // 2. Record every workload, then deliver the change.
    let mut revs: Vec<u64> = Vec::new();
    for p in &req.plans {
        close_stale_records(c, &p.workload, obs).await?;
        let rec = Record {
            revision: 0,
            started: record::now(),
            finished: None,
            user: req.actor.summary(),
            actor: req.actor.clone(),
            holder: Some(me.to_string()),
            env: req.env.clone(),
            workload: p.workload.clone(),
            images: p.images.clone(),
            patch: p.patch(),
            inverse: p.inverse(),
            status: Status::InProgress,
            reason: None,
            undo_of: req.undo_of,
            git: None,
            argocd: None,
        };
        let rev =
            records::update_records(c, &p.workload, |recs| record::push(recs, rec.clone())).await?;
        revs.push(rev);
        obs.event(&Event::Recorded {
            workload: p.workload.clone(),
            revision: rev,
        });
    }
    // Fault injection for tests: widen the window between reading and patching.
    if let Some(ms) = std::env::var("KUBECTL_RELEASE_FAULT_PATCH_DELAY_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let record_notes = RecordNotes {
        c,
        plans: &req.plans,
        revs: &revs,
    };
    match delivery
        .deliver(c, &req.plans, &record_notes, obs, cancel)
        .await
    {
        Ok(notes) => record_notes.add(notes).await?,
        Err(e) => {
            // Nothing half done: the delivery put back what it did; the records say why.
            for (p, rev) in req.plans.iter().zip(&revs) {
                set_status(
                    c,
                    &p.workload,
                    *rev,
                    Status::Failed,
                    Some(format!("not released: {e}")),
                )
                .await?;
            }
            return Err(e);
        }
    }

    // 3. Watch behind the gates.
    let end = watch::watch(
        c,
        &req.plans,
        &req.gates,
        locks,
        delivery,
        obs,
        &cancel.stop,
        Phase::Release,
    )
    .await;
    let mark_all = |status: Status, reason: Option<String>| {
        let revs = &revs;
        async move {
            for (p, rev) in req.plans.iter().zip(revs) {
                set_status(c, &p.workload, *rev, status, reason.clone()).await?;
            }
            Ok::<(), ClusterError>(())
        }
    };
    let cause = match end {
        watch::End::Healthy => {
            mark_all(Status::Succeeded, None).await?;
            return Ok(Outcome::Succeeded);
        }
        watch::End::Interrupted(state) if req.on_interrupt == OnInterrupt::Leave => {
            mark_all(
                Status::Interrupted,
                Some(format!("interrupted while {state}")),
            )
            .await?;
            return Ok(Outcome::Interrupted { state });
        }
        watch::End::Interrupted(state) => Cause::Interrupted { state },
        watch::End::Superseded { workload, images } => {
            let cause = Cause::Superseded { workload, images };
            mark_all(Status::UndoRefused, Some(cause.to_string())).await?;
            return Ok(Outcome::UndoRefused {
                cause,
                refused: Vec::new(),
            });
        }
        watch::End::Failed(failure) => Cause::Gate { failure },
    };
    if req.on_failure == OnFailure::Leave && !matches!(cause, Cause::Interrupted { .. }) {
        mark_all(Status::Failed, Some(cause.to_string())).await?;
        return Ok(Outcome::Failed { cause });
    }

    // 4. Undo.
    let taken = delivery
        .take_back(c, &req.plans, &cause, &record_notes, obs, cancel)
        .await?;
    record_notes.add(taken.notes).await?;
    let refused = taken.refused;
    if !refused.is_empty() {
        for (p, rev) in req.plans.iter().zip(&revs) {
            let status = if refused.contains(&p.workload) {
                Status::UndoRefused
            } else {
                Status::RolledBack
            };
            set_status(c, &p.workload, *rev, status, Some(cause.to_string())).await?;
        }
        return Ok(Outcome::UndoRefused { cause, refused });
    }
    // Watch the undo until healthy (Kubernetes progress only).
    let undo_gates = Gates {
        soak: Duration::ZERO,
        http: Vec::new(),
        prometheus: Vec::new(),
        ..req.gates.clone()
    };
    let undo_plans: Vec<Planned> = req.plans.iter().map(Planned::reversed).collect();
    // After an interruption the first request is spent: only a second one stops this watch.
    let stop_undo = match cause {
        Cause::Interrupted { .. } => &cancel.abort,
        _ => &cancel.stop,
    };
    let undo = match watch::watch(
        c,
        &undo_plans,
        &undo_gates,
        locks,
        &LivePatch,
        obs,
        stop_undo,
        Phase::Undo,
    )
    .await
    {
        watch::End::Healthy => UndoEnd::Healthy,
        watch::End::Failed(failure) => UndoEnd::Unhealthy { failure },
        watch::End::Superseded { workload, .. } => UndoEnd::Superseded { workload },
        watch::End::Interrupted(state) => UndoEnd::Interrupted { state },
    };
    mark_all(Status::RolledBack, Some(format!("{cause}{undo}"))).await?;
    Ok(Outcome::RolledBack { cause, undo })
}

/// Applies one workload's guarded patch; a 409 re-reads the workload and retries
/// as long as its image is still the one planned from.
async fn patch_one(c: &Cluster, p: &Planned, obs: &dyn Observer) -> Result<(), ReleaseError> {
    let expected = || p.images.first().map(|x| x.old.clone()).unwrap_or_default();
    let mut current = p.clone();
    let mut attempts = 0;
    loop {
        match workload::apply_patch(c, &current.workload, &current.patch()).await {
            Ok(()) => {
                obs.event(&Event::Patched {
                    workload: p.workload.clone(),
                    images: p.images.clone(),
                });
                return Ok(());
            }
            Err(PatchFailure::Conflict(m)) if attempts < 10 => {
                attempts += 1;
                obs.event(&Event::Conflict {
                    workload: p.workload.clone(),
                    attempt: attempts,
                    message: m,
                });
                let new = p.new_image().unwrap_or_default();
                let fresh = plan::plan(
                    c,
                    std::slice::from_ref(&p.workload),
                    crate::image::name_of(new),
                    new,
                )
                .await?;
                match fresh.into_iter().next() {
                    Some(f) if f.images == p.images => current = f,
                    _ => {
                        return Err(ReleaseError::Changed {
                            workload: p.workload.clone(),
                            expected: expected(),
                            detail: None,
                        });
                    }
                }
            }
            Err(PatchFailure::Conflict(message)) => {
                return Err(ReleaseError::Conflicts {
                    workload: p.workload.clone(),
                    message,
                });
            }
            Err(PatchFailure::TestFailed(m)) => {
                return Err(ReleaseError::Changed {
                    workload: p.workload.clone(),
                    expected: expected(),
                    detail: Some(m),
                });
            }
            Err(PatchFailure::Other(e)) => return Err(e.into()),
        }
    }
}

/// Applies the inverse patches of `plans` at once (a delivery that undoes the
/// live workloads first, while its own undo travels); returns the workloads that
/// changed since and were left alone.
///
/// # Errors
/// API failures, or conflicts that keep happening.
pub async fn apply_inverse(
    c: &Cluster,
    plans: &[Planned],
    obs: &dyn Observer,
) -> Result<Vec<WorkloadRef>, ReleaseError> {
    let all: Vec<&Planned> = plans.iter().collect();
    undo_all(c, &all, obs).await
}

/// Applies the inverse patches of the patched workloads; returns those refused
/// because they changed since (their `test` op failed).
async fn undo_all(
    c: &Cluster,
    patched: &[&Planned],
    obs: &dyn Observer,
) -> Result<Vec<WorkloadRef>, ReleaseError> {
    let mut refused = Vec::new();
    for p in patched {
        let mut attempts = 0;
        loop {
            match workload::apply_patch(c, &p.workload, &p.inverse()).await {
                Ok(()) => {
                    obs.event(&Event::UndoApplied {
                        workload: p.workload.clone(),
                    });
                    break;
                }
                Err(PatchFailure::Conflict(_)) if attempts < 5 => attempts += 1,
                Err(PatchFailure::TestFailed(message)) => {
                    obs.event(&Event::UndoRefused {
                        workload: p.workload.clone(),
                        message,
                    });
                    refused.push(p.workload.clone());
                    break;
                }
                Err(PatchFailure::Conflict(message)) => {
                    return Err(ReleaseError::UndoConflicts {
                        workload: p.workload.clone(),
                        message,
                    });
                }
                Err(PatchFailure::Other(e)) => return Err(e.into()),
            }
        }
    }
    Ok(refused)
}

/// The records `undo` reverts, one per workload that has one: revision `to`, or
/// the newest release that is not itself an undo and was not undone.
///
/// # Errors
/// API failures.
pub async fn records_to_undo(
    c: &Cluster,
    workloads: &[WorkloadRef],
    to: Option<u64>,
) -> Result<Vec<Record>, ReleaseError> {
    let mut out = Vec::new();
    for w in workloads {
        let (recs, _) = records::records(c, w).await?;
        if let Some(rec) = plan::record_to_undo(&recs, to) {
            out.push(rec.clone());
        }
    }
    Ok(out)
}

/// Undoes releases from their records (see [`records_to_undo`]): their inverse,
/// delivered as `delivery` says (the inverse patch live, or a revert through
/// Argo CD), behind `template`'s gates, never undone back if it fails them. The
/// reverted records are marked `undone` when the undo succeeds.
///
/// # Errors
/// As [`run_with`]; [`ReleaseError::Changed`] when a workload changed since the
/// release, so its inverse patch no longer applies.
pub async fn undo(
    c: &Cluster,
    reverted: &[Record],
    template: &Request,
    delivery: &dyn Delivery,
    obs: &dyn Observer,
    cancel: &Cancellation,
) -> Result<Outcome, ReleaseError> {
    let req = Request {
        plans: reverted.iter().map(plan::plan_undo).collect(),
        on_failure: OnFailure::Leave,
        on_interrupt: OnInterrupt::Leave,
        undo_of: reverted.first().map(|r| r.revision),
        ..template.clone()
    };
    let outcome = run_with(c, &req, delivery, obs, cancel).await?;
    if outcome == Outcome::Succeeded {
        for r in reverted {
            records::update_records(c, &r.workload, |recs| {
                if let Some(x) = recs.iter_mut().find(|x| x.revision == r.revision) {
                    x.status = Status::Undone;
                }
            })
            .await?;
        }
    }
    Ok(outcome)
}
