use std::collections::HashMap;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::NaiveDate;
use mahalle_core::domain::Domain;
use mahalle_core::jalali;
use mahalle_core::resolutions::Priority;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::*;

fn lookup() -> Lookup {
    let mut l = Lookup::default();
    l.add_org(1, &["WATER", "آب و فاضلاب", "Water and Sewage"]);
    l.add_org(2, &["POLICE", "پلیس راهور", "Traffic Police"]);
    l.add_org(3, &["HEALTH", "شبکه بهداشت", "Health Network"]);
    l.add_district(14, &["D14", "14", "منطقه ۱۴", "District 14"]);
    l.add_district(6, &["D06", "6", "منطقه ۶", "District 6"]);
    l.add_neighborhood(141, 14, &["پیروزی", "Piroozi"]);
    l.add_neighborhood(61, 6, &["یوسف‌آباد", "Yusefabad"]);
    // Same name in two districts.
    l.add_neighborhood(142, 14, &["امامزاده"]);
    l.add_neighborhood(62, 6, &["امامزاده"]);
    l
}

fn raw(line: usize, cells: &[(Column, &str)]) -> RawRow {
    RawRow {
        line,
        cells: cells.iter().map(|(c, v)| (*c, (*v).to_owned())).collect(),
    }
}

fn base(item: &str) -> Vec<(Column, &str)> {
    vec![
        (Column::Item, item),
        (Column::Title, "عنوان"),
        (Column::Domain, "عمرانی"),
        (Column::Lead, "آب و فاضلاب"),
        (Column::Deadline, "1404/08/30"),
    ]
}

fn with(
    mut cells: Vec<(Column, &'static str)>,
    extra: &[(Column, &'static str)],
) -> Vec<(Column, &'static str)> {
    for (c, v) in extra {
        cells.retain(|(k, _)| k != c);
        cells.push((*c, v));
    }
    cells
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

#[test]
fn csv_persian_headers_bom_semicolons_persian_digits_multiline() {
    let text = "\u{FEFF}ردیف;عنوان;متن;حوزه;منطقه;محله;دستگاه مسئول;دستگاه‌های همکار;مهلت;اولویت\r\n\
                ۱;ساماندهی  پیاده‌روها;\"بند اول\nبند دوم\";خدمات شهری;۱۴;پیروزي;آب و فاضلاب;پلیس راهور، شبکه بهداشت;۱۴۰۴/۰۸/۳۰;فوری\r\n\
                \r\n\
                ۲;جشن محله;;فرهنگی;;;شبکه بهداشت;;1404-9-1;\r\n";
    let rows = read_table("مصوبات.csv", text.as_bytes()).expect("reads");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 2);
    // The quoted field spans two physical lines, then a blank line: Excel shows row 4.
    assert_eq!(rows[1].line, 4);
    assert_eq!(rows[0].cells[&Column::Body], "بند اول\nبند دوم");
    assert_eq!(rows[0].cells[&Column::Item], "۱");
    assert!(!rows[1].cells.contains_key(&Column::Body));

    let (drafts, errors) = validate(&rows, &lookup());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(drafts.len(), 2);
    let d = &drafts[0];
    assert_eq!(d.item_number, 1);
    assert_eq!(d.title, "ساماندهی پیاده‌روها");
    assert_eq!(d.body, "بند اول\nبند دوم");
    assert_eq!(d.domain, Domain::UrbanServices);
    assert_eq!(
        d.scope,
        DraftScope::Neighborhood {
            id: 141,
            district_id: 14
        }
    );
    assert_eq!(d.lead_org_id, 1);
    assert_eq!(d.partner_org_ids, vec![2, 3]);
    assert_eq!(d.deadline, jalali::parse("1404/08/30").expect("date"));
    assert_eq!(d.priority, Priority::Urgent);
    let d = &drafts[1];
    assert_eq!((d.line, d.item_number), (4, 2));
    assert_eq!(d.scope, DraftScope::City);
    assert_eq!(d.priority, Priority::Normal);
    assert_eq!(d.deadline, jalali::parse("1404/09/01").expect("date"));
}

#[test]
fn csv_english_headers_and_synonyms() {
    let text = "#,Title,Description,Domain,District,Neighbourhood,Lead organisation,Partner organisations,Due date,Priority,Notes\n\
                7,\"Fix lights, park\",Longer text,civil_works,District 14,Piroozi,WATER,\"POLICE; HEALTH\",2025-11-21,high,ignored\n\
                8,Health fair,,Health,D06,,Health Network,,2025-12-01 00:00:00,,\n";
    let rows = read_table("upload.csv", text.as_bytes()).expect("reads");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].cells[&Column::Title], "Fix lights, park");
    let (drafts, errors) = validate(&rows, &lookup());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(drafts[0].item_number, 7);
    assert_eq!(drafts[0].domain, Domain::CivilWorks);
    assert_eq!(
        drafts[0].scope,
        DraftScope::Neighborhood {
            id: 141,
            district_id: 14
        }
    );
    assert_eq!(drafts[0].partner_org_ids, vec![2, 3]);
    assert_eq!(drafts[0].deadline, date(2025, 11, 21));
    assert_eq!(drafts[0].priority, Priority::High);
    assert_eq!(drafts[1].scope, DraftScope::District(6));
    assert_eq!(drafts[1].lead_org_id, 3);
    assert_eq!(drafts[1].deadline, date(2025, 12, 1));

    // Other synonyms, tab-delimited.
    let text = "شماره بند\tشرح\tعنوان\tحوزه\tمسئول\tهمکاران\tمهلت اجرا\tالویت\n\
                3\tمتن\tعنوان\tسلامت\tدستگاه اصلی\t\t۱۴۰۴/۱۰/۰۱\tزیاد\n";
    let rows = read_table("x.tsv", text.as_bytes()).expect("reads");
    assert_eq!(rows[0].cells[&Column::Lead], "دستگاه اصلی");
    assert_eq!(rows[0].cells[&Column::Body], "متن");
    assert_eq!(rows[0].cells[&Column::Priority], "زیاد");
    for (header, column) in [
        ("No.", Column::Item),
        ("number", Column::Item),
        ("body", Column::Body),
        ("organisation", Column::Lead),
        ("دستگاه متولی", Column::Lead),
        ("دستگاه همکار", Column::Partners),
        ("due", Column::Deadline),
        ("تاریخ مهلت", Column::Deadline),
        ("مهلت (شمسی)", Column::Deadline),
        ("عنوان *", Column::Title),
        ("دستگاههای همکار", Column::Partners),
        ("متن مصوبه", Column::Body),
    ] {
        assert_eq!(Column::from_header(header), Some(column), "{header}");
    }
    assert_eq!(Column::from_header("توضیحات دبیرخانه"), None);
}

#[test]
fn missing_required_columns_are_listed() {
    let err =
        read_table("a.csv", "عنوان,حوزه,اولویت\nیک,عمرانی,فوری\n".as_bytes()).expect_err("missing");
    assert_eq!(
        err,
        FileError::MissingColumns(vec![Column::Item, Column::Lead, Column::Deadline])
    );
    let en = err.to_string();
    assert!(
        en.contains("'item'") && en.contains("'lead'") && en.contains("'deadline'"),
        "{en}"
    );
    let fa = err.message_fa();
    assert!(
        fa.contains("«ردیف»") && fa.contains("«دستگاه مسئول»") && fa.contains("«مهلت»"),
        "{fa}"
    );
    assert!(!fa.contains("عنوان"));
}

#[test]
fn xlsx_round_trip_with_excel_date_cell() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    // Table placed at B2, as people often do; row 1 and column A stay empty.
    let headers = [
        "شماره بند",
        "عنوان",
        "حوزه",
        "منطقه",
        "دستگاه مسئول",
        "مهلت",
    ];
    for (col, h) in (1u16..).zip(headers) {
        sheet.write_string(1, col, h).expect("write");
    }
    sheet.write_number(2, 1, 5).expect("write");
    sheet.write_string(2, 2, "بهسازی معابر").expect("write");
    sheet.write_string(2, 3, "عمرانی").expect("write");
    sheet.write_number(2, 4, 14).expect("write");
    sheet.write_string(2, 5, "آب و فاضلاب").expect("write");
    let deadline = ExcelDateTime::from_ymd(2025, 11, 21).expect("date");
    sheet
        .write_date_with_format(2, 6, deadline, &date_format)
        .expect("write");
    // Row 4 left empty; row 5 has a Jalali text deadline.
    sheet.write_number(4, 1, 6.0).expect("write");
    sheet.write_string(4, 2, "پاکسازی").expect("write");
    sheet.write_string(4, 3, "خدمات شهری").expect("write");
    sheet.write_string(4, 5, "WATER").expect("write");
    sheet.write_string(4, 6, "۱۴۰۴/۰۹/۱۵").expect("write");
    let bytes = workbook.save_to_buffer().expect("save");

    // No extension: recognised by the zip magic.
    let rows = read_table("upload", &bytes).expect("reads");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 3);
    assert_eq!(rows[1].line, 5);
    assert_eq!(rows[0].cells[&Column::Item], "5");
    assert_eq!(rows[0].cells[&Column::District], "14");
    assert_eq!(rows[0].cells[&Column::Deadline], "2025-11-21");
    assert_eq!(rows[1].cells[&Column::Item], "6");

    let (drafts, errors) = validate(&rows, &lookup());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(drafts[0].deadline, date(2025, 11, 21));
    assert_eq!(drafts[0].scope, DraftScope::District(14));
    assert_eq!(
        drafts[1].deadline,
        jalali::parse("1404/09/15").expect("date")
    );
    assert_eq!(drafts[1].scope, DraftScope::City);
}

#[test]
fn validation_reports_every_error_with_its_line() {
    let rows = vec![
        raw(2, &base("1")),
        raw(3, &with(base("2"), &[(Column::Lead, "آب منطقه‌ای")])),
        raw(4, &base("۱")),
        raw(5, &with(base("3"), &[(Column::Deadline, "۱۴۰۴/۱۳/۰۱")])),
        raw(
            6,
            &with(
                base("4"),
                &[(Column::Scope, "محله"), (Column::District, "14")],
            ),
        ),
        raw(
            7,
            &with(
                base("5"),
                &[(Column::District, "6"), (Column::Neighborhood, "پیروزی")],
            ),
        ),
        raw(
            8,
            &[
                (Column::Item, "-2"),
                (Column::Domain, "ورزشی"),
                (Column::Lead, "HEALTH"),
                (Column::Deadline, "2025-02-30"),
                (Column::Priority, "بسیار"),
            ],
        ),
        raw(9, &with(base("9"), &[(Column::Neighborhood, "امامزاده")])),
        raw(
            10,
            &with(
                base("10"),
                &[(Column::Scope, "شهر"), (Column::District, "منطقه ۱۴")],
            ),
        ),
        raw(11, &with(base("11"), &[(Column::District, "منطقه ۹۹")])),
        raw(
            12,
            &with(
                base("12"),
                &[(Column::District, "14"), (Column::Neighborhood, "امامزاده")],
            ),
        ),
    ];
    let (drafts, errors) = validate(&rows, &lookup());
    let lines: Vec<usize> = drafts.iter().map(|d| d.line).collect();
    assert_eq!(lines, vec![2, 12]);
    assert_eq!(
        drafts[1].scope,
        DraftScope::Neighborhood {
            id: 142,
            district_id: 14
        }
    );

    let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(
        got,
        vec![
            (3, "lead"),
            (4, "item"),
            (5, "deadline"),
            (6, "scope"),
            (7, "neighborhood"),
            (8, "item"),
            (8, "title"),
            (8, "domain"),
            (8, "deadline"),
            (8, "priority"),
            (9, "neighborhood"),
            (10, "scope"),
            (11, "district"),
        ]
    );
    let by_line = |line: usize| errors.iter().find(|e| e.line == line).expect("error");
    assert_eq!(by_line(3).fa, "دستگاه «آب منطقه‌ای» پیدا نشد.");
    assert_eq!(by_line(3).en, "Organisation 'آب منطقه‌ای' not found.");
    assert!(by_line(4).en.contains("row 2"), "{}", by_line(4).en);
    assert!(by_line(4).fa.contains("سطر ۲"), "{}", by_line(4).fa);
    assert!(by_line(5).fa.contains("وجود ندارد"), "{}", by_line(5).fa);
    assert!(
        by_line(5).en.contains("not a valid Jalali date"),
        "{}",
        by_line(5).en
    );
    assert_eq!(
        by_line(6).en,
        "Scope is 'neighborhood' but no neighborhood is given."
    );
    assert_eq!(
        by_line(7).en,
        "Neighborhood 'پیروزی' is not in district '6'."
    );
    assert!(
        by_line(9).en.contains("Several districts"),
        "{}",
        by_line(9).en
    );
    let json = serde_json::to_string(&errors[0]).expect("json");
    assert!(json.contains("\"column\":\"lead\""), "{json}");
}

#[test]
fn partners_are_split_deduplicated_and_exclude_the_lead() {
    let rows = vec![
        raw(
            2,
            &with(
                base("1"),
                &[(
                    Column::Partners,
                    "پلیس راهور، POLICE;شبکه بهداشت\nآب و فاضلاب ؛ Traffic Police,, ",
                )],
            ),
        ),
        raw(
            3,
            &with(
                base("2"),
                &[(Column::Partners, "شبکه بهداشت، شهرداری، اتوبوسرانی")],
            ),
        ),
    ];
    let (drafts, errors) = validate(&rows, &lookup());
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].lead_org_id, 1);
    assert_eq!(drafts[0].partner_org_ids, vec![2, 3]);
    let got: Vec<(usize, &str, &str)> = errors
        .iter()
        .map(|e| (e.line, e.column, e.fa.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "partners", "دستگاه «شهرداری» پیدا نشد."),
            (3, "partners", "دستگاه «اتوبوسرانی» پیدا نشد."),
        ]
    );
}

#[test]
fn lookup_matches_spelling_variants() {
    let l = lookup();
    for name in [
        "14",
        "۱۴",
        "D14",
        "d 14",
        "منطقه 014",
        "منطقه۱۴",
        "District 14",
        "district14",
    ] {
        assert_eq!(l.district(name), Some(14), "{name}");
    }
    assert_eq!(l.district("منطقه ۱"), None);
    assert_eq!(l.org("آب  و فاضلاب"), Some(1));
    assert_eq!(l.org("water"), Some(1));
    assert_eq!(l.org("شبكه بهداشت"), Some(3));
    assert_eq!(l.neighborhood("يوسف آباد"), Some((61, 6)));
    assert_eq!(l.neighborhood("امامزاده"), None, "ambiguous");
}

#[test]
fn deadlines_jalali_or_gregorian() {
    let row = |d: &'static str| raw(2, &with(base("1"), &[(Column::Deadline, d)]));
    let check = |d: &'static str| validate(&[row(d)], &lookup());
    assert_eq!(check("2025-11-21").0[0].deadline, date(2025, 11, 21));
    assert_eq!(check("2025/11/21").0[0].deadline, date(2025, 11, 21));
    assert_eq!(
        check("1404-8-30").0[0].deadline,
        jalali::parse("1404/08/30").expect("date")
    );
    assert_eq!(
        check("۱۴۰۴٫۰۸٫۳۰").0[0].deadline,
        jalali::parse("1404/08/30").expect("date")
    );
    let (_, errors) = check("2025-02-30");
    assert_eq!(errors[0].en, "Gregorian date '2025-02-30' does not exist.");
    let (_, errors) = check("2025 11 21");
    assert!(errors[0].en.contains("not understood"), "{}", errors[0].en);
    let (_, errors) = check("فردا");
    assert!(errors[0].fa.starts_with("مهلت:"), "{}", errors[0].fa);
}

#[test]
fn export_csv_has_bom_crlf_and_defuses_formulas() {
    let row = |title: &str, lead: &str| ExportRow {
        number: "۱۴۰۴-۱۲-۳".to_owned(),
        meeting: "جلسه ۱۲".to_owned(),
        title: title.to_owned(),
        domain: "عمرانی".to_owned(),
        scope: "منطقه ۱۴".to_owned(),
        lead: lead.to_owned(),
        partners: "پلیس راهور، شبکه بهداشت".to_owned(),
        deadline_jalali: "۱۴۰۴/۰۸/۳۰".to_owned(),
        deadline_iso: "2025-11-21".to_owned(),
        status: "در حال اجرا".to_owned(),
        overdue_days: 12,
        progress: 40,
    };
    let rows = vec![
        row("=HYPERLINK(\"http://x\",\"y\")", "+98 21"),
        row("-1 منهای", "@SUM(A1)"),
        row("عادی, با کاما", "آب و فاضلاب"),
    ];
    let bytes = export_csv(&rows, true);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes).expect("utf8");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 5, "header, 3 rows, trailing empty");
    assert!(lines[0].starts_with("\u{FEFF}شماره,جلسه,عنوان"));
    assert!(
        lines[1].contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",'+98 21,"));
    assert!(lines[2].contains(",'-1 منهای,"));
    assert!(lines[2].contains(",'@SUM(A1),"));
    assert!(lines[3].contains(",\"عادی, با کاما\","));
    assert!(lines[1].ends_with(",12,40"));
    assert!(!text.replace("\r\n", "").contains('\n'));

    let en = String::from_utf8(export_csv(&rows, false)).expect("utf8");
    assert!(en.starts_with("\u{FEFF}Number,Meeting,Title"));

    // The xlsx export keeps numbers and dates typed.
    let xlsx = export_xlsx(&rows, true).expect("xlsx");
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).expect("open");
    let range = wb.worksheet_range_at(0).expect("sheet").expect("range");
    assert_eq!(range.get((0, 0)), Some(&Data::String("شماره".to_owned())));
    assert_eq!(
        range.get((1, 2)),
        Some(&Data::String("=HYPERLINK(\"http://x\",\"y\")".to_owned()))
    );
    assert_eq!(range.get((1, 10)), Some(&Data::Float(12.0)));
    assert_eq!(range.get((1, 11)), Some(&Data::Float(40.0)));
    assert!(matches!(range.get((1, 8)), Some(Data::DateTime(_))));
}

fn example() -> TemplateExample {
    TemplateExample {
        lead: "آب و فاضلاب".to_owned(),
        partner: "پلیس راهور".to_owned(),
        district: "منطقه ۱۴".to_owned(),
        neighborhood: "پیروزی".to_owned(),
    }
}

#[test]
fn templates_parse_back_without_errors() {
    for persian in [true, false] {
        let xlsx = template_xlsx(persian, &example()).expect("template");
        let rows = read_table("template.xlsx", &xlsx).expect("reads");
        assert_eq!(rows.len(), 2);
        let (drafts, errors) = validate(&rows, &lookup());
        assert!(errors.is_empty(), "persian={persian}: {errors:?}");
        assert_eq!(
            drafts[0].scope,
            DraftScope::Neighborhood {
                id: 141,
                district_id: 14
            }
        );
        assert_eq!(drafts[0].partner_org_ids, vec![2]);
        assert_eq!(drafts[0].priority, Priority::High);
        assert_eq!(drafts[1].scope, DraftScope::District(14));

        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).expect("open");
        let help = if persian { "راهنما" } else { "Help" };
        assert_eq!(wb.sheet_names().len(), 2);
        assert_eq!(wb.sheet_names()[1], help);
        let range = wb.worksheet_range(help).expect("help sheet");
        let texts: Vec<String> = range.rows().flatten().map(ToString::to_string).collect();
        assert!(texts
            .iter()
            .any(|t| t == Domain::Safety.label_fa() || t == Domain::Safety.label_en()));
        assert!(texts
            .iter()
            .any(|t| t == Priority::Urgent.label_fa() || t == Priority::Urgent.label_en()));

        let csv = template_csv(persian, &example());
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        assert!(csv.windows(2).any(|w| w == b"\r\n"));
        let rows = read_table("template.csv", &csv).expect("reads");
        let (drafts, errors) = validate(&rows, &lookup());
        assert!(errors.is_empty(), "persian={persian}: {errors:?}");
        assert_eq!(drafts.len(), 2);
    }
}

#[test]
fn too_many_rows_and_other_file_errors() {
    let mut text = String::from("item,title,domain,lead,deadline\n");
    for i in 1..=MAX_ROWS + 1 {
        text.push_str(&format!("{i},t,social,WATER,1404/08/30\n"));
        // Blank rows do not count.
        text.push_str(",,,,\n");
    }
    assert_eq!(
        read_table("big.csv", text.as_bytes()),
        Err(FileError::TooManyRows(MAX_ROWS + 1))
    );
    assert!(FileError::TooManyRows(6000).message_fa().contains("۶۰۰۰"));

    let ok: String = text
        .lines()
        .take(2 * MAX_ROWS + 1)
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        read_table("ok.csv", ok.as_bytes()).map(|r| r.len()),
        Ok(MAX_ROWS)
    );

    assert_eq!(read_table("a.csv", b""), Err(FileError::Empty));
    assert_eq!(read_table("a.csv", b"\n  \n\t\n"), Err(FileError::Empty));
    assert_eq!(
        read_table("a.csv", "item,title,domain,lead,deadline\n,,,\n".as_bytes()),
        Err(FileError::Empty)
    );
    assert_eq!(
        read_table("old.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
        Err(FileError::UnknownFormat)
    );
    assert_eq!(
        read_table("blob", b"\x00\x01\xFF\xFE\x00"),
        Err(FileError::UnknownFormat)
    );
    assert!(matches!(
        read_table("broken.xlsx", b"PK\x03\x04not really a zip"),
        Err(FileError::Unreadable(_))
    ));
    assert!(matches!(
        read_table("latin1.csv", b"item;title\n1;caf\xE9\n"),
        Err(FileError::Unreadable(_))
    ));
}

#[test]
fn utf16_text_export_is_read() {
    let text = "ردیف\tعنوان\tحوزه\tدستگاه مسئول\tمهلت\r\n۳\tیک\tاجتماعی\tPOLICE\t۱۴۰۴/۰۸/۳۰\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let rows = read_table("unicode.txt", &bytes).expect("reads");
    let (drafts, errors) = validate(&rows, &lookup());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(drafts[0].lead_org_id, 2);
    let _: HashMap<Column, String> = rows[0].cells.clone();
}

#[test]
fn csv_line_numbers_match_excel_rows() {
    let header = "item,title,domain,lead,deadline";
    for eol in ["\n", "\r\n"] {
        let text = [
            header,
            "1,\"two\nlines\",social,WATER,1404/08/30",
            "",
            "",
            "2,\"three",
            "",
            "lines\",social,WATER,1404/08/30",
            ",,,,",
            "3,t,social,WATER,1404/08/30",
        ]
        .join(eol);
        let rows = read_table("a.csv", text.as_bytes()).expect("reads");
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 5, 7], "eol {eol:?}");
    }
}

/// A workbook from rust_xlsxwriter with its entries rewritten by `edit` (name, content).
/// `extra` is stored uncompressed: deflating 40 MB takes half a minute in a debug build, and what
/// is checked is the size unzipped, not the ratio.
fn rezip(
    bytes: &[u8],
    edit: impl Fn(&str, Vec<u8>) -> Vec<u8>,
    extra: Option<(&str, Vec<u8>)>,
) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("read");
        out.start_file(name.as_str(), options).expect("start");
        out.write_all(&edit(&name, content)).expect("write");
    }
    if let Some((name, content)) = extra {
        let stored = options.compression_method(zip::CompressionMethod::Stored);
        out.start_file(name, stored).expect("start");
        out.write_all(&content).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

fn small_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, h) in (0u16..).zip(["item", "title", "domain", "lead", "deadline"]) {
        sheet.write_string(0, col, h).expect("write");
    }
    for (col, v) in (0u16..).zip(["1", "بهسازی", "social", "WATER", "1404/08/30"]) {
        sheet.write_string(1, col, v).expect("write");
    }
    workbook.save_to_buffer().expect("save")
}

#[test]
fn hostile_workbooks_are_refused_before_anything_large_is_allocated() {
    // One cell in A1 and one in XFD1048576: read as two cells (this aborted the process once,
    // when the sheet was read as a dense grid).
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "item").expect("write");
    sheet.write_string(1_048_575, 16_383, "x").expect("write");
    let bytes = workbook.save_to_buffer().expect("save");
    assert!(bytes.len() < 10_000);
    assert_eq!(read_table("far.xlsx", &bytes), Err(FileError::TooLarge));
    // Far down but within the columns, it is simply a missing-columns sheet.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "item").expect("write");
    sheet.write_string(1_048_575, 3, "x").expect("write");
    let bytes = workbook.save_to_buffer().expect("save");
    assert!(matches!(
        read_table("far.xlsx", &bytes),
        Err(FileError::MissingColumns(_))
    ));

    // A shared-string table announcing a trillion strings (calamine reserves room up front).
    let good = small_workbook();
    assert_eq!(read_table("ok.xlsx", &good).map(|r| r.len()), Ok(1));
    let announced = rezip(
        &good,
        |name, content| {
            if name.ends_with("sharedStrings.xml") {
                let text = String::from_utf8(content).expect("utf-8");
                let at = text.find("uniqueCount=\"").expect("uniqueCount") + 13;
                let end = at + text[at..].find('"').expect("quote");
                format!("{}999999999999{}", &text[..at], &text[end..]).into_bytes()
            } else {
                content
            }
        },
        None,
    );
    assert_eq!(read_table("sst.xlsx", &announced), Err(FileError::TooLarge));

    // More than 40 MB unzipped, as a zip bomb would be.
    let bomb = rezip(
        &good,
        |_, c| c,
        Some(("xl/media/pad.bin", vec![0; 41 * 1024 * 1024])),
    );
    assert_eq!(read_table("bomb.xlsx", &bomb), Err(FileError::TooLarge));
    assert!(FileError::TooLarge.message_fa().contains("۲۰۰۰۰۰"));
}

#[test]
fn hostile_csv_is_bounded_too() {
    let mut wide = String::from("item,title,domain,lead,deadline");
    wide.push_str(&",".repeat(400));
    wide.push_str("\n1,t,social,WATER,1404/08/30");
    wide.push_str(&",".repeat(400));
    wide.push('\n');
    assert_eq!(
        read_table("wide.csv", wide.as_bytes()).map(|r| r.len()),
        Ok(1),
        "trailing empties are cut"
    );
    let mut far = String::from("item,title,domain,lead,deadline\n1,t,social,WATER,1404/08/30");
    far.push_str(&",".repeat(300));
    far.push_str("x\n");
    assert_eq!(
        read_table("far.csv", far.as_bytes()),
        Err(FileError::TooLarge)
    );
    let cells = "a,".repeat(MAX_CELLS + 1);
    assert_eq!(
        read_table("many.csv", cells.as_bytes()),
        Err(FileError::TooLarge)
    );
}

#[test]
fn partner_names_with_separators_in_them_are_matched_whole() {
    let mut l = lookup();
    l.add_org(
        40,
        &[
            "اداره کل تعاون، کار و رفاه اجتماعی استان تهران",
            "DG-WELFARE",
        ],
    );
    let rows = vec![raw(
        2,
        &with(
            base("1"),
            &[(
                Column::Partners,
                "اداره کل تعاون، کار و رفاه اجتماعی استان تهران، شبکه بهداشت؛ کار و رفاه",
            )],
        ),
    )];
    let (drafts, errors) = validate(&rows, &l);
    let got: Vec<&str> = errors.iter().map(|e| e.fa.as_str()).collect();
    assert_eq!(
        got,
        vec!["دستگاه «کار و رفاه» پیدا نشد."],
        "only the fragment is unknown"
    );
    assert!(drafts.is_empty());
    let rows = vec![raw(
        2,
        &with(
            base("1"),
            &[(
                Column::Partners,
                "شبکه بهداشت، اداره کل تعاون، کار و رفاه اجتماعی استان تهران",
            )],
        ),
    )];
    let (drafts, errors) = validate(&rows, &l);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(drafts[0].partner_org_ids, vec![3, 40]);
    // A hostile cell of many separators is bounded work, each piece judged once.
    let many: &'static str = "x،".repeat(5000).leak();
    let rows = vec![raw(2, &with(base("1"), &[(Column::Partners, many)]))];
    let (_, errors) = validate(&rows, &l);
    assert_eq!(errors.len(), 5000);
}
