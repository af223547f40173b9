//! A second copy of the photo folder, for the `backup` job (and the way back,
//! for `backup restore`).
//!
//! Photos are written once and never changed in place (the store writes aside
//! and renames), so a mirror only ever needs the files it does not have yet:
//! a daily run costs one `stat` per photo plus the day's new ones. A file is
//! hard-linked when source and mirror share a file system (no extra space,
//! and it survives the original's deletion) and copied otherwise (another
//! disk, a network share). Copies are written aside and renamed, so a file
//! with its final name is always complete. Nothing is ever deleted or
//! overwritten: a photo removed from the source stays in the mirror.
//!
//! Skipped: hidden entries (`.thumbnails/`, regenerated on demand) and the
//! store's own half-written `*.partial` files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What one mirroring did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MirrorReport {
    /// Files the target did not have (linked or copied).
    pub added: u64,
    /// Of those, how many were copied (not hard-linked).
    pub copied: u64,
    /// Bytes of the added files.
    pub added_bytes: u64,
    /// Files the target already had (same name and size).
    pub present: u64,
}

const PARTIAL: &str = "partial";

/// Bring into `target` every photo of `source` it lacks. A missing `source`
/// is an empty one. Blocking: run it on a blocking thread.
///
/// # Errors
/// The first I/O error, with the path it concerns; what was added before it
/// stays (a later run goes on from there).
pub fn mirror(source: &Path, target: &Path) -> io::Result<MirrorReport> {
    let mut report = MirrorReport::default();
    if !source.is_dir() {
        return Ok(report);
    }
    let mut pending: Vec<PathBuf> = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let dir = source.join(&relative);
        for entry in fs::read_dir(&dir).map_err(|e| at(&dir, e))? {
            let entry = entry.map_err(|e| at(&dir, e))?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type().map_err(|e| at(&entry.path(), e))?;
            let rel = relative.join(&name);
            if kind.is_dir() {
                pending.push(rel);
            } else if kind.is_file() && Path::new(&name).extension().is_none_or(|e| e != PARTIAL) {
                let size = entry.metadata().map_err(|e| at(&entry.path(), e))?.len();
                let to = target.join(&rel);
                match fs::metadata(&to) {
                    Ok(m) if m.is_file() && m.len() == size => report.present += 1,
                    _ => {
                        let copied = add(&entry.path(), &to)?;
                        report.added += 1;
                        report.copied += u64::from(copied);
                        report.added_bytes += size;
                    }
                }
            }
        }
    }
    Ok(report)
}

/// Link or copy one file; `true` when it had to be copied.
fn add(from: &Path, to: &Path) -> io::Result<bool> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| at(parent, e))?;
    }
    // A shorter file under the name (a copy cut off by a crash on a system
    // without rename, or someone's edit) is replaced, never appended to.
    let _ = fs::remove_file(to);
    if fs::hard_link(from, to).is_ok() {
        return Ok(false);
    }
    let mut partial = to.as_os_str().to_owned();
    partial.push(".");
    partial.push(PARTIAL);
    let partial = PathBuf::from(partial);
    let copied = (|| {
        fs::copy(from, &partial)?;
        crate::durable::sync_file(&partial)?;
        fs::rename(&partial, to)
    })();
    if let Err(e) = copied {
        let _ = fs::remove_file(&partial);
        return Err(at(to, e));
    }
    Ok(true)
}

fn at(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, bytes: &[u8]) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    fn files(root: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut pending = vec![root.to_path_buf()];
        while let Some(dir) = pending.pop() {
            for e in fs::read_dir(dir).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    pending.push(e.path());
                } else {
                    out.push(
                        e.path()
                            .strip_prefix(root)
                            .unwrap()
                            .to_string_lossy()
                            .replace('\\', "/"),
                    );
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_mirror_gets_what_it_lacks_and_a_second_run_adds_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let (source, target) = (tmp.path().join("photos"), tmp.path().join("backups/photos"));
        write(&source, "1/-100/2026-11-22/a_1.jpg", b"first photo");
        write(&source, "1/-100/2026-11-22/a_2.jpg", b"second");
        write(&source, "2/-200/2026-11-23/b_1.jpg", b"third photo!");
        write(&source, "2/-200/2026-11-23/c_1.partial", b"half");
        write(&source, ".thumbnails/1/a_1.jpg", b"thumb");

        let first = mirror(&source, &target).unwrap();
        assert_eq!((first.added, first.present, first.added_bytes), (3, 0, 11 + 6 + 12));
        assert_eq!(
            files(&target),
            [
                "1/-100/2026-11-22/a_1.jpg",
                "1/-100/2026-11-22/a_2.jpg",
                "2/-200/2026-11-23/b_1.jpg"
            ]
        );
        assert_eq!(
            fs::read(target.join("2/-200/2026-11-23/b_1.jpg")).unwrap(),
            b"third photo!"
        );
        // Same file system: linked, not copied.
        assert_eq!(first.copied, 0);

        write(&source, "1/-100/2026-11-24/d_1.jpg", b"new");
        let second = mirror(&source, &target).unwrap();
        assert_eq!((second.added, second.present, second.added_bytes), (1, 3, 3));
    }

    #[test]
    fn nothing_in_the_mirror_is_deleted_and_a_cut_off_file_is_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let (source, target) = (tmp.path().join("photos"), tmp.path().join("mirror"));
        write(&source, "1/a.jpg", b"complete photo");
        write(&target, "1/a.jpg", b"compl");
        write(&target, "1/old.jpg", b"deleted from the source long ago");
        let report = mirror(&source, &target).unwrap();
        assert_eq!((report.added, report.present), (1, 0));
        assert_eq!(fs::read(target.join("1/a.jpg")).unwrap(), b"complete photo");
        assert_eq!(files(&target), ["1/a.jpg", "1/old.jpg"]);
    }

    #[test]
    fn a_missing_source_is_empty_and_an_unwritable_target_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(
            mirror(&tmp.path().join("none"), &tmp.path().join("m")).unwrap(),
            MirrorReport::default()
        );
        let source = tmp.path().join("photos");
        write(&source, "1/a.jpg", b"x");
        // The target's parent is a file: nothing can be created under it.
        write(tmp.path(), "blocker", b"");
        let err = mirror(&source, &tmp.path().join("blocker/m")).unwrap_err();
        assert!(err.to_string().contains("blocker"), "{err}");
    }
}
