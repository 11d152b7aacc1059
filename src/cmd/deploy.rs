//! `deploy` and `undo`: a release through the engine, its events rendered, its outcome an exit code.

use std::io::Write;

use super::progress::{Progress, Style};
use super::scope::{Resolved, resolve};
use super::{CmdError, exit, runtime};
use crate::argocd::app::AppRef;
use crate::argocd::release::{ArgoDelivery, Change};
use crate::cli::{Cli, DeployArgs, Output, UndoArgs, Via};
use crate::release::{
    self, Cancellation, Delivery, LivePatch, OnFailure, OnInterrupt, Outcome, ReleaseError, Request,
};
use crate::repo::config::Loaded;

/// Exit codes of `deploy` and `undo` beyond the common ones.
pub const ROLLED_BACK: i32 = 3;
pub const UNDO_REFUSED: i32 = 4;
pub const INTERRUPTED: i32 = 130;

/// Every Ctrl-C is one more request to stop (see [`Cancellation`]).
pub(crate) fn cancel_on_ctrl_c() -> Cancellation {
    let cancel = Cancellation::new();
    let c = cancel.clone();
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            c.request();
        }
    });
    cancel
}

/// The exit code of an outcome, with its closing line.
fn outcome_code(o: &Outcome, progress: &Progress) -> i32 {
    let (line, code) = match o {
        Outcome::Succeeded => ("released: all gates passed".to_string(), exit::OK),
        Outcome::RolledBack { .. } => (format!("rolled back: {o}"), ROLLED_BACK),
        Outcome::Failed { .. } => (
            format!("failed (not undone, --no-undo): {o}"),
            exit::CHANGES,
        ),
        Outcome::UndoRefused { .. } => (format!("NOT undone: {o}"), UNDO_REFUSED),
        Outcome::Interrupted { .. } => (
            format!(
                "{o}; the release is left in place. To undo it: kubectl release undo <same target>"
            ),
            INTERRUPTED,
        ),
    };
    progress.say(&line);
    code
}

pub fn deploy(cli: &Cli, a: &DeployArgs) -> Result<i32, CmdError> {
    let rt = runtime()?;
    rt.block_on(async {
        let (r, c) = resolve(cli, &a.scope, &a.gates).await?;
        crate::image::registry::ImageRef::parse(&a.image)?;
        let name = crate::image::name_of(&a.image).to_string();
        let new_image = if a.resolve {
            resolve_image(&r, &name, &a.insecure_registry).await?
        } else {
            if !a.image.contains('@') && a.image.len() == name.len() {
                return Err(CmdError::Usage(format!(
                    "{} has no tag or digest; use REPO:TAG, REPO@sha256:..., or --resolve",
                    a.image
                )));
            }
            a.image.clone()
        };
        let targets: Vec<_> = r
            .workloads
            .iter()
            .filter(|(_, doc)| {
                doc.is_null()
                    || crate::image::rendered_images(std::slice::from_ref(doc))
                        .iter()
                        .any(|i| crate::image::name_of(i) == name)
            })
            .map(|(w, _)| w.clone())
            .collect();
        if targets.is_empty() {
            return Err(CmdError::Usage(format!(
                "no Deployment, StatefulSet or DaemonSet of {} runs {name}",
                r.env.as_deref().unwrap_or("the given scope")
            )));
        }
        let via = match (a.via, &r.env_cfg) {
            (Some(v), _) => v,
            (None, Some(e)) if e.argocd.is_some() => Via::Argocd,
            (None, _) if a.argocd_app.is_some() => Via::Argocd,
            _ => Via::Live,
        };
        if via == Via::Argocd && a.write_back {
            return Err(CmdError::Usage(
                "--via argocd writes the image back itself; drop --write-back".into(),
            ));
        }
        if via == Via::Live && !a.force {
            for w in &targets {
                if let Some(app) = crate::cluster::workload::argocd_owner(&c, w).await? {
                    return Err(CmdError::Usage(format!(
                        "{w} is managed by Argo CD Application {app}: a live patch would be put back by its self-heal; release through git with --via argocd (or `argocd:` in the environment's config), or pass --force to patch it anyway"
                    )));
                }
            }
        }
        let plans = release::plan::plan(&c, &targets, &name, &new_image).await?;
        let progress = Progress::new(Style::pick(cli.global.output == Output::Json));
        if plans.is_empty() {
            eprintln!("every workload already runs {new_image}; nothing to do");
            return Ok(exit::OK);
        }
        if a.dry_run {
            let plan: Vec<serde_json::Value> = plans
                .iter()
                .map(|p| serde_json::json!({"workload": p.workload, "images": p.images, "patch": p.patch(), "inverse": p.inverse()}))
                .collect();
            let mut out = std::io::stdout().lock();
            out.write_all(serde_json::to_string_pretty(&plan).unwrap_or_default().as_bytes())?;
            out.write_all(b"\n")?;
            eprintln!("dry run: nothing changed");
            return Ok(exit::OK);
        }
        let via_note = match via {
            Via::Argocd => Some("argocd".to_string()),
            Via::Live => None,
        };
        let req = Request {
            plans,
            env: r.env.clone(),
            gates: r.gates.clone(),
            on_failure: if a.no_undo { OnFailure::Leave } else { OnFailure::Undo },
            on_interrupt: if a.undo_on_interrupt { OnInterrupt::Undo } else { OnInterrupt::Leave },
            undo_of: None,
            actor: release::actor(&c, via_note).await,
        };
        let cancel = cancel_on_ctrl_c();
        if via == Via::Argocd {
            let env = r.env.clone().ok_or_else(|| {
                CmdError::Usage("--via argocd needs an environment of kubectl-release.yaml, not -k DIR".into())
            })?;
            let loaded = Loaded::find(cli.global.repo.as_deref(), &std::env::current_dir()?)?;
            let app = argocd_app(&loaded, &env, a.argocd_app.as_deref(), a.argocd_namespace.as_deref())?;
            let target = crate::image::Target::of(&new_image)?;
            let mut delivery = ArgoDelivery::new(&loaded, &env, app, Change::SetImage { name: name.clone(), target });
            delivery.undo_live_first = a.undo_live_first;
            delivery.sync_timeout = a.sync_timeout;
            delivery.allow_dirty = a.allow_dirty;
            let outcome = release::run_with(&c, &req, &delivery, &progress, &cancel).await;
            progress.finish();
            return Ok(outcome_code(&outcome?, &progress));
        }
        // Git first: the overlay says what should run, then the cluster follows.
        let committed = if a.write_back {
            let env = r
                .env
                .clone()
                .ok_or_else(|| CmdError::Usage("--write-back needs an environment".into()))?;
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
            let committed =
                tokio::task::block_in_place(|| super::set_image::write(cli, &args, true))?;
            if committed.is_none() {
                progress.say("the overlay already sets this image; nothing committed");
            }
            committed
        } else {
            None
        };
        let outcome = release::run(&c, &req, &progress, &cancel).await;
        progress.finish();
        let outcome = outcome?;
        if let (Outcome::RolledBack { .. }, Some(cm)) = (&outcome, &committed) {
            revert_write_back(cm, &progress);
        }
        Ok(outcome_code(&outcome, &progress))
    })
}

/// The Argo CD Application of an environment: the flags, else its `argocd:` config.
fn argocd_app(
    loaded: &Loaded,
    env: &str,
    name: Option<&str>,
    namespace: Option<&str>,
) -> Result<AppRef, CmdError> {
    let cfg = loaded.env(env)?.argocd.clone();
    let name = name
        .map(str::to_string)
        .or_else(|| cfg.as_ref().map(|a| a.application.clone()))
        .ok_or_else(|| {
            CmdError::Usage(format!(
                "--via argocd needs the Application: pass --argocd-app NAME, or set environments.{env}.argocd.application in kubectl-release.yaml"
            ))
        })?;
    let namespace = namespace
        .map(str::to_string)
        .or_else(|| cfg.map(|a| a.namespace))
        .unwrap_or_else(|| "argocd".to_string());
    Ok(AppRef { namespace, name })
}

async fn resolve_image(r: &Resolved, name: &str, insecure: &[String]) -> Result<String, CmdError> {
    let cfg = r
        .env_cfg
        .as_ref()
        .and_then(|e| e.images.iter().find(|i| i.name == name))
        .ok_or_else(|| CmdError::Usage(format!("--resolve needs a policy for {name} under the environment's `images:` in kubectl-release.yaml")))?;
    let policy = crate::image::policy::Policy::parse(
        &cfg.policy,
        cfg.allow_tags.as_deref(),
        &cfg.ignore_tags,
    )?;
    let client = crate::image::registry::Client::new(crate::image::registry::Options {
        insecure: insecure.to_vec(),
        ..Default::default()
    })?;
    let current = r
        .workloads
        .iter()
        .flat_map(|(_, d)| crate::image::rendered_images(std::slice::from_ref(d)))
        .find(|i| crate::image::name_of(i) == name)
        .and_then(|i| crate::image::tag_of(&i).map(str::to_string));
    let target = crate::image::resolve::newest(&client, name, &policy, current.as_deref()).await?;
    Ok(target.reference(name))
}

pub fn undo(cli: &Cli, a: &UndoArgs) -> Result<i32, CmdError> {
    let rt = runtime()?;
    rt.block_on(async {
        let (r, c) = resolve(cli, &a.scope, &a.gates).await?;
        let workloads = r.refs();
        let nothing = || {
            CmdError::Usage(match a.to_revision {
                Some(n) => {
                    format!("no release record with revision {n}; see `kubectl release history`")
                }
                None => "no release to undo (no records); see `kubectl release history`".into(),
            })
        };
        let reverted = release::records_to_undo(&c, &workloads, a.to_revision).await?;
        if reverted.is_empty() {
            return Err(nothing());
        }
        if a.dry_run {
            for rec in &reverted {
                let p = release::plan::plan_undo(rec);
                let mut line = serde_json::json!({"workload": p.workload, "patch": p.patch()});
                if let Some(g) = &rec.git {
                    line["gitRevert"] = serde_json::json!(g.commit);
                }
                println!("{line}");
            }
            return Ok(exit::OK);
        }
        let progress = Progress::new(Style::pick(cli.global.output == Output::Json));
        // A release that went through Argo CD is undone through it: a revert in git.
        let through_git = reverted
            .iter()
            .find_map(|rec| Some((rec.git.as_ref()?, rec.argocd.as_ref()?, rec.env.clone()?)));
        let via_note = through_git.as_ref().map(|_| "argocd".to_string());
        let template = Request {
            plans: Vec::new(),
            env: r.env.clone(),
            gates: r.gates.clone(),
            on_failure: OnFailure::Leave,
            on_interrupt: OnInterrupt::Leave,
            undo_of: None,
            actor: release::actor(&c, via_note).await,
        };
        let cancel = cancel_on_ctrl_c();
        let loaded;
        let argo;
        let delivery: &dyn Delivery = match &through_git {
            Some((git, app, env)) => {
                if let Some(rv) = &git.revert {
                    return Err(CmdError::Usage(format!(
                        "release commit {} was already reverted in git by {rv}; nothing to undo",
                        git.commit
                    )));
                }
                loaded = Loaded::find(cli.global.repo.as_deref(), &std::env::current_dir()?)?;
                let (ns, name) = app
                    .application
                    .split_once('/')
                    .unwrap_or(("argocd", &app.application));
                let mut d = ArgoDelivery::new(
                    &loaded,
                    env,
                    AppRef {
                        namespace: ns.to_string(),
                        name: name.to_string(),
                    },
                    Change::Revert {
                        commit: git.commit.clone(),
                    },
                );
                d.sync_timeout = a.sync_timeout;
                argo = d;
                &argo
            }
            None => &LivePatch,
        };
        let outcome = release::undo(&c, &reverted, &template, delivery, &progress, &cancel).await;
        progress.finish();
        match outcome {
            // An undo that no longer applies is reported, never forced.
            Err(e @ ReleaseError::Changed { .. }) => {
                progress.say(&format!("NOT undone: {e}"));
                Ok(UNDO_REFUSED)
            }
            Err(e) => Err(e.into()),
            Ok(o) => Ok(outcome_code(&o, &progress)),
        }
    })
}

/// Reverts a write-back commit (and pushes the revert) after the release was undone,
/// so the GitOps controller does not re-apply the bad version.
fn revert_write_back(cm: &crate::repo::writeback::Committed, progress: &Progress) {
    let short = &cm.sha[..cm.sha.len().min(12)];
    match cm.repo.run(&["revert", "--no-edit", &cm.sha]) {
        Ok(_) => {
            progress.say(&format!("reverted commit {short} in git"));
            if let Some((remote, branch)) = &cm.pushed {
                match cm.repo.push_with_rebase(remote, branch, 3) {
                    Ok(()) => progress.say(&format!("pushed the revert to {remote}/{branch}")),
                    Err(e) => progress.say(&format!(
                        "WARNING: the revert of {short} is committed locally but could not be pushed ({e}); push it by hand, or the GitOps controller will re-apply the bad version"
                    )),
                }
            }
        }
        Err(e) => {
            let _ = cm.repo.run(&["revert", "--abort"]);
            progress.say(&format!(
                "WARNING: could not revert commit {short} in git ({e}); run `git revert {short}` and push, or the GitOps controller will re-apply the bad version"
            ));
        }
    }
}
