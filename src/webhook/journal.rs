//! What the server saw and did lately, in memory: the last notifications and the releases they started, for `/v1/releases` and the status page.
//!
//! The release records in the cluster stay the durable history (`kubectl release
//! history`); this is one replica's recent view, with what the records do not
//! hold: which notification started a release, whether it was coalesced or a
//! no-op, and how long each step took.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::targets::Reason;
use crate::release::record::WorkloadRef;

/// How many notifications and releases are kept.
pub const KEEP: usize = 500;

/// Now, RFC 3339 with milliseconds.
pub fn now() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

/// What one notification did to one workload.
#[derive(Debug, Clone, Serialize)]
pub struct Routed {
    pub workload: WorkloadRef,
    /// `started`, `queued` (a release of the workload is running), `duplicate` (the running release has this digest), `refused` (stopping).
    pub action: &'static str,
    pub release: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationEntry {
    pub id: u64,
    pub time: String,
    /// native, registry, github
    pub endpoint: String,
    /// The caller's address.
    pub from: String,
    pub name: String,
    pub tag: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    pub routed: Vec<Routed>,
}

/// The state of a release this replica handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Waiting for the running release of the workload (or a free slot).
    Queued,
    Running,
    /// Waiting for another replica's release of the workload to end.
    LockedElsewhere,
    Succeeded,
    RolledBack,
    Failed,
    UndoRefused,
    Interrupted,
    /// Nothing to do: the digest runs already, or was released before.
    Noop,
    /// A newer notification for the workload replaced it before it started.
    Coalesced,
    /// Not released on purpose (Argo CD would put it back; the server was stopping).
    Refused,
    Error,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Running => "running",
            State::LockedElsewhere => "locked-elsewhere",
            State::Succeeded => "succeeded",
            State::RolledBack => "rolled-back",
            State::Failed => "failed",
            State::UndoRefused => "undo-refused",
            State::Interrupted => "interrupted",
            State::Noop => "noop",
            State::Coalesced => "coalesced",
            State::Refused => "refused",
            State::Error => "error",
        }
    }

    pub fn is_final(self) -> bool {
        !matches!(
            self,
            State::Queued | State::Running | State::LockedElsewhere
        )
    }
}

/// One engine event, as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Milliseconds since the notification was accepted.
    pub ms: u64,
    pub event: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseEntry {
    pub id: u64,
    pub notification: u64,
    pub workload: WorkloadRef,
    pub reason: Reason,
    /// `name:tag` as pushed.
    pub image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// The images the workload ran before (per changed container).
    pub from: Vec<String>,
    /// The image released (`name:tag@digest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub state: State,
    pub received: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished: Option<String>,
    /// From the notification to the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// From the notification to the patch landing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_patch_ms: Option<u64>,
    /// The release record's revision (`kubectl release history`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_gate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Who started it, as recorded (`webhook native from 10.1.2.3`).
    pub via: String,
    pub steps: Vec<Step>,
}

/// The in-memory journal.
#[derive(Default)]
pub struct Journal {
    next: AtomicU64,
    notifications: Mutex<VecDeque<NotificationEntry>>,
    releases: Mutex<VecDeque<ReleaseEntry>>,
}

fn push<T>(q: &Mutex<VecDeque<T>>, v: T) {
    let mut q = q.lock().unwrap_or_else(|e| e.into_inner());
    q.push_back(v);
    while q.len() > KEEP {
        q.pop_front();
    }
}

impl Journal {
    pub fn id(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub fn notification(&self, n: NotificationEntry) {
        push(&self.notifications, n)
    }

    pub fn release(&self, r: ReleaseEntry) {
        push(&self.releases, r)
    }

    /// Changes release `id` (if still kept).
    pub fn update(&self, id: u64, f: impl FnOnce(&mut ReleaseEntry)) {
        let mut q = self.releases.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = q.iter_mut().rev().find(|r| r.id == id) {
            f(r)
        }
    }

    /// Ends release `id` in `state`.
    pub fn finish(&self, id: u64, state: State, message: Option<String>, elapsed_ms: u64) {
        self.update(id, |r| {
            r.state = state;
            r.finished = Some(now());
            r.duration_ms = Some(elapsed_ms);
            if message.is_some() {
                r.message = message;
            }
        })
    }

    /// The kept releases, newest first.
    pub fn releases(&self) -> Vec<ReleaseEntry> {
        let q = self.releases.lock().unwrap_or_else(|e| e.into_inner());
        q.iter().rev().cloned().collect()
    }

    /// The kept notifications, newest first.
    pub fn notifications(&self) -> Vec<NotificationEntry> {
        let q = self.notifications.lock().unwrap_or_else(|e| e.into_inner());
        q.iter().rev().cloned().collect()
    }
}
