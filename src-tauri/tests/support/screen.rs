//! Screenshots read from the X server rather than through WebDriver.
//!
//! The app renders with WebKit's CPU renderer (see `src/webview.rs`), and in that
//! mode WebKitWebDriver's screenshot command never answers. Xvfb can keep its
//! framebuffer in a memory-mapped XWD file (`-fbdir`), which is exactly what the
//! screen shows: this module turns it into a PNG, cropped to the app's window.

use std::io::Cursor;
use std::path::Path;

/// A rectangle of the screen, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// An RGB image of `rect` (clamped to the screen) from the XWD file Xvfb keeps at `path`.
pub fn capture(path: &Path, rect: Option<Rect>) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let screen = decode_xwd(&bytes)?;
    let image = match rect {
        Some(r) => {
            let x = r.x.min(screen.width().saturating_sub(1));
            let y = r.y.min(screen.height().saturating_sub(1));
            let width = r.width.min(screen.width() - x);
            let height = r.height.min(screen.height() - y);
            image::imageops::crop_imm(&screen, x, y, width, height).to_image()
        }
        None => screen,
    };
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| format!("encoding the PNG: {e}"))?;
    Ok(png)
}

/// Decodes a true-colour ZPixmap XWD image (what Xvfb writes for a 24-bit screen).
/// The header is big-endian; the pixels follow the header's `byte_order`.
pub fn decode_xwd(bytes: &[u8]) -> Result<image::RgbImage, String> {
    let field = |i: usize| -> Result<u32, String> {
        bytes
            .get(i * 4..i * 4 + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| "XWD header cut short".to_string())
    };
    let header_size = field(0)? as usize;
    let (version, format) = (field(1)?, field(2)?);
    let (width, height) = (field(4)?, field(5)?);
    let little_endian = field(7)? == 0;
    let bits_per_pixel = field(11)?;
    let bytes_per_line = field(12)? as usize;
    let masks = [field(14)?, field(15)?, field(16)?];
    let colours = field(19)? as usize;
    if version != 7 || format != 2 || bits_per_pixel != 32 || masks.contains(&0) {
        return Err(format!(
            "unsupported XWD image (version {version}, format {format}, {bits_per_pixel} bits per pixel)"
        ));
    }
    let start = header_size + colours * 12;
    let needed = start + bytes_per_line * height as usize;
    if bytes.len() < needed || bytes_per_line < width as usize * 4 {
        return Err(format!("XWD image cut short ({} of {needed} bytes)", bytes.len()));
    }
    let channel = |pixel: u32, mask: u32| -> u8 {
        let value = (pixel & mask) >> mask.trailing_zeros();
        let max = mask >> mask.trailing_zeros();
        u8::try_from(value * 255 / max).unwrap_or(u8::MAX)
    };
    Ok(image::RgbImage::from_fn(width, height, |x, y| {
        let at = start + y as usize * bytes_per_line + x as usize * 4;
        let raw = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        let pixel = if little_endian {
            u32::from_le_bytes(raw)
        } else {
            u32::from_be_bytes(raw)
        };
        image::Rgb(masks.map(|mask| channel(pixel, mask)))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An XWD file as Xvfb writes it: big-endian header with a window name, an
    /// (unused) colour map, then `pixels` as 32-bit words in `little_endian` order.
    fn xwd(width: u32, height: u32, little_endian: bool, pixels: &[u32]) -> Vec<u8> {
        let name = b"Xvfb main window\0";
        let header_size = 100 + name.len() as u32;
        let colours = 2u32;
        let fields = [
            header_size,
            7,
            2,
            24,
            width,
            height,
            0,
            u32::from(!little_endian),
            32,
            0,
            32,
            32,
            width * 4 + 8, // padded lines, as a real server may use
            4,
            0x00ff_0000,
            0x0000_ff00,
            0x0000_00ff,
            8,
            256,
            colours,
            width,
            height,
            0,
            0,
            0,
        ];
        let mut out: Vec<u8> = fields.iter().flat_map(|f| f.to_be_bytes()).collect();
        out.extend_from_slice(name);
        out.extend(std::iter::repeat_n(0xAA, colours as usize * 12));
        for row in pixels.chunks(width as usize) {
            for p in row {
                out.extend(if little_endian {
                    p.to_le_bytes()
                } else {
                    p.to_be_bytes()
                });
            }
            out.extend([0u8; 8]);
        }
        out
    }

    #[test]
    fn decodes_pixels_in_either_byte_order() {
        let pixels = [0x00ff_0000, 0x0000_ff00, 0x0000_00ff, 0x0012_3456, 0x00ff_ffff, 0];
        for little_endian in [true, false] {
            let image = decode_xwd(&xwd(3, 2, little_endian, &pixels)).unwrap();
            assert_eq!(image.dimensions(), (3, 2));
            assert_eq!(image.get_pixel(0, 0).0, [255, 0, 0]);
            assert_eq!(image.get_pixel(1, 0).0, [0, 255, 0]);
            assert_eq!(image.get_pixel(2, 0).0, [0, 0, 255]);
            assert_eq!(image.get_pixel(0, 1).0, [0x12, 0x34, 0x56]);
            assert_eq!(image.get_pixel(1, 1).0, [255, 255, 255]);
            assert_eq!(image.get_pixel(2, 1).0, [0, 0, 0]);
        }
    }

    #[test]
    fn refuses_a_file_cut_short() {
        let mut file = xwd(3, 2, true, &[0; 6]);
        file.truncate(file.len() - 4);
        assert!(decode_xwd(&file).unwrap_err().contains("cut short"));
        assert!(decode_xwd(&file[..40]).unwrap_err().contains("cut short"));
    }

    #[test]
    fn captures_a_window_cropped_from_the_screen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Xvfb_screen0");
        let pixels: Vec<u32> = (0..16).collect();
        std::fs::write(&path, xwd(4, 4, true, &pixels)).unwrap();
        let rect = Rect {
            x: 1,
            y: 2,
            width: 2,
            height: 5,
        };
        let png = capture(&path, Some(rect)).unwrap();
        let image = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(image.dimensions(), (2, 2), "clamped to the screen");
        assert_eq!(image.get_pixel(0, 0).0, [0, 0, 9]);
        assert_eq!(image.get_pixel(1, 1).0, [0, 0, 14]);
    }
}
