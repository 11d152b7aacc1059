//! The kustomize-compatible renderer: kustomization directories in, manifests out.
//!
//! Pure: it reads through the [`fs::FileSystem`] trait and returns documents;
//! printing them the way kustomize does is [`emit`]'s job.

pub mod build;
pub mod builtin_config;
pub mod emit;
pub mod fs;
pub mod generator;
pub mod json6902;
pub mod kustomization;
pub mod level;
pub mod nameref;
pub mod order;
pub mod patches;
pub mod plugins;
pub mod replacement;
pub mod resource;
pub mod schema;
pub mod smp;
pub mod transform;
pub mod vars;
pub mod yaml;

use std::path::Path;

use serde_json::Value;

pub use kustomization::KustomizationError;
pub use yaml::YamlError;

/// Why a render failed. Every variant names the file involved.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error(transparent)]
    Kustomization(KustomizationError),
    #[error("{path}: not found (referenced from {referenced_from}); check the path")]
    Missing {
        path: String,
        referenced_from: String,
    },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{dir}: no kustomization.yaml, kustomization.yml or Kustomization in this directory")]
    NoKustomization { dir: String },
    #[error(
        "{dir}: more than one kustomization file; keep only one of kustomization.yaml, kustomization.yml, Kustomization"
    )]
    AmbiguousKustomization { dir: String },
    #[error(
        "{dir}: cycle detected: this kustomization includes itself through its resources or components"
    )]
    Cycle { dir: String },
    #[error(
        "{file}: may not add resource with an already registered id: {id}; rename one of them or patch the existing one"
    )]
    DuplicateId { id: String, file: String },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error(
        "{file}: {path} is not in or below {root}, and kustomize only reads files of a kustomization from its own directory (load restrictor LoadRestrictionsRootOnly); move the file below {root}, make its directory a base with its own kustomization, or render with --load-restrictor LoadRestrictionsNone"
    )]
    OutsideRoot {
        file: String,
        path: String,
        root: String,
    },
    #[error("{file}: {what} is not supported by the built-in renderer; use `--engine kustomize`")]
    Unsupported { file: String, what: String },
    // The cause is part of the message (not a `source`), so it is printed once.
    #[error("{file}: {error}")]
    Generator {
        file: String,
        error: generator::GeneratorError,
    },
    #[error("{file}: {error}")]
    Transform {
        file: String,
        error: transform::TransformError,
    },
}

impl RenderError {
    pub(crate) fn transform(file: &str, source: transform::TransformError) -> Self {
        RenderError::Transform {
            file: file.to_string(),
            error: source,
        }
    }
}

/// kustomize's `--load-restrictor`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LoadRestrictor {
    /// Files must be in or below their kustomization's directory (kustomize's default).
    #[default]
    RootOnly,
    None,
}

/// Renders the kustomization in `dir` (relative paths start at the current
/// directory) to its documents, in output order.
pub fn render(fs: &dyn fs::FileSystem, dir: &Path) -> Result<Vec<Value>, RenderError> {
    render_with(fs, dir, LoadRestrictor::default())
}

/// [`render`] with a load restrictor.
pub fn render_with(
    fs: &dyn fs::FileSystem,
    dir: &Path,
    restrictor: LoadRestrictor,
) -> Result<Vec<Value>, RenderError> {
    let mut b = build::Builder::new(fs, dir);
    if restrictor == LoadRestrictor::None {
        b = b.unrestricted();
    }
    let resources = b.build(dir)?;
    Ok(resources.into_iter().map(|r| r.obj).collect())
}
