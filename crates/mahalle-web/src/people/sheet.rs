//! People and neighborhood pillars from a spreadsheet: the columns a district's office keeps
//! them in, and every row checked (all problems at once) before anything is recorded.

use std::collections::HashMap;

use chrono::NaiveDate;
use mahalle_core::councils::PillarKind;
use mahalle_core::text::{normalize, search_key};
use mahalle_core::validate::{optional_phone, FieldError};

use crate::http::sheet::{Lookup, RawRow, RowError, SheetColumn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonColumn {
    Name,
    NameEn,
    Gender,
    Phone,
    Email,
    District,
    Neighborhood,
    Pillar,
    Title,
    Since,
}

use PersonColumn as C;

impl SheetColumn for PersonColumn {
    fn all() -> &'static [PersonColumn] {
        &[
            C::Name,
            C::NameEn,
            C::Gender,
            C::Phone,
            C::Email,
            C::District,
            C::Neighborhood,
            C::Pillar,
            C::Title,
            C::Since,
        ]
    }

    fn from_header(text: &str) -> Option<PersonColumn> {
        let key = search_key(text.split(['(', '[']).next().unwrap_or(text));
        if key.is_empty() {
            return None;
        }
        Self::all().iter().copied().find(|c| {
            search_key(c.header_fa()) == key
                || search_key(c.header_en()) == key
                || c.synonyms().iter().any(|s| search_key(s) == key)
        })
    }

    fn required(self) -> bool {
        self == C::Name
    }

    fn header_fa(self) -> &'static str {
        match self {
            C::Name => "نام و نام خانوادگی",
            C::NameEn => "نام لاتین",
            C::Gender => "جنسیت",
            C::Phone => "تلفن",
            C::Email => "رایانامه",
            C::District => "منطقه",
            C::Neighborhood => "محله",
            C::Pillar => "رکن",
            C::Title => "عنوان",
            C::Since => "از تاریخ",
        }
    }

    fn header_en(self) -> &'static str {
        match self {
            C::Name => "name",
            C::NameEn => "name_en",
            C::Gender => "gender",
            C::Phone => "phone",
            C::Email => "email",
            C::District => "district",
            C::Neighborhood => "neighborhood",
            C::Pillar => "pillar",
            C::Title => "title",
            C::Since => "since",
        }
    }
}

impl PersonColumn {
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            C::Name => &["نام", "نام کامل", "full name", "full_name_fa"],
            C::NameEn => &["name in english", "full_name_en", "نام انگلیسی"],
            C::Gender => &["sex"],
            C::Phone => &[
                "موبایل",
                "شماره همراه",
                "تلفن همراه",
                "mobile",
                "شماره تماس",
            ],
            C::Email => &["ایمیل", "پست الکترونیک", "e-mail"],
            C::District => &["شماره منطقه", "region"],
            C::Neighborhood => &["نام محله", "neighbourhood"],
            C::Pillar => &["نقش", "نقش در محله", "role", "kind"],
            C::Title => &["سمت", "مسجد", "mosque", "position"],
            C::Since => &["از", "تاریخ شروع", "start", "from"],
        }
    }
}

/// A pillar a row makes someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PillarDraft {
    pub neighborhood_id: i64,
    pub kind: PillarKind,
    pub title: String,
    pub since: NaiveDate,
}

/// A good row: a person (new, or one already in the registry with the same name and phone) and
/// perhaps their pillar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDraft {
    pub line: usize,
    pub name_fa: String,
    pub name_en: String,
    pub gender: String,
    pub phone: String,
    pub email: String,
    pub district_id: Option<i64>,
    pub pillar: Option<PillarDraft>,
}

/// A pillar kind as people write it: its code, or its Persian or English name, loosely.
fn pillar_kind(text: &str) -> Option<PillarKind> {
    let key = search_key(text);
    PillarKind::ALL.into_iter().find(|k| {
        search_key(k.as_str()) == key
            || search_key(k.label_fa()) == key
            || search_key(k.label_en()) == key
            || match k {
                PillarKind::Manager => ["مدیر", "manager"].iter().any(|s| search_key(s) == key),
                PillarKind::Trustee => ["معتمد", "trustee"].iter().any(|s| search_key(s) == key),
                PillarKind::Imam => ["امام", "imam"].iter().any(|s| search_key(s) == key),
                PillarKind::PeopleGroup => ["گروه مردمی", "تشکل مردمی"]
                    .iter()
                    .any(|s| search_key(s) == key),
                PillarKind::Elite => ["نخبه", "elite"].iter().any(|s| search_key(s) == key),
            }
    })
}

fn gender(text: &str) -> Option<&'static str> {
    match search_key(text).as_str() {
        "" => Some("unspecified"),
        "زن" | "خانم" | "female" | "f" => Some("female"),
        "مرد" | "آقا" | "male" | "m" => Some("male"),
        _ => None,
    }
}

/// Checks every row (never stopping at the first problem). A row with any problem yields no
/// draft; the same pillar twice in the file is a problem of the second row.
pub fn validate(
    rows: &[RawRow<PersonColumn>],
    lookup: &Lookup,
    today: NaiveDate,
) -> (Vec<PersonDraft>, Vec<RowError>) {
    let mut drafts = Vec::new();
    let mut errors = Vec::new();
    let mut pillars_seen: HashMap<(String, i64, &'static str), usize> = HashMap::new();
    for row in rows {
        let mut bad = Vec::new();
        let cell = |c: C| row.cells.get(&c).map(String::as_str).unwrap_or("");
        let err = |c: C, fa: String, en: String| RowError {
            line: row.line,
            column: c.header_en(),
            fa,
            en,
        };
        let name_fa = normalize(cell(C::Name));
        if name_fa.is_empty() || name_fa.chars().count() > 200 {
            bad.push(err(
                C::Name,
                "نام و نام خانوادگی لازم است (تا ۲۰۰ نویسه).".into(),
                "The full name is required (up to 200 characters).".into(),
            ));
        }
        let name_en = normalize(cell(C::NameEn));
        let gender = gender(cell(C::Gender)).unwrap_or_else(|| {
            bad.push(err(
                C::Gender,
                "جنسیت «زن» یا «مرد» است.".into(),
                "Gender is «female» or «male».".into(),
            ));
            ""
        });
        let phone = optional_phone(cell(C::Phone)).unwrap_or_else(|e: FieldError| {
            bad.push(err(C::Phone, e.fa, e.en));
            String::new()
        });
        let email = cell(C::Email).trim().to_string();
        if !email.is_empty() && (!email.contains('@') || email.chars().count() > 200) {
            bad.push(err(
                C::Email,
                "نشانی رایانامه درست نیست.".into(),
                "The e-mail address is not valid.".into(),
            ));
        }
        let district = match cell(C::District) {
            "" => None,
            d => match lookup.district(d) {
                Some(id) => Some(id),
                None => {
                    bad.push(err(
                        C::District,
                        format!("منطقه «{d}» شناخته نشد."),
                        format!("District «{d}» is not known."),
                    ));
                    None
                }
            },
        };
        let neighborhood = match cell(C::Neighborhood) {
            "" => None,
            n => {
                let found: Vec<(i64, i64)> = lookup
                    .neighborhood_candidates(n)
                    .iter()
                    .copied()
                    .filter(|(_, d)| district.is_none_or(|x| x == *d))
                    .collect();
                match found.as_slice() {
                    [one] => Some(*one),
                    [] => {
                        let (fa, en) = if district.is_some() {
                            (
                                format!("محله «{n}» در این منطقه شناخته نشد."),
                                format!("Neighborhood «{n}» is not known in this district."),
                            )
                        } else {
                            (
                                format!("محله «{n}» شناخته نشد."),
                                format!("Neighborhood «{n}» is not known."),
                            )
                        };
                        bad.push(err(C::Neighborhood, fa, en));
                        None
                    }
                    _ => {
                        bad.push(err(
                            C::Neighborhood,
                            format!("چند محله «{n}» نام دارند؛ ستون منطقه را پر کنید."),
                            format!(
                                "Several neighborhoods are called «{n}»; fill in the district."
                            ),
                        ));
                        None
                    }
                }
            }
        };
        let kind = match cell(C::Pillar) {
            "" => None,
            k => match pillar_kind(k) {
                Some(kind) => Some(kind),
                None => {
                    bad.push(err(
                        C::Pillar,
                        format!("رکن «{k}» شناخته نشد؛ مدیر محله، معتمد محل، امام جماعت، گروه مردمی یا نخبه محلی."),
                        format!("Pillar «{k}» is not known: manager, trustee, imam, people_group or elite."),
                    ));
                    None
                }
            },
        };
        let title = normalize(cell(C::Title));
        let since = match cell(C::Since) {
            "" => Some(today),
            s => {
                let latin = mahalle_core::text::to_latin_digits(s);
                match NaiveDate::parse_from_str(&latin, "%Y-%m-%d")
                    .ok()
                    .filter(|d| chrono::Datelike::year(d) > 1700)
                    .map_or_else(|| mahalle_core::jalali::parse(&latin), Ok)
                {
                    Ok(d) if d <= today => Some(d),
                    Ok(_) => {
                        bad.push(err(
                            C::Since,
                            "تاریخ آغاز در آینده است.".into(),
                            "The start date is in the future.".into(),
                        ));
                        None
                    }
                    Err(e) => {
                        bad.push(err(C::Since, e.message_fa(), e.to_string()));
                        None
                    }
                }
            }
        };
        if kind.is_some() && neighborhood.is_none() && cell(C::Neighborhood).is_empty() {
            bad.push(err(
                C::Neighborhood,
                "برای رکن محله، نام محله لازم است.".into(),
                "A pillar needs its neighborhood.".into(),
            ));
        }
        if !bad.is_empty() {
            errors.extend(bad);
            continue;
        }
        let pillar = match (kind, neighborhood, since) {
            (Some(kind), Some((n, _)), Some(since)) => {
                let key = (
                    format!("{}|{phone}", search_key(&name_fa)),
                    n,
                    kind.as_str(),
                );
                if let Some(first) = pillars_seen.insert(key, row.line) {
                    errors.push(err(
                        C::Pillar,
                        format!("همین رکن برای همین فرد در ردیف {first} آمده است."),
                        format!("The same pillar of the same person is in row {first} already."),
                    ));
                    continue;
                }
                Some(PillarDraft {
                    neighborhood_id: n,
                    kind,
                    title: title.clone(),
                    since,
                })
            }
            _ => None,
        };
        drafts.push(PersonDraft {
            line: row.line,
            name_fa,
            name_en,
            gender: gender.to_string(),
            phone,
            email,
            // A person's district: the one written, else their pillar's.
            district_id: district.or(neighborhood.map(|(_, d)| d)),
            pillar,
        });
    }
    errors.sort_by_key(|e| e.line);
    (drafts, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn row(line: usize, cells: &[(C, &str)]) -> RawRow<C> {
        RawRow {
            line,
            cells: cells
                .iter()
                .map(|(c, v)| (*c, v.to_string()))
                .collect::<HashMap<_, _>>(),
        }
    }

    fn lookup() -> Lookup {
        let mut l = Lookup::default();
        l.add_district(14, &["14", "منطقه ۱۴"]);
        l.add_district(6, &["6"]);
        l.add_neighborhood(140, 14, &["پیروزی"]);
        l.add_neighborhood(141, 14, &["امامزاده"]);
        l.add_neighborhood(61, 6, &["امامزاده"]);
        l
    }

    #[test]
    fn headers_in_either_language() {
        assert_eq!(C::from_header("نام و نام‌خانوادگی"), Some(C::Name));
        assert_eq!(C::from_header("موبایل"), Some(C::Phone));
        assert_eq!(C::from_header("نقش"), Some(C::Pillar));
        assert_eq!(C::from_header("Since (Jalali)"), Some(C::Since));
        assert_eq!(C::from_header("یادداشت"), None);
    }

    #[test]
    fn rows_become_people_and_pillars_or_every_problem() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let rows = [
            row(
                2,
                &[
                    (C::Name, "زهرا کریمی"),
                    (C::Pillar, "معتمد"),
                    (C::Neighborhood, "پیروزی"),
                    (C::Since, "۱۴۰۴/۰۷/۰۱"),
                ],
            ),
            row(3, &[(C::Name, "علی رضایی"), (C::Phone, "۰۹۱۲۱۲۳۴۵۶۷")]),
            row(
                4,
                &[
                    (C::Name, "حسن موسوی"),
                    (C::Pillar, "امام جماعت"),
                    (C::Neighborhood, "امامزاده"),
                ],
            ),
            row(
                5,
                &[
                    (C::Name, "حسن موسوی"),
                    (C::Pillar, "imam"),
                    (C::Neighborhood, "امامزاده"),
                    (C::District, "منطقه ۱۴"),
                    (C::Title, "مسجد جامع"),
                ],
            ),
            row(
                6,
                &[(C::Name, ""), (C::Gender, "نامعلوم"), (C::Pillar, "شهردار")],
            ),
            row(
                7,
                &[
                    (C::Name, "زهرا کریمی"),
                    (C::Pillar, "معتمد محل"),
                    (C::Neighborhood, "پیروزی"),
                ],
            ),
        ];
        let (drafts, errors) = validate(&rows, &lookup(), today);
        let lines: Vec<usize> = drafts.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![2, 3, 5]);
        let zahra = &drafts[0];
        assert_eq!(zahra.district_id, Some(14));
        assert_eq!(
            zahra
                .pillar
                .as_ref()
                .map(|p| (p.neighborhood_id, p.kind, p.since)),
            Some((
                140,
                PillarKind::Trustee,
                NaiveDate::from_ymd_opt(2025, 9, 23).unwrap()
            ))
        );
        assert_eq!(drafts[1].phone, "09121234567");
        assert_eq!(drafts[2].pillar.as_ref().unwrap().neighborhood_id, 141);
        let problems: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(
            problems,
            vec![
                (4, "neighborhood"),
                (6, "name"),
                (6, "gender"),
                (6, "pillar"),
                (7, "pillar")
            ]
        );
    }
}
