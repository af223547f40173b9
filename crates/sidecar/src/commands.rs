//! Administration commands: thin adapters from the CLI to `centermind-core`.

use anyhow::{Context, bail};
use centermind_core::config::Config;
use centermind_core::domain::DistributorId;
use centermind_core::domain::audit::{self, AuditAction, AuditActor, FieldChange};
use centermind_core::domain::hibernation::{format_hhmm, parse_hhmm};
use centermind_core::store::{
    AuditQuery, Db, DistributorUpdate, JobRun, JobUpdate, NewAuditEvent, NewDistributor, NewGroup, NewPortalUser,
    PhotoStorage, RunOutcome, TaskState, now,
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::cli::{
    ActivityArgs, DistributorCommand, DistributorSetArgs, GroupCommand, JobCommand, MemberCommand, PdvTypeCommand,
    PhotoStorageArg, TaskCommand, TaskStateArg, UserCommand,
};
use crate::jobs::{JobRunner, run_now};
use crate::prompt::{read_secret, token_from_env};
use crate::table::render;
use crate::texts::{date_time, date_time_seconds, duration};

/// Writes down in the administration history ("Actividad") what was just done
/// at the console. The change is already saved: a failure here is a warning.
pub(crate) async fn record(
    db: &Db,
    distributor_id: Option<DistributorId>,
    action: AuditAction,
    subject: impl Into<String>,
    changes: Vec<FieldChange>,
) {
    let event = NewAuditEvent {
        distributor_id,
        actor: AuditActor::Console,
        action,
        subject: subject.into(),
        changes,
    };
    if action.is_update() && event.changes.is_empty() {
        return;
    }
    if let Err(e) = db.record_audit(&event, now()).await {
        eprintln!("aviso: el cambio quedó hecho, pero no se pudo anotar en la actividad: {e}");
    }
}

pub async fn distributor(db: &Db, cmd: DistributorCommand) -> anyhow::Result<()> {
    match cmd {
        DistributorCommand::Add {
            name,
            time_zone,
            admin_telegram_id,
            token_stdin,
        } => {
            let bot_token = if token_stdin {
                Some(read_secret("Token del bot: ")?)
            } else {
                token_from_env()
            };
            let d = db
                .create_distributor(NewDistributor {
                    name,
                    time_zone,
                    bot_token,
                    admin_telegram_id,
                })
                .await?;
            let fields = audit::created(&d, audit::BOOKKEEPING);
            record(db, Some(d.id), AuditAction::DistributorCreated, &d.name, fields).await;
            println!(
                "Distribuidora {} creada: {} ({}), token del bot {}",
                d.id,
                d.name,
                d.time_zone,
                token_word(d.has_bot_token)
            );
        }
        DistributorCommand::List { json } => {
            let list = db.list_distributors().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            let mut rows = Vec::new();
            for d in &list {
                let counts = db.status_counts(d.id).await?;
                let total: i64 = counts.iter().map(|(_, n)| n).sum();
                let pending = counts
                    .iter()
                    .find(|(s, _)| s.as_str() == "pending")
                    .map_or(0, |(_, n)| *n);
                let groups = db.list_groups(Some(d.id)).await?.len();
                let members = db.list_members(d.id).await?.len();
                rows.push(vec![
                    d.id.to_string(),
                    d.name.clone(),
                    if d.active { "activa" } else { "inactiva" }.into(),
                    d.time_zone.to_string(),
                    token_word(d.has_bot_token).into(),
                    if d.hibernation.enabled {
                        format!(
                            "{}-{}",
                            format_hhmm(d.hibernation.start),
                            format_hhmm(d.hibernation.end)
                        )
                    } else {
                        "no".into()
                    },
                    groups.to_string(),
                    members.to_string(),
                    total.to_string(),
                    pending.to_string(),
                ]);
            }
            println!(
                "{}",
                render(
                    &[
                        "ID",
                        "NOMBRE",
                        "ESTADO",
                        "ZONA HORARIA",
                        "TOKEN DEL BOT",
                        "DESCANSO",
                        "GRUPOS",
                        "MIEMBROS",
                        "EXHIBICIONES",
                        "PENDIENTES"
                    ],
                    &rows
                )
            );
            if list.is_empty() {
                println!(
                    "(todavía no hay distribuidoras: `centermind-sidecar demo` crea una demo, `distributor add` una real)"
                );
            }
        }
        DistributorCommand::Set(args) => {
            let id = args.id;
            let update = distributor_update(args)?;
            let before = db.distributor(id).await?;
            let new_token = matches!(update.bot_token, Some(Some(_)));
            let d = db.update_distributor(id, update).await?;
            let changes = before.audit_changes(&d, new_token);
            record(db, Some(id), AuditAction::DistributorUpdated, &d.name, changes).await;
            println!(
                "Distribuidora {} actualizada: {} ({}), token del bot {}",
                d.id,
                d.name,
                if d.active { "activa" } else { "inactiva" },
                token_word(d.has_bot_token)
            );
        }
    }
    Ok(())
}

fn token_word(set: bool) -> &'static str {
    if set { "configurado" } else { "no configurado" }
}

fn distributor_update(a: DistributorSetArgs) -> anyhow::Result<DistributorUpdate> {
    let bot_token = if a.clear_token {
        Some(None)
    } else if a.token_stdin {
        Some(Some(read_secret("Token del bot: ")?))
    } else if a.token_env {
        Some(Some(token_from_env().context("CENTERMIND_BOT_TOKEN no está definida")?))
    } else {
        None
    };
    let time = |s: Option<String>| s.map(|s| parse_hhmm(&s)).transpose().map_err(anyhow::Error::msg);
    Ok(DistributorUpdate {
        name: a.name,
        active: a.active.map(|v| v.is_on()),
        time_zone: a.time_zone,
        bot_token,
        admin_telegram_id: if a.clear_admin_telegram_id {
            Some(None)
        } else {
            a.admin_telegram_id.map(Some)
        },
        hibernation_enabled: a.hibernation.map(|v| v.is_on()),
        hibernation_start: time(a.hibernation_start)?,
        hibernation_end: time(a.hibernation_end)?,
        points_approved: a.points_approved,
        points_highlighted: a.points_highlighted,
        photo_storage: a.photo_storage.map(|p| match p {
            PhotoStorageArg::Local => PhotoStorage::Local,
            PhotoStorageArg::GoogleDrive => PhotoStorage::GoogleDrive,
        }),
        drive_folder_id: a
            .drive_folder
            .map(|f| Some(f.trim().to_string()).filter(|f| !f.is_empty())),
    })
}

pub async fn group(db: &Db, cmd: GroupCommand) -> anyhow::Result<()> {
    match cmd {
        GroupCommand::Add {
            distributor,
            chat_id,
            title,
        } => {
            let g = db
                .create_group(NewGroup {
                    distributor_id: distributor,
                    chat_id,
                    title,
                })
                .await?;
            let fields = audit::created(&g, audit::BOOKKEEPING);
            record(db, Some(distributor), AuditAction::GroupCreated, &g.title, fields).await;
            println!(
                "Grupo {} registrado: {} (chat {}) de la distribuidora {}",
                g.id, g.title, g.chat_id, g.distributor_id
            );
        }
        GroupCommand::List { distributor } => {
            let rows: Vec<Vec<String>> = db
                .list_groups(distributor)
                .await?
                .into_iter()
                .map(|g| {
                    vec![
                        g.id.to_string(),
                        g.distributor_id.to_string(),
                        g.chat_id.to_string(),
                        g.title,
                        if g.active { "activo" } else { "inactivo" }.into(),
                    ]
                })
                .collect();
            println!(
                "{}",
                render(&["ID", "DISTRIBUIDORA", "CHAT ID", "NOMBRE", "ESTADO"], &rows)
            );
        }
    }
    Ok(())
}

pub async fn member(db: &Db, cmd: MemberCommand) -> anyhow::Result<()> {
    match cmd {
        MemberCommand::List { distributor } => {
            db.distributor(distributor).await?;
            let rows: Vec<Vec<String>> = db
                .list_members(distributor)
                .await?
                .into_iter()
                .map(|m| {
                    vec![
                        m.id.to_string(),
                        m.telegram_user_id.to_string(),
                        m.display_name(),
                        m.username.map(|u| format!("@{u}")).unwrap_or_default(),
                        m.role.as_str().into(),
                        if m.active { "activo" } else { "inactivo" }.into(),
                    ]
                })
                .collect();
            println!(
                "{}",
                render(&["ID", "ID DE TELEGRAM", "NOMBRE", "USUARIO", "ROL", "ESTADO"], &rows)
            );
        }
        MemberCommand::SetRole {
            distributor,
            member,
            role,
        } => {
            let before = db.member(distributor, member).await?;
            let m = db.set_member_role(distributor, member, role).await?;
            let changes = audit::changes(&before, &m, audit::BOOKKEEPING);
            record(
                db,
                Some(distributor),
                AuditAction::MemberUpdated,
                m.display_name(),
                changes,
            )
            .await;
            println!("Miembro {} ({}): ahora es {}", m.id, m.display_name(), m.role.as_str());
        }
    }
    Ok(())
}

pub async fn pdv_type(db: &Db, cmd: PdvTypeCommand) -> anyhow::Result<()> {
    match cmd {
        PdvTypeCommand::Add { distributor, name } => {
            let t = db.create_pdv_type(distributor, &name).await?;
            let fields = audit::created(&t, audit::BOOKKEEPING);
            record(db, Some(distributor), AuditAction::PdvTypeCreated, &t.name, fields).await;
            println!("Tipo de PDV {} agregado: {} (posición {})", t.id, t.name, t.position);
        }
        PdvTypeCommand::List { distributor } => {
            db.distributor(distributor).await?;
            let rows: Vec<Vec<String>> = db
                .list_pdv_types(distributor, false)
                .await?
                .into_iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.position.to_string(),
                        t.name,
                        if t.active { "activo" } else { "inactivo" }.into(),
                    ]
                })
                .collect();
            println!("{}", render(&["ID", "POSICIÓN", "NOMBRE", "ESTADO"], &rows));
        }
    }
    Ok(())
}

pub async fn user(db: &Db, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add {
            username,
            role,
            distributor,
            display_name,
        } => {
            let password = read_secret("Contraseña: ")?;
            let u = db
                .create_portal_user(NewPortalUser {
                    username,
                    display_name,
                    password,
                    role,
                    distributor_id: distributor,
                })
                .await?;
            let fields = audit::created(&u, audit::BOOKKEEPING);
            record(db, u.distributor_id, AuditAction::UserCreated, &u.username, fields).await;
            println!("Usuario {} creado: {} ({})", u.id, u.username, u.role.as_str());
        }
        UserCommand::List { distributor } => {
            let rows: Vec<Vec<String>> = db
                .list_portal_users(distributor)
                .await?
                .into_iter()
                .map(|u| {
                    vec![
                        u.id.to_string(),
                        u.username,
                        u.display_name,
                        u.role.as_str().into(),
                        u.distributor_id
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "(todas)".into()),
                        if u.active { "activo" } else { "inactivo" }.into(),
                        u.last_login_at.map(|t| date_time(&t)).unwrap_or_else(|| "nunca".into()),
                    ]
                })
                .collect();
            println!(
                "{}",
                render(
                    &[
                        "ID",
                        "USUARIO",
                        "NOMBRE",
                        "ROL",
                        "DISTRIBUIDORA",
                        "ESTADO",
                        "ÚLTIMO INGRESO"
                    ],
                    &rows
                )
            );
        }
        UserCommand::SetPassword { username } => {
            let Some(u) = db.portal_user_by_username(&username).await? else {
                bail!("no hay un usuario del portal llamado «{username}»");
            };
            let password = read_secret("Nueva contraseña: ")?;
            db.set_portal_user_password(u.id, password).await?;
            record(
                db,
                u.distributor_id,
                AuditAction::PasswordChanged,
                &u.username,
                Vec::new(),
            )
            .await;
            println!(
                "Se cambió la contraseña de {}; se cerraron sus sesiones abiertas.",
                u.username
            );
        }
    }
    Ok(())
}

pub async fn task(db: &Db, cmd: TaskCommand) -> anyhow::Result<()> {
    match cmd {
        TaskCommand::List {
            state,
            kind,
            distributor,
            limit,
        } => {
            if let Some(d) = distributor {
                db.distributor(d).await?;
            }
            let state = state.map(|s| match s {
                TaskStateArg::Queued => TaskState::Queued,
                TaskStateArg::Running => TaskState::Running,
                TaskStateArg::Done => TaskState::Done,
                TaskStateArg::Dead => TaskState::Dead,
            });
            let rows: Vec<Vec<String>> = db
                .list_tasks(state, kind.as_deref(), distributor, limit)
                .await?
                .into_iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.kind,
                        t.distributor_id.map(|d| d.to_string()).unwrap_or_default(),
                        if t.dismissed {
                            "dead (descartada)".to_string()
                        } else {
                            format!("{:?}", t.state).to_lowercase()
                        },
                        format!("{}/{}", t.attempts, t.max_attempts),
                        date_time_seconds(&t.next_attempt_at),
                        t.last_error.unwrap_or_default().chars().take(80).collect(),
                    ]
                })
                .collect();
            println!(
                "{}",
                render(
                    &[
                        "ID",
                        "TIPO",
                        "DISTRIBUIDORA",
                        "ESTADO",
                        "INTENTOS",
                        "PRÓXIMO INTENTO",
                        "ÚLTIMO ERROR"
                    ],
                    &rows
                )
            );
        }
        TaskCommand::Retry {
            ids,
            all_dead,
            kind,
            distributor,
        } => {
            if ids.is_empty() && !all_dead {
                bail!("indicá los ids de las tareas a reintentar, o usá --all-dead");
            }
            if let Some(d) = distributor {
                db.distributor(d).await?;
            }
            let (requeued, kept) = db.retry_dead_tasks(&ids, kind.as_deref(), distributor, now()).await?;
            if requeued > 0 {
                // One distributor's: its history, where its admins see it. Otherwise
                // across distributors: the service's history.
                let tasks = vec![FieldChange::new("tasks", serde_json::Value::Null, requeued)];
                record(
                    db,
                    distributor,
                    AuditAction::WorkRetried,
                    kind.unwrap_or_default(),
                    tasks,
                )
                .await;
            }
            println!("{requeued} tarea(s) encolada(s) de nuevo");
            if requeued + kept < ids.len() as u64 {
                println!(
                    "las demás no estaban abandonadas, o un administrador las descartó (ver «task list --state dead»)"
                );
            }
            if kept > 0 {
                println!("{kept} quedaron abandonadas: ya hay en cola una tarea más nueva con el mismo fin");
            }
        }
    }
    Ok(())
}

/// `activity`: the administration history, newest first.
pub async fn activity(db: &Db, args: &ActivityArgs) -> anyhow::Result<()> {
    if let Some(d) = args.distributor {
        db.distributor(d).await?;
    }
    let events = db
        .audit_events(&AuditQuery {
            distributor_id: args.distributor,
            limit: args.limit,
            ..Default::default()
        })
        .await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&events)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = events
        .into_iter()
        .map(|e| {
            let changes: Vec<String> = e
                .changes
                .iter()
                .map(|c| format!("{}: {} → {}", c.field, plain(&c.from), plain(&c.to)))
                .collect();
            vec![
                date_time(&e.created_at),
                e.distributor_id
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "(servicio)".into()),
                e.actor_name.unwrap_or_else(|| "(consola)".into()),
                e.action.as_str().into(),
                e.subject,
                one_line(&changes.join("; "), 120),
            ]
        })
        .collect();
    println!(
        "{}",
        render(&["CUÁNDO", "DISTRIBUIDORA", "QUIÉN", "QUÉ", "SOBRE", "CAMBIOS"], &rows)
    );
    if rows.is_empty() {
        println!("(todavía no hay cambios registrados)");
    }
    Ok(())
}

/// A changed value as text: `—` for none, strings without their quotes.
fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A time on the job's wall clock, e.g. `22/11/2026 03:00 -03`.
fn job_time(t: DateTime<Utc>, tz: Tz) -> String {
    date_time(&t.with_timezone(&tz))
}

/// How a run ended, in words (the `--json` output keeps `succeeded`, `failed`, `running`).
fn outcome_word(outcome: RunOutcome) -> &'static str {
    match outcome {
        RunOutcome::Running => "en curso",
        RunOutcome::Succeeded => "terminó bien",
        RunOutcome::Failed => "falló",
    }
}

fn one_line(text: &str, max: usize) -> String {
    let line = text.replace('\n', " ");
    if line.chars().count() <= max {
        line
    } else {
        format!("{}…", line.chars().take(max.saturating_sub(1)).collect::<String>())
    }
}

pub async fn job(db: &Db, config: &Config, cmd: JobCommand) -> anyhow::Result<()> {
    match cmd {
        JobCommand::List { json } => {
            let jobs = db.list_jobs(now()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&jobs)?);
                return Ok(());
            }
            let rows: Vec<Vec<String>> = jobs
                .iter()
                .map(|j| {
                    let next = match (j.run_requested_at, j.next_run_at) {
                        (Some(_), _) => "ya (pedida)".to_string(),
                        (None, Some(next)) => job_time(next, j.time_zone),
                        (None, None) => "-".to_string(),
                    };
                    let (last, outcome, detail) = j.last_run.as_ref().map_or_else(
                        || ("nunca".to_string(), String::new(), String::new()),
                        |r| {
                            (
                                job_time(r.started_at, j.time_zone),
                                outcome_word(r.outcome).to_string(),
                                one_line(r.detail.as_deref().unwrap_or(""), 70),
                            )
                        },
                    );
                    vec![
                        j.id.clone(),
                        if j.active { "sí" } else { "pausada" }.to_string(),
                        j.schedule.to_string(),
                        j.time_zone.name().to_string(),
                        last,
                        outcome,
                        next,
                        detail,
                    ]
                })
                .collect();
            println!(
                "{}",
                render(
                    &[
                        "ID",
                        "ACTIVA",
                        "HORARIO",
                        "ZONA HORARIA",
                        "ÚLTIMA EJECUCIÓN",
                        "RESULTADO",
                        "PRÓXIMA EJECUCIÓN",
                        "DETALLE"
                    ],
                    &rows
                )
            );
        }
        JobCommand::Runs { id, limit, json } => {
            let job = db.job(&id, now()).await?;
            let runs = db.job_runs(&id, limit).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&runs)?);
                return Ok(());
            }
            let rows: Vec<Vec<String>> = runs
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        job_time(r.started_at, job.time_zone),
                        r.finished_at.map(|f| duration(f - r.started_at)).unwrap_or_default(),
                        outcome_word(r.outcome).to_string(),
                        one_line(r.detail.as_deref().unwrap_or(""), 200),
                    ]
                })
                .collect();
            println!(
                "{}",
                render(&["EJECUCIÓN", "INICIO", "DURACIÓN", "RESULTADO", "DETALLE"], &rows)
            );
        }
        JobCommand::Set {
            id,
            schedule,
            time_zone,
            active,
        } => {
            if schedule.is_none() && time_zone.is_none() && active.is_none() {
                bail!("no hay nada que cambiar: indicá --schedule, --time-zone o --active");
            }
            let before = db.job(&id, now()).await?;
            let job = db
                .update_job(
                    &id,
                    JobUpdate {
                        active,
                        schedule,
                        time_zone,
                    },
                    now(),
                )
                .await?;
            let changes = audit::changes_among(&before, &job, audit::JOB_SETTINGS);
            record(db, None, AuditAction::JobUpdated, &job.id, changes).await;
            let next = job.next_run_at.map_or_else(
                || "pausada".to_string(),
                |t| format!("próxima ejecución {}", job_time(t, job.time_zone)),
            );
            println!("Tarea {}: {} en {}, {next}", job.id, job.schedule, job.time_zone.name());
        }
        JobCommand::Run {
            id,
            now: here,
            wait,
            timeout,
        } => {
            if here {
                let runner = JobRunner::new(db.clone(), config)?;
                let Some(run) = run_now(db, &runner, &id).await? else {
                    bail!("la tarea {id} ya está en ejecución (en el servicio o en otro comando); ver `job runs {id}`");
                };
                print_run(&id, &run);
                if run.outcome == RunOutcome::Failed {
                    bail!("la ejecución de {id} falló");
                }
                return Ok(());
            }
            let job = db.request_job_run(&id, now()).await?;
            record(db, None, AuditAction::JobRunRequested, &id, Vec::new()).await;
            let service = db.path().map(crate::instance::holder).transpose()?.flatten();
            let Some(who) = service else {
                println!(
                    "Se pidió una ejecución de {id}, pero no hay un servicio corriendo sobre esta base de datos: \
                     se ejecuta cuando arranque `centermind-sidecar run` (o ejecutala acá con `job run {id} --now`)."
                );
                if wait {
                    bail!("no hay un servicio corriendo al que esperar");
                }
                return Ok(());
            };
            println!("Se pidió una ejecución de {id}; el servicio{who} la empieza en unos segundos.");
            if !wait {
                return Ok(());
            }
            let since = job.run_requested_at.unwrap_or_else(now);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(timeout);
            loop {
                let done = db
                    .job_runs(&id, 10)
                    .await?
                    .into_iter()
                    .find(|r| r.started_at >= since && r.outcome != RunOutcome::Running);
                if let Some(run) = done {
                    print_run(&id, &run);
                    if run.outcome == RunOutcome::Failed {
                        bail!("la ejecución de {id} falló");
                    }
                    return Ok(());
                }
                if std::time::Instant::now() > deadline {
                    bail!("la ejecución de {id} no terminó en {timeout} s (sigue; ver `job runs {id}`)");
                }
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
        }
    }
    Ok(())
}

fn print_run(id: &str, run: &JobRun) {
    let took = run
        .finished_at
        .map(|f| format!(" en {}", duration(f - run.started_at)))
        .unwrap_or_default();
    println!(
        "Ejecución {} de {id}: {}{took}: {}",
        run.id,
        outcome_word(run.outcome),
        run.detail.as_deref().unwrap_or("")
    );
}
