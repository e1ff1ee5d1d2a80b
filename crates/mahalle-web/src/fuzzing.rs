//! What the fuzz targets in `fuzz/` run: everything a stranger's bytes reach before the database
//! — spreadsheet and CSV import, Jalali dates, Persian normalisation, Open311 forms, photos. Each
//! body panics only when a property that must hold does not; cargo-fuzz finds inputs that make
//! one panic (or crash, hang or exhaust memory). The files under `fuzz/regressions/` are such
//! inputs, and the tests below replay them (and the seeds) in every `cargo test`.
#![doc(hidden)]

use mahalle_core::{exif, jalali, text};

use crate::requests::open311::{format::Format, read_submission};
use crate::resolutions::transfer::{read_table, validate, Lookup};

/// One fuzz target's body.
pub type Body = fn(&[u8]);

/// The targets by name, as `fuzz/fuzz_targets/<name>.rs` and the folders under `fuzz/` call them.
pub const TARGETS: &[(&str, Body)] = &[
    ("sheet", sheet),
    ("csv", csv),
    ("jalali", jalali_date),
    ("normalize", normalize),
    ("open311_form", open311_form),
    ("photo", photo),
];

/// An uploaded .xlsx (or whatever claims to be one), read and checked as an import would.
pub fn sheet(data: &[u8]) {
    import("upload.xlsx", data);
}

/// An uploaded .csv, read and checked as an import would.
pub fn csv(data: &[u8]) {
    import("upload.csv", data);
}

fn import(name: &str, data: &[u8]) {
    if let Ok(rows) = read_table(name, data) {
        assert!(rows.len() <= crate::resolutions::transfer::MAX_ROWS);
        let mut lookup = Lookup::default();
        lookup.add_org(1, &["WATER", "آب و فاضلاب", "Water and Sewage"]);
        lookup.add_district(14, &["D14", "14", "منطقه ۱۴", "District 14"]);
        lookup.add_neighborhood(141, 14, &["پیروزی", "Piroozi"]);
        let (drafts, _errors) = validate(&rows, &lookup);
        assert!(drafts.len() <= rows.len());
    }
    // The same bytes as a people and pillars sheet.
    if let Ok(rows) =
        crate::http::sheet::read_table::<crate::people::sheet::PersonColumn>(name, data)
    {
        let mut lookup = Lookup::default();
        lookup.add_district(14, &["D14", "14", "منطقه ۱۴", "District 14"]);
        lookup.add_neighborhood(141, 14, &["پیروزی", "Piroozi"]);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let (drafts, _errors) = crate::people::sheet::validate(&rows, &lookup, today);
        assert!(drafts.len() <= rows.len());
    }
}

/// A typed Jalali date: whatever parses formats back to itself.
pub fn jalali_date(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = jalali::parse(s) {
        for persian in [true, false] {
            let shown = jalali::format_numeric(d, persian);
            assert_eq!(jalali::parse(&shown), Ok(d), "{s:?} → {shown:?}");
        }
    }
}

/// Persian normalisation is idempotent, and search keys are stable under it.
pub fn normalize(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let once = text::normalize(&s);
    assert_eq!(text::normalize(&once), once, "normalize({s:?})");
    let multi = text::normalize_multiline(&s);
    assert_eq!(text::normalize_multiline(&multi), multi);
    assert_eq!(text::search_key(&once), text::search_key(&s));
    let _ = text::search_terms(text::bounded_query(&s));
}

/// The body of an Open311 POST requests.json: decoded and read into a submission, whose point
/// is then checked as intake checks it.
pub fn open311_form(data: &[u8]) {
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(data) else {
        return;
    };
    if let Ok(s) = read_submission(&pairs, Format::Json) {
        if let Ok(Some((lat, lon))) = mahalle_core::requests::check_point(s.lat, s.lon) {
            assert!(lat.is_finite() && lon.is_finite());
        }
    }
}

/// A citizen's photo: stripping is idempotent and never grows the file.
pub fn photo(data: &[u8]) {
    if let Ok(clean) = exif::strip_metadata(data) {
        assert!(clean.len() <= data.len());
        assert_eq!(
            exif::strip_metadata(&clean).as_deref(),
            Ok(clean.as_slice())
        );
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// Every seed and every input a fuzzer once tripped on, through its target.
    #[test]
    fn seeds_and_regressions_replay_cleanly() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
        let mut replayed = 0;
        for (name, body) in super::TARGETS {
            for folder in ["seeds", "regressions"] {
                let Ok(dir) = std::fs::read_dir(root.join(folder).join(name)) else {
                    continue;
                };
                for entry in dir {
                    let path = entry.unwrap().path();
                    body(&std::fs::read(&path).unwrap());
                    replayed += 1;
                }
            }
        }
        assert!(replayed >= super::TARGETS.len(), "the seeds are there");
    }
}
