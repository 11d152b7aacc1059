//! Releases a webhook process left unfinished (SIGTERM after the grace period, a crash, a lost node): found in the release records, taken over, gated again.
//!
//! The records are watched (the history ConfigMaps in the watched namespaces),
//! so a replica sees at once when another one hands a release over as
//! interrupted, and a restarted server sees its own leftovers on start. A
//! record is taken over when it is the workload's newest, was started by a
//! webhook (`via` names it), is `interrupted` or `in-progress` with a Lease
//! nobody holds any more (freed, expired, or its process gone on this host),
//! and the workload still runs the image it released. Taking over is a release
//! through the engine of the same change with a [`Delivery`] that does not
//! deliver (the image is live already): the engine takes the Lease (closing the
//! stale record), records, watches behind the gates and undoes on failure, as
//! for any release. A release that went through Argo CD is not taken over (its
//! undo is a git revert: `kubectl release undo`).

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::Api;
use kube::runtime::{WatchStreamExt, watcher};

use super::coordinator::{self, Shared};
use crate::cluster::{Cluster, lock, workload};
use crate::release::record::{self, Record, Status};
use crate::release::{
    Cancellation, Cause, Delivery, LivePatch, Notes, Observer, Planned, RecordNotes, ReleaseError,
    TakenBack,
};

/// The change is live already: delivering does nothing; taking it back is the inverse patch.
pub struct AlreadyDelivered;

impl Delivery for AlreadyDelivered {
    fn deliver<'a>(
        &'a self,
        _c: &'a Cluster,
        _plans: &'a [Planned],
        _notes: &'a RecordNotes<'a>,
        _obs: &'a dyn Observer,
        _cancel: &'a Cancellation,
    ) -> BoxFuture<'a, Result<Notes, ReleaseError>> {
        Box::pin(async { Ok(Notes::default()) })
    }

    /// As a live patch is taken back: the inverse patch.
    fn take_back<'a>(
        &'a self,
        c: &'a Cluster,
        plans: &'a [Planned],
        cause: &'a Cause,
        notes: &'a RecordNotes<'a>,
        obs: &'a dyn Observer,
        cancel: &'a Cancellation,
    ) -> BoxFuture<'a, Result<TakenBack, ReleaseError>> {
        LivePatch.take_back(c, plans, cause, notes, obs, cancel)
    }
}

/// Whether a record is one a webhook started and did not finish.
pub fn unfinished(r: &Record) -> bool {
    r.undo_of.is_none()
        && matches!(r.status, Status::InProgress | Status::Interrupted)
        && r.actor
            .via
            .as_deref()
            .is_some_and(|v| v.starts_with("webhook"))
}

/// The newest record of a history ConfigMap.
fn newest(cm: &ConfigMap) -> Option<Record> {
    let text = cm.data.as_ref()?.get("records.json")?;
    let recs: Vec<Record> = serde_json::from_str(text).ok()?;
    recs.into_iter().max_by_key(|r| r.revision)
}

/// Looks at a workload's newest record and takes it over if it is due; when its
/// Lease is still held by a holder that may be alive, looks again when it expires.
pub async fn consider(shared: Arc<Shared>, rec: Record) {
    if shared.stopping.is_cancelled() || !unfinished(&rec) || shared.busy(&rec.workload) {
        return;
    }
    if rec.git.is_some() && rec.argocd.is_some() {
        shared.log.warn(
            "unfinished-argocd-release",
            serde_json::json!({"workload": rec.workload.to_string(), "revision": rec.revision,
                "message": "a release through Argo CD was left unfinished; its undo is a git revert: `kubectl release undo` the workload if it is bad"}),
        );
        return;
    }
    let c = &shared.cluster;
    if rec.status == Status::InProgress {
        match lock::read(c, &rec.workload).await {
            Ok(None) => {}
            Ok(Some(h)) if h.expired || lock::holder_gone(&h.holder) => {}
            Ok(Some(h)) => {
                // Someone holds it and may be alive: look again once its lease would have run out.
                let wait = (lock::LOCK_SECONDS as u64 + 1).saturating_sub(h.renewed_ago.min(60));
                later(
                    shared.clone(),
                    rec.workload.clone(),
                    Duration::from_secs(wait.max(1)),
                );
                return;
            }
            Err(e) => {
                shared.log.warn(
                    "adopt",
                    serde_json::json!({"workload": rec.workload.to_string(), "message": e.to_string()}),
                );
                return;
            }
        }
    }
    // Only while the workload still runs what the record released.
    let Ok((live, _)) = workload::live_containers(c, &rec.workload).await else {
        return;
    };
    let still = rec.images.iter().all(|i| {
        live.iter()
            .any(|l| l.name == i.container && l.init == i.init && l.image == i.new)
    });
    if !still {
        return;
    }
    coordinator::resume(&shared, rec);
}

/// Looks at `w`'s records again after `after`.
fn later(shared: Arc<Shared>, w: record::WorkloadRef, after: Duration) {
    tokio::spawn(async move {
        tokio::select! {
            _ = shared.stopping.cancelled() => {}
            _ = tokio::time::sleep(after) => {
                if let Ok((recs, _)) = crate::cluster::records::records(&shared.cluster, &w).await
                    && let Some(r) = recs.into_iter().max_by_key(|r| r.revision)
                {
                    consider(shared, r).await;
                }
            }
        }
    });
}

/// Watches the release records in `namespaces` (all when empty) and takes over what is due.
pub fn start(shared: Arc<Shared>, namespaces: &[String]) {
    let scopes: Vec<Option<String>> = if namespaces.is_empty() {
        vec![None]
    } else {
        namespaces.iter().cloned().map(Some).collect()
    };
    for ns in scopes {
        let api: Api<ConfigMap> = match &ns {
            Some(n) => Api::namespaced(shared.cluster.client.clone(), n),
            None => Api::all(shared.cluster.client.clone()),
        };
        let cfg = watcher::Config::default().labels(&format!("{}=true", record::HISTORY_LABEL));
        let shared = shared.clone();
        tokio::spawn(async move {
            let stream = watcher(api, cfg).default_backoff().applied_objects();
            let mut stream = std::pin::pin!(stream);
            loop {
                let next = tokio::select! {
                    _ = shared.stopping.cancelled() => return,
                    n = stream.next() => n,
                };
                match next {
                    None => return,
                    Some(Ok(cm)) => {
                        if let Some(r) = newest(&cm).filter(unfinished) {
                            tokio::spawn(consider(shared.clone(), r));
                        }
                    }
                    Some(Err(e)) => shared.log.warn(
                        "watch-error",
                        serde_json::json!({"message": format!("watching release records: {e}")}),
                    ),
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::record::{Actor, WorkloadRef};

    #[test]
    fn only_unfinished_webhook_releases() {
        let mut r = Record {
            revision: 3,
            started: String::new(),
            finished: None,
            user: String::new(),
            actor: Actor {
                via: Some("webhook native from 10.0.0.1".into()),
                ..Actor::default()
            },
            holder: None,
            env: None,
            workload: WorkloadRef {
                kind: "Deployment".into(),
                namespace: "n".into(),
                name: "a".into(),
            },
            images: vec![],
            patch: serde_json::Value::Null,
            inverse: serde_json::Value::Null,
            status: Status::Interrupted,
            reason: None,
            undo_of: None,
            git: None,
            argocd: None,
        };
        assert!(unfinished(&r));
        r.status = Status::InProgress;
        assert!(unfinished(&r));
        r.status = Status::Succeeded;
        assert!(!unfinished(&r));
        r.status = Status::Interrupted;
        r.actor.via = None;
        assert!(!unfinished(&r), "a person's Ctrl-C is theirs to resolve");
        r.actor.via = Some("argocd".into());
        assert!(!unfinished(&r));
    }
}
