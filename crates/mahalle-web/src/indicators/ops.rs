//! Indicators' operations: defining data elements and indicators, entering counts (a grid of a
//! district's neighborhoods × periods, or a list over the API) all-or-nothing with an audit row
//! per count changed, and reading an indicator at the city, a district or its neighborhoods.

use chrono::{NaiveDate, Utc};
use mahalle_core::indicators::{
    self as rules, Aggregation, Direction, Level, Period, PeriodKind, Totals,
};
use mahalle_core::validate::{self, FieldError};
use mahalle_db::indicators::{self as db, DataElement, Indicator};
use mahalle_db::{audit, DbError, Store};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::http::ctx::SignedIn;
use crate::http::error::AppError;
use crate::http::extract::parse_date;

/// A data element as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ElementInput {
    /// Latin letters, digits, `-`, `_`; like `VAX-DONE`.
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub description: String,
    /// week, month, season or year
    pub period_kind: String,
    /// sum (counts of what happened) or last (stocks, such as a population)
    pub aggregation: String,
}

/// An indicator as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct IndicatorInput {
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub description: String,
    /// The numerator's data element, by code.
    pub numerator: String,
    /// The denominator's data element, by code; empty for a plain total.
    pub denominator: String,
    /// 100 for a percentage, 1000 per thousand, 1 for a ratio or total.
    pub factor: Option<i64>,
    /// higher or lower
    pub direction: String,
    /// The value aimed at, in the indicator's unit.
    pub target: Option<f64>,
    /// When the target is due (Jalali or ISO).
    pub target_on: String,
}

/// One created record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DefinitionCreated {
    pub id: i64,
    pub code: String,
}

/// What elements and indicators are named by, checked.
struct Names {
    code: String,
    name_fa: String,
    name_en: String,
    description: String,
}

/// Checks [code, Persian name, English name, description] as typed; problems go to `errors`.
fn names(errors: &mut Vec<FieldError>, [code, fa, en, description]: [&str; 4]) -> Names {
    Names {
        code: rules::check_code(code)
            .map_err(|e| errors.push(e))
            .unwrap_or_default(),
        name_fa: validate::required_text("name_fa", fa, 200)
            .map_err(|e| errors.push(e))
            .unwrap_or_default(),
        name_en: mahalle_core::text::normalize(en),
        description: mahalle_core::text::normalize_multiline(description),
    }
}

fn code_taken() -> FieldError {
    FieldError::new(
        "code",
        "این کد پیش‌تر به کار رفته است.",
        "This code is already in use.",
    )
}

pub async fn create_element(
    store: &Store,
    me: &SignedIn,
    input: &ElementInput,
) -> Result<DefinitionCreated, AppError> {
    AppError::unless(rules::may_define(&me.principal))?;
    let mut errors = Vec::new();
    let Names {
        code,
        name_fa,
        name_en,
        description,
    } = names(
        &mut errors,
        [
            &input.code,
            &input.name_fa,
            &input.name_en,
            &input.description,
        ],
    );
    let kind = PeriodKind::parse(input.period_kind.trim())
        .or_else(|| PeriodKind::parse_loose(&input.period_kind));
    if kind.is_none() {
        errors.push(FieldError::new(
            "period_kind",
            "دوره را برگزینید: هفتگی، ماهانه، فصلی یا سالانه.",
            "Choose the periods: weekly, monthly, seasonal or yearly.",
        ));
    }
    let aggregation = Aggregation::parse(input.aggregation.trim())
        .or_else(|| Aggregation::parse_loose(&input.aggregation));
    if aggregation.is_none() {
        errors.push(FieldError::new(
            "aggregation",
            "روش جمع دوره‌ها را برگزینید: جمع یا آخرین مقدار.",
            "Choose how periods add up: their sum or the latest value.",
        ));
    }
    if !code.is_empty() && db::element_by_code(store, &code).await?.is_some() {
        errors.push(code_taken());
    }
    let (Some(kind), Some(aggregation), true) = (kind, aggregation, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let fields = db::ElementFields {
        code: &code,
        name_fa: &name_fa,
        name_en: &name_en,
        description: &description,
        period_kind: kind.as_str(),
        aggregation: aggregation.as_str(),
    };
    let fields = &fields;
    let now = Utc::now();
    let id = store
        .write(|tx, _| {
            Box::pin(async move {
                let id = db::create_element(tx, fields, Some(me.principal.user_id), now).await?;
                audit::log(
                    tx,
                    me.principal.user_id,
                    "create",
                    "data_element",
                    id,
                    None,
                    Some(json!({"code": fields.code, "name_fa": fields.name_fa, "period_kind": fields.period_kind, "aggregation": fields.aggregation})),
                )
                .await?;
                Ok::<_, AppError>(id)
            })
        })
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => AppError::Invalid(vec![code_taken()]),
            e => e,
        })?;
    Ok(DefinitionCreated { id, code })
}

pub async fn create_indicator(
    store: &Store,
    me: &SignedIn,
    input: &IndicatorInput,
) -> Result<DefinitionCreated, AppError> {
    AppError::unless(rules::may_define(&me.principal))?;
    let mut errors = Vec::new();
    let Names {
        code,
        name_fa,
        name_en,
        description,
    } = names(
        &mut errors,
        [
            &input.code,
            &input.name_fa,
            &input.name_en,
            &input.description,
        ],
    );
    let element = |raw: &str| {
        let c = raw.trim().to_uppercase();
        async move {
            if c.is_empty() {
                return Ok::<_, AppError>(None);
            }
            Ok(db::element_by_code(store, &c).await?.map(|e| e.id))
        }
    };
    let numerator = element(&input.numerator).await?;
    let denominator = element(&input.denominator).await?;
    if !input.denominator.trim().is_empty() && denominator.is_none() {
        errors.push(FieldError::new(
            "denominator",
            format!("داده «{}» تعریف نشده است.", input.denominator.trim()),
            format!(
                "No data element \"{}\" is defined.",
                input.denominator.trim()
            ),
        ));
    }
    let factor = input.factor.unwrap_or(100);
    errors.extend(rules::check_definition(
        numerator,
        denominator,
        factor,
        input.target,
    ));
    let direction = Direction::parse(input.direction.trim()).unwrap_or(Direction::Higher);
    let target_on = match input.target_on.trim() {
        "" => None,
        t => match parse_date("target_on", t) {
            Ok(d) => Some(d),
            Err(AppError::Invalid(f)) => {
                errors.extend(f);
                None
            }
            Err(e) => return Err(e),
        },
    };
    if !code.is_empty() && has_indicator_code(store, &code).await? {
        errors.push(code_taken());
    }
    let (Some(numerator_id), true) = (numerator, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let fields = db::IndicatorFields {
        code: &code,
        name_fa: &name_fa,
        name_en: &name_en,
        description: &description,
        numerator_id,
        denominator_id: denominator,
        factor,
        direction: direction.as_str(),
        target: input.target,
        target_on,
    };
    let fields = &fields;
    let now = Utc::now();
    let id = store
        .write(|tx, _| {
            Box::pin(async move {
                let id = db::create_indicator(tx, fields, Some(me.principal.user_id), now).await?;
                audit::log(
                    tx,
                    me.principal.user_id,
                    "create",
                    "indicator",
                    id,
                    None,
                    Some(json!({"code": fields.code, "name_fa": fields.name_fa, "numerator_id": fields.numerator_id,
                        "denominator_id": fields.denominator_id, "factor": fields.factor, "target": fields.target})),
                )
                .await?;
                Ok::<_, AppError>(id)
            })
        })
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => AppError::Invalid(vec![code_taken()]),
            e => e,
        })?;
    Ok(DefinitionCreated { id, code })
}

async fn has_indicator_code(store: &Store, code: &str) -> Result<bool, AppError> {
    Ok(db::indicator_by_code(store, code).await?.is_some())
}

pub async fn element(store: &Store, id: i64) -> Result<DataElement, AppError> {
    Ok(db::element(store, id).await?)
}

// ---------------------------------------------------------------- entering counts

/// One count to set: the element, the neighborhood, the period's code and the value as typed
/// (empty removes it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ValueInput {
    /// The data element's code.
    pub element: String,
    pub neighborhood_id: i64,
    /// `1404-07` (month), `1404-S2` (season), `1404` (year) or `1404-W05` (week).
    pub period: String,
    /// A whole number from zero; empty or null removes the count.
    #[schema(value_type = Option<String>)]
    pub value: serde_json::Value,
}

/// A problem with one count of a batch.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ValueError {
    /// The count's place in the batch, from 1.
    pub item: usize,
    pub field: String,
    pub fa: String,
    pub en: String,
}

impl ValueError {
    /// As one of an API refusal's fields, the message beginning with the item.
    pub fn as_field(&self) -> FieldError {
        FieldError::new(
            "values",
            format!(
                "مورد {}: {}",
                mahalle_core::text::to_persian_digits(&self.item.to_string()),
                self.fa
            ),
            format!("Item {}: {}", self.item, self.en),
        )
    }
}

/// What saving a batch did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ValuesSaved {
    /// Counts whose value changed (set, changed or removed).
    pub changed: usize,
    /// Counts sent with the value they already had.
    pub unchanged: usize,
}

fn raw_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Checks a batch of counts; every problem is named with its item. Nothing is recorded.
async fn check_values(
    store: &Store,
    me: &SignedIn,
    items: &[ValueInput],
) -> Result<(Vec<(db::Value, Option<i64>)>, Vec<ValueError>), AppError> {
    let mut elements: std::collections::HashMap<String, Option<DataElement>> = Default::default();
    let mut places: std::collections::HashMap<i64, Option<i64>> = Default::default();
    let mut ready = Vec::new();
    let mut errors = Vec::new();
    let mut forbidden = false;
    for (i, it) in items.iter().enumerate() {
        let mut err = |field: &str, e: FieldError| {
            errors.push(ValueError {
                item: i + 1,
                field: field.to_string(),
                fa: e.fa,
                en: e.en,
            })
        };
        let code = it.element.trim().to_uppercase();
        if !elements.contains_key(&code) {
            let e = db::element_by_code(store, &code).await?;
            elements.insert(code.clone(), e);
        }
        let Some(element) = elements[&code].clone() else {
            err(
                "element",
                FieldError::new(
                    "element",
                    format!("داده «{}» تعریف نشده است.", it.element.trim()),
                    format!("No data element \"{}\" is defined.", it.element.trim()),
                ),
            );
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(v) = places.entry(it.neighborhood_id) {
            let d = match mahalle_db::places::get_neighborhood(store, it.neighborhood_id).await {
                Ok(n) => Some(n.district_id),
                Err(DbError::NotFound) => None,
                Err(e) => return Err(e.into()),
            };
            v.insert(d);
        }
        let Some(district_id) = places[&it.neighborhood_id] else {
            err(
                "neighborhood_id",
                FieldError::new("neighborhood_id", "محله یافت نشد.", "No such neighborhood."),
            );
            continue;
        };
        if !rules::may_enter(&me.principal, district_id) {
            forbidden = true;
            continue;
        }
        let period = match Period::parse(&it.period) {
            Ok(p) if p.kind.as_str() == element.period_kind => p,
            Ok(p) => {
                let kind = PeriodKind::parse(&element.period_kind).unwrap_or(PeriodKind::Month);
                err(
                    "period",
                    FieldError::new(
                        "period",
                        format!(
                            "دوره «{}» {} است، اما «{}» {} شمرده می‌شود.",
                            it.period.trim(),
                            p.kind.label_fa(),
                            element.name_fa,
                            kind.label_fa()
                        ),
                        format!(
                            "Period \"{}\" is {}, but \"{}\" is counted {}.",
                            it.period.trim(),
                            p.kind.label_en().to_lowercase(),
                            element.code,
                            kind.label_en().to_lowercase()
                        ),
                    ),
                );
                continue;
            }
            Err(e) => {
                err("period", e);
                continue;
            }
        };
        if period.start > crate::today() {
            err(
                "period",
                FieldError::new(
                    "period",
                    "برای دوره‌ای که هنوز آغاز نشده شماری ثبت نمی‌شود.",
                    "Counts are not entered for a period that has not begun.",
                ),
            );
            continue;
        }
        match rules::check_count(&raw_value(&it.value)) {
            Ok(v) => ready.push((
                db::Value {
                    element_id: element.id,
                    period_start: period.start,
                    neighborhood_id: it.neighborhood_id,
                    district_id,
                    value: v.unwrap_or(0),
                },
                v,
            )),
            Err(e) => err("value", e),
        }
    }
    if forbidden {
        return Err(AppError::Forbidden);
    }
    Ok((ready, errors))
}

/// Saves a batch of counts in one transaction, or none of them when any is wrong.
pub async fn save_values(
    store: &Store,
    me: &SignedIn,
    items: &[ValueInput],
) -> Result<Result<ValuesSaved, Vec<ValueError>>, AppError> {
    AppError::unless(rules::may_enter_any(&me.principal))?;
    if items.len() > 20_000 {
        return Err(AppError::TooLarge);
    }
    let (ready, errors) = check_values(store, me, items).await?;
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let ready = &ready;
    let now = Utc::now();
    let saved = store
        .write(|tx, _| {
            Box::pin(async move {
                let (mut changed, mut unchanged) = (0, 0);
                for (v, value) in ready {
                    let before =
                        db::set_value(tx, v, *value, Some(me.principal.user_id), now).await?;
                    if before == *value {
                        unchanged += 1;
                        continue;
                    }
                    changed += 1;
                    audit::record(
                        tx,
                        audit::Change {
                            user_id: Some(me.principal.user_id),
                            action: if value.is_some() { "set" } else { "remove" },
                            entity: "data_value",
                            entity_id: Some(v.element_id),
                            before: before.map(|b| json!({"neighborhood_id": v.neighborhood_id, "period_start": v.period_start, "value": b})),
                            after: value.map(|n| json!({"neighborhood_id": v.neighborhood_id, "period_start": v.period_start, "value": n})),
                        },
                    )
                    .await?;
                }
                Ok::<_, AppError>(ValuesSaved { changed, unchanged })
            })
        })
        .await?;
    Ok(Ok(saved))
}

/// A sheet of counts checked: rows read, the counts ready (with their rows) and every problem.
pub struct SheetCheck {
    pub rows: usize,
    pub ready: Vec<(usize, ValueInput)>,
    pub errors: Vec<crate::http::sheet::RowError>,
}

/// Reads and checks a sheet of counts; nothing is recorded. Neighborhoods are named by code
/// (`D14-N03`) or by name when no other district has one of that name.
pub async fn check_sheet(
    store: &Store,
    me: &SignedIn,
    filename: &str,
    bytes: &[u8],
) -> Result<SheetCheck, AppError> {
    use crate::http::sheet::{RowError, SheetColumn};
    use crate::indicators::sheet::ValueColumn;
    // Who may enter counts is settled before the file is read.
    AppError::unless(rules::may_enter_any(&me.principal))?;
    let rows = crate::http::sheet::read_table::<ValueColumn>(filename, bytes)
        .map_err(|e| AppError::invalid("file", e.message_fa(), e.to_string()))?;
    let names = mahalle_db::places::neighborhood_names(store).await?;
    let mut errors = Vec::new();
    let mut items = Vec::new();
    for r in &rows {
        let cell = |c: ValueColumn| r.cells.get(&c).cloned().unwrap_or_default();
        let typed = cell(ValueColumn::Neighborhood);
        let code = typed.trim().to_uppercase();
        let key = mahalle_core::text::search_key(&typed);
        let by_code: Vec<i64> = names.iter().filter(|n| n.2 == code).map(|n| n.0).collect();
        let found: Vec<i64> = if by_code.is_empty() {
            names
                .iter()
                .filter(|n| {
                    mahalle_core::text::search_key(&n.3) == key
                        || mahalle_core::text::search_key(&n.4) == key
                })
                .map(|n| n.0)
                .collect()
        } else {
            by_code
        };
        match found.as_slice() {
            [id] => items.push((
                r.line,
                ValueInput {
                    element: cell(ValueColumn::Element),
                    neighborhood_id: *id,
                    period: cell(ValueColumn::Period),
                    value: serde_json::Value::String(cell(ValueColumn::Value)),
                },
            )),
            [] => errors.push(RowError {
                line: r.line,
                column: ValueColumn::Neighborhood.header_en(),
                fa: format!(
                    "محله «{}» یافت نشد؛ کد محله را بنویسید، مانند D14-N03.",
                    typed.trim()
                ),
                en: format!(
                    "No neighborhood \"{}\"; write its code, like D14-N03.",
                    typed.trim()
                ),
            }),
            _ => errors.push(RowError {
                line: r.line,
                column: ValueColumn::Neighborhood.header_en(),
                fa: format!(
                    "چند منطقه محله‌ای به نام «{}» دارند؛ کد محله را بنویسید.",
                    typed.trim()
                ),
                en: format!(
                    "Several districts have a neighborhood \"{}\"; write its code.",
                    typed.trim()
                ),
            }),
        }
    }
    let inputs: Vec<ValueInput> = items.iter().map(|(_, v)| v.clone()).collect();
    let (_, problems) = check_values(store, me, &inputs).await?;
    for p in problems {
        let line = items[p.item - 1].0;
        errors.push(RowError {
            line,
            column: ValueColumn::of_field(&p.field).header_en(),
            fa: p.fa,
            en: p.en,
        });
    }
    // The same count twice in one file is one problem: which of the two is meant?
    let mut seen = std::collections::HashMap::new();
    for (line, v) in &items {
        let k = (
            v.element.trim().to_uppercase(),
            v.neighborhood_id,
            v.period.trim().to_uppercase(),
        );
        if let Some(first) = seen.insert(k, *line) {
            errors.push(RowError {
                line: *line,
                column: ValueColumn::Period.header_en(),
                fa: format!(
                    "همین شمار در ردیف {} هم آمده است.",
                    mahalle_core::text::to_persian_digits(&first.to_string())
                ),
                en: format!("Row {first} gives the same count."),
            });
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(SheetCheck {
        rows: rows.len(),
        ready: if errors.is_empty() { items } else { Vec::new() },
        errors,
    })
}

/// Checks the sheet again and records every count in one transaction, or none.
pub async fn commit_sheet(
    store: &Store,
    me: &SignedIn,
    filename: &str,
    bytes: &[u8],
) -> Result<ValuesSaved, AppError> {
    let check = check_sheet(store, me, filename, bytes).await?;
    if let Some(e) = check.errors.first() {
        return Err(AppError::invalid(
            "file",
            format!(
                "ردیف {}: {}",
                mahalle_core::text::to_persian_digits(&e.line.to_string()),
                e.fa
            ),
            format!("Row {}: {}", e.line, e.en),
        ));
    }
    let items: Vec<ValueInput> = check.ready.into_iter().map(|(_, v)| v).collect();
    match save_values(store, me, &items).await? {
        Ok(saved) => Ok(saved),
        Err(problems) => Err(AppError::Invalid(
            problems.iter().map(ValueError::as_field).collect(),
        )),
    }
}

/// A district's grid of counts for one element and Jalali year: its neighborhoods × the
/// element's periods in the year.
pub struct Grid {
    pub element: DataElement,
    pub district: mahalle_db::places::District,
    pub year: i32,
    pub periods: Vec<Period>,
    pub rows: Vec<GridRow>,
}

pub struct GridRow {
    pub neighborhood_id: i64,
    pub name_fa: String,
    pub name_en: String,
    pub cells: Vec<Option<i64>>,
}

/// `within`: only the periods sharing a day with these first and last days (a campaign's).
pub async fn grid(
    store: &Store,
    element_id: i64,
    district_id: i64,
    year: i32,
    within: Option<(NaiveDate, NaiveDate)>,
) -> Result<Grid, AppError> {
    let element = db::element(store, element_id).await?;
    let district = mahalle_db::places::get_district(store, district_id).await?;
    let kind = PeriodKind::parse(&element.period_kind).unwrap_or(PeriodKind::Month);
    let year = year.clamp(1300, 1500);
    let from = Period::parse(&year.to_string()).map_err(|e| AppError::Invalid(vec![e]))?;
    let periods: Vec<Period> = rules::periods(kind, from.start, from.end())
        .into_iter()
        .filter(|p| within.is_none_or(|(s, e)| mahalle_core::campaigns::covers(*p, s, e)))
        .collect();
    let values = db::values(
        store,
        &[element_id],
        Some(district_id),
        from.start,
        from.end(),
    )
    .await?;
    let stored: std::collections::HashMap<(i64, NaiveDate), i64> = values
        .iter()
        .map(|v| ((v.neighborhood_id, v.period_start), v.value))
        .collect();
    let rows = mahalle_db::places::current_neighborhoods(store, Some(district_id))
        .await?
        .into_iter()
        .map(|n| GridRow {
            cells: periods
                .iter()
                .map(|p| stored.get(&(n.id, p.start)).copied())
                .collect(),
            neighborhood_id: n.id,
            name_fa: n.name_fa,
            name_en: n.name_en,
        })
        .collect();
    Ok(Grid {
        element,
        district,
        year,
        periods,
        rows,
    })
}

// ---------------------------------------------------------------- reading an indicator

/// An indicator's value at one place (or the whole), with the sums behind it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReadingRow {
    /// The district's or neighborhood's id; none for the whole.
    pub id: Option<i64>,
    pub name_fa: String,
    pub name_en: String,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    pub value: Option<f64>,
    /// The share of the target reached (1.0 = met), the right way round.
    pub reached: Option<f64>,
    /// Short of the target by more than a tenth.
    pub lags: bool,
}

/// The whole's value from the range's start to the end of one period (so the last is the
/// range's value, and coverage is seen growing towards its target).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeriesPoint {
    pub period: String,
    pub starts_on: NaiveDate,
    pub value: Option<f64>,
}

/// An indicator read over `from..to`: the whole (the city, or the district), each of its parts
/// (districts, or neighborhoods), and the whole's value up to the end of each period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reading {
    pub indicator: Indicator,
    pub from: NaiveDate,
    /// The day after the last.
    pub to: NaiveDate,
    pub district_id: Option<i64>,
    pub whole: ReadingRow,
    pub parts: Vec<ReadingRow>,
    pub series: Vec<SeriesPoint>,
}

fn row(
    i: &Indicator,
    num: &Totals,
    den: Option<&Totals>,
    level: Level,
    id: Option<i64>,
    names: (String, String),
) -> ReadingRow {
    let sums = rules::sums_at(num, den, level);
    let value = sums.and_then(|s| s.value(i.factor));
    let direction = Direction::parse(&i.direction).unwrap_or(Direction::Higher);
    ReadingRow {
        id,
        name_fa: names.0,
        name_en: names.1,
        numerator: num.at(level),
        denominator: den.and_then(|d| d.at(level)),
        value,
        reached: rules::reached(value, i.target, direction),
        lags: rules::lags(value, i.target, direction, 0.1),
    }
}

pub async fn read(
    store: &Store,
    id: i64,
    district_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Reading, AppError> {
    read_against(store, id, district_id, from, to, None).await
}

/// [`read`], measured against another target than the indicator's own (a campaign's).
pub async fn read_against(
    store: &Store,
    id: i64,
    district_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
    target: Option<f64>,
) -> Result<Reading, AppError> {
    if to <= from || (to - from).num_days() > 3660 {
        return Err(AppError::invalid(
            "to",
            "بازه باید پس از آغازش پایان یابد و از ده سال بیشتر نباشد.",
            "The range must end after it begins and span at most ten years.",
        ));
    }
    let mut indicator = db::indicator(store, id).await?;
    if target.is_some() {
        indicator.target = target;
    }
    let numerator = db::element(store, indicator.numerator_id).await?;
    let denominator = match indicator.denominator_id {
        Some(d) => Some(db::element(store, d).await?),
        None => None,
    };
    let mut ids = vec![numerator.id];
    ids.extend(denominator.as_ref().map(|d| d.id));
    // A stock (the latest value) is read up to the end of the range, whenever it was counted.
    let stock_from = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(from);
    let reads_stock = |e: &DataElement| e.aggregation == "last";
    let earliest = if reads_stock(&numerator) || denominator.as_ref().is_some_and(reads_stock) {
        stock_from
    } else {
        from
    };
    let values = db::values(store, &ids, district_id, earliest, to).await?;
    let rows_of = |e: &DataElement,
                   until: NaiveDate,
                   since: NaiveDate|
     -> Vec<(i64, i64, NaiveDate, i64)> {
        let since = if reads_stock(e) { stock_from } else { since };
        values
            .iter()
            .filter(|v| v.element_id == e.id && v.period_start >= since && v.period_start < until)
            .map(|v| (v.neighborhood_id, v.district_id, v.period_start, v.value))
            .collect()
    };
    let agg = |e: &DataElement| Aggregation::parse(&e.aggregation).unwrap_or(Aggregation::Sum);
    let totals = |until: NaiveDate, since: NaiveDate| {
        let n = Totals::of(agg(&numerator), &rows_of(&numerator, until, since));
        let d = denominator
            .as_ref()
            .map(|d| Totals::of(agg(d), &rows_of(d, until, since)));
        (n, d)
    };
    let (num, den) = totals(to, from);
    let (whole, parts) = match district_id {
        None => {
            let whole = row(
                &indicator,
                &num,
                den.as_ref(),
                Level::City,
                None,
                ("شهر".into(), "The city".into()),
            );
            let parts = mahalle_db::places::district_names(store)
                .await?
                .into_iter()
                .map(|(id, _, number, fa, en)| {
                    let names = (fa, en);
                    (
                        number,
                        row(
                            &indicator,
                            &num,
                            den.as_ref(),
                            Level::District(id),
                            Some(id),
                            names,
                        ),
                    )
                })
                .collect::<std::collections::BTreeMap<_, _>>()
                .into_values()
                .collect();
            (whole, parts)
        }
        Some(d) => {
            let district = mahalle_db::places::get_district(store, d).await?;
            let whole = row(
                &indicator,
                &num,
                den.as_ref(),
                Level::District(d),
                Some(d),
                (district.name_fa.clone(), district.name_en.clone()),
            );
            let parts = mahalle_db::places::current_neighborhoods(store, Some(d))
                .await?
                .into_iter()
                .map(|n| {
                    row(
                        &indicator,
                        &num,
                        den.as_ref(),
                        Level::Neighborhood(n.id),
                        Some(n.id),
                        (n.name_fa, n.name_en),
                    )
                })
                .collect();
            (whole, parts)
        }
    };
    let level = district_id.map_or(Level::City, Level::District);
    let kind = PeriodKind::parse(&numerator.period_kind).unwrap_or(PeriodKind::Month);
    let series = rules::periods(kind, from, to)
        .into_iter()
        .take(120)
        .map(|p| {
            let (n, d) = totals(p.end(), from);
            SeriesPoint {
                period: p.code(),
                starts_on: p.start,
                value: rules::sums_at(&n, d.as_ref(), level)
                    .and_then(|s| s.value(indicator.factor)),
            }
        })
        .collect();
    Ok(Reading {
        indicator,
        from,
        to,
        district_id,
        whole,
        parts,
        series,
    })
}

/// A range of days as typed (Jalali or ISO, the last day included): the current Jalali year
/// when left out. Returned with the day after the last.
pub fn range(from: Option<&str>, to: Option<&str>) -> Result<(NaiveDate, NaiveDate), AppError> {
    let (mut start, mut end) = this_year();
    if let Some(f) = from.filter(|f| !f.trim().is_empty()) {
        start = parse_date("from", f)?;
    }
    if let Some(t) = to.filter(|t| !t.trim().is_empty()) {
        end = parse_date("to", t)?.succ_opt().unwrap_or(end);
    }
    Ok((start, end))
}

/// The Jalali year holding today, as the default range of a reading.
pub fn this_year() -> (NaiveDate, NaiveDate) {
    let p = Period::containing(PeriodKind::Year, crate::today());
    (p.start, p.end())
}
