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

/// The language lines and findings are written in. The calc contract is Swedish; English is for pages and
/// letters read in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    Sv,
    En,
}

/// Gives a member's display name for the id the caller gave the engine (e.g. a person id), so that lines read
/// "Personliga kostnader, barn (Alva), ..." rather than naming a register id. `None` keeps the id.
pub trait Namer {
    fn name(&self, id: &str) -> Option<&str>;
}

impl<S: std::hash::BuildHasher> Namer for std::collections::HashMap<String, String, S> {
    fn name(&self, id: &str) -> Option<&str> {
        self.get(id).map(String::as_str)
    }
}

impl Namer for std::collections::BTreeMap<String, String> {
    fn name(&self, id: &str) -> Option<&str> {
        self.get(id).map(String::as_str)
    }
}

/// How texts are worded: the language, and the names members are referred to by. The default is the contract's
/// voice (Swedish, members by the ids given), which the JSON output always uses.
#[derive(Clone, Copy, Default)]
pub struct Voice<'a> {
    pub lang: Lang,
    pub names: Option<&'a dyn Namer>,
}

impl std::fmt::Debug for Voice<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names are personal data: never printed.
        f.debug_struct("Voice")
            .field("lang", &self.lang)
            .field("named", &self.names.is_some())
            .finish()
    }
}

impl<'a> Voice<'a> {
    pub fn new(lang: Lang, names: Option<&'a dyn Namer>) -> Voice<'a> {
        Voice { lang, names }
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
    voice: Voice<'a>,
}

impl<'a> TextOut<'a> {
    /// A text in the contract's voice (Swedish, members by id).
    pub fn new(out: &'a mut String, escape: bool) -> TextOut<'a> {
        TextOut {
            out,
            escape,
            voice: Voice::default(),
        }
    }

    pub fn with_voice(out: &'a mut String, escape: bool, voice: Voice<'a>) -> TextOut<'a> {
        TextOut { out, escape, voice }
    }

    /// Whether the text is to be written in English (each text site chooses its wording by this).
    #[inline]
    pub fn en(&self) -> bool {
        self.voice.lang == Lang::En
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

/// A member referred to in a text: their name when the voice has one for the id, otherwise the id itself.
#[derive(Debug, Clone, Copy)]
pub struct MemberRef<'a>(pub &'a str);

impl Piece for MemberRef<'_> {
    fn put(&self, w: &mut TextOut<'_>) {
        let names = w.voice.names;
        let shown = names.and_then(|n| n.name(self.0)).unwrap_or(self.0);
        w.str(shown);
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
        if w.en() {
            return match *self {
                TableItem::AdultSingle => text!(w, "single adult"),
                TableItem::AdultCouple => text!(w, "adults living as a couple"),
                TableItem::Child(band, true) => {
                    text!(w, "child ", ChildAge(band), " with lunch outside the home")
                }
                TableItem::Child(band, false) => text!(w, "child ", ChildAge(band)),
                TableItem::Common(1) => text!(w, "household-common costs for 1 person"),
                TableItem::Common(n) => text!(w, "household-common costs for ", n, " persons"),
            };
        }
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

/// A child's age band in the text's language ("4–6 år", "4–6 years").
#[derive(Debug, Clone, Copy)]
pub struct ChildAge(pub crate::tables::ChildBand);

impl Piece for ChildAge {
    fn put(&self, w: &mut TextOut<'_>) {
        if w.en() {
            w.str(self.0.label_en());
        } else {
            w.str(self.0.label());
        }
    }
}

/// Writes a text into a fresh string.
pub(crate) fn to_string(voice: Voice<'_>, text: impl FnOnce(&mut TextOut<'_>)) -> String {
    // Most texts are 20-120 bytes: one allocation instead of a series of doublings.
    let mut s = String::with_capacity(128);
    text(&mut TextOut::with_voice(&mut s, false, voice));
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

/// Collects lines, findings (without duplicates) and the non-official table amounts used, worded in its `voice`.
#[derive(Debug, Clone, Default)]
pub struct Explained<'v> {
    /// Lines in the contract's shape (whole kronor), so the response takes them without copying.
    pub lines: Vec<LineOut>,
    pub findings: Vec<String>,
    /// Non-official amounts used, by provenance, in order of first use.
    pub weak_sources: Vec<(Provenance, TableItem)>,
    pub voice: Voice<'v>,
}

impl Sink for Explained<'_> {
    const EXPLAIN: bool = true;
    fn line(&mut self, part: Part, amount: Money, basis: &str, text: impl FnOnce(&mut TextOut<'_>)) {
        self.lines.push(LineOut {
            part: part.as_str().to_owned(),
            text: to_string(self.voice, text),
            amount: amount.kronor_rounded(),
            basis: basis.to_owned(),
        });
    }

    fn finding(&mut self, text: impl FnOnce(&mut TextOut<'_>)) {
        let t = to_string(self.voice, text);
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

impl<'v> Explained<'v> {
    pub fn with_capacity(lines: usize) -> Explained<'v> {
        Explained {
            lines: Vec::with_capacity(lines),
            ..Explained::default()
        }
    }

    /// As [`Explained::with_capacity`], worded in `voice`.
    pub fn voiced(lines: usize, voice: Voice<'v>) -> Explained<'v> {
        Explained {
            lines: Vec::with_capacity(lines),
            voice,
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
                out.push(to_string(self.voice, |w| provenance_finding(w, year, p, items)));
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
    if w.en() {
        let intro = match provenance {
            Provenance::Official => "are read in the ordinance",
            Provenance::Secondary => {
                "are taken from a municipality's published table, not directly from the ordinance"
            }
            Provenance::Derived => {
                "are derived (the previous year's amount raised by the government's percentage and rounded up to \
                 whole tens of kronor), not read in the ordinance"
            }
        };
        text!(w, "National norm ", year, ": the amounts for ");
        for (i, item) in items.enumerate() {
            if i > 0 {
                text!(w, "; ");
            }
            text!(w, item);
        }
        return text!(
            w,
            " ",
            intro,
            ". Check the amounts against the ordinance before deciding."
        );
    }
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
    if w.en() {
        return text!(
            w,
            "Income and assets exceed the need by ",
            surplus,
            " this month, so no financial assistance is paid. \
             Whether the surplus is to count as income in the coming months is for the municipality's practice to \
             decide (see HFD 2017 ref. 51)."
        );
    }
    text!(
        w,
        "Inkomster och tillgångar överstiger behovet med ",
        surplus,
        " denna månad, så inget försörjningsstöd betalas. \
         Om överskottet ska räknas som inkomst kommande månader avgör kommunens praxis (se HFD 2017 ref. 51)."
    )
}
