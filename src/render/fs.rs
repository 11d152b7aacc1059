//! The file-system boundary of the renderer: a trait, the real disk, and an in-memory tree for tests.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// What the renderer needs from a file system. Paths given to it are already
/// lexically normalised and absolute (or rooted in the in-memory tree).
/// `Sync` because independent sub-kustomizations are built on several threads.
pub trait FileSystem: Sync {
    /// Reads a file; `NotFound` when there is no file at `path` (a directory included).
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    fn is_dir(&self, path: &Path) -> bool;
    fn is_file(&self, path: &Path) -> bool;
    /// The same value for a directory however it is reached (symlinks), for cycle detection.
    fn dir_identity(&self, path: &Path) -> DirIdentity {
        DirIdentity::Path(path.to_path_buf())
    }
}

/// What identifies a directory for cycle detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirIdentity {
    Path(PathBuf),
    /// Device and inode: one `stat`, where resolving every symlink in the path costs one call per component.
    Inode(u64, u64),
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
    fn dir_identity(&self, path: &Path) -> DirIdentity {
        use std::os::unix::fs::MetadataExt;
        match std::fs::metadata(path) {
            Ok(m) => DirIdentity::Inode(m.dev(), m.ino()),
            Err(_) => DirIdentity::Path(path.to_path_buf()),
        }
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
}

/// Lexical normalisation: removes `.` and resolves `..` without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
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
}
