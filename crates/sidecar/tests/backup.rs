//! The way back from a backup, through the real binary: the `backup` job
//! copies the database and the photos to `backup_dir`; `backup restore`
//! refuses while a service holds the database, and afterwards puts the copy
//! back, keeps what it replaced and brings back missing photos.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::Command;

use support::{BIN, Machine, backups_in, stderr, terminate};

#[test]
fn a_backup_on_another_disk_is_restored_with_its_photos_once_the_service_is_stopped() {
    let m = Machine::new();
    m.ok(&["demo", "--exhibitions", "40"]);
    let before = m.distributors();
    let photos = m.photos();
    assert!(photos.len() >= 40, "{}", photos.len());

    // The job, in this process: database and photos to the configured folder.
    let out = m.ok(&["job", "run", "backup", "--now"]);
    assert!(out.contains("de backup: terminó bien"), "{out}");
    assert!(
        out.contains(&format!("Fotos: {} nueva(s)", photos.len())),
        "every photo copied: {out}"
    );
    let made = backups_in(&m.backups);
    assert_eq!(made.len(), 1, "{made:?}");
    assert!(m.backups.join("photos").is_dir());
    let listed = m.ok(&["backup", "list"]);
    assert!(listed.contains(&made[0]), "{listed}");
    assert!(
        listed.starts_with("ARCHIVO ") && listed.contains("HECHA") && listed.contains("TAMAÑO"),
        "{listed}"
    );
    assert!(
        (listed.contains(" KB") || listed.contains(" MB")) && listed.contains(','),
        "a size with a decimal comma: {listed}"
    );
    assert!(listed.contains("Copia de las fotos: "), "{listed}");
    // A second run copies only what is new (nothing).
    let again = m.ok(&["job", "run", "backup", "--now"]);
    assert!(
        again.contains(&format!("Fotos: 0 nueva(s) (0 B), {} ya estaban", photos.len())),
        "{again}"
    );

    // Life goes on after the backup: a distributor is added, a photo is lost.
    m.ok(&["distributor", "add", "--name", "Alta posterior"]);
    let lost = &photos[photos.len() / 2];
    let lost_bytes = std::fs::read(lost).unwrap();
    std::fs::remove_file(lost).unwrap();
    let after = m.distributors();
    assert!(after.contains(&"Alta posterior".to_string()));

    // Never under a running service.
    let (mut service, _) = m.serve();
    let refused = m.cli(&["backup", "restore", "latest", "--yes"]);
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("ya hay otro centermind-sidecar corriendo"),
        "{}",
        stderr(&refused)
    );
    terminate(&mut service);
    assert_eq!(m.distributors(), after, "a refused restore changes nothing");

    // Not without a confirmation.
    let unconfirmed = m.cli(&["backup", "restore", "latest"]);
    assert!(!unconfirmed.status.success());
    assert!(stderr(&unconfirmed).contains("--yes"), "{}", stderr(&unconfirmed));
    assert_eq!(m.distributors(), after);

    let out = m.ok(&["backup", "restore", "latest", "--yes"]);
    assert!(out.contains("Fotos: 1 que faltaban, traídas de"), "{out}");
    assert_eq!(m.distributors(), before, "the database is the backup's");
    assert_eq!(std::fs::read(lost).unwrap(), lost_bytes, "the lost photo is back");
    assert_eq!(m.photos(), photos);

    // What it replaced is kept, readable, with the later distributor.
    let kept = support::kept_databases(&m.data);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(out.contains(&kept[0].display().to_string()), "{out}");
    let previous = Command::new(BIN)
        .args(["distributor", "list"])
        .env_clear()
        .env("HOME", &m.data)
        .env("CENTERMIND_DATABASE_URL", format!("sqlite://{}", kept[0].display()))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&previous.stdout).contains("Alta posterior"));

    // And the service starts on the restored database.
    let (mut service, _) = m.serve();
    terminate(&mut service);
}

#[test]
fn restoring_a_file_that_is_not_a_backup_changes_nothing() {
    let m = Machine::new();
    m.ok(&["migrate"]);
    m.ok(&["distributor", "add", "--name", "Sur"]);
    let junk = m.data.join("centermind-20261122T030000.000Z.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let out = m.cli(&["backup", "restore", &junk.display().to_string(), "--yes"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no es una copia de CenterMind"),
        "{}",
        stderr(&out)
    );
    let none = m.cli(&["backup", "restore", "latest", "--yes"]);
    assert!(stderr(&none).contains("error: no hay copias en"), "{}", stderr(&none));
    assert_eq!(m.distributors(), ["Sur"]);
}
