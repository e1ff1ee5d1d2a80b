//! Domain reports from a spreadsheet: one row a domain, checked row by row (every problem at
//! once) before anything is recorded.

use mahalle_core::text::search_key;
use mahalle_core::visits::{self as rules, Report};

use crate::http::sheet::{RawRow, RowError, SheetColumn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportColumn {
    Domain,
    Manager,
    Actions,
    Figures,
    Challenges,
}

use ReportColumn as C;

impl SheetColumn for ReportColumn {
    fn all() -> &'static [ReportColumn] {
        &[C::Domain, C::Manager, C::Actions, C::Figures, C::Challenges]
    }

    fn from_header(text: &str) -> Option<ReportColumn> {
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
        matches!(self, C::Domain | C::Manager | C::Actions)
    }

    fn header_fa(self) -> &'static str {
        match self {
            C::Domain => "حوزه",
            C::Manager => "مدیر حوزه",
            C::Actions => "اقدامات",
            C::Figures => "شاخص‌ها",
            C::Challenges => "چالش‌ها",
        }
    }

    fn header_en(self) -> &'static str {
        match self {
            C::Domain => "domain",
            C::Manager => "manager",
            C::Actions => "actions",
            C::Figures => "figures",
            C::Challenges => "challenges",
        }
    }
}

impl ReportColumn {
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            C::Domain => &["معاونت", "حوزه کاری"],
            C::Manager => &["مدیر", "گزارش‌دهنده", "نام مدیر"],
            C::Actions => &["اقدامات انجام‌شده", "گزارش", "شرح اقدامات"],
            C::Figures => &["شاخص", "آمار", "ارقام"],
            C::Challenges => &["شماره چالش‌ها", "چالش‌های محله"],
        }
    }

    fn of_field(field: &str) -> ReportColumn {
        match field {
            "domain" => C::Domain,
            "manager" => C::Manager,
            "actions" => C::Actions,
            "figures" => C::Figures,
            _ => C::Challenges,
        }
    }
}

/// A row ready to record.
#[derive(Debug, Clone)]
pub struct Draft {
    pub line: usize,
    pub report: Report,
}

/// Every row checked: the drafts and the problems (a domain twice in one file is one).
pub fn validate(rows: &[RawRow<ReportColumn>]) -> (Vec<Draft>, Vec<RowError>) {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut errors = Vec::new();
    let cell =
        |r: &RawRow<ReportColumn>, c: ReportColumn| r.cells.get(&c).cloned().unwrap_or_default();
    for r in rows {
        match rules::check_report(
            &cell(r, C::Domain),
            &cell(r, C::Manager),
            &cell(r, C::Actions),
            &cell(r, C::Figures),
            &cell(r, C::Challenges),
        ) {
            Ok(report) => {
                if drafts.iter().any(|d| d.report.domain == report.domain) {
                    errors.push(RowError {
                        line: r.line,
                        column: C::Domain.header_en(),
                        fa: "گزارش این حوزه در ردیف دیگری از همین فایل آمده است.".into(),
                        en: "Another row of this file reports the same domain.".into(),
                    });
                } else {
                    drafts.push(Draft {
                        line: r.line,
                        report,
                    });
                }
            }
            Err(fields) => errors.extend(fields.into_iter().map(|f| RowError {
                line: r.line,
                column: ReportColumn::of_field(f.field).header_en(),
                fa: f.fa,
                en: f.en,
            })),
        }
    }
    (drafts, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn row(line: usize, cells: &[(ReportColumn, &str)]) -> RawRow<ReportColumn> {
        RawRow {
            line,
            cells: cells
                .iter()
                .map(|(c, v)| (*c, v.to_string()))
                .collect::<HashMap<_, _>>(),
        }
    }

    #[test]
    fn rows_are_checked_and_a_domain_reported_twice_is_refused() {
        assert_eq!(ReportColumn::from_header("مدير حوزه"), Some(C::Manager));
        assert_eq!(ReportColumn::from_header("Figures"), Some(C::Figures));
        let rows = vec![
            row(
                2,
                &[
                    (C::Domain, "عمرانی"),
                    (C::Manager, "احمدی"),
                    (C::Actions, "آسفالت"),
                    (C::Figures, "کوچه: ۱۲"),
                ],
            ),
            row(
                3,
                &[
                    (C::Domain, "civil_works"),
                    (C::Manager, "ب"),
                    (C::Actions, "ج"),
                ],
            ),
            row(
                4,
                &[(C::Domain, "social"), (C::Actions, "x"), (C::Figures, "بد")],
            ),
        ];
        let (drafts, errors) = validate(&rows);
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].report.figures.len(), 1);
        let at: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(at, [(3, "domain"), (4, "manager"), (4, "figures")]);
    }
}
