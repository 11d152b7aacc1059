//! Watching a rollout: snapshots of the workloads on every pod event (and a tick), judged by [`super::rollout`].
//!
//! Ends when every workload is healthy and stays so through the soak and the
//! metric gates, a gate fails, the timeout passes, someone else changes a
//! workload's images, or cancellation is requested. Reports [`Event`]s as it goes.

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::runtime::{WatchStreamExt, watcher};
use tokio_util::sync::CancellationToken;

use super::event::{Event, Observer, Phase};
use super::gates::{self, GateFailure, Gates, Measurement};
use super::plan::Planned;
use super::record::WorkloadRef;
use super::rollout::{self, Tally, Verdict, WorkloadState};
use crate::cluster::lock::{Lock, RENEW_EVERY};
use crate::cluster::{Cluster, workload};

/// How a watch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    Healthy,
    Failed(GateFailure),
    /// Cancelled: what it was waiting for at that moment.
    Interrupted(String),
    /// Someone else changed a workload's images mid-rollout.
    Superseded {
        workload: WorkloadRef,
        images: Vec<String>,
    },
}

/// Pod events in `namespaces`, as a stream of wake-ups that survives API server restarts.
fn pod_wakeups(
    c: &Cluster,
    namespaces: &[String],
) -> futures::stream::SelectAll<futures::stream::BoxStream<'static, ()>> {
    futures::stream::select_all(namespaces.iter().map(|ns| {
        watcher(
            Api::<Pod>::namespaced(c.client.clone(), ns),
            watcher::Config::default(),
        )
        .default_backoff()
        .map(|_| ())
        .boxed()
    }))
}

fn namespaces_of<'a>(workloads: impl Iterator<Item = &'a WorkloadRef>) -> Vec<String> {
    let mut namespaces: Vec<String> = workloads.map(|w| w.namespace.clone()).collect();
    namespaces.sort();
    namespaces.dedup();
    namespaces
}

/// What was last reported of a workload's progress.
type Seen = Option<(i64, i64, i64, Option<String>)>;

/// Reports a snapshot's progress when it differs from what was last reported.
fn report_progress(
    seen: &mut Seen,
    obs: &dyn Observer,
    w: &WorkloadRef,
    phase: Phase,
    s: &WorkloadState,
    waiting: Option<String>,
) {
    let now = Some((s.desired, s.updated, s.available, waiting.clone()));
    if *seen != now {
        obs.event(&Event::Progress {
            workload: w.clone(),
            phase,
            desired: s.desired,
            updated: s.updated,
            available: s.available,
            waiting,
        });
        *seen = now;
    }
}

/// Watches `plans` until they are healthy through every gate or something ends it.
/// An undo is judged by Kubernetes progress only (its pods are the old, good ones).
#[allow(clippy::too_many_arguments)]
pub async fn watch(
    c: &Cluster,
    plans: &[Planned],
    gates: &Gates,
    locks: &[Lock],
    delivery: &dyn super::Delivery,
    obs: &dyn Observer,
    cancel: &CancellationToken,
    phase: Phase,
) -> End {
    let started = Instant::now();
    // Pod events in the namespaces involved wake the loop at once; a tick covers time-based gates.
    let mut wakeups = pod_wakeups(c, &namespaces_of(plans.iter().map(|p| &p.workload)));
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let mut renew = tokio::time::interval(RENEW_EVERY);
    let mut complete_since: Option<Instant> = None;
    // What each workload waits for, to report changes only.
    let mut seen: Vec<Seen> = vec![None; plans.len()];
    let mut waiting_summary = String::new();
    let mut api_errors = 0u32;
    let mut tallies: Vec<Tally> = vec![Tally::default(); gates.http.len() + gates.prometheus.len()];
    let mut next_measure = Instant::now();
    loop {
        tokio::select! {
            _ = cancel.cancelled() => {
                let state = if waiting_summary.is_empty() { "starting".to_string() } else { waiting_summary };
                obs.event(&Event::Interrupted { state: state.clone() });
                return End::Interrupted(state);
            }
            _ = renew.tick() => {
                for l in locks {
                    if let Err(e) = l.renew(c).await {
                        // Not fatal: the lease lasts three renewals; but say so.
                        obs.event(&Event::ApiError { message: e.to_string(), attempts: 1 });
                    }
                }
                continue;
            }
            _ = wakeups.next() => {}
            _ = tick.tick() => {}
        }
        if started.elapsed() > gates.timeout {
            let failure = GateFailure::Timeout {
                after_secs: gates.timeout.as_secs(),
                waiting: if waiting_summary.is_empty() {
                    "no progress".to_string()
                } else {
                    waiting_summary
                },
            };
            obs.event(&Event::GateFailed {
                failure: failure.clone(),
            });
            return End::Failed(failure);
        }
        let mut all_complete = true;
        let mut waiting = Vec::new();
        for (i, p) in plans.iter().enumerate() {
            let s = match workload::state(c, &p.workload).await {
                Ok(s) => {
                    api_errors = 0;
                    s
                }
                Err(e) => {
                    // The API may be restarting: keep watching until the timeout.
                    api_errors += 1;
                    all_complete = false;
                    if api_errors == 1 || api_errors.is_multiple_of(20) {
                        obs.event(&Event::ApiError {
                            message: e.to_string(),
                            attempts: api_errors,
                        });
                    }
                    continue;
                }
            };
            if p.images.iter().any(|i| !s.template_images.contains(&i.new)) {
                obs.event(&Event::Superseded {
                    workload: p.workload.clone(),
                    images: s.template_images.clone(),
                });
                return End::Superseded {
                    workload: p.workload.clone(),
                    images: s.template_images,
                };
            }
            let verdict = match phase {
                Phase::Undo => rollout::progress(&s),
                Phase::Release => rollout::judge(&s, &gates.pods()),
            };
            let now_waiting = match verdict {
                Verdict::Failed(failure) => {
                    let failure = GateFailure::Rollout {
                        workload: p.workload.clone(),
                        failure,
                    };
                    obs.event(&Event::GateFailed {
                        failure: failure.clone(),
                    });
                    return End::Failed(failure);
                }
                Verdict::Progressing(m) => {
                    all_complete = false;
                    waiting.push(format!("{}: {m}", p.workload.name));
                    Some(m)
                }
                Verdict::Complete => None,
            };
            report_progress(&mut seen[i], obs, &p.workload, phase, &s, now_waiting);
        }
        // The delivery's own gate (Argo CD's health of the Application), while releasing.
        if phase == Phase::Release
            && let Some(failure) = delivery.check(c).await
        {
            obs.event(&Event::GateFailed {
                failure: failure.clone(),
            });
            return End::Failed(failure);
        }
        if !all_complete {
            complete_since = None;
            if !waiting.is_empty() {
                waiting_summary = waiting.join("; ");
            }
            continue;
        }
        let since = *complete_since.get_or_insert_with(|| {
            obs.event(&Event::RolloutComplete { phase });
            Instant::now()
        });
        if phase == Phase::Undo {
            return End::Healthy;
        }
        waiting_summary = "soaking and measuring the metric gates".into();
        // Metric gates: one measurement per interval, `count` of them.
        let http_n = gates.http.len();
        let metrics_done = gates
            .http
            .iter()
            .map(|g| g.count)
            .chain(gates.prometheus.iter().map(|g| g.count))
            .zip(&tallies)
            .all(|(count, t)| t.measured >= count);
        if !metrics_done && Instant::now() >= next_measure {
            let mut min_interval = Duration::from_secs(3600);
            for (i, g) in gates.http.iter().enumerate() {
                if tallies[i].measured < g.count {
                    let r = gates::measure_http(g).await;
                    if let Some(failure) = record_measurement(
                        obs,
                        &mut tallies[i],
                        g.id(),
                        r,
                        (g.failure_limit, g.consecutive_error_limit),
                    ) {
                        return End::Failed(failure);
                    }
                    min_interval = min_interval.min(g.interval);
                }
            }
            for (j, g) in gates.prometheus.iter().enumerate() {
                let t = &mut tallies[http_n + j];
                if t.measured < g.count {
                    let r = gates::measure_prometheus(g).await;
                    if let Some(failure) = record_measurement(
                        obs,
                        t,
                        g.id(),
                        r,
                        (g.failure_limit, g.consecutive_error_limit),
                    ) {
                        return End::Failed(failure);
                    }
                    min_interval = min_interval.min(g.interval);
                }
            }
            next_measure = Instant::now() + min_interval;
            continue;
        }
        if metrics_done && since.elapsed() >= gates.soak {
            return End::Healthy;
        }
    }
}

/// Counts one measurement; the gate's failure when its limits are passed.
fn record_measurement(
    obs: &dyn Observer,
    tally: &mut Tally,
    gate: gates::MetricGate,
    r: Result<bool, String>,
    (failure_limit, error_limit): (u32, u32),
) -> Option<GateFailure> {
    obs.event(&Event::Measured {
        gate: gate.clone(),
        measurement: Measurement::from_result(&r),
    });
    tally.record(r);
    if !tally.failed(failure_limit, error_limit) {
        return None;
    }
    let failure = match gate {
        gates::MetricGate::Http { url } => GateFailure::Http {
            url,
            failed: tally.failed,
            errors: tally.errors,
        },
        gates::MetricGate::Prometheus { query, .. } => GateFailure::Prometheus {
            query,
            failed: tally.failed,
            errors: tally.errors,
        },
    };
    obs.event(&Event::GateFailed {
        failure: failure.clone(),
    });
    Some(failure)
}

/// Watches workloads without releasing anything (`status -w`): progress events
/// until all are healthy (`Ok(true)`), one fails (`Ok(false)` after its
/// `GateFailed` event), the timeout passes (`Ok(false)`), or cancellation.
pub async fn observe(
    c: &Cluster,
    workloads: &[WorkloadRef],
    gates: &Gates,
    obs: &dyn Observer,
    cancel: &CancellationToken,
    keep_watching: bool,
) -> Result<bool, crate::cluster::ClusterError> {
    let started = Instant::now();
    let mut wakeups = pod_wakeups(c, &namespaces_of(workloads.iter()));
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let mut seen: Vec<Seen> = vec![None; workloads.len()];
    loop {
        let mut healthy = true;
        for (i, w) in workloads.iter().enumerate() {
            let s = workload::state(c, w).await?;
            let waiting = match rollout::judge(&s, &gates.pods()) {
                Verdict::Complete => None,
                Verdict::Progressing(m) => {
                    healthy = false;
                    Some(m)
                }
                Verdict::Failed(failure) => {
                    report_progress(&mut seen[i], obs, w, Phase::Release, &s, None);
                    obs.event(&Event::GateFailed {
                        failure: GateFailure::Rollout {
                            workload: w.clone(),
                            failure,
                        },
                    });
                    return Ok(false);
                }
            };
            report_progress(&mut seen[i], obs, w, Phase::Release, &s, waiting);
        }
        if healthy {
            return Ok(true);
        }
        if !keep_watching {
            return Ok(false);
        }
        if started.elapsed() > gates.timeout {
            obs.event(&Event::GateFailed {
                failure: GateFailure::Timeout {
                    after_secs: gates.timeout.as_secs(),
                    waiting: "not healthy".into(),
                },
            });
            return Ok(false);
        }
        tokio::select! {
            _ = cancel.cancelled() => return Ok(false),
            _ = wakeups.next() => {}
            _ = tick.tick() => {}
        }
    }
}
