//! The contract's response JSON written straight from the rules into reusable buffers: the bulk path *with*
//! explanation lines (e.g. `stegvis calc --batch`). After warm-up it allocates nothing per household.
//!
//! The bytes are exactly `serde_json::to_string(&calculate(..))` (a property test holds it to that), so callers
//! can switch between the two freely.

use crate::Money;
use crate::explain::{self, Part, Sink, TableItem, TextOut, WEAK};
use crate::fastfmt::push_i64;
use crate::guidelines::Guidelines;
use crate::household::{HouseholdRef, InputError};
use crate::rules::{self, Totals};
use crate::ruleset::{RuleBook, RuleSet};
use crate::tables::{Provenance, YearTable};

/// Separates items in the internal lists (findings, weak sources); it cannot occur in a Swedish text we write.
const SEP: char = '\u{0}';

/// Reusable buffers for [`ResponseWriter::write`]. Keep one per thread and reuse it.
#[derive(Debug, Default)]
pub struct ResponseWriter {
    lines: String,
    n_lines: usize,
    /// Findings as raw text separated by `SEP`, in order, without duplicates.
    findings: String,
    /// Non-official amounts used, in order of first use.
    weak: Vec<(Provenance, TableItem)>,
    tmp: String,
    /// No free text of this household (ids, guideline names, rule-set texts) needs escaping, and the engine's own
    /// texts never do: texts can be copied as they are.
    raw: bool,
}

/// A string value's content: copied when `raw`, escaped otherwise.
fn put(out: &mut String, s: &str, raw: bool) {
    if raw {
        out.push_str(s);
    } else {
        escape_into(out, s);
    }
}

fn needs_escape(s: &str) -> bool {
    s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
}

pub(crate) fn escape_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if !needs_escape(s) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX.get(b >> 4).copied().unwrap_or(b'0')));
                out.push(char::from(HEX.get(b & 0xf).copied().unwrap_or(b'0')));
            }
            c => out.push(c),
        }
    }
}

fn has_item(list: &str, item: &str) -> bool {
    !list.is_empty() && list.split(SEP).any(|x| x == item)
}

fn push_item(list: &mut String, item: &str) {
    if !has_item(list, item) {
        if !list.is_empty() {
            list.push(SEP);
        }
        list.push_str(item);
    }
}

impl Sink for ResponseWriter {
    const EXPLAIN: bool = true;

    fn line(&mut self, part: Part, amount: Money, basis: &str, text: impl FnOnce(&mut TextOut<'_>)) {
        if self.n_lines > 0 {
            self.lines.push(',');
        }
        self.n_lines += 1;
        self.lines.push_str("{\"part\":\"");
        self.lines.push_str(part.as_str());
        self.lines.push_str("\",\"text\":\"");
        text(&mut TextOut::new(&mut self.lines, !self.raw));
        self.lines.push_str("\",\"amount\":");
        push_i64(&mut self.lines, amount.kronor_rounded());
        self.lines.push_str(",\"basis\":\"");
        put(&mut self.lines, basis, self.raw);
        self.lines.push_str("\"}");
    }

    fn finding(&mut self, text: impl FnOnce(&mut TextOut<'_>)) {
        self.tmp.clear();
        text(&mut TextOut::new(&mut self.tmp, false));
        push_item(&mut self.findings, &self.tmp);
    }

    fn used(&mut self, provenance: Provenance, item: TableItem) {
        if provenance != Provenance::Official && !self.weak.contains(&(provenance, item)) {
            self.weak.push((provenance, item));
        }
    }
}

impl ResponseWriter {
    pub fn new() -> ResponseWriter {
        ResponseWriter::default()
    }

    fn reset(&mut self) {
        self.lines.clear();
        self.n_lines = 0;
        self.findings.clear();
        self.weak.clear();
    }

    /// Calculates one validated household (rule set in force for its month) and appends its response JSON to
    /// `out` (no newline). On error `out` is left as it was.
    pub fn write(
        &mut self,
        book: &RuleBook,
        hh: HouseholdRef<'_>,
        guidelines: &Guidelines,
        out: &mut String,
    ) -> Result<Totals, InputError> {
        let (rs, table) = rules::resolve(book, hh.month)?;
        self.write_with(book, rs, table, hh, guidelines, out)
    }

    /// As [`ResponseWriter::write`] under a chosen rule set of `book` (e.g. a proposal picked by name).
    pub fn write_in(
        &mut self,
        book: &RuleBook,
        rs: &RuleSet,
        hh: HouseholdRef<'_>,
        guidelines: &Guidelines,
        out: &mut String,
    ) -> Result<Totals, InputError> {
        let table = rules::table_in(book, rs, hh.month)?;
        self.write_with(book, rs, table, hh, guidelines, out)
    }

    fn write_with(
        &mut self,
        book: &RuleBook,
        rs: &RuleSet,
        table: &YearTable,
        hh: HouseholdRef<'_>,
        guidelines: &Guidelines,
        out: &mut String,
    ) -> Result<Totals, InputError> {
        self.reset();
        let law = rules::law(book, rs, hh)?;
        let rs_plain = book.plain_texts(rs) && (std::ptr::eq(law, rs) || book.plain_texts(law));
        self.raw = rs_plain
            && !needs_escape(&table.label)
            && !hh.ids().iter().any(|id| needs_escape(id))
            && !guidelines.rent_ceilings.iter().any(|c| needs_escape(&c.name))
            && !hh.norm_adjustments.iter().any(|a| needs_escape(&a.reason));
        let parts = rules::run(table, rs, &law.bases, hh, guidelines, self)?;
        let totals = rules::totals_of(&parts)?;
        let before = parts
            .norm
            .checked_add(parts.reasonable_costs)
            .and_then(|m| m.checked_sub(parts.counted_income))
            .and_then(|m| m.checked_sub(parts.assets))
            .map_err(rules::overflow)?;
        // Computed before anything is written, so an error leaves `out` untouched.
        let surplus = Money::ZERO.checked_sub(before).map_err(rules::overflow)?;

        out.push_str("{\"month\":\"");
        crate::explain::Piece::put(&hh.month, &mut TextOut::new(out, false));
        out.push_str("\",\"rule_table\":\"");
        put(out, &table.label, self.raw);
        out.push_str("\",\"rule_table_version\":\"");
        put(out, &table.version_hex, self.raw);
        out.push_str("\",\"rule_set\":\"");
        put(out, &law.name, self.raw);
        for (key, value) in [
            ("\",\"norm\":", totals.norm),
            (",\"reasonable_costs\":", totals.reasonable_costs),
            (",\"counted_income\":", totals.counted_income),
            (",\"assets\":", totals.assets),
            (",\"assistance\":", totals.assistance),
        ] {
            out.push_str(key);
            push_i64(out, value.kronor_rounded());
        }
        out.push_str(",\"lines\":[");
        out.push_str(&self.lines);
        out.push_str("],\"findings\":[");
        let mut first = true;
        let raw = self.raw;
        let mut finding = |out: &mut String, text: &dyn Fn(&mut TextOut<'_>)| {
            if !first {
                out.push(',');
            }
            first = false;
            out.push('"');
            text(&mut TextOut::new(out, !raw));
            out.push('"');
        };
        for p in WEAK {
            let items = || {
                self.weak
                    .iter()
                    .filter(move |(q, _)| *q == p)
                    .map(|(_, item)| *item)
            };
            if items().next().is_some() {
                finding(out, &|w| explain::provenance_finding(w, table.year, p, items()));
            }
        }
        if !self.findings.is_empty() {
            for f in self.findings.split(SEP) {
                finding(out, &|w| w.str(f));
            }
        }
        if before.is_negative() {
            finding(out, &|w| explain::surplus_finding(w, surplus));
        }
        out.push_str("]}");
        Ok(totals)
    }
}
