//! Explanation lines and findings, and the sink the calculation writes them to.
//!
//! The rules are written once against [`Sink`]: the bulk path uses [`Quiet`] (no text is ever formatted, nothing
//! allocates), the full path uses [`Explained`]. Because both paths run the same code, the lines always add up to
//! the totals.

use std::fmt;

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

/// Where a text is written: texts are written, not returned, so a sink can put them straight into its output.
pub type Text<'a> = &'a mut dyn fmt::Write;

/// Writes a text into a fresh string (formatting into a `String` cannot fail).
pub(crate) fn to_string(text: impl FnOnce(Text<'_>) -> fmt::Result) -> String {
    let mut s = String::new();
    let _ = text(&mut s);
    s
}

/// Receives what the rules explain. Texts are closures so that [`Quiet`] never builds them.
pub trait Sink {
    /// Whether lines are wanted at all: lets the rules skip per-person loops that only explain.
    const EXPLAIN: bool;
    fn line(&mut self, part: Part, amount: Money, basis: &str, text: impl FnOnce(Text<'_>) -> fmt::Result);
    fn finding(&mut self, text: impl FnOnce(Text<'_>) -> fmt::Result);
    /// A table amount was used; `what` names it in Swedish for a provenance finding.
    fn used(&mut self, provenance: Provenance, what: impl FnOnce(Text<'_>) -> fmt::Result);
}

/// Discards everything: the fast path.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Sink for Quiet {
    const EXPLAIN: bool = false;
    #[inline(always)]
    fn line(&mut self, _: Part, _: Money, _: &str, _: impl FnOnce(Text<'_>) -> fmt::Result) {}
    #[inline(always)]
    fn finding(&mut self, _: impl FnOnce(Text<'_>) -> fmt::Result) {}
    #[inline(always)]
    fn used(&mut self, _: Provenance, _: impl FnOnce(Text<'_>) -> fmt::Result) {}
}

/// Collects lines, findings (without duplicates) and the non-official table amounts used.
#[derive(Debug, Clone, Default)]
pub struct Explained {
    /// Lines in the contract's shape (whole kronor), so the response takes them without copying.
    pub lines: Vec<LineOut>,
    pub findings: Vec<String>,
    /// Non-official amounts used, by provenance, in order of first use.
    pub weak_sources: Vec<(Provenance, String)>,
}

impl Sink for Explained {
    const EXPLAIN: bool = true;
    fn line(&mut self, part: Part, amount: Money, basis: &str, text: impl FnOnce(Text<'_>) -> fmt::Result) {
        self.lines.push(LineOut {
            part: part.as_str().to_owned(),
            text: to_string(text),
            amount: amount.kronor_rounded(),
            basis: basis.to_owned(),
        });
    }

    fn finding(&mut self, text: impl FnOnce(Text<'_>) -> fmt::Result) {
        let t = to_string(text);
        if !self.findings.contains(&t) {
            self.findings.push(t);
        }
    }

    fn used(&mut self, provenance: Provenance, what: impl FnOnce(Text<'_>) -> fmt::Result) {
        if provenance != Provenance::Official {
            let w = to_string(what);
            if !self.weak_sources.iter().any(|(p, x)| *p == provenance && *x == w) {
                self.weak_sources.push((provenance, w));
            }
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
                .map(|(_, w)| w.as_str())
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
pub(crate) fn provenance_finding<'a>(
    w: Text<'_>,
    year: u16,
    provenance: Provenance,
    items: impl Iterator<Item = &'a str>,
) -> fmt::Result {
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
    write!(w, "Riksnormen {year}: beloppen för ")?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            w.write_str("; ")?;
        }
        w.write_str(item)?;
    }
    write!(w, " {intro}. Kontrollera beloppen mot förordningen innan beslut.")
}

/// The finding when income and assets exceed the need (`surplus` is positive).
pub(crate) fn surplus_finding(w: Text<'_>, surplus: Money) -> fmt::Result {
    write!(
        w,
        "Inkomster och tillgångar överstiger behovet med {surplus} denna månad, så inget försörjningsstöd betalas. \
         Om överskottet ska räknas som inkomst kommande månader avgör kommunens praxis (se HFD 2017 ref. 51)."
    )
}
