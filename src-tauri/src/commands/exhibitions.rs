//! Review: list and read exhibitions, their photos, and record verdicts.

use tauri::State;
use tauri::ipc::{InvokeResponseBody, IpcResponse};

use crate::error::CommandResult;
use crate::model::{EvaluationInput, ExhibitionCount, ExhibitionDetail, ExhibitionFilter, ExhibitionPage};
use crate::session::Shell;

/// A page of exhibitions (pending ones oldest first, the rest newest first).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn list_exhibitions(shell: State<'_, Shell>, filter: ExhibitionFilter) -> CommandResult<ExhibitionPage> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.exhibitions(&token, &filter).await).await
}

/// How many exhibitions match `filter`, and when the oldest was submitted (for
/// the pending ones: what is left to review and the longest wait).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn count_exhibitions(shell: State<'_, Shell>, filter: ExhibitionFilter) -> CommandResult<ExhibitionCount> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.count_exhibitions(&token, &filter).await).await
}

/// One exhibition with its photos and history.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn get_exhibition(shell: State<'_, Shell>, id: String) -> CommandResult<ExhibitionDetail> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.exhibition(&token, &id).await).await
}

/// Records a verdict. A conflict carries the exhibition as it is now.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn evaluate_exhibition(
    shell: State<'_, Shell>,
    id: String,
    input: EvaluationInput,
) -> CommandResult<ExhibitionDetail> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.evaluate(&token, &id, &input).await).await
}

/// Image bytes, handed to the UI as a raw `ArrayBuffer` (not a JSON array of numbers).
pub struct PhotoBytes(pub Vec<u8>);

impl IpcResponse for PhotoBytes {
    fn body(self) -> tauri::Result<InvokeResponseBody> {
        Ok(InvokeResponseBody::Raw(self.0))
    }
}

impl specta::Type for PhotoBytes {
    fn definition(_: &mut specta::Types) -> specta::datatype::DataType {
        specta::datatype::DataType::Reference(specta_typescript::define("ArrayBuffer"))
    }
}

/// The bytes of photo `position` (1-based) of an exhibition.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn exhibition_photo(shell: State<'_, Shell>, id: String, position: u32) -> CommandResult<PhotoBytes> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.photo(&token, &id, position).await)
        .await
        .map(PhotoBytes)
}

/// A small JPEG of photo `position` (longest side 320 px) for the burst strip:
/// a few KB instead of the full photo, made once on the server.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn exhibition_thumbnail(shell: State<'_, Shell>, id: String, position: u32) -> CommandResult<PhotoBytes> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.thumbnail(&token, &id, position).await)
        .await
        .map(PhotoBytes)
}
