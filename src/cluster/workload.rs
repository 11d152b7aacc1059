//! Workloads in the cluster: their live images, rollout state and guarded patches.

use std::time::Duration;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::{Pod, PodSpec, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::api::{Api, ListParams, Patch, PatchParams};
use serde_json::Value;

use super::{Cluster, ClusterError};
use crate::release::record::WorkloadRef;
use crate::release::rollout::{ContainerState, PodState, WorkloadKind, WorkloadState};

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

pub(super) fn not_found_or(c: &Cluster, w: &WorkloadRef, e: kube::Error) -> ClusterError {
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

/// The Argo CD Application that manages a live workload, if one does: from its
/// `argocd.argoproj.io/tracking-id` annotation (`APP:group/Kind:ns/name`, Argo CD's
/// default tracking) or its `app.kubernetes.io/instance` label (label tracking).
pub async fn argocd_owner(c: &Cluster, w: &WorkloadRef) -> Result<Option<String>, ClusterError> {
    let meta = with_workload_api!(c, w, kind_of(w)?, |api| {
        api.get(&w.name)
            .await
            .map_err(|e| not_found_or(c, w, e))?
            .metadata
    });
    Ok(argocd_owner_of(&meta))
}

/// [`argocd_owner`] from an object's metadata.
pub fn argocd_owner_of(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> Option<String> {
    let annotations = meta.annotations.as_ref();
    if let Some(id) = annotations.and_then(|a| a.get("argocd.argoproj.io/tracking-id")) {
        return id.split_once(':').map(|(app, _)| app.to_string());
    }
    // Helm sets the same label on what `helm install` creates, and marks those
    // objects with its release annotation; Argo CD renders charts with `helm
    // template`, which does not. So the label alone means Argo CD only without it.
    if annotations.is_some_and(|a| a.contains_key("meta.helm.sh/release-name")) {
        return None;
    }
    meta.labels
        .as_ref()
        .and_then(|l| l.get("app.kubernetes.io/instance"))
        .cloned()
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
    // An API server that is restarting is waited for: the patch (or its undo) must land.
    let r = with_workload_api!(c, w, kind, |api| super::with_retry(|| async {
        api.patch(&w.name, &pp, &Patch::<()>::Json(p.clone()))
            .await
            .map(|_| ())
    })
    .await);
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

#[cfg(test)]
mod tests {
    use super::argocd_owner_of;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use std::collections::BTreeMap;

    fn meta(labels: &[(&str, &str)], annotations: &[(&str, &str)]) -> ObjectMeta {
        let map = |kv: &[(&str, &str)]| {
            (!kv.is_empty()).then(|| {
                kv.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<BTreeMap<_, _>>()
            })
        };
        ObjectMeta {
            labels: map(labels),
            annotations: map(annotations),
            ..Default::default()
        }
    }

    #[test]
    fn argo_cd_ownership_from_tracking_and_not_from_helm_installs() {
        let instance = ("app.kubernetes.io/instance", "shop");
        // Annotation tracking (Argo CD 3's default) names the Application, label or not.
        let tracked = (
            "argocd.argoproj.io/tracking-id",
            "shop-prod:apps/Deployment:acme/api",
        );
        assert_eq!(
            argocd_owner_of(&meta(&[instance], &[tracked])).as_deref(),
            Some("shop-prod")
        );
        assert_eq!(
            argocd_owner_of(&meta(&[], &[tracked])).as_deref(),
            Some("shop-prod")
        );
        // Label tracking.
        assert_eq!(
            argocd_owner_of(&meta(&[instance], &[])).as_deref(),
            Some("shop")
        );
        // What `helm install` created: the same label, and Helm's release annotation.
        let helm = [
            ("meta.helm.sh/release-name", "shop"),
            ("meta.helm.sh/release-namespace", "acme"),
        ];
        assert_eq!(
            argocd_owner_of(&meta(
                &[instance, ("app.kubernetes.io/managed-by", "Helm")],
                &helm
            )),
            None
        );
        // Tracked by Argo CD even though Helm once installed it (adopted): Argo CD's annotation wins.
        assert_eq!(
            argocd_owner_of(&meta(&[instance], &[helm[0], tracked])).as_deref(),
            Some("shop-prod")
        );
        assert_eq!(argocd_owner_of(&meta(&[], &[])), None);
    }
}
