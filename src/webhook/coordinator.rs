//! Turning notifications into releases: one release at a time per workload, the newest notification waiting behind it, different workloads in parallel up to a bound.
//!
//! Per workload there is a slot: a running release and at most one pending
//! notification. A notification for a workload whose release runs replaces the
//! pending one (the newest wins; the replaced one is recorded as coalesced), and
//! runs when the release ends; one with the digest the running release is
//! rolling out is a duplicate and is dropped at once. Each release resolves the
//! tag to its digest (unless the payload carried it), plans from live state and
//! is a no-op when the digest runs already, or was released before and rolled
//! back; otherwise it runs through the release engine (lock, record, guarded
//! patch, gates, undo) like `deploy`, with its own [`Observer`] feeding the
//! metrics and the journal and its own [`Cancellation`] for SIGTERM.
//!
//! With several replicas each has its own slots; the engine's per-workload
//! Lease decides who releases. A replica that finds the Lease held by another
//! (a live holder: [`ClusterError::Locked`]) waits for it to end and checks
//! again, which is then normally a no-op: "someone is releasing it", not a
//! failed release.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::journal::{Journal, ReleaseEntry, Routed, State, Step};
use super::log::Log;
use super::metrics::Metrics;
use super::targets::{Reason, Target, Tracked};
use crate::argocd::app::AppRef;
use crate::argocd::release::{ArgoDelivery, Change};
use crate::cluster::{Cluster, ClusterError, records};
use crate::image::registry::{Client as Registry, ImageRef};
use crate::release::event::{Event, Observer};
use crate::release::record::{Actor, Record, Status, WorkloadRef};
use crate::release::{
    self, Cancellation, Gates, OnFailure, OnInterrupt, Outcome, ReleaseError, Request,
};
use crate::repo::config::Loaded;

/// How long a replica waits before looking again at a workload another replica is releasing.
const LOCKED_RETRY: Duration = Duration::from_secs(2);

/// Git write-back through Argo CD for environments that name an Application.
pub struct WriteBack {
    pub loaded: Loaded,
    pub sync_timeout: Duration,
    /// One write-back at a time: they share the GitOps checkout.
    pub lock: tokio::sync::Mutex<()>,
}

/// Everything a release needs, shared by the server's tasks.
pub struct Shared {
    pub cluster: Cluster,
    pub registry: Registry,
    pub tracked: Vec<Tracked>,
    /// Gates for workloads released by their Keel policy.
    pub gates: Gates,
    /// The server's identity in the records (`via` is set per release).
    pub actor: Actor,
    pub metrics: Metrics,
    pub journal: Journal,
    pub log: Log,
    pub write_back: Option<WriteBack>,
    /// Patch workloads Argo CD manages (its Application ignores image differences).
    pub ignore_argocd: bool,
    pub permits: Semaphore,
    slots: Mutex<HashMap<WorkloadRef, Slot>>,
    /// Set on SIGTERM: nothing new starts.
    pub stopping: CancellationToken,
    tasks: TaskTracker,
}

/// A notification for one workload, waiting or running.
#[derive(Debug, Clone)]
pub struct Wanted {
    pub target: Target,
    pub digest: Option<String>,
    /// `webhook ENDPOINT from ADDR`, recorded as the release's trigger.
    pub via: String,
    pub received: Instant,
    /// The journal entry of this release.
    pub entry: u64,
    /// Taking over this unfinished release (see [`super::adopt`]) instead.
    pub resume: Option<Box<Record>>,
}

#[derive(Default)]
struct Slot {
    running: bool,
    /// The digest the running release rolls out, once known.
    digest: Option<String>,
    pending: Option<Wanted>,
    cancel: Option<Cancellation>,
}

/// How one attempt at a release ended.
enum Step1 {
    Done,
    /// Another replica holds the workload's Lease.
    Locked(String),
}

impl Shared {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        cluster: Cluster,
        registry: Registry,
        tracked: Vec<Tracked>,
        gates: Gates,
        actor: Actor,
        log: Log,
        write_back: Option<WriteBack>,
        ignore_argocd: bool,
        parallel: usize,
    ) -> Self {
        Shared {
            cluster,
            registry,
            tracked,
            gates,
            actor,
            metrics: Metrics::new(),
            journal: Journal::default(),
            log,
            write_back,
            ignore_argocd,
            permits: Semaphore::new(parallel.max(1)),
            slots: Mutex::new(HashMap::new()),
            stopping: CancellationToken::new(),
            tasks: TaskTracker::new(),
        }
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<WorkloadRef, Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether this replica runs or queues a release of `w`.
    pub fn busy(&self, w: &WorkloadRef) -> bool {
        self.slots().get(w).is_some_and(|s| s.running)
    }
}

fn entry(id: u64, notification: u64, w: &Wanted, image: String) -> ReleaseEntry {
    ReleaseEntry {
        id,
        notification,
        workload: w.target.workload.clone(),
        reason: w.target.reason.clone(),
        image,
        digest: w.digest.clone(),
        from: Vec::new(),
        to: None,
        state: State::Queued,
        received: super::journal::now(),
        started: None,
        finished: None,
        duration_ms: None,
        to_patch_ms: None,
        revision: None,
        failed_gate: None,
        message: None,
        via: w.via.clone(),
        steps: Vec::new(),
    }
}

/// Routes a notification's targets into their slots; returns what happened per workload.
pub fn notify(
    shared: &Arc<Shared>,
    notification: u64,
    targets: Vec<Target>,
    digest: Option<String>,
    via: &str,
    received: Instant,
) -> Vec<Routed> {
    let mut out = Vec::new();
    for target in targets {
        let id = shared.journal.id();
        let w = Wanted {
            target,
            digest: digest.clone(),
            via: via.to_string(),
            received,
            entry: id,
            resume: None,
        };
        shared.journal.release(entry(
            id,
            notification,
            &w,
            format!("{}:{}", w.target.image_name, w.target.tag),
        ));
        let workload = w.target.workload.clone();
        let action = {
            let mut slots = shared.slots();
            let slot = slots.entry(workload.clone()).or_default();
            if shared.stopping.is_cancelled() {
                "refused"
            } else if !slot.running {
                slot.running = true;
                let s = shared.clone();
                shared.tasks.spawn(drive(s, w));
                "started"
            } else if w.digest.is_some() && w.digest == slot.digest {
                "duplicate"
            } else {
                if let Some(old) = slot.pending.replace(w) {
                    shared.journal.finish(
                        old.entry,
                        State::Coalesced,
                        Some(format!(
                            "replaced by a newer notification (release {id}) before it started"
                        )),
                        old.received.elapsed().as_millis() as u64,
                    );
                    shared.metrics.release("coalesced", None);
                } else {
                    shared.metrics.queued.inc();
                }
                "queued"
            }
        };
        match action {
            "refused" => {
                shared.journal.finish(
                    id,
                    State::Refused,
                    Some("the server is stopping; send the notification again".into()),
                    0,
                );
                shared.metrics.release("refused", None);
            }
            "duplicate" => {
                shared.journal.finish(
                    id,
                    State::Coalesced,
                    Some(
                        "the running release of this workload rolls out this digest already".into(),
                    ),
                    0,
                );
                shared.metrics.release("coalesced", None);
            }
            _ => {}
        }
        out.push(Routed {
            workload,
            action,
            release: id,
        });
    }
    out
}

/// Takes over an unfinished release (see [`super::adopt`]) unless this replica
/// is busy with the workload.
pub fn resume(shared: &Arc<Shared>, rec: Record) {
    let id = shared.journal.id();
    let holder = rec
        .holder
        .clone()
        .unwrap_or_else(|| "an unknown holder".into());
    let new = rec
        .images
        .first()
        .map(|i| i.new.clone())
        .unwrap_or_default();
    let target = Target {
        workload: rec.workload.clone(),
        image_name: crate::image::name_of(&new).to_string(),
        tag: crate::image::tag_of(&new).unwrap_or("").to_string(),
        containers: rec.images.iter().map(|i| i.container.clone()).collect(),
        reason: Reason::Resumed {
            revision: rec.revision,
            holder: holder.clone(),
        },
        argocd_app: None,
    };
    let w = Wanted {
        target,
        digest: crate::image::digest_of(&new).map(str::to_string),
        via: format!(
            "webhook: resuming revision {} ({holder} left it {})",
            rec.revision,
            rec.status.as_str()
        ),
        received: Instant::now(),
        entry: id,
        resume: Some(Box::new(rec)),
    };
    {
        let mut slots = shared.slots();
        let slot = slots.entry(w.target.workload.clone()).or_default();
        if slot.running || shared.stopping.is_cancelled() {
            return;
        }
        slot.running = true;
    }
    shared.journal.release(entry(id, 0, &w, new));
    shared.log.info(
        "resume",
        serde_json::json!({"release": id, "workload": w.target.workload.to_string(), "via": w.via}),
    );
    let s = shared.clone();
    shared.tasks.spawn(drive(s, w));
}

/// Runs a workload's releases until its slot has nothing pending.
async fn drive(shared: Arc<Shared>, first: Wanted) {
    let key = first.target.workload.clone();
    let mut w = first;
    loop {
        let mut said_locked = false;
        loop {
            match attempt(&shared, &w).await {
                Step1::Done => break,
                Step1::Locked(holder) => {
                    if !said_locked {
                        shared.metrics.release("locked-elsewhere", None);
                        shared.log.info(
                            "locked-elsewhere",
                            serde_json::json!({"workload": key.to_string(), "holder": holder, "release": w.entry}),
                        );
                        said_locked = true;
                    }
                    shared.journal.update(w.entry, |e| {
                        e.state = State::LockedElsewhere;
                        e.message = Some(format!(
                            "{holder} is releasing this workload; looking again when it is done"
                        ));
                    });
                    tokio::select! {
                        _ = shared.stopping.cancelled() => {
                            shared.journal.finish(w.entry, State::Refused,
                                Some("the server stopped while another replica released the workload".into()),
                                w.received.elapsed().as_millis() as u64);
                            break;
                        }
                        _ = tokio::time::sleep(LOCKED_RETRY) => {}
                    }
                    // A newer notification replaces this one while waiting.
                    let newer = shared.slots().get_mut(&key).and_then(|s| s.pending.take());
                    if let Some(n) = newer {
                        shared.metrics.queued.dec();
                        shared.journal.finish(
                            w.entry,
                            State::Coalesced,
                            Some(format!(
                                "replaced by a newer notification (release {})",
                                n.entry
                            )),
                            w.received.elapsed().as_millis() as u64,
                        );
                        shared.metrics.release("coalesced", None);
                        w = n;
                    }
                }
            }
        }
        let next = {
            let mut slots = shared.slots();
            let slot = slots.entry(key.clone()).or_default();
            slot.digest = None;
            slot.cancel = None;
            match slot.pending.take() {
                Some(p) => Some(p),
                None => {
                    slots.remove(&key);
                    None
                }
            }
        };
        match next {
            Some(p) => {
                shared.metrics.queued.dec();
                if shared.stopping.is_cancelled() {
                    shared.journal.finish(
                        p.entry,
                        State::Refused,
                        Some("the server stopped before this release started; send the notification again".into()),
                        p.received.elapsed().as_millis() as u64,
                    );
                    shared.metrics.release("refused", None);
                    shared.slots().remove(&key);
                    break;
                }
                w = p;
            }
            None => break,
        }
    }
}

/// Counts engine events and feeds the journal for one release.
struct Obs<'a> {
    shared: &'a Shared,
    entry: u64,
    received: Instant,
}

impl Observer for Obs<'_> {
    fn event(&self, e: &Event) {
        let kind = serde_json::to_value(e)
            .ok()
            .and_then(|v| v.get("event").and_then(|k| k.as_str()).map(str::to_string))
            .unwrap_or_else(|| "unknown".into());
        self.shared.metrics.event(&kind);
        let ms = self.received.elapsed().as_millis() as u64;
        if let Event::Patched { .. } = e {
            self.shared
                .metrics
                .notification_to_patch_seconds
                .observe(self.received.elapsed().as_secs_f64());
        }
        self.shared.journal.update(self.entry, |r| {
            match e {
                Event::Recorded { revision, .. } => r.revision = Some(*revision),
                Event::Patched { .. } => r.to_patch_ms = Some(ms),
                Event::GateFailed { failure } => r.failed_gate = Some(failure.to_string()),
                _ => {}
            }
            // Progress events repeat; the page shows each kind of step once in a row.
            if r.steps.last().map(|s| s.event.as_str()) != Some(kind.as_str()) && r.steps.len() < 64
            {
                r.steps.push(Step {
                    ms,
                    event: kind.clone(),
                });
            }
        });
        if !matches!(e, Event::Progress { .. } | Event::Measured { .. }) {
            self.shared.log.info(
                "engine",
                serde_json::json!({"release": self.entry, "ms": ms, "step": e}),
            );
        }
    }
}

/// One try at releasing `w`.
/// The engine's request for a release the webhook runs, its cancellation
/// (registered in the workload's slot, for SIGTERM) and its observer.
fn prepare<'a>(
    shared: &'a Shared,
    w: &Wanted,
    workload: &WorkloadRef,
    plans: Vec<release::Planned>,
    env_name: Option<String>,
    env: Option<&Tracked>,
) -> (Request, Cancellation, Obs<'a>) {
    let req = Request {
        plans,
        env: env_name,
        gates: env
            .map(|e| e.gates.clone())
            .unwrap_or_else(|| shared.gates.clone()),
        on_failure: OnFailure::Undo,
        on_interrupt: OnInterrupt::Leave,
        undo_of: None,
        actor: Actor {
            via: Some(w.via.clone()),
            ..shared.actor.clone()
        },
    };
    let cancel = Cancellation::new();
    if let Some(s) = shared.slots().get_mut(workload) {
        s.cancel = Some(cancel.clone());
    }
    let obs = Obs {
        shared,
        entry: w.entry,
        received: w.received,
    };
    (req, cancel, obs)
}

async fn attempt(shared: &Shared, w: &Wanted) -> Step1 {
    let Ok(_permit) = shared.permits.acquire().await else {
        return Step1::Done;
    };
    let t = &w.target;
    let elapsed = || w.received.elapsed().as_millis() as u64;
    let finish = |state: State, message: Option<String>| {
        let outcome = state.as_str();
        shared
            .metrics
            .release(outcome, Some(w.received.elapsed().as_secs_f64()));
        shared.log.info(
            "release-finished",
            serde_json::json!({"release": w.entry, "workload": t.workload.to_string(), "state": outcome,
                               "ms": elapsed(), "message": message}),
        );
        shared.journal.finish(w.entry, state, message, elapsed());
    };
    shared.journal.update(w.entry, |e| {
        e.state = State::Running;
        e.started.get_or_insert_with(super::journal::now);
    });
    shared.metrics.running.inc();
    let _running = scopeguard(|| {
        shared.metrics.running.dec();
    });

    if let Some(rec) = &w.resume {
        return resume_one(shared, w, rec, &finish).await;
    }

    // 1. The digest: from the payload, else the registry's for the tag now.
    let digest = match &w.digest {
        Some(d) => d.clone(),
        None => {
            let resolved = match ImageRef::parse(&t.image_name) {
                Ok(r) => shared.registry.resolve_digest(&r, &t.tag).await,
                Err(e) => Err(e),
            };
            match resolved {
                Ok(d) => d,
                Err(e) => {
                    finish(
                        State::Error,
                        Some(format!("resolving {}:{}: {e}", t.image_name, t.tag)),
                    );
                    return Step1::Done;
                }
            }
        }
    };
    if let Some(s) = shared.slots().get_mut(&t.workload) {
        s.digest = Some(digest.clone());
    }
    let new_image = format!("{}:{}@{}", t.image_name, t.tag, digest);
    shared.journal.update(w.entry, |e| {
        e.digest = Some(digest.clone());
        e.to = Some(new_image.clone());
    });

    // 2. The plan, from live state; only the chosen containers.
    let c = &shared.cluster;
    let mut plans = match release::plan::plan(
        c,
        std::slice::from_ref(&t.workload),
        &t.image_name,
        &new_image,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => {
            finish(State::Error, Some(e.to_string()));
            return Step1::Done;
        }
    };
    for p in &mut plans {
        let keep: Vec<bool> = p
            .images
            .iter()
            .map(|i| t.containers.contains(&i.container))
            .collect();
        let mut k = keep.iter();
        p.images.retain(|_| *k.next().unwrap_or(&false));
        let mut k = keep.iter();
        p.changes.retain(|_| *k.next().unwrap_or(&false));
    }
    plans.retain(|p| !p.changes.is_empty());
    if plans.is_empty() {
        finish(State::Noop, Some(format!("already runs {new_image}")));
        return Step1::Done;
    }
    // 3. A digest released before and taken back is not released again by a repeat notification.
    match records::records(c, &t.workload).await {
        Ok((recs, _)) => {
            if let Some(r) = recs
                .iter()
                .rev()
                .find(|r| r.undo_of.is_none() && r.images.iter().any(|i| i.new == new_image))
                && matches!(
                    r.status,
                    Status::RolledBack | Status::Failed | Status::UndoRefused | Status::Undone
                )
            {
                finish(
                    State::Noop,
                    Some(format!(
                        "{new_image} was released before (revision {}, {}): {}; push a new build, or `kubectl release deploy` it by hand",
                        r.revision,
                        r.status.as_str(),
                        r.reason.as_deref().unwrap_or("no reason recorded")
                    )),
                );
                return Step1::Done;
            }
        }
        Err(e) => {
            finish(State::Error, Some(e.to_string()));
            return Step1::Done;
        }
    }

    shared.journal.update(w.entry, |e| {
        e.from = plans
            .iter()
            .flat_map(|p| p.images.iter().map(|i| i.old.clone()))
            .collect();
    });

    // 4. How it is delivered: a commit Argo CD syncs, or a live patch.
    let env = match &t.reason {
        Reason::Env { index, .. } => shared.tracked.get(*index),
        Reason::Keel { .. } | Reason::Resumed { .. } => None,
    };
    let through_argo = match (env, &shared.write_back) {
        (Some(e), Some(wb)) => e.argocd.clone().map(|a| (e, wb, a)),
        _ => None,
    };
    if through_argo.is_none()
        && let Some(app) = &t.argocd_app
        && !shared.ignore_argocd
    {
        finish(
            State::Refused,
            Some(format!(
                "managed by Argo CD Application {app}: its self-heal would put git's image back; release it through git with --write-back (an environment of --repo with `argocd:`), or pass --ignore-argocd when the Application ignores image differences"
            )),
        );
        return Step1::Done;
    }
    let env_name = env.map(|e| e.env.clone());
    let (req, cancel, obs) = prepare(shared, w, &t.workload, plans, env_name, env);
    let outcome = match through_argo {
        Some((e, wb, (ns, name))) => {
            let _one = wb.lock.lock().await;
            let image = e.image.clone();
            let mut d = ArgoDelivery::new(
                &wb.loaded,
                &e.env,
                AppRef {
                    namespace: ns,
                    name,
                },
                Change::SetImage {
                    name: image,
                    target: crate::image::Target::Digest(digest.clone()),
                },
            );
            d.sync_timeout = wb.sync_timeout;
            release::run_with(c, &req, &d, &obs, &cancel).await
        }
        None => release::run(c, &req, &obs, &cancel).await,
    };
    match outcome {
        Err(ReleaseError::Cluster(ClusterError::Locked { holder, .. })) => Step1::Locked(holder),
        other => {
            conclude(shared, other, &finish);
            Step1::Done
        }
    }
}

/// Takes over an unfinished release: the same change, already live, gated again.
async fn resume_one(
    shared: &Shared,
    w: &Wanted,
    rec: &Record,
    finish: &(dyn Fn(State, Option<String>) + Sync),
) -> Step1 {
    let c = &shared.cluster;
    // Still the newest and still unfinished? (Another replica may have taken it over.)
    match records::records(c, &rec.workload).await {
        Ok((recs, _)) => match recs.iter().max_by_key(|r| r.revision) {
            Some(n) if n.revision == rec.revision && super::adopt::unfinished(n) => {}
            Some(n) => {
                finish(
                    State::Noop,
                    Some(format!(
                        "revision {} was taken care of already (the newest is revision {}, {})",
                        rec.revision,
                        n.revision,
                        n.status.as_str()
                    )),
                );
                return Step1::Done;
            }
            None => {
                finish(State::Noop, Some("the records are gone".into()));
                return Step1::Done;
            }
        },
        Err(e) => {
            finish(State::Error, Some(e.to_string()));
            return Step1::Done;
        }
    }
    let plan = release::plan::plan_undo(rec).reversed();
    shared.journal.update(w.entry, |e| {
        e.from = rec.images.iter().map(|i| i.old.clone()).collect();
    });
    let env = rec
        .env
        .as_ref()
        .and_then(|e| shared.tracked.iter().find(|t| &t.env == e));
    let (req, cancel, obs) = prepare(shared, w, &rec.workload, vec![plan], rec.env.clone(), env);
    let outcome = release::run_with(c, &req, &super::adopt::AlreadyDelivered, &obs, &cancel).await;
    match outcome {
        Err(ReleaseError::Cluster(ClusterError::Locked { holder, .. })) => {
            // Whoever holds it now takes care of it; if that holder is gone too, its
            // record is looked at again when the Lease expires.
            finish(
                State::Noop,
                Some(format!(
                    "{holder} holds the workload's Lease; it takes care of it"
                )),
            );
            Step1::Done
        }
        other => {
            conclude(shared, other, finish);
            Step1::Done
        }
    }
}

/// Records how a release through the engine ended.
fn conclude(
    shared: &Shared,
    outcome: Result<Outcome, ReleaseError>,
    finish: &(dyn Fn(State, Option<String>) + Sync),
) {
    match outcome {
        Ok(o) => {
            let state = match &o {
                Outcome::Succeeded => State::Succeeded,
                Outcome::RolledBack { .. } => {
                    shared.metrics.rollbacks.inc();
                    State::RolledBack
                }
                Outcome::Failed { .. } => State::Failed,
                Outcome::UndoRefused { .. } => State::UndoRefused,
                Outcome::Interrupted { .. } => State::Interrupted,
            };
            let message = match &o {
                Outcome::Succeeded => None,
                other => Some(other.to_string()),
            };
            finish(state, message);
        }
        Err(e) => finish(State::Error, Some(e.to_string())),
    }
}

/// Runs `f` when dropped.
fn scopeguard<F: FnOnce()>(f: F) -> impl Drop {
    struct G<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for G<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f()
            }
        }
    }
    G(Some(f))
}

/// Stops: nothing new starts; running releases get `grace` (cut short by `hurry`, a
/// second SIGTERM) to finish, then are
/// interrupted (recorded as such, left in place, their Lease freed) and get
/// `interrupt_wait` more to record it.
pub async fn shutdown(
    shared: &Shared,
    grace: Duration,
    hurry: &CancellationToken,
    interrupt_wait: Duration,
) {
    shared.stopping.cancel();
    shared.tasks.close();
    let running = shared.slots().values().filter(|s| s.running).count();
    if running > 0 {
        shared.log.info(
            "shutdown",
            serde_json::json!({"running": running, "grace_secs": grace.as_secs_f64()}),
        );
    }
    tokio::select! {
        _ = shared.tasks.wait() => return,
        _ = tokio::time::sleep(grace) => {}
        _ = hurry.cancelled() => {}
    }
    for s in shared.slots().values() {
        if let Some(c) = &s.cancel {
            c.request();
        }
    }
    if tokio::time::timeout(interrupt_wait, shared.tasks.wait())
        .await
        .is_err()
    {
        shared.log.warn(
            "shutdown",
            serde_json::json!({"message": "releases did not stop in time; their records stay in progress until their Lease expires"}),
        );
    }
}
