// Shared with build.rs (which `include!`s it): one `allow-<name>` permission is
// generated per command, and the main window's capability grants each one.

/// Every command the app registers, as invoked from the UI.
pub const NAMES: &[&str] = &[
    "server_address",
    "connect_server",
    "login",
    "logout",
    "setup_status",
    "first_setup",
    "current_session",
    "list_exhibitions",
    "get_exhibition",
    "evaluate_exhibition",
    "exhibition_photo",
    "exhibition_thumbnail",
    "ranking",
    "follow_events",
    "unfollow_events",
    "set_fullscreen",
    "report_summary",
    "export_report",
    "filter_choices",
    "connection",
    "start_local_server",
    "update_settings",
    "set_update_endpoint",
    "check_for_updates",
    "install_update",
];
