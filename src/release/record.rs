//! Release records: what was changed, by whom, how to undo it, and how it ended.
//!
//! Records live in the cluster next to the workload (a ConfigMap per workload,
//! bounded to the last [`MAX_RECORDS`]), so `history` and `undo` work from any
//! machine. This module is the data; `cluster::records` stores it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How many records are kept per workload.
pub const MAX_RECORDS: usize = 20;

/// The label every history ConfigMap carries.
pub const HISTORY_LABEL: &str = "kubectl-release.dev/history";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Patched, being watched.
    InProgress,
    /// All gates passed.
    Succeeded,
    /// A gate failed and the release was undone.
    RolledBack,
    /// A gate failed; `--no-undo` left it in place.
    Failed,
    /// A gate failed but the workload changed since, so nothing was undone.
    UndoRefused,
    /// Stopped by the user (Ctrl-C) before the gates decided.
    Interrupted,
    /// Undone later by `undo`.
    Undone,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InProgress => "in-progress",
            Status::Succeeded => "succeeded",
            Status::RolledBack => "rolled-back",
            Status::Failed => "failed",
            Status::UndoRefused => "undo-refused",
            Status::Interrupted => "interrupted",
            Status::Undone => "undone",
        }
    }
}

/// One workload, by kind, namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkloadRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl std::fmt::Display for WorkloadRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{} (namespace {})",
            self.kind.to_lowercase(),
            self.name,
            self.namespace
        )
    }
}

/// One container whose image a release changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageChange {
    pub container: String,
    #[serde(default)]
    pub init: bool,
    pub old: String,
    pub new: String,
}

/// A release of one workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub revision: u64,
    pub started: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<String>,
    /// Who released, in one line ([`Actor::summary`]); `actor` has the parts.
    pub user: String,
    #[serde(default)]
    pub actor: Actor,
    /// The Lease holder identity of the process running the release, so a later
    /// run can tell an open record of a process that went away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    pub workload: WorkloadRef,
    pub images: Vec<ImageChange>,
    /// The RFC 6902 patch applied (with its `test` guards) and its inverse.
    pub patch: Value,
    pub inverse: Value,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For an undo: the revision it reverted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo_of: Option<u64>,
    /// For a release that went through git: the commit, its revert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitNote>,
    /// For a release that Argo CD synced: the Application and the revisions it synced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub argocd: Option<ArgoNote>,
}

/// The git side of a release that went through the GitOps repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitNote {
    /// The release commit, as pushed.
    pub commit: String,
    /// `remote/branch` it was pushed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_to: Option<String>,
    /// The commit that reverted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revert: Option<String>,
    /// The tag pinned out in the release config after it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned_out: Option<String>,
}

/// What Argo CD did with a release.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArgoNote {
    /// `namespace/name` of the Application.
    pub application: String,
    /// The revision Argo CD synced for the release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced: Option<String>,
    /// The revision Argo CD synced for the revert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revert_synced: Option<String>,
}

/// The ConfigMap holding a workload's records.
pub fn configmap_name(w: &WorkloadRef) -> String {
    let base = format!("kubectl-release-{}-{}", w.kind.to_lowercase(), w.name);
    if base.len() <= 253 {
        base
    } else {
        base[..253].trim_end_matches('-').to_string()
    }
}

/// Adds a record with the next revision number, keeping the newest [`MAX_RECORDS`].
pub fn push(records: &mut Vec<Record>, mut r: Record) -> u64 {
    let rev = records.iter().map(|x| x.revision).max().unwrap_or(0) + 1;
    r.revision = rev;
    records.push(r);
    if records.len() > MAX_RECORDS {
        let drop = records.len() - MAX_RECORDS;
        records.drain(..drop);
    }
    rev
}

/// Now, as RFC 3339 with seconds.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Who started a release, as far as it is known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    /// The user the API server authenticated (a SelfSubjectReview, as `kubectl auth whoami`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_user: Option<String>,
    /// `$USER@host` of the machine that ran the release, when `$USER` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    /// What started it when no person at a terminal did (a webhook notification, Argo CD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl Actor {
    /// The local user, as far as the environment says.
    pub fn local() -> Self {
        Actor {
            local: local_user(),
            ..Actor::default()
        }
    }

    /// One line for tables: the cluster identity first (what RBAC and audit logs
    /// know), then the local user and the trigger.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match (&self.cluster_user, &self.local) {
            (Some(c), Some(l)) => parts.push(format!("{c} ({l})")),
            (Some(c), None) => parts.push(c.clone()),
            (None, Some(l)) => parts.push(l.clone()),
            (None, None) => parts.push(format!("unknown@{}", hostname())),
        }
        if let Some(v) = &self.via {
            parts.push(format!("via {v}"));
        }
        parts.join(" ")
    }
}

/// `$USER@host` (or `$USERNAME`), `None` where neither is set (CI, containers).
pub fn local_user() -> Option<String> {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.is_empty())?;
    Some(format!("{user}@{}", hostname()))
}

/// This machine's host name.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> Record {
        Record {
            revision: 0,
            started: now(),
            finished: None,
            user: Actor::local().summary(),
            actor: Actor::local(),
            holder: None,
            env: Some("prod".into()),
            workload: WorkloadRef {
                kind: "Deployment".into(),
                namespace: "ns".into(),
                name: "api".into(),
            },
            images: vec![],
            patch: Value::Null,
            inverse: Value::Null,
            status: Status::InProgress,
            reason: None,
            undo_of: None,
            git: None,
            argocd: None,
        }
    }

    #[test]
    fn revisions_increase_and_are_bounded() {
        let mut v = Vec::new();
        for _ in 0..(MAX_RECORDS + 5) {
            push(&mut v, rec());
        }
        assert_eq!(v.len(), MAX_RECORDS);
        assert_eq!(v.last().unwrap().revision, (MAX_RECORDS + 5) as u64);
        assert_eq!(v.first().unwrap().revision, 6);
        let json = serde_json::to_string(&v[0]).unwrap();
        assert!(json.contains("\"status\":\"in-progress\""), "{json}");
    }

    #[test]
    fn configmap_names() {
        let w = WorkloadRef {
            kind: "Deployment".into(),
            namespace: "n".into(),
            name: "api".into(),
        };
        assert_eq!(configmap_name(&w), "kubectl-release-deployment-api");
    }

    #[test]
    fn actor_summaries() {
        let a = Actor {
            cluster_user: Some("system:serviceaccount:ci:deployer".into()),
            local: None,
            via: Some("webhook native from 10.0.0.7".into()),
        };
        assert_eq!(
            a.summary(),
            "system:serviceaccount:ci:deployer via webhook native from 10.0.0.7"
        );
        let b = Actor {
            cluster_user: Some("alice".into()),
            local: Some("alice@laptop".into()),
            via: None,
        };
        assert_eq!(b.summary(), "alice (alice@laptop)");
        // Records written before the actor existed still read.
        let old = r#"{"revision":1,"started":"t","user":"u@h","workload":{"kind":"Deployment","namespace":"n","name":"a"},"images":[],"patch":null,"inverse":null,"status":"succeeded"}"#;
        let r: Record = serde_json::from_str(old).unwrap();
        assert_eq!(r.actor, Actor::default());
        assert_eq!(r.holder, None);
    }
}
