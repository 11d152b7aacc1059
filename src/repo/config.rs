//! The GitOps repo's release config (`kubectl-release.yaml` at the repo root): environments and their settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The config file name, looked up from the current directory upwards.
pub const FILE_NAME: &str = "kubectl-release.yaml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no {FILE_NAME} found in {start} or any parent directory; create one or pass --repo DIR"
    )]
    NotFound { start: String },
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("unknown environment {name:?} in {path}; known: {known}")]
    UnknownEnv {
        name: String,
        path: String,
        known: String,
    },
}

/// One environment: its overlay, cluster, images and git settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Environment {
    /// The overlay directory, relative to the repo root.
    pub path: String,
    /// Where the environment runs.
    #[serde(default)]
    pub cluster: Cluster,
    /// The images this environment releases, with their tag policies.
    #[serde(default)]
    pub images: Vec<ImagePolicy>,
    /// How releases are written back to git.
    #[serde(default)]
    pub git: GitSettings,
    /// Health gates of `deploy`, `undo` and `status`.
    #[serde(default)]
    pub gates: crate::release::Gates,
    /// The Argo CD Application that syncs this environment: `deploy` then goes
    /// through git and Argo CD (`--via argocd`) by default.
    #[serde(default)]
    pub argocd: Option<ArgoCdApp>,
}

/// An environment's Argo CD Application.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ArgoCdApp {
    /// The Application's name.
    pub application: String,
    /// The namespace the Application lives in (Argo CD's own).
    #[serde(default = "default_argocd_namespace")]
    pub namespace: String,
}

fn default_argocd_namespace() -> String {
    "argocd".to_string()
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cluster {
    /// kubeconfig context (default: the current context).
    pub context: Option<String>,
    /// Namespace of the environment's workloads (default: the rendered objects' own).
    pub namespace: Option<String>,
}

/// An image released to an environment and how its tag is chosen.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImagePolicy {
    /// Repository, e.g. `ghcr.io/acme/api`.
    pub name: String,
    /// A semver range (`^1.2`, `~1.4.0`, `1.x`), `major|minor|patch|all` (Keel-style,
    /// relative to the current tag), or `track: TAG` for a mutable tag such as `dev`.
    #[serde(default = "default_policy")]
    pub policy: String,
    /// Only tags matching this regular expression are considered.
    pub allow_tags: Option<String>,
    /// Tags matching any of these regular expressions are skipped.
    #[serde(default)]
    pub ignore_tags: Vec<String>,
}

fn default_policy() -> String {
    "*".to_string()
}

impl ImagePolicy {
    /// The tag policy, with `policy` replacing the configured one when given.
    ///
    /// # Errors
    /// An invalid policy or tag filter.
    pub fn compile(
        &self,
        policy: Option<&str>,
    ) -> Result<crate::image::policy::Policy, crate::image::policy::PolicyError> {
        crate::image::policy::Policy::parse(
            policy.unwrap_or(&self.policy),
            self.allow_tags.as_deref(),
            &self.ignore_tags,
        )
    }
}

impl Environment {
    /// The configured policy entry of image `name`.
    pub fn image(&self, name: &str) -> Option<&ImagePolicy> {
        self.images.iter().find(|i| i.name == name)
    }
}

/// Git write-back settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GitSettings {
    /// Branch releases are committed to (default: the current branch).
    pub branch: Option<String>,
    #[serde(default = "default_remote")]
    pub remote: String,
    /// Commit with `--commit` only (false) or always commit (true).
    #[serde(default)]
    pub commit: bool,
    /// Push after committing.
    #[serde(default)]
    pub push: bool,
    /// Commit message; `{env}`, `{image}`, `{old}`, `{new}`, `{old_tag}`, `{new_tag}` are filled in.
    #[serde(default = "default_message")]
    pub commit_message: String,
}

impl Default for GitSettings {
    fn default() -> Self {
        GitSettings {
            branch: None,
            remote: default_remote(),
            commit: false,
            push: false,
            commit_message: default_message(),
        }
    }
}

fn default_remote() -> String {
    "origin".to_string()
}

fn default_message() -> String {
    "release({env}): {image} {old_tag} -> {new_tag}".to_string()
}

impl GitSettings {
    /// Fills the commit message template.
    pub fn message(&self, env: &str, image: &str, old: &str, new: &str) -> String {
        let tag = |r: &str| -> String {
            let no_digest_tag = r
                .rsplit_once('@')
                .map(|(a, d)| (a, Some(d)))
                .unwrap_or((r, None));
            let slash = no_digest_tag.0.rfind('/').map(|i| i + 1).unwrap_or(0);
            match (no_digest_tag.0[slash..].rsplit_once(':'), no_digest_tag.1) {
                (Some((_, t)), Some(d)) => format!("{t}@{d}"),
                (Some((_, t)), None) => t.to_string(),
                (None, Some(d)) => d.to_string(),
                (None, None) => String::new(),
            }
        };
        self.commit_message
            .replace("{env}", env)
            .replace("{image}", image)
            .replace("{old_tag}", &tag(old))
            .replace("{new_tag}", &tag(new))
            .replace("{old}", old)
            .replace("{new}", new)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseConfig {
    pub environments: BTreeMap<String, Environment>,
}

/// A loaded config and the directory it was found in (the repo root).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: ReleaseConfig,
    pub root: PathBuf,
    pub file: PathBuf,
}

impl ReleaseConfig {
    /// Parses the config text; `file` names it in messages.
    pub fn parse(text: &str, file: &str) -> Result<Self, ConfigError> {
        let cfg: ReleaseConfig =
            serde_saphyr::from_str(text).map_err(|e| ConfigError::Invalid {
                path: file.to_string(),
                message: e.to_string().replace("<input>", file),
            })?;
        // Semantic checks, reported with the line of the offending key.
        let located = crate::repo::overlay::parse_located(text, file)
            .ok()
            .and_then(|d| d.into_iter().next());
        let line_of = |env: &str, tail: &[&str]| -> usize {
            let mut n = located
                .as_ref()
                .and_then(|d| d.get("environments"))
                .and_then(|e| e.get(env));
            for t in tail {
                n = match (n, t.parse::<usize>()) {
                    (Some(node), Ok(i)) => match &node.kind {
                        crate::repo::overlay::Kind::Seq { items, .. } => items.get(i),
                        _ => None,
                    },
                    (Some(node), Err(_)) => node.get(t),
                    (None, _) => None,
                };
            }
            n.map(|n| n.line).unwrap_or(1)
        };
        for (name, env) in &cfg.environments {
            if env.path.trim().is_empty() {
                return Err(ConfigError::Invalid {
                    path: file.to_string(),
                    message: format!(
                        "line {}: environment {name:?} has an empty `path`",
                        line_of(name, &["path"])
                    ),
                });
            }
            for (i, img) in env.images.iter().enumerate() {
                let idx = i.to_string();
                if let Err(e) = img.compile(None) {
                    return Err(ConfigError::Invalid {
                        path: file.to_string(),
                        message: format!(
                            "line {}: environments.{name}.images[{i}] ({}): {e}",
                            line_of(name, &["images", &idx]),
                            img.name
                        ),
                    });
                }
            }
        }
        Ok(cfg)
    }
}

impl Loaded {
    /// Finds the config: in `repo` when given, else from `start` upwards.
    pub fn find(repo: Option<&Path>, start: &Path) -> Result<Self, ConfigError> {
        let file = match repo {
            Some(r) => r.join(FILE_NAME),
            None => {
                let mut dir = Some(start);
                let mut found = None;
                while let Some(d) = dir {
                    let candidate = d.join(FILE_NAME);
                    if candidate.is_file() {
                        found = Some(candidate);
                        break;
                    }
                    dir = d.parent();
                }
                found.ok_or_else(|| ConfigError::NotFound {
                    start: crate::render::fs::shown(start),
                })?
            }
        };
        let text = std::fs::read_to_string(&file).map_err(|e| ConfigError::Read {
            path: crate::render::fs::shown(&file),
            message: e.to_string(),
        })?;
        let config = ReleaseConfig::parse(&text, &crate::render::fs::shown(&file))?;
        let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Loaded { config, root, file })
    }

    pub fn env(&self, name: &str) -> Result<&Environment, ConfigError> {
        self.config
            .environments
            .get(name)
            .ok_or_else(|| ConfigError::UnknownEnv {
                name: name.to_string(),
                path: crate::render::fs::shown(&self.file),
                known: self
                    .config
                    .environments
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The overlay directory of an environment.
    pub fn overlay_dir(&self, name: &str) -> Result<PathBuf, ConfigError> {
        Ok(self.root.join(&self.env(name)?.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_environments() {
        let c =
            ReleaseConfig::parse("environments:\n  dev:\n    path: envs/dev\n", "k.yaml").unwrap();
        assert_eq!(c.environments["dev"].path, "envs/dev");
    }

    #[test]
    fn full_environment() {
        let c = ReleaseConfig::parse(
            "environments:\n  prod:\n    path: envs/prod\n    cluster:\n      context: prod\n      namespace: acme\n    images:\n      - name: ghcr.io/acme/api\n        policy: ^1.2\n        ignoreTags: [\"-rc\"]\n    git:\n      branch: main\n      push: true\n",
            "k.yaml",
        )
        .unwrap();
        let p = &c.environments["prod"];
        assert_eq!(p.cluster.context.as_deref(), Some("prod"));
        assert_eq!(p.images[0].policy, "^1.2");
        assert!(p.git.push);
        assert_eq!(p.git.remote, "origin");
        assert_eq!(
            p.git.message(
                "prod",
                "ghcr.io/acme/api",
                "ghcr.io/acme/api:v1",
                "ghcr.io/acme/api:v2"
            ),
            "release(prod): ghcr.io/acme/api v1 -> v2"
        );
    }

    #[test]
    fn invalid_policy_names_line() {
        let err = ReleaseConfig::parse(
            "environments:\n  prod:\n    path: p\n    images:\n      - name: api\n        policy: \"^x.1\"\n",
            "k.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 5") && err.contains("images[0]"), "{err}");
    }

    #[test]
    fn unknown_keys_name_file_and_line() {
        let err =
            ReleaseConfig::parse("environments:\n  dev:\n    path: a\n    pth: b\n", "k.yaml")
                .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("k.yaml: "), "{msg}");
        assert!(msg.contains("line 4"), "{msg}");
        assert!(msg.contains("unknown field `pth`"), "{msg}");
    }
}
