//! The edge to Kubernetes: a kube client built the way kubectl builds one, and the live-cluster operations.
//!
//! `--kubeconfig`, `--context` and `-n` follow kubectl: the kubeconfig comes
//! from the flag, else `$KUBECONFIG`, else `~/.kube/config`; the namespace from
//! the flag, else the context's, else `default`. TLS is verified as the
//! kubeconfig says.

pub mod identity;
pub mod live;
pub mod lock;
pub mod records;
pub mod workload;

use std::path::PathBuf;

use kube::config::{KubeConfigOptions, Kubeconfig};

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("reading kubeconfig {path}: {message}")]
    Kubeconfig { path: String, message: String },
    #[error("kubeconfig: {0}")]
    Config(String),
    #[error("{context}: {message}")]
    Api { context: String, message: String },
    #[error(
        "{object}: kind {kind} ({api_version}) is not served by the cluster (context {context:?}); \
         install its CustomResourceDefinition (or API) first, or check the object's apiVersion and kind"
    )]
    UnknownKind {
        object: String,
        api_version: String,
        kind: String,
        context: String,
    },
    #[error(
        "rendered object #{index} ({kind}) has no metadata.name; diffing needs names (generateName is not supported)"
    )]
    NoName { index: usize, kind: String },
    #[error(
        "{object}: namespace {namespace} does not exist (context {context:?}); create it, or render a Namespace object with the environment"
    )]
    NamespaceMissing {
        object: String,
        namespace: String,
        context: String,
    },
    #[error(
        "{object}: forbidden: {message}; `diff` needs get, list, patch and create on {resource} (the dry-run is authorised like the real request; see README, RBAC)"
    )]
    Forbidden {
        object: String,
        resource: String,
        message: String,
    },
    #[error(
        "{object}: the API server rejects the object: {message}; fix the manifest \
         (server-side apply keeps the fields other managers own: when the tool that applies it \
         changes a keyed list entry, --field-manager NAME with its manager shows the real effect)"
    )]
    Invalid { object: String, message: String },
    #[error(
        "{workload} is being released by {holder} (lease {lease}, renewed {renewed_ago}s ago); wait for it to finish, or for the lease to expire ({seconds}s after its last renewal)",
        seconds = lock::LOCK_SECONDS
    )]
    Locked {
        workload: String,
        holder: String,
        lease: String,
        renewed_ago: u64,
    },
    #[error("{object} (context {context:?}): {message}")]
    Object {
        object: String,
        context: String,
        message: String,
    },
}

/// Whether an API failure is worth retrying: the API server unreachable or
/// restarting (a connection error), overloaded (429) or failing (5xx).
pub fn transient(e: &kube::Error) -> bool {
    match e {
        kube::Error::Api(s) => s.code == 429 || s.code >= 500,
        kube::Error::HyperError(_) | kube::Error::Service(_) => true,
        _ => false,
    }
}

/// How long writes the engine depends on (patches, records) keep retrying an
/// unavailable API server before giving up.
pub const RETRY_FOR: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs `op` again while it fails transiently, with backoff, for up to [`RETRY_FOR`].
pub async fn with_retry<T, F, Fut>(mut op: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, kube::Error>>,
{
    let started = std::time::Instant::now();
    let mut wait = std::time::Duration::from_millis(100);
    loop {
        match op().await {
            Err(e) if transient(&e) && started.elapsed() < RETRY_FOR => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(std::time::Duration::from_secs(2));
            }
            r => return r,
        }
    }
}

/// How to reach the cluster (kubectl's flags).
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
}

/// A connected client with the namespace commands default to.
#[derive(Clone)]
pub struct Cluster {
    pub client: kube::Client,
    pub namespace: String,
    /// Context name, for messages.
    pub context: String,
}

impl Cluster {
    /// Connects as kubectl would with the same flags.
    pub async fn connect(t: &Target) -> Result<Self, ClusterError> {
        let kubeconfig = match &t.kubeconfig {
            Some(p) => Kubeconfig::read_from(p).map_err(|e| ClusterError::Kubeconfig {
                path: crate::render::fs::shown(p),
                message: e.to_string(),
            })?,
            None => Kubeconfig::read().map_err(|e| ClusterError::Kubeconfig {
                path: "$KUBECONFIG or ~/.kube/config".into(),
                message: e.to_string(),
            })?,
        };
        let context = t
            .context
            .clone()
            .or_else(|| kubeconfig.current_context.clone())
            .unwrap_or_default();
        let opts = KubeConfigOptions {
            context: t.context.clone(),
            ..Default::default()
        };
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &opts)
            .await
            .map_err(|e| ClusterError::Config(e.to_string()))?;
        let namespace = t
            .namespace
            .clone()
            .unwrap_or_else(|| config.default_namespace.clone());
        let client =
            kube::Client::try_from(config).map_err(|e| ClusterError::Config(e.to_string()))?;
        Ok(Cluster {
            client,
            namespace,
            context,
        })
    }

    /// An API error with the context it happened in.
    pub fn api_err(&self, what: &str, e: impl std::fmt::Display) -> ClusterError {
        ClusterError::Api {
            context: self.context.clone(),
            message: format!("{what}: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16) -> kube::Error {
        kube::Error::Api(Box::new(
            kube::core::Status::failure("x", "y").with_code(code),
        ))
    }

    #[test]
    fn which_api_failures_are_retried() {
        assert!(transient(&api(503)) && transient(&api(500)) && transient(&api(429)));
        assert!(!transient(&api(404)) && !transient(&api(409)) && !transient(&api(422)));
    }
}
