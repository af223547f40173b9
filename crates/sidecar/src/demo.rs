//! `demo`: a realistic, reproducible demo so a new user sees the product alive
//! without any Telegram token: 2 distributors, their groups, 30 vendors,
//! portal users of every role and exhibitions over the last 90 days with
//! generated photos in the local photo folder.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use centermind_core::Secret;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::exhibition::{ExhibitionStatus, Verdict};
use centermind_core::domain::roles::{Actor, MemberRole, PortalRole};
use centermind_core::store::{
    Db, EvaluationRequest, Group, Member, NewDistributor, NewExhibition, NewGroup, NewMember, NewPhoto, NewPortalUser,
    PdvType, now,
};
use chrono::Duration;
use image::{ImageEncoder, Rgb, RgbImage};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// Password of every demo portal user (printed at the end; demo data only).
pub const DEMO_PASSWORD: &str = "demo-centermind";

const FIRST_NAMES: [&str; 30] = [
    "Lucía",
    "Martín",
    "Sofía",
    "Mateo",
    "Valentina",
    "Santiago",
    "Camila",
    "Benjamín",
    "Martina",
    "Joaquín",
    "Julieta",
    "Tomás",
    "Florencia",
    "Facundo",
    "Agustina",
    "Nicolás",
    "Micaela",
    "Franco",
    "Carolina",
    "Lautaro",
    "Rocío",
    "Gonzalo",
    "Belén",
    "Ezequiel",
    "Milagros",
    "Ignacio",
    "Antonella",
    "Federico",
    "Daiana",
    "Ramiro",
];
const LAST_NAMES: [&str; 30] = [
    "González",
    "Rodríguez",
    "Fernández",
    "López",
    "Martínez",
    "García",
    "Pérez",
    "Romero",
    "Sosa",
    "Álvarez",
    "Torres",
    "Ruiz",
    "Ramírez",
    "Flores",
    "Benítez",
    "Acosta",
    "Medina",
    "Herrera",
    "Suárez",
    "Aguirre",
    "Giménez",
    "Gutiérrez",
    "Pereyra",
    "Molina",
    "Castro",
    "Ortiz",
    "Silva",
    "Núñez",
    "Luna",
    "Juárez",
];
const REJECTION_REASONS: [&str; 4] = [
    "Foto borrosa",
    "No se ve la exhibición completa",
    "Producto de la competencia en primer plano",
    "Falta material POP",
];
const COMMENTS: [&str; 5] = [
    "Muy buena ubicación",
    "Bien armada",
    "Sumar cartelería",
    "Excelente frente",
    "Ordenar precios",
];

struct Tenant {
    distributor_id: i64,
    slug: &'static str,
    groups: Vec<Group>,
    vendors: Vec<Member>,
    pdv_types: Vec<PdvType>,
    supervisors: Vec<Actor>,
}

#[derive(Debug, Default)]
pub struct DemoSummary {
    pub distributors: usize,
    pub vendors: usize,
    pub exhibitions: usize,
    pub photos: usize,
    pub pending: usize,
    pub duplicates: usize,
}

pub async fn run(db: &Db, photo_dir: &Path, exhibitions: usize, seed: u64) -> anyhow::Result<DemoSummary> {
    if !db.list_distributors().await?.is_empty() {
        bail!("la base de datos ya tiene distribuidoras; la demo solo llena una base de datos vacía");
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut summary = DemoSummary::default();
    let mut tenants = vec![
        create_tenant(
            db,
            &mut rng,
            "Distribuidora del Sur",
            "sur",
            &["Ventas Zona Sur", "Ventas Costa Atlántica"],
            0..16,
            7,
        )
        .await?,
        create_tenant(
            db,
            &mut rng,
            "Mayorista Norte",
            "norte",
            &["Equipo Norte", "Equipo Capital", "Equipo Rutas"],
            16..30,
            8,
        )
        .await?,
    ];
    create_users(db, &tenants).await?;
    attach_supervisors(db, &mut tenants).await?;
    summary.distributors = tenants.len();
    summary.vendors = tenants.iter().map(|t| t.vendors.len()).sum();

    let end = now();
    let mut previous_photos: Vec<NewPhoto> = Vec::new();
    let mut generated = 0usize;
    for i in 0..exhibitions {
        let t = &tenants[if rng.random_bool(0.55) { 0 } else { 1 }];
        // Recent days are busier; hours follow a working day in Argentina (UTC-3).
        let days_ago = (rng.random::<f64>().powf(1.6) * 90.0) as i64;
        let local_minutes = rng.random_range(8 * 60..20 * 60);
        let day = (end - Duration::days(days_ago)).date_naive();
        let submitted_at = (day.and_hms_opt(0, 0, 0).context("medianoche")?.and_utc()
            + Duration::minutes(local_minutes + 180))
        .min(end - Duration::minutes(1));
        let group = &t.groups[rng.random_range(0..t.groups.len())];
        let vendor = &t.vendors[rng.random_range(0..t.vendors.len())];
        let pdv = &t.pdv_types[rng.random_range(0..t.pdv_types.len())];
        let count = match rng.random_range(0..10) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        let mut photos = Vec::with_capacity(count);
        for position in 0..count {
            // About 1 in 60 photos is re-sent: the review shows it as a possible duplicate.
            if !previous_photos.is_empty() && rng.random_ratio(1, 60) {
                let idx = rng.random_range(0..previous_photos.len());
                photos.push(previous_photos[idx].clone());
                continue;
            }
            let key = format!(
                "{}/{}/{}/demo-{i:05}-{position}.jpg",
                t.slug,
                group.chat_id,
                submitted_at.format("%Y-%m-%d")
            );
            let photo = write_photo(photo_dir, &key, &mut rng)?;
            generated += 1;
            previous_photos.push(photo.clone());
            photos.push(photo);
        }
        summary.photos += photos.len();
        let recorded = db
            .record_exhibition(NewExhibition {
                distributor_id: t.distributor_id,
                group_id: group.id,
                vendor_id: vendor.id,
                customer_number: CustomerNumber::parse(&rng.random_range(1000..99_999).to_string())?,
                pdv_type_id: pdv.id,
                submitted_at,
                idempotency_key: format!("demo:{i}"),
                photos,
            })
            .await?;
        summary.exhibitions += 1;
        summary.duplicates += usize::from(recorded.possible_duplicate);
        if let Some((verdict, comment, reason)) = pick_verdict(&mut rng, end - submitted_at) {
            let actor = &t.supervisors[rng.random_range(0..t.supervisors.len())];
            let evaluated_at = (submitted_at + Duration::minutes(rng.random_range(5..60 * 30))).min(end);
            db.evaluate_exhibition(
                actor,
                EvaluationRequest {
                    exhibition_id: recorded.id,
                    verdict,
                    expected_status: ExhibitionStatus::Pending,
                    comment: comment.map(str::to_string),
                    reason: reason.map(str::to_string),
                },
                evaluated_at,
            )
            .await?;
        } else {
            summary.pending += 1;
        }
    }
    tracing::info!(photos_written = generated, "demo photos generated");
    Ok(summary)
}

/// Older exhibitions are mostly evaluated; the last two days mostly wait in the queue.
fn pick_verdict(rng: &mut StdRng, age: Duration) -> Option<(Verdict, Option<&'static str>, Option<&'static str>)> {
    let pending_chance = if age < Duration::days(2) { 0.85 } else { 0.02 };
    if rng.random_bool(pending_chance) {
        return None;
    }
    let comment = rng
        .random_bool(0.3)
        .then(|| COMMENTS[rng.random_range(0..COMMENTS.len())]);
    Some(match rng.random_range(0..100) {
        0..=66 => (Verdict::Approved, comment, None),
        67..=84 => (
            Verdict::Rejected,
            comment,
            Some(REJECTION_REASONS[rng.random_range(0..REJECTION_REASONS.len())]),
        ),
        _ => (Verdict::Highlighted, comment, None),
    })
}

async fn create_tenant(
    db: &Db,
    rng: &mut StdRng,
    name: &str,
    slug: &'static str,
    group_titles: &[&str],
    vendor_range: std::ops::Range<usize>,
    admin_seed: i64,
) -> anyhow::Result<Tenant> {
    let d = db
        .create_distributor(NewDistributor {
            name: name.into(),
            time_zone: None,
            bot_token: None,
            admin_telegram_id: Some(900_000_000 + admin_seed),
        })
        .await?;
    let mut groups = Vec::new();
    for (i, title) in group_titles.iter().enumerate() {
        let chat_id = -1_001_000_000_000 - (admin_seed * 100 + i as i64);
        groups.push(
            db.create_group(NewGroup {
                distributor_id: d.id,
                chat_id,
                title: (*title).into(),
            })
            .await?,
        );
    }
    let mut vendors = Vec::new();
    for i in vendor_range {
        let first = FIRST_NAMES[i];
        let last = LAST_NAMES[(i * 7 + 3) % LAST_NAMES.len()];
        let m = db
            .upsert_member(NewMember {
                distributor_id: d.id,
                telegram_user_id: 700_000_000 + i as i64 * 37 + rng.random_range(0..30),
                first_name: first.into(),
                last_name: Some(last.into()),
                username: Some(ascii_slug(&format!("{first}{last}"))),
            })
            .await?;
        vendors.push(m);
    }
    // One Telegram supervisor per distributor, to show roles in `member list`.
    let sup = db
        .upsert_member(NewMember {
            distributor_id: d.id,
            telegram_user_id: 800_000_000 + admin_seed,
            first_name: "Supervisión".into(),
            last_name: Some(name.into()),
            username: None,
        })
        .await?;
    db.set_member_role(d.id, sup.id, MemberRole::Supervisor).await?;
    Ok(Tenant {
        distributor_id: d.id,
        slug,
        groups,
        vendors,
        pdv_types: db.list_pdv_types(d.id, true).await?,
        supervisors: Vec::new(),
    })
}

async fn create_users(db: &Db, tenants: &[Tenant]) -> anyhow::Result<()> {
    let password = || Secret::new(DEMO_PASSWORD.to_string());
    db.create_portal_user(NewPortalUser {
        username: "superadmin".into(),
        display_name: Some("Superadministración".into()),
        password: password(),
        role: PortalRole::Superadmin,
        distributor_id: None,
    })
    .await?;
    for t in tenants {
        for (role, who) in [
            (PortalRole::Admin, "Administración"),
            (PortalRole::Supervisor, "Supervisión"),
            (PortalRole::Viewer, "Gerencia"),
        ] {
            db.create_portal_user(NewPortalUser {
                username: format!("{}.{}", role.as_str(), t.slug),
                display_name: Some(format!("{who} {}", capitalise(t.slug))),
                password: password(),
                role,
                distributor_id: Some(t.distributor_id),
            })
            .await?;
        }
    }
    Ok(())
}

/// Supervisors who evaluate the demo exhibitions: each tenant's supervisor and admin.
async fn attach_supervisors(db: &Db, tenants: &mut [Tenant]) -> anyhow::Result<()> {
    for t in tenants.iter_mut() {
        t.supervisors = db
            .list_portal_users(Some(t.distributor_id))
            .await?
            .into_iter()
            .filter(|u| u.role >= PortalRole::Supervisor)
            .map(|u| Actor {
                user_id: u.id,
                role: u.role,
                distributor_id: u.distributor_id,
            })
            .collect();
    }
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'á' | 'Á' => Some('a'),
            'é' | 'É' => Some('e'),
            'í' | 'Í' => Some('i'),
            'ó' | 'Ó' => Some('o'),
            'ú' | 'Ú' => Some('u'),
            'ñ' => Some('n'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Draw a shelf with products, save it as JPEG under `photo_dir/key`, and describe it.
fn write_photo(photo_dir: &Path, key: &str, rng: &mut StdRng) -> anyhow::Result<NewPhoto> {
    const W: u32 = 480;
    const H: u32 = 360;
    let wall = Rgb([
        rng.random_range(200..240),
        rng.random_range(200..235),
        rng.random_range(190..230),
    ]);
    let mut img = RgbImage::from_pixel(W, H, wall);
    let palette = [
        Rgb([200, 30, 45]),
        Rgb([250, 190, 20]),
        Rgb([30, 110, 200]),
        Rgb([40, 160, 80]),
        Rgb([240, 120, 30]),
        Rgb([120, 50, 160]),
        Rgb([245, 245, 245]),
        Rgb([30, 30, 30]),
    ];
    for shelf in 0..3u32 {
        let base = 110 + shelf * 110;
        fill(&mut img, 0, base.saturating_sub(6), W, 8, Rgb([110, 80, 50]));
        let mut x = rng.random_range(4..20);
        while x < W - 30 {
            let w = rng.random_range(22..48);
            let h = rng.random_range(40..95);
            let color = palette[rng.random_range(0..palette.len())];
            fill(&mut img, x, base.saturating_sub(6 + h), w, h, color);
            // A label band, as on real packaging.
            fill(
                &mut img,
                x + 3,
                base.saturating_sub(6 + h / 2),
                w.saturating_sub(6),
                8,
                Rgb([250, 250, 250]),
            );
            x += w + rng.random_range(2..10);
        }
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .write_image(img.as_raw(), W, H, image::ExtendedColorType::Rgb8)
        .context("no se pudo codificar una foto de la demo")?;
    let path: PathBuf = photo_dir.join(key);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("no se pudo crear {}", parent.display()))?;
    }
    std::fs::write(&path, &jpeg).with_context(|| format!("no se pudo escribir {}", path.display()))?;
    Ok(NewPhoto {
        telegram_file_id: None,
        telegram_file_unique_id: None,
        storage_key: Some(key.to_string()),
        storage_link: None,
        sha256: Some(hex::encode(Sha256::digest(&jpeg))),
        size_bytes: Some(jpeg.len() as i64),
        width: Some(W.into()),
        height: Some(H.into()),
    })
}

/// Fill a rectangle, clipped to the image, one row slice at a time (fast even in debug builds).
fn fill(img: &mut RgbImage, x: u32, y: u32, w: u32, h: u32, color: Rgb<u8>) {
    let (width, height) = img.dimensions();
    let x_end = (x + w).min(width);
    if x >= x_end {
        return;
    }
    let row: Vec<u8> = color
        .0
        .iter()
        .copied()
        .cycle()
        .take(((x_end - x) * 3) as usize)
        .collect();
    let stride = width as usize * 3;
    let buf: &mut [u8] = img;
    for yy in y..(y + h).min(height) {
        let start = yy as usize * stride + x as usize * 3;
        buf[start..start + row.len()].copy_from_slice(&row);
    }
}
