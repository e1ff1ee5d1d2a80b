//! Spreadsheet import and export of resolutions (مصوبات).
//!
//! One Social HQ session approves 400+ resolutions and the secretariats prepare them in Excel;
//! typing them in one by one is slow and is where mistakes creep in. Import is therefore two steps:
//!
//! 1. [`read_table`] turns an `.xlsx` or `.csv` upload into [`RawRow`]s: text cells keyed by
//!    [`Column`], whatever language or spelling the headers use, with the row numbers Excel shows.
//! 2. [`validate`] checks every row against the rules and the names in the database ([`Lookup`])
//!    and reports *all* problems at once, in Persian and English, so that a secretariat can fix
//!    its sheet in one pass instead of one error per upload.
//!
//! The other direction: [`template_xlsx`] / [`template_csv`] give a ready-to-fill sheet whose
//! examples use real names, and [`export_csv`] / [`export_xlsx`] write follow-up lists that open
//! correctly in Excel (BOM, right-to-left, no formula injection).

mod export;
mod read;
#[cfg(test)]
mod tests;
mod validate;

use mahalle_core::text::{search_key, to_persian_digits};

pub use export::{
    export_csv, export_xlsx, template_csv, template_xlsx, ExportRow, TemplateExample,
};
pub use read::read_table;
pub use validate::{validate, Draft, DraftScope, Lookup, RowError};

/// The most data rows one upload may hold: a weekly session is ~400 resolutions, so anything far
/// beyond that is a wrong file (or a whole archive) and would only produce a wall of errors.
pub const MAX_ROWS: usize = 5000;

/// The largest spreadsheet an import takes (a 450-row session is well under 100 KB).
pub const MAX_UPLOAD: usize = 2 * 1024 * 1024;

/// Bounds on what a sheet may make us hold, checked before anything is allocated for it: cells
/// and columns read, and bytes a workbook may unzip to (a 5 KB zip can claim gigabytes).
pub const MAX_CELLS: usize = 200_000;
pub const MAX_COLUMNS: u32 = 256;
pub const MAX_UNZIPPED: u64 = 40 * 1024 * 1024;

/// Columns of a resolutions sheet; headers accepted in Persian or English, matched through
/// [`search_key`] so that ی/ي, ZWNJ, spaces and punctuation (e.g. a trailing `*`) do not matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Item,
    Title,
    Body,
    Domain,
    Scope,
    District,
    Neighborhood,
    Lead,
    Partners,
    Deadline,
    Priority,
}

impl Column {
    /// Every column, in template order.
    pub const ALL: [Column; 11] = [
        Column::Item,
        Column::Title,
        Column::Body,
        Column::Domain,
        Column::Scope,
        Column::District,
        Column::Neighborhood,
        Column::Lead,
        Column::Partners,
        Column::Deadline,
        Column::Priority,
    ];

    /// The header written in Persian templates and named in Persian messages.
    pub fn header_fa(self) -> &'static str {
        match self {
            Column::Item => "ردیف",
            Column::Title => "عنوان",
            Column::Body => "متن",
            Column::Domain => "حوزه",
            Column::Scope => "گستره",
            Column::District => "منطقه",
            Column::Neighborhood => "محله",
            Column::Lead => "دستگاه مسئول",
            Column::Partners => "دستگاه‌های همکار",
            Column::Deadline => "مهلت",
            Column::Priority => "اولویت",
        }
    }

    /// The header written in English templates; also the stable column name in [`RowError`].
    pub fn header_en(self) -> &'static str {
        match self {
            Column::Item => "item",
            Column::Title => "title",
            Column::Body => "text",
            Column::Domain => "domain",
            Column::Scope => "scope",
            Column::District => "district",
            Column::Neighborhood => "neighborhood",
            Column::Lead => "lead",
            Column::Partners => "partners",
            Column::Deadline => "deadline",
            Column::Priority => "priority",
        }
    }

    /// A resolution cannot be followed up without these: who does what, by when, under which
    /// item of the minutes and in which field.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Item | Column::Title | Column::Domain | Column::Lead | Column::Deadline
        )
    }

    /// Other headers secretariats actually write; compared through [`search_key`].
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Column::Item => &[
                "شماره بند",
                "بند",
                "شماره",
                "شماره ردیف",
                "number",
                "no",
                "item number",
                "item no",
            ],
            Column::Title => &["عنوان مصوبه", "موضوع", "subject"],
            Column::Body => &["شرح", "متن مصوبه", "شرح مصوبه", "description", "body"],
            Column::Domain => &["حوزه موضوعی", "area", "field"],
            Column::Scope => &["سطح", "level"],
            Column::District => &["شماره منطقه", "region"],
            Column::Neighborhood => &["neighbourhood", "نام محله"],
            Column::Lead => &[
                "مسئول",
                "دستگاه اصلی",
                "دستگاه متولی",
                "متولی",
                "organisation",
                "organization",
                "lead organisation",
                "lead organization",
                "responsible",
            ],
            Column::Partners => &[
                "همکاران",
                "دستگاه همکار",
                "همکار",
                "partner",
                "partner organisations",
                "partner organizations",
            ],
            Column::Deadline => &["مهلت اجرا", "تاریخ مهلت", "due", "due date"],
            // «الویت» is a very common misspelling.
            Column::Priority => &["الویت"],
        }
    }

    /// The column a header cell names, if any. A parenthesised note is ignored when the whole
    /// text does not match, so «مهلت (شمسی)» still means the deadline.
    pub fn from_header(text: &str) -> Option<Column> {
        let text = text.trim();
        if text == "#" {
            return Some(Column::Item);
        }
        let find = |key: &str| {
            if key.is_empty() {
                return None;
            }
            Column::ALL.into_iter().find(|c| {
                search_key(c.header_fa()) == key
                    || search_key(c.header_en()) == key
                    || c.synonyms().iter().any(|s| search_key(s) == key)
            })
        };
        find(&search_key(text)).or_else(|| {
            let before_note = text.split(['(', '[', '（']).next().unwrap_or(text);
            find(&search_key(before_note))
        })
    }
}

/// One data row of an uploaded sheet, before any checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// 1-based row number in the file, as Excel shows it, so messages point at the right row.
    pub line: usize,
    /// Trimmed cell text; empty cells are absent.
    pub cells: std::collections::HashMap<Column, String>,
}

/// Why an uploaded file as a whole could not be used (row-level problems are [`RowError`]s).
/// `Display` is English; [`FileError::message_fa`] is the Persian wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// No header row, or a header row and nothing under it.
    #[error("The file has no rows to import.")]
    Empty,
    /// Neither an .xlsx workbook nor CSV text (e.g. an old .xls or a PDF).
    #[error("Unsupported file type: upload an Excel workbook (.xlsx) or a CSV file.")]
    UnknownFormat,
    /// Looked like a supported format but could not be parsed; holds the (English) detail.
    #[error("The file could not be read: {0}")]
    Unreadable(String),
    /// Required columns not found in the header row, in [`Column::ALL`] order.
    #[error("Required columns are missing: {}.", column_list(.0, false))]
    MissingColumns(Vec<Column>),
    /// More data rows than [`MAX_ROWS`]; holds how many the file has.
    #[error("The file has {0} rows; at most {MAX_ROWS} can be imported at once.")]
    TooManyRows(usize),
    /// Beyond the bounds above (cells, columns, unzipped size): a damaged or hostile file.
    #[error("The file is too large to read: at most {MAX_CELLS} cells in the first {MAX_COLUMNS} columns and 40 MB unzipped.")]
    TooLarge,
}

impl FileError {
    /// The same error, worded for Persian-speaking users.
    pub fn message_fa(&self) -> String {
        match self {
            FileError::Empty => "فایل هیچ سطری برای ورود ندارد.".to_owned(),
            FileError::UnknownFormat => {
                "نوع فایل پشتیبانی نمی‌شود؛ فایل اکسل (xlsx) یا CSV بارگذاری کنید.".to_owned()
            }
            FileError::Unreadable(detail) => format!(
                "فایل خوانده نشد. اگر CSV است آن را با کدگذاری UTF-8 ذخیره کنید و اگر اکسل است \
                 یک بار در اکسل باز و دوباره ذخیره کنید. (جزئیات: {detail})"
            ),
            FileError::MissingColumns(columns) => {
                format!("ستون‌های ضروری پیدا نشد: {}.", column_list(columns, true))
            }
            FileError::TooLarge => format!(
                "فایل بزرگ‌تر از آن است که خوانده شود: حداکثر {} خانه در {} ستون نخست و ۴۰ مگابایت پس از گشودن.",
                to_persian_digits(&MAX_CELLS.to_string()),
                to_persian_digits(&MAX_COLUMNS.to_string())
            ),
            FileError::TooManyRows(n) => format!(
                "فایل {} سطر دارد؛ هر بار حداکثر {} سطر را می‌توان وارد کرد.",
                to_persian_digits(&n.to_string()),
                to_persian_digits(&MAX_ROWS.to_string())
            ),
        }
    }
}

/// `«عنوان»، «مهلت»` or `'title', 'deadline'`.
fn column_list(columns: &[Column], persian: bool) -> String {
    let names: Vec<String> = columns
        .iter()
        .map(|c| {
            if persian {
                format!("«{}»", c.header_fa())
            } else {
                format!("'{}'", c.header_en())
            }
        })
        .collect();
    names.join(if persian { "، " } else { ", " })
}
pub mod pages;
