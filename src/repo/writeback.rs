//! Writing an image back to an environment's overlay: the byte-exact edit, its check by rendering, the commit and the push.
//!
//! Nothing is half done: an edit that does not render the new image is put
//! back, a failed commit restores the file, a push rejected for good drops the
//! commit (only ours) and restores the file.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::config::{ConfigError, Loaded};
use super::git::{GitError, Repo};
use super::overlay::{self, EditError, FileEdit, Target};
use crate::render::{self, RenderError, fs::DiskFs};

#[derive(Debug, thiserror::Error)]
pub enum WriteBackError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error(
        "image {name} is not used by any workload of environment {env:?}; images there: {known}"
    )]
    NotRunning {
        name: String,
        env: String,
        known: String,
    },
    #[error(
        "after the edit {env} still does not render {image}; the overlay sets the image somewhere else (a patch in a base?)"
    )]
    NotRendered { env: String, image: String },
    #[error(
        "the working tree of {root} has uncommitted changes; commit or stash them, or pass --allow-dirty"
    )]
    Dirty { root: String },
    #[error("cannot add an images entry for {name} to {file}")]
    CannotAdd { name: String, file: String },
}

/// A computed image edit of an environment's overlay, not yet written.
#[derive(Debug, Clone)]
pub struct Edit {
    pub env: String,
    /// The image repository.
    pub name: String,
    pub file: FileEdit,
    /// The edited file, relative to the repository root.
    pub label: String,
    /// The change as a guarded RFC 6902 patch, and its inverse.
    pub forward: Value,
    pub inverse: Value,
}

impl Edit {
    /// Whether the overlay already sets the image.
    pub fn is_noop(&self) -> bool {
        self.file.changes.is_empty()
    }

    /// The edit as `set-image -o json` prints it.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "env": self.env, "image": self.name, "old": self.file.old_ref, "new": self.file.new_ref,
            "file": self.label, "document": self.file.doc, "patch": self.forward, "inverse": self.inverse,
        })
    }

    /// The unified diff of the file.
    pub fn diff(&self) -> String {
        overlay::unified_diff(&self.file, &self.label)
    }
}

fn read(path: &Path) -> Result<String, WriteBackError> {
    std::fs::read_to_string(path).map_err(|e| WriteBackError::Io {
        path: crate::render::fs::shown(path),
        message: e.to_string(),
    })
}

/// The images of repository `name` the environment renders now; an error when none.
pub fn running(loaded: &Loaded, env: &str, name: &str) -> Result<Vec<String>, WriteBackError> {
    let docs = render::render(&DiskFs, &loaded.overlay_dir(env)?)?;
    let all = crate::image::rendered_images(&docs);
    let running: Vec<String> = all
        .iter()
        .filter(|i| crate::image::name_of(i) == name)
        .cloned()
        .collect();
    if running.is_empty() {
        return Err(WriteBackError::NotRunning {
            name: name.to_string(),
            env: env.to_string(),
            known: all
                .iter()
                .map(|i| crate::image::name_of(i).to_string())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(running)
}

/// Computes the edit that sets `name` to `target` in `env`'s overlay: its
/// `images:` entry, else `image:` fields in the overlay's own files, else a new
/// `images:` entry.
pub fn plan(
    loaded: &Loaded,
    env: &str,
    name: &str,
    target: &Target,
) -> Result<Edit, WriteBackError> {
    let overlay_dir = loaded.overlay_dir(env)?;
    let file = find_edit(&overlay_dir, name, target)?;
    let label = file
        .file
        .strip_prefix(&loaded.root)
        .unwrap_or(&file.file)
        .display()
        .to_string();
    Ok(Edit {
        env: env.to_string(),
        name: name.to_string(),
        forward: crate::patch::guarded(&file.changes),
        inverse: crate::patch::guarded(&crate::patch::inverse(&file.changes)),
        file,
        label,
    })
}

fn find_edit(overlay_dir: &Path, name: &str, target: &Target) -> Result<FileEdit, WriteBackError> {
    let kfile = render::kustomization::FILE_NAMES
        .iter()
        .map(|n| overlay_dir.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| RenderError::NoKustomization {
            dir: crate::render::fs::shown(overlay_dir),
        })?;
    let ktext = read(&kfile)?;
    if let Some(e) = overlay::edit_kustomization_images(&ktext, &kfile, name, target, false)? {
        return Ok(e);
    }
    let k = render::kustomization::Kustomization::parse(&ktext, &crate::render::fs::shown(&kfile))
        .map_err(RenderError::from)?;
    let mut own: Vec<PathBuf> = k
        .resources
        .iter()
        .map(|r| overlay_dir.join(r))
        .filter(|p| p.is_file())
        .collect();
    for p in k.patches.iter().chain(k.patches_json6902.iter()) {
        if let render::kustomization::PatchSource::Path(f) = &p.source {
            own.push(overlay_dir.join(f));
        }
    }
    for p in &k.patches_strategic_merge {
        if let render::kustomization::PatchSource::Path(f) = p {
            own.push(overlay_dir.join(f));
        }
    }
    for f in own {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        if let Some(e) = overlay::edit_image_fields(&text, &f, name, target)? {
            return Ok(e);
        }
    }
    overlay::edit_kustomization_images(&ktext, &kfile, name, target, true)?.ok_or_else(|| {
        WriteBackError::CannotAdd {
            name: name.to_string(),
            file: crate::render::fs::shown(&kfile),
        }
    })
}

/// How far to take a written edit.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub commit: bool,
    pub push: bool,
    pub allow_dirty: bool,
}

/// A write-back commit.
#[derive(Debug, Clone)]
pub struct Committed {
    pub repo: Repo,
    /// The commit as pushed (after any rebase onto the remote).
    pub sha: String,
    /// (remote, branch) when pushed.
    pub pushed: Option<(String, String)>,
}

/// Writes the edit (atomically), checks that the overlay renders the new image
/// (else puts the file back), and commits and pushes as asked.
///
/// # Errors
/// Any failure leaves the working tree and the branch as they were.
pub fn write(
    loaded: &Loaded,
    edit: &Edit,
    opts: Options,
) -> Result<Option<Committed>, WriteBackError> {
    let env = loaded.env(&edit.env)?;
    let commit = opts.commit || opts.push || env.git.commit;
    let push = opts.push || (commit && env.git.push);
    let repo = match Repo::open(&loaded.root) {
        Ok(r) => Some(r),
        Err(e) if commit => return Err(e.into()),
        Err(_) => None,
    };
    if let Some(r) = &repo
        && !opts.allow_dirty
        && r.is_dirty()?
    {
        return Err(WriteBackError::Dirty {
            root: crate::render::fs::shown(&r.root),
        });
    }
    let f = &edit.file;
    overlay::write_atomic(&f.file, &f.after)?;
    let verify = render::render(&DiskFs, &loaded.overlay_dir(&edit.env)?)
        .map_err(WriteBackError::from)
        .and_then(|docs| {
            if crate::image::rendered_images(&docs)
                .iter()
                .any(|i| *i == f.new_ref || i.ends_with(&f.new_ref))
            {
                Ok(())
            } else {
                Err(WriteBackError::NotRendered {
                    env: edit.env.clone(),
                    image: f.new_ref.clone(),
                })
            }
        });
    if let Err(e) = verify {
        overlay::write_atomic(&f.file, &f.before)?;
        return Err(e);
    }
    let (true, Some(r)) = (commit, repo) else {
        return Ok(None);
    };
    let mut message = env
        .git
        .message(&edit.env, &edit.name, &f.old_ref, &f.new_ref);
    message.push_str(&format!(
        "\n\nKubectl-Release-Env: {}\nKubectl-Release-File: {}\nKubectl-Release-Patch: {}\nKubectl-Release-Inverse: {}\n",
        edit.env,
        edit.label,
        serde_json::to_string(&edit.forward).unwrap_or_default(),
        serde_json::to_string(&edit.inverse).unwrap_or_default()
    ));
    let restore_file = |r: &Repo| {
        let _ = r.run(&["reset", "-q", "--", &f.file.display().to_string()]);
        overlay::write_atomic(&f.file, &f.before)
    };
    let sha = match r.commit_files(&[f.file.as_path()], &message) {
        Ok(s) => s,
        Err(e) => {
            restore_file(&r)?;
            return Err(e.into());
        }
    };
    if !push {
        return Ok(Some(Committed {
            repo: r,
            sha,
            pushed: None,
        }));
    }
    let branch = match &env.git.branch {
        Some(b) => b.clone(),
        None => r.current_branch()?,
    };
    if let Err(e) = r.push_with_rebase(&env.git.remote, &branch, 3) {
        // Nothing half done: drop our commit (only ours: a rebase may have moved it)
        // and restore the file.
        if r.head_message()?.first().map(|m| m.trim_end()) == Some(message.trim_end()) {
            let file = f.file.display().to_string();
            r.run(&["reset", "-q", "--soft", "HEAD~1"])?;
            r.run(&["reset", "-q", "--", &file])?;
            // The file as the branch has it now (a rebase may have brought others' lines).
            r.run(&["checkout", "-q", "HEAD", "--", &file])?;
        }
        return Err(e.into());
    }
    let pushed_sha = r.head()?.unwrap_or(sha);
    Ok(Some(Committed {
        repo: r,
        sha: pushed_sha,
        pushed: Some((env.git.remote.clone(), branch)),
    }))
}
