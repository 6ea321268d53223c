//! Files editions writes: always whole, never half.
//!
//! Every file is written to a temporary file beside it, flushed to disk, then renamed over the
//! old one, so that a reader (or a crash) sees either the old contents or the new, never a mix.

use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically, creating its folder when missing.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let tmp = stage(path, contents)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `contents` to a temporary file beside `path`, flushed to disk but not yet in place:
/// [`tempfile::NamedTempFile::persist`] puts it there. Lets several files be prepared before
/// any of them replaces its old version.
pub fn stage(path: &Path, contents: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}
