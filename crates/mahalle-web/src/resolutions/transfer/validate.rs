//! Checking [`RawRow`]s against the rules and the database's names, collecting every error.

use std::collections::HashMap;

use chrono::NaiveDate;
use mahalle_core::domain::Domain;
use mahalle_core::jalali;
use mahalle_core::resolutions::Priority;
use mahalle_core::text::{normalize, search_key, to_latin_digits, to_persian_digits};

use super::{Column, RawRow};
pub use crate::http::sheet::{Lookup, RowError};

/// Longest title, in characters: titles appear in lists and notifications.
const MAX_TITLE: usize = 500;
/// Longest body, in characters.
const MAX_BODY: usize = 10_000;
/// User text echoed inside messages is cut to this many characters.
const ECHO: usize = 60;

/// Where a resolution applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftScope {
    City,
    District(i64),
    Neighborhood { id: i64, district_id: i64 },
}

/// A row that passed every check, ready to be stored under a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub line: usize,
    pub item_number: i64,
    pub title: String,
    pub body: String,
    pub domain: Domain,
    pub scope: DraftScope,
    pub lead_org_id: i64,
    pub partner_org_ids: Vec<i64>,
    pub deadline: NaiveDate,
    pub priority: Priority,
}

/// Validates every row (never stops at the first error) and returns the drafts of good rows
/// plus every error, in row order. A row with any error yields no draft, so a caller can import
/// the good rows or, more usually, nothing until the sheet is clean.
pub fn validate(rows: &[RawRow], lookup: &Lookup) -> (Vec<Draft>, Vec<RowError>) {
    let mut drafts = Vec::new();
    let mut errors = Vec::new();
    // Item number → line of its first occurrence.
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for row in rows {
        let before = errors.len();
        let mut check = Check {
            row,
            errors: &mut errors,
        };
        let draft = check.row(lookup, &mut seen);
        if errors.len() == before {
            drafts.extend(draft);
        }
    }
    (drafts, errors)
}

/// The checks of one row, pushing into the shared error list.
struct Check<'a> {
    row: &'a RawRow,
    errors: &'a mut Vec<RowError>,
}

impl Check<'_> {
    fn get(&self, column: Column) -> Option<&str> {
        self.row
            .cells
            .get(&column)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    fn error(&mut self, column: Column, fa: String, en: String) {
        self.errors.push(RowError {
            line: self.row.line,
            column: column.header_en(),
            fa,
            en,
        });
    }

    fn missing(&mut self, column: Column, fa: &str, en: &str) {
        self.error(
            column,
            format!("{fa} وارد نشده است."),
            format!("{en} is missing."),
        );
    }

    /// Runs every check; returns a draft only if all parts are present (the caller also
    /// checks that no error was recorded).
    fn row(&mut self, lookup: &Lookup, seen: &mut HashMap<i64, usize>) -> Option<Draft> {
        let item_number = self.item(seen);
        let title = self.title();
        let body = self.body();
        let domain = self.domain();
        let scope = self.scope(lookup);
        let lead = self.lead(lookup);
        let partners = self.partners(lookup, lead);
        let deadline = self.deadline();
        let priority = self.priority();
        Some(Draft {
            line: self.row.line,
            item_number: item_number?,
            title: title?,
            body: body?,
            domain: domain?,
            scope: scope?,
            lead_org_id: lead?,
            partner_org_ids: partners?,
            deadline: deadline?,
            priority: priority?,
        })
    }

    fn item(&mut self, seen: &mut HashMap<i64, usize>) -> Option<i64> {
        let Some(raw) = self.get(Column::Item).map(str::to_owned) else {
            self.missing(Column::Item, "شماره ردیف", "Item number");
            return None;
        };
        let latin = to_latin_digits(&raw);
        let number = latin
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| latin.parse::<i64>().ok())
            .flatten()
            .filter(|n| *n > 0);
        let Some(number) = number else {
            self.error(
                Column::Item,
                format!("شماره ردیف «{}» باید عدد صحیح مثبت باشد.", echo(&raw)),
                format!(
                    "Item number '{}' must be a positive whole number.",
                    echo(&raw)
                ),
            );
            return None;
        };
        if let Some(&first) = seen.get(&number) {
            self.error(
                Column::Item,
                format!(
                    "شماره ردیف {} تکراری است؛ پیش‌تر در سطر {} آمده است.",
                    fa_num(number),
                    fa_num(first)
                ),
                format!("Item number {number} is repeated; it already appears on row {first}."),
            );
            return None;
        }
        seen.insert(number, self.row.line);
        Some(number)
    }

    fn title(&mut self) -> Option<String> {
        let title = normalize(self.get(Column::Title).unwrap_or_default());
        if title.is_empty() {
            self.missing(Column::Title, "عنوان", "Title");
            return None;
        }
        let len = title.chars().count();
        if len > MAX_TITLE {
            self.too_long(Column::Title, "عنوان", "Title", len, MAX_TITLE);
            return None;
        }
        Some(title)
    }

    fn body(&mut self) -> Option<String> {
        let body = normalize_multiline(self.get(Column::Body).unwrap_or_default());
        let len = body.chars().count();
        if len > MAX_BODY {
            self.too_long(Column::Body, "متن", "Text", len, MAX_BODY);
            return None;
        }
        Some(body)
    }

    fn too_long(&mut self, column: Column, fa: &str, en: &str, len: usize, max: usize) {
        self.error(
            column,
            format!(
                "{fa} {} نویسه است؛ حداکثر {} نویسه مجاز است.",
                fa_num(len),
                fa_num(max)
            ),
            format!("{en} is {len} characters long; at most {max} are allowed."),
        );
    }

    fn domain(&mut self) -> Option<Domain> {
        let Some(raw) = self.get(Column::Domain).map(str::to_owned) else {
            self.missing(Column::Domain, "حوزه", "Domain");
            return None;
        };
        let domain = parse_domain(&raw);
        if domain.is_none() {
            self.error(
                Column::Domain,
                format!(
                    "حوزهٔ «{}» شناخته نشد؛ یکی از این‌ها را بنویسید: {}.",
                    echo(&raw),
                    Domain::ALL
                        .iter()
                        .map(|d| d.label_fa())
                        .collect::<Vec<_>>()
                        .join("، ")
                ),
                format!(
                    "Domain '{}' is not recognised; use one of: {}.",
                    echo(&raw),
                    Domain::ALL
                        .iter()
                        .map(|d| d.label_en())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        domain
    }

    /// Scope from the District/Neighborhood cells, cross-checked with an explicit Scope cell.
    /// Returns `None` (with errors recorded) if anything does not resolve or agree.
    fn scope(&mut self, lookup: &Lookup) -> Option<DraftScope> {
        let district_text = self.get(Column::District).map(str::to_owned);
        let neighborhood_text = self.get(Column::Neighborhood).map(str::to_owned);
        let mut ok = true;

        // The explicit scope must agree with what was *written*, whether or not it resolves.
        if let Some(raw) = self.get(Column::Scope).map(str::to_owned) {
            match parse_scope(&raw) {
                None => {
                    ok = false;
                    self.error(
                        Column::Scope,
                        format!(
                            "گسترهٔ «{}» شناخته نشد؛ یکی از «شهر»، «منطقه» یا «محله» را بنویسید.",
                            echo(&raw)
                        ),
                        format!(
                            "Scope '{}' is not recognised; use city, district or neighborhood.",
                            echo(&raw)
                        ),
                    );
                }
                Some(explicit) => {
                    if let Some((fa, en)) = scope_mismatch(
                        explicit,
                        district_text.is_some(),
                        neighborhood_text.is_some(),
                    ) {
                        ok = false;
                        self.error(Column::Scope, fa.to_owned(), en.to_owned());
                    }
                }
            }
        }

        let district = match &district_text {
            None => None,
            Some(name) => match lookup.district_candidates(name) {
                [id] => Some(*id),
                [] => {
                    ok = false;
                    self.error(
                        Column::District,
                        format!("منطقهٔ «{}» پیدا نشد.", echo(name)),
                        format!("District '{}' not found.", echo(name)),
                    );
                    None
                }
                _ => {
                    ok = false;
                    self.error(
                        Column::District,
                        format!(
                            "نام «{}» با چند منطقه جور است؛ شماره منطقه را بنویسید.",
                            echo(name)
                        ),
                        format!(
                            "'{}' matches several districts; use the district number.",
                            echo(name)
                        ),
                    );
                    None
                }
            },
        };

        let scope = match &neighborhood_text {
            Some(name) => {
                let candidates = lookup.neighborhood_candidates(name);
                let chosen = match (candidates, district) {
                    ([], _) => {
                        self.error(
                            Column::Neighborhood,
                            format!("محلهٔ «{}» پیدا نشد.", echo(name)),
                            format!("Neighborhood '{}' not found.", echo(name)),
                        );
                        None
                    }
                    (_, Some(district_id)) => {
                        let found = candidates.iter().find(|(_, d)| *d == district_id).copied();
                        if found.is_none() {
                            let district_name = district_text.as_deref().unwrap_or_default();
                            self.error(
                                Column::Neighborhood,
                                format!(
                                    "محلهٔ «{}» در منطقهٔ «{}» نیست.",
                                    echo(name),
                                    echo(district_name)
                                ),
                                format!(
                                    "Neighborhood '{}' is not in district '{}'.",
                                    echo(name),
                                    echo(district_name)
                                ),
                            );
                        }
                        found
                    }
                    // A district was written but did not resolve: already reported.
                    (_, None) if district_text.is_some() => None,
                    ([only], None) => Some(*only),
                    (_, None) => {
                        self.error(
                            Column::Neighborhood,
                            format!(
                                "محله‌ای به نام «{}» در چند منطقه هست؛ ستون منطقه را هم پر کنید.",
                                echo(name)
                            ),
                            format!(
                                "Several districts have a neighborhood named '{}'; fill in the district too.",
                                echo(name)
                            ),
                        );
                        None
                    }
                };
                chosen.map(|(id, district_id)| DraftScope::Neighborhood { id, district_id })
            }
            None => match (&district_text, district) {
                (None, _) => Some(DraftScope::City),
                (Some(_), Some(id)) => Some(DraftScope::District(id)),
                (Some(_), None) => None,
            },
        };
        if ok {
            scope
        } else {
            None
        }
    }

    fn lead(&mut self, lookup: &Lookup) -> Option<i64> {
        let Some(raw) = self.get(Column::Lead).map(str::to_owned) else {
            self.missing(Column::Lead, "دستگاه مسئول", "Lead organisation");
            return None;
        };
        self.org(Column::Lead, &raw, lookup)
    }

    fn org(&mut self, column: Column, name: &str, lookup: &Lookup) -> Option<i64> {
        match lookup.org_candidates(name) {
            [id] => Some(*id),
            [] => {
                self.error(
                    column,
                    format!("دستگاه «{}» پیدا نشد.", echo(name)),
                    format!("Organisation '{}' not found.", echo(name)),
                );
                None
            }
            _ => {
                self.error(
                    column,
                    format!(
                        "نام «{}» با چند دستگاه جور است؛ نام کامل یا کد دستگاه را بنویسید.",
                        echo(name)
                    ),
                    format!(
                        "'{}' matches several organisations; use the full name or the code.",
                        echo(name)
                    ),
                );
                None
            }
        }
    }

    /// Partners in written order, without repeats and without the lead (who is responsible
    /// anyway). Each unknown name is its own error.
    fn partners(&mut self, lookup: &Lookup, lead: Option<i64>) -> Option<Vec<i64>> {
        let Some(raw) = self.get(Column::Partners).map(str::to_owned) else {
            return Some(Vec::new());
        };
        let mut ids = Vec::new();
        let mut ok = true;
        for name in partner_names(&raw, |n| !lookup.org_candidates(n).is_empty()) {
            match self.org(Column::Partners, name, lookup) {
                Some(id) if Some(id) != lead && !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => ok = false,
            }
        }
        ok.then_some(ids)
    }

    fn deadline(&mut self) -> Option<NaiveDate> {
        let Some(raw) = self.get(Column::Deadline).map(str::to_owned) else {
            self.missing(Column::Deadline, "مهلت", "Deadline");
            return None;
        };
        match parse_deadline(&raw) {
            Ok(date) => Some(date),
            Err((fa, en)) => {
                self.error(Column::Deadline, fa, en);
                None
            }
        }
    }

    fn priority(&mut self) -> Option<Priority> {
        let Some(raw) = self.get(Column::Priority).map(str::to_owned) else {
            return Some(Priority::Normal);
        };
        let priority = parse_priority(&raw);
        if priority.is_none() {
            self.error(
                Column::Priority,
                format!(
                    "اولویت «{}» شناخته نشد؛ یکی از این‌ها را بنویسید: {}.",
                    echo(&raw),
                    Priority::ALL
                        .iter()
                        .map(|p| p.label_fa())
                        .collect::<Vec<_>>()
                        .join("، ")
                ),
                format!(
                    "Priority '{}' is not recognised; use one of: {}.",
                    echo(&raw),
                    Priority::ALL
                        .iter()
                        .map(|p| p.label_en())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        priority
    }
}

/// The explicit scope written in the Scope column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    City,
    District,
    Neighborhood,
}

fn parse_scope(raw: &str) -> Option<ScopeKind> {
    let key = search_key(raw);
    let any = |names: &[&str]| names.iter().any(|n| search_key(n) == key);
    if any(&["شهر", "شهری", "کل شهر", "city", "citywide", "city-wide"]) {
        Some(ScopeKind::City)
    } else if any(&["منطقه", "منطقه‌ای", "district"]) {
        Some(ScopeKind::District)
    } else if any(&["محله", "محله‌ای", "neighborhood", "neighbourhood"]) {
        Some(ScopeKind::Neighborhood)
    } else {
        None
    }
}

/// Why an explicit scope disagrees with the District/Neighborhood cells, if it does.
fn scope_mismatch(
    explicit: ScopeKind,
    has_district: bool,
    has_neighborhood: bool,
) -> Option<(&'static str, &'static str)> {
    match explicit {
        ScopeKind::Neighborhood if !has_neighborhood => Some((
            "گستره «محله» است ولی ستون محله خالی است.",
            "Scope is 'neighborhood' but no neighborhood is given.",
        )),
        ScopeKind::District if has_neighborhood => Some((
            "گستره «منطقه» است ولی محله هم وارد شده است؛ گستره را «محله» کنید یا محله را پاک کنید.",
            "Scope is 'district' but a neighborhood is also given; set the scope to neighborhood or clear the neighborhood.",
        )),
        ScopeKind::District if !has_district => Some((
            "گستره «منطقه» است ولی ستون منطقه خالی است.",
            "Scope is 'district' but no district is given.",
        )),
        ScopeKind::City if has_district || has_neighborhood => Some((
            "گستره «شهر» است ولی منطقه یا محله هم وارد شده است.",
            "Scope is 'city' but a district or neighborhood is also given.",
        )),
        _ => None,
    }
}

/// Code (`civil_works`), either label, or a few everyday short forms.
fn parse_domain(raw: &str) -> Option<Domain> {
    let code = raw.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    Domain::parse(&code)
        .or_else(|| Domain::parse_loose(raw))
        .or_else(|| {
            let key = search_key(raw);
            let synonyms: &[(&str, Domain)] = &[
                ("عمران", Domain::CivilWorks),
                ("خدمات", Domain::UrbanServices),
                ("فرهنگ", Domain::Cultural),
                ("بهداشت", Domain::Health),
                ("بهداشت و درمان", Domain::Health),
                ("ایمنی", Domain::Safety),
                ("مدیریت بحران", Domain::Safety),
                ("بحران", Domain::Safety),
                ("ترافیک", Domain::Traffic),
                ("حمل و نقل", Domain::Traffic),
                ("transport", Domain::Traffic),
                ("محیط‌زیست", Domain::Environment),
                ("اقتصاد", Domain::Economic),
                ("دیگر", Domain::Other),
            ];
            synonyms
                .iter()
                .find(|(name, _)| search_key(name) == key)
                .map(|(_, d)| *d)
        })
}

/// Code, either label, or the adjectives people actually use («بالا», «متوسط», "medium").
fn parse_priority(raw: &str) -> Option<Priority> {
    Priority::parse(&raw.trim().to_ascii_lowercase())
        .or_else(|| Priority::parse_loose(raw))
        .or_else(|| {
            let key = search_key(raw);
            let synonyms: &[(&str, Priority)] = &[
                ("پایین", Priority::Low),
                ("متوسط", Priority::Normal),
                ("معمولی", Priority::Normal),
                ("medium", Priority::Normal),
                ("بالا", Priority::High),
                ("مهم", Priority::High),
                ("خیلی فوری", Priority::Urgent),
                ("فوق فوری", Priority::Urgent),
            ];
            synonyms
                .iter()
                .find(|(name, _)| search_key(name) == key)
                .map(|(_, p)| *p)
        })
}

/// Jalali (`۱۴۰۴/۰۸/۳۰`, `1404-8-30`) or Gregorian `YYYY-MM-DD` (what Excel date cells become).
/// A four-digit year above 1700 can only be Gregorian; checking that first keeps
/// `2025-11-21` from being read as the Jalali year 2025.
fn parse_deadline(raw: &str) -> Result<NaiveDate, (String, String)> {
    let latin = to_latin_digits(raw.trim());
    let year_digits: String = latin.chars().take_while(char::is_ascii_digit).collect();
    let gregorian_year = (year_digits.len() == 4)
        .then(|| year_digits.parse::<i32>().ok())
        .flatten()
        .filter(|y| *y > 1700);
    if gregorian_year.is_none() {
        return jalali::parse(raw).map_err(|e| {
            (
                format!("مهلت: {}", e.message_fa()),
                format!("Deadline: {e}."),
            )
        });
    }
    // Drop a time part ("2025-11-21 00:00:00", "2025-11-21T00:00").
    let date_part = latin.split(['T', ' ']).next().unwrap_or_default();
    let parts: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    let shaped = parts.len() == 3
        && parts[1..].iter().all(|p| (1..=2).contains(&p.len()))
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shaped {
        return Err((
            format!(
                "مهلت «{}» قابل فهم نیست؛ آن را شمسی مانند ۱۴۰۴/۰۸/۳۰ یا میلادی مانند 2025-11-21 بنویسید.",
                echo(raw)
            ),
            format!(
                "Deadline '{}' is not understood; write a Jalali date like 1404/08/30 or a Gregorian one like 2025-11-21.",
                echo(raw)
            ),
        ));
    }
    let number = |s: &str| s.parse::<u32>().unwrap_or(0);
    let year = gregorian_year.unwrap_or_default();
    NaiveDate::from_ymd_opt(year, number(parts[1]), number(parts[2])).ok_or_else(|| {
        (
            format!("تاریخ میلادی «{}» در تقویم وجود ندارد.", echo(raw)),
            format!("Gregorian date '{}' does not exist.", echo(raw)),
        )
    })
}

/// Normalises each line but keeps the line breaks: a resolution's text has paragraphs and
/// numbered clauses, which [`normalize`] alone would run together. Blank-line runs collapse.
fn normalize_multiline(s: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in s.split('\n').map(normalize) {
        if line.is_empty() && out.last().is_none_or(String::is_empty) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out.join("\n")
}

/// User text as quoted inside a message: normalised, cut short.
fn echo(s: &str) -> String {
    let s = normalize(s);
    if s.chars().count() > ECHO {
        let mut cut: String = s.chars().take(ECHO).collect();
        cut.push('…');
        cut
    } else {
        s
    }
}

fn fa_num(n: impl ToString) -> String {
    to_persian_digits(&n.to_string())
}

/// Separators between partner names in a cell.
const PARTNER_SEPARATORS: [char; 6] = ['،', '؛', ',', ';', '\n', '\r'];

/// The names in a partners cell. Real names contain separators («اداره کل تعاون، کار و رفاه
/// اجتماعی استان تهران»), so at each place the longest run of pieces that is a known name wins
/// (runs of up to eight pieces, which bounds the work on a hostile cell); a piece that starts no
/// known run stands alone, to be reported as unknown.
fn partner_names(raw: &str, known: impl Fn(&str) -> bool) -> Vec<&str> {
    const LONGEST: usize = 8;
    // (start, end) of each piece in `raw`.
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in raw.char_indices() {
        if PARTNER_SEPARATORS.contains(&c) {
            pieces.push((start, i));
            start = i + c.len_utf8();
        }
    }
    pieces.push((start, raw.len()));
    let mut names = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let last = (i + LONGEST).min(pieces.len()) - 1;
        let run = (i + 1..=last)
            .rev()
            .find(|&j| known(raw[pieces[i].0..pieces[j].1].trim()))
            .unwrap_or(i);
        let name = raw[pieces[i].0..pieces[run].1].trim();
        if !search_key(name).is_empty() {
            names.push(name);
        }
        i = run + 1;
    }
    names
}
