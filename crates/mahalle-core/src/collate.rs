//! Persian alphabetical order. Unicode puts پ چ ژ گ ک ی far from their places in the Persian
//! alphabet, so sorting by code point is wrong; `sort_key` maps each letter to its rank so that a
//! plain binary comparison (SQLite's default, PostgreSQL's `COLLATE "C"`) gives Persian order.

/// The Persian alphabet in order (آ sorts with ا, as dictionaries do after it).
const ALPHABET: &str = "اآبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی";

/// Key whose code-point order is Persian alphabetical order. Latin text keeps its (lower-case)
/// order after the Persian letters; digits come first.
pub fn sort_key(s: &str) -> String {
    let norm = crate::text::search_key_spaced(s);
    norm.chars()
        .filter_map(|c| {
            if let Some(rank) = ALPHABET.chars().position(|a| a == c) {
                // U+0621 onward: inside the Arabic block, above ASCII, in alphabet order.
                char::from_u32(0x0621 + rank as u32)
            } else if c == '\u{200c}' {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sort_key;

    #[test]
    fn persian_order() {
        let mut words = vec![
            "گلستان",
            "کوی",
            "ژاله",
            "پونک",
            "تجریش",
            "یوسف‌آباد",
            "آهنگ",
            "بهار",
            "چیتگر",
            "زعفرانیه",
        ];
        words.sort_by_key(|w| sort_key(w));
        assert_eq!(
            words,
            vec![
                "آهنگ",
                "بهار",
                "پونک",
                "تجریش",
                "چیتگر",
                "زعفرانیه",
                "ژاله",
                "کوی",
                "گلستان",
                "یوسف‌آباد"
            ]
        );
    }

    #[test]
    fn arabic_letters_sort_as_persian() {
        assert_eq!(sort_key("علي"), sort_key("علی"));
        assert!(sort_key("کاج") < sort_key("گل"));
        assert!(sort_key("كاج") < sort_key("گل"));
    }
}
