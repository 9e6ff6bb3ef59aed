//! Reading a CSV file as people and spreadsheets write it: with or without a BOM, separated by
//! commas, semicolons or tabs, quoted fields spanning lines, and rows that are not valid UTF-8
//! reported by line instead of failing the file.

use crate::error::FieldCode;
use std::collections::HashMap;

use bytes::Bytes;

use crate::error::FieldError;

/// A row as text, with the line it starts on (1-based, the header is line 1).
pub struct Row {
    pub line: u64,
    /// One buffer for the whole row: a cell each is 20-odd allocations a row, which was a good
    /// share of a 100k-row import.
    fields: csv::StringRecord,
}

/// A row, or the line of a row that could not be read with why.
pub type RowResult = Result<Row, (u64, String)>;

/// The header row: which column holds what.
pub struct Table {
    /// Lower-cased, trimmed header name → column.
    columns: HashMap<String, usize>,
    pub headers: Vec<String>,
}

impl Table {
    fn column(&self, name: &str) -> Option<usize> {
        // Lower-cased on the stack: this runs for every cell of every row.
        let mut buf = [0u8; 64];
        match buf.get_mut(..name.len()) {
            Some(lower) => {
                lower.copy_from_slice(name.as_bytes());
                lower.make_ascii_lowercase();
                let lower = std::str::from_utf8(lower).ok()?;
                self.columns.get(lower).copied()
            }
            None => self.columns.get(&name.to_ascii_lowercase()).copied(),
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.column(name).is_some()
    }

    /// The cell under `name`, or "" when the column is absent or the row short.
    pub fn get<'a>(&self, row: &'a Row, name: &str) -> &'a str {
        self.column(name)
            .and_then(|i| row.fields.get(i))
            .unwrap_or("")
    }
}

/// The separator that the header line uses most, outside quotes.
fn sniff_delimiter(data: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in data.iter().take(64 * 1024) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                for c in counts.iter_mut() {
                    if c.0 == b {
                        c.1 += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .map(|c| c.0)
        .filter(|_| counts.iter().any(|c| c.1 > 0))
        .unwrap_or(b',')
}

/// The rows after the header, read as they are asked for: an import converts and writes the
/// first rows while the rest of the file is still being read.
pub struct Rows {
    reader: csv::Reader<std::io::Cursor<Bytes>>,
    record: csv::ByteRecord,
    headers: Vec<String>,
    done: bool,
}

/// Reads the header row. A file with no header row is an error of the file, not of a row.
pub fn open(data: Bytes) -> Result<(Table, Rows), String> {
    let bom = if data.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let delimiter = sniff_delimiter(&data[bom..]);
    let mut cursor = std::io::Cursor::new(data);
    cursor.set_position(bom as u64);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(cursor);
    let header = reader
        .byte_headers()
        .map_err(|e| format!("the header row cannot be read: {e}"))?
        .clone();
    if header.is_empty() || header.iter().all(|h| h.iter().all(u8::is_ascii_whitespace)) {
        return Err("the file has no header row".into());
    }
    let headers: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_owned())
        .collect();
    let columns = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.to_ascii_lowercase(), i))
        .collect();
    let rows = Rows {
        reader,
        record: csv::ByteRecord::new(),
        headers: headers.clone(),
        done: false,
    };
    Ok((Table { columns, headers }, rows))
}

impl Rows {
    /// Up to `n` more rows (blank lines skipped); empty at the end of the file. A row whose
    /// quoting breaks the file ends it there, reported on its line.
    pub fn next_chunk(&mut self, n: usize) -> Vec<RowResult> {
        let mut rows = Vec::new();
        while !self.done && rows.len() < n {
            let line = self.reader.position().line() + 1;
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    let record = &self.record;
                    let line = record.position().map(|p| p.line()).unwrap_or(line);
                    if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                        continue; // a blank line is no listing
                    }
                    rows.push(match csv::StringRecord::from_byte_record(record.clone()) {
                        Ok(fields) => Ok(Row { line, fields }),
                        Err(e) => {
                            let i = e.utf8_error().field();
                            let name = self
                                .headers
                                .get(i)
                                .cloned()
                                .unwrap_or_else(|| format!("column {}", i + 1));
                            Err((
                                line,
                                FieldError::new(&name, FieldCode::InvalidUtf8).english(),
                            ))
                        }
                    });
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(line);
                    rows.push(Err((line, format!("the row cannot be read: {e}"))));
                    if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                        self.done = true;
                    }
                }
            }
        }
        rows
    }
}

/// About how many rows follow the header, for progress before the file is read: line ends
/// outside quotes (a description over many lines is one row). Blank lines count too.
pub fn count_rows(data: &[u8]) -> usize {
    let mut quoted = false;
    let mut ends = 0usize;
    for i in memchr::memchr2_iter(b'"', b'\n', data) {
        match data[i] {
            b'"' => quoted = !quoted,
            _ if !quoted => ends += 1,
            _ => {}
        }
    }
    // The header's line end is not a row; a last row may lack its own.
    let unterminated = data.last().is_some_and(|&b| b != b'\n');
    (ends + usize::from(unterminated)).saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: &[u8]) -> Result<(Table, Vec<RowResult>), String> {
        let (t, mut rows) = open(Bytes::copy_from_slice(data))?;
        Ok((t, rows.next_chunk(usize::MAX)))
    }

    #[test]
    fn semicolons_bom_quotes_and_multiline_fields() {
        let data = "\u{feff}TITLE;DESCRIPTION;PRICE\n\"Kilim; red\";\"Line one\nline two\";25,00\nPlain;;3\n";
        let (t, rows) = read(data.as_bytes()).unwrap();
        assert!(t.has("title") && t.has("Price"));
        assert_eq!(count_rows(data.as_bytes()), 2);
        let rows: Vec<&Row> = rows.iter().map(|r| r.as_ref().ok().unwrap()).collect();
        assert_eq!(t.get(rows[0], "TITLE"), "Kilim; red");
        assert_eq!(t.get(rows[0], "DESCRIPTION"), "Line one\nline two");
        assert_eq!(t.get(rows[0], "PRICE"), "25,00");
        assert_eq!(
            rows[1].line, 4,
            "the multi-line field makes the next row start on line 4"
        );
        assert_eq!(t.get(rows[1], "missing column"), "");
    }

    #[test]
    fn broken_utf8_rejects_only_its_row() {
        let mut data = b"TITLE,PRICE\nGood,1\n".to_vec();
        data.extend_from_slice(b"Bad \xff\xfe,2\nAlso good,3\n");
        let (_, rows) = read(&data).unwrap();
        assert_eq!(rows.len(), 3);
        let (line, why) = rows[1].as_ref().err().unwrap();
        assert_eq!(*line, 3);
        assert_eq!(why, "TITLE: is not valid UTF-8 text");
        assert!(rows[2].is_ok());
    }

    #[test]
    fn persian_and_tabs() {
        let data = "title\tprice\nکتاب شعر\t120".as_bytes();
        let (t, rows) = read(data).unwrap();
        assert_eq!(count_rows(data), 1, "a last row without its line end");
        let row = rows[0].as_ref().ok().unwrap();
        assert_eq!(t.get(row, "title"), "کتاب شعر");
    }

    #[test]
    fn an_empty_file_has_no_header() {
        assert!(read(b"").is_err());
        assert!(read(b"\n\n").is_err());
    }
}
