//! What the release engine reports while it works: typed events for every front door to render or count.
//!
//! The CLI prints them (lines, progress bars or JSON lines), the webhook counts
//! them into metrics, the Argo CD mode adds its own steps around them. Nothing
//! here is preformatted text meant to be parsed.

use serde::Serialize;

use super::Outcome;
use super::gates::{GateFailure, Measurement, MetricGate};
use super::record::{ImageChange, WorkloadRef};

/// Whether the engine is rolling a release out or undoing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Release,
    Undo,
}

/// One step of a release.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// The lease of a workload is held by a holder that stopped renewing it (or
    /// whose process is gone): the engine waits for it to expire, at most this long.
    LockWait {
        workload: WorkloadRef,
        holder: String,
        renewed_ago: u64,
        wait_secs: u64,
    },
    /// The workload's lease is ours; `took_over` names a holder that went away.
    Locked {
        workload: WorkloadRef,
        #[serde(skip_serializing_if = "Option::is_none")]
        took_over: Option<String>,
    },
    /// An open record of a release whose process went away, now marked interrupted.
    StaleRecord {
        workload: WorkloadRef,
        revision: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        holder: Option<String>,
    },
    /// The release record was stored (before the patch).
    Recorded {
        workload: WorkloadRef,
        revision: u64,
    },
    /// The API server answered 409 to the patch; the engine re-reads and retries.
    Conflict {
        workload: WorkloadRef,
        attempt: u32,
        message: String,
    },
    /// The guarded patch landed.
    Patched {
        workload: WorkloadRef,
        images: Vec<ImageChange>,
    },
    /// A release (or revert) commit reached the GitOps repository.
    GitPushed {
        commit: String,
        to: String,
        /// The commit it reverts, for a revert.
        #[serde(skip_serializing_if = "Option::is_none")]
        reverts: Option<String>,
        /// A tag pinned out of the release config in the same commit.
        #[serde(skip_serializing_if = "Option::is_none")]
        pinned_out: Option<String>,
    },
    /// Waiting for Argo CD to sync a revision: where the Application is now.
    ArgoWaiting {
        application: String,
        revision: String,
        state: String,
    },
    /// Argo CD synced the revision (the commit, or one that contains it).
    ArgoSynced {
        application: String,
        revision: String,
        millis: u64,
    },
    /// Where a workload's rollout stands.
    Progress {
        workload: WorkloadRef,
        phase: Phase,
        desired: i64,
        updated: i64,
        available: i64,
        /// What it waits for; `None` once the rollout is complete.
        #[serde(skip_serializing_if = "Option::is_none")]
        waiting: Option<String>,
    },
    /// Every workload rolled out (Kubernetes progress and pod signals are fine).
    RolloutComplete { phase: Phase },
    /// A metric gate was measured.
    Measured {
        gate: MetricGate,
        measurement: Measurement,
    },
    /// Rollout state could not be read (the API server may be restarting).
    ApiError { message: String, attempts: u32 },
    /// A gate failed.
    GateFailed { failure: GateFailure },
    /// Someone else changed a workload's images mid-rollout.
    Superseded {
        workload: WorkloadRef,
        images: Vec<String>,
    },
    /// The inverse patch of a workload landed.
    UndoApplied { workload: WorkloadRef },
    /// A workload changed since the release, so its inverse patch was refused.
    UndoRefused {
        workload: WorkloadRef,
        message: String,
    },
    /// Cancellation (Ctrl-C, SIGTERM) arrived while the engine waited.
    Interrupted { state: String },
    /// The release ended.
    Finished { outcome: Outcome },
}

impl Event {
    /// The workload an event is about, if it is about one.
    pub fn workload(&self) -> Option<&WorkloadRef> {
        match self {
            Event::LockWait { workload, .. }
            | Event::Locked { workload, .. }
            | Event::StaleRecord { workload, .. }
            | Event::Recorded { workload, .. }
            | Event::Conflict { workload, .. }
            | Event::Patched { workload, .. }
            | Event::Progress { workload, .. }
            | Event::Superseded { workload, .. }
            | Event::UndoApplied { workload }
            | Event::UndoRefused { workload, .. } => Some(workload),
            Event::GateFailed {
                failure: GateFailure::Rollout { workload, .. },
            } => Some(workload),
            _ => None,
        }
    }
}

/// Receives the engine's events. Implemented for closures, so `&|e: &Event| ...` works.
pub trait Observer: Send + Sync {
    fn event(&self, e: &Event);
}

impl<F: Fn(&Event) + Send + Sync> Observer for F {
    fn event(&self, e: &Event) {
        self(e)
    }
}
