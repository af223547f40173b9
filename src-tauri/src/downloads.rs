//! Saving a file the server sent (an exported report) on this computer: in the
//! person's Downloads folder, under the server's name made safe, never over an
//! existing file, and complete or not at all.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

use crate::error::{CommandError, CommandResult};

/// The file name from a `Content-Disposition` header, reduced to characters any
/// file system takes; `fallback` when there is none.
#[must_use]
pub fn file_name(content_disposition: Option<&str>, fallback: &str) -> String {
    let raw = content_disposition
        .and_then(|v| v.split(';').map(str::trim).find_map(|p| p.strip_prefix("filename=")))
        .map(|n| n.trim_matches('"'))
        .unwrap_or_default();
    // Path separators, "..", control and reserved characters all go.
    let safe: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        fallback.to_string()
    } else {
        safe.to_string()
    }
}

/// `dir/name`, or `dir/stem (2).ext`, `(3)`… when taken.
#[must_use]
pub fn free_path(dir: &Path, name: &str, taken: impl Fn(&Path) -> bool) -> PathBuf {
    let first = dir.join(name);
    if !taken(&first) {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    (2u32..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !taken(p))
        .unwrap_or(first)
}

/// Writes `response`'s body to a free path in `dir` named `name`, chunk by chunk
/// (a year's export is not held in memory). It goes to a `.part` file first and
/// is renamed when complete, so a broken download leaves nothing half-written.
///
/// # Errors
/// When the folder cannot be written, or the transfer breaks.
pub async fn save(mut response: reqwest::Response, dir: &Path, name: &str) -> CommandResult<(PathBuf, u64)> {
    let cannot = |what: &str, e: &dyn std::fmt::Display| CommandError::Internal {
        message: format!("no se pudo {what} en {}: {e}", dir.display()),
    };
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| cannot("crear la carpeta", &e))?;
    let target = free_path(dir, name, Path::exists);
    let mut partial = target.clone().into_os_string();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    let mut file = tokio::fs::File::create(&partial)
        .await
        .map_err(|e| cannot("crear el archivo", &e))?;
    let mut written = 0u64;
    let outcome: CommandResult<()> = async {
        while let Some(chunk) = response.chunk().await.map_err(|e| CommandError::Unreachable {
            message: format!("la descarga se cortó: {e}"),
        })? {
            file.write_all(&chunk)
                .await
                .map_err(|e| cannot("guardar el archivo", &e))?;
            written += chunk.len() as u64;
        }
        file.sync_all().await.map_err(|e| cannot("guardar el archivo", &e))
    }
    .await;
    drop(file);
    if let Err(e) = outcome {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(e);
    }
    tokio::fs::rename(&partial, &target)
        .await
        .map_err(|e| cannot("guardar el archivo", &e))?;
    Ok((target, written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_header_and_are_made_safe() {
        let name = |h: &str| file_name(Some(h), "reporte.csv");
        assert_eq!(
            name(r#"attachment; filename="exhibiciones_2025-01-01_2025-01-31.csv""#),
            "exhibiciones_2025-01-01_2025-01-31.csv"
        );
        assert_eq!(name(r#"attachment; filename="../../.bashrc""#), "_.._.bashrc");
        assert_eq!(name(r#"attachment; filename="a\b:c*.xlsx""#), "a_b_c_.xlsx");
        assert_eq!(name("attachment"), "reporte.csv");
        assert_eq!(file_name(None, "reporte.xlsx"), "reporte.xlsx");
        assert_eq!(name(r#"attachment; filename="...""#), "reporte.csv");
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let dir = Path::new("/descargas");
        let taken = [dir.join("r.csv"), dir.join("r (2).csv")];
        assert_eq!(
            free_path(dir, "r.csv", |p| taken.contains(&p.to_path_buf())),
            dir.join("r (3).csv")
        );
        assert_eq!(
            free_path(dir, "otro.csv", |p| taken.contains(&p.to_path_buf())),
            dir.join("otro.csv")
        );
        assert_eq!(free_path(dir, "sin-extension", |_| false), dir.join("sin-extension"));
        assert_eq!(
            free_path(dir, "sin-extension", |p| p == dir.join("sin-extension")),
            dir.join("sin-extension (2)")
        );
    }

    /// Answers one request on 127.0.0.1 with `declared` bytes promised and `body` sent, then hangs up.
    async fn serve_once(declared: usize, body: &'static [u8]) -> String {
        use tokio::io::AsyncReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 1024];
            let _ = socket.read(&mut request).await;
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {declared}\r\nConnection: close\r\n\r\n");
            socket.write_all(head.as_bytes()).await.unwrap();
            socket.write_all(body).await.unwrap();
        });
        format!("http://{addr}/")
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[tokio::test]
    async fn a_complete_download_is_saved_under_its_name_and_a_broken_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let downloads = dir.path().join("Descargas");
        let http = reqwest::Client::new();

        let url = serve_once(11, b"id;cliente\n").await;
        let (path, bytes) = save(http.get(url).send().await.unwrap(), &downloads, "r.csv")
            .await
            .unwrap();
        assert_eq!((path.clone(), bytes), (downloads.join("r.csv"), 11));
        assert_eq!(std::fs::read(&path).unwrap(), b"id;cliente\n");

        // 1000 bytes promised, 10 sent: an error, and neither the file nor its .part.
        let url = serve_once(1000, b"id;cliente").await;
        let broken = save(http.get(url).send().await.unwrap(), &downloads, "r.csv").await;
        assert!(broken.is_err(), "{broken:?}");
        assert_eq!(names_in(&downloads), ["r.csv"]);
    }
}
