//! Making a written file and a rename survive a power cut.

use std::fs::OpenOptions;
use std::path::Path;

/// Flushes `path`'s contents to the disk. Opened for writing because Windows'
/// `FlushFileBuffers` refuses a read-only handle ("Access denied"); Unix
/// accepts either.
///
/// # Errors
/// When the file cannot be opened or flushed.
pub fn sync_file(path: &Path) -> std::io::Result<()> {
    OpenOptions::new().write(true).open(path)?.sync_all()
}

/// Makes a rename into `dir` durable (Unix: the directory's entry is flushed;
/// elsewhere the rename is as durable as the OS makes it). Best effort.
pub fn sync_dir(dir: Option<&Path>) {
    #[cfg(unix)]
    if let Some(dir) = dir
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_file_keeps_the_contents_and_reports_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("copy.db");
        std::fs::write(&file, b"contents").unwrap();
        sync_file(&file).unwrap();
        assert_eq!(
            std::fs::read(&file).unwrap(),
            b"contents",
            "flushing does not change it"
        );
        sync_dir(Some(dir.path()));
        let missing = sync_file(&dir.path().join("missing")).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    }
}
