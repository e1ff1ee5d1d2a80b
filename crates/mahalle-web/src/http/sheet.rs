//! Reading an uploaded spreadsheet into [`RawRow`]s keyed by an importer's columns: format
//! detection, .xlsx via calamine, CSV via the `csv` crate with a sniffed delimiter, header
//! mapping and the bounds every import shares (resolutions, people and pillars).

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::io::{Cursor, Read};

use calamine::{open_workbook_from_rs, Data, DataRef, Reader, Xlsx};
use mahalle_core::text::{search_key, to_persian_digits};

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

/// The columns of one kind of sheet, with the headers that name them.
pub trait SheetColumn: Copy + Eq + Hash + std::fmt::Debug + 'static {
    /// Every column, in template order.
    fn all() -> &'static [Self];
    /// The column a header cell names, whatever its language or spelling.
    fn from_header(text: &str) -> Option<Self>;
    /// Whether a sheet must have it.
    fn required(self) -> bool;
    fn header_fa(self) -> &'static str;
    fn header_en(self) -> &'static str;
}

/// One data row of an uploaded sheet, before any checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow<C: SheetColumn> {
    /// 1-based row number in the file, as Excel shows it, so messages point at the right row.
    pub line: usize,
    /// Trimmed cell text; empty cells are absent.
    pub cells: HashMap<C, String>,
}

/// Why an uploaded file as a whole could not be used (row-level problems are the importer's).
/// `Display` is English; [`FileError::message_fa`] is the Persian wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError<C: SheetColumn> {
    /// No header row, or a header row and nothing under it.
    Empty,
    /// Neither an .xlsx workbook nor CSV text (e.g. an old .xls or a PDF).
    UnknownFormat,
    /// Looked like a supported format but could not be parsed; holds the (English) detail.
    Unreadable(String),
    /// Required columns not found in the header row, in template order.
    MissingColumns(Vec<C>),
    /// More data rows than [`MAX_ROWS`]; holds how many the file has.
    TooManyRows(usize),
    /// Beyond the bounds above (cells, columns, unzipped size): a damaged or hostile file.
    TooLarge,
}

impl<C: SheetColumn> std::fmt::Display for FileError<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Empty => f.write_str("The file has no rows to import."),
            FileError::UnknownFormat => f.write_str(
                "Unsupported file type: upload an Excel workbook (.xlsx) or a CSV file.",
            ),
            FileError::Unreadable(d) => write!(f, "The file could not be read: {d}"),
            FileError::MissingColumns(c) => {
                write!(f, "Required columns are missing: {}.", column_list(c, false))
            }
            FileError::TooManyRows(n) => write!(
                f,
                "The file has {n} rows; at most {MAX_ROWS} can be imported at once."
            ),
            FileError::TooLarge => write!(
                f,
                "The file is too large to read: at most {MAX_CELLS} cells in the first {MAX_COLUMNS} columns and 40 MB unzipped."
            ),
        }
    }
}

impl<C: SheetColumn> std::error::Error for FileError<C> {}

impl<C: SheetColumn> FileError<C> {
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

/// One problem in one cell, worded for both languages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// Excel row number.
    pub line: usize,
    /// The column's [`SheetColumn::header_en`], a stable name the UI can map to its own header.
    pub column: &'static str,
    pub fa: String,
    pub en: String,
}

/// Names → ids for matching spreadsheet cells, keyed by [`search_key`] so spelling variants match (ی/ي, ZWNJ or
/// space, Persian or Latin digits). A key may name several rows (two neighborhoods called
/// «امامزاده» in different districts): such names only resolve when the context disambiguates.
#[derive(Debug, Default, Clone)]
pub struct Lookup {
    orgs: HashMap<String, Vec<i64>>,
    districts: HashMap<String, Vec<i64>>,
    neighborhoods: HashMap<String, Vec<(i64, i64)>>,
}

impl Lookup {
    /// Registers an organisation under each of its names (code, name_fa, name_en).
    pub fn add_org(&mut self, id: i64, names: &[&str]) {
        for name in names {
            insert(&mut self.orgs, search_key(name), id);
        }
    }

    /// Registers a district under its names (code "D14", number "14", "منطقه ۱۴", "District 14").
    /// Numbered forms are canonicalised, so any one of them also accepts the others and "014".
    pub fn add_district(&mut self, id: i64, names: &[&str]) {
        for name in names {
            insert(&mut self.districts, district_key(name), id);
        }
    }

    /// Registers a neighborhood under its names, remembering its district.
    pub fn add_neighborhood(&mut self, id: i64, district_id: i64, names: &[&str]) {
        for name in names {
            insert(&mut self.neighborhoods, search_key(name), (id, district_id));
        }
    }

    /// The organisation with this name, if exactly one has it.
    pub fn org(&self, name: &str) -> Option<i64> {
        unique(self.orgs.get(&search_key(name)))
    }

    /// The district with this name or number, if exactly one has it.
    pub fn district(&self, name: &str) -> Option<i64> {
        unique(self.districts.get(&district_key(name)))
    }

    /// `(id, district_id)` of the neighborhood with this name, if exactly one has it.
    pub fn neighborhood(&self, name: &str) -> Option<(i64, i64)> {
        unique(self.neighborhoods.get(&search_key(name)))
    }

    pub fn org_candidates(&self, name: &str) -> &[i64] {
        self.orgs.get(&search_key(name)).map_or(&[], Vec::as_slice)
    }

    pub fn district_candidates(&self, name: &str) -> &[i64] {
        self.districts
            .get(&district_key(name))
            .map_or(&[], Vec::as_slice)
    }

    pub fn neighborhood_candidates(&self, name: &str) -> &[(i64, i64)] {
        self.neighborhoods
            .get(&search_key(name))
            .map_or(&[], Vec::as_slice)
    }
}

fn insert<T: PartialEq>(map: &mut HashMap<String, Vec<T>>, key: String, value: T) {
    if key.is_empty() {
        return;
    }
    let ids = map.entry(key).or_default();
    if !ids.contains(&value) {
        ids.push(value);
    }
}

fn unique<T: Copy>(ids: Option<&Vec<T>>) -> Option<T> {
    match ids.map(Vec::as_slice) {
        Some([only]) => Some(*only),
        _ => None,
    }
}

/// `search_key`, except that "14", "014", "D14", "منطقه ۱۴", "District 14" all become "#14":
/// people write district numbers every which way.
fn district_key(name: &str) -> String {
    let key = search_key(name);
    let rest = ["منطقه", "district", "region", "d"]
        .iter()
        .find_map(|prefix| key.strip_prefix(prefix))
        .unwrap_or(&key);
    if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = rest.trim_start_matches('0');
        format!("#{}", if trimmed.is_empty() { "0" } else { trimmed })
    } else {
        key
    }
}

/// `«عنوان»، «مهلت»` or `'title', 'deadline'`.
fn column_list<C: SheetColumn>(columns: &[C], persian: bool) -> String {
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

/// The two formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Csv,
}

/// One row of the sheet as text, with its Excel row number.
struct GridRow {
    line: usize,
    cells: Vec<String>,
}

/// Reads .xlsx (first worksheet) or .csv (UTF-8 with or without BOM; delimiter sniffed among
/// `,` `;` tab; quoted fields with newlines). Format by extension, else by content (xlsx = zip
/// magic `PK\x03\x04`). Header row = first non-empty row. Fully empty rows skipped. Excel date
/// cells become ISO `YYYY-MM-DD` text (that is what the Deadline rules accept); numeric cells
/// integers without `.0`, so an item number typed as 12 reads as "12".
pub fn read_table<C: SheetColumn>(
    filename: &str,
    bytes: &[u8],
) -> Result<Vec<RawRow<C>>, FileError<C>> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    let grid = match detect(filename, bytes)? {
        Kind::Xlsx => xlsx_grid(bytes)?,
        Kind::Csv => csv_grid::<C>(&decode_text(bytes)?)?,
    };
    build_rows(grid)
}

/// By extension when it is one we know; otherwise (no extension, `.dat`, a browser's `blob`) by
/// content. Old binary Excel and OpenDocument are refused up front: they are zip/OLE files that
/// would otherwise fail later with a confusing parser message.
fn detect<C: SheetColumn>(filename: &str, bytes: &[u8]) -> Result<Kind, FileError<C>> {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.trim().to_ascii_lowercase());
    match ext.as_deref() {
        Some("xlsx" | "xlsm") => Ok(Kind::Xlsx),
        Some("csv" | "tsv" | "txt") => Ok(Kind::Csv),
        Some("xls" | "xlsb" | "ods" | "numbers" | "pdf" | "doc" | "docx") => {
            Err(FileError::UnknownFormat)
        }
        _ if bytes.starts_with(b"PK\x03\x04") => Ok(Kind::Xlsx),
        _ if decode_text::<C>(bytes).is_ok_and(|t| !t.contains('\0')) => Ok(Kind::Csv),
        _ => Err(FileError::UnknownFormat),
    }
}

/// CSV text: UTF-8 (BOM optional), or UTF-16 LE with BOM, which is what Excel's
/// "Unicode Text" export produces.
fn decode_text<C: SheetColumn>(bytes: &[u8]) -> Result<String, FileError<C>> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        return String::from_utf16(&units)
            .map_err(|_| FileError::Unreadable("the file is not valid UTF-16 text".to_owned()));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| {
        FileError::Unreadable(
            "the CSV file is not UTF-8 text; in Excel choose \"CSV UTF-8\" when saving".to_owned(),
        )
    })
}

/// The first worksheet, cell by cell: only cells that exist are held (a sheet with one cell in A1
/// and one in XFD1048576 is two cells, not a 17-billion-cell grid), and the workbook is checked
/// against [`MAX_UNZIPPED`] and its shared-string count before calamine opens it.
fn xlsx_grid<C: SheetColumn>(bytes: &[u8]) -> Result<Vec<GridRow>, FileError<C>> {
    check_zip(bytes)?;
    let mut workbook: Xlsx<Cursor<&[u8]>> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| FileError::Unreadable(e.to_string()))?;
    let Some(first) = workbook.sheet_names().first().cloned() else {
        return Err(FileError::Empty);
    };
    let mut cells = workbook
        .worksheet_cells_reader(&first)
        .map_err(|e| FileError::Unreadable(e.to_string()))?;
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut count = 0usize;
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| FileError::Unreadable(e.to_string()))?
    {
        let (row, col) = cell.get_position();
        let text = cell_ref_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        count += 1;
        if count > MAX_CELLS || col >= MAX_COLUMNS {
            return Err(FileError::TooLarge);
        }
        let cells = rows.entry(row).or_default();
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text;
    }
    // Excel row numbers are absolute (1-based); empty rows are not held at all.
    Ok(rows
        .into_iter()
        .map(|(row, cells)| GridRow {
            line: row as usize + 1,
            cells,
        })
        .collect())
}

/// Unzips every entry of a workbook into nothing, counting: more than [`MAX_UNZIPPED`] bytes in
/// all (whatever the entries claim), or a shared-string table announcing more strings than
/// [`MAX_CELLS`] (calamine reserves room for that many up front), and the file is refused.
fn check_zip<C: SheetColumn>(bytes: &[u8]) -> Result<(), FileError<C>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| FileError::Unreadable(e.to_string()))?;
    let mut left = MAX_UNZIPPED;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| FileError::Unreadable(e.to_string()))?;
        let strings = entry
            .name()
            .map_err(|e| FileError::Unreadable(e.to_string()))?
            .to_ascii_lowercase()
            .ends_with("sharedstrings.xml");
        let mut head = Vec::new();
        let mut limited = (&mut entry).take(left + 1);
        if strings {
            (&mut limited)
                .take(4096)
                .read_to_end(&mut head)
                .map_err(|e| FileError::Unreadable(e.to_string()))?;
            if announced_strings(&head).is_some_and(|n| n > MAX_CELLS as u64) {
                return Err(FileError::TooLarge);
            }
        }
        let rest = std::io::copy(&mut limited, &mut std::io::sink())
            .map_err(|e| FileError::Unreadable(e.to_string()))?;
        let used = head.len() as u64 + rest;
        if used > left {
            return Err(FileError::TooLarge);
        }
        left -= used;
    }
    Ok(())
}

/// The largest `count` or `uniqueCount` a shared-string table's opening announces (a number too
/// long to parse counts as huge).
fn announced_strings(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let mut most = None;
    for (at, _) in text.match_indices("ount") {
        let rest = text[at + 4..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start().trim_start_matches(['"', '\'']);
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            continue;
        }
        let n = digits.parse::<u64>().unwrap_or(u64::MAX);
        most = most.max(Some(n));
    }
    most
}

/// A streamed cell as text (see [`cell_text`]).
fn cell_ref_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::String(s) => s.clone(),
        DataRef::Int(i) => cell_text(&Data::Int(*i)),
        DataRef::Float(f) => cell_text(&Data::Float(*f)),
        DataRef::Bool(b) => cell_text(&Data::Bool(*b)),
        DataRef::DateTime(d) => cell_text(&Data::DateTime(*d)),
        DataRef::DateTimeIso(s) => cell_text(&Data::DateTimeIso(s.clone())),
        DataRef::DurationIso(s) => cell_text(&Data::DurationIso(s.clone())),
        DataRef::Error(e) => cell_text(&Data::Error(e.clone())),
    }
}

/// A cell as the text a person would type for it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => {
            // Time of day is irrelevant for deadlines; calamine handles the 1900/1904 epochs.
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::DateTimeIso(s) => match s.get(..10) {
            Some(date) if date.as_bytes().get(4) == Some(&b'-') => date.to_owned(),
            _ => s.clone(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// Whole numbers without `.0` (Excel stores every number as a float).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Delimiters we try, in tie-break order.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

fn csv_grid<C: SheetColumn>(text: &str) -> Result<Vec<GridRow>, FileError<C>> {
    let delimiter = sniff_delimiter::<C>(text);
    let mut reader = csv_reader(text, delimiter);
    let mut rows = Vec::new();
    // Excel numbers records, and shows blank lines as empty rows; line breaks inside quoted
    // fields do not start rows. So: row = 1 + breaks before the record − breaks inside earlier
    // fields. (The csv crate's own line numbers lag by one after CRLF, so they are not used.)
    let bytes = text.as_bytes();
    let mut scanned = 0usize;
    let mut breaks_before = 0usize;
    let mut embedded = 0usize;
    let mut filled = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| FileError::Unreadable(csv_error(&e)))?;
        // The reported start may sit on the previous record's terminator or on blank lines.
        let mut start = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(scanned)
            .clamp(scanned, bytes.len());
        while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        breaks_before += count_breaks(&bytes[scanned..start]);
        scanned = start;
        // The same bounds as a workbook's: trailing empty fields are cut, text beyond them refused.
        filled += record.iter().filter(|f| !f.is_empty()).count();
        if filled > MAX_CELLS
            || record
                .iter()
                .skip(MAX_COLUMNS as usize)
                .any(|f| !f.is_empty())
        {
            return Err(FileError::TooLarge);
        }
        rows.push(GridRow {
            line: 1 + breaks_before.saturating_sub(embedded),
            cells: record
                .iter()
                .take(MAX_COLUMNS as usize)
                .map(str::to_owned)
                .collect(),
        });
        embedded += record
            .iter()
            .map(|f| count_breaks(f.as_bytes()))
            .sum::<usize>();
    }
    Ok(rows)
}

/// Line breaks in `s`, CRLF counting once.
fn count_breaks(s: &[u8]) -> usize {
    s.iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && s.get(i + 1) != Some(&b'\n')))
        .count()
}

fn csv_reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
}

fn csv_error(e: &csv::Error) -> String {
    match e.position() {
        Some(p) => format!("CSV line {}: {e}", p.line()),
        None => e.to_string(),
    }
}

/// The delimiter under which the header row names the most known columns (then: yields the
/// most fields). Counting characters alone is fooled by commas inside Persian or English titles.
fn sniff_delimiter<C: SheetColumn>(text: &str) -> u8 {
    let mut best = (DELIMITERS[0], 0, 0);
    for delimiter in DELIMITERS {
        let mut reader = csv_reader(text, delimiter);
        let header = reader
            .records()
            .map_while(Result::ok)
            .find(|r| r.iter().any(|f| !clean(f).is_empty()));
        let Some(header) = header else { continue };
        // Only the columns that will be read are named (a hostile header may have a million).
        let known = header
            .iter()
            .take(MAX_COLUMNS as usize)
            .filter(|f| C::from_header(f).is_some())
            .count();
        let fields = header.len();
        if (known, fields) > (best.1, best.2) {
            best = (delimiter, known, fields);
        }
    }
    best.0
}

/// Trims whitespace and the invisible marks (RLM, ZWNJ, BOM, …) Excel users paste around text,
/// so that a cell holding only those counts as empty.
fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}'
            )
    })
}

/// Header = first non-empty row; data rows keyed by column; limits checked.
fn build_rows<C: SheetColumn>(grid: Vec<GridRow>) -> Result<Vec<RawRow<C>>, FileError<C>> {
    let mut rows = grid.into_iter();
    let header = rows
        .by_ref()
        .find(|r| r.cells.iter().any(|c| !clean(c).is_empty()))
        .ok_or(FileError::Empty)?;

    // Position → column; the first of two cells naming the same column wins.
    let mut positions: Vec<(usize, C)> = Vec::new();
    for (i, cell) in header.cells.iter().enumerate() {
        if let Some(column) = C::from_header(clean(cell)) {
            if !positions.iter().any(|(_, c)| *c == column) {
                positions.push((i, column));
            }
        }
    }
    let missing: Vec<C> = C::all()
        .iter()
        .copied()
        .filter(|c| c.required() && !positions.iter().any(|(_, p)| p == c))
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }

    let mut out = Vec::new();
    let mut count = 0usize;
    for row in rows {
        let cells: HashMap<C, String> = positions
            .iter()
            .filter_map(|&(i, column)| {
                let text = clean(row.cells.get(i)?);
                (!text.is_empty()).then(|| (column, text.to_owned()))
            })
            .collect();
        // Rows with text only in unknown columns (totals, notes) are not resolutions either.
        if cells.is_empty() {
            continue;
        }
        count += 1;
        if count <= MAX_ROWS {
            out.push(RawRow {
                line: row.line,
                cells,
            });
        }
    }
    if count > MAX_ROWS {
        return Err(FileError::TooManyRows(count));
    }
    if out.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(out)
}
