//! `cmp plugin|discover|parameters|generate`: the commands Argo CD's CMP sidecar runs.
//!
//! `generate` prints only manifests on stdout; any failure exits non-zero with
//! one paragraph on stderr (Argo CD shows it as the Application's
//! ComparisonError) and nothing on stdout, since an empty stream would make
//! Argo CD prune the whole application.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CmdError, exit};
use crate::argocd::cmp::{self, AppEnv};
use crate::cli::{CmpArgs, CmpCommand};
use crate::render::{self, fs::DiskFs};
use crate::repo::config;

pub fn run(a: &CmpArgs) -> Result<i32, CmdError> {
    match a.command {
        CmpCommand::Plugin { discover } => {
            std::io::stdout().write_all(cmp::plugin_config(discover).as_bytes())?;
            Ok(exit::OK)
        }
        CmpCommand::Discover => discover(),
        CmpCommand::Parameters => parameters(),
        CmpCommand::Generate => {
            let app = AppEnv::from_vars(std::env::vars()).map_err(CmdError::from)?;
            generate(&app).map_err(|e| CmdError::InApp {
                app: app.describe(),
                error: Box::new(e),
            })
        }
    }
}

/// The repository root: the working directory (the Application's path in the
/// sidecar's copy of the repository) without `ARGOCD_APP_SOURCE_PATH`.
fn repo_root(cwd: &Path, source_path: Option<&str>) -> Option<PathBuf> {
    let rel = Path::new(source_path?.trim_matches('/'));
    let depth = rel
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .count();
    let mut root = cwd.to_path_buf();
    for _ in 0..depth {
        root = root.parent()?.to_path_buf();
    }
    let normal: PathBuf = rel
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .collect();
    cwd.ends_with(&normal).then_some(root)
}

/// The release config of the repository, if it has one.
fn find_config(app: &AppEnv) -> Result<Option<config::Loaded>, CmdError> {
    let cwd = std::env::current_dir()?;
    let root = repo_root(&cwd, app.source_path.as_deref());
    match &root {
        Some(r) if !r.join(config::FILE_NAME).is_file() => Ok(None),
        Some(r) => Ok(Some(config::Loaded::find(Some(r), &cwd)?)),
        None => match config::Loaded::find(None, &cwd) {
            Ok(l) => Ok(Some(l)),
            Err(config::ConfigError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        },
    }
}

/// Prints the config's path (a match for Argo CD's `discover.find.command`) or
/// nothing (no match); exit 0 either way. Argo CD refuses even an Application that
/// names the plugin when discovery does not match, so such an Application of a
/// repository without `kubectl-release.yaml` opts in with the plugin env
/// `KUBECTL_RELEASE=true` (seen here as `ARGOCD_ENV_KUBECTL_RELEASE`).
fn discover() -> Result<i32, CmdError> {
    let app = AppEnv::from_vars(std::env::vars()).unwrap_or_default();
    let cwd = std::env::current_dir()?;
    if matches!(
        app.user_env.get("KUBECTL_RELEASE").map(String::as_str),
        Some("true" | "1")
    ) && let Some(k) = crate::render::kustomization::FILE_NAMES
        .iter()
        .map(|n| cwd.join(n))
        .find(|p| p.is_file())
    {
        println!("{}", k.display());
        return Ok(exit::OK);
    }
    let root = repo_root(&cwd, app.source_path.as_deref());
    let mut dir = Some(cwd.as_path());
    while let Some(d) = dir {
        let f = d.join(config::FILE_NAME);
        if f.is_file() {
            println!("{}", f.display());
            break;
        }
        if Some(d) == root.as_deref() {
            break;
        }
        dir = d.parent();
    }
    Ok(exit::OK)
}

fn parameters() -> Result<i32, CmdError> {
    let app = AppEnv::from_vars(std::env::vars()).unwrap_or_default();
    let envs: Vec<(String, String)> = match find_config(&app)? {
        Some(l) => l
            .config
            .environments
            .iter()
            .map(|(n, e)| (n.clone(), e.path.clone()))
            .collect(),
        None => Vec::new(),
    };
    let list = cmp::announcements(&envs, app.source_path.as_deref());
    println!("{list}");
    Ok(exit::OK)
}

fn generate(app: &AppEnv) -> Result<i32, CmdError> {
    let req = app.request()?;
    let dir = match &req.env {
        Some(env) => {
            let loaded = find_config(app)?.ok_or_else(|| {
                CmdError::Usage(format!(
                    "environment {env:?} was asked for (parameter env or ARGOCD_ENV_RELEASE_ENV), but the repository has no {} at its root",
                    config::FILE_NAME
                ))
            })?;
            loaded.overlay_dir(env)?
        }
        None => PathBuf::from("."),
    };
    let mut docs = render::render(&DiskFs, &dir)?;
    for unused in cmp::apply_image_overrides(&mut docs, &req.images) {
        eprintln!(
            "warning: {}: image override {unused} matches no container",
            app.describe()
        );
    }
    for o in cmp::unserved(&docs, &app.kube_api_versions) {
        eprintln!(
            "warning: {}: {o} is not served by the destination cluster (KUBE_API_VERSIONS); its sync will fail",
            app.describe()
        );
    }
    let mut out = std::io::stdout().lock();
    render::emit::write_stream(&docs, &mut out)?;
    out.flush()?;
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_root_strips_the_source_path() {
        let cwd = Path::new("/tmp/cmp/abc/envs/prod");
        assert_eq!(
            repo_root(cwd, Some("envs/prod")),
            Some(PathBuf::from("/tmp/cmp/abc"))
        );
        assert_eq!(
            repo_root(cwd, Some("envs/prod/")),
            Some(PathBuf::from("/tmp/cmp/abc"))
        );
        assert_eq!(repo_root(cwd, Some(".")), Some(cwd.to_path_buf()));
        assert_eq!(repo_root(cwd, Some("other/path")), None);
        assert_eq!(repo_root(cwd, None), None);
    }
}
