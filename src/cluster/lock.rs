//! The per-workload release lock: a coordination.k8s.io Lease that expires when its holder stops renewing it.
//!
//! The cluster side only: take, read, take over, renew and free the Lease. When
//! a lease held by someone else may be taken over is the release engine's rule
//! ([`crate::release`]), with [`holder_gone`] as its one local fact.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};

use super::workload::not_found_or;
use super::{Cluster, ClusterError};
use crate::release::record::WorkloadRef;

/// Lease length: a release whose process died frees the workload after this long.
pub const LOCK_SECONDS: i32 = 60;

/// How often a holder renews its lease.
pub const RENEW_EVERY: Duration = Duration::from_secs(20);

/// A lease this process holds.
#[derive(Debug, Clone)]
pub struct Lock {
    pub name: String,
    pub namespace: String,
    pub holder: String,
}

/// A lease somebody holds, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub holder: String,
    pub lease: String,
    /// Whole seconds since the last renewal.
    pub renewed_ago: u64,
    /// Past its duration: free to take over.
    pub expired: bool,
    resource_version: Option<String>,
}

/// The result of trying to take a lease.
#[derive(Debug)]
pub enum Attempt {
    Acquired(Lock),
    Held(Held),
}

fn lease_name(w: &WorkloadRef) -> String {
    format!("kubectl-release-{}-{}", w.kind.to_lowercase(), w.name)
}

fn held(name: &str, lease: &Lease) -> Held {
    let spec = lease.spec.clone().unwrap_or_default();
    let now = k8s_openapi::jiff::Timestamp::now();
    let renewed_ago = spec
        .renew_time
        .as_ref()
        .map(|t| now.duration_since(t.0).as_secs().max(0) as u64);
    let expired = match (renewed_ago, spec.lease_duration_seconds) {
        (Some(ago), Some(d)) => ago > d.max(0) as u64,
        _ => true,
    };
    Held {
        holder: spec.holder_identity.unwrap_or_else(|| "someone".into()),
        lease: name.to_string(),
        renewed_ago: renewed_ago.unwrap_or(u64::MAX),
        expired,
        resource_version: lease.metadata.resource_version.clone(),
    }
}

/// This process's holder identity: `user@host/pid`. A later run on the same host
/// can tell from it whether the process still exists.
pub fn holder_identity() -> String {
    let who = crate::release::record::local_user()
        .unwrap_or_else(|| format!("unknown@{}", crate::release::record::hostname()));
    format!("{who}/{}", std::process::id())
}

/// Whether `holder` (a [`holder_identity`]) is certainly gone: it ran on this host
/// and its process no longer exists. A holder on another host is never known to
/// be gone; only its lease running out tells.
pub fn holder_gone(holder: &str) -> bool {
    let Some((who, pid)) = holder.rsplit_once('/') else {
        return false;
    };
    let Some((_, host)) = who.rsplit_once('@') else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    host == crate::release::record::hostname()
        && pid != std::process::id()
        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Takes the workload's lease if nobody holds it; says who does otherwise.
pub async fn try_lock(c: &Cluster, w: &WorkloadRef, holder: &str) -> Result<Attempt, ClusterError> {
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
        Ok(_) => Ok(Attempt::Acquired(Lock {
            name,
            namespace: w.namespace.clone(),
            holder: holder.to_string(),
        })),
        Err(kube::Error::Api(s)) if s.code == 409 => match read(c, w).await? {
            Some(h) => Ok(Attempt::Held(h)),
            // Freed between the create and the read: try again.
            None => Box::pin(try_lock(c, w, holder)).await,
        },
        Err(e) => Err(not_found_or(c, w, e)),
    }
}

/// The workload's lease, if there is one.
pub async fn read(c: &Cluster, w: &WorkloadRef) -> Result<Option<Held>, ClusterError> {
    let api = Api::<Lease>::namespaced(c.client.clone(), &w.namespace);
    let name = lease_name(w);
    match api.get(&name).await {
        Ok(l) => Ok(Some(held(&name, &l))),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(None),
        Err(e) => Err(not_found_or(c, w, e)),
    }
}

/// Takes over a lease read as `from`; `None` when it changed since (renewed, freed
/// or taken by someone else), so the caller looks again.
pub async fn take_over(
    c: &Cluster,
    w: &WorkloadRef,
    holder: &str,
    from: &Held,
) -> Result<Option<Lock>, ClusterError> {
    let api = Api::<Lease>::namespaced(c.client.clone(), &w.namespace);
    let now = MicroTime(k8s_openapi::jiff::Timestamp::now());
    let lease: Lease = serde_json::from_value(serde_json::json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": from.lease, "namespace": w.namespace, "resourceVersion": from.resource_version,
                     "labels": {"app.kubernetes.io/managed-by": "kubectl-release"}},
        "spec": {"holderIdentity": holder, "leaseDurationSeconds": LOCK_SECONDS,
                 "acquireTime": now.0.to_string(), "renewTime": now.0.to_string()}
    }))
    .map_err(|e| c.api_err("building lease", e))?;
    match api
        .replace(&from.lease, &PostParams::default(), &lease)
        .await
    {
        Ok(_) => Ok(Some(Lock {
            name: from.lease.clone(),
            namespace: w.namespace.clone(),
            holder: holder.to_string(),
        })),
        Err(kube::Error::Api(s)) if s.code == 409 || s.code == 404 => Ok(None),
        Err(e) => Err(c.api_err("taking over a lease", e)),
    }
}

impl Lock {
    /// Extends the lease; call every [`RENEW_EVERY`].
    pub async fn renew(&self, c: &Cluster) -> Result<(), ClusterError> {
        let api = Api::<Lease>::namespaced(c.client.clone(), &self.namespace);
        // A MicroTime (microseconds): the API server refuses a timestamp with nanoseconds.
        let now = serde_json::to_value(MicroTime(k8s_openapi::jiff::Timestamp::now()))
            .map_err(|e| c.api_err("encoding the renewal time", e))?;
        let patch = serde_json::json!({"spec": {"renewTime": now, "holderIdentity": self.holder}});
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_holders_without_a_process_are_gone() {
        let host = crate::release::record::hostname();
        // This test's own process exists.
        assert!(!holder_gone(&format!("u@{host}/{}", std::process::id())));
        // PID 1 exists in every PID namespace.
        assert!(!holder_gone(&format!("u@{host}/1")));
        // A PID above the kernel's limit never exists.
        assert!(holder_gone(&format!("u@{host}/4194305")));
        // Another host: unknown, so not gone.
        assert!(!holder_gone("u@elsewhere.example/4194305"));
        assert!(!holder_gone("garbage"));
        assert!(holder_identity().ends_with(&format!("/{}", std::process::id())));
    }
}
