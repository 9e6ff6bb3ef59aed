//! Matching scans against an order's lines: what a barcode scanner typed (a SKU or a barcode)
//! counts toward the line it belongs to, and the packer hears at once of a wrong item or one
//! too many. Pure and quick: the packing screen re-evaluates after every scan.
//!
//! A code is matched by SKU first (SKUs are unique), then by barcode. Several lines may share a
//! barcode (two variants sold under one EAN, or one item on two lines): the scan counts toward
//! the one line among them still short; when more than one is short and they are different
//! SKUs, the scan is ambiguous — counting it to either could hide a wrong size — and the packer
//! is asked to scan the SKU label instead.

use serde::Serialize;

/// A line of the order as the packer must pack it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackLine {
    pub sku: String,
    /// The variant's barcode; empty when it has none.
    pub barcode: String,
    pub quantity: u32,
}

/// What one scan did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScanOutcome {
    /// Counted toward line `line` (its index), which now has `scanned` of `wanted`.
    Counted {
        #[specta(type = u32)]
        line: usize,
        scanned: u32,
        wanted: u32,
    },
    /// Nothing on this order has that code: the wrong item.
    WrongItem { code: String },
    /// The item is on the order, but every line it belongs to is already complete.
    OverScan {
        #[specta(type = u32)]
        line: usize,
        wanted: u32,
    },
    /// The barcode belongs to several lines still short, of different SKUs.
    Ambiguous { skus: Vec<String> },
    /// The scan held nothing readable.
    Empty,
}

/// How many of each line have been scanned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    pub counts: Vec<u32>,
}

/// What a scanner typed, as compared: surrounding blanks and control characters (the Enter or
/// Tab a scanner adds) dropped, letters compared without case.
pub fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_uppercase()
}

/// Counts `code` toward `lines` in `tally`; a scan that is not counted changes nothing.
pub fn record(lines: &[PackLine], tally: &mut Tally, code: &str) -> ScanOutcome {
    tally.counts.resize(lines.len(), 0);
    let code = normalise(code);
    if code.is_empty() {
        return ScanOutcome::Empty;
    }
    let by_sku: Vec<usize> = matching(lines, |l| normalise(&l.sku) == code);
    let candidates = if by_sku.is_empty() {
        matching(lines, |l| {
            !l.barcode.is_empty() && normalise(&l.barcode) == code
        })
    } else {
        by_sku
    };
    if candidates.is_empty() {
        return ScanOutcome::WrongItem { code };
    }
    let short: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| tally.counts[i] < lines[i].quantity)
        .collect();
    let mut skus: Vec<String> = short.iter().map(|&i| lines[i].sku.clone()).collect();
    skus.sort();
    skus.dedup();
    if skus.len() > 1 {
        return ScanOutcome::Ambiguous { skus };
    }
    match short.first() {
        Some(&i) => {
            tally.counts[i] += 1;
            ScanOutcome::Counted {
                line: i,
                scanned: tally.counts[i],
                wanted: lines[i].quantity,
            }
        }
        None => ScanOutcome::OverScan {
            line: candidates[0],
            wanted: lines[candidates[0]].quantity,
        },
    }
}

fn matching(lines: &[PackLine], f: impl Fn(&PackLine) -> bool) -> Vec<usize> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| f(l))
        .map(|(i, _)| i)
        .collect()
}

/// The lines still short, each with how many are missing: empty when everything is packed.
pub fn missing(lines: &[PackLine], tally: &Tally) -> Vec<(usize, u32)> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let got = tally.counts.get(i).copied().unwrap_or(0);
            (got < l.quantity).then(|| (i, l.quantity - got))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sku: &str, barcode: &str, quantity: u32) -> PackLine {
        PackLine {
            sku: sku.into(),
            barcode: barcode.into(),
            quantity,
        }
    }

    #[test]
    fn the_right_item_counts_by_sku_or_barcode() {
        let lines = [line("CEZVE-1", "8690000000017", 2), line("KILIM-M", "", 1)];
        let mut t = Tally::default();
        assert_eq!(
            record(&lines, &mut t, "8690000000017\r\n"),
            ScanOutcome::Counted {
                line: 0,
                scanned: 1,
                wanted: 2
            }
        );
        assert_eq!(
            record(&lines, &mut t, " cezve-1 "),
            ScanOutcome::Counted {
                line: 0,
                scanned: 2,
                wanted: 2
            },
            "blanks and case do not matter"
        );
        assert_eq!(
            missing(&lines, &t),
            vec![(1, 1)],
            "an under-scan is still short"
        );
        record(&lines, &mut t, "KILIM-M");
        assert!(missing(&lines, &t).is_empty());
    }

    #[test]
    fn a_wrong_item_and_an_extra_one_are_refused_and_change_nothing() {
        let lines = [line("CEZVE-1", "8690000000017", 1)];
        let mut t = Tally::default();
        assert_eq!(
            record(&lines, &mut t, "8690000000024"),
            ScanOutcome::WrongItem {
                code: "8690000000024".into()
            }
        );
        assert_eq!(t.counts, vec![0]);
        record(&lines, &mut t, "CEZVE-1");
        assert_eq!(
            record(&lines, &mut t, "CEZVE-1"),
            ScanOutcome::OverScan { line: 0, wanted: 1 }
        );
        assert_eq!(t.counts, vec![1]);
        assert_eq!(record(&lines, &mut t, "\n"), ScanOutcome::Empty);
    }

    #[test]
    fn variants_sharing_a_barcode_are_told_apart_by_what_is_still_short() {
        // Sizes S and M sold under one EAN.
        let lines = [
            line("SCARF-S", "4000000000001", 1),
            line("SCARF-M", "4000000000001", 1),
        ];
        let mut t = Tally::default();
        assert_eq!(
            record(&lines, &mut t, "4000000000001"),
            ScanOutcome::Ambiguous {
                skus: vec!["SCARF-M".into(), "SCARF-S".into()]
            },
            "both short: the SKU label must say which"
        );
        assert_eq!(t.counts, vec![0, 0]);
        record(&lines, &mut t, "SCARF-S");
        assert_eq!(
            record(&lines, &mut t, "4000000000001"),
            ScanOutcome::Counted {
                line: 1,
                scanned: 1,
                wanted: 1
            },
            "only M is short now"
        );
        assert_eq!(
            record(&lines, &mut t, "4000000000001"),
            ScanOutcome::OverScan { line: 0, wanted: 1 }
        );
    }

    #[test]
    fn one_item_on_two_lines_fills_them_in_turn() {
        let lines = [line("MUG", "111", 1), line("MUG", "111", 2)];
        let mut t = Tally::default();
        for _ in 0..3 {
            assert!(matches!(
                record(&lines, &mut t, "111"),
                ScanOutcome::Counted { .. }
            ));
        }
        assert_eq!(t.counts, vec![1, 2]);
        assert!(missing(&lines, &t).is_empty());
    }
}
