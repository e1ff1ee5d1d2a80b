//! Writing sheets: the import template and the follow-up export, as .xlsx and CSV.

use chrono::{Days, NaiveDate, Utc};
use mahalle_core::domain::Domain;
use mahalle_core::jalali;
use mahalle_core::resolutions::Priority;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, ExcelDateTime, Format, FormatAlign, Workbook,
    Worksheet, XlsxError,
};

use super::{Column, MAX_ROWS};
use crate::http::cells::{defuse_formula, push_csv_record};

const BOM: &str = "\u{FEFF}";

/// A downloadable template: header row in the chosen language and two example rows using
/// real-looking values passed in by the caller, so that the examples match the database and a
/// secretariat can see exactly how names must be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateExample {
    pub lead: String,
    pub partner: String,
    pub district: String,
    pub neighborhood: String,
}

/// One exported row, already formatted by the caller (numbers, labels, digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub number: String,
    pub meeting: String,
    pub title: String,
    pub domain: String,
    pub scope: String,
    pub lead: String,
    pub partners: String,
    pub deadline_jalali: String,
    pub deadline_iso: String,
    pub status: String,
    pub overdue_days: i64,
    pub progress: i64,
}

/// Template columns: width in Excel character units.
fn template_width(column: Column) -> f64 {
    match column {
        Column::Item => 8.0,
        Column::Title => 40.0,
        Column::Body => 50.0,
        Column::Domain => 18.0,
        Column::Scope => 10.0,
        Column::District => 12.0,
        Column::Neighborhood => 18.0,
        Column::Lead => 28.0,
        Column::Partners => 32.0,
        Column::Deadline => 14.0,
        Column::Priority => 10.0,
    }
}

fn header(column: Column, persian: bool) -> &'static str {
    if persian {
        column.header_fa()
    } else {
        column.header_en()
    }
}

fn domain_label(d: Domain, persian: bool) -> &'static str {
    if persian {
        d.label_fa()
    } else {
        d.label_en()
    }
}

fn priority_label(p: Priority, persian: bool) -> &'static str {
    if persian {
        p.label_fa()
    } else {
        p.label_en()
    }
}

/// The scope words the importer accepts, in the template's language.
fn scope_words(persian: bool) -> [&'static str; 3] {
    if persian {
        ["شهر", "منطقه", "محله"]
    } else {
        ["city", "district", "neighborhood"]
    }
}

/// The two example rows, cells in [`Column::ALL`] order. Deadlines are a month or two ahead
/// so the examples never look overdue.
fn example_rows(persian: bool, ex: &TemplateExample) -> [[String; 11]; 2] {
    let today = Utc::now().date_naive();
    let deadline = |days: u64| {
        let date = today.checked_add_days(Days::new(days)).unwrap_or(today);
        jalali::format_numeric(date, persian)
    };
    let [_, district_word, neighborhood_word] = scope_words(persian);
    let first = if persian {
        [
            "1".to_owned(),
            format!("ساماندهی پیاده‌روهای محله {}", ex.neighborhood),
            "رفع سد معبر و ترمیم کف‌پوش پیاده‌روهای اصلی محله با گزارش پیشرفت هفتگی.".to_owned(),
            Domain::UrbanServices.label_fa().to_owned(),
            neighborhood_word.to_owned(),
            ex.district.clone(),
            ex.neighborhood.clone(),
            ex.lead.clone(),
            ex.partner.clone(),
            deadline(30),
            Priority::High.label_fa().to_owned(),
        ]
    } else {
        [
            "1".to_owned(),
            format!("Clear and repair the sidewalks of {}", ex.neighborhood),
            "Remove obstructions and repair the paving of the main sidewalks; report progress weekly.".to_owned(),
            Domain::UrbanServices.label_en().to_owned(),
            neighborhood_word.to_owned(),
            ex.district.clone(),
            ex.neighborhood.clone(),
            ex.lead.clone(),
            ex.partner.clone(),
            deadline(30),
            Priority::High.label_en().to_owned(),
        ]
    };
    let second = [
        "2".to_owned(),
        if persian {
            "برگزاری نشست هم‌اندیشی ارکان محلات منطقه".to_owned()
        } else {
            "Hold a think-tank session of the district's neighborhood pillars".to_owned()
        },
        String::new(),
        domain_label(Domain::Social, persian).to_owned(),
        district_word.to_owned(),
        ex.district.clone(),
        String::new(),
        ex.lead.clone(),
        String::new(),
        deadline(60),
        priority_label(Priority::Normal, persian).to_owned(),
    ];
    [first, second]
}

/// Help text for each column of the template.
fn column_help(column: Column, persian: bool, ex: &TemplateExample) -> String {
    if persian {
        match column {
            Column::Item => {
                "شماره بند مصوبه در صورت‌جلسه؛ عدد صحیح مثبت و بدون تکرار در فایل.".to_owned()
            }
            Column::Title => "عنوان کوتاه مصوبه (حداکثر ۵۰۰ نویسه).".to_owned(),
            Column::Body => "متن کامل مصوبه (اختیاری، حداکثر ۱۰٬۰۰۰ نویسه).".to_owned(),
            Column::Domain => "یکی از حوزه‌های فهرست پایین.".to_owned(),
            Column::Scope => {
                "اختیاری: شهر، منطقه یا محله. اگر خالی بماند از ستون‌های منطقه و محله تعیین می‌شود."
                    .to_owned()
            }
            Column::District => format!(
                "شماره یا نام منطقه، مثلاً «{}». برای مصوبه‌های کل شهر خالی بگذارید.",
                ex.district
            ),
            Column::Neighborhood => format!(
                "نام محله، مثلاً «{}»؛ اگر منطقه هم نوشته شود، محله باید در همان منطقه باشد.",
                ex.neighborhood
            ),
            Column::Lead => format!(
                "نام یا کد دستگاه مسئول، همان‌طور که در سامانه ثبت شده است، مثلاً «{}».",
                ex.lead
            ),
            Column::Partners => "اختیاری: دستگاه‌های همکار، جدا شده با «،» یا «؛».".to_owned(),
            Column::Deadline => {
                "تاریخ شمسی مانند ۱۴۰۴/۰۸/۳۰ (تاریخ میلادی اکسل هم پذیرفته می‌شود).".to_owned()
            }
            Column::Priority => {
                "اختیاری: کم، عادی، زیاد یا فوری؛ اگر خالی بماند «عادی».".to_owned()
            }
        }
    } else {
        match column {
            Column::Item => "Item number in the minutes; a positive whole number, unique in the file.".to_owned(),
            Column::Title => "Short title of the resolution (at most 500 characters).".to_owned(),
            Column::Body => "Full text of the resolution (optional, at most 10,000 characters).".to_owned(),
            Column::Domain => "One of the domains listed below.".to_owned(),
            Column::Scope => {
                "Optional: city, district or neighborhood. If empty it follows from the district and neighborhood columns."
                    .to_owned()
            }
            Column::District => format!(
                "District number or name, e.g. '{}'. Leave empty for city-wide resolutions.",
                ex.district
            ),
            Column::Neighborhood => format!(
                "Neighborhood name, e.g. '{}'; if a district is given it must be in that district.",
                ex.neighborhood
            ),
            Column::Lead => format!(
                "Name or code of the lead organisation as registered in the system, e.g. '{}'.",
                ex.lead
            ),
            Column::Partners => "Optional: partner organisations separated by commas or semicolons.".to_owned(),
            Column::Deadline => "Jalali date like 1404/08/30 (an Excel date is accepted too).".to_owned(),
            Column::Priority => "Optional: Low, Normal, High or Urgent; Normal when empty.".to_owned(),
        }
    }
}

/// The import template as .xlsx: RTL sheet when `persian`, bold frozen header, sensible widths,
/// dropdowns for domain/scope/priority (warnings only, so other accepted spellings still go in),
/// and a second sheet «راهنما» / "Help" describing each column and the allowed labels.
pub fn template_xlsx(persian: bool, ex: &TemplateExample) -> Result<Vec<u8>, String> {
    build_template(persian, ex).map_err(|e| e.to_string())
}

fn build_template(persian: bool, ex: &TemplateExample) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header_format = header_format();
    // Text format for the deadline column: Excel must not turn «1404/08/30» into something else.
    let text_format = Format::new().set_num_format("@");

    let mut sheet = Worksheet::new();
    sheet.set_name(if persian {
        "مصوبات"
    } else {
        "Resolutions"
    })?;
    sheet.set_right_to_left(persian);
    for (col, column) in (0u16..).zip(Column::ALL) {
        sheet.write_string_with_format(0, col, header(column, persian), &header_format)?;
        sheet.set_column_width(col, template_width(column))?;
    }
    let deadline_col = column_index(Column::Deadline);
    sheet.set_column_format(deadline_col, &text_format)?;
    for (row, cells) in (1u32..).zip(example_rows(persian, ex)) {
        for (col, (column, value)) in (0u16..).zip(Column::ALL.into_iter().zip(cells)) {
            if value.is_empty() {
                continue;
            }
            match (column, value.parse::<f64>()) {
                (Column::Item, Ok(n)) => sheet.write_number(row, col, n)?,
                (Column::Deadline, _) => {
                    sheet.write_string_with_format(row, col, value, &text_format)?
                }
                _ => sheet.write_string(row, col, value)?,
            };
        }
    }
    let last_row = u32::try_from(MAX_ROWS).unwrap_or(u32::MAX);
    let domains: Vec<&str> = Domain::ALL
        .iter()
        .map(|d| domain_label(*d, persian))
        .collect();
    let priorities: Vec<&str> = Priority::ALL
        .iter()
        .map(|p| priority_label(*p, persian))
        .collect();
    for (column, list) in [
        (Column::Domain, domains),
        (Column::Scope, scope_words(persian).to_vec()),
        (Column::Priority, priorities),
    ] {
        let validation = DataValidation::new()
            .allow_list_strings(&list)?
            .set_error_style(DataValidationErrorStyle::Warning);
        let col = column_index(column);
        sheet.add_data_validation(1, col, last_row, col, &validation)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.push_worksheet(sheet);

    let mut help = Worksheet::new();
    help.set_name(if persian { "راهنما" } else { "Help" })?;
    help.set_right_to_left(persian);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let titles = if persian {
        ["ستون", "ضروری؟", "توضیح"]
    } else {
        ["Column", "Required?", "Description"]
    };
    for (col, title) in (0u16..).zip(titles) {
        help.write_string_with_format(0, col, title, &header_format)?;
    }
    help.set_column_width(0, 22)?;
    help.set_column_width(1, 10)?;
    help.set_column_width(2, 80)?;
    let (yes, no) = if persian {
        ("بله", "خیر")
    } else {
        ("yes", "no")
    };
    let mut row = 1u32;
    for column in Column::ALL {
        help.write_string(row, 0, header(column, persian))?;
        help.write_string(row, 1, if column.required() { yes } else { no })?;
        help.write_string_with_format(row, 2, column_help(column, persian, ex), &wrap)?;
        row += 1;
    }
    let lists: [(&str, Vec<&str>); 3] = if persian {
        [
            (
                "حوزه‌های مجاز",
                Domain::ALL.iter().map(|d| d.label_fa()).collect(),
            ),
            (
                "اولویت‌های مجاز",
                Priority::ALL.iter().map(|p| p.label_fa()).collect(),
            ),
            ("گستره‌های مجاز", scope_words(true).to_vec()),
        ]
    } else {
        [
            (
                "Allowed domains",
                Domain::ALL.iter().map(|d| d.label_en()).collect(),
            ),
            (
                "Allowed priorities",
                Priority::ALL.iter().map(|p| p.label_en()).collect(),
            ),
            ("Allowed scopes", scope_words(false).to_vec()),
        ]
    };
    for (title, values) in lists {
        row += 1;
        help.write_string_with_format(row, 0, title, &header_format)?;
        for value in values {
            row += 1;
            help.write_string(row, 0, value)?;
        }
    }
    workbook.push_worksheet(help);
    workbook.save_to_buffer()
}

/// The import template as CSV: UTF-8 with BOM and CRLF, which is what makes Excel open Persian
/// text correctly.
pub fn template_csv(persian: bool, ex: &TemplateExample) -> Vec<u8> {
    let mut out = String::from(BOM);
    let headers: Vec<&str> = Column::ALL.iter().map(|c| header(*c, persian)).collect();
    push_csv_record(&mut out, &headers);
    for row in example_rows(persian, ex) {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        push_csv_record(&mut out, &cells);
    }
    out.into_bytes()
}

const EXPORT_HEADERS_FA: [&str; 12] = [
    "شماره",
    "جلسه",
    "عنوان",
    "حوزه",
    "گستره",
    "دستگاه مسئول",
    "دستگاه‌های همکار",
    "مهلت (شمسی)",
    "مهلت (میلادی)",
    "وضعیت",
    "روزهای تأخیر",
    "پیشرفت (٪)",
];

const EXPORT_HEADERS_EN: [&str; 12] = [
    "Number",
    "Meeting",
    "Title",
    "Domain",
    "Scope",
    "Lead",
    "Partners",
    "Deadline (Jalali)",
    "Deadline (ISO)",
    "Status",
    "Days overdue",
    "Progress (%)",
];

const EXPORT_WIDTHS: [f64; 12] = [
    14.0, 24.0, 48.0, 16.0, 16.0, 28.0, 32.0, 13.0, 13.0, 13.0, 11.0, 11.0,
];

fn export_headers(persian: bool) -> [&'static str; 12] {
    if persian {
        EXPORT_HEADERS_FA
    } else {
        EXPORT_HEADERS_EN
    }
}

/// The text cells of an exported row, in header order (the two numbers follow).
fn export_texts(r: &ExportRow) -> [&str; 10] {
    [
        &r.number,
        &r.meeting,
        &r.title,
        &r.domain,
        &r.scope,
        &r.lead,
        &r.partners,
        &r.deadline_jalali,
        &r.deadline_iso,
        &r.status,
    ]
}

/// Follow-up list as CSV that Excel opens correctly: UTF-8 BOM, CRLF, localized headers, and
/// text cells that would start a formula (`=`, `+`, `-`, `@`, tab, CR) prefixed with `'`, so a
/// title like "=HYPERLINK(…)" typed by anyone stays text on the reader's machine.
/// The two numeric columns are written as plain Latin-digit numbers so Excel can sum them.
pub fn export_csv(rows: &[ExportRow], persian: bool) -> Vec<u8> {
    let mut out = String::from(BOM);
    push_csv_record(&mut out, &export_headers(persian));
    for r in rows {
        let mut cells: Vec<String> = export_texts(r).iter().map(|s| defuse_formula(s)).collect();
        cells.push(r.overdue_days.to_string());
        cells.push(r.progress.to_string());
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        push_csv_record(&mut out, &refs);
    }
    out.into_bytes()
}

/// Follow-up list as .xlsx: RTL when `persian`, bold frozen header with an autofilter, ISO
/// deadline as a real date and overdue days / progress as numbers, so the sheet sorts and sums.
/// Text goes in as string cells, which Excel never evaluates, so no formula escaping is needed.
pub fn export_xlsx(rows: &[ExportRow], persian: bool) -> Result<Vec<u8>, String> {
    build_export(rows, persian).map_err(|e| e.to_string())
}

fn build_export(rows: &[ExportRow], persian: bool) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header_format = header_format();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let mut sheet = Worksheet::new();
    sheet.set_name(if persian {
        "مصوبات"
    } else {
        "Resolutions"
    })?;
    sheet.set_right_to_left(persian);
    for (col, (title, width)) in
        (0u16..).zip(export_headers(persian).into_iter().zip(EXPORT_WIDTHS))
    {
        sheet.write_string_with_format(0, col, title, &header_format)?;
        sheet.set_column_width(col, width)?;
    }
    // Row numbers past Excel's limit make the writer return an error, which we pass on.
    for (row, r) in (1u32..).zip(rows) {
        for (col, text) in (0u16..).zip(export_texts(r)) {
            if text.is_empty() {
                continue;
            }
            if col == 8 {
                if let Some(date) = excel_date(text) {
                    sheet.write_date_with_format(row, col, date, &date_format)?;
                    continue;
                }
            }
            sheet.write_string(row, col, text)?;
        }
        sheet.write_number(row, 10, r.overdue_days as f64)?;
        sheet.write_number(row, 11, r.progress as f64)?;
    }
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    sheet.autofilter(0, 0, last_row, 11)?;
    sheet.set_freeze_panes(1, 0)?;
    workbook.push_worksheet(sheet);
    workbook.save_to_buffer()
}

fn excel_date(iso: &str) -> Option<ExcelDateTime> {
    let date = NaiveDate::parse_from_str(iso.trim(), "%Y-%m-%d").ok()?;
    let year = u16::try_from(chrono::Datelike::year(&date)).ok()?;
    let month = u8::try_from(chrono::Datelike::month(&date)).ok()?;
    let day = u8::try_from(chrono::Datelike::day(&date)).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(0xE7_EE_F7)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
}

fn column_index(column: Column) -> u16 {
    (0u16..)
        .zip(Column::ALL)
        .find(|(_, c)| *c == column)
        .map_or(0, |(i, _)| i)
}
