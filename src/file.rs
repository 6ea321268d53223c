//! Files editions writes: always whole, never half, shared safely between processes.
//!
//! - **Atomic.** Every file is written to a temporary file beside it, flushed to disk, then
//!   renamed over the old one, so that a reader (or a crash) sees either the old contents or
//!   the new, never a mix. Temporary files are named `.{name}.{random}.editions-tmp`: they are
//!   removed when the process ends normally (SIGINT and SIGTERM included), and left-overs of a
//!   killed process are removed by the next one that holds the file's lock ([`clean_up`]).
//! - **Modes and links.** A rewritten file keeps its mode; a new one gets the mode the umask
//!   gives (as any other program's would); a read-only file is refused, not replaced; a
//!   symbolic link is written through to its target; anything else that is not a regular file
//!   (a device, a folder) is refused.
//! - **Locks.** Processes sharing a file (the translation memory) take an exclusive advisory
//!   lock on it with [`Locked::exclusive`], which also makes sure that the lock is on the file
//!   that is at the path now and not on one a rename replaced while waiting.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::message::tr_hint;

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}", tr_hint("file-read-only", &[("path", &.path.display())]))]
    ReadOnly { path: PathBuf },
    #[error("{}", tr_hint("file-not-a-file", &[("path", &.path.display())]))]
    NotAFile { path: PathBuf },
    #[error("{}", tr_hint("file-link-loop", &[("path", &.path.display())]))]
    LinkLoop { path: PathBuf },
    #[error("{}", tr_hint("file-cannot-write", &[("path", &.path.display()), ("error", &.error)]))]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl WriteError {
    fn io(path: &Path, error: std::io::Error) -> Self {
        WriteError::Io {
            path: path.to_path_buf(),
            error,
        }
    }

    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            WriteError::ReadOnly { path }
            | WriteError::NotAFile { path }
            | WriteError::LinkLoop { path }
            | WriteError::Io { path, .. } => path,
        }
    }
}

/// The suffix of editions' temporary files.
const TMP_SUFFIX: &str = ".editions-tmp";

/// Writes `contents` to `path` atomically, creating its folder when missing.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    stage(path, contents)?.commit()
}

/// A file written in full beside its target, not yet in place.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    /// Where it goes: the target, or the file a symbolic link at the target names.
    target: PathBuf,
}

impl Staged {
    /// Puts the file in place (a rename).
    pub fn commit(self) -> Result<(), WriteError> {
        let target = self.target;
        self.tmp
            .persist(&target)
            .map_err(|e| WriteError::io(&target, e.error))?;
        Ok(())
    }
}

/// Where writing `path` really goes: through a symbolic link to its target. Refuses a
/// read-only file and anything that is not a regular file.
pub fn destination(path: &Path) -> Result<PathBuf, WriteError> {
    writable(followed(path)?)
}

/// The file a path names once its symbolic links are followed (the path itself when it is no
/// link, or names nothing yet).
fn followed(path: &Path) -> Result<PathBuf, WriteError> {
    // As the system does (SYMLOOP_MAX): past 40 links, it is a loop.
    let mut target = path.to_path_buf();
    for _ in 0..=40 {
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&target).map_err(|e| WriteError::io(&target, e))?;
                target = match target.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            Ok(_) | Err(_) => return Ok(target),
        }
    }
    Err(WriteError::LinkLoop {
        path: path.to_path_buf(),
    })
}

/// `target` (no link) when it can be written: a regular file that is not read-only, or none.
fn writable(target: PathBuf) -> Result<PathBuf, WriteError> {
    match std::fs::metadata(&target) {
        Ok(m) if !m.is_file() => Err(WriteError::NotAFile { path: target }),
        Ok(m) if m.permissions().readonly() => Err(WriteError::ReadOnly { path: target }),
        _ => Ok(target),
    }
}

/// Where writing `path` really goes, as an absolute path with every link of its folders
/// resolved: what tells whether two paths name one file (an output and an original, say).
/// Whether it can be written is not asked: a read-only original is still an original.
pub fn resolved(path: &Path) -> Result<PathBuf, WriteError> {
    let target = followed(path)?;
    let absolute = if target.is_absolute() {
        target
    } else {
        std::env::current_dir()
            .map_err(|e| WriteError::io(path, e))?
            .join(target)
    };
    // The nearest folder that exists, resolved; the rest as written.
    let mut rest = Vec::new();
    let mut dir = absolute.as_path();
    loop {
        match dir.canonicalize() {
            Ok(real) => {
                let mut out = real;
                for part in rest.iter().rev() {
                    out.push(part);
                }
                return Ok(out);
            }
            Err(_) => match (dir.parent(), dir.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    dir = parent;
                }
                _ => return Ok(absolute),
            },
        }
    }
}

/// Writes `contents` to a temporary file beside `path` (or beside the file a symbolic link at
/// `path` names), flushed to disk, with the mode the file has (or, for a new file, the one the
/// umask gives), but not yet in place: [`Staged::commit`] puts it there. Lets several files be
/// prepared before any of them replaces its old version.
pub fn stage(path: &Path, contents: &[u8]) -> Result<Staged, WriteError> {
    stage_with(path, |w| w.write_all(contents))
}

/// Like [`stage`], with the contents written by `write` (buffered), so that a large file is
/// never held in memory whole.
pub fn stage_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Staged, WriteError> {
    let target = destination(path)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| WriteError::io(&dir, e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Created like any new file: 0666 less the umask.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(&dir)
        .map_err(|e| WriteError::io(&target, e))?;
    if let Ok(m) = std::fs::metadata(&target) {
        // A rewritten file keeps its mode.
        tmp.as_file()
            .set_permissions(m.permissions())
            .map_err(|e| WriteError::io(&target, e))?;
    }
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut buffered).map_err(|e| WriteError::io(&target, e))?;
        buffered.flush().map_err(|e| WriteError::io(&target, e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| WriteError::io(&target, e))?;
    Ok(Staged { tmp, target })
}

/// Removes the temporary files a killed process left beside `path`. Call it only while
/// holding what keeps other processes from writing `path` (its lock), so that no live
/// process's temporary file is removed.
pub fn clean_up(path: &Path) {
    let Ok(target) = destination(path) else {
        return;
    };
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        if n.starts_with(&prefix) && n.ends_with(TMP_SUFFIX) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// An exclusive advisory lock on a file, held until dropped.
#[derive(Debug)]
pub struct Locked {
    pub file: File,
}

impl Locked {
    /// Opens `path` for reading and appending (creating it when missing) and locks it, waiting
    /// for other holders. Makes sure the lock is on the file at `path` now: one that a rename
    /// replaced while this process waited is let go and the new one locked.
    pub fn exclusive(path: &Path) -> std::io::Result<Locked> {
        loop {
            let file = OpenOptions::new()
                .read(true)
                .append(true)
                .create(true)
                .open(path)?;
            file.lock()?;
            if same_file(&file, path)? {
                return Ok(Locked { file });
            }
        }
    }

    /// Locks an existing file without writing to it (only to keep other processes out while
    /// this one works on what depends on it).
    pub fn existing(path: &Path) -> std::io::Result<Locked> {
        let file = File::open(path)?;
        file.lock()?;
        Ok(Locked { file })
    }

    /// Like [`Locked::existing`], without waiting: `None` while another process holds it.
    /// Runs that lock several files wait for one with the others' work going on (see
    /// [`crate::lifecycle`]), so two runs that take them in different orders never
    /// wait for each other in a cycle.
    pub fn try_existing(path: &Path) -> std::io::Result<Option<Locked>> {
        let file = File::open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Locked { file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

/// The process that holds a lock on `path`, when the system says (Linux's `/proc/locks`).
pub fn lock_holder(path: &Path) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let inode = std::fs::metadata(path).ok()?.ino();
        let locks = std::fs::read_to_string("/proc/locks").ok()?;
        locks.lines().find_map(|line| {
            // `1: FLOCK  ADVISORY  WRITE 12345 08:01:1234567 0 EOF` (a waiter's line has `->`).
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.get(1) == Some(&"->") {
                return None;
            }
            let pid = fields.get(4)?.parse().ok()?;
            let ino: u64 = fields.get(5)?.rsplit(':').next()?.parse().ok()?;
            (ino == inode).then_some(pid)
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        None
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let (a, b) = (file.metadata()?, std::fs::metadata(path));
    Ok(b.is_ok_and(|b| a.dev() == b.dev() && a.ino() == b.ino()))
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> std::io::Result<bool> {
    Ok(path.exists())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_rewritten_file_keeps_its_mode_and_a_link_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_atomically(&file, b"new").unwrap();
        assert_eq!(mode(&file), 0o644);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&file, b"newer").unwrap();
        assert_eq!(mode(&file), 0o640);

        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink("a.md", &link).unwrap();
        write_atomically(&link, b"through").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "through");

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = write_atomically(&file, b"x").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("`{}` is read-only, so editions will not replace it\n  hint: make it writable (chmod u+w) if it should be updated", file.display())
        );
        let err = write_atomically(dir.path(), b"x").unwrap_err();
        assert!(matches!(err, WriteError::NotAFile { .. }), "{err}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(TMP_SUFFIX))
            .collect();
        assert!(left.is_empty());
    }

    #[test]
    fn a_new_file_gets_the_umask_mode_and_left_overs_are_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("new.md");
        write_atomically(&file, b"x").unwrap();
        // Whatever the umask, the group and others bits are at most read and write, and the
        // owner's are read and write: a tempfile's 0600 would fail the first check under the
        // usual 022 umask.
        let probe = dir.path().join("probe");
        std::fs::write(&probe, "").unwrap();
        assert_eq!(mode(&file), mode(&probe));
        // A left-over of a killed process.
        let left = dir.path().join(".new.md.x1Yz.editions-tmp");
        std::fs::write(&left, "partial").unwrap();
        let other = dir.path().join(".other.md.x1Yz.editions-tmp");
        std::fs::write(&other, "partial").unwrap();
        clean_up(&file);
        assert!(!left.exists());
        assert!(other.exists(), "only the file's own left-overs");
    }
}
