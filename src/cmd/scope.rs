//! What a live command acts on: an environment (rendered), a kustomization directory, or one workload.

use serde_json::Value;

use super::CmdError;
use crate::cli::{Cli, GateArgs, Scope};
use crate::cluster::{self, Cluster};
use crate::release::gates::Gates;
use crate::release::record::WorkloadRef;
use crate::release::rollout::WorkloadKind;
use crate::render::{self, fs::DiskFs};
use crate::repo::config;

/// The workloads a command acts on, with the environment's settings.
pub struct Resolved {
    /// Each workload with its rendered document (`Null` for one named on the command line).
    pub workloads: Vec<(WorkloadRef, Value)>,
    pub gates: Gates,
    pub env: Option<String>,
    /// The environment's config, for `--resolve`.
    pub env_cfg: Option<config::Environment>,
}

impl Resolved {
    pub fn refs(&self) -> Vec<WorkloadRef> {
        self.workloads.iter().map(|(w, _)| w.clone()).collect()
    }
}

/// `deployment/api`, `sts/db`, ... as kubectl spells workload kinds.
fn parse_workload(s: &str) -> Option<(WorkloadKind, String)> {
    let (k, n) = s.split_once('/')?;
    let kind = match k.to_ascii_lowercase().as_str() {
        "deployment" | "deployments" | "deploy" => WorkloadKind::Deployment,
        "statefulset" | "statefulsets" | "sts" => WorkloadKind::StatefulSet,
        "daemonset" | "daemonsets" | "ds" => WorkloadKind::DaemonSet,
        _ => return None,
    };
    (!n.is_empty()).then(|| (kind, n.to_string()))
}

/// The Deployments, StatefulSets and DaemonSets among rendered documents.
pub fn workloads_in(docs: &[Value], default_ns: &str) -> Vec<(WorkloadRef, Value)> {
    docs.iter()
        .filter_map(|d| {
            let kind = d.get("kind")?.as_str()?;
            WorkloadKind::parse(kind)?;
            let md = d.get("metadata")?;
            Some((
                WorkloadRef {
                    kind: kind.to_string(),
                    namespace: md
                        .get("namespace")
                        .and_then(Value::as_str)
                        .unwrap_or(default_ns)
                        .to_string(),
                    name: md.get("name")?.as_str()?.to_string(),
                },
                d.clone(),
            ))
        })
        .collect()
}

/// The environment's gates with the command line's overrides.
pub fn apply_gate_args(mut g: Gates, a: &GateArgs) -> Gates {
    if let Some(t) = a.timeout {
        g.timeout = t;
    }
    if let Some(s) = a.soak {
        g.soak = s;
    }
    if let Some(r) = a.readiness_timeout {
        g.readiness_timeout = r;
    }
    if let Some(m) = a.max_restarts {
        g.max_restarts = m;
    }
    g
}

/// The `-n` given, if any; only `webhook` takes several.
pub fn single_namespace(cli: &Cli) -> Result<Option<String>, CmdError> {
    match cli.global.namespace.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        more => Err(CmdError::Usage(format!(
            "-n/--namespace was given {} times; this command takes one",
            more.len()
        ))),
    }
}

/// Resolves the scope and connects to its cluster.
pub async fn resolve(
    cli: &Cli,
    scope: &Scope,
    gate_args: &GateArgs,
) -> Result<(Resolved, Cluster), CmdError> {
    let mut target = cluster::Target {
        kubeconfig: cli.global.kubeconfig.clone(),
        context: cli.global.context.clone(),
        namespace: single_namespace(cli)?,
    };
    let single = scope.target.as_deref().and_then(parse_workload);
    let (docs, gates, env, env_cfg) = match (&scope.kustomize, &scope.target, &single) {
        (Some(dir), _, _) => (
            Some(render::render(&DiskFs, dir)?),
            Gates::default(),
            None,
            None,
        ),
        (None, Some(_), Some(_)) => (None, Gates::default(), None, None),
        (None, Some(env), None) => {
            let cwd = std::env::current_dir()?;
            let loaded = config::Loaded::find(cli.global.repo.as_deref(), &cwd)?;
            let e = loaded.env(env)?.clone();
            if target.context.is_none() {
                target.context = e.cluster.context.clone();
            }
            if target.namespace.is_none() {
                target.namespace = e.cluster.namespace.clone();
            }
            let docs = render::render(&DiskFs, &loaded.overlay_dir(env)?)?;
            (Some(docs), e.gates.clone(), Some(env.clone()), Some(e))
        }
        (None, None, _) => {
            return Err(CmdError::Usage(
                "give an environment, a workload (deployment/NAME) or -k DIR".into(),
            ));
        }
    };
    let c = Cluster::connect(&target).await?;
    let workloads = match (docs, single) {
        (Some(d), _) => workloads_in(&d, &c.namespace),
        (None, Some((k, n))) => vec![(
            WorkloadRef {
                kind: k.as_str().to_string(),
                namespace: c.namespace.clone(),
                name: n,
            },
            Value::Null,
        )],
        (None, None) => Vec::new(),
    };
    Ok((
        Resolved {
            workloads,
            gates: apply_gate_args(gates, gate_args),
            env,
            env_cfg,
        },
        c,
    ))
}
