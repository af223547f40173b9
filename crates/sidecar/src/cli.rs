//! Command-line interface of `centermind-sidecar`.
//!
//! Command and flag names are a stable interface (scripts, the systemd unit,
//! the desktop app, `./x`): they stay as they are. What people read (the
//! help, the headings clap writes around it) is Spanish; see [`parse`].

use std::path::PathBuf;

use centermind_core::domain::roles::{MemberRole, PortalRole};
use clap::{Arg, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// CenterMind sin pantalla: los bots de Telegram, las tareas programadas y el
/// servicio de red para las aplicaciones de escritorio, más los comandos de
/// administración.
///
/// La configuración sale de los valores por defecto, después de un archivo
/// TOML (--config, CENTERMIND_CONFIG o la carpeta de configuración del
/// usuario) y por último de las variables de entorno CENTERMIND_*. Ver
/// centermind.sample.toml.
#[derive(Debug, Parser)]
#[command(name = "centermind-sidecar", version, propagate_version = true)]
pub struct Cli {
    /// Archivo de configuración (TOML).
    #[arg(long, global = true, env = "CENTERMIND_CONFIG", value_name = "ARCHIVO")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Atender hasta SIGINT/SIGTERM: la API HTTP, los bots de Telegram, la sincronización de veredictos y las tareas programadas.
    Run(RunArgs),
    /// Crear la base de datos si hace falta y aplicar las migraciones pendientes.
    Migrate,
    /// Llenar una base de datos vacía con una demo realista (no hace falta un token de Telegram).
    Demo(DemoArgs),
    /// Administrar las distribuidoras (los clientes del sistema).
    #[command(subcommand)]
    Distributor(DistributorCommand),
    /// Administrar los grupos de Telegram de una distribuidora.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Administrar los miembros de Telegram (vendedores, supervisores, administradores).
    #[command(subcommand)]
    Member(MemberCommand),
    /// Administrar los tipos de PDV (punto de venta) que ofrece el bot.
    #[command(name = "pdv-type", subcommand)]
    PdvType(PdvTypeCommand),
    /// Administrar los usuarios del portal (la aplicación de escritorio).
    #[command(subcommand)]
    User(UserCommand),
    /// Revisar las tareas en segundo plano (guardar fotos, copiarlas a Drive,
    /// editar veredictos en Telegram) y darles otra vuelta a las abandonadas
    /// una vez resuelta la causa.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Las tareas programadas del servicio (copia de seguridad, limpieza,
    /// resumen diario): listarlas con sus ejecuciones, pausarlas, reanudarlas o
    /// cambiarles el horario, o pedir una ejecución ya.
    #[command(subcommand)]
    Job(JobCommand),
    /// Las copias que hizo la tarea `backup` (copias de la base de datos y la
    /// copia de las fotos, en `backup_dir`): listarlas o restaurar una.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// Traer la base de datos del sistema anterior (el bot de Python con
    /// Streamlit, `base_datos/centermind.db`): las distribuidoras con su bot,
    /// los grupos, los vendedores y cada exhibición con su veredicto, quién la
    /// evaluó y cuándo. Se puede repetir: agrega lo que falte y trae los
    /// veredictos dados allí desde entonces a las exhibiciones que nadie evaluó
    /// aquí. La base vieja solo se lee. Las fotos se traen después de Google
    /// Drive.
    #[command(name = "import-legacy")]
    ImportLegacy(ImportLegacyArgs),
    /// El servidor como servicio de Windows: arranca con el equipo, sin que
    /// nadie inicie sesión, y se reinicia si se cae. Su configuración es
    /// `%ProgramData%\CenterMind\centermind.toml` y su registro queda en
    /// `%ProgramData%\CenterMind\logs`. Instalarlo, quitarlo, iniciarlo y
    /// detenerlo piden una consola de administrador. En Linux, la unidad de
    /// systemd de `packaging/systemd` hace lo mismo.
    #[command(subcommand)]
    Service(ServiceCommand),
    /// La actividad de administración, de la más nueva a la más vieja: quién
    /// cambió qué (usuarios, grupos, miembros, tipos de PDV, la distribuidora y
    /// su bot, pantallas TV, tareas programadas, tareas abandonadas), desde la
    /// aplicación o desde esta consola. Nunca muestra contraseñas ni tokens.
    Activity(ActivityArgs),
    /// Mostrar la configuración efectiva (nunca incluye secretos).
    Config,
}

#[derive(Debug, Args)]
pub struct ActivityArgs {
    /// Solo la de esta distribuidora (sin esto: toda, la del servicio incluida).
    #[arg(long, value_name = "ID")]
    pub distributor: Option<i64>,
    /// Cuántas entradas mostrar (hasta 500).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Salida en JSON, para scripts.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Instalar el servicio (inicio automático) con una copia de este programa
    /// y ponerlo en marcha. Crea su configuración si no existe; si existe, la
    /// deja como está. Si ya está instalado, lo actualiza a esta versión: lo
    /// detiene, reemplaza el programa y lo vuelve a poner en marcha.
    Install(ServiceInstallArgs),
    /// Detener el servicio y quitarlo. Los datos, la configuración y el
    /// registro quedan.
    Uninstall,
    /// Poner en marcha el servicio y esperar a que atienda.
    Start,
    /// Detener el servicio (termina lo que está haciendo) y esperar a que pare.
    Stop,
    /// Si está instalado y en marcha, dónde escucha y dónde están sus datos y su registro.
    Status,
    /// Lo usa Windows para iniciar el servicio; en una consola, usá `run`.
    #[command(hide = true)]
    Run {
        /// La carpeta del servicio que eligió `service install`.
        #[arg(long, value_name = "CARPETA")]
        home: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ServiceInstallArgs {
    /// Carpeta de la base de datos, las fotos y las copias, para una
    /// configuración nueva (por defecto `%ProgramData%\CenterMind\data`).
    #[arg(long, value_name = "CARPETA")]
    pub data_dir: Option<PathBuf>,
    /// Dirección en la que atiende, para una configuración nueva (por defecto
    /// 127.0.0.1:8787, solo este equipo; para la red, un proxy con TLS delante).
    #[arg(long, value_name = "DIRECCIÓN")]
    pub listen: Option<std::net::SocketAddr>,
    /// Instalarlo sin ponerlo en marcha.
    #[arg(long)]
    pub no_start: bool,
}

#[derive(Debug, Args)]
pub struct ImportLegacyArgs {
    /// La base de datos del sistema anterior (por ejemplo `base_datos/centermind.db`).
    #[arg(value_name = "ARCHIVO")]
    pub source: PathBuf,
    /// Zona horaria de las horas guardadas sin zona (las que escribía Python).
    /// Usá `UTC` si la base vieja las guardaba con `CURRENT_TIMESTAMP`. Las
    /// distribuidoras nuevas quedan con esta zona.
    #[arg(long, default_value = centermind_core::domain::time_zone::DEFAULT_TIME_ZONE, value_name = "ZONA")]
    pub time_zone: String,
    /// No traer los tokens de los bots (por ejemplo, mientras el bot viejo
    /// siga andando: Telegram deja que un solo programa use cada token).
    #[arg(long)]
    pub without_bot_tokens: bool,
    /// Mostrar qué haría, sin cambiar nada (prueba sobre una copia de la base).
    #[arg(long)]
    pub dry_run: bool,
    /// Salida en JSON, para scripts.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Las copias de la base de datos en backup_dir, de la más nueva a la más
    /// vieja (hacé una ya con `job run backup --now`, o con `--wait` si el
    /// servicio está corriendo).
    List {
        /// Salida en JSON, para scripts.
        #[arg(long)]
        json: bool,
    },
    /// Reemplazar la base de datos por una copia y traer de la copia de las
    /// fotos cada foto que falte. Antes detené el servicio (y la aplicación de
    /// escritorio en modo «este equipo»). La base de datos reemplazada queda al
    /// lado, como `centermind.db.before-restore-<hora>Z`.
    Restore {
        /// `latest` (la más nueva), un nombre de archivo de `backup list` o la
        /// ruta de una copia (por ejemplo, en otro disco).
        #[arg(value_name = "COPIA")]
        backup: String,
        /// No pedir confirmación (hace falta cuando no hay una terminal).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// Listar las tareas programadas: horario, zona horaria, última y próxima ejecución.
    List {
        /// Salida en JSON, para scripts.
        #[arg(long)]
        json: bool,
    },
    /// Las ejecuciones de una tarea programada, de la más nueva a la más vieja.
    Runs {
        /// Id de la tarea (ver `job list`): backup, housekeeping, daily_summary.
        #[arg(value_name = "ID")]
        id: String,
        /// Cuántas ejecuciones mostrar como máximo.
        #[arg(long, default_value_t = 20, value_name = "N")]
        limit: u32,
        /// Salida en JSON, para scripts.
        #[arg(long)]
        json: bool,
    },
    /// Pausar o reanudar una tarea programada, o cambiarle el horario o la zona
    /// horaria. El servicio en marcha lo toma en segundos; la próxima ejecución
    /// se cuenta desde el cambio.
    Set {
        /// Id de la tarea (ver `job list`).
        #[arg(value_name = "ID")]
        id: String,
        /// `every 15m`, `every 2h` (de 1 minuto a 7 días) o `daily 03:00`.
        #[arg(long, value_name = "HORARIO")]
        schedule: Option<String>,
        /// Zona horaria IANA en la que se lee una hora diaria, por ejemplo America/Argentina/Buenos_Aires.
        #[arg(long, value_name = "ZONA")]
        time_zone: Option<String>,
        /// `false` pausa la tarea (`job run` igual la ejecuta), `true` la reanuda.
        #[arg(long, action = clap::ArgAction::Set, value_name = "true|false")]
        active: Option<bool>,
    },
    /// Pedirle al servicio en marcha (`centermind-sidecar run`) que ejecute una
    /// tarea ya; la empieza en segundos. Sin un servicio en marcha, el pedido
    /// espera al próximo arranque, salvo que --now la ejecute acá.
    Run {
        /// Id de la tarea (ver `job list`).
        #[arg(value_name = "ID")]
        id: String,
        /// Ejecutar la tarea en este proceso y esperarla (cuando no hay un
        /// servicio, por ejemplo una copia antes de actualizar). Una tarea nunca
        /// corre dos veces a la vez.
        #[arg(long)]
        now: bool,
        /// Después de pedírsela al servicio, esperar a que la ejecución termine y mostrarla.
        #[arg(long, conflicts_with = "now")]
        wait: bool,
        /// Cuánto espera --wait antes de abandonar (la ejecución sigue).
        #[arg(long, default_value_t = 1800, value_name = "SEGUNDOS", requires = "wait")]
        timeout: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Listar las tareas, de la más nueva a la más vieja.
    List {
        /// Solo las tareas en este estado.
        #[arg(long, value_enum, value_name = "ESTADO")]
        state: Option<TaskStateArg>,
        /// Solo las tareas de este tipo (store_photo, archive_photo, edit_verdict).
        #[arg(long, value_name = "TIPO")]
        kind: Option<String>,
        /// Solo las tareas de esta distribuidora (su id, ver `distributor list`).
        #[arg(long, value_name = "ID")]
        distributor: Option<i64>,
        /// Cuántas tareas mostrar como máximo.
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: i64,
    },
    /// Volver a encolar tareas abandonadas (dead) con una tanda nueva de intentos, para ya.
    Retry {
        /// Ids de las tareas (ver `task list --state dead`).
        #[arg(value_name = "ID")]
        ids: Vec<i64>,
        /// Todas las tareas abandonadas (las de --kind, si se indica) en vez de ids.
        #[arg(long, conflicts_with = "ids")]
        all_dead: bool,
        /// Solo las tareas de este tipo.
        #[arg(long, value_name = "TIPO")]
        kind: Option<String>,
        /// Solo las tareas de esta distribuidora; el reintento queda en su actividad,
        /// a la vista de sus administradores.
        #[arg(long, value_name = "ID")]
        distributor: Option<i64>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TaskStateArg {
    Queued,
    Running,
    Done,
    Dead,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Detenerse, como con Ctrl+C, cuando se cierra la entrada estándar. Así lo
    /// inicia la app de escritorio en "este equipo": al cerrarse la app (o si se
    /// cae) el servicio termina ordenadamente en vez de quedar huérfano.
    #[arg(long)]
    pub stop_when_stdin_closes: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Cantidad de exhibiciones a generar.
    #[arg(long, default_value_t = 2000, value_name = "N")]
    pub exhibitions: usize,
    /// Semilla del generador al azar (misma semilla, misma demo).
    #[arg(long, default_value_t = 2026, value_name = "N")]
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

impl OnOff {
    pub fn is_on(self) -> bool {
        matches!(self, Self::On)
    }
}

#[derive(Debug, Subcommand)]
pub enum DistributorCommand {
    /// Agregar una distribuidora. El token del bot se lee de
    /// CENTERMIND_BOT_TOKEN o, con --token-stdin, de la entrada estándar (nunca
    /// se muestra ni queda en el log).
    Add {
        /// Nombre de la distribuidora.
        #[arg(long, value_name = "NOMBRE")]
        name: String,
        /// Zona horaria IANA (por defecto America/Argentina/Buenos_Aires).
        #[arg(long, value_name = "ZONA")]
        time_zone: Option<String>,
        /// Id de usuario de Telegram del administrador de la distribuidora (recibe las alertas).
        #[arg(long, value_name = "ID")]
        admin_telegram_id: Option<i64>,
        /// Leer el token del bot de la entrada estándar.
        #[arg(long)]
        token_stdin: bool,
    },
    /// Listar las distribuidoras (los tokens nunca se muestran, solo si hay uno).
    List {
        /// Salida en JSON, para scripts.
        #[arg(long)]
        json: bool,
    },
    /// Cambiar la configuración de una distribuidora.
    Set(DistributorSetArgs),
}

#[derive(Debug, Args)]
pub struct DistributorSetArgs {
    /// Id de la distribuidora.
    #[arg(value_name = "ID")]
    pub id: i64,
    /// Nombre nuevo.
    #[arg(long, value_name = "NOMBRE")]
    pub name: Option<String>,
    /// `on`: su bot atiende y sus usuarios ingresan; `off`: la desactiva.
    #[arg(long, value_enum, value_name = "on|off")]
    pub active: Option<OnOff>,
    /// Zona horaria IANA, por ejemplo America/Argentina/Buenos_Aires.
    #[arg(long, value_name = "ZONA")]
    pub time_zone: Option<String>,
    /// Id de usuario de Telegram del administrador de la distribuidora (recibe las alertas y el resumen diario).
    #[arg(long, conflicts_with = "clear_admin_telegram_id", value_name = "ID")]
    pub admin_telegram_id: Option<i64>,
    /// Que nadie reciba más las alertas del bot ni el resumen diario.
    #[arg(long)]
    pub clear_admin_telegram_id: bool,
    /// Reemplazar el token del bot por uno leído de la entrada estándar (o de
    /// CENTERMIND_BOT_TOKEN, con --token-env).
    #[arg(long, conflicts_with = "clear_token")]
    pub token_stdin: bool,
    /// Tomar el token de CENTERMIND_BOT_TOKEN.
    #[arg(long, conflicts_with_all = ["clear_token", "token_stdin"])]
    pub token_env: bool,
    /// Quitar el token del bot (el bot se detiene).
    #[arg(long)]
    pub clear_token: bool,
    /// Descanso nocturno del bot: con `on` no registra fotos de
    /// --hibernation-start a --hibernation-end; con `off` atiende siempre.
    #[arg(long, value_enum, value_name = "on|off")]
    pub hibernation: Option<OnOff>,
    /// Comienzo del descanso, HH:MM en la hora de la distribuidora.
    #[arg(long, value_name = "HH:MM")]
    pub hibernation_start: Option<String>,
    /// Fin del descanso, HH:MM en la hora de la distribuidora.
    #[arg(long, value_name = "HH:MM")]
    pub hibernation_end: Option<String>,
    /// Puntos de una exhibición aprobada, para el ranking.
    #[arg(long, value_name = "PUNTOS")]
    pub points_approved: Option<i64>,
    /// Puntos de una exhibición destacada, para el ranking.
    #[arg(long, value_name = "PUNTOS")]
    pub points_highlighted: Option<i64>,
    /// Dónde van las fotos además de la carpeta de este servidor: `google-drive`
    /// también las copia a la carpeta de Drive indicada con --drive-folder.
    #[arg(long, value_enum, value_name = "DESTINO")]
    pub photo_storage: Option<PhotoStorageArg>,
    /// Id de la carpeta de Google Drive (la última parte de la dirección de la carpeta); "" lo borra.
    #[arg(long, value_name = "ID_CARPETA")]
    pub drive_folder: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PhotoStorageArg {
    Local,
    GoogleDrive,
}

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Registrar un grupo de Telegram (el chat id tal como lo informa Telegram,
    /// por ejemplo -1001234567890).
    Add {
        /// Id de la distribuidora.
        #[arg(long, value_name = "ID")]
        distributor: i64,
        /// Chat id del grupo.
        #[arg(long, allow_hyphen_values = true, value_name = "ID")]
        chat_id: i64,
        /// Nombre del grupo.
        #[arg(long, value_name = "TÍTULO")]
        title: String,
    },
    /// Listar los grupos, de todas las distribuidoras o de una.
    List {
        /// Solo los de esta distribuidora (id).
        #[arg(long, value_name = "ID")]
        distributor: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Listar los miembros de una distribuidora.
    List {
        /// Id de la distribuidora.
        #[arg(long, value_name = "ID")]
        distributor: i64,
    },
    /// Cambiar el rol de un miembro (define qué comandos del bot puede usar).
    SetRole {
        /// Id de la distribuidora.
        #[arg(long, value_name = "ID")]
        distributor: i64,
        /// Id del miembro (ver `member list`).
        #[arg(long, value_name = "ID")]
        member: i64,
        /// vendor, supervisor o admin.
        #[arg(long, value_parser = parse_member_role, value_name = "ROL")]
        role: MemberRole,
    },
}

#[derive(Debug, Subcommand)]
pub enum PdvTypeCommand {
    /// Agregar un tipo de PDV al final de la lista.
    Add {
        /// Id de la distribuidora.
        #[arg(long, value_name = "ID")]
        distributor: i64,
        /// Nombre del tipo de PDV.
        #[arg(long, value_name = "NOMBRE")]
        name: String,
    },
    /// Listar los tipos de PDV de una distribuidora.
    List {
        /// Id de la distribuidora.
        #[arg(long, value_name = "ID")]
        distributor: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Agregar un usuario del portal. La contraseña se lee de la entrada estándar (nunca se muestra).
    Add {
        /// Nombre de usuario para ingresar.
        #[arg(long, value_name = "USUARIO")]
        username: String,
        /// viewer, supervisor, admin o superadmin.
        #[arg(long, value_parser = parse_portal_role, value_name = "ROL")]
        role: PortalRole,
        /// Id de la distribuidora; obligatorio para todos los roles salvo superadmin.
        #[arg(long, value_name = "ID")]
        distributor: Option<i64>,
        /// Nombre y apellido que se muestra.
        #[arg(long, value_name = "NOMBRE")]
        display_name: Option<String>,
    },
    /// Listar los usuarios del portal.
    List {
        /// Solo los de esta distribuidora (id).
        #[arg(long, value_name = "ID")]
        distributor: Option<i64>,
    },
    /// Poner una contraseña nueva (leída de la entrada estándar) y cerrar las sesiones del usuario.
    SetPassword {
        /// Nombre de usuario.
        #[arg(value_name = "USUARIO")]
        username: String,
    },
}

fn parse_member_role(s: &str) -> Result<MemberRole, String> {
    s.parse()
        .map_err(|_| format!("rol desconocido «{s}» (puede ser vendor, supervisor o admin)"))
}

fn parse_portal_role(s: &str) -> Result<PortalRole, String> {
    s.parse()
        .map_err(|_| format!("rol desconocido «{s}» (puede ser viewer, supervisor, admin o superadmin)"))
}

/// What clap writes around our texts, in Spanish: `{usage-heading}` would say "Usage:".
const HELP_TEMPLATE: &str = "{before-help}{about-with-newline}\nUso: {usage}\n\n{all-args}{after-help}";

/// The arguments of the command line (exits with clap's message and status on
/// an error, told in Spanish, or after printing the help or the version).
pub fn parse() -> Cli {
    let mut cmd = command();
    let matches = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .unwrap_or_else(|e| exit(e));
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| exit(e.format(&mut cmd)))
}

/// Prints the help or the version (exit 0), or the mistake in Spanish (exit 2).
fn exit(error: clap::Error) -> ! {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            error.exit()
        }
        _ => error.apply::<crate::usage_errors::SpanishErrors>().exit(),
    }
}

/// The command-line definition with the texts clap adds itself in Spanish: the
/// headings, the `-h`/`-V` flags, the `help` subcommands, the default and
/// possible values and the usage line. Its error messages are replaced in
/// [`parse`] (see `usage_errors`).
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    // Adds the flags and subcommands clap makes itself, so they can be translated.
    cmd.build();
    localize(&mut cmd);
    cmd
}

fn localize(cmd: &mut clap::Command) {
    let mut c = std::mem::take(cmd)
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("Comandos")
        .subcommand_value_name("COMANDO");
    if c.get_name() == "help" {
        c = c.about("Mostrar esta ayuda o la de los comandos indicados");
    }
    // `mut_args` keeps the arguments in place: clap has already indexed them.
    c = c.mut_args(localize_arg);
    let usage = c.render_usage().to_string();
    let usage = usage
        .strip_prefix("Usage: ")
        .unwrap_or(&usage)
        .replace("[OPTIONS]", "[OPCIONES]");
    c = c.override_usage(usage);
    for sub in c.get_subcommands_mut() {
        localize(sub);
    }
    *cmd = c;
}

fn localize_arg(a: Arg) -> Arg {
    let a = match a.get_id().as_str() {
        "help" if a.get_long_help().is_some() => a
            .help("Mostrar la ayuda (con --help, más detallada)")
            .long_help("Mostrar la ayuda (con -h, un resumen)"),
        "help" => a.help("Mostrar la ayuda"),
        "version" => a.help("Mostrar la versión"),
        _ => a,
    };
    // What clap would add in English after the help: "[env: …]", "[default: …]", "[possible values: …]".
    let mut extra = Vec::new();
    if let Some(env) = a.get_env().filter(|_| !a.is_hide_env_set()) {
        extra.push(format!("[variable de entorno: {}]", env.to_string_lossy()));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if a.get_action().takes_values() && !defaults.is_empty() && !a.is_hide_default_value_set() {
        extra.push(format!("[por defecto: {}]", defaults.join(" ")));
    }
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() && !a.is_hide_possible_values_set() {
        extra.push(format!("[valores: {}]", values.join(", ")));
    }
    let heading = if a.is_positional() { "Argumentos" } else { "Opciones" };
    let mut a = a
        .help_heading(heading)
        .hide_env(true)
        .hide_default_value(true)
        .hide_possible_values(true);
    if !extra.is_empty() {
        let extra = extra.join(" ");
        let help = a
            .get_help()
            .map(|h| format!("{h} {extra}"))
            .unwrap_or_else(|| extra.clone());
        let long = a.get_long_help().map(|h| format!("{h}\n\n{extra}"));
        a = a.help(help);
        if let Some(long) = long {
            a = a.long_help(long);
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    /// Every help page, short and long, of `cmd` and its subcommands (not the `help` copies).
    fn help_pages(cmd: &mut clap::Command, pages: &mut Vec<(String, String)>) {
        let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
        pages.push((name.clone(), cmd.render_help().to_string()));
        pages.push((name, cmd.render_long_help().to_string()));
        for sub in cmd.get_subcommands_mut().filter(|s| s.get_name() != "help") {
            help_pages(sub, pages);
        }
    }

    #[test]
    fn the_help_speaks_spanish_around_our_texts_too() {
        let mut pages = Vec::new();
        help_pages(&mut command(), &mut pages);
        assert_eq!(pages.len(), 2 * 42, "every command and subcommand");
        for (name, page) in &pages {
            assert!(page.contains("Uso: "), "{name}:\n{page}");
            assert!(
                page.contains("Opciones:") && page.contains("Mostrar la ayuda"),
                "{name}:\n{page}"
            );
            for english in [
                "Usage:",
                "Options:",
                "Commands:",
                "Arguments:",
                "[OPTIONS]",
                "<COMMAND>",
                "Print help",
                "Print version",
                "Print this message",
                "[default:",
                "[possible values:",
                "[env:",
            ] {
                assert!(!page.contains(english), "{english:?} in {name}:\n{page}");
            }
        }
        let (_, set) = pages
            .iter()
            .find(|(name, _)| name == "centermind-sidecar job set")
            .unwrap();
        let (args, options) = (set.find("Argumentos:").unwrap(), set.find("Opciones:").unwrap());
        assert!(args < options, "{set}");
        let (_, top) = &pages[0];
        assert!(
            top.contains("Comandos:") && top.contains("Mostrar esta ayuda o la de los comandos"),
            "{top}"
        );
        let (_, runs) = pages
            .iter()
            .find(|(name, _)| name == "centermind-sidecar job runs")
            .unwrap();
        assert!(runs.contains("[por defecto: 20]"), "{runs}");
        let (_, tasks) = pages
            .iter()
            .find(|(name, _)| name == "centermind-sidecar task list")
            .unwrap();
        assert!(tasks.contains("[valores: queued, running, done, dead]"), "{tasks}");
    }

    #[test]
    fn the_translated_command_line_keeps_its_names() {
        let parse = |args: &[&str]| {
            let matches = command().try_get_matches_from(args).unwrap();
            Cli::from_arg_matches(&matches).unwrap()
        };
        match parse(&["centermind-sidecar", "backup", "restore", "latest", "--yes"]).command {
            Command::Backup(BackupCommand::Restore { backup, yes }) => {
                assert_eq!((backup.as_str(), yes), ("latest", true))
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            parse(&["centermind-sidecar", "run"]).command,
            Command::Run(RunArgs {
                stop_when_stdin_closes: false
            })
        ));
        assert!(matches!(
            parse(&["centermind-sidecar", "run", "--stop-when-stdin-closes"]).command,
            Command::Run(RunArgs {
                stop_when_stdin_closes: true
            })
        ));
        match parse(&["centermind-sidecar", "task", "list", "--state", "dead", "--limit", "5"]).command {
            Command::Task(TaskCommand::List { state, limit, .. }) => {
                assert!(matches!(state, Some(TaskStateArg::Dead)));
                assert_eq!(limit, 5);
            }
            other => panic!("unexpected {other:?}"),
        }
        let help = command()
            .try_get_matches_from(["centermind-sidecar", "help", "job", "run"])
            .unwrap_err();
        assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp);
        assert!(
            help.to_string()
                .contains("Uso: centermind-sidecar job run [OPCIONES] <ID>"),
            "{help}"
        );
        let version = command()
            .try_get_matches_from(["centermind-sidecar", "-V"])
            .unwrap_err();
        assert_eq!(version.kind(), clap::error::ErrorKind::DisplayVersion);
    }

    #[test]
    fn negative_chat_ids_parse() {
        let cli = Cli::try_parse_from([
            "centermind-sidecar",
            "group",
            "add",
            "--distributor",
            "1",
            "--chat-id",
            "-100123",
            "--title",
            "Ventas",
        ])
        .unwrap();
        match cli.command {
            Command::Group(GroupCommand::Add { chat_id, .. }) => assert_eq!(chat_id, -100123),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn job_set_takes_true_or_false_for_active() {
        let cli = Cli::try_parse_from([
            "x",
            "job",
            "set",
            "backup",
            "--active",
            "false",
            "--schedule",
            "daily 04:00",
        ])
        .unwrap();
        match cli.command {
            Command::Job(JobCommand::Set {
                id, active, schedule, ..
            }) => {
                assert_eq!(
                    (id.as_str(), active, schedule.as_deref()),
                    ("backup", Some(false), Some("daily 04:00"))
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(Cli::try_parse_from(["x", "job", "set", "backup", "--active", "maybe"]).is_err());
        assert!(Cli::try_parse_from(["x", "job", "run", "backup", "--now", "--wait"]).is_err());
    }

    #[test]
    fn backup_restore_takes_a_name_and_yes() {
        let cli = Cli::try_parse_from(["x", "backup", "restore", "latest", "--yes"]).unwrap();
        match cli.command {
            Command::Backup(BackupCommand::Restore { backup, yes }) => {
                assert_eq!((backup.as_str(), yes), ("latest", true))
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(Cli::try_parse_from(["x", "backup", "restore"]).is_err());
    }

    #[test]
    fn roles_are_validated_by_the_parser() {
        assert!(Cli::try_parse_from(["x", "user", "add", "--username", "a", "--role", "god"]).is_err());
        assert!(
            Cli::try_parse_from([
                "x",
                "user",
                "add",
                "--username",
                "a",
                "--role",
                "viewer",
                "--distributor",
                "1"
            ])
            .is_ok()
        );
    }
}
