//! One page for creating or editing any record of the registry: its fields are described here
//! by the capability (name, label, kind, value, choices) and drawn by `record_form.html`, with
//! the record's retire/reinstate and boundary boxes when it has them.

use askama::Template;
use axum::response::Response;

use crate::http::error::AppError;
use crate::http::page::{render_form, Page};

/// Read beside `ListQuery` on registry lists: whether retired records are listed too.
#[derive(serde::Deserialize)]
pub struct RetiredFilter {
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub retired: bool,
}

impl RetiredFilter {
    /// What list links carry to keep the choice.
    pub fn keep(&self) -> &'static str {
        if self.retired {
            "&retired=1"
        } else {
            ""
        }
    }
}

/// How a field is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Digits in any script; shown left to right.
    Number,
    Email,
    Tel,
    Url,
    Select,
    /// Several lines of text.
    TextArea,
    /// A checkbox: ticked when the value is "1" or "true".
    Check,
    /// Several choices; the value lists the chosen ones, comma-separated (see [`join_repeated`]).
    Multi,
}

/// One field of a record's form.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub value: String,
    pub required: bool,
    /// For selects: (value, label); an empty value is "none".
    pub options: Vec<(String, String)>,
    /// Shown but not changed by this user (a district mayor sees the district's code).
    pub locked: bool,
    /// Said under the field (what to type, in what form).
    pub hint: &'static str,
}

impl Field {
    pub fn new(
        name: &'static str,
        label: &'static str,
        kind: Kind,
        value: impl Into<String>,
    ) -> Field {
        Field {
            name,
            label,
            kind,
            value: value.into(),
            required: false,
            options: Vec::new(),
            locked: false,
            hint: "",
        }
    }
    pub fn hint(mut self, hint: &'static str) -> Field {
        self.hint = hint;
        self
    }
    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }
    pub fn locked(mut self, locked: bool) -> Field {
        self.locked = locked;
        self
    }
    pub fn choices(mut self, options: Vec<(String, String)>) -> Field {
        self.options = options;
        self
    }
    pub fn ltr(&self) -> bool {
        matches!(
            self.kind,
            Kind::Number | Kind::Email | Kind::Tel | Kind::Url
        ) || self.name == "code"
            || self.name.ends_with("_en")
    }
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            Kind::Email => "email",
            Kind::Tel => "tel",
            Kind::Url => "url",
            _ => "text",
        }
    }
    pub fn is_select(&self) -> bool {
        self.kind == Kind::Select
    }
    pub fn is_multi(&self) -> bool {
        self.kind == Kind::Multi
    }
    /// Whether a choice of a [`Kind::Multi`] field is chosen.
    pub fn chosen(&self, v: &str) -> bool {
        self.value.split(',').any(|x| x.trim() == v)
    }
    pub fn is_textarea(&self) -> bool {
        self.kind == Kind::TextArea
    }
    pub fn is_check(&self) -> bool {
        self.kind == Kind::Check
    }
    pub fn checked(&self) -> bool {
        matches!(self.value.as_str(), "1" | "true" | "on")
    }
    pub fn numeric(&self) -> bool {
        self.kind == Kind::Number
    }
}

/// The retire/reinstate box of a saved record.
pub struct Retire {
    /// `/districts/7`: the forms post to `…/retire` and `…/reinstate`.
    pub base: String,
    pub retired_on: Option<String>,
}

#[derive(Template)]
#[template(path = "record_form.html")]
pub struct RecordForm {
    pub p: Page,
    /// Where "back" goes: (href, label).
    pub back: (String, String),
    pub action: String,
    pub fields: Vec<Field>,
    pub errors: Vec<String>,
    pub retire: Option<Retire>,
    /// For places: where the boundary upload posts, and whether one is stored.
    pub boundary: Option<(String, bool)>,
}

impl RecordForm {
    /// The page, with 422 when it comes back with errors.
    pub fn respond(self) -> Result<Response, AppError> {
        let invalid = !self.errors.is_empty();
        render_form(&self, invalid)
    }
}

/// A current (not retired) neighborhood named by a form field's id ("۱۲" or "12"); `None` when
/// the field is empty or names none, for the caller to say which message.
pub async fn current_neighborhood(
    store: &mahalle_db::Store,
    field: &str,
) -> Result<Option<mahalle_db::places::Neighborhood>, AppError> {
    let Ok(id) = mahalle_core::text::to_latin_digits(field.trim()).parse::<i64>() else {
        return Ok(None);
    };
    match mahalle_db::places::get_neighborhood(store, id).await {
        Ok(n) if n.retired_on.is_none() => Ok(Some(n)),
        Ok(_) | Err(mahalle_db::DbError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A current district named by a form field's id, as [`current_neighborhood`].
pub async fn current_district(
    store: &mahalle_db::Store,
    field: &str,
) -> Result<Option<mahalle_db::places::District>, AppError> {
    let Ok(id) = mahalle_core::text::to_latin_digits(field.trim()).parse::<i64>() else {
        return Ok(None);
    };
    match mahalle_db::places::get_district(store, id).await {
        Ok(d) if d.retired_on.is_none() => Ok(Some(d)),
        Ok(_) | Err(mahalle_db::DbError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A current organisation named by a form field's id, as [`current_neighborhood`].
pub async fn current_organisation(
    store: &mahalle_db::Store,
    field: &str,
) -> Result<Option<mahalle_db::org::Organisation>, AppError> {
    let Ok(id) = mahalle_core::text::to_latin_digits(field.trim()).parse::<i64>() else {
        return Ok(None);
    };
    match mahalle_db::org::get(store, id).await {
        Ok(o) if o.retired_on.is_none() => Ok(Some(o)),
        Ok(_) | Err(mahalle_db::DbError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The id a form's select or field names ("۱۲" or "12"); none when empty or not a number.
pub fn id_of(s: &str) -> Option<i64> {
    mahalle_core::text::to_latin_digits(s.trim()).parse().ok()
}

/// "Choose the neighborhood from the list."
pub fn choose_neighborhood() -> mahalle_core::validate::FieldError {
    mahalle_core::validate::FieldError::new(
        "neighborhood_id",
        "محله را از فهرست انتخاب کنید.",
        "Choose the neighborhood from the list.",
    )
}

/// "Choose the district from the list."
pub fn choose_district() -> mahalle_core::validate::FieldError {
    mahalle_core::validate::FieldError::new(
        "district_id",
        "منطقه را از فهرست انتخاب کنید.",
        "Choose the district from the list.",
    )
}

/// `a=1&a=2` → `a=1,2`, so a plain struct can take a multi-select.
pub fn join_repeated(body: &[u8], field: &str) -> Vec<u8> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let joined: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == field)
        .map(|(_, v)| v.clone())
        .collect();
    let mut out: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != field).collect();
    out.push((field.to_string(), joined.join(",")));
    serde_urlencoded::to_string(out)
        .unwrap_or_default()
        .into_bytes()
}

/// The chair and the people to invite as a form names them (by number or full name); names
/// that match no one, or several, add their errors.
pub async fn chair_and_people(
    store: &mahalle_db::Store,
    chair: Option<&mahalle_core::meetings::PersonRef>,
    invite_people: &[mahalle_core::meetings::PersonRef],
    errors: &mut Vec<mahalle_core::validate::FieldError>,
) -> (Option<i64>, Vec<i64>) {
    let chair = match chair {
        None => None,
        Some(r) => resolve_people(store, "chair", std::slice::from_ref(r))
            .await
            .map_err(|mut e| errors.append(&mut e))
            .ok()
            .and_then(|v| v.first().copied()),
    };
    let people = resolve_people(store, "invite_people", invite_people)
        .await
        .map_err(|mut e| errors.append(&mut e))
        .unwrap_or_default();
    (chair, people)
}

/// People named in a form (by number or full name), each checked to exist; one message per
/// name that does not pick exactly one person.
pub async fn resolve_people(
    store: &mahalle_db::Store,
    field: &'static str,
    refs: &[mahalle_core::meetings::PersonRef],
) -> Result<Vec<i64>, Vec<mahalle_core::validate::FieldError>> {
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    for r in refs {
        let found = match r {
            mahalle_core::meetings::PersonRef::Id(id) => {
                mahalle_db::people::candidates(store, Some(*id), None).await
            }
            mahalle_core::meetings::PersonRef::Name { key, .. } => {
                mahalle_db::people::candidates(store, None, Some(key)).await
            }
        };
        match found {
            Ok(c) => match r.pick(field, &c) {
                Ok(id) => ids.push(id),
                Err(e) => errors.push(e),
            },
            Err(e) => {
                tracing::error!(error = %e, "looking people up");
                errors.push(mahalle_core::validate::FieldError::new(
                    field,
                    "جستجوی افراد ممکن نشد.",
                    "People could not be looked up.",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(errors)
    }
}

/// Text typed where a number belongs that is not one.
#[derive(Debug)]
pub struct NotANumber;

/// A number as typed in a form (Persian digits, the Persian decimal sign, grouping); `Ok(None)`
/// when nothing was typed.
pub fn typed_number(s: &str) -> Result<Option<f64>, NotANumber> {
    let t = mahalle_core::text::to_latin_digits(s.trim())
        .replace('٫', ".")
        .replace([',', '،', '٬'], "");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(Some)
        .ok_or(NotANumber)
}

/// A number written back into a form: no needless decimals.
pub fn plain_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Organisations chosen on a form (partners, organisers): each checked to exist, the repeated
/// ones and `except` (the owner or lead, not its own partner) dropped, at most 200. Problems
/// go to `errors` under `field`.
pub async fn known_organisations(
    store: &mahalle_db::Store,
    ids: &[i64],
    except: Option<i64>,
    field: &'static str,
    errors: &mut Vec<mahalle_core::validate::FieldError>,
) -> Result<Vec<i64>, AppError> {
    let mut out = Vec::new();
    for &id in ids {
        if Some(id) == except || out.contains(&id) {
            continue;
        }
        match mahalle_db::org::get(store, id).await {
            Ok(_) => out.push(id),
            Err(mahalle_db::DbError::NotFound) => {
                errors.push(mahalle_core::validate::FieldError::new(
                    field,
                    "یکی از سازمان‌های برگزیده یافت نشد.",
                    "One of the organisations chosen does not exist.",
                ));
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }
    if out.len() > 200 {
        errors.push(mahalle_core::validate::FieldError::new(
            field,
            "حداکثر ۲۰۰ سازمان.",
            "At most 200 organisations.",
        ));
    }
    Ok(out)
}

/// A date typed on a form or sent to the API (Jalali or ISO); a bad one goes to `errors`.
pub fn typed_date(
    errors: &mut Vec<mahalle_core::validate::FieldError>,
    field: &'static str,
    raw: &str,
) -> Result<Option<chrono::NaiveDate>, AppError> {
    match crate::http::extract::parse_date(field, raw) {
        // Jalali 1300–1500: a record of the city's, not of another century (nor beyond the
        // dates the database keeps).
        Ok(d) if !(1921..=2121).contains(&chrono::Datelike::year(&d)) => {
            errors.push(mahalle_core::validate::FieldError::new(
                field,
                "تاریخ باید میان سال‌های ۱۳۰۰ و ۱۵۰۰ باشد.",
                "The date must fall between the years 1300 and 1500 (Jalali).",
            ));
            Ok(None)
        }
        Ok(d) => Ok(Some(d)),
        Err(AppError::Invalid(f)) => {
            errors.extend(f);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
