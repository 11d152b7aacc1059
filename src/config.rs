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

/// One environment: where its overlay lives.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The overlay directory, relative to the repo root.
    pub path: String,
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
        for (name, env) in &cfg.environments {
            if env.path.trim().is_empty() {
                return Err(ConfigError::Invalid {
                    path: file.to_string(),
                    message: format!("environment {name:?} has an empty `path`"),
                });
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
                    start: start.display().to_string(),
                })?
            }
        };
        let text = std::fs::read_to_string(&file).map_err(|e| ConfigError::Read {
            path: file.display().to_string(),
            message: e.to_string(),
        })?;
        let config = ReleaseConfig::parse(&text, &file.display().to_string())?;
        let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Loaded { config, root, file })
    }

    pub fn env(&self, name: &str) -> Result<&Environment, ConfigError> {
        self.config
            .environments
            .get(name)
            .ok_or_else(|| ConfigError::UnknownEnv {
                name: name.to_string(),
                path: self.file.display().to_string(),
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
