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
#[cfg(test)]
mod tests;
mod validate;

use mahalle_core::text::search_key;

pub use export::{
    export_csv, export_xlsx, template_csv, template_xlsx, ExportRow, TemplateExample,
};
pub use validate::{validate, Draft, DraftScope, Lookup, RowError};

pub use crate::http::sheet::{MAX_CELLS, MAX_ROWS, MAX_UPLOAD};

/// A resolutions sheet's row, and why a file could not be read.
pub type RawRow = crate::http::sheet::RawRow<Column>;
pub type FileError = crate::http::sheet::FileError<Column>;

/// Reads an uploaded resolutions sheet (see [`crate::http::sheet::read_table`]).
pub fn read_table(filename: &str, bytes: &[u8]) -> Result<Vec<RawRow>, FileError> {
    crate::http::sheet::read_table(filename, bytes)
}

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

impl crate::http::sheet::SheetColumn for Column {
    fn all() -> &'static [Column] {
        &Column::ALL
    }
    fn from_header(text: &str) -> Option<Column> {
        Column::from_header(text)
    }
    fn required(self) -> bool {
        Column::required(self)
    }
    fn header_fa(self) -> &'static str {
        Column::header_fa(self)
    }
    fn header_en(self) -> &'static str {
        Column::header_en(self)
    }
}

pub mod pages;
