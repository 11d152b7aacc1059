//! Running a release: lock, record, guarded patch, watch behind the gates, undo on failure.
//!
//! The orchestration between the pure parts (`patch`, `rollout`, `history`) and
//! the cluster edge (`cluster::workload`). Every step is recorded in the
//! workload's release records before it is taken, so a crash never leaves a
//! workload patched without a record.

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::runtime::{WatchStreamExt, watcher};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cluster::workload::{self, Lock, PatchFailure};
use crate::cluster::{Cluster, ClusterError};
use crate::history::{self, ImageChange, Record, Status, WorkloadRef};
use crate::patch::{self, Change};
use crate::rollout::{self, PodGates, Tally, Threshold, Verdict};

#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error("{0}")]
    Plan(String),
}

/// An HTTP gate (Argo Rollouts' web metric provider).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpGate {
    pub url: String,
    #[serde(default = "default_method")]
    pub method: String,
    #[serde(default = "default_status")]
    pub expect_status: u16,
    /// A dotted path into the JSON body (`$.status`), compared with `equals`.
    pub json_path: Option<String>,
    pub equals: Option<Value>,
    #[serde(with = "humantime_serde", default = "default_interval")]
    pub interval: Duration,
    #[serde(default = "default_count")]
    pub count: u32,
    #[serde(default)]
    pub failure_limit: u32,
    #[serde(default = "default_error_limit")]
    pub consecutive_error_limit: u32,
}

/// A Prometheus gate: an instant query compared with a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PrometheusGate {
    /// Prometheus base URL, e.g. `http://prometheus.monitoring:9090`.
    pub address: String,
    pub query: String,
    /// `< 0.05`, `>= 0.99`, ...
    pub threshold: String,
    #[serde(with = "humantime_serde", default = "default_interval")]
    pub interval: Duration,
    #[serde(default = "default_count")]
    pub count: u32,
    #[serde(default)]
    pub failure_limit: u32,
    #[serde(default = "default_error_limit")]
    pub consecutive_error_limit: u32,
}

fn default_method() -> String {
    "GET".into()
}
fn default_status() -> u16 {
    200
}
fn default_interval() -> Duration {
    Duration::from_secs(5)
}
fn default_count() -> u32 {
    3
}
fn default_error_limit() -> u32 {
    4
}

/// All health gates of an environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Gates {
    /// A new pod not Ready this long after creation fails the release.
    #[serde(with = "humantime_serde", default = "default_readiness")]
    pub readiness_timeout: Duration,
    /// More restarts than this in a new container fail the release.
    #[serde(default = "default_restarts")]
    pub max_restarts: u32,
    /// Everything must stay healthy this long after the rollout completes.
    #[serde(with = "humantime_serde", default)]
    pub soak: Duration,
    /// The whole release (rollout + soak + gates) must finish within this.
    #[serde(with = "humantime_serde", default = "default_timeout")]
    pub timeout: Duration,
    #[serde(default)]
    pub http: Vec<HttpGate>,
    #[serde(default)]
    pub prometheus: Vec<PrometheusGate>,
}

fn default_timeout() -> Duration {
    Duration::from_secs(600)
}
fn default_readiness() -> Duration {
    PodGates::default().readiness_timeout
}
fn default_restarts() -> u32 {
    PodGates::default().max_restarts
}

impl Gates {
    pub fn pods(&self) -> PodGates {
        PodGates {
            readiness_timeout: self.readiness_timeout,
            max_restarts: self.max_restarts,
        }
    }
}

impl Default for Gates {
    fn default() -> Self {
        Gates {
            readiness_timeout: default_readiness(),
            max_restarts: default_restarts(),
            soak: Duration::ZERO,
            timeout: default_timeout(),
            http: Vec::new(),
            prometheus: Vec::new(),
        }
    }
}

/// One workload's planned change.
#[derive(Debug, Clone)]
pub struct Planned {
    pub workload: WorkloadRef,
    pub images: Vec<ImageChange>,
    pub changes: Vec<Change>,
    /// The resourceVersion the plan was read at: the patch carries it, so the
    /// apiserver answers 409 if anything changed since, and the release re-reads.
    pub resource_version: Option<String>,
}

impl Planned {
    pub fn patch(&self) -> Value {
        let mut p = patch::guarded(&self.changes);
        if let (Some(rv), Value::Array(ops)) = (&self.resource_version, &mut p) {
            ops.push(serde_json::json!({"op": "replace", "path": "/metadata/resourceVersion", "value": rv}));
        }
        p
    }
    pub fn inverse(&self) -> Value {
        patch::guarded(&patch::inverse(&self.changes))
    }
}

/// Plans the image change for each workload from its live state.
pub async fn plan(
    c: &Cluster,
    workloads: &[WorkloadRef],
    image_name: &str,
    new_image: &str,
) -> Result<Vec<Planned>, ReleaseError> {
    let mut out = Vec::new();
    for w in workloads {
        let (live, resource_version) = workload::live_containers(c, w).await?;
        let mut images = Vec::new();
        let mut changes = Vec::new();
        for lc in live
            .iter()
            .filter(|lc| crate::gitops::image_name(&lc.image) == image_name)
        {
            if lc.image == new_image {
                continue;
            }
            changes.push(Change::replace(
                lc.image_path(),
                Value::String(lc.image.clone()),
                Value::String(new_image.to_string()),
            ));
            images.push(ImageChange {
                container: lc.name.clone(),
                init: lc.init,
                old: lc.image.clone(),
                new: new_image.to_string(),
            });
        }
        if live
            .iter()
            .all(|lc| crate::gitops::image_name(&lc.image) != image_name)
        {
            return Err(ReleaseError::Plan(format!(
                "{w} does not run {image_name} in the cluster (its images: {}); is the environment synced?",
                live.iter()
                    .map(|l| l.image.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if !changes.is_empty() {
            out.push(Planned {
                workload: w.clone(),
                images,
                changes,
                resource_version,
            });
        }
    }
    Ok(out)
}

/// How a release ended; the exit code follows from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    /// A gate failed and the release was undone (exit 3).
    RolledBack(String),
    /// A gate failed and `--no-undo` left it (exit 1).
    Failed(String),
    /// A gate failed but someone changed the workload since; nothing was undone (exit 4).
    UndoRefused(String),
    /// Ctrl-C (exit 130).
    Interrupted(String),
}

/// Release settings.
#[derive(Debug, Clone)]
pub struct Options {
    pub env: Option<String>,
    pub gates: Gates,
    pub no_undo: bool,
    pub undo_on_interrupt: bool,
    /// Records `undo_of` for undo releases.
    pub undo_of: Option<u64>,
}

/// Progress lines (stderr or JSON lines), supplied by the command.
pub type Report<'a> = &'a (dyn Fn(&str) + Sync);

fn holder() -> String {
    format!("{}/{}", history::who(), std::process::id())
}

/// Runs a release of the planned changes; see [`Outcome`].
pub async fn run(
    c: &Cluster,
    plans: &[Planned],
    opts: &Options,
    report: Report<'_>,
) -> Result<Outcome, ReleaseError> {
    let me = holder();
    // 1. Locks, all or none.
    let mut locks: Vec<Lock> = Vec::new();
    for p in plans {
        match workload::lock(c, &p.workload, &me).await {
            Ok(l) => locks.push(l),
            Err(e) => {
                for l in &locks {
                    let _ = l.release(c).await;
                }
                return Err(e.into());
            }
        }
    }
    let result = run_locked(c, plans, opts, report, &locks).await;
    for l in &locks {
        let _ = l.release(c).await;
    }
    result
}

async fn set_status(
    c: &Cluster,
    w: &WorkloadRef,
    rev: u64,
    status: Status,
    reason: Option<String>,
) -> Result<(), ClusterError> {
    workload::update_records(c, w, |recs| {
        if let Some(r) = recs.iter_mut().find(|r| r.revision == rev) {
            r.status = status;
            r.reason = reason.clone();
            if status != Status::InProgress {
                r.finished = Some(history::now());
            }
        }
    })
    .await
}

async fn run_locked(
    c: &Cluster,
    plans: &[Planned],
    opts: &Options,
    report: Report<'_>,
    locks: &[Lock],
) -> Result<Outcome, ReleaseError> {
    // 2. Record, then patch, each workload.
    let mut revs: Vec<u64> = Vec::new();
    let mut patched: Vec<usize> = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        let record = Record {
            revision: 0,
            started: history::now(),
            finished: None,
            user: history::who(),
            env: opts.env.clone(),
            workload: p.workload.clone(),
            images: p.images.clone(),
            patch: p.patch(),
            inverse: p.inverse(),
            status: Status::InProgress,
            reason: None,
            undo_of: opts.undo_of,
        };
        let rev =
            workload::update_records(c, &p.workload, |recs| history::push(recs, record.clone()))
                .await?;
        revs.push(rev);
        let mut attempts = 0;
        let mut current = p.clone();
        // Fault injection for tests: widen the window between reading and patching.
        if let Some(ms) = std::env::var("KUBECTL_RELEASE_FAULT_PATCH_DELAY_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        loop {
            match workload::apply_patch(c, &current.workload, &current.patch()).await {
                Ok(()) => break,
                Err(PatchFailure::Conflict(m)) if attempts < 10 => {
                    attempts += 1;
                    report(&format!(
                        "{}: conflict ({m}); retrying with fresh state",
                        p.workload
                    ));
                    // Re-read: the image must still be the one planned from, else stop.
                    let new = p.images.first().map(|i| i.new.clone()).unwrap_or_default();
                    let fresh = plan(
                        c,
                        std::slice::from_ref(&p.workload),
                        crate::gitops::image_name(&new),
                        &new,
                    )
                    .await?;
                    match fresh.into_iter().next() {
                        Some(f) if f.images == p.images => current = f,
                        _ => {
                            let why = format!(
                                "{} changed since the release was planned (its image is no longer {})",
                                p.workload,
                                p.images.first().map(|x| x.old.as_str()).unwrap_or("?")
                            );
                            set_status(
                                c,
                                &p.workload,
                                rev,
                                Status::Failed,
                                Some(format!("not patched: {why}")),
                            )
                            .await?;
                            undo_all(c, plans, &patched, report).await?;
                            return Err(ReleaseError::Plan(why));
                        }
                    }
                }
                Err(f) => {
                    let why = match f {
                        PatchFailure::TestFailed(m) => format!(
                            "{} changed since the release was planned (its image is no longer {}): {m}",
                            p.workload,
                            p.images.first().map(|x| x.old.as_str()).unwrap_or("?")
                        ),
                        PatchFailure::Conflict(m) => {
                            format!("{}: conflicts kept happening: {m}", p.workload)
                        }
                        PatchFailure::Other(e) => e.to_string(),
                    };
                    set_status(
                        c,
                        &p.workload,
                        rev,
                        Status::Failed,
                        Some(format!("not patched: {why}")),
                    )
                    .await?;
                    // Put back what was already patched in this release.
                    undo_all(c, plans, &patched, report).await?;
                    return Err(ReleaseError::Plan(why));
                }
            }
        }
        patched.push(i);
        report(&format!(
            "{}: patched {}",
            p.workload,
            p.images
                .iter()
                .map(|x| format!("{} {} -> {}", x.container, x.old, x.new))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    // 3. Watch behind the gates.
    let verdict = watch(c, plans, &opts.gates, locks, report, false).await;
    match verdict {
        WatchEnd::Healthy => {
            for (p, rev) in plans.iter().zip(&revs) {
                set_status(c, &p.workload, *rev, Status::Succeeded, None).await?;
            }
            Ok(Outcome::Succeeded)
        }
        WatchEnd::Interrupted(state) => {
            if opts.undo_on_interrupt {
                report("interrupted: undoing as asked (--undo-on-interrupt)");
                let why = format!("interrupted while {state}");
                return finish_undo(c, plans, &patched, &revs, report, why, &opts.gates, locks)
                    .await;
            }
            for (p, rev) in plans.iter().zip(&revs) {
                set_status(
                    c,
                    &p.workload,
                    *rev,
                    Status::Interrupted,
                    Some(format!("interrupted while {state}")),
                )
                .await?;
            }
            Ok(Outcome::Interrupted(state))
        }
        WatchEnd::Superseded(why) => {
            report(&format!("stopped: {why}"));
            for (p, rev) in plans.iter().zip(&revs) {
                set_status(c, &p.workload, *rev, Status::UndoRefused, Some(why.clone())).await?;
            }
            Ok(Outcome::UndoRefused(format!("{why}; nothing was undone")))
        }
        WatchEnd::Failed(why) => {
            report(&format!("gate failed: {why}"));
            if opts.no_undo {
                for (p, rev) in plans.iter().zip(&revs) {
                    set_status(c, &p.workload, *rev, Status::Failed, Some(why.clone())).await?;
                }
                return Ok(Outcome::Failed(why));
            }
            finish_undo(c, plans, &patched, &revs, report, why, &opts.gates, locks).await
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn finish_undo(
    c: &Cluster,
    plans: &[Planned],
    patched: &[usize],
    revs: &[u64],
    report: Report<'_>,
    why: String,
    gates: &Gates,
    locks: &[Lock],
) -> Result<Outcome, ReleaseError> {
    let refused = undo_all(c, plans, patched, report).await?;
    if !refused.is_empty() {
        for (p, rev) in plans.iter().zip(revs) {
            let status = if refused.contains(&p.workload) {
                Status::UndoRefused
            } else {
                Status::RolledBack
            };
            set_status(c, &p.workload, *rev, status, Some(why.clone())).await?;
        }
        return Ok(Outcome::UndoRefused(format!(
            "{why}; not undone because {} changed since the release (someone else edited it): left untouched",
            refused
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    // Watch the undo until healthy (Kubernetes progress only).
    let undo_gates = Gates {
        soak: Duration::ZERO,
        http: Vec::new(),
        prometheus: Vec::new(),
        ..gates.clone()
    };
    let undo_plans: Vec<Planned> = plans
        .iter()
        .map(|p| Planned {
            resource_version: None,
            workload: p.workload.clone(),
            images: p
                .images
                .iter()
                .map(|i| ImageChange {
                    old: i.new.clone(),
                    new: i.old.clone(),
                    ..i.clone()
                })
                .collect(),
            changes: patch::inverse(&p.changes),
        })
        .collect();
    let end = watch(c, &undo_plans, &undo_gates, locks, report, true).await;
    let note = match end {
        WatchEnd::Healthy => String::new(),
        WatchEnd::Failed(m) => format!("; the undo itself is not healthy: {m}"),
        WatchEnd::Superseded(m) => format!("; the undo was superseded: {m}"),
        WatchEnd::Interrupted(s) => format!("; interrupted while watching the undo ({s})"),
    };
    for (p, rev) in plans.iter().zip(revs) {
        set_status(
            c,
            &p.workload,
            *rev,
            Status::RolledBack,
            Some(format!("{why}{note}")),
        )
        .await?;
    }
    Ok(Outcome::RolledBack(format!("{why}{note}")))
}

/// Applies the inverse patches of the patched workloads; returns those refused
/// because they changed since (their `test` op failed).
async fn undo_all(
    c: &Cluster,
    plans: &[Planned],
    patched: &[usize],
    report: Report<'_>,
) -> Result<Vec<WorkloadRef>, ReleaseError> {
    let mut refused = Vec::new();
    for &i in patched {
        let p = &plans[i];
        let mut attempts = 0;
        loop {
            match workload::apply_patch(c, &p.workload, &p.inverse()).await {
                Ok(()) => {
                    report(&format!("{}: undo applied", p.workload));
                    break;
                }
                Err(PatchFailure::Conflict(_)) if attempts < 5 => attempts += 1,
                Err(PatchFailure::TestFailed(m)) => {
                    report(&format!(
                        "{}: not undone, it changed since the release: {m}",
                        p.workload
                    ));
                    refused.push(p.workload.clone());
                    break;
                }
                Err(PatchFailure::Conflict(m)) => {
                    return Err(ReleaseError::Plan(format!(
                        "{}: undo kept conflicting: {m}",
                        p.workload
                    )));
                }
                Err(PatchFailure::Other(e)) => return Err(e.into()),
            }
        }
    }
    Ok(refused)
}

enum WatchEnd {
    Healthy,
    Failed(String),
    Interrupted(String),
    /// Someone else changed the workload's images mid-rollout.
    Superseded(String),
}

/// Watches until every workload is healthy (and stays so through the soak and
/// metric gates), a gate fails, the timeout passes, or Ctrl-C.
async fn watch(
    c: &Cluster,
    plans: &[Planned],
    gates: &Gates,
    locks: &[Lock],
    report: Report<'_>,
    is_undo: bool,
) -> WatchEnd {
    let started = Instant::now();
    // Pod events in the namespaces involved wake the loop at once; a tick covers time-based gates.
    let mut namespaces: Vec<String> = plans.iter().map(|p| p.workload.namespace.clone()).collect();
    namespaces.sort();
    namespaces.dedup();
    let mut streams = futures::stream::select_all(namespaces.iter().map(|ns| {
        watcher(
            Api::<Pod>::namespaced(c.client.clone(), ns),
            watcher::Config::default(),
        )
        .default_backoff()
        .map(|_| ())
        .boxed()
    }));
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let mut renew = tokio::time::interval(Duration::from_secs(20));
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut complete_since: Option<Instant> = None;
    let mut last_line = String::new();
    let mut api_errors = 0u32;
    let mut metric_tallies: Vec<Tally> =
        vec![Tally::default(); gates.http.len() + gates.prometheus.len()];
    let mut next_measure = Instant::now();
    loop {
        tokio::select! {
            _ = &mut ctrl_c => {
                return WatchEnd::Interrupted(if last_line.is_empty() { "starting".into() } else { last_line });
            }
            _ = renew.tick() => {
                for l in locks { let _ = l.renew(c).await; }
                continue;
            }
            _ = streams.next() => {}
            _ = tick.tick() => {}
        }
        if started.elapsed() > gates.timeout {
            return WatchEnd::Failed(format!(
                "timed out after {}s ({})",
                gates.timeout.as_secs(),
                if last_line.is_empty() {
                    "no progress".to_string()
                } else {
                    last_line
                }
            ));
        }
        let mut all_complete = true;
        let mut waiting = Vec::new();
        for p in plans {
            match workload::state(c, &p.workload).await {
                Ok(s) => {
                    api_errors = 0;
                    if let Some(img) = p
                        .images
                        .iter()
                        .find(|i| !s.template_images.contains(&i.new))
                    {
                        return WatchEnd::Superseded(format!(
                            "{} no longer runs {} (now {}): someone else changed it during the rollout",
                            p.workload,
                            img.new,
                            s.template_images.join(", ")
                        ));
                    }
                    let verdict = if is_undo {
                        rollout::progress(&s)
                    } else {
                        rollout::judge(&s, &gates.pods())
                    };
                    match verdict {
                        Verdict::Failed(why) => {
                            return WatchEnd::Failed(format!("{}: {why}", p.workload));
                        }
                        Verdict::Progressing(m) => {
                            all_complete = false;
                            waiting.push(format!("{}: {m}", p.workload.name));
                        }
                        Verdict::Complete => {}
                    }
                }
                Err(e) => {
                    // The API may be restarting: keep watching until the timeout.
                    api_errors += 1;
                    all_complete = false;
                    if api_errors == 1 || api_errors.is_multiple_of(20) {
                        report(&format!("cannot read rollout state ({e}); retrying"));
                    }
                }
            }
        }
        if !all_complete {
            complete_since = None;
            let line = waiting.join("; ");
            if line != last_line && !line.is_empty() {
                report(&line);
                last_line = line;
            }
            continue;
        }
        let since = *complete_since.get_or_insert_with(|| {
            report(if is_undo {
                "undo rolled out"
            } else {
                "rollout complete"
            });
            Instant::now()
        });
        if is_undo {
            return WatchEnd::Healthy;
        }
        // Metric gates: one measurement per interval, `count` of them.
        let mut metrics_done = true;
        for (i, g) in gates.http.iter().enumerate() {
            if metric_tallies[i].measured < g.count {
                metrics_done = false;
            }
        }
        for (j, g) in gates.prometheus.iter().enumerate() {
            if metric_tallies[gates.http.len() + j].measured < g.count {
                metrics_done = false;
            }
        }
        if !metrics_done && Instant::now() >= next_measure {
            let mut min_interval = Duration::from_secs(3600);
            for (i, g) in gates.http.iter().enumerate() {
                if metric_tallies[i].measured < g.count {
                    let r = measure_http(g).await;
                    if let Err(e) = &r {
                        report(&format!("http gate {}: {e}", g.url));
                    } else if r == Ok(false) {
                        report(&format!("http gate {}: failed measurement", g.url));
                    }
                    metric_tallies[i].record(r);
                    if metric_tallies[i].failed(g.failure_limit, g.consecutive_error_limit) {
                        return WatchEnd::Failed(format!(
                            "http gate {} failed ({} failed, {} errors)",
                            g.url, metric_tallies[i].failed, metric_tallies[i].errors
                        ));
                    }
                    min_interval = min_interval.min(g.interval);
                }
            }
            for (j, g) in gates.prometheus.iter().enumerate() {
                let t = &mut metric_tallies[gates.http.len() + j];
                if t.measured < g.count {
                    let r = measure_prometheus(g).await;
                    match &r {
                        Err(e) => report(&format!("prometheus gate {:?}: {e}", g.query)),
                        Ok(false) => report(&format!(
                            "prometheus gate {:?}: value not {}",
                            g.query, g.threshold
                        )),
                        Ok(true) => {}
                    }
                    t.record(r);
                    if t.failed(g.failure_limit, g.consecutive_error_limit) {
                        return WatchEnd::Failed(format!(
                            "prometheus gate {:?} failed ({} failed, {} errors)",
                            g.query, t.failed, t.errors
                        ));
                    }
                    min_interval = min_interval.min(g.interval);
                }
            }
            next_measure = Instant::now() + min_interval;
            continue;
        }
        if metrics_done && since.elapsed() >= gates.soak {
            return WatchEnd::Healthy;
        }
    }
}

async fn measure_http(g: &HttpGate) -> Result<bool, String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let method = reqwest::Method::from_bytes(g.method.as_bytes()).map_err(|e| e.to_string())?;
    let resp = client
        .request(method, &g.url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if resp.status().as_u16() != g.expect_status {
        return Ok(false);
    }
    match (&g.json_path, &g.equals) {
        (Some(path), Some(want)) => {
            let v: Value = resp
                .json()
                .await
                .map_err(|e| format!("body is not JSON: {e}"))?;
            Ok(rollout::json_path(&v, path) == Some(want))
        }
        _ => Ok(true),
    }
}

async fn measure_prometheus(g: &PrometheusGate) -> Result<bool, String> {
    let threshold = Threshold::parse(&g.threshold)?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("{}/api/v1/query", g.address.trim_end_matches('/'));
    let resp = client
        .get(&url)
        .query(&[("query", g.query.as_str())])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let v: Value = resp.json().await.map_err(|e| e.to_string())?;
    if v.get("status").and_then(Value::as_str) != Some("success") {
        return Err(format!(
            "query failed: {}",
            v.get("error")
                .and_then(Value::as_str)
                .unwrap_or("unknown error")
        ));
    }
    let result = &v["data"]["result"];
    let value = match v["data"]["resultType"].as_str() {
        Some("vector") => result
            .get(0)
            .and_then(|s| s["value"].get(1))
            .and_then(Value::as_str),
        Some("scalar") => result.get(1).and_then(Value::as_str),
        _ => None,
    }
    .ok_or_else(|| "the query returned no sample".to_string())?;
    let x: f64 = value
        .parse()
        .map_err(|_| format!("sample {value:?} is not a number"))?;
    Ok(threshold.holds(x))
}
