//! Judging a rollout: Kubernetes progress as `kubectl rollout status` sees it, pod signals, soak, and metric gates.
//!
//! Pure: a snapshot of the workload and its new pods goes in, a verdict comes
//! out. The watch loop that gathers snapshots is [`super::watch`]; this module
//! decides, so every rule is tested without a cluster.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Container states that mean a release is broken, whatever the progress deadline says.
pub const BAD_WAITING_REASONS: [&str; 6] = [
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "InvalidImageName",
    "RunContainerError",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Deployment" => Some(WorkloadKind::Deployment),
            "StatefulSet" => Some(WorkloadKind::StatefulSet),
            "DaemonSet" => Some(WorkloadKind::DaemonSet),
            _ => None,
        }
    }
}

/// One container of a pod as the kubelet reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerState {
    pub name: String,
    pub waiting_reason: Option<String>,
    pub terminated_reason: Option<String>,
    pub last_terminated_reason: Option<String>,
    pub restart_count: u32,
    pub ready: bool,
}

/// A pod of the new revision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodState {
    pub name: String,
    pub phase: String,
    pub ready: bool,
    /// How long ago the pod was created.
    pub age: Duration,
    pub containers: Vec<ContainerState>,
}

/// The workload's spec/status numbers that rollout status reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkloadState {
    pub kind: Option<WorkloadKind>,
    pub generation: i64,
    pub observed_generation: i64,
    /// Desired replicas (Deployment/StatefulSet) or desired scheduled (DaemonSet).
    pub desired: i64,
    pub updated: i64,
    pub ready: i64,
    pub available: i64,
    /// All replicas, old and new (Deployment `status.replicas`).
    pub total: i64,
    pub paused: bool,
    /// `Progressing` condition reason (Deployment).
    pub progressing_reason: Option<String>,
    /// StatefulSet revisions.
    pub current_revision: Option<String>,
    pub update_revision: Option<String>,
    /// StatefulSet RollingUpdate partition.
    pub partition: i64,
    /// Pods of the revision being rolled out.
    pub new_pods: Vec<PodState>,
    /// The images of the pod template (containers and init containers).
    pub template_images: Vec<String>,
}

/// Pod-level gate settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodGates {
    /// A new pod not Ready this long after it was created fails the release.
    #[serde(with = "humantime_serde", default = "default_readiness")]
    pub readiness_timeout: Duration,
    /// More restarts than this in any new container fail the release.
    #[serde(default = "default_restarts")]
    pub max_restarts: u32,
}

fn default_readiness() -> Duration {
    Duration::from_secs(120)
}
fn default_restarts() -> u32 {
    2
}

impl Default for PodGates {
    fn default() -> Self {
        PodGates {
            readiness_timeout: default_readiness(),
            max_restarts: default_restarts(),
        }
    }
}

/// What a snapshot says about the rollout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Still rolling out: what it is waiting for.
    Progressing(String),
    /// Kubernetes reports the rollout complete and no pod signal is bad.
    Complete,
    /// The rollout failed.
    Failed(Failure),
}

/// Why a workload's rollout failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Failure {
    /// A pod of the new revision shows that the release is broken.
    PodSignal {
        pod: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        container: Option<String>,
        signal: Signal,
    },
    /// The Deployment's `Progressing` condition says `ProgressDeadlineExceeded`.
    ProgressDeadline,
}

/// A pod signal that fails a release before any progress deadline would.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "signal", rename_all = "kebab-case")]
pub enum Signal {
    /// One of [`BAD_WAITING_REASONS`] (`CrashLoopBackOff`, `ErrImagePull`, ...).
    Waiting {
        reason: String,
    },
    OomKilled,
    Restarts {
        count: u32,
        limit: u32,
    },
    NotReady {
        after_secs: u64,
        timeout_secs: u64,
    },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::ProgressDeadline => f.write_str(
                "ProgressDeadlineExceeded: the Deployment exceeded its progress deadline",
            ),
            Failure::PodSignal {
                pod,
                container,
                signal,
            } => {
                let at = match container {
                    Some(c) => format!("pod {pod} container {c}"),
                    None => format!("pod {pod}"),
                };
                match signal {
                    Signal::Waiting { reason } => write!(f, "{at}: {reason}"),
                    Signal::OomKilled => write!(f, "{at}: OOMKilled"),
                    Signal::Restarts { count, limit } => {
                        write!(f, "{at}: {count} restarts (more than {limit})")
                    }
                    Signal::NotReady {
                        after_secs,
                        timeout_secs,
                    } => write!(
                        f,
                        "{at} not Ready after {after_secs}s (readiness timeout {timeout_secs}s)"
                    ),
                }
            }
        }
    }
}

/// Pod signals of the new revision: a bad waiting reason, OOMKilled, too many
/// restarts, or not Ready within the readiness timeout.
pub fn pod_failure(pods: &[PodState], g: &PodGates) -> Option<Failure> {
    let signal = |p: &PodState, c: &ContainerState, signal| Failure::PodSignal {
        pod: p.name.clone(),
        container: Some(c.name.clone()),
        signal,
    };
    for p in pods {
        for c in &p.containers {
            if let Some(r) = c
                .waiting_reason
                .as_deref()
                .filter(|r| BAD_WAITING_REASONS.contains(r))
            {
                return Some(signal(p, c, Signal::Waiting { reason: r.into() }));
            }
            if c.terminated_reason.as_deref() == Some("OOMKilled")
                || c.last_terminated_reason.as_deref() == Some("OOMKilled")
            {
                return Some(signal(p, c, Signal::OomKilled));
            }
            if c.restart_count > g.max_restarts {
                return Some(signal(
                    p,
                    c,
                    Signal::Restarts {
                        count: c.restart_count,
                        limit: g.max_restarts,
                    },
                ));
            }
        }
        if !p.ready && p.age > g.readiness_timeout {
            return Some(Failure::PodSignal {
                pod: p.name.clone(),
                container: None,
                signal: Signal::NotReady {
                    after_secs: p.age.as_secs(),
                    timeout_secs: g.readiness_timeout.as_secs(),
                },
            });
        }
    }
    None
}

/// Kubernetes progress as `kubectl rollout status` judges it.
pub fn progress(s: &WorkloadState) -> Verdict {
    use Verdict::*;
    match s.kind.unwrap_or(WorkloadKind::Deployment) {
        WorkloadKind::Deployment => {
            if s.generation > s.observed_generation {
                return Progressing("waiting for the Deployment spec update to be observed".into());
            }
            if s.progressing_reason.as_deref() == Some("ProgressDeadlineExceeded") {
                return Failed(Failure::ProgressDeadline);
            }
            if s.paused {
                return Progressing("the Deployment is paused".into());
            }
            if s.updated < s.desired {
                return Progressing(format!(
                    "{} of {} new replicas updated",
                    s.updated, s.desired
                ));
            }
            if s.total > s.updated {
                return Progressing(format!(
                    "{} old replicas pending termination",
                    s.total - s.updated
                ));
            }
            if s.available < s.updated {
                return Progressing(format!(
                    "{} of {} updated replicas available",
                    s.available, s.updated
                ));
            }
            Complete
        }
        WorkloadKind::StatefulSet => {
            if s.generation > s.observed_generation {
                return Progressing(
                    "waiting for the StatefulSet spec update to be observed".into(),
                );
            }
            if s.ready < s.desired {
                return Progressing(format!("{} of {} pods ready", s.ready, s.desired));
            }
            if s.partition > 0 {
                if s.updated < s.desired - s.partition {
                    return Progressing(format!(
                        "{} of {} partitioned pods updated",
                        s.updated,
                        s.desired - s.partition
                    ));
                }
                return Complete;
            }
            if s.update_revision != s.current_revision {
                return Progressing(format!("{} of {} pods updated", s.updated, s.desired));
            }
            Complete
        }
        WorkloadKind::DaemonSet => {
            if s.generation > s.observed_generation {
                return Progressing("waiting for the DaemonSet spec update to be observed".into());
            }
            if s.updated < s.desired {
                return Progressing(format!(
                    "{} of {} updated pods scheduled",
                    s.updated, s.desired
                ));
            }
            if s.available < s.desired {
                return Progressing(format!(
                    "{} of {} updated pods available",
                    s.available, s.desired
                ));
            }
            Complete
        }
    }
}

/// Progress plus pod signals: a bad pod fails the release even while Kubernetes waits.
/// Pods are judged only once the controller has observed the change, so the
/// previous revision's pods are never blamed on this one.
pub fn judge(s: &WorkloadState, g: &PodGates) -> Verdict {
    if s.generation > s.observed_generation {
        return progress(s);
    }
    if let Some(why) = pod_failure(&s.new_pods, g) {
        return Verdict::Failed(why);
    }
    progress(s)
}

/// A comparison such as `< 0.05` or `>= 99`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub op: CmpOp,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Threshold {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let (op, rest) = [
            ("<=", CmpOp::Le),
            (">=", CmpOp::Ge),
            ("==", CmpOp::Eq),
            ("!=", CmpOp::Ne),
            ("<", CmpOp::Lt),
            (">", CmpOp::Gt),
        ]
        .iter()
        .find_map(|(p, op)| t.strip_prefix(p).map(|r| (*op, r)))
        .ok_or_else(|| {
            format!(
                "invalid threshold {s:?}: expected an operator (<, <=, >, >=, ==, !=) and a number"
            )
        })?;
        let value: f64 = rest
            .trim()
            .parse()
            .map_err(|_| format!("invalid threshold {s:?}: {:?} is not a number", rest.trim()))?;
        Ok(Threshold { op, value })
    }
    pub fn holds(&self, x: f64) -> bool {
        match self.op {
            CmpOp::Lt => x < self.value,
            CmpOp::Le => x <= self.value,
            CmpOp::Gt => x > self.value,
            CmpOp::Ge => x >= self.value,
            CmpOp::Eq => x == self.value,
            CmpOp::Ne => x != self.value,
        }
    }
}

/// A metric gate's running tally (Argo Rollouts' `count`/`failureLimit` semantics).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub measured: u32,
    pub failed: u32,
    pub errors: u32,
}

impl Tally {
    /// Records one measurement: Ok(true) passed, Ok(false) failed, Err measurement error.
    pub fn record(&mut self, r: Result<bool, String>) {
        self.measured += 1;
        match r {
            Ok(true) => {}
            Ok(false) => self.failed += 1,
            Err(_) => self.errors += 1,
        }
    }
    /// Failed when failures exceed the limit, or errors exceed the consecutive error limit.
    pub fn failed(&self, failure_limit: u32, error_limit: u32) -> bool {
        self.failed > failure_limit || self.errors > error_limit
    }
}

/// Extracts a value from JSON with a dotted path (`status`, `checks.0.ok`, `$.data.healthy`).
pub fn json_path<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let p = path.trim().trim_start_matches('$').trim_start_matches('.');
    if p.is_empty() {
        return Some(v);
    }
    let mut cur = v;
    for seg in p.split('.') {
        cur = match cur {
            serde_json::Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            other => other.get(seg)?,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep() -> WorkloadState {
        WorkloadState {
            kind: Some(WorkloadKind::Deployment),
            generation: 2,
            observed_generation: 2,
            desired: 3,
            updated: 3,
            ready: 3,
            available: 3,
            total: 3,
            ..Default::default()
        }
    }

    fn pod(reason: Option<&str>, restarts: u32, ready: bool, age: u64) -> PodState {
        PodState {
            name: "p".into(),
            phase: "Running".into(),
            ready,
            age: Duration::from_secs(age),
            containers: vec![ContainerState {
                name: "c".into(),
                waiting_reason: reason.map(str::to_string),
                restart_count: restarts,
                ready,
                ..Default::default()
            }],
        }
    }

    #[test]
    fn deployment_progress_like_kubectl_rollout_status() {
        let g = PodGates::default();
        assert_eq!(judge(&dep(), &g), Verdict::Complete);
        let mut s = dep();
        s.generation = 3;
        assert!(matches!(progress(&s), Verdict::Progressing(_)));
        let mut s = dep();
        s.updated = 1;
        assert!(matches!(progress(&s), Verdict::Progressing(m) if m.contains("1 of 3")));
        let mut s = dep();
        s.total = 4;
        assert!(
            matches!(progress(&s), Verdict::Progressing(m) if m.contains("pending termination"))
        );
        let mut s = dep();
        s.available = 2;
        assert!(matches!(progress(&s), Verdict::Progressing(_)));
        let mut s = dep();
        s.progressing_reason = Some("ProgressDeadlineExceeded".into());
        assert_eq!(progress(&s), Verdict::Failed(Failure::ProgressDeadline));
        assert!(
            Failure::ProgressDeadline
                .to_string()
                .contains("ProgressDeadlineExceeded")
        );
    }

    #[test]
    fn pod_signals_fail_fast() {
        let g = PodGates {
            readiness_timeout: Duration::from_secs(30),
            max_restarts: 2,
        };
        let mut s = dep();
        s.updated = 1;
        s.new_pods = vec![pod(Some("CrashLoopBackOff"), 1, false, 3)];
        let crash = judge(&s, &g);
        assert!(
            matches!(&crash, Verdict::Failed(Failure::PodSignal { signal: Signal::Waiting { reason }, .. }) if reason == "CrashLoopBackOff"),
            "{crash:?}"
        );
        if let Verdict::Failed(f) = crash {
            assert!(
                f.to_string().ends_with("container c: CrashLoopBackOff"),
                "{f}"
            );
        }
        s.new_pods = vec![pod(Some("ContainerCreating"), 0, false, 3)];
        assert!(matches!(judge(&s, &g), Verdict::Progressing(_)));
        s.new_pods = vec![pod(None, 3, true, 3)];
        assert!(matches!(
            judge(&s, &g),
            Verdict::Failed(Failure::PodSignal {
                signal: Signal::Restarts { count: 3, limit: 2 },
                ..
            })
        ));
        s.new_pods = vec![pod(None, 0, false, 31)];
        assert!(matches!(
            judge(&s, &g),
            Verdict::Failed(Failure::PodSignal {
                container: None,
                signal: Signal::NotReady {
                    after_secs: 31,
                    timeout_secs: 30
                },
                ..
            })
        ));
        let mut p = pod(None, 0, false, 1);
        p.containers[0].last_terminated_reason = Some("OOMKilled".into());
        s.new_pods = vec![p];
        assert!(matches!(
            judge(&s, &g),
            Verdict::Failed(Failure::PodSignal {
                signal: Signal::OomKilled,
                ..
            })
        ));
    }

    #[test]
    fn statefulset_and_daemonset() {
        let s = WorkloadState {
            kind: Some(WorkloadKind::StatefulSet),
            desired: 2,
            ready: 2,
            updated: 1,
            current_revision: Some("a".into()),
            update_revision: Some("b".into()),
            ..Default::default()
        };
        assert!(matches!(progress(&s), Verdict::Progressing(_)));
        let s = WorkloadState {
            kind: Some(WorkloadKind::DaemonSet),
            desired: 2,
            updated: 2,
            available: 2,
            ..Default::default()
        };
        assert_eq!(progress(&s), Verdict::Complete);
    }

    #[test]
    fn thresholds_tallies_and_json_paths() {
        let t = Threshold::parse("< 0.05").unwrap();
        assert!(t.holds(0.01) && !t.holds(0.05));
        assert!(Threshold::parse(">=99").unwrap().holds(99.0));
        assert!(Threshold::parse("about 5").is_err());
        let mut tally = Tally::default();
        tally.record(Ok(true));
        tally.record(Ok(false));
        assert!(!tally.failed(1, 4));
        tally.record(Ok(false));
        assert!(tally.failed(1, 4));
        let v = serde_json::json!({"status": "ok", "checks": [{"up": true}]});
        assert_eq!(
            json_path(&v, "$.checks.0.up"),
            Some(&serde_json::json!(true))
        );
        assert_eq!(json_path(&v, "status"), Some(&serde_json::json!("ok")));
    }
}
