//! The decision letter (beslutsbrev) as a PDF: what a Swedish decision letter says (FL 32-33 §§: the authority,
//! the date, who decided, whom it concerns, each item's outcome with reasons and legal basis, the calculation line
//! by line, how to appeal), laid out on A4 pages (`layout`) and drawn as a tagged, archivable PDF (`pdf`).
//! Produces bytes from a decision already read through the application core; does no IO of its own.

pub mod layout;
pub mod pdf;

use app::domain::appeal::appeal_deadline;
use app::letters::DecisionLetter;
use app::shown::ShownCalculation;
use jiff::civil::date;

use crate::decision_pages::{calc_parts, outcome_label};
use crate::decision_texts::DecisionTexts;
use crate::i18n::Lang;
use app::norm::Money;
use layout::{A4, Align, Block, Column, Frame, Row, Table};

/// A rendered letter and the file name to offer it under.
#[derive(Debug)]
pub struct LetterPdf {
    pub bytes: Vec<u8>,
    pub file_name: String,
}

/// The decision's letter in `lang`, from the board named `board`, with its calculation as the reader is shown it
/// (`App::letter_calculation`: in `lang`, members by name). An error means the PDF could not be drawn; it never
/// carries personal data.
pub fn decision_letter(
    letter: &DecisionLetter,
    calculation: Option<&ShownCalculation>,
    board: &str,
    lang: Lang,
) -> Result<LetterPdf, pdf::PdfError> {
    let t = lang.texts();
    let fonts = pdf::Fonts::load()?;
    let d = &letter.decision;
    // The PDF's own creation date is metadata in UTC (it carries no offset), not text a reader sees.
    let decided = d.decided_at.to_zoned(jiff::tz::TimeZone::UTC);
    let month = letter.month.map(|m| m.to_string()).unwrap_or_default();
    let mut blocks = content(letter, calculation, board, lang);
    for block in &mut blocks {
        printable(block, &fonts);
    }
    let running_head = fonts.printable(&format!(
        "{board} – {} {month}, {} {}",
        t.letter_title, t.letter_number, d.id
    ));
    let page_label = |page: usize, pages: usize| format!("{} {page} {} {pages}", t.letter_page, t.letter_of);
    let frame = Frame {
        running_head: &running_head,
        page_label: &page_label,
    };
    let pages = layout::layout(&blocks, &A4, &frame, &fonts);
    let title = fonts.printable(&format!(
        "{} {month} ({} {})",
        t.letter_title, t.letter_number, d.id
    ));
    let info = pdf::Info {
        title: &title,
        author: board,
        lang: lang.code(),
        created: (
            decided.year(),
            decided.month(),
            decided.day(),
            decided.hour(),
            decided.minute(),
            decided.second(),
        ),
    };
    let bytes = pdf::render(&blocks, &pages, &A4, &fonts, &info)?;
    let file_name = if month.is_empty() {
        format!("{}-{}.pdf", t.letter_file, d.id)
    } else {
        format!("{}-{}-{month}.pdf", t.letter_file, d.id)
    };
    Ok(LetterPdf { bytes, file_name })
}

/// The footnote mark for the rule table (in the embedded font).
const FOOTNOTE: &str = "¹";

/// The recipient's block: the name as the register has it (the letter is theirs: their own name, whatever their
/// protection), then the address lines the application core chose (Skatteverket's forwarding for skyddad
/// folkbokföring, never the address).
fn recipient_block(letter: &DecisionLetter) -> Option<String> {
    let recipient = letter.addressees.first()?;
    let mut lines = vec![recipient.name.clone()];
    lines.extend(letter.recipient_address.iter().cloned());
    Some(lines.join("\n"))
}

fn printable(block: &mut Block, fonts: &pdf::Fonts) {
    let fix = |s: &mut String| *s = fonts.printable(s);
    match block {
        Block::Heading { text, .. } | Block::Paragraph { text, .. } => fix(text),
        Block::List { items } => items.iter_mut().for_each(fix),
        Block::Table(table) => {
            table.header.iter_mut().for_each(fix);
            for row in &mut table.rows {
                row.cells.iter_mut().for_each(fix);
            }
        }
    }
}

fn heading(level: u16, text: impl Into<String>) -> Block {
    Block::Heading {
        level,
        text: text.into(),
    }
}

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph {
        text: text.into(),
        strong: false,
    }
}

fn strong(text: impl Into<String>) -> Block {
    Block::Paragraph {
        text: text.into(),
        strong: true,
    }
}

fn column(share: f32, align: Align) -> Column {
    Column { share, align }
}

/// The letter's text in reading order, from the decision as the application core gave it (public so that its
/// content is tested without drawing a PDF).
pub fn content(
    letter: &DecisionLetter,
    calculation: Option<&ShownCalculation>,
    board: &str,
    lang: Lang,
) -> Vec<Block> {
    let t = lang.texts();
    let dt = DecisionTexts::of(lang);
    let d = &letter.decision;
    let decided_on = crate::time::date(d.decided_at);
    let month = letter.month.map(|m| m.to_string()).unwrap_or_default();
    let mut blocks = vec![strong(board), paragraph(format!("{}: {}", t.unit, letter.unit))];
    // The recipient at the top, as on a letter in the post: the household's applicant (the first adult named).
    if let Some(recipient) = recipient_block(letter) {
        blocks.push(paragraph(recipient));
    }
    blocks.push(heading(
        1,
        format!("{} {month}", t.letter_title).trim_end().to_owned(),
    ));
    let mut facts = vec![
        format!("{} {}", t.letter_number, d.id),
        format!("{}: {decided_on}", t.letter_decided_on),
        // A job's decisions (the demo's seeded history) have no person: say what the record says.
        format!(
            "{}: {}",
            t.letter_decided_by,
            letter.decided_by.as_deref().unwrap_or(&d.decided_by)
        ),
    ];
    if !month.is_empty() {
        facts.push(format!("{}: {month}", t.month));
    }
    blocks.push(paragraph(facts.join("\n")));
    // A decision that replaced another says which, and why (omprövning, the court's judgment).
    if let Some(change) = &d.change {
        let (lead, sections) = crate::appeal_pages::letter_lines(change, lang);
        blocks.push(strong(lead));
        for (title, text) in sections {
            if !title.is_empty() {
                blocks.push(heading(2, title));
            }
            blocks.push(paragraph(text));
        }
    }
    if !letter.addressees.is_empty() {
        blocks.push(heading(2, t.letter_concerns));
        let people: Vec<String> = letter
            .addressees
            .iter()
            .map(|p| format!("{}, {} {}", p.name, t.personnummer.to_lowercase(), p.pnr))
            .collect();
        blocks.push(paragraph(people.join("\n")));
    }

    blocks.push(heading(2, t.letter_decision));
    blocks.push(paragraph(t.letter_decision_intro));
    blocks.push(Block::Table(Table {
        columns: vec![
            column(0.32, Align::Left),
            column(0.16, Align::Left),
            column(0.17, Align::Right),
            column(0.17, Align::Right),
            column(0.18, Align::Left),
        ],
        header: [t.what, t.outcome, t.applied, t.granted, t.legal_basis]
            .map(str::to_owned)
            .to_vec(),
        rows: d
            .items
            .iter()
            .map(|i| Row {
                cells: vec![
                    i.what.clone(),
                    outcome_label(i.outcome, t).to_owned(),
                    i.applied.to_string(),
                    i.granted.to_string(),
                    i.legal_basis.clone(),
                ],
                strong: false,
            })
            .collect(),
    }));
    if d.deductions > Money::ZERO {
        blocks.push(paragraph(format!("{}: {}", dt.deductions, d.deductions)));
    }
    blocks.push(strong(format!("{}: {}", t.letter_total, d.total_granted)));
    if let Some(c) = &d.calculation
        && !c.changes.is_empty()
    {
        // FL 32 §: the letter says which declared facts the decision does not rest on, and why.
        blocks.push(heading(2, dt.changed_facts));
        blocks.push(Block::List {
            items: crate::application_pages::change_sentences(&c.changes, &c.request, dt),
        });
    }

    blocks.push(heading(2, t.letter_reasons));
    for item in &d.items {
        // A heading per item: it stays on the page of its reasons, and a reader can jump from item to item.
        blocks.push(heading(
            3,
            format!("{}: {}", item.what, outcome_label(item.outcome, t)),
        ));
        let reasons = item.reasons.trim();
        blocks.push(paragraph(if reasons.is_empty() {
            t.letter_granted_in_full
        } else {
            reasons
        }));
    }

    if let Some(c) = calculation {
        let r = &c.response;
        blocks.push(heading(2, t.how_calculated));
        // The rule table and its version are for the record, not the reader: a footnote.
        blocks.push(paragraph(format!("{}{FOOTNOTE}", t.letter_calculation_intro)));
        for part in calc_parts(r, t) {
            blocks.push(heading(3, format!("{}: {}", part.heading, part.total)));
            if part.lines.is_empty() {
                continue;
            }
            blocks.push(Block::Table(Table {
                columns: vec![
                    column(0.56, Align::Left),
                    column(0.17, Align::Right),
                    column(0.27, Align::Left),
                ],
                header: [t.what, t.amount, t.legal_basis].map(str::to_owned).to_vec(),
                rows: part
                    .lines
                    .into_iter()
                    .map(|(text, amount, basis)| Row {
                        cells: vec![text, amount, basis],
                        strong: false,
                    })
                    .collect(),
            }));
        }
        blocks.push(strong(format!(
            "{}: {}",
            t.assistance,
            crate::decision_pages::kronor(r.assistance)
        )));
        blocks.push(paragraph(format!(
            "{FOOTNOTE} {}: {}, {} {}.",
            t.rule_table, c.rule_table, t.letter_version, c.rule_table_version
        )));
    }

    blocks.push(heading(2, t.how_to_appeal));
    blocks.extend(t.letter_appeal.iter().map(|p| paragraph(*p)));
    // A reduction or refusal under 12 kap. 5 § SoL is a decision of its own within the letter: say it is appealable.
    if d.items
        .iter()
        .any(|i| i.purpose == app::domain::decision::Purpose::Nedsattning)
    {
        blocks.push(paragraph(
            crate::sanction_texts::SanctionTexts::of(lang).letter_appeal,
        ));
    }
    if let Some(served) = d.served_on {
        let mut text = format!("{} {served}.", t.letter_served_on);
        if let Some(last) = appeal_deadline(served) {
            text.push_str(&format!(" {} {last}.", t.letter_deadline));
        }
        blocks.push(paragraph(text));
    }
    blocks.push(paragraph(t.letter_appeal_contents));
    blocks.push(Block::List {
        items: t.letter_appeal_points.iter().map(|p| (*p).to_owned()).collect(),
    });
    blocks.push(paragraph(t.letter_appeal_after));
    // Appeals of decisions made before SoL 2025:400 took effect follow the old act.
    blocks.push(paragraph(if decided_on < date(2025, 7, 1) {
        t.letter_appeal_law_old
    } else {
        t.letter_appeal_law_new
    }));
    blocks.push(paragraph(t.letter_questions));
    blocks
}
