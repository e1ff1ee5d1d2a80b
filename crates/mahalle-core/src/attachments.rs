//! Files attached to meetings and progress reports: which kinds are accepted, judged by their
//! content (a renamed executable is not a PDF), and how large they may be.

/// Largest accepted attachment.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than 10 MB")]
    TooLarge,
    #[error("this kind of file is not accepted; use PDF, an image (PNG, JPEG), Word, Excel or plain text")]
    Kind,
}

impl AttachmentError {
    pub fn message_fa(self) -> &'static str {
        match self {
            AttachmentError::Empty => "فایل خالی است.",
            AttachmentError::TooLarge => "حجم فایل بیش از ۱۰ مگابایت است.",
            AttachmentError::Kind => {
                "این نوع فایل پذیرفته نیست؛ PDF، تصویر (PNG، JPEG)، ورد، اکسل یا متن ساده بفرستید."
            }
        }
    }
}

/// The MIME type a file really is, or why it is refused.
pub fn sniff(filename: &str, bytes: &[u8]) -> Result<&'static str, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(AttachmentError::TooLarge);
    }
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        "image/jpeg"
    } else if bytes.starts_with(b"PK\x03\x04") {
        // Office files are zip archives; the extension says which.
        match ext.as_str() {
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            _ => return Err(AttachmentError::Kind),
        }
    } else if matches!(ext.as_str(), "txt" | "csv")
        && std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0'))
    {
        "text/plain; charset=utf-8"
    } else {
        return Err(AttachmentError::Kind);
    };
    Ok(kind)
}

/// A file name safe to store and show: no path, no control characters, at most 120 characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "file".into()
    } else {
        cleaned.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_content() {
        assert_eq!(sniff("a.pdf", b"%PDF-1.7 ..."), Ok("application/pdf"));
        assert_eq!(
            sniff("photo.JPG", b"\xFF\xD8\xFF\xE0rest"),
            Ok("image/jpeg")
        );
        assert_eq!(sniff("x.png", b"\x89PNG\r\n\x1a\nrest"), Ok("image/png"));
        assert!(sniff("report.docx", b"PK\x03\x04rest")
            .unwrap()
            .contains("wordprocessingml"));
        assert_eq!(
            sniff("notes.txt", "گزارش بازدید".as_bytes()),
            Ok("text/plain; charset=utf-8")
        );
        // A program renamed to .pdf, a zip that is not an office file, binary "text".
        assert_eq!(
            sniff("invoice.pdf", b"MZ\x90\x00"),
            Err(AttachmentError::Kind)
        );
        assert_eq!(
            sniff("a.zip", b"PK\x03\x04rest"),
            Err(AttachmentError::Kind)
        );
        assert_eq!(sniff("a.txt", b"ab\0cd"), Err(AttachmentError::Kind));
        assert_eq!(sniff("a.pdf", b""), Err(AttachmentError::Empty));
        assert_eq!(
            sniff("a.pdf", &vec![b'%'; MAX_BYTES + 1]),
            Err(AttachmentError::TooLarge)
        );
    }

    #[test]
    fn file_names() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\docs\\صورت‌جلسه.pdf"), "صورت‌جلسه.pdf");
        assert_eq!(clean_filename("a\"b\n.pdf"), "ab.pdf");
        assert_eq!(clean_filename("  "), "file");
    }
}
