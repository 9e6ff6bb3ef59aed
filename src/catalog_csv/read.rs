//! Reading a CSV file as people and spreadsheets write it: with or without a BOM, separated by
//! commas, semicolons or tabs, quoted fields spanning lines, and rows that are not valid UTF-8
//! reported by line instead of failing the file.

use std::collections::HashMap;

use crate::error::FieldError;

/// A row as text, with the line it starts on (1-based, the header is line 1).
pub struct Row {
    pub line: u64,
    /// One buffer for the whole row: a cell each is 20-odd allocations a row, which was a good
    /// share of a 100k-row import.
    fields: csv::StringRecord,
}

pub struct Table {
    /// Lower-cased, trimmed header name → column.
    columns: HashMap<String, usize>,
    pub headers: Vec<String>,
    /// Good rows, and rows that could not be read with why.
    pub rows: Vec<Result<Row, (u64, String)>>,
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

/// Parses the whole file. A file with no header row is an error of the file, not of a row.
pub fn read(data: &[u8]) -> Result<Table, String> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(data))
        .flexible(true)
        .has_headers(true)
        .from_reader(data);
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
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map(|p| p.line()).unwrap_or(line);
                if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                    continue; // a blank line is no listing
                }
                rows.push(match csv::StringRecord::from_byte_record(record.clone()) {
                    Ok(fields) => Ok(Row { line, fields }),
                    Err(e) => {
                        let i = e.utf8_error().field();
                        let name = headers
                            .get(i)
                            .cloned()
                            .unwrap_or_else(|| format!("column {}", i + 1));
                        Err((line, FieldError::new(&name, "invalid_utf8").english()))
                    }
                });
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(line);
                rows.push(Err((line, format!("the row cannot be read: {e}"))));
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break;
                }
            }
        }
    }
    Ok(Table {
        columns,
        headers,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_bom_quotes_and_multiline_fields() {
        let data = "\u{feff}TITLE;DESCRIPTION;PRICE\n\"Kilim; red\";\"Line one\nline two\";25,00\nPlain;;3\n";
        let t = read(data.as_bytes()).unwrap();
        assert!(t.has("title") && t.has("Price"));
        let rows: Vec<&Row> = t.rows.iter().map(|r| r.as_ref().ok().unwrap()).collect();
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
        let t = read(&data).unwrap();
        assert_eq!(t.rows.len(), 3);
        let (line, why) = t.rows[1].as_ref().err().unwrap();
        assert_eq!(*line, 3);
        assert_eq!(why, "TITLE: is not valid UTF-8 text");
        assert!(t.rows[2].is_ok());
    }

    #[test]
    fn persian_and_tabs() {
        let t = read("title\tprice\nکتاب شعر\t120\n".as_bytes()).unwrap();
        let row = t.rows[0].as_ref().ok().unwrap();
        assert_eq!(t.get(row, "title"), "کتاب شعر");
    }

    #[test]
    fn an_empty_file_has_no_header() {
        assert!(read(b"").is_err());
        assert!(read(b"\n\n").is_err());
    }
}
