//! The pending figure drawn as a taskbar badge: Windows shows no number by
//! itself (`set_badge_count` is Linux and macOS only), only an overlay icon on
//! the app's taskbar button, so the shell draws one. A red disc with the figure
//! in white, "99+" past 99, as mail and chat apps show theirs.

/// Side of the overlay image, in pixels: Windows shows it at 16 px, 32 at 200 % scale.
pub const SIDE: u32 = 32;

const RED: [u8; 3] = [0xC6, 0x28, 0x28];
const WHITE: [u8; 3] = [0xFF, 0xFF, 0xFF];

/// Glyphs of 3 × 5 pixels, a row per entry, the leftmost pixel the highest bit.
fn glyph(c: char) -> Option<[u8; 5]> {
    Some(match c {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b001, 0b001, 0b001],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '+' => [0b000, 0b010, 0b111, 0b010, 0b000],
        _ => return None,
    })
}

/// What the badge says for `count` pending: nothing at 0.
#[must_use]
pub fn label(count: u32) -> Option<String> {
    match count {
        0 => None,
        1..=99 => Some(count.to_string()),
        _ => Some("99+".to_owned()),
    }
}

/// The overlay for `count` pending, as RGBA pixels of [`SIDE`] × [`SIDE`]; `None` at 0.
#[must_use]
pub fn overlay(count: u32) -> Option<Vec<u8>> {
    let text = label(count)?;
    let side = SIDE as usize;
    let mut pixels = vec![0u8; side * side * 4];
    // The disc, its edge softened over one pixel.
    let centre = (SIDE as f32 - 1.0) / 2.0;
    let radius = SIDE as f32 / 2.0;
    for y in 0..side {
        for x in 0..side {
            let distance = ((x as f32 - centre).powi(2) + (y as f32 - centre).powi(2)).sqrt();
            let cover = (radius - distance).clamp(0.0, 1.0);
            let at = (y * side + x) * 4;
            pixels[at..at + 3].copy_from_slice(&RED);
            pixels[at + 3] = (cover * 255.0).round() as u8;
        }
    }
    // The figure, centred, as large as still fits inside the disc.
    let glyphs: Vec<[u8; 5]> = text.chars().filter_map(glyph).collect();
    let (scale, gap) = match glyphs.len() {
        1 => (4, 0),
        2 => (3, 3),
        _ => (2, 2),
    };
    let width = glyphs.len() * 3 * scale + (glyphs.len() - 1) * gap;
    let height = 5 * scale;
    let left = (side - width) / 2;
    let top = (side - height) / 2;
    for (n, rows) in glyphs.iter().enumerate() {
        let x0 = left + n * (3 * scale + gap);
        for (row, bits) in rows.iter().enumerate() {
            for column in 0..3 {
                if bits & (0b100 >> column) == 0 {
                    continue;
                }
                for dy in 0..scale {
                    for dx in 0..scale {
                        let (x, y) = (x0 + column * scale + dx, top + row * scale + dy);
                        let at = (y * side + x) * 4;
                        pixels[at..at + 3].copy_from_slice(&WHITE);
                        pixels[at + 3] = 255;
                    }
                }
            }
        }
    }
    Some(pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(image: &[u8], x: usize, y: usize) -> [u8; 4] {
        let at = (y * SIDE as usize + x) * 4;
        image[at..at + 4].try_into().unwrap()
    }

    /// The image as text, `#` for white, `.` for red, ` ` for transparent.
    fn drawn(image: &[u8]) -> Vec<String> {
        (0..SIDE as usize)
            .map(|y| {
                (0..SIDE as usize)
                    .map(|x| match pixel(image, x, y) {
                        [_, _, _, 0] => ' ',
                        [0xFF, 0xFF, 0xFF, _] => '#',
                        _ => '.',
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn nothing_pending_shows_no_badge_and_many_show_99_plus() {
        assert_eq!(label(0), None);
        assert!(overlay(0).is_none());
        assert_eq!(label(7).as_deref(), Some("7"));
        assert_eq!(label(99).as_deref(), Some("99"));
        assert_eq!(label(100).as_deref(), Some("99+"));
        assert_eq!(overlay(100), overlay(4_000));
    }

    #[test]
    fn the_badge_is_a_red_disc_with_the_figure_in_white() {
        let image = overlay(7).unwrap();
        assert_eq!(image.len(), (SIDE * SIDE * 4) as usize);
        // Corners transparent, the disc's edge red and opaque.
        assert_eq!(pixel(&image, 0, 0)[3], 0);
        assert_eq!(pixel(&image, 31, 31)[3], 0);
        assert_eq!(pixel(&image, 1, 16), [0xC6, 0x28, 0x28, 255]);
        // A 7: the top bar across, then the right stroke alone (4 × scaled glyph, 12 × 20 px centred).
        let rows = drawn(&image);
        assert_eq!(&rows[6][10..22], "############", "{rows:#?}");
        assert_eq!(&rows[16][10..22], "........####", "{rows:#?}");
        assert_eq!(&rows[25][10..22], "........####", "{rows:#?}");
        assert!(!rows[26].contains('#'), "{rows:#?}");
    }

    #[test]
    fn each_figure_is_drawn_differently() {
        let images: Vec<Vec<u8>> = (1..=12).map(|n| overlay(n).unwrap()).collect();
        for (i, a) in images.iter().enumerate() {
            for b in &images[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // Two figures and "99+" stay inside the disc: every white pixel has red on its left and right.
        for count in [42, 88, 250] {
            let rows = drawn(&overlay(count).unwrap());
            assert!(rows.iter().filter(|r| r.contains('#')).count() >= 10, "{rows:#?}");
            for row in rows.iter().filter(|r| r.contains('#')) {
                let inner = row.trim();
                assert!(inner.starts_with('.') && inner.ends_with('.'), "{count}: {rows:#?}");
            }
        }
    }
}
