//! `import-legacy`: bring the old Python system's database in, and say what
//! was done in Spanish (or JSON).

use centermind_core::domain::audit::AuditAction;
use centermind_core::domain::time_zone::parse_time_zone;
use centermind_core::store::{Db, ImportedDistributor, LegacyImport, LegacyImportOptions, TokenOutcome};

use crate::cli::ImportLegacyArgs;

pub async fn import(db: &Db, args: &ImportLegacyArgs) -> anyhow::Result<()> {
    let time_zone = parse_time_zone(&args.time_zone).map_err(|why| anyhow::anyhow!("--time-zone: {why}"))?;
    let options = LegacyImportOptions {
        time_zone,
        bot_tokens: !args.without_bot_tokens,
    };
    let report = if args.dry_run {
        db.preview_legacy_import(&args.source, &options).await?
    } else {
        db.import_legacy(&args.source, &options).await?
    };
    if !args.dry_run {
        for d in &report.distributors {
            let figures = d.history_figures();
            crate::commands::record(db, Some(d.id), AuditAction::LegacyImported, &d.name, figures).await;
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", describe(&report, args));
    }
    Ok(())
}

/// `1 grupo`, `2 grupos`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn describe(report: &LegacyImport, args: &ImportLegacyArgs) -> String {
    let mut out = String::new();
    if args.dry_run {
        out.push_str("Prueba (--dry-run): no se guardó nada. Esto es lo que haría la importación:\n");
    } else {
        out.push_str(&format!("Importado de {}:\n", args.source.display()));
    }
    if report.distributors.is_empty() {
        out.push_str("La base vieja no tiene distribuidoras.\n");
    }
    let mut tokens = false;
    let mut photos = 0;
    for d in &report.distributors {
        out.push_str(&distributor(d));
        tokens |= d.bot_token == TokenOutcome::Imported;
        photos += d.photos_queued;
    }
    if !report.skipped.is_empty() {
        out.push_str(&format!(
            "Filas que no se importaron ({}): se pueden corregir en la base vieja y volver a importar.\n",
            report.skipped.len()
        ));
        for s in &report.skipped {
            out.push_str(&format!("  {} {}: {}\n", s.table, s.key, s.problem));
        }
    }
    if !report.recognised.is_empty() {
        out.push_str("Columnas leídas de tablas que el documento del sistema anterior no describe (revisalas):\n");
        for r in &report.recognised {
            out.push_str(&format!("  {r}\n"));
        }
    }
    if tokens {
        out.push_str(
            "Antes de `centermind-sidecar run`, detené el bot viejo: Telegram deja que un solo programa use cada token.\n",
        );
    }
    if photos > 0 {
        out.push_str(
            "Las fotos se traen de Google Drive cuando el servicio corre con las credenciales de [google_drive] \
             (las de la cuenta del sistema anterior); avanzan con `centermind-sidecar task list --kind import_photo`.\n",
        );
    }
    out
}

fn distributor(d: &ImportedDistributor) -> String {
    let mut out = format!(
        "{} (n.º {}, {}): {} ({} pendientes, {} aprobadas, {} rechazadas, {} destacadas)",
        d.name,
        d.id,
        if d.created { "nueva" } else { "ya estaba" },
        count(d.exhibitions_imported, "exhibición", "exhibiciones"),
        d.pending,
        d.approved,
        d.rejected,
        d.highlighted,
    );
    if d.exhibitions_already_imported > 0 {
        out.push_str(&format!("; {} ya importadas antes", d.exhibitions_already_imported));
    }
    out.push_str(".\n");
    if d.verdicts_updated > 0 {
        out.push_str(&format!(
            "  Veredictos traídos del sistema anterior (dados allí desde la importación anterior): {}.\n",
            d.verdicts_updated
        ));
    }
    if d.verdicts_kept > 0 {
        out.push_str(&format!(
            "  Evaluadas aquí y con otro veredicto en el sistema anterior: {} (queda el de CenterMind).\n",
            d.verdicts_kept
        ));
    }
    let bot = match d.bot_token {
        TokenOutcome::Imported => "token importado",
        TokenOutcome::KeptExisting => "ya tenía token aquí; se dejó el suyo",
        TokenOutcome::NotCarried => "token no importado (--without-bot-tokens)",
        TokenOutcome::Invalid => "el token viejo no parece de @BotFather; no se importó",
        TokenOutcome::None => "sin token",
    };
    out.push_str(&format!("  Bot: {bot}.\n"));
    let mut created = vec![
        count(d.groups_created, "grupo", "grupos"),
        count(d.members_created, "miembro", "miembros"),
    ];
    if !d.pdv_types_created.is_empty() {
        created.push(format!(
            "{} (inactivos hasta que un admin los active: {})",
            count(d.pdv_types_created.len() as u64, "tipo de PDV", "tipos de PDV"),
            d.pdv_types_created.join(", ")
        ));
    }
    if !d.users_created.is_empty() {
        created.push(format!(
            "{} para los supervisores que evaluaron (sin contraseña: {})",
            count(d.users_created.len() as u64, "usuario inactivo", "usuarios inactivos"),
            d.users_created.join(", ")
        ));
    }
    out.push_str(&format!("  Creados: {}.\n", created.join(", ")));
    if d.photos_queued + d.photos_not_in_drive > 0 {
        out.push_str(&format!("  Fotos: {} por traer de Google Drive", d.photos_queued));
        if d.photos_not_in_drive > 0 {
            out.push_str(&format!(
                "; {} con un enlace que no es de Drive (quedan solo como enlace)",
                d.photos_not_in_drive
            ));
        }
        out.push_str(".\n");
    }
    if d.edits_queued > 0 {
        out.push_str(&format!(
            "  Telegram: {} que el sistema anterior no había avisado en el grupo; se avisan al correr el servicio.\n",
            count(d.edits_queued, "veredicto", "veredictos")
        ));
    }
    if d.evaluation_times_assumed > 0 {
        out.push_str(&format!(
            "  {} sin hora de evaluación legible: se usó la hora de envío.\n",
            count(d.evaluation_times_assumed, "veredicto", "veredictos")
        ));
    }
    out
}
