//! Release records in the cluster: one ConfigMap per workload holding its records as JSON.
//!
//! The data is [`crate::release::record`]; this is where it is stored, with
//! optimistic concurrency so concurrent writers never lose an update.

use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PostParams};

use super::workload::not_found_or;
use super::{Cluster, ClusterError};
use crate::release::record::{self as history, Record, WorkloadRef};

/// Reads a workload's release records (empty when none).
pub async fn records(
    c: &Cluster,
    w: &WorkloadRef,
) -> Result<(Vec<Record>, Option<String>), ClusterError> {
    let api = Api::<ConfigMap>::namespaced(c.client.clone(), &w.namespace);
    let name = history::configmap_name(w);
    match super::with_retry(|| api.get(&name)).await {
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
        let r = super::with_retry(|| async {
            match rv {
                None => api.create(&PostParams::default(), &cm).await.map(|_| ()),
                Some(_) => api
                    .replace(&name, &PostParams::default(), &cm)
                    .await
                    .map(|_| ()),
            }
        })
        .await;
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
