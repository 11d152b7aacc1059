//! Workloads in the cluster: their live images, rollout state, guarded patches, locks and release records.

use std::time::Duration;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Pod, PodSpec, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::Value;

use super::{Cluster, ClusterError};
use crate::history::{self, Record, WorkloadRef};
use crate::rollout::{ContainerState, PodState, WorkloadKind, WorkloadState};

/// A container of a live workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveContainer {
    pub init: bool,
    pub index: usize,
    pub name: String,
    pub image: String,
}

impl LiveContainer {
    /// The JSON pointer of this container's image in the workload.
    pub fn image_path(&self) -> String {
        let list = if self.init {
            "initContainers"
        } else {
            "containers"
        };
        format!("/spec/template/spec/{list}/{}/image", self.index)
    }
}

fn kind_of(w: &WorkloadRef) -> Result<WorkloadKind, ClusterError> {
    WorkloadKind::parse(&w.kind).ok_or_else(|| ClusterError::Api {
        context: String::new(),
        message: format!("{w}: only Deployments, StatefulSets and DaemonSets can be released"),
    })
}

fn containers(spec: Option<&PodSpec>) -> Vec<LiveContainer> {
    let mut out = Vec::new();
    if let Some(s) = spec {
        for (i, c) in s.containers.iter().enumerate() {
            out.push(LiveContainer {
                init: false,
                index: i,
                name: c.name.clone(),
                image: c.image.clone().unwrap_or_default(),
            });
        }
        for (i, c) in s.init_containers.iter().flatten().enumerate() {
            out.push(LiveContainer {
                init: true,
                index: i,
                name: c.name.clone(),
                image: c.image.clone().unwrap_or_default(),
            });
        }
    }
    out
}

fn not_found_or(c: &Cluster, w: &WorkloadRef, e: kube::Error) -> ClusterError {
    match &e {
        kube::Error::Api(s) if s.code == 404 => ClusterError::Api {
            context: c.context.clone(),
            message: format!(
                "{w} not found; is the environment deployed (Argo CD synced) and the namespace right?"
            ),
        },
        kube::Error::Api(s) if s.code == 403 => ClusterError::Api {
            context: c.context.clone(),
            message: format!(
                "{w}: forbidden ({}); the release role needs this permission (README: RBAC)",
                s.message
            ),
        },
        _ => c.api_err(&w.to_string(), e),
    }
}

/// Runs `$body` with `$api` bound to the typed `Api` of the workload's kind
/// (the three workload kinds share the pod-template shape).
macro_rules! with_workload_api {
    ($c:expr, $w:expr, $kind:expr, |$api:ident| $body:expr) => {
        match $kind {
            WorkloadKind::Deployment => {
                let $api = Api::<Deployment>::namespaced($c.client.clone(), &$w.namespace);
                $body
            }
            WorkloadKind::StatefulSet => {
                let $api = Api::<StatefulSet>::namespaced($c.client.clone(), &$w.namespace);
                $body
            }
            WorkloadKind::DaemonSet => {
                let $api = Api::<DaemonSet>::namespaced($c.client.clone(), &$w.namespace);
                $body
            }
        }
    };
}

/// The containers of a live workload, and the resourceVersion they were read at.
pub async fn live_containers(
    c: &Cluster,
    w: &WorkloadRef,
) -> Result<(Vec<LiveContainer>, Option<String>), ClusterError> {
    Ok(with_workload_api!(c, w, kind_of(w)?, |api| {
        let d = api.get(&w.name).await.map_err(|e| not_found_or(c, w, e))?;
        (
            containers(d.spec.as_ref().and_then(|s| s.template.spec.as_ref())),
            d.metadata.resource_version,
        )
    }))
}

/// Why a patch did not apply.
#[derive(Debug)]
pub enum PatchFailure {
    /// A `test` op failed: the workload no longer has the value the patch expects.
    TestFailed(String),
    /// 409: retry with fresh state.
    Conflict(String),
    Other(ClusterError),
}

/// Applies an RFC 6902 patch (with its `test` guards) to a workload.
pub async fn apply_patch(c: &Cluster, w: &WorkloadRef, patch: &Value) -> Result<(), PatchFailure> {
    let p: json_patch::Patch = serde_json::from_value(patch.clone())
        .map_err(|e| PatchFailure::Other(c.api_err("building patch", e)))?;
    let pp = PatchParams {
        field_manager: Some("kubectl-release".into()),
        ..Default::default()
    };
    let kind = kind_of(w).map_err(PatchFailure::Other)?;
    let r = with_workload_api!(c, w, kind, |api| api
        .patch(&w.name, &pp, &Patch::<()>::Json(p))
        .await
        .map(|_| ()));
    match r {
        Ok(()) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 409 => Err(PatchFailure::Conflict(s.message.clone())),
        Err(kube::Error::Api(s))
            if s.code == 422
                || s.message.contains("test failed")
                || s.message.contains("testing value") =>
        {
            Err(PatchFailure::TestFailed(s.message.clone()))
        }
        Err(e) => Err(PatchFailure::Other(not_found_or(c, w, e))),
    }
}

fn selector_string(sel: &LabelSelector) -> String {
    let mut parts: Vec<String> = sel
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in sel.match_expressions.iter().flatten() {
        let vals = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({vals})", e.key),
            "NotIn" => format!("{} notin ({vals})", e.key),
            "Exists" => e.key.clone(),
            _ => format!("!{}", e.key),
        });
    }
    parts.join(",")
}

fn pod_state(p: &Pod) -> PodState {
    let now = k8s_openapi::jiff::Timestamp::now();
    let age = p
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| now.duration_since(t.0).as_secs().max(0) as u64)
        .unwrap_or(0);
    let status: PodStatus = p.status.clone().unwrap_or_default();
    let ready = status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "Ready" && c.status == "True");
    let mut cs = Vec::new();
    for c in status
        .container_statuses
        .iter()
        .flatten()
        .chain(status.init_container_statuses.iter().flatten())
    {
        let state = c.state.clone().unwrap_or_default();
        cs.push(ContainerState {
            name: c.name.clone(),
            waiting_reason: state.waiting.and_then(|w| w.reason),
            terminated_reason: state.terminated.and_then(|t| t.reason),
            last_terminated_reason: c
                .last_state
                .clone()
                .and_then(|l| l.terminated)
                .and_then(|t| t.reason),
            restart_count: c.restart_count.max(0) as u32,
            ready: c.ready,
        });
    }
    PodState {
        name: p.metadata.name.clone().unwrap_or_default(),
        phase: status.phase.unwrap_or_default(),
        ready,
        age: Duration::from_secs(age),
        containers: cs,
    }
}

async fn pods(c: &Cluster, ns: &str, selector: &str) -> Result<Vec<PodState>, ClusterError> {
    let list = Api::<Pod>::namespaced(c.client.clone(), ns)
        .list(&ListParams::default().labels(selector))
        .await
        .map_err(|e| c.api_err(&format!("listing pods {selector} in {ns}"), e))?;
    Ok(list
        .items
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(pod_state)
        .collect())
}

/// A snapshot of a workload's rollout: its status numbers and the pods of its newest revision.
pub async fn state(c: &Cluster, w: &WorkloadRef) -> Result<WorkloadState, ClusterError> {
    let ns = &w.namespace;
    let kind = kind_of(w)?;
    let mut s = WorkloadState {
        kind: Some(kind),
        ..Default::default()
    };
    match kind {
        WorkloadKind::Deployment => {
            let d = Api::<Deployment>::namespaced(c.client.clone(), ns)
                .get(&w.name)
                .await
                .map_err(|e| not_found_or(c, w, e))?;
            let spec = d.spec.clone().unwrap_or_default();
            let st = d.status.clone().unwrap_or_default();
            s.template_images = containers(spec.template.spec.as_ref())
                .into_iter()
                .map(|c| c.image)
                .collect();
            s.generation = d.metadata.generation.unwrap_or(0);
            s.observed_generation = st.observed_generation.unwrap_or(0);
            s.desired = spec.replicas.unwrap_or(1) as i64;
            s.updated = st.updated_replicas.unwrap_or(0) as i64;
            s.ready = st.ready_replicas.unwrap_or(0) as i64;
            s.available = st.available_replicas.unwrap_or(0) as i64;
            s.total = st.replicas.unwrap_or(0) as i64;
            s.paused = spec.paused.unwrap_or(false);
            s.progressing_reason = st
                .conditions
                .iter()
                .flatten()
                .find(|c| c.type_ == "Progressing")
                .and_then(|c| c.reason.clone());
            // The newest ReplicaSet: owned by this Deployment with its revision.
            let revision = d
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("deployment.kubernetes.io/revision"))
                .cloned();
            let selector = selector_string(&spec.selector);
            let uid = d.metadata.uid.clone().unwrap_or_default();
            let rss = Api::<ReplicaSet>::namespaced(c.client.clone(), ns)
                .list(&ListParams::default().labels(&selector))
                .await
                .map_err(|e| c.api_err(&format!("listing ReplicaSets of {w}"), e))?;
            let newest = rss
                .items
                .iter()
                .filter(|rs| {
                    rs.metadata
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|o| o.uid == uid)
                })
                .find(|rs| {
                    revision.is_some()
                        && rs
                            .metadata
                            .annotations
                            .as_ref()
                            .and_then(|a| a.get("deployment.kubernetes.io/revision"))
                            == revision.as_ref()
                });
            if let Some(hash) = newest
                .and_then(|rs| rs.metadata.labels.as_ref())
                .and_then(|l| l.get("pod-template-hash"))
            {
                s.new_pods = pods(c, ns, &format!("{selector},pod-template-hash={hash}")).await?;
            }
        }
        WorkloadKind::StatefulSet => {
            let d = Api::<StatefulSet>::namespaced(c.client.clone(), ns)
                .get(&w.name)
                .await
                .map_err(|e| not_found_or(c, w, e))?;
            let spec = d.spec.clone().unwrap_or_default();
            let st = d.status.clone().unwrap_or_default();
            s.template_images = containers(spec.template.spec.as_ref())
                .into_iter()
                .map(|c| c.image)
                .collect();
            s.generation = d.metadata.generation.unwrap_or(0);
            s.observed_generation = st.observed_generation.unwrap_or(0);
            s.desired = spec.replicas.unwrap_or(1) as i64;
            s.updated = st.updated_replicas.unwrap_or(0) as i64;
            s.ready = st.ready_replicas.unwrap_or(0) as i64;
            s.available = st.available_replicas.unwrap_or(0) as i64;
            s.total = st.replicas as i64;
            s.current_revision = st.current_revision.clone();
            s.update_revision = st.update_revision.clone();
            s.partition = spec
                .update_strategy
                .and_then(|u| u.rolling_update)
                .and_then(|r| r.partition)
                .unwrap_or(0) as i64;
            if let Some(rev) = &st.update_revision {
                let selector = selector_string(&spec.selector);
                s.new_pods =
                    pods(c, ns, &format!("{selector},controller-revision-hash={rev}")).await?;
            }
        }
        WorkloadKind::DaemonSet => {
            let d = Api::<DaemonSet>::namespaced(c.client.clone(), ns)
                .get(&w.name)
                .await
                .map_err(|e| not_found_or(c, w, e))?;
            let spec = d.spec.clone().unwrap_or_default();
            let st = d.status.clone().unwrap_or_default();
            s.template_images = containers(spec.template.spec.as_ref())
                .into_iter()
                .map(|c| c.image)
                .collect();
            s.generation = d.metadata.generation.unwrap_or(0);
            s.observed_generation = st.observed_generation.unwrap_or(0);
            s.desired = st.desired_number_scheduled as i64;
            s.updated = st.updated_number_scheduled.unwrap_or(0) as i64;
            s.available = st.number_available.unwrap_or(0) as i64;
            s.ready = st.number_ready as i64;
            let selector = selector_string(&spec.selector);
            s.new_pods = pods(
                c,
                ns,
                &format!("{selector},pod-template-generation={}", s.generation),
            )
            .await?;
        }
    }
    Ok(s)
}

/// A per-workload lock (a coordination.k8s.io Lease that expires).
pub struct Lock {
    pub name: String,
    pub namespace: String,
    pub holder: String,
}

/// Lease length: a crashed release frees the workload after this long.
pub const LOCK_SECONDS: i32 = 60;

fn lease_name(w: &WorkloadRef) -> String {
    format!("kubectl-release-{}-{}", w.kind.to_lowercase(), w.name)
}

/// Takes the workload's lock, or says who holds it.
pub async fn lock(c: &Cluster, w: &WorkloadRef, holder: &str) -> Result<Lock, ClusterError> {
    let api = Api::<Lease>::namespaced(c.client.clone(), &w.namespace);
    let name = lease_name(w);
    let now = k8s_openapi::jiff::Timestamp::now();
    let lease = serde_json::json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": w.namespace, "labels": {"app.kubernetes.io/managed-by": "kubectl-release"}},
        "spec": {"holderIdentity": holder, "leaseDurationSeconds": LOCK_SECONDS, "acquireTime": now.to_string(), "renewTime": now.to_string()}
    });
    let lease: Lease = serde_json::from_value(lease).map_err(|e| c.api_err("building lease", e))?;
    match api.create(&PostParams::default(), &lease).await {
        Ok(_) => {
            return Ok(Lock {
                name,
                namespace: w.namespace.clone(),
                holder: holder.to_string(),
            });
        }
        Err(kube::Error::Api(s)) if s.code == 409 => {}
        Err(e) => return Err(not_found_or(c, w, e)),
    }
    // Taken: free only when expired.
    let existing = api
        .get(&name)
        .await
        .map_err(|e| c.api_err("reading lease", e))?;
    let spec = existing.spec.clone().unwrap_or_default();
    let other = spec
        .holder_identity
        .clone()
        .unwrap_or_else(|| "someone".into());
    let expired = match (&spec.renew_time, spec.lease_duration_seconds) {
        (Some(t), Some(d)) => now.duration_since(t.0).as_secs() > d as i64,
        _ => true,
    };
    if !expired {
        return Err(ClusterError::Api {
            context: c.context.clone(),
            message: format!(
                "{w} is being released by {other} (lease {name}); wait for it to finish, or for the lease to expire ({LOCK_SECONDS}s after its last renewal)"
            ),
        });
    }
    let mut taken = existing.clone();
    let mut s = spec;
    s.holder_identity = Some(holder.to_string());
    s.acquire_time = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime(
        now,
    ));
    s.renew_time = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime(
        now,
    ));
    taken.spec = Some(s);
    api.replace(&name, &PostParams::default(), &taken)
        .await
        .map_err(|e| match e {
            kube::Error::Api(s) if s.code == 409 => ClusterError::Api {
                context: c.context.clone(),
                message: format!("{w} was just locked by another release; try again"),
            },
            e => c.api_err("taking over an expired lease", e),
        })?;
    Ok(Lock {
        name,
        namespace: w.namespace.clone(),
        holder: holder.to_string(),
    })
}

impl Lock {
    /// Extends the lease; call well within [`LOCK_SECONDS`].
    pub async fn renew(&self, c: &Cluster) -> Result<(), ClusterError> {
        let api = Api::<Lease>::namespaced(c.client.clone(), &self.namespace);
        let now = k8s_openapi::jiff::Timestamp::now();
        let patch = serde_json::json!({"spec": {"renewTime": now.to_string(), "holderIdentity": self.holder}});
        api.patch(&self.name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map(|_| ())
            .map_err(|e| c.api_err("renewing lease", e))
    }

    /// Frees the lock (only if still ours).
    pub async fn release(&self, c: &Cluster) -> Result<(), ClusterError> {
        let api = Api::<Lease>::namespaced(c.client.clone(), &self.namespace);
        match api.get(&self.name).await {
            Ok(l)
                if l.spec.as_ref().and_then(|s| s.holder_identity.as_deref())
                    == Some(self.holder.as_str()) =>
            {
                let dp = DeleteParams {
                    preconditions: Some(kube::api::Preconditions {
                        resource_version: l.metadata.resource_version.clone(),
                        uid: None,
                    }),
                    ..Default::default()
                };
                api.delete(&self.name, &dp)
                    .await
                    .map(|_| ())
                    .map_err(|e| c.api_err("releasing lease", e))
            }
            _ => Ok(()),
        }
    }
}

/// Reads a workload's release records (empty when none).
pub async fn records(
    c: &Cluster,
    w: &WorkloadRef,
) -> Result<(Vec<Record>, Option<String>), ClusterError> {
    let api = Api::<ConfigMap>::namespaced(c.client.clone(), &w.namespace);
    match api.get(&history::configmap_name(w)).await {
        Ok(cm) => {
            let text = cm
                .data
                .as_ref()
                .and_then(|d| d.get("records.json"))
                .cloned()
                .unwrap_or_else(|| "[]".into());
            let recs: Vec<Record> = serde_json::from_str(&text).map_err(|e| ClusterError::Api {
                context: c.context.clone(),
                message: format!(
                    "ConfigMap {} in {} holds unreadable release records: {e}",
                    history::configmap_name(w),
                    w.namespace
                ),
            })?;
            Ok((recs, cm.metadata.resource_version.clone()))
        }
        Err(kube::Error::Api(s)) if s.code == 404 => Ok((Vec::new(), None)),
        Err(e) => Err(not_found_or(c, w, e)),
    }
}

/// Changes a workload's records with optimistic concurrency (retried on conflicts).
/// Returns what `f` returned for the version that was stored.
pub async fn update_records<T>(
    c: &Cluster,
    w: &WorkloadRef,
    mut f: impl FnMut(&mut Vec<Record>) -> T,
) -> Result<T, ClusterError> {
    let api = Api::<ConfigMap>::namespaced(c.client.clone(), &w.namespace);
    let name = history::configmap_name(w);
    for _ in 0..10 {
        let (mut recs, rv) = records(c, w).await?;
        let out = f(&mut recs);
        let data = serde_json::to_string(&recs).map_err(|e| c.api_err("encoding records", e))?;
        let cm: ConfigMap = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": w.namespace, "resourceVersion": rv,
                         "labels": {history::HISTORY_LABEL: "true", "app.kubernetes.io/managed-by": "kubectl-release",
                                    "kubectl-release.dev/workload": w.name}},
            "data": {"records.json": data, "kind": w.kind}
        }))
        .map_err(|e| c.api_err("building records", e))?;
        let r = match rv {
            None => api.create(&PostParams::default(), &cm).await.map(|_| ()),
            Some(_) => api
                .replace(&name, &PostParams::default(), &cm)
                .await
                .map(|_| ()),
        };
        match r {
            Ok(()) => return Ok(out),
            Err(kube::Error::Api(s)) if s.code == 409 => continue,
            Err(e) => return Err(not_found_or(c, w, e)),
        }
    }
    Err(ClusterError::Api {
        context: c.context.clone(),
        message: format!("release records of {w} kept changing under us; try again"),
    })
}

/// Every workload with release records in a namespace (for `history ENV`).
pub async fn recorded_workloads(c: &Cluster, ns: &str) -> Result<Vec<WorkloadRef>, ClusterError> {
    let list = Api::<ConfigMap>::namespaced(c.client.clone(), ns)
        .list(&ListParams::default().labels(&format!("{}=true", history::HISTORY_LABEL)))
        .await
        .map_err(|e| c.api_err(&format!("listing release records in {ns}"), e))?;
    Ok(list
        .items
        .iter()
        .filter_map(|cm| {
            let name = cm
                .metadata
                .labels
                .as_ref()?
                .get("kubectl-release.dev/workload")?
                .clone();
            let kind = cm.data.as_ref()?.get("kind")?.clone();
            Some(WorkloadRef {
                kind,
                namespace: ns.to_string(),
                name,
            })
        })
        .collect())
}
