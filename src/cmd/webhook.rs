//! `webhook`: settings from flags, files and the environment; the environments that track images; then the server.

use std::sync::Arc;

use super::scope::{apply_gate_args, workloads_in};
use super::{CmdError, exit, runtime};
use crate::cli::{Cli, LogFormat, WebhookArgs};
use crate::cluster::{self, Cluster};
use crate::image::policy::Strategy;
use crate::image::registry;
use crate::release::{self, Gates};
use crate::render::{self, fs::DiskFs};
use crate::repo::config::Loaded;
use crate::webhook::coordinator::{Shared, WriteBack};
use crate::webhook::log::{Format, Log};
use crate::webhook::targets::Tracked;
use crate::webhook::{self, Settings, auth::Auth};

fn secret(file: Option<&std::path::Path>, var: &str) -> Result<Option<String>, CmdError> {
    match file {
        Some(f) => std::fs::read_to_string(f)
            .map(|s| Some(s.trim_end_matches(['\n', '\r']).to_string()))
            .map_err(|e| CmdError::Usage(format!("reading {}: {e}", crate::render::fs::shown(f)))),
        None => Ok(std::env::var(var).ok()),
    }
}

/// The environments whose `track:` images the server releases, with their workloads.
fn tracked(
    cli: &Cli,
    a: &WebhookArgs,
    c: &Cluster,
    log: &Log,
) -> Result<(Vec<Tracked>, Option<Loaded>), CmdError> {
    let cwd = std::env::current_dir()?;
    let loaded = match Loaded::find(cli.global.repo.as_deref(), &cwd) {
        Ok(l) => l,
        // No release config: Keel-annotated workloads only, unless something asked for one.
        Err(crate::repo::config::ConfigError::NotFound { .. })
            if cli.global.repo.is_none() && a.envs.is_empty() && !a.write_back =>
        {
            return Ok((Vec::new(), None));
        }
        Err(e) => return Err(e.into()),
    };
    let names: Vec<String> = if a.envs.is_empty() {
        loaded.config.environments.keys().cloned().collect()
    } else {
        for e in &a.envs {
            loaded.env(e)?;
        }
        a.envs.clone()
    };
    let mut out = Vec::new();
    for name in names {
        let env = loaded.env(&name)?;
        let tracks: Vec<(String, String)> = env
            .images
            .iter()
            .filter_map(|i| match i.compile(None).ok()?.strategy {
                Strategy::Track(t) => Some((i.name.clone(), t)),
                _ => None,
            })
            .collect();
        if tracks.is_empty() {
            if !a.envs.is_empty() {
                return Err(CmdError::Usage(format!(
                    "environment {name} tracks no image (`policy: \"track: dev\"` under its `images:` in {})",
                    crate::render::fs::shown(&loaded.file)
                )));
            }
            continue;
        }
        let docs = render::render(&DiskFs, &loaded.overlay_dir(&name)?)?;
        let ns = env
            .cluster
            .namespace
            .clone()
            .unwrap_or_else(|| c.namespace.clone());
        let workloads: Vec<_> = workloads_in(&docs, &ns)
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        if !cli.global.namespace.is_empty() {
            for w in workloads
                .iter()
                .filter(|w| !cli.global.namespace.contains(&w.namespace))
            {
                log.warn(
                    "not-watched",
                    serde_json::json!({"env": name, "workload": w.to_string(),
                        "message": "the environment renders a workload in a namespace that is not watched (-n); it is never released"}),
                );
            }
        }
        for (image, tag) in tracks {
            out.push(Tracked {
                env: name.clone(),
                image,
                tag,
                workloads: workloads.clone(),
                gates: apply_gate_args(env.gates.clone(), &a.gates),
                argocd: env
                    .argocd
                    .as_ref()
                    .map(|x| (x.namespace.clone(), x.application.clone())),
            });
        }
    }
    Ok((out, Some(loaded)))
}

pub fn run(cli: &Cli, a: &WebhookArgs) -> Result<i32, CmdError> {
    let log = Log::new(match a.log_format {
        LogFormat::Text => Format::Text,
        LogFormat::Json => Format::Json,
    });
    let token = secret(a.token_file.as_deref(), "KUBECTL_RELEASE_WEBHOOK_TOKEN")?;
    let github = secret(
        a.github_secret_file.as_deref(),
        "KUBECTL_RELEASE_GITHUB_SECRET",
    )?;
    let user = std::env::var("BASIC_AUTH_USER").ok();
    let password = std::env::var("BASIC_AUTH_PASSWORD").ok();
    let auth = Auth::new(
        token.as_deref(),
        (user.as_deref(), password.as_deref()),
        github.as_deref(),
        a.insecure_no_auth,
    )
    .map_err(webhook::WebhookError::from)?;
    let rt = runtime()?;
    rt.block_on(async {
        let c = Cluster::connect(&cluster::Target {
            kubeconfig: cli.global.kubeconfig.clone(),
            context: cli.global.context.clone(),
            namespace: None,
        })
        .await?;
        let (tracked, loaded) = tracked(cli, a, &c, &log)?;
        let write_back = if a.write_back {
            let loaded = loaded.ok_or_else(|| {
                CmdError::Usage("--write-back needs the GitOps repository: --repo DIR (with kubectl-release.yaml)".into())
            })?;
            if !tracked.iter().any(|t| t.argocd.is_some()) {
                return Err(CmdError::Usage(format!(
                    "--write-back goes through Argo CD: give the tracking environment an `argocd:` Application in {}",
                    crate::render::fs::shown(&loaded.file)
                )));
            }
            Some(WriteBack {
                loaded,
                sync_timeout: a.sync_timeout,
                lock: tokio::sync::Mutex::new(()),
            })
        } else {
            None
        };
        for t in &tracked {
            log.info(
                "tracking",
                serde_json::json!({"env": t.env, "image": t.image, "tag": t.tag, "workloads": t.workloads.len(),
                    "argocd": t.argocd.as_ref().map(|(ns, n)| format!("{ns}/{n}")), "write_back": a.write_back && t.argocd.is_some()}),
            );
        }
        let registry = registry::Client::new(registry::Options {
            insecure: a.insecure_registry.clone(),
            rate: a.registry_rate,
            ..Default::default()
        })?;
        let actor = release::actor(&c, None).await;
        let shared = Shared::new(
            c,
            registry,
            tracked,
            apply_gate_args(Gates::default(), &a.gates),
            actor,
            log,
            write_back,
            a.ignore_argocd,
            a.parallel as usize,
        );
        let settings = Settings {
            listen: a.listen,
            tls: a.tls_cert.clone().zip(a.tls_key.clone()),
            auth,
            namespaces: cli.global.namespace.clone(),
            request_timeout: a.request_timeout,
            header_timeout: a.header_timeout,
            body_limit: webhook::BODY_LIMIT,
            max_connections: a.max_connections.max(1),
            shutdown_grace: a.shutdown_grace,
            page_refresh: a.page_refresh.max(1),
        };
        webhook::run(Arc::new(shared), settings).await?;
        Ok(exit::OK)
    })
}
