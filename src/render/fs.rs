//! The file-system boundary of the renderer: a trait, the real disk, and an in-memory tree for tests.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// What the renderer needs from a file system. Paths given to it are absolute
/// and lexically normalised (or rooted in the in-memory tree).
/// `Sync` because independent sub-kustomizations are built on several threads.
pub trait FileSystem: Sync {
    /// Reads a file; `NotFound` when there is no file at `path` (a directory included).
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    fn is_dir(&self, path: &Path) -> bool;
    fn is_file(&self, path: &Path) -> bool;
    /// The real path of `path` (which may be relative to the current directory):
    /// absolute, with every symlink resolved. kustomize confirms each kustomization
    /// root this way before it reads anything, so `../../base` in an overlay reached
    /// through `.` or a symlink means the same directory.
    fn real_path(&self, path: &Path) -> io::Result<PathBuf>;
    /// Whether `path` itself is a symlink (without following it).
    fn is_symlink(&self, _path: &Path) -> bool {
        false
    }
    /// The directory messages show paths from: relative below it, absolute elsewhere.
    fn display_base(&self) -> PathBuf;
}

/// The real file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct DiskFs;

impl FileSystem for DiskFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        use std::io::Read;
        // `std::fs::read` plus the directory check, in the fewest system calls (a large
        // render reads tens of thousands of files): open, fstat, read to the end.
        let mut file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotFound, "is a directory"));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0) + 1);
        file.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn real_path(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
    fn is_symlink(&self, path: &Path) -> bool {
        path.is_symlink()
    }
    fn display_base(&self) -> PathBuf {
        std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"))
    }
}

/// An in-memory tree: file path -> contents. Directories exist implicitly.
#[derive(Debug, Default, Clone)]
pub struct MemFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemFs {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a file; `path` is taken relative to `/`.
    pub fn add(&mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) -> &mut Self {
        let p = normalize(&Path::new("/").join(path.as_ref()));
        self.files.insert(p, contents.into());
        self
    }
}

impl FileSystem for MemFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.files
            .range(path.to_path_buf()..)
            .next()
            .is_some_and(|(p, _)| p != path && p.starts_with(path))
    }
    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }
    /// No symlinks in memory: relative paths start at `/`.
    fn real_path(&self, path: &Path) -> io::Result<PathBuf> {
        let p = normalize(&Path::new("/").join(path));
        if self.is_file(&p) || self.is_dir(&p) {
            Ok(p)
        } else {
            Err(io::Error::new(io::ErrorKind::NotFound, "no such file"))
        }
    }
    fn display_base(&self) -> PathBuf {
        PathBuf::from("/")
    }
}

/// Lexical normalisation: removes `.` and resolves `..` without touching the disk.
/// A leading `..` of a relative path is kept (`../a/../../b` is `../../b`), and
/// `..` above the root of an absolute path stays at the root.
pub fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component> = Vec::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => parts.push(comp),
            },
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().collect()
}

/// A path as messages show it: relative to `base` when it is below it (so an
/// editor or a CI annotation opens it from there), absolute otherwise.
pub fn shown_path(path: &Path, base: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}

/// [`shown_path`] from the current directory: for the edges (config, overlay edits, git).
pub fn shown(path: &Path) -> String {
    match std::env::current_dir() {
        Ok(cwd) if path.is_absolute() => shown_path(path, &cwd),
        _ => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memfs_dirs_are_implicit() {
        let mut fs = MemFs::new();
        fs.add("app/base/kustomization.yaml", "resources: []");
        assert!(fs.is_dir(Path::new("/app")));
        assert!(fs.is_dir(Path::new("/app/base")));
        assert!(!fs.is_dir(Path::new("/app/base/kustomization.yaml")));
        assert!(fs.is_file(Path::new("/app/base/kustomization.yaml")));
        assert!(!fs.is_dir(Path::new("/ap")));
    }

    #[test]
    fn normalize_resolves_dots() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }

    /// Regression: `../prod` joined with `../../base` lost its leading `..`
    /// (a popped `..`), so `render -k ../prod` could not find the base.
    #[test]
    fn normalize_keeps_leading_parent_dirs() {
        assert_eq!(
            normalize(Path::new("../prod/../../base")),
            PathBuf::from("../../base")
        );
        assert_eq!(normalize(Path::new("./../../x/..")), PathBuf::from("../.."));
        assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(normalize(Path::new("/a/../..")), PathBuf::from("/"));
    }

    #[test]
    fn shown_paths_open_from_the_base() {
        let base = Path::new("/work/repo");
        assert_eq!(
            shown_path(Path::new("/work/repo/envs/a.yaml"), base),
            "envs/a.yaml"
        );
        assert_eq!(
            shown_path(Path::new("/work/other/a.yaml"), base),
            "/work/other/a.yaml"
        );
        assert_eq!(shown_path(Path::new("/work/repo"), base), "/work/repo");
        assert_eq!(
            shown_path(Path::new("/a/b.yaml"), Path::new("/")),
            "a/b.yaml"
        );
    }
}
