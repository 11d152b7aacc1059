//! An Argo CD Application in the cluster: its sync and health as Argo CD reports them, a refresh, a sync operation.
//!
//! [`AppStatus`] reads the Application's status (pure, from its JSON); the
//! functions around it are the cluster edge (the Application custom resource,
//! `argoproj.io/v1alpha1`, read and patched through the Kubernetes API: no Argo CD
//! API server is needed).

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams};
use serde_json::Value;

use crate::cluster::Cluster;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(
        "Argo CD Application {app} not found (context {context:?}); check --argocd-app / the environment's `argocd.application`, and that Argo CD runs there"
    )]
    NotFound { app: String, context: String },
    #[error("Argo CD Application {app}: {message}")]
    Api { app: String, message: String },
}

/// An Application by namespace and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRef {
    pub namespace: String,
    pub name: String,
}

impl std::fmt::Display for AppRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// What an Application's spec and status say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppStatus {
    /// `Synced`, `OutOfSync`, `Unknown`.
    pub sync_status: String,
    /// The revision the sync status compares against.
    pub sync_revision: Option<String>,
    /// `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`.
    pub health: String,
    pub health_message: Option<String>,
    /// The last (or running) operation: its phase (`Running`, `Succeeded`,
    /// `Failed`, `Error`, `Terminating`), revision and message.
    pub op_phase: Option<String>,
    pub op_revision: Option<String>,
    pub op_message: Option<String>,
    /// Whether an operation is requested and not yet picked up.
    pub op_pending: bool,
    /// `spec.syncPolicy.automated` set, and with it `selfHeal`.
    pub automated: bool,
    pub self_heal: bool,
    /// `status.conditions`: (type, message).
    pub conditions: Vec<(String, String)>,
    pub source_repo: Option<String>,
    pub source_path: Option<String>,
    pub target_revision: Option<String>,
}

fn s(v: &Value, ptr: &str) -> Option<String> {
    v.pointer(ptr)
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
}

impl AppStatus {
    /// Reads the Application object (its JSON).
    pub fn from_json(app: &Value) -> Self {
        AppStatus {
            sync_status: s(app, "/status/sync/status").unwrap_or_else(|| "Unknown".into()),
            sync_revision: s(app, "/status/sync/revision"),
            health: s(app, "/status/health/status").unwrap_or_else(|| "Unknown".into()),
            health_message: s(app, "/status/health/message"),
            op_phase: s(app, "/status/operationState/phase"),
            op_revision: s(app, "/status/operationState/syncResult/revision")
                .or_else(|| s(app, "/status/operationState/operation/sync/revision")),
            op_message: s(app, "/status/operationState/message"),
            op_pending: app.get("operation").is_some_and(|o| !o.is_null()),
            automated: app
                .pointer("/spec/syncPolicy/automated")
                .is_some_and(|a| !a.is_null() && a.get("enabled") != Some(&Value::Bool(false))),
            self_heal: app.pointer("/spec/syncPolicy/automated/selfHeal")
                == Some(&Value::Bool(true)),
            conditions: app
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| {
                    (
                        s(c, "/type").unwrap_or_default(),
                        s(c, "/message").unwrap_or_default(),
                    )
                })
                .collect(),
            source_repo: s(app, "/spec/source/repoURL"),
            source_path: s(app, "/spec/source/path"),
            target_revision: s(app, "/spec/source/targetRevision"),
        }
    }

    /// Where the Application stands relative to `revision` (a commit): synced when
    /// Argo CD compared the live objects with that revision and found them equal,
    /// with no operation running (a revert the live objects already match needs no
    /// sync operation at all).
    pub fn progress_to(&self, revision: &str) -> SyncProgress {
        let op_here = self.op_revision.as_deref() == Some(revision);
        match self.op_phase.as_deref() {
            _ if self.op_pending => SyncProgress::Waiting,
            Some("Running") | Some("Terminating") => SyncProgress::Waiting,
            Some("Failed") | Some("Error") if op_here => SyncProgress::Failed(
                self.op_message
                    .clone()
                    .unwrap_or_else(|| "the sync operation failed".into()),
            ),
            _ if self.sync_status == "Synced"
                && self.sync_revision.as_deref() == Some(revision) =>
            {
                SyncProgress::Synced
            }
            _ => SyncProgress::Waiting,
        }
    }

    /// A ComparisonError (Argo CD cannot render the revision), if any.
    pub fn comparison_error(&self) -> Option<&str> {
        self.conditions
            .iter()
            .find(|(t, _)| t == "ComparisonError")
            .map(|(_, m)| m.as_str())
    }

    /// One line on where it is, for progress messages.
    pub fn describe(&self) -> String {
        let short = |r: &Option<String>| {
            r.as_deref()
                .map(|r| r[..r.len().min(12)].to_string())
                .unwrap_or_else(|| "-".into())
        };
        format!(
            "{} at {}, {}; last operation {} at {}",
            self.sync_status,
            short(&self.sync_revision),
            self.health,
            self.op_phase.as_deref().unwrap_or("none"),
            short(&self.op_revision),
        )
    }
}

/// Where an Application is on the way to a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncProgress {
    Waiting,
    /// Synced exactly that revision, its operation succeeded.
    Synced,
    /// Its sync of that revision failed.
    Failed(String),
}

/// The Application resource.
pub fn resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("argoproj.io", "v1alpha1", "Application"),
        "applications",
    )
}

fn api(c: &Cluster, app: &AppRef) -> Api<DynamicObject> {
    Api::namespaced_with(c.client.clone(), &app.namespace, &resource())
}

fn api_err(c: &Cluster, app: &AppRef, e: kube::Error) -> AppError {
    match e {
        kube::Error::Api(s) if s.code == 404 => AppError::NotFound {
            app: app.to_string(),
            context: c.context.clone(),
        },
        kube::Error::Api(s) if s.code == 403 => AppError::Api {
            app: app.to_string(),
            message: format!(
                "forbidden ({}); the release role needs get and patch on applications.argoproj.io in {} (README: RBAC)",
                s.message, app.namespace
            ),
        },
        e => AppError::Api {
            app: app.to_string(),
            message: e.to_string(),
        },
    }
}

/// Reads the Application.
pub async fn get(c: &Cluster, app: &AppRef) -> Result<AppStatus, AppError> {
    let obj = api(c, app)
        .get(&app.name)
        .await
        .map_err(|e| api_err(c, app, e))?;
    let v = serde_json::to_value(&obj).map_err(|e| AppError::Api {
        app: app.to_string(),
        message: e.to_string(),
    })?;
    Ok(AppStatus::from_json(&v))
}

/// Asks Argo CD to look at the repository now instead of at its next poll (the
/// `argocd.argoproj.io/refresh` annotation, which the controller removes when done).
pub async fn refresh(c: &Cluster, app: &AppRef) -> Result<(), AppError> {
    let p =
        serde_json::json!({"metadata": {"annotations": {"argocd.argoproj.io/refresh": "normal"}}});
    api(c, app)
        .patch(&app.name, &PatchParams::default(), &Patch::Merge(&p))
        .await
        .map(|_| ())
        .map_err(|e| api_err(c, app, e))
}

/// Requests a sync of `revision` (what `argocd app sync --revision` asks for),
/// for an Application without automated sync.
pub async fn sync(c: &Cluster, app: &AppRef, revision: &str) -> Result<(), AppError> {
    let p = serde_json::json!({"operation": {
        "initiatedBy": {"username": "kubectl-release"},
        "sync": {"revision": revision, "prune": true},
    }});
    api(c, app)
        .patch(&app.name, &PatchParams::default(), &Patch::Merge(&p))
        .await
        .map(|_| ())
        .map_err(|e| api_err(c, app, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(status: Value) -> AppStatus {
        AppStatus::from_json(&serde_json::json!({
            "spec": {"source": {"repoURL": "http://git/r.git", "path": "envs/prod", "targetRevision": "main"},
                     "syncPolicy": {"automated": {"prune": true, "selfHeal": true}}},
            "status": status
        }))
    }

    #[test]
    fn reads_sync_and_health() {
        let a = app(serde_json::json!({
            "sync": {"status": "Synced", "revision": "abc"},
            "health": {"status": "Healthy"},
            "operationState": {"phase": "Succeeded", "syncResult": {"revision": "abc"}}
        }));
        assert!(a.automated && a.self_heal);
        assert_eq!(a.progress_to("abc"), SyncProgress::Synced);
        assert_eq!(a.progress_to("def"), SyncProgress::Waiting);
        assert_eq!(a.source_path.as_deref(), Some("envs/prod"));
        // Live already matches the revision: no operation was needed.
        let matched = app(serde_json::json!({
            "sync": {"status": "Synced", "revision": "def"},
            "operationState": {"phase": "Succeeded", "syncResult": {"revision": "abc"}}
        }));
        assert_eq!(matched.progress_to("def"), SyncProgress::Synced);
        let running = app(serde_json::json!({
            "sync": {"status": "OutOfSync", "revision": "def"},
            "operationState": {"phase": "Running", "operation": {"sync": {"revision": "def"}}}
        }));
        assert_eq!(running.progress_to("def"), SyncProgress::Waiting);
        let failed = app(serde_json::json!({
            "operationState": {"phase": "Failed", "message": "one or more objects failed", "syncResult": {"revision": "def"}},
            "conditions": [{"type": "ComparisonError", "message": "boom"}]
        }));
        assert_eq!(
            failed.progress_to("def"),
            SyncProgress::Failed("one or more objects failed".into())
        );
        assert_eq!(failed.comparison_error(), Some("boom"));
        assert!(failed.describe().contains("last operation Failed at def"));
    }
}
