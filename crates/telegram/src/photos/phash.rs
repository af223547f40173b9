//! A 64-bit DCT perceptual hash ("pHash") of a photo.
//!
//! The photo is reduced to 32×32 grey levels (a triangle filter, which
//! averages over the whole source at this ratio), its 2-D DCT-II is taken,
//! and the 8×8 lowest frequencies become 64 bits: 1 where a coefficient is
//! above the median of the 63 non-DC ones. Re-encoding, resizing and mild
//! brightness changes keep the low frequencies' pattern, so they move only a
//! few bits; different pictures differ in about half of them. See
//! `centermind_core::store::photo_storage` for the measured distances and the
//! duplicate threshold.
//!
//! Written here rather than taken from `image_hasher`: the same result needs
//! ~40 lines over the `image` crate we already use, where the crate would add
//! `rustdct`/`rustfft` and their dependencies for one 32×32 transform.

use image::DynamicImage;
use image::imageops::FilterType;

const SIDE: usize = 32;
const LOW: usize = 8;

/// `cos((2n + 1) k π / 64)` for the 8 frequencies `k` and 32 positions `n`.
fn cosines() -> [[f64; SIDE]; LOW] {
    let mut table = [[0.0; SIDE]; LOW];
    for (k, row) in table.iter_mut().enumerate() {
        for (n, c) in row.iter_mut().enumerate() {
            *c = ((2 * n + 1) as f64 * k as f64 * std::f64::consts::PI / (2 * SIDE) as f64).cos();
        }
    }
    table
}

/// The perceptual hash of a decoded photo. The first (most significant) bit
/// is the DC term's, the rest follow row by row (vertical frequency major).
pub fn perceptual_hash(image: &DynamicImage) -> u64 {
    let grey = image::imageops::resize(&image.to_luma8(), SIDE as u32, SIDE as u32, FilterType::Triangle);
    let pixels: Vec<f64> = grey.pixels().map(|p| f64::from(p[0])).collect();
    let cos = cosines();
    // Separable DCT: along the rows first (8 horizontal frequencies per row)…
    let mut rows = [[0.0f64; LOW]; SIDE];
    for (y, out) in rows.iter_mut().enumerate() {
        let line = &pixels[y * SIDE..(y + 1) * SIDE];
        for (u, value) in out.iter_mut().enumerate() {
            *value = line.iter().zip(cos[u].iter()).map(|(p, c)| p * c).sum();
        }
    }
    // …then down the columns.
    let mut coefficients = [0.0f64; LOW * LOW];
    for v in 0..LOW {
        for u in 0..LOW {
            coefficients[v * LOW + u] = (0..SIDE).map(|y| rows[y][u] * cos[v][y]).sum();
        }
    }
    let mut ac = coefficients[1..].to_vec();
    ac.sort_by(f64::total_cmp);
    let median = ac[ac.len() / 2];
    coefficients
        .iter()
        .fold(0u64, |hash, c| (hash << 1) | u64::from(*c > median))
}

#[cfg(test)]
mod tests {
    use super::*;
    use centermind_core::store::{PERCEPTUAL_MAX_DISTANCE, hamming_distance};
    use image::{ImageFormat, Rgb, RgbImage};

    /// A shelf-like picture: coloured blocks on a background, from a seed.
    fn scene(seed: u32, width: u32, height: u32) -> RgbImage {
        let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        let mut img = RgbImage::from_pixel(width, height, Rgb([210, 225, 210]));
        for _ in 0..40 {
            let (x0, y0) = (next() % width, next() % height);
            let (w, h) = (width / 12 + next() % (width / 5), height / 12 + next() % (height / 4));
            let colour = Rgb([(next() % 256) as u8, (next() % 256) as u8, (next() % 256) as u8]);
            for y in y0..(y0 + h).min(height) {
                for x in x0..(x0 + w).min(width) {
                    img.put_pixel(x, y, colour);
                }
            }
        }
        img
    }

    fn jpeg(img: &DynamicImage, quality: u8) -> DynamicImage {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(&img.to_rgb8())
            .unwrap();
        image::load_from_memory_with_format(&out, ImageFormat::Jpeg).unwrap()
    }

    #[test]
    fn re_encoded_and_resized_copies_stay_within_the_threshold() {
        for seed in 0..12 {
            let original = DynamicImage::ImageRgb8(scene(seed, 640, 480));
            let hash = perceptual_hash(&original);
            let copies = [
                jpeg(&original, 60),
                jpeg(&original.resize_exact(320, 240, FilterType::Lanczos3), 75),
                jpeg(&jpeg(&original.resize_exact(427, 320, FilterType::CatmullRom), 50), 70),
            ];
            for copy in &copies {
                let d = hamming_distance(hash, perceptual_hash(copy));
                assert!(d <= PERCEPTUAL_MAX_DISTANCE, "seed {seed}: distance {d}");
            }
        }
    }

    #[test]
    fn different_pictures_are_far_apart() {
        let hashes: Vec<u64> = (0..12)
            .map(|s| perceptual_hash(&DynamicImage::ImageRgb8(scene(s, 640, 480))))
            .collect();
        for (i, a) in hashes.iter().enumerate() {
            for b in &hashes[i + 1..] {
                let d = hamming_distance(*a, *b);
                assert!(d > 2 * PERCEPTUAL_MAX_DISTANCE, "distance {d}");
            }
        }
    }

    #[test]
    fn the_hash_is_deterministic_and_ignores_the_size() {
        let img = DynamicImage::ImageRgb8(scene(7, 800, 600));
        assert_eq!(perceptual_hash(&img), perceptual_hash(&img.clone()));
        let small = img.resize_exact(200, 150, FilterType::Triangle);
        assert!(hamming_distance(perceptual_hash(&img), perceptual_hash(&small)) <= 2);
    }
}
