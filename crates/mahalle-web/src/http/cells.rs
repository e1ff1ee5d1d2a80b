//! Spreadsheet cells written by every export: the one CSV writer (RFC 4180, CRLF) and the one
//! formula defuser, so no export lets a cell typed by anyone run as a formula on a reader's
//! machine (OWASP "CSV injection").

/// Text Excel, LibreOffice or Sheets would take as a formula gets a leading `'`: cells starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return.
pub fn defuse_formula(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// Appends one CSV record ending in CRLF, quoting fields that need it: separators of either
/// convention (`,` and `;`), quotes, line breaks, tabs, and leading or trailing spaces.
pub fn push_csv_record(out: &mut String, cells: &[&str]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let needs_quotes = cell.contains([',', '"', '\n', '\r', ';', '\t'])
            || cell.starts_with(char::is_whitespace)
            || cell.ends_with(char::is_whitespace);
        if needs_quotes {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

/// A cell of an exported table: text (never run as a formula) or a number a spreadsheet sums.
pub enum Cell {
    Text(String),
    Number(f64),
}

/// A one-sheet workbook: a bold header row, then the rows, right to left for Persian. Cells are
/// written as text, which a spreadsheet never runs as a formula.
pub fn xlsx_table(headers: &[&str], rows: &[Vec<String>], rtl: bool) -> Result<Vec<u8>, String> {
    let rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| r.iter().map(|v| Cell::Text(v.clone())).collect())
        .collect();
    xlsx_cells(headers, &rows, rtl)
}

/// [`xlsx_table`] with numbers kept as numbers.
pub fn xlsx_cells(headers: &[&str], rows: &[Vec<Cell>], rtl: bool) -> Result<Vec<u8>, String> {
    xlsx_sheets(
        &[Sheet {
            name: "",
            headers,
            rows,
        }],
        rtl,
    )
}

/// A sheet of a workbook: its tab's name (empty: the default), a bold header row and rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub headers: &'a [&'a str],
    pub rows: &'a [Vec<Cell>],
}

/// A workbook of several sheets, right to left for Persian, numbers grouped.
pub fn xlsx_sheets(sheets: &[Sheet<'_>], rtl: bool) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let grouped = Format::new().set_num_format("#,##0");
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    for s in sheets {
        let sheet = workbook.add_worksheet();
        if !s.name.is_empty() {
            // A tab's name: at most 31 characters, none of []:*?/\
            let name: String = s
                .name
                .chars()
                .filter(|c| !"[]:*?/\\".contains(*c))
                .take(31)
                .collect();
            sheet.set_name(name).map_err(e)?;
        }
        sheet.set_right_to_left(rtl);
        for (c, h) in s.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(e)?;
            sheet.set_column_width(c as u16, 22).map_err(e)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match v {
                    Cell::Text(v) if !v.is_empty() => {
                        sheet.write_string(r, c, v).map_err(e)?;
                    }
                    Cell::Text(_) => {}
                    Cell::Number(x) => {
                        sheet
                            .write_number_with_format(r, c, *x, &grouped)
                            .map_err(e)?;
                    }
                }
            }
        }
    }
    workbook.save_to_buffer().map_err(e)
}

/// An .xlsx download.
pub fn xlsx_response(filename: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One cell as its export writes it: defused, then quoted if need be.
    fn cell(s: &str) -> String {
        let mut out = String::new();
        push_csv_record(&mut out, &[&defuse_formula(s)]);
        out.trim_end_matches("\r\n").to_string()
    }

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("نشت"), "نشت");
    }

    #[test]
    fn a_leading_tab_or_carriage_return_is_defused_too() {
        assert_eq!(cell("\t=1+1"), "\"'\t=1+1\"");
        assert_eq!(cell("\r=1+1"), "\"'\r=1+1\"");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-2+3"), "'-2+3");
    }

    #[test]
    fn records_end_in_crlf_and_quote_either_separator() {
        let mut out = String::new();
        push_csv_record(&mut out, &["a;b", " lead", "x"]);
        assert_eq!(out, "\"a;b\",\" lead\",x\r\n");
    }
}
