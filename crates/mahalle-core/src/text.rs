//! Persian text normalisation for storage and search.
//!
//! The same words reach us typed on Persian, Arabic and Latin keyboards,
//! pasted from Word or PDFs, with or without ZWNJ and diacritics. Two layers:
//!
//! * [`normalize`] fixes what is *wrong* (Arabic-keyboard letters, invisible
//!   controls, messy whitespace) and keeps what the writer chose on purpose
//!   (ZWNJ, hamza forms, ezafe ۀ, diacritics), so it is safe for text we show.
//! * [`search_key`] additionally erases everything people disagree about, so
//!   it is only for matching. The same function builds the stored key and, via
//!   [`search_terms`], the query; that symmetry is what makes matching work.
//!
//! No Unicode tables beyond `std` are used: only the compositions that occur in
//! Persian text are handled (see [`normalize`]).

const ZWNJ: char = '\u{200C}';

/// Canonical form of user-entered text, fit for storing and displaying.
///
/// * Arabic yeh `ي` and alef maksura `ى` → Persian yeh `ی`; Arabic kaf `ك` →
///   `ک`; teh marbuta `ة` → `ه` (Persian spelling of Arabic loanwords).
/// * Arabic-Indic digits `٠`–`٩` → Persian digits `۰`–`۹`; ASCII digits are
///   left alone, as they may be part of codes or Latin text.
/// * Kept on purpose: `ئ` (as in مسئله), `أ إ ؤ`, `ۀ` (ezafe, as in خانۀ),
///   diacritics and tatweel. They are correct or stylistic; [`search_key`]
///   folds them instead.
/// * NFC where Persian needs it: alef/waw/yeh/heh followed by a combining
///   madda or hamza (U+0653–U+0655) become the precomposed letter (`آ أ إ ؤ ئ
///   ۀ`). `ه`/`ی` + hamza are composed too: that is how Persian keyboards type
///   `ۀ`/`ئ`, although Unicode only composes them from `ە`/`ي`.
/// * Removed: ZWJ U+200D, zero-width space U+200B, BOM U+FEFF, and bidi
///   controls (LRM, RLM, ALM, embeddings, overrides, isolates): invisible, and
///   they break equality.
/// * ZWNJ U+200C is kept (correct orthography: می‌روم), but runs collapse to
///   one and it is dropped next to whitespace or at either end, where it means
///   nothing.
/// * Other control characters (NUL and the like, which PostgreSQL refuses) are
///   removed.
/// * Whitespace runs (including NBSP and line breaks) become one ASCII space;
///   the result is trimmed. [`normalize_multiline`] keeps the line breaks.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut pending_zwnj = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if is_invisible_control(c) || c.is_control() {
            continue;
        }
        if c == ZWNJ {
            pending_zwnj = true;
            continue;
        }
        let c = match c {
            'ي' | 'ى' => 'ی',
            'ك' => 'ک',
            'ة' => 'ه',
            '\u{0660}'..='\u{0669}' => shift_digit(c, '\u{0660}', '\u{06F0}'),
            _ => c,
        };
        if !out.is_empty() {
            if pending_space {
                out.push(' ');
            } else if pending_zwnj {
                out.push(ZWNJ);
            }
        }
        let separated = pending_space || pending_zwnj;
        pending_space = false;
        pending_zwnj = false;
        if !separated {
            if let Some(composed) = out.chars().next_back().and_then(|base| compose(base, c)) {
                out.pop();
                out.push(composed);
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// [`normalize`] for free text whose writer chose line breaks (a description, minutes): each
/// line is normalised on its own, `\r\n` and `\r` become `\n`, runs of blank lines become one
/// blank line, and blank lines at either end are dropped.
pub fn normalize_multiline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = false;
    for line in s
        .split("\r\n")
        .flat_map(|l| l.split(['\n', '\r', '\u{2028}', '\u{2029}']))
    {
        let line = normalize(line);
        if line.is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run { "\n\n" } else { "\n" });
        }
        blank_run = false;
        out.push_str(&line);
    }
    out
}

/// Removes control characters except tab and line breaks, for values that are not otherwise
/// normalised (codes, e-mail addresses, URLs): they mean nothing there and PostgreSQL refuses NUL.
pub fn strip_controls(s: &mut String) {
    if s.chars().any(is_stray_control) {
        s.retain(|c| !is_stray_control(c));
    }
}

fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// Zero-width and bidi formatting characters that carry no text.
fn is_invisible_control(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'
            | '\u{200D}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Precomposed letter for `base` + combining madda/hamza, if Persian uses one.
fn compose(base: char, mark: char) -> Option<char> {
    Some(match (base, mark) {
        ('ا', '\u{0653}') => 'آ',
        ('ا', '\u{0654}') => 'أ',
        ('ا', '\u{0655}') => 'إ',
        ('و', '\u{0654}') => 'ؤ',
        ('ی', '\u{0654}') => 'ئ',
        ('ه' | 'ە', '\u{0654}') => 'ۀ',
        _ => return None,
    })
}

/// Maps a digit of the block starting at `from_zero` to the block at `to_zero`.
fn shift_digit(c: char, from_zero: char, to_zero: char) -> char {
    let offset = u32::from(c) - u32::from(from_zero);
    char::from_u32(u32::from(to_zero) + offset).unwrap_or(c)
}

/// Key under which text is indexed and compared; never shown to users.
///
/// [`normalize`] first, then: lowercase; drop Arabic diacritics
/// (U+064B–U+065F, U+0670) and tatweel U+0640; `آ أ إ ٱ` → `ا`, `ؤ` → `و`,
/// `ئ` → `ی`, `ۀ ة` → `ه`; Persian and Arabic-Indic digits → ASCII; drop ZWNJ
/// and all whitespace, so `می‌روم`, `می روم` and `میروم` share a key; drop
/// punctuation (ASCII, Arabic `، ؛ ؟ ٪ ٫ ٬ ٭ ۔`, guillemets, general
/// punctuation such as dashes and curly quotes), so `۱۴۰۴/۰۷` finds `1404-07`.
///
/// Idempotent: `search_key(&search_key(s)) == search_key(s)`.
pub fn search_key(s: &str) -> String {
    fold(s, false)
}

/// [`search_key`] that keeps word boundaries as single spaces (ZWNJ is still
/// dropped, it does not end a word). For sorting, where `آب بهار` must come
/// before `آبان`; not for matching, where spaces are unreliable. Idempotent.
pub fn search_key_spaced(s: &str) -> String {
    fold(s, true)
}

fn fold(s: &str, keep_spaces: bool) -> String {
    let normalized = normalize(s);
    let mut out = String::with_capacity(normalized.len());
    // Punctuation removal can leave spaces doubled ("a - b"), so spaces are
    // emitted lazily, only between two kept characters.
    let mut pending_space = false;
    for c in normalized.chars() {
        let folded = match c {
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | ZWNJ => continue,
            c if c.is_whitespace() => {
                pending_space = keep_spaces;
                continue;
            }
            c if is_punctuation(c) => continue,
            'آ' | 'أ' | 'إ' | 'ٱ' => 'ا',
            'ؤ' => 'و',
            'ئ' => 'ی',
            'ۀ' | 'ة' => 'ه',
            '۰'..='۹' => shift_digit(c, '۰', '0'),
            '٠'..='٩' => shift_digit(c, '٠', '0'),
            c => c,
        };
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.extend(folded.to_lowercase());
    }
    out
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '،' | '؛' | '؟' | '٪' | '٫' | '٬' | '٭' | '۔' | '«' | '»' | '\u{2010}'..='\u{2027}'
        )
}

/// Splits a search query into terms for matching against [`search_key`]s.
///
/// The query is split on whitespace *and* ZWNJ, each piece goes through
/// [`search_key`], and empty or repeated terms are dropped. A row matches when
/// EVERY term is a substring of its key. Since keys have no spaces, the query
/// `می روم` (terms `می`, `روم`) matches `میروم`, `می‌روم` and `می روم` alike;
/// the flip side is that term order and word boundaries are not enforced.
///
/// Bounded, whatever arrives: the query is read up to [`MAX_QUERY_CHARS`] characters and to
/// [`MAX_TERMS`] terms (each term is one `LIKE` in the store).
pub fn search_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for piece in bounded_query(query).split(|c: char| c.is_whitespace() || c == ZWNJ) {
        let term = search_key(piece);
        if !term.is_empty() && !terms.contains(&term) {
            terms.push(term);
            if terms.len() == MAX_TERMS {
                break;
            }
        }
    }
    terms
}

/// The longest search anyone types; the rest of a longer query is ignored.
pub const MAX_QUERY_CHARS: usize = 200;
/// Terms a search matches on at most.
pub const MAX_TERMS: usize = 8;

/// A query cut to [`MAX_QUERY_CHARS`] characters (on a character boundary).
pub fn bounded_query(query: &str) -> &str {
    match query.char_indices().nth(MAX_QUERY_CHARS) {
        Some((at, _)) => &query[..at],
        None => query,
    }
}

/// `%term%` for `LIKE ... ESCAPE '\'`, with `\`, `%` and `_` escaped so that
/// user input is matched literally.
pub fn like_pattern(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// ASCII and Arabic-Indic digits → Persian digits `۰`–`۹`; other text unchanged.
pub fn to_persian_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => shift_digit(c, '0', '۰'),
            '٠'..='٩' => shift_digit(c, '٠', '۰'),
            _ => c,
        })
        .collect()
}

/// Persian and Arabic-Indic digits → ASCII `0`–`9`; other text unchanged.
pub fn to_latin_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '۰'..='۹' => shift_digit(c, '۰', '0'),
            '٠'..='٩' => shift_digit(c, '٠', '0'),
            _ => c,
        })
        .collect()
}

/// Integer with thousands grouping: `format_int(1234567, true)` is `۱٬۲۳۴٬۵۶۷`
/// (Persian digits, Arabic thousands separator U+066C), with `false` it is
/// `1,234,567`.
///
/// Persian negatives follow CLDR's `fa` locale: LRM + MINUS SIGN (U+2212).
/// The LRM keeps the sign on the left in right-to-left text, where a bare
/// `-` would be displayed after the number.
pub fn format_int(n: i64, persian: bool) -> String {
    let digits = n.unsigned_abs().to_string();
    let separator = if persian { '٬' } else { ',' };
    let mut out = String::with_capacity(digits.len() * 3);
    if n < 0 {
        out.push_str(if persian { "\u{200E}\u{2212}" } else { "-" });
    }
    // Groups of three counted from the right; the digits are ASCII.
    for (i, group) in digits.as_bytes().rchunks(3).rev().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        for &b in group {
            let c = char::from(b);
            out.push(if persian {
                shift_digit(c, '0', '۰')
            } else {
                c
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_arabic_letters() {
        assert_eq!(normalize("علي"), "علی");
        assert_eq!(normalize("كتاب"), "کتاب");
        assert_eq!(normalize("مصطفى"), "مصطفی");
        assert_eq!(normalize("مدرسة"), "مدرسه");
        assert_eq!(normalize("منطقه ١٤"), "منطقه ۱۴");
        assert_eq!(normalize("منطقه 14"), "منطقه 14");
    }

    #[test]
    fn normalize_keeps_deliberate_forms() {
        for s in [
            "مسئله",
            "خانۀ ما",
            "مُحَمَّد",
            "تأسیس",
            "مؤسسه",
            "می‌روم",
            "خیــلی",
        ] {
            assert_eq!(normalize(s), s);
        }
    }

    #[test]
    fn normalize_whitespace_and_invisibles() {
        assert_eq!(
            normalize("  شهرداری \t\n منطقه\u{00A0}۱۴  "),
            "شهرداری منطقه ۱۴"
        );
        assert_eq!(normalize("\u{200F}سلام\u{200E}"), "سلام");
        assert_eq!(normalize("\u{202B}abc\u{202C} \u{2067}x\u{2069}"), "abc x");
        assert_eq!(normalize("\u{FEFF}a\u{200B}b\u{200D}c"), "abc");
        assert_eq!(normalize("می\u{200C}\u{200C}روم"), "می\u{200C}روم");
        assert_eq!(normalize("\u{200C}می \u{200C}روم\u{200C}"), "می روم");
        assert_eq!(normalize("   "), "");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("a\u{0}b\u{7}c\u{85}d"), "abc d");
    }

    #[test]
    fn normalize_multiline_keeps_paragraphs() {
        assert_eq!(
            normalize_multiline("\r\n  چراغ  خاموش است\r\nکوچه\u{0}  تاریک\r\n\r\n\n\nلطفاً  \n\n"),
            "چراغ خاموش است\nکوچه تاریک\n\nلطفاً"
        );
        assert_eq!(normalize_multiline("يك\rدو"), "یک\nدو");
        assert_eq!(normalize_multiline(" \n \t\n"), "");
        for s in ["a\n\nb", "x\ny\n\n\nz", "\n\nq"] {
            let once = normalize_multiline(s);
            assert_eq!(normalize_multiline(&once), once);
        }
    }

    #[test]
    fn strip_controls_keeps_line_breaks_and_tabs() {
        let mut s = String::from("a\u{0}b\tc\nd\u{1b}");
        strip_controls(&mut s);
        assert_eq!(s, "ab\tc\nd");
    }

    #[test]
    fn normalize_composes_hamza_and_madda() {
        assert_eq!(normalize("ا\u{0653}ب"), "آب");
        assert_eq!(normalize("ا\u{0654}"), "أ");
        assert_eq!(normalize("ا\u{0655}"), "إ");
        assert_eq!(normalize("مو\u{0654}سسه"), "مؤسسه");
        assert_eq!(normalize("مسي\u{0654}له"), "مسئله");
        assert_eq!(normalize("مسی\u{0654}له"), "مسئله");
        assert_eq!(normalize("خانه\u{0654} ما"), "خانۀ ما");
        // A mark after a separator has no base to compose with.
        assert_eq!(normalize("ا \u{0653}"), "ا \u{0653}");
    }

    #[test]
    fn key_yeh_kaf() {
        assert_eq!(search_key("علي"), search_key("علی"));
        assert_eq!(search_key("كتاب"), search_key("کتاب"));
        assert_eq!(search_key("ك"), "ک");
        assert_eq!(search_key("مسئله"), search_key("مسیله"));
    }

    #[test]
    fn key_zwnj_and_space_variants() {
        let k = search_key("میروم");
        assert_eq!(search_key("می\u{200C}روم"), k);
        assert_eq!(search_key("می روم"), k);
        assert_eq!(search_key(" می  \u{200C} روم "), k);
    }

    #[test]
    fn key_diacritics_alef_heh() {
        assert_eq!(search_key("مُحَمَّد"), search_key("محمد"));
        assert_eq!(search_key("قرآن"), search_key("قران"));
        assert_eq!(search_key("تأسیس"), search_key("تاسیس"));
        assert_eq!(search_key("مؤسسه"), search_key("موسسه"));
        assert_eq!(search_key("خانۀ"), search_key("خانه"));
        assert_eq!(search_key("ٱلله"), search_key("الله"));
        assert_eq!(search_key("خیــلی"), search_key("خیلی"));
        assert_eq!(search_key("رحمٰن"), search_key("رحمن"));
    }

    #[test]
    fn key_digits_case_punctuation() {
        let k = search_key("منطقه 14");
        assert_eq!(k, "منطقه14");
        assert_eq!(search_key("منطقه ۱۴"), k);
        assert_eq!(search_key("منطقه ١٤"), k);
        assert_eq!(search_key("Tehran MAHALLE"), "tehranmahalle");
        assert_eq!(search_key("چرا؟ خیابان، کوچه؛ پلاک."), "چراخیابانکوچهپلاک");
        assert_eq!(search_key("۱۴۰۴/۰۷/۰۹"), search_key("1404-07-09"));
        assert_eq!(search_key("a_b.c/d-e"), "abcde");
        assert_eq!(search_key("«نقل» “quote” — x"), "نقلquotex");
        assert_eq!(search_key(""), "");
    }

    #[test]
    fn spaced_key_keeps_word_boundaries() {
        assert_eq!(search_key_spaced("  آبِ  بهار "), "اب بهار");
        assert_eq!(search_key_spaced("یوسف\u{200C}آباد"), "یوسفاباد");
        assert_eq!(search_key_spaced("a - b،  C"), "a b c");
        assert_eq!(search_key_spaced("- x -"), "x");
        assert_eq!(search_key_spaced("علي  ۱۴"), "علی 14");
        assert!(search_key_spaced("آب بهار") < search_key_spaced("آبان"));
        assert_eq!(
            search_key_spaced("می روم").replace(' ', ""),
            search_key("می روم")
        );
    }

    #[test]
    fn queries_are_bounded() {
        let long = "آب ".repeat(10_000);
        assert_eq!(bounded_query(&long).chars().count(), MAX_QUERY_CHARS);
        assert_eq!(search_terms(&long), vec!["اب"]);
        let many: String = (0..1000).map(|i| format!("w{i} ")).collect();
        assert_eq!(search_terms(&many).len(), MAX_TERMS);
        assert_eq!(bounded_query("کوتاه"), "کوتاه");
    }

    #[test]
    fn terms_split_on_space_and_zwnj() {
        assert_eq!(search_terms("می روم"), ["می", "روم"]);
        assert_eq!(search_terms("می\u{200C}روم"), ["می", "روم"]);
        assert_eq!(search_terms("  "), Vec::<String>::new());
        assert_eq!(search_terms("- ، ؟"), Vec::<String>::new());
        assert_eq!(search_terms("كتاب کتاب"), ["کتاب"]);
        let key = search_key("میروم");
        assert!(search_terms("می روم")
            .iter()
            .all(|t| key.contains(t.as_str())));
    }

    #[test]
    fn terms_match_stored_key() {
        let terms = search_terms("شهرداری  منطقه");
        assert_eq!(terms.len(), 2);
        let key = search_key("شهرداری منطقه ۱۴");
        assert!(terms.iter().all(|t| key.contains(t.as_str())));
        let key = search_key("شهرداري منطقة 14");
        assert!(search_terms("منطقه ١٤ شهرداری")
            .iter()
            .all(|t| key.contains(t.as_str())));
        assert!(!search_terms("منطقه ۱۵")
            .iter()
            .all(|t| key.contains(t.as_str())));
    }

    #[test]
    fn like_pattern_escapes() {
        assert_eq!(like_pattern("abc"), "%abc%");
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
        assert_eq!(like_pattern("a\\b"), "%a\\\\b%");
        assert_eq!(like_pattern(""), "%%");
        assert_eq!(like_pattern("منطقه"), "%منطقه%");
    }

    #[test]
    fn digit_conversion() {
        assert_eq!(to_persian_digits("منطقه 14 و ١٥"), "منطقه ۱۴ و ۱۵");
        assert_eq!(to_persian_digits("0123456789"), "۰۱۲۳۴۵۶۷۸۹");
        assert_eq!(
            to_latin_digits("۰۱۲۳۴۵۶۷۸۹ ٠١٢٣٤٥٦٧٨٩"),
            "0123456789 0123456789"
        );
        assert_eq!(to_latin_digits("abc"), "abc");
        assert_eq!(
            to_latin_digits(&to_persian_digits("1404/07/09")),
            "1404/07/09"
        );
    }

    #[test]
    fn int_formatting() {
        assert_eq!(format_int(1_234_567, true), "۱٬۲۳۴٬۵۶۷");
        assert_eq!(format_int(1_234_567, false), "1,234,567");
        assert_eq!(format_int(0, false), "0");
        assert_eq!(format_int(0, true), "۰");
        assert_eq!(format_int(999, false), "999");
        assert_eq!(format_int(1000, false), "1,000");
        assert_eq!(format_int(-1000, false), "-1,000");
        assert_eq!(format_int(-1_234_567, true), "\u{200E}\u{2212}۱٬۲۳۴٬۵۶۷");
        assert_eq!(format_int(i64::MIN, false), "-9,223,372,036,854,775,808");
        assert_eq!(format_int(i64::MAX, false), "9,223,372,036,854,775,807");
    }

    const SAMPLES: &[&str] = &[
        "",
        "   ",
        "علي",
        "كتاب",
        "می‌روم",
        "می روم",
        "مُحَمَّد",
        "منطقه ١٤",
        "خانۀ ما",
        "مسئله",
        "آب",
        "ا\u{0653}",
        "ا \u{0653}",
        "Tehran İstanbul ẞ",
        "\u{200F}سلام\u{200E}\u{200C}",
        "50%_off\\",
        "۱۴۰۴/۰۷/۰۹",
        "خیــلی",
        "a\u{200C} \u{200C}b",
        "a - b",
        " - ",
        "آب بهار، آبان",
    ];

    /// Tiny deterministic generator: no dev-dependencies needed.
    fn pseudo_random_strings(count: usize) -> Vec<String> {
        const ALPHABET: &[char] = &[
            'ا', 'آ', 'أ', 'إ', 'ٱ', 'ي', 'ی', 'ى', 'ئ', 'ك', 'ک', 'ه', 'ة', 'ۀ', 'ە', 'و', 'ؤ',
            '\u{0653}', '\u{0654}', '\u{0655}', '\u{064E}', '\u{0670}', '\u{0640}', '\u{200C}',
            '\u{200D}', '\u{200E}', '\u{202B}', ' ', '\t', '\u{00A0}', '1', '۱', '١', 'A', 'b',
            'İ', '،', '-', '_', '%', '.',
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).unwrap_or(0)
        };
        (0..count)
            .map(|_| {
                let len = next() % 12;
                (0..len)
                    .map(|_| ALPHABET[next() % ALPHABET.len()])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn normalize_and_search_key_are_idempotent() {
        let generated = pseudo_random_strings(5000);
        let all = SAMPLES
            .iter()
            .copied()
            .chain(generated.iter().map(String::as_str));
        for s in all {
            let n = normalize(s);
            assert_eq!(normalize(&n), n, "normalize {s:?}");
            let k = search_key(s);
            assert_eq!(search_key(&k), k, "search_key {s:?}");
            let spaced = search_key_spaced(s);
            assert_eq!(search_key_spaced(&spaced), spaced, "spaced {s:?}");
            assert_eq!(search_key(&spaced), k, "spaced then key {s:?}");
            assert_eq!(spaced.replace(' ', ""), k, "spaced minus spaces {s:?}");
            // Normalising first must not change the key either.
            assert_eq!(search_key(&n), k, "key of normalized {s:?}");
            // Every term of a text is found in that text's own key.
            assert!(
                search_terms(s).iter().all(|t| k.contains(t.as_str())),
                "{s:?}"
            );
        }
    }
}
