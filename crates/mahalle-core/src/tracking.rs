//! Tracking codes that a citizen gets for a request and reads out over the phone, like
//! `K7M-4QX-9TP-R`.
//!
//! * Crockford base32 (no I, L, O or U), so nothing is ambiguous when spoken or handwritten; when
//!   reading one back, I and L count as 1 and O as 0, case, dashes and spaces do not matter, and
//!   Persian or Arabic-Indic digits are accepted.
//! * Not guessable: the id is scrambled with a secret through a keyed permutation (a Feistel
//!   network), so code N+1 tells nothing about code N and nobody can walk through other
//!   citizens' requests by counting.
//! * The last symbol is a check character: any single mistyped symbol and any swap of two
//!   symbols is rejected rather than silently pointing at someone else's request.
//!
//! Layout: 9 data symbols (45 bits, ids `0..=MAX_TRACKED_ID`) plus the check symbol, grouped by
//! three.

/// Crockford's base32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DATA_SYMBOLS: usize = 9;
const SYMBOLS: usize = DATA_SYMBOLS + 1;
const BITS: u32 = 45;
/// The largest id that has a tracking code (about 35 trillion).
pub const MAX_TRACKED_ID: i64 = (1 << BITS) - 1;

const HALF_BITS: u32 = 23;
const HALF_MASK: u64 = (1 << HALF_BITS) - 1;
const ROUNDS: usize = 8;

/// The tracking code for request `id`, scrambled with `secret` (which must stay the same for
/// codes already handed out to remain valid).
///
/// # Panics
/// If `id` is negative or above [`MAX_TRACKED_ID`]; database ids never are.
pub fn tracking_code(id: i64, secret: u64) -> String {
    assert!(
        (0..=MAX_TRACKED_ID).contains(&id),
        "tracking codes cover ids 0..=MAX_TRACKED_ID, not {id}"
    );
    let keys = round_keys(secret);
    let mut x = id as u64;
    // Cycle-walk: the Feistel network permutes 46 bits; repeat until we are back in 45.
    loop {
        x = feistel(x, &keys);
        if x >> BITS == 0 {
            break;
        }
    }
    let mut symbols = [0u8; SYMBOLS];
    for (i, s) in symbols[..DATA_SYMBOLS].iter_mut().enumerate() {
        *s = ((x >> (5 * (DATA_SYMBOLS - 1 - i))) & 31) as u8;
    }
    symbols[DATA_SYMBOLS] = check_symbol(&symbols[..DATA_SYMBOLS]);
    let mut out = String::with_capacity(SYMBOLS + SYMBOLS / 3);
    for (i, &s) in symbols.iter().enumerate() {
        if i > 0 && i % 3 == 0 {
            out.push('-');
        }
        out.push(ALPHABET[s as usize] as char);
    }
    out
}

/// The request id a code stands for, or `None` if it is not a well-formed code with a correct
/// check symbol. A code typed with the wrong secret yields some other id (or `None`); the caller
/// looks the id up anyway.
pub fn parse_tracking_code(s: &str, secret: u64) -> Option<i64> {
    let mut symbols = [0u8; SYMBOLS];
    let mut n = 0;
    for c in s.chars() {
        if is_separator(c) {
            continue;
        }
        let v = symbol_value(c)?;
        *symbols.get_mut(n)? = v;
        n += 1;
    }
    if n != SYMBOLS || check_symbol(&symbols[..DATA_SYMBOLS]) != symbols[DATA_SYMBOLS] {
        return None;
    }
    let mut x = symbols[..DATA_SYMBOLS]
        .iter()
        .fold(0u64, |acc, &v| (acc << 5) | u64::from(v));
    let keys = round_keys(secret);
    loop {
        x = feistel_inverse(x, &keys);
        if x >> BITS == 0 {
            break;
        }
    }
    Some(x as i64)
}

/// Dashes, spaces and the invisible direction/joiner marks a Persian keyboard may insert.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '_' | '.' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{200B}'..='\u{200F}' | '\u{061C}'
        )
}

fn symbol_value(c: char) -> Option<u8> {
    let digit = match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0), // Persian digits
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660), // Arabic-Indic digits
        _ => None,
    };
    if let Some(d) = digit {
        return Some(d as u8);
    }
    match c.to_ascii_uppercase() {
        'I' | 'L' => Some(1),
        'O' => Some(0),
        u if u.is_ascii_uppercase() => ALPHABET.iter().position(|&a| a == u as u8).map(|p| p as u8),
        _ => None,
    }
}

/// Multiplication in GF(32), modulo the primitive polynomial x^5 + x^2 + 1.
fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0x25;
        }
    }
    p
}

fn gf_pow2(e: u32) -> u8 {
    (0..e % 31).fold(1, |acc, _| gf_mul(acc, 2))
}

/// The check symbol c making `sum(w_i * v_i) + w_9 * c = 0` in GF(32), with the distinct
/// weights w_i = 2^(i+1). Changing one symbol changes the sum by a non-zero amount, and swapping
/// two different symbols changes it by (w_i - w_j)(a - b), also non-zero.
fn check_symbol(data: &[u8]) -> u8 {
    let sum = data
        .iter()
        .enumerate()
        .fold(0, |acc, (i, &v)| acc ^ gf_mul(gf_pow2(i as u32 + 1), v));
    // Divide by w_9 = 2^10, i.e. multiply by 2^21.
    gf_mul(sum, gf_pow2(31 - DATA_SYMBOLS as u32 - 1))
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn round_keys(secret: u64) -> [u64; ROUNDS] {
    let mut keys = [0; ROUNDS];
    let mut state = secret;
    for k in &mut keys {
        state = splitmix64(state);
        *k = state;
    }
    keys
}

fn round(half: u64, key: u64) -> u64 {
    splitmix64(half ^ key) & HALF_MASK
}

/// A balanced Feistel network over 46 bits: a permutation whatever the round function is.
fn feistel(x: u64, keys: &[u64; ROUNDS]) -> u64 {
    let (mut l, mut r) = (x >> HALF_BITS, x & HALF_MASK);
    for &k in keys {
        (l, r) = (r, l ^ round(r, k));
    }
    (l << HALF_BITS) | r
}

fn feistel_inverse(x: u64, keys: &[u64; ROUNDS]) -> u64 {
    let (mut l, mut r) = (x >> HALF_BITS, x & HALF_MASK);
    for &k in keys.iter().rev() {
        (l, r) = (r ^ round(l, k), l);
    }
    (l << HALF_BITS) | r
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const SECRET: u64 = 0x5EC2_E7F0_0DCA_FE11;

    fn is_well_formed(code: &str) -> bool {
        let b = code.as_bytes();
        b.len() == 13
            && b.iter().enumerate().all(|(i, c)| {
                if i % 4 == 3 {
                    *c == b'-'
                } else {
                    ALPHABET.contains(c)
                }
            })
    }

    #[test]
    fn round_trips_the_first_hundred_thousand_ids() {
        let mut seen = HashSet::new();
        for id in 1..=100_000 {
            let code = tracking_code(id, SECRET);
            assert!(is_well_formed(&code), "{code}");
            assert_eq!(parse_tracking_code(&code, SECRET), Some(id), "{code}");
            assert!(seen.insert(code));
        }
    }

    #[test]
    fn round_trips_huge_ids() {
        for id in [
            0,
            1 << 39,
            (1 << 40) - 1,
            1 << 40,
            (1 << 40) + 1,
            1 << 44,
            MAX_TRACKED_ID,
        ] {
            let code = tracking_code(id, SECRET);
            assert!(is_well_formed(&code), "{code}");
            assert_eq!(parse_tracking_code(&code, SECRET), Some(id));
        }
    }

    #[test]
    #[should_panic]
    fn negative_ids_have_no_code() {
        tracking_code(-1, SECRET);
    }

    #[test]
    #[should_panic]
    fn too_large_ids_have_no_code() {
        tracking_code(MAX_TRACKED_ID + 1, SECRET);
    }

    #[test]
    fn accepts_how_people_actually_type_it() {
        let id = 4242;
        let code = tracking_code(id, SECRET);
        let bare: String = code.chars().filter(|c| *c != '-').collect();
        let persian: String = code
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x06F0 + d).unwrap(),
                None => c,
            })
            .collect();
        let arabic: String = code
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x0660 + d).unwrap(),
                None => c,
            })
            .collect();
        let spaced: String = bare.chars().flat_map(|c| [c, ' ']).collect();
        let variants = [
            code.to_lowercase(),
            bare.clone(),
            format!("  {} ", bare.to_lowercase()),
            spaced,
            format!("--{}--", code.replace('-', "--")),
            code.replace('-', "\u{200C}"),
            code.replace('-', "\u{2013}"),
            persian,
            arabic,
        ];
        for v in &variants {
            assert_eq!(parse_tracking_code(v, SECRET), Some(id), "{v:?}");
        }
    }

    #[test]
    fn confusable_letters_count_as_digits() {
        // Find codes with a 1 and a 0 in them and write those as letters.
        let mut checked = 0;
        for id in 1..2000 {
            let code = tracking_code(id, SECRET);
            if code.contains('1') && code.contains('0') {
                for (one, zero) in [("I", "O"), ("l", "o"), ("L", "O"), ("i", "0")] {
                    let typed = code.replace('1', one).replace('0', zero);
                    assert_eq!(parse_tracking_code(&typed, SECRET), Some(id), "{typed}");
                }
                checked += 1;
            }
        }
        assert!(checked > 10);
    }

    #[test]
    fn every_single_symbol_typo_is_rejected() {
        for id in [1, 2, 77, 99_999, 1 << 40] {
            let code = tracking_code(id, SECRET);
            let positions: Vec<usize> = (0..code.len()).filter(|i| i % 4 != 3).collect();
            for &p in &positions {
                for &a in ALPHABET {
                    if a == code.as_bytes()[p] {
                        continue;
                    }
                    let mut typo = code.clone().into_bytes();
                    typo[p] = a;
                    let typo = String::from_utf8(typo).unwrap();
                    assert_eq!(parse_tracking_code(&typo, SECRET), None, "{code} -> {typo}");
                }
            }
            // Any two different symbols swapped, the check symbol included.
            for (i, &p) in positions.iter().enumerate() {
                for &q in &positions[i + 1..] {
                    let mut swapped = code.clone().into_bytes();
                    if swapped[p] == swapped[q] {
                        continue;
                    }
                    swapped.swap(p, q);
                    let swapped = String::from_utf8(swapped).unwrap();
                    assert_eq!(parse_tracking_code(&swapped, SECRET), None, "{swapped}");
                }
            }
        }
    }

    #[test]
    fn consecutive_ids_look_unrelated() {
        let codes: Vec<Vec<u8>> = (1..=1000)
            .map(|id| tracking_code(id, SECRET).into_bytes())
            .collect();
        let mut total_diff = 0;
        for pair in codes.windows(2) {
            let diff = pair[0].iter().zip(&pair[1]).filter(|(a, b)| a != b).count();
            assert!(diff >= 3, "{:?}", pair);
            total_diff += diff;
        }
        // Ten symbols, each equal by chance one time in 32: about 9.7 differ on average.
        let average = total_diff as f64 / 999.0;
        assert!(average > 8.5, "average {average}");
        // The first group is not a counter that stays put.
        let first_groups: HashSet<&[u8]> = codes.iter().map(|c| &c[..3]).collect();
        assert!(first_groups.len() > 900);
    }

    #[test]
    fn the_secret_matters() {
        let a = tracking_code(1, SECRET);
        let b = tracking_code(1, SECRET ^ 1);
        assert_ne!(a, b);
        let other = parse_tracking_code(&a, SECRET ^ 1);
        assert_ne!(other, Some(1));
    }

    #[test]
    fn malformed_input_is_rejected_without_panicking() {
        let code = tracking_code(123, SECRET);
        let cases = [
            String::new(),
            "---".into(),
            code[..code.len() - 1].to_string(),
            format!("{code}7"),
            code.replace('-', "U"),
            code.replace('-', "/"),
            "🙂".repeat(20),
            "ک۷م-۴ق‌ک".into(),
            "Z".repeat(10_000),
            "\u{06F9}".repeat(10),
        ];
        for c in &cases {
            assert_eq!(parse_tracking_code(c, SECRET), None, "{c:?}");
        }
    }

    #[test]
    fn gf_weights_are_distinct_and_non_zero() {
        let w: HashSet<u8> = (1..=SYMBOLS as u32).map(gf_pow2).collect();
        assert_eq!(w.len(), SYMBOLS);
        assert!(!w.contains(&0));
        assert_eq!(gf_mul(gf_pow2(10), gf_pow2(21)), 1);
    }
}
