//! `centermind-sidecar`: the headless companion process. See `--help`.

mod backup;
mod cli;
mod commands;
mod demo;
mod instance;
mod jobs;
mod legacy;
mod prompt;
mod serve;
mod service;
mod table;
mod texts;
mod usage_errors;

use std::process::ExitCode;

use centermind_core::config::Config;
use centermind_core::store::Db;
use tracing_subscriber::EnvFilter;

use crate::cli::Command;

fn main() -> ExitCode {
    let cli = cli::parse();
    let command = match cli.command {
        // Their own configuration and log: the service's, not this user's.
        Command::Service(command) => return service::main(command),
        command => command,
    };
    // Errors start with "error:", as clap's own do (the desktop app looks for that
    // prefix in what `backup restore` says); what follows is for people, in Spanish.
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(err) => {
            eprintln!("error: {}", texts::core_error(&err));
            return ExitCode::from(2);
        }
    };
    // Logs go to stderr so that listings on stdout stay clean for scripts.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info")))
        // No colour codes in a file (the desktop app's log of its local server, a service's log).
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: no se pudo iniciar el runtime asíncrono: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", texts::error_message(&err));
            if err.downcast_ref::<instance::AlreadyRunning>().is_some() {
                ExitCode::from(instance::ALREADY_RUNNING_EXIT)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

async fn execute(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Config => {
            println!("{}", toml_like(&config));
            return Ok(());
        }
        // Without opening the database first: a restore replaces it.
        Command::Backup(cmd) => return backup::backup(&config, cmd).await,
        _ => {}
    }
    let db = Db::open(&config.database_url()).await?;
    match command {
        Command::Migrate => {
            println!("Base de datos lista en {}", config.database_url());
        }
        Command::Run(args) => {
            let stop = serve::stop_on_signals(args.stop_when_stdin_closes);
            serve::run(db.clone(), &config, stop, |local| {
                // Tests and the desktop app read the address from this line.
                println!("CenterMind sidecar listening on http://{local} (Ctrl+C to stop)");
            })
            .await?;
        }
        Command::Demo(args) => {
            let started = std::time::Instant::now();
            let photo_dir = config.photo_dir();
            let s = demo::run(&db, &photo_dir, args.exhibitions, args.seed).await?;
            println!(
                "Demo lista en {} s: {} distribuidoras, {} vendedores, {} exhibiciones ({} pendientes, {} posibles duplicados), {} fotos en {}",
                texts::decimal(started.elapsed().as_secs_f64(), 1),
                s.distributors,
                s.vendors,
                s.exhibitions,
                s.pending,
                s.duplicates,
                s.photos,
                photo_dir.display()
            );
            println!(
                "Usuarios del portal (contraseña «{}»): superadmin, admin.sur, supervisor.sur, viewer.sur, admin.norte, supervisor.norte, viewer.norte",
                demo::DEMO_PASSWORD
            );
        }
        Command::Distributor(cmd) => commands::distributor(&db, cmd).await?,
        Command::Group(cmd) => commands::group(&db, cmd).await?,
        Command::Member(cmd) => commands::member(&db, cmd).await?,
        Command::PdvType(cmd) => commands::pdv_type(&db, cmd).await?,
        Command::User(cmd) => commands::user(&db, cmd).await?,
        Command::Task(cmd) => commands::task(&db, cmd).await?,
        Command::Job(cmd) => commands::job(&db, &config, cmd).await?,
        Command::ImportLegacy(args) => legacy::import(&db, &args).await?,
        Command::Activity(args) => commands::activity(&db, &args).await?,
        Command::Config | Command::Backup(_) | Command::Service(_) => {}
    }
    db.close().await;
    Ok(())
}

fn toml_like(c: &Config) -> String {
    let drive = match &c.google_drive {
        // The client id is not a secret; the client secret and refresh token are.
        Some(g) => format!(
            "\n\n[google_drive]\nclient_id = {:?}\nclient_secret = \"(configurado)\"\nrefresh_token = \"(configurado)\"\ntoken_url = {:?}\napi_url = {:?}\nupload_url = {:?}",
            g.client_id, g.token_url, g.api_url, g.upload_url
        ),
        None => {
            "\n\n# [google_drive] sin configurar: las distribuidoras guardan las fotos solo en photo_dir".to_string()
        }
    };
    format!(
        "data_dir = {:?}\ndatabase_url = {:?}\nphoto_dir = {:?}\nbackup_dir = {:?}\ntelegram_api_url = {:?}\nlisten_addr = \"{}\"\nlog = {:?}{drive}",
        c.data_dir.display().to_string(),
        c.database_url(),
        c.photo_dir().display().to_string(),
        c.backup_dir().display().to_string(),
        c.telegram_api_url,
        c.listen_addr,
        c.log
    )
}
