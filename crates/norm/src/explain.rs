//! Explanation lines and findings, and the sink the calculation writes them to.
//!
//! The rules are written once against [`Sink`]: the bulk path uses [`Quiet`] (no text is ever formatted, nothing
//! allocates), the full path uses [`Explained`]. Because both paths run the same code, the lines always add up to
//! the totals.

use crate::Money;
use crate::contract::LineOut;
use crate::tables::Provenance;

/// Which total a line belongs to (the contract's `part`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Norm,
    ReasonableCosts,
    CountedIncome,
    Assets,
}

impl Part {
    pub const fn as_str(self) -> &'static str {
        match self {
            Part::Norm => "norm",
            Part::ReasonableCosts => "reasonable_costs",
            Part::CountedIncome => "counted_income",
            Part::Assets => "assets",
        }
    }
}

/// Where a text is written: texts are written piece by piece (see [`text!`]), not returned, so a sink can put
/// them straight into its output. With `escape` every piece is escaped for a JSON string as it is written.
///
/// Texts avoid `core::fmt`: it was most of the cost of an explained calculation.
#[derive(Debug)]
pub struct TextOut<'a> {
    out: &'a mut String,
    escape: bool,
}

impl<'a> TextOut<'a> {
    pub fn new(out: &'a mut String, escape: bool) -> TextOut<'a> {
        TextOut { out, escape }
    }

    pub fn str(&mut self, s: &str) {
        if self.escape {
            crate::stream::escape_into(self.out, s);
        } else {
            self.out.push_str(s);
        }
    }

    /// Digits are never escaped.
    fn digits(&mut self, v: u64) {
        crate::fastfmt::push_u64(self.out, v);
    }
}

/// Something a text can contain.
pub trait Piece {
    fn put(&self, w: &mut TextOut<'_>);
}

impl Piece for str {
    fn put(&self, w: &mut TextOut<'_>) {
        w.str(self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, w: &mut TextOut<'_>) {
        (**self).put(w);
    }
}

impl Piece for String {
    fn put(&self, w: &mut TextOut<'_>) {
        w.str(self);
    }
}

macro_rules! unsigned_piece {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, w: &mut TextOut<'_>) {
                w.digits(u64::from(*self));
            }
        }
    )*};
}
unsigned_piece!(u8, u16, u32, u64);

impl Piece for usize {
    fn put(&self, w: &mut TextOut<'_>) {
        w.digits(*self as u64);
    }
}

impl Piece for i32 {
    fn put(&self, w: &mut TextOut<'_>) {
        if *self < 0 {
            w.str("-");
        }
        w.digits(u64::from(self.unsigned_abs()));
    }
}

impl Piece for Money {
    fn put(&self, w: &mut TextOut<'_>) {
        crate::fastfmt::push_money(w.out, *self);
    }
}

impl Piece for crate::Month {
    fn put(&self, w: &mut TextOut<'_>) {
        crate::fastfmt::push_u64_padded(w.out, u64::from(self.year()), 4);
        w.out.push('-');
        crate::fastfmt::push_u64_padded(w.out, u64::from(self.month()), 2);
    }
}

/// Writes the pieces of a text in order: `text!(w, "Hyra ", rent, " för ", persons(n))`.
macro_rules! text {
    ($w:expr $(, $piece:expr)* $(,)?) => {{
        let w: &mut $crate::explain::TextOut<'_> = $w;
        $( $crate::explain::Piece::put(&$piece, w); )*
    }};
}
pub(crate) use text;

/// A table amount the calculation used, named for a provenance finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableItem {
    AdultSingle,
    AdultCouple,
    Child(crate::tables::ChildBand, bool),
    /// Household-common costs for this many persons.
    Common(usize),
}

impl Piece for TableItem {
    fn put(&self, w: &mut TextOut<'_>) {
        match *self {
            TableItem::AdultSingle => text!(w, "ensamstående vuxen"),
            TableItem::AdultCouple => text!(w, "sammanboende vuxna"),
            TableItem::Child(band, true) => text!(w, "barn ", band.label(), " med lunch utanför hemmet"),
            TableItem::Child(band, false) => text!(w, "barn ", band.label()),
            TableItem::Common(1) => text!(w, "hushållsgemensamma kostnader för 1 person"),
            TableItem::Common(n) => text!(w, "hushållsgemensamma kostnader för ", n, " personer"),
        }
    }
}

/// Writes a text into a fresh string.
pub(crate) fn to_string(text: impl FnOnce(&mut TextOut<'_>)) -> String {
    // Most texts are 20-120 bytes: one allocation instead of a series of doublings.
    let mut s = String::with_capacity(128);
    text(&mut TextOut::new(&mut s, false));
    s
}

/// Receives what the rules explain. Texts are closures so that [`Quiet`] never builds them.
pub trait Sink {
    /// Whether lines are wanted at all: lets the rules skip per-person loops that only explain.
    const EXPLAIN: bool;
    fn line(&mut self, part: Part, amount: Money, basis: &str, text: impl FnOnce(&mut TextOut<'_>));
    fn finding(&mut self, text: impl FnOnce(&mut TextOut<'_>));
    /// A table amount was used (for a provenance finding when it is not official).
    fn used(&mut self, provenance: Provenance, item: TableItem);
}

/// Discards everything: the fast path.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Sink for Quiet {
    const EXPLAIN: bool = false;
    #[inline(always)]
    fn line(&mut self, _: Part, _: Money, _: &str, _: impl FnOnce(&mut TextOut<'_>)) {}
    #[inline(always)]
    fn finding(&mut self, _: impl FnOnce(&mut TextOut<'_>)) {}
    #[inline(always)]
    fn used(&mut self, _: Provenance, _: TableItem) {}
}

/// Collects lines, findings (without duplicates) and the non-official table amounts used.
#[derive(Debug, Clone, Default)]
pub struct Explained {
    /// Lines in the contract's shape (whole kronor), so the response takes them without copying.
    pub lines: Vec<LineOut>,
    pub findings: Vec<String>,
    /// Non-official amounts used, by provenance, in order of first use.
    pub weak_sources: Vec<(Provenance, TableItem)>,
}

impl Sink for Explained {
    const EXPLAIN: bool = true;
    fn line(&mut self, part: Part, amount: Money, basis: &str, text: impl FnOnce(&mut TextOut<'_>)) {
        self.lines.push(LineOut {
            part: part.as_str().to_owned(),
            text: to_string(text),
            amount: amount.kronor_rounded(),
            basis: basis.to_owned(),
        });
    }

    fn finding(&mut self, text: impl FnOnce(&mut TextOut<'_>)) {
        let t = to_string(text);
        if !self.findings.contains(&t) {
            self.findings.push(t);
        }
    }

    fn used(&mut self, provenance: Provenance, item: TableItem) {
        if provenance != Provenance::Official && !self.weak_sources.contains(&(provenance, item)) {
            self.weak_sources.push((provenance, item));
        }
    }
}

impl Explained {
    pub fn with_capacity(lines: usize) -> Explained {
        Explained {
            lines: Vec::with_capacity(lines),
            ..Explained::default()
        }
    }

    /// One finding per kind of non-official source, naming the amounts that came from it.
    pub fn provenance_findings(&self, year: u16) -> Vec<String> {
        let mut out = Vec::new();
        for p in WEAK {
            let mut items = self
                .weak_sources
                .iter()
                .filter(|(q, _)| *q == p)
                .map(|(_, item)| *item)
                .peekable();
            if items.peek().is_some() {
                out.push(to_string(|w| provenance_finding(w, year, p, items)));
            }
        }
        out
    }
}

/// The non-official provenances, in the order their findings are listed.
pub(crate) const WEAK: [Provenance; 2] = [Provenance::Secondary, Provenance::Derived];

/// The finding for amounts of one non-official provenance.
pub(crate) fn provenance_finding(
    w: &mut TextOut<'_>,
    year: u16,
    provenance: Provenance,
    items: impl Iterator<Item = TableItem>,
) {
    let intro = match provenance {
        Provenance::Official => "är lästa i förordningen",
        Provenance::Secondary => {
            "är hämtade från en kommuns publicerade tabell, inte direkt från förordningen"
        }
        Provenance::Derived => {
            "är härledda (föregående års belopp uppräknat med regeringens procentsats och avrundat uppåt till \
             helt tiotal kronor), inte lästa i förordningen"
        }
    };
    text!(w, "Riksnormen ", year, ": beloppen för ");
    for (i, item) in items.enumerate() {
        if i > 0 {
            text!(w, "; ");
        }
        text!(w, item);
    }
    text!(
        w,
        " ",
        intro,
        ". Kontrollera beloppen mot förordningen innan beslut."
    )
}

/// The finding when income and assets exceed the need (`surplus` is positive).
pub(crate) fn surplus_finding(w: &mut TextOut<'_>, surplus: Money) {
    text!(
        w,
        "Inkomster och tillgångar överstiger behovet med ",
        surplus,
        " denna månad, så inget försörjningsstöd betalas. \
         Om överskottet ska räknas som inkomst kommande månader avgör kommunens praxis (se HFD 2017 ref. 51)."
    )
}
