//! Importing the old Python system's database (`base_datos/centermind.db`):
//! its distributors with their bots, groups, vendors and every exhibition
//! with its verdict, so that a distributor moving to CenterMind keeps its
//! history, ranking and pending queue.
//!
//! - The old file is opened read-only and read in one read transaction (the
//!   old bot may still be running; nothing is written to it).
//! - Idempotent: each old exhibition is keyed `legacy:<uuid>`, so running the
//!   import again adds what the old system registered since, and brings the
//!   verdicts given or changed there since to the exhibitions nobody has
//!   evaluated here (the old system kept running while the distributor tried
//!   CenterMind). An exhibition evaluated here keeps its verdict; the report
//!   counts those where the two systems now disagree.
//! - Written in short transactions (one per distributor's set-up, then 500
//!   exhibitions each) so that a running service's writers never wait long.
//! - A row that cannot be read is skipped and reported, never guessed.
//! - Photos were in Google Drive: each one gets an `import_photo` task that
//!   downloads it into the local photo folder (with hashes and the duplicate
//!   check) once Google Drive credentials are configured, after today's
//!   photos.
//! - Verdicts not yet edited into Telegram (`synced_telegram = 0`) get their
//!   edit task, so vendors see them.
//! - Supervisors were free text (`supervisor_nombre`): each becomes an
//!   inactive portal user (or an existing user of that name), so the history
//!   says who evaluated; an admin can give them a password and activate them.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{Connection, Row, SqliteConnection};
use uuid::Uuid;

use super::tasks::{NewTask, enqueue_in, kinds};
use super::{Db, now};
use crate::domain::audit::FieldChange;
use crate::domain::customer_number::CustomerNumber;
use crate::domain::exhibition::{ExhibitionStatus, SyncState};
use crate::domain::legacy::{
    RowProblem, distributor_active, drive_file_id, fold, parse_integer, parse_member_role, parse_status, parse_time,
    photo_links, username_from_name,
};
use crate::domain::roles::{MemberRole, PortalRole};
use crate::domain::{ChatId, DistributorId, GroupId, MemberId, PdvTypeId, PortalUserId, TelegramUserId};
use crate::password::{hash_password, new_session_token};
use crate::{Error, Result, Secret};

/// Exhibitions written per transaction.
const CHUNK: usize = 500;
/// The PDV type of old exhibitions that had none.
pub const NO_PDV_TYPE: &str = "Sin tipo";

#[derive(Debug, Clone)]
pub struct LegacyImportOptions {
    /// The zone of old times written without an offset (Python's
    /// `datetime.now()`; `UTC` if the old database used `CURRENT_TIMESTAMP`).
    /// Distributors created by the import get this zone.
    pub time_zone: Tz,
    /// Carry the old bot tokens over (the old bot must be stopped first:
    /// Telegram lets only one program poll a token).
    pub bot_tokens: bool,
}

/// What the import did (or, on a copy, would do).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize)]
pub struct LegacyImport {
    pub distributors: Vec<ImportedDistributor>,
    /// Old rows left out, with the reason.
    pub skipped: Vec<SkippedRow>,
    /// Columns read from tables the project document does not describe
    /// (`grupos`, `integrantes`), so the admin can check the guess.
    pub recognised: Vec<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenOutcome {
    Imported,
    /// The distributor already had a token here; it was kept.
    KeptExisting,
    /// Asked not to carry tokens over.
    NotCarried,
    /// The old value does not look like a BotFather token.
    Invalid,
    None,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ImportedDistributor {
    pub legacy_id: String,
    pub id: DistributorId,
    pub name: String,
    /// Created by this import (else it existed here with the same name).
    pub created: bool,
    pub bot_token: TokenOutcome,
    pub groups_created: u64,
    pub members_created: u64,
    /// Old PDV types that did not exist here; created inactive (the bot's
    /// buttons do not change until an admin activates them).
    pub pdv_types_created: Vec<String>,
    /// Usernames of the inactive portal users made for old supervisors.
    pub users_created: Vec<String>,
    pub exhibitions_imported: u64,
    /// Imported by an earlier run (same old uuid).
    pub exhibitions_already_imported: u64,
    /// Of those, how many got the verdict the old system gave or changed
    /// since the earlier run (nobody had evaluated them here).
    pub verdicts_updated: u64,
    /// Of those, how many were evaluated here and got another status in the
    /// old system since: CenterMind's verdict was kept.
    pub verdicts_kept: u64,
    pub pending: u64,
    pub approved: u64,
    pub rejected: u64,
    pub highlighted: u64,
    /// Photos queued to be downloaded from Google Drive.
    pub photos_queued: u64,
    /// Photo links that name no Drive file: kept as links only.
    pub photos_not_in_drive: u64,
    /// Verdicts the old system had not edited into Telegram yet.
    pub edits_queued: u64,
    /// Verdicts without a readable evaluation time: the submission time is used.
    pub evaluation_times_assumed: u64,
}

impl ImportedDistributor {
    /// What the import brought to this distributor, for its administration
    /// history: the figures that are not zero.
    pub fn history_figures(&self) -> Vec<FieldChange> {
        let figures = [
            ("distributor_created", serde_json::Value::from(self.created)),
            ("groups_created", self.groups_created.into()),
            ("members_created", self.members_created.into()),
            ("users_created", self.users_created.len().into()),
            ("exhibitions_imported", self.exhibitions_imported.into()),
            ("verdicts_updated", self.verdicts_updated.into()),
        ];
        figures
            .into_iter()
            .filter(|(_, v)| v != &serde_json::Value::from(0) && v != &serde_json::Value::from(false))
            .map(|(field, v)| FieldChange::new(field, serde_json::Value::Null, v))
            .collect()
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedRow {
    pub table: &'static str,
    /// The row's key in the old table (uuid, id).
    pub key: String,
    pub problem: String,
}

// ---------------------------------------------------------------- reading --

struct OldDistributor {
    key: String,
    name: Option<String>,
    token: Option<String>,
    drive_folder: Option<String>,
    estado: Option<String>,
    admin_telegram_id: Option<String>,
}

struct OldGroup {
    distributor: String,
    chat_id: ChatId,
    title: Option<String>,
}

struct OldMember {
    distributor: String,
    user_id: TelegramUserId,
    name: Option<String>,
    role: Option<MemberRole>,
}

struct OldExhibition {
    uuid: Option<String>,
    distributor: Option<String>,
    chat_id: Option<String>,
    vendor: Option<String>,
    customer: Option<String>,
    pdv_type: Option<String>,
    photos: Option<String>,
    estado: Option<String>,
    supervisor: Option<String>,
    comment: Option<String>,
    message_id: Option<String>,
    message_chat_id: Option<String>,
    synced: Option<String>,
    submitted: Option<String>,
    evaluated: Option<String>,
}

struct OldData {
    distributors: Vec<OldDistributor>,
    groups: Vec<OldGroup>,
    members: Vec<OldMember>,
    exhibitions: Vec<OldExhibition>,
    recognised: Vec<String>,
}

async fn columns(conn: &mut SqliteConnection, table: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
        .bind(table)
        .fetch_all(&mut *conn)
        .await?)
}

/// `CAST("col" AS TEXT)` for the first of `names` the table has, else `NULL`.
fn pick(have: &[String], names: &[&str]) -> (String, Option<String>) {
    match names.iter().find(|n| have.iter().any(|h| h.eq_ignore_ascii_case(n))) {
        Some(n) => (format!("CAST(\"{n}\" AS TEXT)"), Some((*n).to_string())),
        None => ("NULL".to_string(), None),
    }
}

/// Read `columns` (each a list of accepted names) of `table`; `required`
/// lists the indexes that must exist.
async fn read_table(
    conn: &mut SqliteConnection,
    table: &str,
    wanted: &[&[&str]],
    required: &[usize],
) -> Result<(Vec<Vec<Option<String>>>, Vec<Option<String>>)> {
    let have = columns(conn, table).await?;
    let picked: Vec<(String, Option<String>)> = wanted.iter().map(|names| pick(&have, names)).collect();
    for &i in required {
        if picked[i].1.is_none() {
            return Err(Error::invalid(
                "archivo",
                format!(
                    "no es una base de datos del sistema anterior: a la tabla {table} le falta la columna {}",
                    wanted[i][0]
                ),
            ));
        }
    }
    let select = picked.iter().map(|(e, _)| e.as_str()).collect::<Vec<_>>().join(", ");
    let rows: Vec<SqliteRow> = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {select} FROM \"{table}\" ORDER BY rowid"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let values = rows
        .iter()
        .map(|row| {
            (0..wanted.len())
                .map(|i| {
                    row.try_get::<Option<String>, _>(i)
                        .ok()
                        .flatten()
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                })
                .collect()
        })
        .collect();
    Ok((values, picked.into_iter().map(|(_, name)| name).collect()))
}

async fn has_table(conn: &mut SqliteConnection, table: &str) -> Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE")
            .bind(table)
            .fetch_one(&mut *conn)
            .await?;
    Ok(n > 0)
}

async fn read_old(source: &Path) -> Result<OldData> {
    if !source.is_file() {
        return Err(Error::invalid(
            "archivo",
            format!("no existe el archivo {}", source.display()),
        ));
    }
    let options = SqliteConnectOptions::new().filename(source).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options).await.map_err(|e| {
        Error::invalid(
            "archivo",
            format!("no se puede abrir {} como base de datos SQLite: {e}", source.display()),
        )
    })?;
    let mut tx = conn.begin().await?;
    for table in ["distribuidores", "exhibiciones"] {
        let present = has_table(&mut tx, table).await.map_err(|_| {
            Error::invalid(
                "archivo",
                format!("{} no es una base de datos SQLite", source.display()),
            )
        })?;
        if !present {
            return Err(Error::invalid(
                "archivo",
                format!("no es una base de datos del sistema anterior: falta la tabla {table}"),
            ));
        }
    }
    let mut recognised = Vec::new();
    let (rows, _) = read_table(
        &mut tx,
        "distribuidores",
        &[
            &["id_distribuidor", "id"],
            &["nombre_empresa", "nombre"],
            &["token_bot"],
            &["id_carpeta_drive", "drive_folder_id"],
            &["estado"],
            &["admin_telegram_id"],
        ],
        &[0, 1],
    )
    .await?;
    let distributors = rows
        .into_iter()
        .filter_map(|mut r| {
            Some(OldDistributor {
                key: r[0].take()?,
                name: r[1].take(),
                token: r[2].take(),
                drive_folder: r[3].take(),
                estado: r[4].take(),
                admin_telegram_id: r[5].take(),
            })
        })
        .collect();

    let mut groups = Vec::new();
    if has_table(&mut tx, "grupos").await? {
        let (rows, names) = read_table(
            &mut tx,
            "grupos",
            &[
                &["id_distribuidor", "distribuidor_id"],
                &["telegram_chat_id", "chat_id", "id_grupo", "telegram_group_id"],
                &["nombre_grupo", "titulo", "title", "nombre"],
            ],
            &[],
        )
        .await?;
        if names[0].is_some() && names[1].is_some() {
            recognised.push(describe("grupos", &names));
            groups = rows
                .into_iter()
                .filter_map(|mut r| {
                    Some(OldGroup {
                        distributor: r[0].take()?,
                        chat_id: parse_integer(r[1].as_deref()?)?,
                        title: r[2].take(),
                    })
                })
                .collect();
        }
    }

    let mut members = Vec::new();
    if has_table(&mut tx, "integrantes").await? {
        let (rows, names) = read_table(
            &mut tx,
            "integrantes",
            &[
                &["id_distribuidor", "distribuidor_id"],
                &["telegram_user_id", "id_telegram", "user_id", "id_integrante"],
                &["nombre_integrante", "nombre", "first_name", "nombre_completo"],
                &["rol_telegram", "rol"],
            ],
            &[],
        )
        .await?;
        if names[0].is_some() && names[1].is_some() {
            recognised.push(describe("integrantes", &names));
            members = rows
                .into_iter()
                .filter_map(|mut r| {
                    Some(OldMember {
                        distributor: r[0].take()?,
                        user_id: parse_integer(r[1].as_deref()?)?,
                        name: r[2].take(),
                        role: r[3].as_deref().and_then(parse_member_role),
                    })
                })
                .collect();
        }
    }

    let (rows, _) = read_table(
        &mut tx,
        "exhibiciones",
        &[
            &["uuid"],
            &["id_distribuidor"],
            &["id_grupo"],
            &["id_integrante"],
            &["numero_cliente_local"],
            &["comentarios_telegram"],
            &["url_foto_drive"],
            &["estado"],
            &["supervisor_nombre"],
            &["comentarios"],
            &["telegram_msg_id"],
            &["telegram_chat_id"],
            &["synced_telegram"],
            &["timestamp_subida"],
            &["timestamp_evaluacion"],
        ],
        &[0, 1, 2, 3, 4, 7, 13],
    )
    .await?;
    let exhibitions = rows
        .into_iter()
        .map(|mut r| OldExhibition {
            uuid: r[0].take(),
            distributor: r[1].take(),
            chat_id: r[2].take(),
            vendor: r[3].take(),
            customer: r[4].take(),
            pdv_type: r[5].take(),
            photos: r[6].take(),
            estado: r[7].take(),
            supervisor: r[8].take(),
            comment: r[9].take(),
            message_id: r[10].take(),
            message_chat_id: r[11].take(),
            synced: r[12].take(),
            submitted: r[13].take(),
            evaluated: r[14].take(),
        })
        .collect();
    tx.commit().await?;
    conn.close().await?;
    Ok(OldData {
        distributors,
        groups,
        members,
        exhibitions,
        recognised,
    })
}

/// "grupos: id_distribuidor, telegram_chat_id, nombre_grupo": the columns a guessed table was read from.
fn describe(table: &str, names: &[Option<String>]) -> String {
    let found: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
    format!("{table}: {}", found.join(", "))
}

// ---------------------------------------------------------------- writing --

/// The ids one distributor's rows map to here.
#[derive(Default)]
struct Maps {
    groups: HashMap<ChatId, GroupId>,
    members: HashMap<TelegramUserId, MemberId>,
    pdv_types: HashMap<String, PdvTypeId>,
    users: HashMap<String, PortalUserId>,
}

/// An old exhibition read and checked, ready to insert.
struct Checked {
    key: String,
    id: Option<Uuid>,
    chat_id: ChatId,
    vendor: TelegramUserId,
    customer: String,
    pdv_type: String,
    photos: Vec<String>,
    status: ExhibitionStatus,
    supervisor: Option<String>,
    comment: Option<String>,
    confirmation: Option<(ChatId, i64)>,
    synced: bool,
    submitted_at: DateTime<Utc>,
    evaluated_at: Option<DateTime<Utc>>,
}

fn check(row: &OldExhibition, zone: Tz) -> std::result::Result<Checked, RowProblem> {
    let uuid = row.uuid.clone().ok_or(RowProblem::Missing("uuid"))?;
    let integer = |value: &Option<String>, field: &'static str| -> std::result::Result<i64, RowProblem> {
        let raw = value.as_deref().ok_or(RowProblem::Missing(field))?;
        parse_integer(raw).ok_or_else(|| RowProblem::Unreadable {
            field,
            value: raw.chars().take(40).collect(),
        })
    };
    let chat_id = integer(&row.chat_id, "id_grupo")?;
    let vendor = integer(&row.vendor, "id_integrante")?;
    let raw_customer = row
        .customer
        .as_deref()
        .ok_or(RowProblem::Missing("numero_cliente_local"))?;
    // Digits as the bot now asks; anything else the old system accepted is kept as typed.
    let customer =
        CustomerNumber::parse(raw_customer).map_or_else(|_| raw_customer.to_string(), |c| c.as_str().to_string());
    let status = parse_status(row.estado.as_deref().unwrap_or_default())?;
    let submitted_at = parse_time(row.submitted.as_deref().unwrap_or_default(), zone, "timestamp_subida")?;
    let evaluated_at = match status {
        ExhibitionStatus::Pending => None,
        _ => row
            .evaluated
            .as_deref()
            .and_then(|t| parse_time(t, zone, "timestamp_evaluacion").ok()),
    };
    let message = row.message_id.as_deref().and_then(parse_integer);
    let message_chat = row
        .message_chat_id
        .as_deref()
        .and_then(parse_integer)
        .unwrap_or(chat_id);
    Ok(Checked {
        id: Uuid::parse_str(&uuid).ok(),
        key: format!("legacy:{uuid}"),
        chat_id,
        vendor,
        customer,
        pdv_type: row.pdv_type.clone().unwrap_or_else(|| NO_PDV_TYPE.to_string()),
        photos: row.photos.as_deref().map(photo_links).unwrap_or_default(),
        status,
        supervisor: row.supervisor.clone().filter(|_| status != ExhibitionStatus::Pending),
        comment: row.comment.clone(),
        confirmation: message.map(|m| (message_chat, m)),
        synced: row.synced.as_deref().and_then(parse_integer).is_some_and(|s| s != 0),
        submitted_at,
        evaluated_at,
    })
}

impl Db {
    /// Import the old system's database at `source` (see the module
    /// documentation). Errors before anything is written when `source` is
    /// not an old CenterMind database; a row that cannot be read is skipped
    /// and reported in [`LegacyImport::skipped`].
    pub async fn import_legacy(&self, source: &Path, options: &LegacyImportOptions) -> Result<LegacyImport> {
        let old = read_old(source).await?;
        let mut report = LegacyImport {
            recognised: old.recognised,
            ..LegacyImport::default()
        };
        let known: std::collections::HashSet<String> = old.distributors.iter().map(|d| d.key.clone()).collect();
        // Exhibitions by old distributor, in the old table's order.
        let mut by_distributor: BTreeMap<String, Vec<Checked>> = BTreeMap::new();
        for row in &old.exhibitions {
            let key = row.uuid.clone().unwrap_or_else(|| "(sin uuid)".into());
            let outcome = match row.distributor.as_deref() {
                None => Err(RowProblem::Missing("id_distribuidor")),
                Some(d) if !known.contains(d) => Err(RowProblem::UnknownDistributor(d.to_string())),
                Some(_) => check(row, options.time_zone),
            };
            match outcome {
                Ok(checked) => by_distributor
                    .entry(row.distributor.clone().unwrap_or_default())
                    .or_default()
                    .push(checked),
                Err(problem) => report.skipped.push(SkippedRow {
                    table: "exhibiciones",
                    key,
                    problem: problem.to_string(),
                }),
            }
        }
        for old_distributor in &old.distributors {
            let Some(name) = old_distributor.name.as_deref() else {
                report.skipped.push(SkippedRow {
                    table: "distribuidores",
                    key: old_distributor.key.clone(),
                    problem: RowProblem::Missing("nombre_empresa").to_string(),
                });
                continue;
            };
            let rows = by_distributor.remove(&old_distributor.key).unwrap_or_default();
            let groups: Vec<&OldGroup> = old
                .groups
                .iter()
                .filter(|g| g.distributor == old_distributor.key)
                .collect();
            let members: Vec<&OldMember> = old
                .members
                .iter()
                .filter(|m| m.distributor == old_distributor.key)
                .collect();
            let imported = self
                .import_distributor(old_distributor, name, &groups, &members, &rows, options)
                .await?;
            report.distributors.push(imported);
        }
        Ok(report)
    }

    /// What [`Db::import_legacy`] would do, without changing this database:
    /// the import runs on a consistent copy of it (`VACUUM INTO`, next to
    /// it), which is deleted afterwards. Needs a file database.
    pub async fn preview_legacy_import(&self, source: &Path, options: &LegacyImportOptions) -> Result<LegacyImport> {
        let copy = match self.path() {
            Some(path) => super::next_to(path, &format!(".import-preview-{}", Uuid::now_v7().simple())),
            None => {
                return Err(Error::invalid(
                    "database",
                    "la prueba necesita una base de datos en un archivo",
                ));
            }
        };
        let outcome = self.import_into_copy(&copy, source, options).await;
        for suffix in ["", "-wal", "-shm", ".migrate.lock"] {
            let _ = std::fs::remove_file(super::next_to(&copy, suffix));
        }
        outcome
    }

    async fn import_into_copy(
        &self,
        copy: &Path,
        source: &Path,
        options: &LegacyImportOptions,
    ) -> Result<LegacyImport> {
        self.backup_to(copy).await?;
        let url = format!("sqlite://{}", copy.display());
        let scratch = Db::open(&url).await?;
        let report = scratch.import_legacy(source, options).await;
        scratch.close().await;
        report
    }

    async fn import_distributor(
        &self,
        old: &OldDistributor,
        name: &str,
        groups: &[&OldGroup],
        members: &[&OldMember],
        rows: &[Checked],
        options: &LegacyImportOptions,
    ) -> Result<ImportedDistributor> {
        let name = super::distributors::clean_name(name)?;
        // Hash the placeholder passwords before taking the write lock (Argon2 is slow on purpose).
        let mut wanted_users: Vec<String> = Vec::new();
        for row in rows {
            if let Some(s) = &row.supervisor
                && !wanted_users.iter().any(|w| fold(w) == fold(s))
            {
                wanted_users.push(s.clone());
            }
        }
        let mut hashes = Vec::with_capacity(wanted_users.len());
        for _ in &wanted_users {
            let secret: Secret<String> = new_session_token();
            let hash = tokio::task::spawn_blocking(move || hash_password(&secret))
                .await
                .map_err(|e| Error::PasswordHash(e.to_string()))??;
            hashes.push(hash);
        }

        let at = now();
        let mut tx = self.begin_write().await?;
        let existing: Option<(DistributorId, String, Option<String>)> =
            sqlx::query_as("SELECT id, name, bot_token FROM distributors WHERE name = ? COLLATE NOCASE")
                .bind(&name)
                .fetch_optional(&mut *tx)
                .await?;
        let token = old.token.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let token_outcome = match (token, &existing) {
            (None, _) => TokenOutcome::None,
            (Some(_), _) if !options.bot_tokens => TokenOutcome::NotCarried,
            (Some(t), _) if !super::distributors::looks_like_token(t) => TokenOutcome::Invalid,
            (Some(_), Some((_, _, Some(_)))) => TokenOutcome::KeptExisting,
            (Some(_), _) => TokenOutcome::Imported,
        };
        let token_to_set =
            (token_outcome == TokenOutcome::Imported).then(|| Secret::new(token.unwrap_or_default().to_string()));
        let admin = old.admin_telegram_id.as_deref().and_then(parse_integer);
        let (id, name, created) = match existing {
            Some((id, here, _)) => {
                if let Some(t) = &token_to_set {
                    sqlx::query("UPDATE distributors SET bot_token = ?, updated_at = ? WHERE id = ?")
                        .bind(t.expose())
                        .bind(at)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                (id, here, false)
            }
            None => {
                let id = super::distributors::insert_distributor(
                    &mut tx,
                    &name,
                    options.time_zone.name(),
                    token_to_set.as_ref(),
                    admin,
                )
                .await?;
                sqlx::query("UPDATE distributors SET status = ?, drive_folder_id = ? WHERE id = ?")
                    .bind(if distributor_active(old.estado.as_deref()) {
                        "active"
                    } else {
                        "inactive"
                    })
                    .bind(old.drive_folder.as_deref())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                (id, name, true)
            }
        };
        let mut out = ImportedDistributor {
            legacy_id: old.key.clone(),
            id,
            name,
            created,
            bot_token: token_outcome,
            groups_created: 0,
            members_created: 0,
            pdv_types_created: Vec::new(),
            users_created: Vec::new(),
            exhibitions_imported: 0,
            exhibitions_already_imported: 0,
            verdicts_updated: 0,
            verdicts_kept: 0,
            pending: 0,
            approved: 0,
            rejected: 0,
            highlighted: 0,
            photos_queued: 0,
            photos_not_in_drive: 0,
            edits_queued: 0,
            evaluation_times_assumed: 0,
        };
        let mut maps = Maps::default();

        // Groups: the old table's titles where there is one, then every chat an exhibition came from.
        let mut chats: Vec<(ChatId, Option<&str>)> = groups.iter().map(|g| (g.chat_id, g.title.as_deref())).collect();
        chats.extend(rows.iter().map(|r| (r.chat_id, None)));
        for (chat, title) in chats {
            if maps.groups.contains_key(&chat) {
                continue;
            }
            let found: Option<GroupId> =
                sqlx::query_scalar("SELECT id FROM telegram_groups WHERE distributor_id = ? AND chat_id = ?")
                    .bind(id)
                    .bind(chat)
                    .fetch_optional(&mut *tx)
                    .await?;
            let group = match found {
                Some(g) => g,
                None => {
                    out.groups_created += 1;
                    sqlx::query_scalar(
                        "INSERT INTO telegram_groups (distributor_id, chat_id, title, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                    )
                    .bind(id)
                    .bind(chat)
                    .bind(title.map_or_else(|| format!("Grupo {chat}"), str::to_string))
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            maps.groups.insert(chat, group);
        }

        // Members: the old table's names and roles for new ones; members known here keep theirs.
        let mut people: Vec<(TelegramUserId, Option<&str>, Option<MemberRole>)> =
            members.iter().map(|m| (m.user_id, m.name.as_deref(), m.role)).collect();
        people.extend(rows.iter().map(|r| (r.vendor, None, None)));
        for (user, person, role) in people {
            if maps.members.contains_key(&user) {
                continue;
            }
            let found: Option<MemberId> =
                sqlx::query_scalar("SELECT id FROM members WHERE distributor_id = ? AND telegram_user_id = ?")
                    .bind(id)
                    .bind(user)
                    .fetch_optional(&mut *tx)
                    .await?;
            let member = match found {
                Some(m) => m,
                None => {
                    out.members_created += 1;
                    // Without a name, the Telegram id; the bot puts their real name on their next message.
                    sqlx::query_scalar(
                        "INSERT INTO members (distributor_id, telegram_user_id, first_name, role, created_at, updated_at) \
                         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                    )
                    .bind(id)
                    .bind(user)
                    .bind(person.map_or_else(|| user.to_string(), str::to_string))
                    .bind(role.unwrap_or(MemberRole::Vendor))
                    .bind(at)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            maps.members.insert(user, member);
        }

        // PDV types, compared without case or accents.
        let types: Vec<(PdvTypeId, String)> = sqlx::query_as("SELECT id, name FROM pdv_types WHERE distributor_id = ?")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        maps.pdv_types = types.into_iter().map(|(t, n)| (fold(&n), t)).collect();
        for row in rows {
            let name: String = row.pdv_type.trim().chars().take(60).collect();
            if maps.pdv_types.contains_key(&fold(&name)) {
                continue;
            }
            let t: PdvTypeId = sqlx::query_scalar(
                "INSERT INTO pdv_types (distributor_id, name, position, active) \
                 VALUES (?1, ?2, (SELECT coalesce(max(position), -1) + 1 FROM pdv_types WHERE distributor_id = ?1), 0) \
                 RETURNING id",
            )
            .bind(id)
            .bind(&name)
            .fetch_one(&mut *tx)
            .await?;
            maps.pdv_types.insert(fold(&name), t);
            out.pdv_types_created.push(name);
        }

        // Evaluators: a user of this distributor with that name, else a new inactive one.
        for (person, hash) in wanted_users.iter().zip(hashes) {
            let found: Option<PortalUserId> = sqlx::query_scalar(
                "SELECT id FROM portal_users WHERE distributor_id = ?1 \
                   AND (display_name = ?2 COLLATE NOCASE OR username = ?2 COLLATE NOCASE) ORDER BY id LIMIT 1",
            )
            .bind(id)
            .bind(person)
            .fetch_optional(&mut *tx)
            .await?;
            let user = match found {
                Some(u) => u,
                None => {
                    let username = free_username(&mut tx, &username_from_name(person), id).await?;
                    let u: PortalUserId = sqlx::query_scalar(
                        "INSERT INTO portal_users (username, display_name, password_hash, role, distributor_id, active, \
                           created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
                    )
                    .bind(&username)
                    .bind(person.chars().take(120).collect::<String>())
                    .bind(hash)
                    .bind(PortalRole::Supervisor)
                    .bind(id)
                    .bind(at)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    out.users_created.push(username);
                    u
                }
            };
            maps.users.insert(fold(person), user);
        }
        tx.commit().await?;

        for chunk in rows.chunks(CHUNK) {
            let mut tx = self.begin_write().await?;
            for row in chunk {
                insert_exhibition(&mut tx, id, row, &maps, &mut out).await?;
            }
            tx.commit().await?;
        }
        Ok(out)
    }
}

/// `base`, or `base.<distributor>`, or `base.<distributor>.2`…: usernames are unique across distributors.
async fn free_username(conn: &mut SqliteConnection, base: &str, distributor: DistributorId) -> Result<String> {
    let mut candidates = vec![base.to_string(), format!("{base}.{distributor}")];
    candidates.extend((2..100).map(|n| format!("{base}.{distributor}.{n}")));
    for candidate in candidates {
        let taken: i64 = sqlx::query_scalar("SELECT count(*) FROM portal_users WHERE username = ? COLLATE NOCASE")
            .bind(&candidate)
            .fetch_one(&mut *conn)
            .await?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
    Err(Error::AlreadyExists {
        entity: "user",
        detail: base.to_string(),
    })
}

/// The verdict an old row carries, as stored here.
struct OldVerdict {
    evaluator: Option<PortalUserId>,
    evaluated_at: Option<DateTime<Utc>>,
}

impl OldVerdict {
    /// A verdict without a readable evaluation time gets the submission time (counted in the report).
    fn of(row: &Checked, maps: &Maps, out: &mut ImportedDistributor) -> Self {
        let evaluated_at = match row.status {
            ExhibitionStatus::Pending => None,
            _ => Some(row.evaluated_at.unwrap_or_else(|| {
                out.evaluation_times_assumed += 1;
                row.submitted_at
            })),
        };
        let evaluator = row
            .supervisor
            .as_deref()
            .and_then(|s| maps.users.get(&fold(s)).copied());
        Self {
            evaluator,
            evaluated_at,
        }
    }
}

/// Where the Telegram copy of an old verdict stands: edited by the old bot
/// (`synced`), to be edited by ours, or nothing to edit.
fn old_sync_state(status: ExhibitionStatus, confirmation: bool, synced: bool) -> SyncState {
    match (status, confirmation, synced) {
        (ExhibitionStatus::Pending, _, _) | (_, false, _) => SyncState::Idle,
        (_, true, true) => SyncState::Synced,
        (_, true, false) => SyncState::Pending,
    }
}

/// The history entry of a verdict carried over from the old system, marked
/// `imported` so that later runs tell it from verdicts given here.
async fn record_imported_verdict(
    conn: &mut SqliteConnection,
    id: &str,
    distributor: DistributorId,
    from: ExhibitionStatus,
    row: &Checked,
    verdict: &OldVerdict,
    evaluated_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO evaluation_events (exhibition_id, distributor_id, actor_id, from_status, to_status, comment, \
           created_at, imported) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
    )
    .bind(id)
    .bind(distributor)
    .bind(verdict.evaluator)
    .bind(from)
    .bind(row.status)
    .bind(&row.comment)
    .bind(evaluated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Queues the Telegram edit of an imported verdict the old bot had not made.
async fn queue_edit(
    conn: &mut SqliteConnection,
    distributor: DistributorId,
    id: &str,
    at: DateTime<Utc>,
    out: &mut ImportedDistributor,
) -> Result<()> {
    let task = NewTask {
        kind: kinds::EDIT_CONFIRMATION.to_string(),
        distributor_id: Some(distributor),
        payload: serde_json::json!({ "exhibition_id": id }),
        dedupe_key: Some(format!("edit:{id}")),
        max_attempts: 20,
    };
    enqueue_in(conn, &task, at).await?;
    out.edits_queued += 1;
    Ok(())
}

/// An exhibition an earlier run imported, as it stands here.
#[derive(sqlx::FromRow)]
struct Existing {
    id: String,
    status: ExhibitionStatus,
    confirmation_message_id: Option<i64>,
}

/// Brings the old system's verdict to an exhibition an earlier run imported,
/// if the old system gave or changed it since and nobody evaluated it here.
async fn refresh_verdict(
    conn: &mut SqliteConnection,
    distributor: DistributorId,
    existing: Existing,
    row: &Checked,
    maps: &Maps,
    out: &mut ImportedDistributor,
) -> Result<()> {
    out.exhibitions_already_imported += 1;
    if row.status == ExhibitionStatus::Pending {
        return Ok(());
    }
    let events: Vec<(ExhibitionStatus, Option<String>, bool)> = sqlx::query_as(
        "SELECT to_status, comment, imported FROM evaluation_events WHERE exhibition_id = ? ORDER BY id",
    )
    .bind(&existing.id)
    .fetch_all(&mut *conn)
    .await?;
    // What the old system said when last read: the newest imported verdict.
    // Rows imported before verdicts were marked have only unmarked events; their
    // first one is the safest guess, and they count as evaluated here, so they
    // are never overwritten.
    let last_read = events
        .iter()
        .rev()
        .find(|(_, _, imported)| *imported)
        .or(events.first())
        .map_or((ExhibitionStatus::Pending, None), |(status, comment, _)| {
            (*status, comment.as_deref())
        });
    if last_read == (row.status, row.comment.as_deref()) {
        return Ok(());
    }
    if events.iter().any(|(_, _, imported)| !imported) {
        // Evaluated here: it stays; the report counts it if the two systems now disagree.
        if row.status != existing.status {
            out.verdicts_kept += 1;
        }
        return Ok(());
    }
    let verdict = OldVerdict::of(row, maps, out);
    let evaluated_at = verdict.evaluated_at.unwrap_or(row.submitted_at);
    let sync = old_sync_state(row.status, existing.confirmation_message_id.is_some(), row.synced);
    let at = now();
    let changed = sqlx::query(
        "UPDATE exhibitions SET status = ?, evaluator_id = ?, comment = ?, rejection_reason = NULL, evaluated_at = ?, \
           sync_state = ?, updated_at = ? WHERE id = ? AND status = ?",
    )
    .bind(row.status)
    .bind(verdict.evaluator)
    .bind(&row.comment)
    .bind(evaluated_at)
    .bind(sync)
    .bind(at)
    .bind(&existing.id)
    .bind(existing.status)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(());
    }
    record_imported_verdict(
        conn,
        &existing.id,
        distributor,
        existing.status,
        row,
        &verdict,
        evaluated_at,
    )
    .await?;
    if sync == SyncState::Pending {
        queue_edit(conn, distributor, &existing.id, at, out).await?;
    }
    out.verdicts_updated += 1;
    Ok(())
}

async fn insert_exhibition(
    conn: &mut SqliteConnection,
    distributor: DistributorId,
    row: &Checked,
    maps: &Maps,
    out: &mut ImportedDistributor,
) -> Result<()> {
    let existing: Option<Existing> = sqlx::query_as(
        "SELECT id, status, confirmation_message_id FROM exhibitions WHERE distributor_id = ? AND idempotency_key = ?",
    )
    .bind(distributor)
    .bind(&row.key)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(existing) = existing {
        return refresh_verdict(conn, distributor, existing, row, maps, out).await;
    }
    // The old uuid where it is one and free; a new one otherwise.
    let id = match row.id {
        Some(old) => {
            let taken: i64 = sqlx::query_scalar("SELECT count(*) FROM exhibitions WHERE id = ?")
                .bind(old.hyphenated())
                .fetch_one(&mut *conn)
                .await?;
            if taken == 0 { old } else { Uuid::now_v7() }
        }
        None => Uuid::now_v7(),
    };
    let group = maps.groups[&row.chat_id];
    let vendor = maps.members[&row.vendor];
    let pdv_type = maps.pdv_types[&fold(&row.pdv_type.trim().chars().take(60).collect::<String>())];
    let verdict = OldVerdict::of(row, maps, out);
    let sync = old_sync_state(row.status, row.confirmation.is_some(), row.synced);
    let at = now();
    sqlx::query(
        "INSERT INTO exhibitions (id, distributor_id, group_id, vendor_id, customer_number, pdv_type_id, status, \
           evaluator_id, comment, submitted_at, evaluated_at, confirmation_chat_id, confirmation_message_id, sync_state, \
           idempotency_key, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.hyphenated())
    .bind(distributor)
    .bind(group)
    .bind(vendor)
    .bind(&row.customer)
    .bind(pdv_type)
    .bind(row.status)
    .bind(verdict.evaluator)
    .bind(&row.comment)
    .bind(row.submitted_at)
    .bind(verdict.evaluated_at)
    .bind(row.confirmation.map(|(chat, _)| chat))
    .bind(row.confirmation.map(|(_, message)| message))
    .bind(sync)
    .bind(&row.key)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    let id_text = id.hyphenated().to_string();
    if let Some(evaluated_at) = verdict.evaluated_at {
        // The history starts with the old verdict, as if given here.
        record_imported_verdict(
            conn,
            &id_text,
            distributor,
            ExhibitionStatus::Pending,
            row,
            &verdict,
            evaluated_at,
        )
        .await?;
    }
    if sync == SyncState::Pending {
        queue_edit(conn, distributor, &id_text, at, out).await?;
    }
    for (position, link) in row.photos.iter().enumerate() {
        let drive = drive_file_id(link);
        sqlx::query(
            "INSERT INTO exhibition_photos (exhibition_id, distributor_id, position, storage_link, drive_file_id, \
               upload_state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.hyphenated())
        .bind(distributor)
        .bind(position as i64)
        .bind(link)
        .bind(&drive)
        .bind(if drive.is_some() { "pending" } else { "failed" })
        .bind(at)
        .execute(&mut *conn)
        .await?;
        if drive.is_some() {
            let task = NewTask {
                kind: kinds::IMPORT_PHOTO.to_string(),
                distributor_id: Some(distributor),
                payload: serde_json::json!({ "exhibition_id": id, "position": position }),
                dedupe_key: Some(format!("photo:{id}:{position}")),
                max_attempts: 12,
            };
            enqueue_in(conn, &task, at).await?;
            out.photos_queued += 1;
        } else {
            out.photos_not_in_drive += 1;
        }
    }
    out.exhibitions_imported += 1;
    match row.status {
        ExhibitionStatus::Pending => out.pending += 1,
        ExhibitionStatus::Approved => out.approved += 1,
        ExhibitionStatus::Rejected => out.rejected += 1,
        ExhibitionStatus::Highlighted => out.highlighted += 1,
    }
    Ok(())
}
