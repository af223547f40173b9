//! Command-line interface of `centermind-sidecar`.

use std::path::PathBuf;

use centermind_core::domain::roles::{MemberRole, PortalRole};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// CenterMind headless companion: Telegram bots, scheduled jobs and the
/// network service for the desktop apps, plus administration commands.
///
/// Configuration comes from built-in defaults, then a TOML file (--config,
/// CENTERMIND_CONFIG, or the per-user config folder), then CENTERMIND_*
/// environment variables. See centermind.sample.toml.
#[derive(Debug, Parser)]
#[command(name = "centermind-sidecar", version, propagate_version = true)]
pub struct Cli {
    /// Configuration file (TOML).
    #[arg(long, global = true, env = "CENTERMIND_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service until SIGINT/SIGTERM: the HTTP API, the Telegram bots, the verdict sync and the scheduled jobs.
    Run,
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Fill an empty database with a realistic demo (no Telegram token needed).
    Demo(DemoArgs),
    /// Manage distributors (tenants).
    #[command(subcommand)]
    Distributor(DistributorCommand),
    /// Manage the Telegram groups of a distributor.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Manage Telegram members (vendors, supervisors, admins).
    #[command(subcommand)]
    Member(MemberCommand),
    /// Manage the PDV (point of sale) types the bot offers.
    #[command(name = "pdv-type", subcommand)]
    PdvType(PdvTypeCommand),
    /// Manage portal (desktop app) users.
    #[command(subcommand)]
    User(UserCommand),
    /// Inspect the background tasks (photo storage, Drive archive, verdict
    /// edits) and give up ones another round once the cause is fixed.
    #[command(subcommand)]
    Task(TaskCommand),
    /// The scheduled jobs the service runs (backup, housekeeping, daily
    /// summary): list them and their runs, pause/resume or reschedule them,
    /// or ask for a run now.
    #[command(subcommand)]
    Job(JobCommand),
    /// The backups the `backup` job made (database copies and the photos'
    /// copy, in `backup_dir`): list them, or put one back.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// Print the effective configuration (secrets never included).
    Config,
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// The database copies in backup_dir, newest first (make one now with
    /// `job run backup --now`, or `--wait` while the service runs).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Replace the database with a backup, and bring back from the backup's
    /// photo copy every photo that is missing. Stop the service (and the
    /// desktop app in "este equipo" mode) first. The database it replaces is
    /// kept next to it as `centermind.db.before-restore-<time>Z`.
    Restore {
        /// `latest`, a file name from `backup list`, or the path of a copy
        /// (e.g. on another disk).
        backup: String,
        /// Do not ask for confirmation (needed when not on a terminal).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// List the jobs: schedule, time zone, last run and next run.
    List {
        #[arg(long)]
        json: bool,
    },
    /// The runs of a job, newest first.
    Runs {
        /// Job id (see `job list`): backup, housekeeping, daily_summary.
        id: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Pause/resume a job or change its schedule or time zone. The running
    /// service follows within seconds; the next run counts from the change.
    Set {
        id: String,
        /// `every 15m`, `every 2h` (1 minute to 7 days) or `daily 03:00`.
        #[arg(long)]
        schedule: Option<String>,
        /// IANA time zone in which a daily time is read, e.g. America/Argentina/Buenos_Aires.
        #[arg(long)]
        time_zone: Option<String>,
        /// `false` pauses the job (`job run` still runs it), `true` resumes it.
        #[arg(long, action = clap::ArgAction::Set, value_name = "true|false")]
        active: Option<bool>,
    },
    /// Ask the running service (`centermind-sidecar run`) to run a job now; it
    /// starts it within seconds. Without a running service the request waits
    /// for the next start, unless --now runs the job here instead.
    Run {
        id: String,
        /// Run the job in this process and wait for it (when no service runs,
        /// e.g. a backup before an upgrade). A job never runs twice at once.
        #[arg(long)]
        now: bool,
        /// After asking the service, wait for the run to end and print it.
        #[arg(long, conflicts_with = "now")]
        wait: bool,
        /// How long --wait waits before giving up (the run goes on).
        #[arg(long, default_value_t = 1800, value_name = "SECONDS", requires = "wait")]
        timeout: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// List tasks, newest first.
    List {
        /// Only tasks in this state.
        #[arg(long, value_enum)]
        state: Option<TaskStateArg>,
        /// Only tasks of this kind (store_photo, archive_photo, edit_verdict).
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Queue dead tasks again with a fresh round of attempts, due now.
    Retry {
        /// Task ids (see `task list --state dead`).
        ids: Vec<i64>,
        /// Every dead task (of --kind, if given) instead of listed ids.
        #[arg(long, conflicts_with = "ids")]
        all_dead: bool,
        #[arg(long)]
        kind: Option<String>,
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
pub struct DemoArgs {
    /// Number of exhibitions to generate.
    #[arg(long, default_value_t = 2000)]
    pub exhibitions: usize,
    /// Seed of the random generator (same seed, same demo).
    #[arg(long, default_value_t = 2026)]
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
    /// Add a distributor. The bot token is read from CENTERMIND_BOT_TOKEN or,
    /// with --token-stdin, from standard input (never echoed, never logged).
    Add {
        #[arg(long)]
        name: String,
        /// IANA time zone (default America/Argentina/Buenos_Aires).
        #[arg(long)]
        time_zone: Option<String>,
        /// Telegram user id of the distributor's admin (receives alerts).
        #[arg(long)]
        admin_telegram_id: Option<i64>,
        /// Read the bot token from standard input.
        #[arg(long)]
        token_stdin: bool,
    },
    /// List distributors (tokens are never shown, only whether one is set).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change settings of a distributor.
    Set(DistributorSetArgs),
}

#[derive(Debug, Args)]
pub struct DistributorSetArgs {
    /// Distributor id.
    pub id: i64,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long, value_enum)]
    pub active: Option<OnOff>,
    #[arg(long)]
    pub time_zone: Option<String>,
    /// Telegram user id of the distributor's admin (receives alerts and the daily summary).
    #[arg(long, conflicts_with = "clear_admin_telegram_id")]
    pub admin_telegram_id: Option<i64>,
    /// Nobody receives the bot's alerts and the daily summary any more.
    #[arg(long)]
    pub clear_admin_telegram_id: bool,
    /// Replace the bot token, read from standard input (or CENTERMIND_BOT_TOKEN).
    #[arg(long, conflicts_with = "clear_token")]
    pub token_stdin: bool,
    /// Take the token from CENTERMIND_BOT_TOKEN.
    #[arg(long, conflicts_with_all = ["clear_token", "token_stdin"])]
    pub token_env: bool,
    /// Remove the bot token (the bot stops).
    #[arg(long)]
    pub clear_token: bool,
    #[arg(long, value_enum)]
    pub hibernation: Option<OnOff>,
    /// Start of hibernation, local HH:MM.
    #[arg(long, value_name = "HH:MM")]
    pub hibernation_start: Option<String>,
    /// End of hibernation, local HH:MM.
    #[arg(long, value_name = "HH:MM")]
    pub hibernation_end: Option<String>,
    #[arg(long)]
    pub points_approved: Option<i64>,
    #[arg(long)]
    pub points_highlighted: Option<i64>,
    /// Where photos go besides this server's folder: `google-drive` also
    /// copies them to the Drive folder set with --drive-folder.
    #[arg(long, value_enum)]
    pub photo_storage: Option<PhotoStorageArg>,
    /// Google Drive folder id (the last part of the folder's address); "" clears it.
    #[arg(long, value_name = "FOLDER_ID")]
    pub drive_folder: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PhotoStorageArg {
    Local,
    GoogleDrive,
}

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Register a Telegram group (chat id as Telegram reports it, e.g. -1001234567890).
    Add {
        #[arg(long)]
        distributor: i64,
        #[arg(long, allow_hyphen_values = true)]
        chat_id: i64,
        #[arg(long)]
        title: String,
    },
    /// List groups, optionally of one distributor.
    List {
        #[arg(long)]
        distributor: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// List the members of a distributor.
    List {
        #[arg(long)]
        distributor: i64,
    },
    /// Change a member's role (gates bot commands).
    SetRole {
        #[arg(long)]
        distributor: i64,
        /// Member id (see `member list`).
        #[arg(long)]
        member: i64,
        #[arg(long, value_parser = parse_member_role)]
        role: MemberRole,
    },
}

#[derive(Debug, Subcommand)]
pub enum PdvTypeCommand {
    /// Add a PDV type at the end of the list.
    Add {
        #[arg(long)]
        distributor: i64,
        #[arg(long)]
        name: String,
    },
    /// List the PDV types of a distributor.
    List {
        #[arg(long)]
        distributor: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a portal user. The password is read from standard input (never echoed).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = parse_portal_role)]
        role: PortalRole,
        /// Required for every role except superadmin.
        #[arg(long)]
        distributor: Option<i64>,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// List portal users.
    List {
        #[arg(long)]
        distributor: Option<i64>,
    },
    /// Set a new password (read from standard input) and end the user's sessions.
    SetPassword { username: String },
}

fn parse_member_role(s: &str) -> Result<MemberRole, String> {
    s.parse()
}

fn parse_portal_role(s: &str) -> Result<PortalRole, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
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
