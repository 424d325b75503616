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

/// Receives what the rules explain. Texts are closures so that [`Quiet`] never builds them.
pub trait Sink {
    /// Whether lines are wanted at all: lets the rules skip per-person loops that only explain.
    const EXPLAIN: bool;
    fn line(&mut self, part: Part, amount: Money, basis: &str, text: impl FnOnce() -> String);
    fn finding(&mut self, text: impl FnOnce() -> String);
    /// A table amount was used; `what` names it in Swedish for a provenance finding.
    fn used(&mut self, provenance: Provenance, what: impl FnOnce() -> String);
}

/// Discards everything: the fast path.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Sink for Quiet {
    const EXPLAIN: bool = false;
    #[inline(always)]
    fn line(&mut self, _: Part, _: Money, _: &str, _: impl FnOnce() -> String) {}
    #[inline(always)]
    fn finding(&mut self, _: impl FnOnce() -> String) {}
    #[inline(always)]
    fn used(&mut self, _: Provenance, _: impl FnOnce() -> String) {}
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
    fn line(&mut self, part: Part, amount: Money, basis: &str, text: impl FnOnce() -> String) {
        self.lines.push(LineOut {
            part: part.as_str().to_owned(),
            text: text(),
            amount: amount.kronor_rounded(),
            basis: basis.to_owned(),
        });
    }

    fn finding(&mut self, text: impl FnOnce() -> String) {
        let t = text();
        if !self.findings.contains(&t) {
            self.findings.push(t);
        }
    }

    fn used(&mut self, provenance: Provenance, what: impl FnOnce() -> String) {
        if provenance != Provenance::Official {
            let w = what();
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
        for (p, intro) in [
            (
                Provenance::Secondary,
                "är hämtade från en kommuns publicerade tabell, inte direkt från förordningen",
            ),
            (
                Provenance::Derived,
                "är härledda (föregående års belopp uppräknat med regeringens procentsats och avrundat uppåt till \
                 helt tiotal kronor), inte lästa i förordningen",
            ),
        ] {
            let items: Vec<&str> = self
                .weak_sources
                .iter()
                .filter(|(q, _)| *q == p)
                .map(|(_, w)| w.as_str())
                .collect();
            if !items.is_empty() {
                out.push(format!(
                    "Riksnormen {year}: beloppen för {} {intro}. Kontrollera beloppen mot förordningen innan beslut.",
                    items.join("; ")
                ));
            }
        }
        out
    }
}
