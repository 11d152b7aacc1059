//! `diff`: an environment against the live cluster (server-side apply dry-run), or against another environment.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use super::{CmdError, exit, runtime};
use crate::cli::{Cli, DiffArgs, Output};
use crate::render::{self, fs::DiskFs};
use crate::repo::config;

/// The top kustomization's namePrefix and nameSuffix, which make names differ between environments.
fn prefix_suffix_of(dir: &Path) -> Result<(String, String, String), CmdError> {
    let (k, _) = render::build::Builder::new(&DiskFs, dir).load(dir)?;
    Ok((
        k.name_prefix.unwrap_or_default(),
        k.name_suffix.unwrap_or_default(),
        k.namespace.unwrap_or_default(),
    ))
}

pub fn run(cli: &Cli, a: &DiffArgs) -> Result<i32, CmdError> {
    match (&a.env, &a.other) {
        (Some(env), Some(other)) => env_diff(cli, a, env, other),
        _ => live_diff(cli, a),
    }
}

fn env_diff(cli: &Cli, a: &DiffArgs, env: &str, other: &str) -> Result<i32, CmdError> {
    let cwd = std::env::current_dir()?;
    let loaded = config::Loaded::find(cli.global.repo.as_deref(), &cwd)?;
    let (da, db) = (loaded.overlay_dir(env)?, loaded.overlay_dir(other)?);
    let (left, right) = (render::render(&DiskFs, &da)?, render::render(&DiskFs, &db)?);
    let ((pa, sa, na), (pb, sb, nb)) = (prefix_suffix_of(&da)?, prefix_suffix_of(&db)?);
    let diffs = crate::diff::env_diff(
        &crate::diff::Side {
            label: env,
            docs: &left,
            prefix: &pa,
            suffix: &sa,
            namespace: &na,
        },
        &crate::diff::Side {
            label: other,
            docs: &right,
            prefix: &pb,
            suffix: &sb,
            namespace: &nb,
        },
    );
    let changed = diffs.iter().any(|d| d.op != crate::diff::Op::Noop);
    let text = match cli.global.output {
        Output::Json => {
            let v =
                serde_json::json!({"from": env, "to": other, "changed": changed, "objects": diffs});
            json_text(&v)
        }
        _ => diff_text(&diffs, a.show_unchanged),
    };
    write_stdout(&text)?;
    Ok(if changed { exit::CHANGES } else { exit::OK })
}

/// `diff ENV` / `diff -k DIR`: rendered against live, by server-side apply dry-run.
fn live_diff(cli: &Cli, a: &DiffArgs) -> Result<i32, CmdError> {
    use crate::cluster::{Cluster, Target, live};
    let g = &cli.global;
    let (dir, env_name, env_cluster) = match (&a.kustomize, &a.env) {
        (Some(dir), _) => (dir.clone(), None, config::Cluster::default()),
        (None, Some(env)) => {
            let cwd = std::env::current_dir()?;
            let loaded = config::Loaded::find(g.repo.as_deref(), &cwd)?;
            let cluster = loaded.env(env)?.cluster.clone();
            (loaded.overlay_dir(env)?, Some(env.clone()), cluster)
        }
        (None, None) => {
            return Err(CmdError::Usage(
                "diff needs ENV, ENV OTHER or -k DIR".to_string(),
            ));
        }
    };
    let docs = render::render(&DiskFs, &dir)?;
    // The environment's cluster settings apply unless the flags say otherwise.
    let target = Target {
        kubeconfig: g.kubeconfig.clone(),
        context: g.context.clone().or(env_cluster.context),
        namespace: super::scope::single_namespace(cli)?.or(env_cluster.namespace),
    };
    let opts = live::Options {
        field_manager: a.field_manager.clone(),
        owner: env_name.clone(),
        concurrency: usize::from(a.concurrency),
    };
    let outcome = runtime()?.block_on(async {
        let cluster = Cluster::connect(&target).await?;
        let outcome = live::compare(&cluster, &docs, &opts).await?;
        Ok::<_, CmdError>((cluster.context, outcome))
    });
    let (context, outcome) = outcome?;
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let diffs = crate::diff::live_diff(&outcome.pairs);
    let changed = diffs.iter().any(|d| d.op != crate::diff::Op::Noop);
    let text = match g.output {
        Output::Json => {
            let v = serde_json::json!({
                "env": env_name,
                "kustomize": a.kustomize.as_ref().map(|d| d.display().to_string()),
                "context": context,
                "changed": changed,
                "objects": diffs,
            });
            json_text(&v)
        }
        _ => diff_text(&diffs, a.show_unchanged),
    };
    write_stdout(&text)?;
    Ok(if changed { exit::CHANGES } else { exit::OK })
}

/// The change table, then (when anything changed) the unified diff, coloured on a terminal.
fn diff_text(diffs: &[crate::diff::ObjectDiff], show_unchanged: bool) -> String {
    use std::io::IsTerminal;
    let color = crate::diff::use_color(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let mut text = crate::diff::table(diffs, show_unchanged);
    if diffs.iter().any(|d| d.op != crate::diff::Op::Noop) {
        text.push('\n');
        text.push_str(&crate::diff::unified(diffs, color));
    }
    text
}

fn json_text(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// One write of the whole result: an error before it leaves stdout empty.
fn write_stdout(text: &str) -> Result<(), CmdError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
