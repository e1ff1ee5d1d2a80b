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
