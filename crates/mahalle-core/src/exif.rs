//! Citizens attach photos to their requests straight from a phone, and phones write where the
//! photo was taken (GPS in Exif/XMP) and often the device and owner's name. Publishing that would
//! reveal where a citizen lives, so photos are stripped before they are stored.
//!
//! Stripping works on the container structure only: the image data is never decoded or
//! re-encoded, so what is kept is kept byte for byte. Anything that does not parse cleanly is
//! refused rather than stored half-cleaned.

/// Why a photo could not be stripped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StripError {
    #[error("not a JPEG, PNG or WebP image")]
    Unsupported,
    #[error("the image file is truncated or damaged")]
    Corrupt,
}

impl StripError {
    pub fn message_fa(self) -> &'static str {
        match self {
            StripError::Unsupported => "فقط تصویر JPEG، PNG یا WebP پذیرفته است.",
            StripError::Corrupt => "فایل تصویر ناقص یا خراب است.",
        }
    }
}

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// The image with its location and other descriptive metadata removed.
///
/// * JPEG: APP1 (Exif, XMP), APP13 (Photoshop/IPTC) and COM segments are dropped.
/// * PNG: `eXIf`, `tEXt`, `zTXt` and `iTXt` chunks are dropped.
/// * WebP: `EXIF` and `XMP ` chunks are dropped, the RIFF size is fixed and the VP8X flags that
///   announce them are cleared.
///
/// Everything else is kept unchanged, except that a JPEG ends at its end-of-image marker: phones
/// append a second image or a short video there (motion and multi-picture photos), which carry
/// their own metadata, location included.
pub fn strip_metadata(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        strip_jpeg(bytes)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        strip_png(bytes)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        strip_webp(bytes)
    } else {
        Err(StripError::Unsupported)
    }
}

/// Big-endian u16 at `at`, if it is in bounds.
fn be16(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]) as usize)
}

fn be32(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

fn le32(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

fn strip_jpeg(b: &[u8]) -> Result<Vec<u8>, StripError> {
    const APP1: u8 = 0xE1;
    const APP13: u8 = 0xED;
    const COM: u8 = 0xFE;
    const SOS: u8 = 0xDA;
    const EOI: u8 = 0xD9;

    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut i = 2;
    loop {
        // A marker is 0xFF, optionally preceded by more 0xFF fill bytes, then its code.
        let start = i;
        if b.get(i) != Some(&0xFF) {
            return Err(StripError::Corrupt);
        }
        while b.get(i) == Some(&0xFF) {
            i += 1;
        }
        let marker = *b.get(i).ok_or(StripError::Corrupt)?;
        i += 1;
        match marker {
            0x00 | 0xD8 => return Err(StripError::Corrupt),
            EOI => {
                // End of image without a scan; keep it and anything after it.
                out.extend_from_slice(&b[start..]);
                return Ok(out);
            }
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => out.extend_from_slice(&b[start..i]),
            _ => {
                let len = be16(b, i).ok_or(StripError::Corrupt)?;
                if len < 2 {
                    return Err(StripError::Corrupt);
                }
                let end = i + len;
                if end > b.len() {
                    return Err(StripError::Corrupt);
                }
                if marker == SOS {
                    // The scans stay as they are, up to the end-of-image marker: inside
                    // entropy-coded data 0xFF is always stuffed (FF 00), so the first FF D9 is
                    // the real end. Whatever follows it is dropped.
                    let stop = b[end..]
                        .windows(2)
                        .position(|w| w == [0xFF, EOI])
                        .map_or(b.len(), |k| end + k + 2);
                    out.extend_from_slice(&b[start..stop]);
                    return Ok(out);
                }
                if !matches!(marker, APP1 | APP13 | COM) {
                    out.extend_from_slice(&b[start..end]);
                }
                i = end;
            }
        }
    }
}

fn strip_png(b: &[u8]) -> Result<Vec<u8>, StripError> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut i = PNG_SIGNATURE.len();
    loop {
        let len = be32(b, i).ok_or(StripError::Corrupt)?;
        if len > 0x7FFF_FFFF {
            return Err(StripError::Corrupt);
        }
        let kind = b.get(i + 4..i + 8).ok_or(StripError::Corrupt)?;
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(StripError::Corrupt);
        }
        // length, type, data, CRC
        let end = (i + 12).checked_add(len).ok_or(StripError::Corrupt)?;
        if end > b.len() {
            return Err(StripError::Corrupt);
        }
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt") {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            out.extend_from_slice(&b[i..]);
            return Ok(out);
        }
    }
}

fn strip_webp(b: &[u8]) -> Result<Vec<u8>, StripError> {
    // VP8X flag bits announcing EXIF and XMP chunks.
    const EXIF_FLAG: u8 = 0x08;
    const XMP_FLAG: u8 = 0x04;

    let riff_end = le32(b, 4)
        .and_then(|size| size.checked_add(8))
        .ok_or(StripError::Corrupt)?;
    if riff_end > b.len() || riff_end < 12 {
        return Err(StripError::Corrupt);
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..12]);
    let mut i = 12;
    while i < riff_end {
        let kind = b.get(i..i + 4).ok_or(StripError::Corrupt)?;
        let len = le32(b, i + 4).ok_or(StripError::Corrupt)?;
        let data_end = (i + 8).checked_add(len).ok_or(StripError::Corrupt)?;
        if data_end > riff_end {
            return Err(StripError::Corrupt);
        }
        // Odd-sized chunks are padded to an even length; tolerate a missing pad at the very end.
        let end = (data_end + (len & 1)).min(riff_end);
        match kind {
            b"EXIF" | b"XMP " => {}
            b"VP8X" => {
                let at = out.len();
                out.extend_from_slice(&b[i..end]);
                if len > 0 {
                    out[at + 8] &= !(EXIF_FLAG | XMP_FLAG);
                }
            }
            _ => out.extend_from_slice(&b[i..end]),
        }
        i = end;
    }
    let size = u32::try_from(out.len() - 8).map_err(|_| StripError::Corrupt)?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&b[riff_end..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPS: &[u8] = b"Exif\0\0GPS 35.6892N 51.3890E home of the citizen";

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn seg(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, marker];
        v.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        v.extend_from_slice(payload);
        v
    }

    /// A JPEG skeleton: SOI, JFIF, [metadata], DQT, SOF0, DHT, SOS, entropy data, EOI.
    fn jpeg(meta: &[Vec<u8>]) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend(seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        for m in meta {
            v.extend_from_slice(m);
        }
        v.extend(seg(0xE2, b"ICC_PROFILE\0\x01\x01colour"));
        v.extend(seg(0xDB, &[0u8; 65]));
        v.extend(seg(0xC0, &[8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
        v.extend(seg(0xC4, &[0u8; 20]));
        v.extend(seg(0xDA, &[1, 1, 0, 0, 63, 0]));
        // Entropy-coded data with a stuffed 0xFF00 and a restart marker; it even contains
        // bytes that look like an APP1 marker, which must not be touched.
        v.extend_from_slice(&[
            0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0xFF, 0xE1, 0x00, 0x04, 0x56,
        ]);
        v.extend_from_slice(&[0xFF, 0xD9]);
        v
    }

    #[test]
    fn jpeg_without_metadata_is_unchanged() {
        let j = jpeg(&[]);
        assert_eq!(strip_metadata(&j).unwrap(), j);
    }

    #[test]
    fn jpeg_exif_xmp_iptc_and_comments_are_dropped() {
        let exif = seg(0xE1, GPS);
        let xmp = seg(
            0xE1,
            b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPSLatitude</x:xmpmeta>",
        );
        let iptc = seg(0xED, b"Photoshop 3.0\08BIM city GPS");
        let com = seg(0xFE, b"taken at GPS home");
        let dirty = jpeg(&[exif, xmp, iptc, com]);
        assert!(contains(&dirty, b"GPS"));
        let clean = strip_metadata(&dirty).unwrap();
        assert!(!contains(&clean, b"GPS"));
        assert_eq!(clean, jpeg(&[]));
    }

    #[test]
    fn jpeg_keeps_fill_bytes_and_other_app_segments_but_not_appended_data() {
        let mut j = vec![0xFF, 0xD8, 0xFF];
        j.extend(seg(0xE0, b"JFIF\0"));
        j.extend(seg(0xEE, b"Adobe"));
        j.extend(seg(0xE1, GPS));
        j.extend(seg(0xDA, &[0]));
        j.extend_from_slice(&[1, 2, 3, 0xFF, 0xD9, b't', b'a', b'i', b'l']);
        let clean = strip_metadata(&j).unwrap();
        let mut want = vec![0xFF, 0xD8, 0xFF];
        want.extend(seg(0xE0, b"JFIF\0"));
        want.extend(seg(0xEE, b"Adobe"));
        want.extend(seg(0xDA, &[0]));
        want.extend_from_slice(&[1, 2, 3, 0xFF, 0xD9]);
        assert_eq!(clean, want, "the appended motion-photo tail is gone");
    }

    #[test]
    fn jpeg_structural_errors_are_corrupt() {
        // Just the SOI.
        assert_eq!(strip_metadata(&[0xFF, 0xD8]), Err(StripError::Corrupt));
        // Garbage where a marker should be.
        assert_eq!(
            strip_metadata(&[0xFF, 0xD8, 0x00, 0x01]),
            Err(StripError::Corrupt)
        );
        // Segment length below 2.
        assert_eq!(
            strip_metadata(&[0xFF, 0xD8, 0xFF, 0xE1, 0, 1]),
            Err(StripError::Corrupt)
        );
        // Length past the end.
        assert_eq!(
            strip_metadata(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 1]),
            Err(StripError::Corrupt)
        );
        // Second SOI or an escaped zero at segment level.
        assert_eq!(
            strip_metadata(&[0xFF, 0xD8, 0xFF, 0xD8]),
            Err(StripError::Corrupt)
        );
        assert_eq!(
            strip_metadata(&[0xFF, 0xD8, 0xFF, 0x00]),
            Err(StripError::Corrupt)
        );
        // Only fill bytes.
        assert_eq!(
            strip_metadata(&[0xFF, 0xD8, 0xFF, 0xFF, 0xFF]),
            Err(StripError::Corrupt)
        );
    }

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(data);
        v.extend_from_slice(&[0xDE, 0xAD, 0xBE, 0xEF]); // CRC is not checked
        v
    }

    fn png(meta: &[Vec<u8>]) -> Vec<u8> {
        let mut v = PNG_SIGNATURE.to_vec();
        v.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
        for m in meta {
            v.extend_from_slice(m);
        }
        v.extend(chunk(b"pHYs", &[0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1]));
        v.extend(chunk(b"IDAT", b"\x78\x9c compressed pixels"));
        v.extend(chunk(b"IEND", &[]));
        v
    }

    #[test]
    fn png_text_and_exif_chunks_are_dropped() {
        let dirty = png(&[
            chunk(b"eXIf", GPS),
            chunk(b"tEXt", b"Comment\0GPS home"),
            chunk(b"zTXt", b"Author\0\0GPS"),
            chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0GPSLatitude"),
        ]);
        assert!(contains(&dirty, b"GPS"));
        let clean = strip_metadata(&dirty).unwrap();
        assert!(!contains(&clean, b"GPS"));
        assert_eq!(clean, png(&[]));
        assert_eq!(strip_metadata(&png(&[])).unwrap(), png(&[]));
    }

    #[test]
    fn png_keeps_bytes_after_iend() {
        let mut p = png(&[chunk(b"tEXt", b"GPS")]);
        p.extend_from_slice(b"after");
        let mut want = png(&[]);
        want.extend_from_slice(b"after");
        assert_eq!(strip_metadata(&p).unwrap(), want);
    }

    #[test]
    fn png_structural_errors_are_corrupt() {
        // No IEND.
        let mut p = PNG_SIGNATURE.to_vec();
        p.extend(chunk(b"IHDR", &[0; 13]));
        assert_eq!(strip_metadata(&p), Err(StripError::Corrupt));
        // Huge length.
        let mut p = PNG_SIGNATURE.to_vec();
        p.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xF0]);
        p.extend_from_slice(b"IDAT");
        assert_eq!(strip_metadata(&p), Err(StripError::Corrupt));
        // Non-letter chunk type.
        let mut p = PNG_SIGNATURE.to_vec();
        p.extend(chunk(b"ID\0T", &[]));
        assert_eq!(strip_metadata(&p), Err(StripError::Corrupt));
    }

    fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = kind.to_vec();
        v.extend_from_slice(&(data.len() as u32).to_le_bytes());
        v.extend_from_slice(data);
        if data.len() % 2 == 1 {
            v.push(0);
        }
        v
    }

    fn webp(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut v = b"RIFF".to_vec();
        v.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
        v.extend_from_slice(b"WEBP");
        v.extend(body);
        v
    }

    fn vp8x(flags: u8) -> Vec<u8> {
        riff_chunk(b"VP8X", &[flags, 0, 0, 0, 15, 0, 0, 15, 0, 0])
    }

    #[test]
    fn webp_exif_and_xmp_are_dropped_and_header_fixed() {
        let image = riff_chunk(b"VP8 ", b"odd-sized frame");
        let iccp = riff_chunk(b"ICCP", b"profile");
        let dirty = webp(&[
            vp8x(0x20 | 0x08 | 0x04),
            iccp.clone(),
            image.clone(),
            riff_chunk(b"EXIF", GPS),
            riff_chunk(b"XMP ", b"<x:xmpmeta>GPS</x:xmpmeta>"),
        ]);
        assert!(contains(&dirty, b"GPS"));
        let clean = strip_metadata(&dirty).unwrap();
        assert!(!contains(&clean, b"GPS"));
        assert_eq!(clean, webp(&[vp8x(0x20), iccp, image]));
    }

    #[test]
    fn simple_webp_is_unchanged() {
        let w = webp(&[riff_chunk(b"VP8L", b"lossless")]);
        assert_eq!(strip_metadata(&w).unwrap(), w);
    }

    #[test]
    fn webp_structural_errors_are_corrupt() {
        // RIFF size larger than the file.
        let mut w = webp(&[riff_chunk(b"VP8L", b"x")]);
        w[4] = 0xFF;
        assert_eq!(strip_metadata(&w), Err(StripError::Corrupt));
        // Chunk length past the RIFF end.
        let mut w = webp(&[riff_chunk(b"VP8L", b"xy")]);
        w[16] = 0x40;
        assert_eq!(strip_metadata(&w), Err(StripError::Corrupt));
        // RIFF size too small to hold "WEBP".
        let mut w = webp(&[]);
        w[4] = 2;
        assert_eq!(strip_metadata(&w), Err(StripError::Corrupt));
    }

    #[test]
    fn other_formats_are_unsupported() {
        for b in [
            &b""[..],
            b"\xFF",
            b"GIF89a....",
            b"%PDF-1.7",
            b"RIFF\x04\0\0\0WAVE",
            b"\x89PNG\r\n",
        ] {
            assert_eq!(strip_metadata(b), Err(StripError::Unsupported), "{b:?}");
        }
    }

    /// Every prefix and every single-byte corruption of a dirty file: no panic, and whatever is
    /// accepted carries no GPS payload.
    #[test]
    fn truncated_and_mangled_inputs_never_panic_or_leak() {
        let files = [
            jpeg(&[seg(0xE1, GPS)]),
            png(&[chunk(b"eXIf", GPS)]),
            webp(&[
                vp8x(0x08),
                riff_chunk(b"VP8 ", b"frame"),
                riff_chunk(b"EXIF", GPS),
            ]),
        ];
        for f in &files {
            for n in 0..=f.len() {
                if let Ok(out) = strip_metadata(&f[..n]) {
                    assert!(!contains(&out, b"GPS"), "prefix of {n} bytes leaked");
                }
            }
            for at in 0..f.len() {
                for v in [0x00, 0x01, 0x7F, 0xD9, 0xDA, 0xFF] {
                    let mut m = f.clone();
                    m[at] = v;
                    let _ = strip_metadata(&m);
                }
            }
        }
    }

    #[test]
    fn truncated_jpeg_inside_the_scan_is_kept_as_is() {
        let j = jpeg(&[seg(0xE1, GPS)]);
        let clean = jpeg(&[]);
        // Cut the last 3 bytes: still inside the entropy-coded data.
        let out = strip_metadata(&j[..j.len() - 3]).unwrap();
        assert_eq!(out, clean[..clean.len() - 3]);
    }

    #[test]
    fn messages_are_in_persian() {
        assert!(StripError::Corrupt.message_fa().contains("خراب"));
    }
}
