//! The live-cluster commands: `deploy`, `status`, `undo`, `history`.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use super::{CmdError, exit, runtime};
use crate::cli::{Cli, DeployArgs, GateArgs, HistoryArgs, Output, Scope, StatusArgs, UndoArgs};
use crate::cluster::{self, Cluster};
use crate::config;
use crate::history::{self, Record, Status, WorkloadRef};
use crate::patch::Change;
use crate::release::{self, Gates, Outcome, Planned};
use crate::render::{self, fs::DiskFs};
use crate::rollout::{self, Verdict, WorkloadKind};

/// Exit codes of `deploy` and `undo` beyond the common ones.
pub const ROLLED_BACK: i32 = 3;
pub const UNDO_REFUSED: i32 = 4;
pub const INTERRUPTED: i32 = 130;

/// The workloads a command acts on, the cluster settings and the env's gates.
struct Resolved {
    workloads: Vec<(WorkloadRef, Value)>,
    gates: Gates,
    env: Option<String>,
    /// Config of the env, for --resolve.
    env_cfg: Option<config::Environment>,
}

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

fn workloads_in(docs: &[Value], default_ns: &str) -> Vec<(WorkloadRef, Value)> {
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

fn apply_gate_args(mut g: Gates, a: &GateArgs) -> Gates {
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

/// Resolves the scope: env (rendered), kustomization dir, or one workload.
async fn resolve(
    cli: &Cli,
    scope: &Scope,
    gate_args: &GateArgs,
) -> Result<(Resolved, Cluster), CmdError> {
    let mut target = cluster::Target {
        kubeconfig: cli.global.kubeconfig.clone(),
        context: cli.global.context.clone(),
        namespace: cli.global.namespace.clone(),
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

fn reporter(json: bool) -> impl Fn(&str) + Sync {
    move |line: &str| {
        if json {
            let v = serde_json::json!({"time": history::now(), "event": line});
            println!("{v}");
        } else {
            eprintln!("{line}");
        }
    }
}

fn outcome_code(o: &Outcome, report: &dyn Fn(&str)) -> i32 {
    match o {
        Outcome::Succeeded => {
            report("released: all gates passed");
            exit::OK
        }
        Outcome::RolledBack(why) => {
            report(&format!("rolled back: {why}"));
            ROLLED_BACK
        }
        Outcome::Failed(why) => {
            report(&format!("failed (not undone, --no-undo): {why}"));
            exit::CHANGES
        }
        Outcome::UndoRefused(why) => {
            report(&format!("NOT undone: {why}"));
            UNDO_REFUSED
        }
        Outcome::Interrupted(state) => {
            report(&format!(
                "interrupted while {state}; the release is left in place. To undo it: kubectl release undo <same target>"
            ));
            INTERRUPTED
        }
    }
}

pub fn deploy(cli: &Cli, a: &DeployArgs) -> Result<i32, CmdError> {
    let rt = runtime()?;
    rt.block_on(async {
        let (r, c) = resolve(cli, &a.scope, &a.gates).await?;
        crate::registry::ImageRef::parse(&a.image)?;
        let name = crate::gitops::image_name(&a.image).to_string();
        let new_image = if a.resolve {
            resolve_image(&r, &name, &a.insecure_registry).await?
        } else {
            if !a.image.contains('@') && a.image.len() == name.len() {
                return Err(CmdError::Usage(format!("{} has no tag or digest; use REPO:TAG, REPO@sha256:..., or --resolve", a.image)));
            }
            a.image.clone()
        };
        let targets: Vec<WorkloadRef> = r
            .workloads
            .iter()
            .filter(|(_, doc)| doc.is_null() || super::rendered_images(std::slice::from_ref(doc)).iter().any(|i| crate::gitops::image_name(i) == name))
            .map(|(w, _)| w.clone())
            .collect();
        if targets.is_empty() {
            return Err(CmdError::Usage(format!(
                "no Deployment, StatefulSet or DaemonSet of {} runs {name}",
                r.env.as_deref().unwrap_or("the given scope")
            )));
        }
        let plans = release::plan(&c, &targets, &name, &new_image).await?;
        let json = cli.global.output == Output::Json;
        let report = reporter(json);
        if plans.is_empty() {
            report(&format!("every workload already runs {new_image}; nothing to do"));
            return Ok(exit::OK);
        }
        if a.dry_run {
            let plan: Vec<Value> = plans
                .iter()
                .map(|p| serde_json::json!({"workload": p.workload, "images": p.images, "patch": p.patch(), "inverse": p.inverse()}))
                .collect();
            let mut out = std::io::stdout().lock();
            out.write_all(serde_json::to_string_pretty(&plan).unwrap_or_default().as_bytes())?;
            out.write_all(b"\n")?;
            eprintln!("dry run: nothing changed");
            return Ok(exit::OK);
        }
        let opts = release::Options {
            env: r.env.clone(),
            gates: r.gates.clone(),
            no_undo: a.no_undo,
            undo_on_interrupt: a.undo_on_interrupt,
            undo_of: None,
        };
        // Git first: the overlay says what should run, then the cluster follows.
        let committed = if a.write_back {
            let env = r.env.clone().ok_or_else(|| CmdError::Usage("--write-back needs an environment".into()))?;
            let args = crate::cli::SetImageArgs {
                env,
                image: new_image.clone(),
                resolve: false,
                policy: None,
                commit: true,
                push: a.push,
                dry_run: false,
                allow_dirty: a.allow_dirty,
                insecure_registry: a.insecure_registry.clone(),
            };
            let committed = tokio::task::block_in_place(|| super::set_image_impl(cli, &args, true))?;
            if committed.is_none() {
                report("the overlay already sets this image; nothing committed");
            }
            committed
        } else {
            None
        };
        let outcome = release::run(&c, &plans, &opts, &report).await?;
        if let (Outcome::RolledBack(_), Some(cm)) = (&outcome, &committed) {
            revert_write_back(cm, &report);
        }
        Ok(outcome_code(&outcome, &report))
    })
}

async fn resolve_image(r: &Resolved, name: &str, insecure: &[String]) -> Result<String, CmdError> {
    let cfg = r
        .env_cfg
        .as_ref()
        .and_then(|e| e.images.iter().find(|i| i.name == name))
        .ok_or_else(|| CmdError::Usage(format!("--resolve needs a policy for {name} under the environment's `images:` in kubectl-release.yaml")))?;
    let policy =
        crate::policy::Policy::parse(&cfg.policy, cfg.allow_tags.as_deref(), &cfg.ignore_tags)?;
    let image = crate::registry::ImageRef::parse(name)?;
    let client = crate::registry::Client::new(crate::registry::Options {
        insecure: insecure.to_vec(),
        ..Default::default()
    })?;
    let tags = client.list_tags(&image).await?;
    let current = r
        .workloads
        .iter()
        .flat_map(|(_, d)| super::rendered_images(std::slice::from_ref(d)))
        .find(|i| crate::gitops::image_name(i) == name)
        .and_then(|i| i.rsplit_once(':').map(|(_, t)| t.to_string()));
    let chosen = policy.select(name, current.as_deref(), &tags)?;
    Ok(match &policy.strategy {
        crate::policy::Strategy::Track(t) => {
            format!("{name}@{}", client.resolve_digest(&image, t).await?)
        }
        _ => format!("{name}:{chosen}"),
    })
}

pub fn status(cli: &Cli, a: &StatusArgs) -> Result<i32, CmdError> {
    let rt = runtime()?;
    rt.block_on(async {
        let (r, c) = resolve(cli, &a.scope, &a.gates).await?;
        let json = cli.global.output == Output::Json;
        let started = std::time::Instant::now();
        let mut last = String::new();
        // On a terminal with -w: one progress bar per workload (updated of desired).
        use std::io::IsTerminal;
        let bars = (a.watch && !json && std::io::stdout().is_terminal()).then(|| {
            let multi = indicatif::MultiProgress::new();
            let style =
                indicatif::ProgressStyle::with_template("{prefix:32} [{bar:30}] {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> ");
            let list: Vec<indicatif::ProgressBar> = r
                .workloads
                .iter()
                .map(|(w, _)| {
                    let b = multi.add(indicatif::ProgressBar::new(1));
                    b.set_style(style.clone());
                    b.set_prefix(format!("{}/{}", w.kind.to_lowercase(), w.name));
                    b
                })
                .collect();
            (multi, list)
        });
        loop {
            let mut lines = Vec::new();
            let mut healthy = true;
            let mut failed = None;
            for (w, _) in &r.workloads {
                let s = cluster::workload::state(&c, w).await?;
                let v = rollout::judge(&s, &r.gates.pods());
                let text = match &v {
                    Verdict::Complete => "healthy".to_string(),
                    Verdict::Progressing(m) => {
                        healthy = false;
                        format!("progressing: {m}")
                    }
                    Verdict::Failed(m) => {
                        healthy = false;
                        failed.get_or_insert_with(|| format!("{w}: {m}"));
                        format!("failed: {m}")
                    }
                };
                lines.push((w.clone(), s, text));
            }
            let rendered: String = if json {
                lines
                    .iter()
                    .map(|(w, s, t)| {
                        serde_json::json!({"time": history::now(), "workload": w, "state": t,
                            "desired": s.desired, "updated": s.updated, "available": s.available})
                        .to_string()
                            + "\n"
                    })
                    .collect()
            } else {
                lines
                    .iter()
                    .map(|(w, s, t)| {
                        format!(
                            "{}/{}\t{}/{} updated, {} available\t{t}\n",
                            w.kind.to_lowercase(),
                            w.name,
                            s.updated,
                            s.desired,
                            s.available
                        )
                    })
                    .collect()
            };
            if let Some((_, list)) = &bars {
                for ((_, s, t), b) in lines.iter().zip(list) {
                    b.set_length(s.desired.max(0) as u64);
                    b.set_position(s.available.min(s.updated).max(0) as u64);
                    b.set_message(t.clone());
                }
            } else if rendered != last {
                print!("{rendered}");
                last = rendered;
            }
            let done = failed.is_some() || healthy;
            if let (true, Some((_, list))) = (done, &bars) {
                for b in list {
                    b.finish();
                }
            }
            if let Some(f) = failed {
                if !json {
                    eprintln!("failed: {f}");
                }
                return Ok(exit::CHANGES);
            }
            if healthy {
                return Ok(exit::OK);
            }
            if !a.watch {
                return Ok(exit::CHANGES);
            }
            if started.elapsed() > r.gates.timeout {
                eprintln!("timed out after {}s", r.gates.timeout.as_secs());
                return Ok(exit::CHANGES);
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    })
}

/// The changes of a recorded patch (its `test`+`replace` pairs).
pub fn changes_from_patch(patch: &Value) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::new();
    for op in patch.as_array().into_iter().flatten() {
        // The resourceVersion precondition is not part of the change.
        if op.get("path").and_then(Value::as_str) == Some("/metadata/resourceVersion") {
            continue;
        }
        let path = op
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let value = op.get("value").cloned();
        match op.get("op").and_then(Value::as_str) {
            Some("test") => out.push(Change {
                path,
                old: value,
                new: None,
            }),
            Some("replace") | Some("add") => match out.last_mut() {
                Some(c) if c.path == path && c.new.is_none() => c.new = value,
                _ => out.push(Change {
                    path,
                    old: None,
                    new: value,
                }),
            },
            _ => {}
        }
    }
    out
}

pub fn undo(cli: &Cli, a: &UndoArgs) -> Result<i32, CmdError> {
    let rt = runtime()?;
    rt.block_on(async {
        let (r, c) = resolve(cli, &a.scope, &a.gates).await?;
        let mut plans = Vec::new();
        let mut originals: Vec<(WorkloadRef, u64)> = Vec::new();
        for (w, _) in &r.workloads {
            let (recs, _) = cluster::workload::records(&c, w).await?;
            let pick: Option<&Record> = match a.to_revision {
                Some(n) => recs.iter().find(|x| x.revision == n),
                None => recs.iter().rev().find(|x| {
                    x.undo_of.is_none()
                        && matches!(
                            x.status,
                            Status::Succeeded
                                | Status::Failed
                                | Status::Interrupted
                                | Status::InProgress
                        )
                }),
            };
            let Some(rec) = pick else { continue };
            let forward = changes_from_patch(&rec.patch);
            let changes = crate::patch::inverse(&forward);
            let images = rec
                .images
                .iter()
                .map(|i| history::ImageChange {
                    old: i.new.clone(),
                    new: i.old.clone(),
                    ..i.clone()
                })
                .collect();
            originals.push((w.clone(), rec.revision));
            plans.push(Planned {
                workload: w.clone(),
                images,
                changes,
                resource_version: None,
            });
        }
        if plans.is_empty() {
            return Err(CmdError::Usage(match a.to_revision {
                Some(n) => {
                    format!("no release record with revision {n}; see `kubectl release history`")
                }
                None => "no release to undo (no records); see `kubectl release history`".into(),
            }));
        }
        let report = reporter(cli.global.output == Output::Json);
        if a.dry_run {
            for p in &plans {
                println!(
                    "{}",
                    serde_json::json!({"workload": p.workload, "patch": p.patch()})
                );
            }
            return Ok(exit::OK);
        }
        // An undo that fails its gates is reported, never "undone" back to the bad release.
        let opts = release::Options {
            env: r.env.clone(),
            gates: r.gates.clone(),
            no_undo: true,
            undo_on_interrupt: false,
            undo_of: originals.first().map(|x| x.1),
        };
        let outcome = release::run(&c, &plans, &opts, &report).await;
        let outcome = match outcome {
            Err(release::ReleaseError::Plan(m)) if m.contains("changed since") => {
                report(&format!("NOT undone: {m}"));
                return Ok(UNDO_REFUSED);
            }
            o => o?,
        };
        if outcome == Outcome::Succeeded {
            for (w, rev) in &originals {
                cluster::workload::update_records(&c, w, |recs| {
                    if let Some(r) = recs.iter_mut().find(|r| r.revision == *rev) {
                        r.status = Status::Undone;
                    }
                })
                .await?;
            }
        }
        Ok(outcome_code(&outcome, &report))
    })
}

pub fn history(cli: &Cli, a: &HistoryArgs) -> Result<i32, CmdError> {
    let rt = runtime()?;
    rt.block_on(async {
        let (r, c) = resolve(cli, &a.scope, &GateArgs::default()).await?;
        let mut all: Vec<Record> = Vec::new();
        for (w, _) in &r.workloads {
            all.extend(cluster::workload::records(&c, w).await?.0);
        }
        all.sort_by(|x, y| y.started.cmp(&x.started).then(y.revision.cmp(&x.revision)));
        let mut out = std::io::stdout().lock();
        if cli.global.output == Output::Json {
            out.write_all(
                serde_json::to_string_pretty(&all)
                    .unwrap_or_default()
                    .as_bytes(),
            )?;
            out.write_all(b"\n")?;
            return Ok(exit::OK);
        }
        let mut rows = vec![[
            "WORKLOAD".to_string(),
            "REV".into(),
            "STARTED".into(),
            "STATUS".into(),
            "IMAGE".into(),
            "BY".into(),
        ]];
        for rec in &all {
            let img = rec
                .images
                .first()
                .map(|i| format!("{} -> {}", short(&i.old), short(&i.new)))
                .unwrap_or_default();
            rows.push([
                format!("{}/{}", rec.workload.kind.to_lowercase(), rec.workload.name),
                rec.revision.to_string(),
                rec.started.clone(),
                rec.status.as_str().to_string()
                    + rec
                        .undo_of
                        .map(|n| format!(" (undo of {n})"))
                        .unwrap_or_default()
                        .as_str(),
                img,
                rec.user.clone(),
            ]);
        }
        let widths: Vec<usize> = (0..6)
            .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
            .collect();
        for r in rows {
            let line: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
                .collect();
            writeln!(out, "{}", line.join("  ").trim_end())?;
        }
        Ok(exit::OK)
    })
}

fn short(image: &str) -> &str {
    let p = Path::new(image);
    p.file_name().and_then(|f| f.to_str()).unwrap_or(image)
}

/// Reverts a write-back commit (and pushes the revert) after the release was undone,
/// so the GitOps controller does not re-apply the bad version.
fn revert_write_back(cm: &super::Committed, report: &dyn Fn(&str)) {
    let short = &cm.sha[..cm.sha.len().min(12)];
    match cm.repo.run(&["revert", "--no-edit", &cm.sha]) {
        Ok(_) => {
            report(&format!("reverted commit {short} in git"));
            if let Some((remote, branch)) = &cm.pushed {
                match cm.repo.push_with_rebase(remote, branch, 3) {
                    Ok(()) => report(&format!("pushed the revert to {remote}/{branch}")),
                    Err(e) => report(&format!(
                        "WARNING: the revert of {short} is committed locally but could not be pushed ({e}); push it by hand, or the GitOps controller will re-apply the bad version"
                    )),
                }
            }
        }
        Err(e) => {
            let _ = cm.repo.run(&["revert", "--abort"]);
            report(&format!(
                "WARNING: could not revert commit {short} in git ({e}); run `git revert {short}` and push, or the GitOps controller will re-apply the bad version"
            ));
        }
    }
}
