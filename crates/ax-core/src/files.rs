//! Writing files safely: atomically (a temporary file in the same directory, then a rename)
//! and, for files holding keys, private (mode 0600 in 0700 directories on unix). Used by the
//! profile store and by the CLI's `-o FILE` output.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `path` atomically: `fill` writes a temporary file in the same directory, which is
/// synced and renamed into place (removed on failure, so a reader never sees half a file).
/// `private` creates it with mode 0600 (unix), else 0666 minus the umask.
pub fn write_atomic(
    path: &Path,
    private: bool,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?
        .to_string_lossy()
        .into_owned();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    // Starts with a dot and ends in `.tmp`, so a listing of `*.toml` never sees it.
    let tmp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if private { 0o600 } else { 0o666 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let result = (|| {
        let mut f = opts.open(&tmp)?;
        fill(&mut f)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Creates `dir` (and its parents) with mode 0700 on unix; an existing directory is left as
/// it is.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_leaves_no_temporary_behind() {
        let dir = std::env::temp_dir().join(format!("ax-files-{}", std::process::id()));
        create_private_dir(&dir.join("sub")).unwrap();
        let path = dir.join("sub").join("a.toml");
        write_atomic(&path, true, |f| io::Write::write_all(f, b"one")).unwrap();
        write_atomic(&path, true, |f| io::Write::write_all(f, b"two")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let failed = write_atomic(&path, true, |_| Err(io::Error::other("boom")));
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(dir.join("sub")).unwrap().collect();
        assert_eq!(names.len(), 1, "a temporary file was left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir.join("sub")), 0o700);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
