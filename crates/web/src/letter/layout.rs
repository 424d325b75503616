//! Page layout of the decision letter: words wrapped within the margins, blocks flowed onto pages (a heading never
//! ends a page, a table row is never cut unless it is taller than a page, a table's header is repeated), and the
//! page numbers added once the number of pages is known. Pure: widths come from a [`Measure`], so the tests need no
//! font. Coordinates are points from the top-left corner of the page, y downwards, as krilla draws.

/// The typeface of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

/// How wide text is when set.
pub trait Measure {
    /// The advance width of `text` in `face` at `size` points.
    fn width(&self, text: &str, face: Face, size: f32) -> f32;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table column: its share of the text width, and how its cells are aligned.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub share: f32,
    pub align: Align,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<String>,
    /// Set in bold with a rule above (a total).
    pub strong: bool,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// The letter's content, in reading order. A `\n` in a text is a line break.
#[derive(Debug, Clone)]
pub enum Block {
    /// Level 1 to 3.
    Heading {
        level: u16,
        text: String,
    },
    Paragraph {
        text: String,
        strong: bool,
    },
    List {
        items: Vec<String>,
    },
    Table(Table),
}

/// Where a placed line belongs in the letter's structure, so that the PDF can tag it for assistive technology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// A line of the heading or paragraph that is block number `.0`.
    Block(usize),
    ListLabel {
        block: usize,
        item: usize,
    },
    ListBody {
        block: usize,
        item: usize,
    },
    /// A table cell; row 0 is the header row.
    Cell {
        block: usize,
        row: usize,
        col: usize,
    },
    /// The running head on later pages.
    Header,
    /// The page number.
    Footer,
    /// A table header repeated on a later page: the reader already heard it once.
    Repeated,
}

/// One line of text, placed: `baseline` is where the glyphs stand.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub x: f32,
    pub baseline: f32,
    pub text: String,
    pub face: Face,
    pub size: f32,
    pub part: Part,
}

/// A horizontal rule in a table (decoration only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub x1: f32,
    pub x2: f32,
    pub y: f32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub lines: Vec<Line>,
    pub rules: Vec<Rule>,
    /// (heading block, top of the heading) for the document outline.
    pub headings: Vec<(usize, f32)>,
}

/// The paper and its margins, in points.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub margin_x: f32,
    pub margin_top: f32,
    pub margin_bottom: f32,
}

/// A4 with 20 mm side margins; the running head and the page number sit in the top and bottom margins.
pub const A4: Geometry = Geometry {
    width: 595.28,
    height: 841.89,
    margin_x: 62.0,
    margin_top: 62.0,
    margin_bottom: 68.0,
};

impl Geometry {
    fn text_width(&self) -> f32 {
        self.width - 2.0 * self.margin_x
    }
    fn bottom(&self) -> f32 {
        self.height - self.margin_bottom
    }
}

/// Text set in one face and size, and the distance from one baseline to the next.
#[derive(Debug, Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    leading: f32,
}

const BODY: Style = Style {
    face: Face::Regular,
    size: 10.0,
    leading: 14.0,
};
const STRONG: Style = Style {
    face: Face::Bold,
    ..BODY
};
const SMALL: Style = Style {
    face: Face::Regular,
    size: 8.5,
    leading: 11.0,
};

fn heading_style(level: u16) -> (Style, f32) {
    match level {
        1 => (
            Style {
                face: Face::Bold,
                size: 17.0,
                leading: 22.0,
            },
            6.0,
        ),
        2 => (
            Style {
                face: Face::Bold,
                size: 12.5,
                leading: 17.0,
            },
            16.0,
        ),
        _ => (
            Style {
                face: Face::Bold,
                size: 10.5,
                leading: 15.0,
            },
            10.0,
        ),
    }
}

/// Space above a paragraph, list or table.
const BLOCK_SPACE: f32 = 6.0;
/// Space between list items.
const ITEM_SPACE: f32 = 2.0;
/// How far a list item's text is indented from its bullet.
const LIST_INDENT: f32 = 14.0;
/// Space on either side of a table cell's text.
const CELL_PAD_X: f32 = 4.0;
/// Space above and below a table row's text.
const CELL_PAD_Y: f32 = 2.5;
/// The glyphs' height above the baseline, as a share of the size (for placing a first baseline).
const ASCENT: f32 = 0.8;

/// Breaks `text` into lines no wider than `max`: at spaces, at `\n`, and inside a word only if the word alone is
/// wider than a line. Every line but the last ends with a space, so a reader that copies or speaks the text does
/// not run the last word of a line into the first of the next (tagged PDF needs the space).
pub fn wrap(text: &str, max: f32, face: Face, size: f32, m: &dyn Measure) -> Vec<String> {
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    let space = m.width(" ", face, size);
    let mut out: Vec<String> = Vec::new();
    for hard in normalised.trim().split('\n') {
        // A line break in the text separates words too.
        if let Some(previous) = out.last_mut()
            && !previous.is_empty()
            && !previous.ends_with(' ')
        {
            previous.push(' ');
        }
        let mut line = String::new();
        let mut width = 0.0;
        // Only plain spaces and tabs break a line: a no-break space (as inside `10 020 kr`) holds its words together.
        for word in hard.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let w = m.width(word, face, size);
            if w > max {
                // Too long for any line (a reference number, a URL): cut it where it must be cut.
                let mut pieces = break_word(word, max, face, size, m);
                let last = pieces.pop().unwrap_or_default();
                if !line.is_empty() {
                    line.push(' ');
                    out.push(std::mem::take(&mut line));
                }
                out.extend(pieces);
                width = m.width(&last, face, size);
                line = last;
            } else if line.is_empty() {
                line.push_str(word);
                width = w;
            } else if width + space + w <= max {
                line.push(' ');
                line.push_str(word);
                width += space + w;
            } else {
                line.push(' ');
                out.push(std::mem::replace(&mut line, word.to_owned()));
                width = w;
            }
        }
        out.push(line);
    }
    out
}

/// Cuts a word into pieces no wider than `max`, each at least one character so that cutting always ends.
fn break_word(word: &str, max: f32, face: Face, size: f32, m: &dyn Measure) -> Vec<String> {
    let mut out = Vec::new();
    let mut piece = String::new();
    for c in word.chars() {
        piece.push(c);
        if m.width(&piece, face, size) > max && piece.chars().count() > 1 {
            piece.pop();
            out.push(std::mem::take(&mut piece));
            piece.push(c);
        }
    }
    out.push(piece);
    out
}

/// A piece of the letter that is placed whole: a line of a paragraph, a heading, a table row.
#[derive(Debug, Clone, Default)]
struct Unit {
    /// Space above it, dropped at the top of a page.
    space_before: f32,
    height: f32,
    /// Lines with `baseline` measured from the unit's top.
    lines: Vec<Line>,
    /// Rules with `y` measured from the unit's top.
    rules: Vec<Rule>,
    /// Must stand on the same page as the unit after it (a heading, a table header).
    keep_with_next: bool,
    /// A heading: its block, for the outline.
    heading: Option<usize>,
    /// A row of this table block: the header is repeated above it on a new page.
    table_row: Option<usize>,
}

/// A unit of `rows` lines of text (a list item's bullet and text share one row).
fn text_unit(lines: Vec<Line>, rows: usize, style: Style, space_before: f32) -> Unit {
    Unit {
        space_before,
        height: style.leading * rows.max(1) as f32,
        lines,
        ..Unit::default()
    }
}

fn line(x: f32, top: f32, text: String, style: Style, part: Part) -> Line {
    Line {
        x,
        baseline: top + style.size * ASCENT + (style.leading - style.size) / 2.0,
        text,
        face: style.face,
        size: style.size,
        part,
    }
}

/// The units of every block, and each table's header as it is repeated on a later page.
fn units(blocks: &[Block], g: &Geometry, m: &dyn Measure) -> (Vec<Unit>, Vec<(usize, Unit)>) {
    let x0 = g.margin_x;
    let width = g.text_width();
    // The most lines a table row may have and still fit on an empty page below a repeated header (two lines
    // allowed for it); taller rows are cut.
    let page_lines = ((g.bottom() - g.margin_top - 2.0 * CELL_PAD_Y) / BODY.leading - 2.0)
        .floor()
        .max(1.0) as usize;
    let mut out = Vec::new();
    let mut headers = Vec::new();
    for (b, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading { level, text } => {
                let (style, space) = heading_style(*level);
                let lines: Vec<Line> = wrap(text, width, style.face, style.size, m)
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| line(x0, i as f32 * style.leading, t, style, Part::Block(b)))
                    .collect();
                let rows = lines.len();
                let mut unit = text_unit(lines, rows, style, space);
                unit.keep_with_next = true;
                unit.heading = Some(b);
                out.push(unit);
            }
            Block::Paragraph { text, strong } => {
                let style = if *strong { STRONG } else { BODY };
                for (i, t) in wrap(text, width, style.face, style.size, m)
                    .into_iter()
                    .enumerate()
                {
                    let space = if i == 0 { BLOCK_SPACE } else { 0.0 };
                    let lines = vec![line(x0, 0.0, t, style, Part::Block(b))];
                    out.push(text_unit(lines, 1, style, space));
                }
            }
            Block::List { items } => {
                for (item, text) in items.iter().enumerate() {
                    let wrapped = wrap(text, width - LIST_INDENT, BODY.face, BODY.size, m);
                    for (i, t) in wrapped.into_iter().enumerate() {
                        let mut lines = Vec::new();
                        if i == 0 {
                            lines.push(line(
                                x0,
                                0.0,
                                "•".to_owned(),
                                BODY,
                                Part::ListLabel { block: b, item },
                            ));
                        }
                        lines.push(line(
                            x0 + LIST_INDENT,
                            0.0,
                            t,
                            BODY,
                            Part::ListBody { block: b, item },
                        ));
                        let space = match (i, item) {
                            (0, 0) => BLOCK_SPACE,
                            (0, _) => ITEM_SPACE,
                            _ => 0.0,
                        };
                        out.push(text_unit(lines, 1, BODY, space));
                    }
                }
            }
            Block::Table(table) => {
                let mut header_units = row_units(table, &table.header, true, b, 0, usize::MAX, g, m);
                let header = header_units.pop().unwrap_or_default();
                let mut repeated = header.clone();
                for l in &mut repeated.lines {
                    l.part = Part::Repeated;
                }
                repeated.space_before = 0.0;
                headers.push((b, repeated));
                let mut header = header;
                header.space_before = BLOCK_SPACE;
                header.keep_with_next = true;
                out.push(header);
                for (r, row) in table.rows.iter().enumerate() {
                    for mut piece in row_units(table, &row.cells, row.strong, b, r + 1, page_lines, g, m) {
                        piece.table_row = Some(b);
                        out.push(piece);
                    }
                }
            }
        }
    }
    (out, headers)
}

/// One table row as units: every cell wrapped within its column, the row as tall as its tallest cell. A row taller
/// than `page_lines` lines is cut into pieces of at most that many lines (the only way it can be placed at all);
/// any other row is one unit and is never cut.
#[expect(
    clippy::too_many_arguments,
    reason = "one private helper; a struct would only rename the arguments"
)]
fn row_units(
    table: &Table,
    cells: &[String],
    strong: bool,
    block: usize,
    row: usize,
    page_lines: usize,
    g: &Geometry,
    m: &dyn Measure,
) -> Vec<Unit> {
    let style = if strong { STRONG } else { BODY };
    let width = g.text_width();
    let mut x = g.margin_x;
    // (line index within the row, line placed as if the row were one piece)
    let mut placed = Vec::new();
    let mut most = 1;
    for (col, (column, text)) in table.columns.iter().zip(cells).enumerate() {
        let w = column.share * width;
        let inner = (w - 2.0 * CELL_PAD_X).max(1.0);
        let wrapped = wrap(text, inner, style.face, style.size, m);
        most = most.max(wrapped.len());
        for (i, t) in wrapped.into_iter().enumerate() {
            let tx = match column.align {
                Align::Left => x + CELL_PAD_X,
                Align::Right => x + w - CELL_PAD_X - m.width(t.trim_end(), style.face, style.size),
            };
            placed.push((i, line(tx, CELL_PAD_Y, t, style, Part::Cell { block, row, col })));
        }
        x += w;
    }
    let x2 = g.margin_x + width;
    let page_lines = page_lines.max(1);
    let mut out = Vec::new();
    for start in (0..most).step_by(page_lines) {
        let end = (start + page_lines).min(most);
        let height = (end - start) as f32 * style.leading + 2.0 * CELL_PAD_Y;
        let lines = placed
            .iter()
            .filter(|(i, _)| (start..end).contains(i))
            .map(|(i, l)| Line {
                baseline: l.baseline + (i - start) as f32 * style.leading,
                ..l.clone()
            })
            .collect();
        let mut rules = Vec::new();
        if row == 0 {
            rules.push(Rule {
                x1: g.margin_x,
                x2,
                y: height,
            });
        } else if strong && start == 0 {
            rules.push(Rule {
                x1: g.margin_x,
                x2,
                y: 0.0,
            });
        }
        out.push(Unit {
            height,
            lines,
            rules,
            ..Unit::default()
        });
    }
    out
}

/// What every page carries besides the content.
pub struct Frame<'a> {
    /// Shown at the top of every page but the first.
    pub running_head: &'a str,
    /// "Sida 1 av 2" for (page, pages), counting from one.
    pub page_label: &'a dyn Fn(usize, usize) -> String,
}

impl std::fmt::Debug for Frame<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("running_head", &self.running_head)
            .finish_non_exhaustive()
    }
}

/// Flows the blocks onto as many pages as they need and numbers the pages.
pub fn layout(blocks: &[Block], g: &Geometry, frame: &Frame<'_>, m: &dyn Measure) -> Vec<Page> {
    let (units, headers) = units(blocks, g, m);
    let mut pages = Vec::new();
    let mut page = Page::default();
    let mut y = g.margin_top;
    let mut fresh = true;
    for (k, unit) in units.iter().enumerate() {
        let mut need = if fresh { 0.0 } else { unit.space_before } + unit.height;
        // A heading (or a table header) goes with what follows it: as far as the chain of kept units reaches.
        let mut j = k;
        while units.get(j).is_some_and(|u| u.keep_with_next) {
            match units.get(j + 1) {
                Some(next) => need += next.space_before + next.height,
                None => break,
            }
            j += 1;
        }
        if !fresh && y + need > g.bottom() {
            pages.push(std::mem::take(&mut page));
            y = g.margin_top;
            fresh = true;
            if let Some(table) = unit.table_row
                && let Some((_, header)) = headers.iter().find(|(b, _)| *b == table)
            {
                place(header, y, &mut page);
                y += header.height;
                fresh = false;
            }
        }
        if !fresh {
            y += unit.space_before;
        }
        place(unit, y, &mut page);
        y += unit.height;
        fresh = false;
    }
    pages.push(page);
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        if i > 0 {
            // First in the page's drawing order, as it is first on the page.
            page.lines.insert(
                0,
                Line {
                    x: g.margin_x,
                    baseline: g.margin_top - 24.0,
                    text: frame.running_head.to_owned(),
                    face: SMALL.face,
                    size: SMALL.size,
                    part: Part::Header,
                },
            );
        }
        let label = (frame.page_label)(i + 1, total);
        let w = m.width(&label, SMALL.face, SMALL.size);
        page.lines.push(Line {
            x: g.width - g.margin_x - w,
            baseline: g.height - g.margin_bottom + 30.0,
            text: label,
            face: SMALL.face,
            size: SMALL.size,
            part: Part::Footer,
        });
    }
    pages
}

fn place(unit: &Unit, top: f32, page: &mut Page) {
    for l in &unit.lines {
        if l.text.trim().is_empty() {
            continue;
        }
        page.lines.push(Line {
            baseline: l.baseline + top,
            ..l.clone()
        });
    }
    for r in &unit.rules {
        page.rules.push(Rule { y: r.y + top, ..*r });
    }
    if let Some(b) = unit.heading {
        page.headings.push((b, top));
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        reason = "test code: a failure should panic"
    )]

    use super::*;

    /// Every character half as wide as the size is high; bold a little wider.
    struct Mono;

    impl Measure for Mono {
        fn width(&self, text: &str, face: Face, size: f32) -> f32 {
            let per = match face {
                Face::Regular => 0.5,
                Face::Bold => 0.6,
            };
            text.chars().count() as f32 * per * size
        }
    }

    fn words(lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .flat_map(|l| l.split_whitespace())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_word_in_order() {
        let text = "Överklagandet ska ha kommit in till nämnden inom tre veckor från den dag då du fick del av beslutet.";
        // Every width holds the longest word (13 characters, 65 points), so no word is cut.
        for max in [65.0, 100.0, 173.0, 400.0] {
            let lines = wrap(text, max, Face::Regular, 10.0, &Mono);
            for l in &lines {
                assert!(
                    Mono.width(l.trim_end(), Face::Regular, 10.0) <= max,
                    "{max}: {l:?}"
                );
            }
            assert_eq!(words(&lines), words(&[text.to_owned()]), "{max}");
        }
        assert_eq!(wrap(text, 10_000.0, Face::Regular, 10.0, &Mono).len(), 1);
    }

    #[test]
    fn a_wrapped_line_ends_with_a_space_and_the_last_line_does_not() {
        let lines = wrap("ett två tre fyra", 45.0, Face::Regular, 10.0, &Mono);
        assert_eq!(lines, ["ett två ", "tre fyra"]);
    }

    #[test]
    fn a_no_break_space_is_not_a_place_to_break() {
        let lines = wrap("Summa 10\u{202f}020\u{a0}kr", 60.0, Face::Regular, 10.0, &Mono);
        assert_eq!(lines, ["Summa ", "10\u{202f}020\u{a0}kr"]);
    }

    #[test]
    fn line_breaks_in_the_text_are_kept_and_carriage_returns_are_not() {
        let lines = wrap(
            "Hyran är för hög.\r\n\r\nSe riktlinjen.",
            1000.0,
            Face::Regular,
            10.0,
            &Mono,
        );
        assert_eq!(lines, ["Hyran är för hög. ", "", "Se riktlinjen."]);
    }

    #[test]
    fn a_word_longer_than_a_line_is_cut_and_nothing_is_lost() {
        let long = "x".repeat(50);
        let lines = wrap(&format!("a {long} b"), 100.0, Face::Regular, 10.0, &Mono);
        for l in &lines {
            assert!(Mono.width(l.trim_end(), Face::Regular, 10.0) <= 100.0, "{l:?}");
        }
        assert_eq!(lines.concat().replace(' ', ""), format!("a{long}b"));
        // Even a width narrower than one character makes progress.
        assert_eq!(wrap("abc", 1.0, Face::Regular, 10.0, &Mono), ["a", "b", "c"]);
    }

    fn frame_label(page: usize, pages: usize) -> String {
        format!("Sida {page} av {pages}")
    }

    fn frame() -> Frame<'static> {
        Frame {
            running_head: "Beslut 2026-02",
            page_label: &frame_label,
        }
    }

    fn long_table(rows: usize) -> Vec<Block> {
        vec![
            Block::Heading {
                level: 1,
                text: "Beslut".into(),
            },
            Block::Paragraph {
                text: "Inledning. ".repeat(30),
                strong: false,
            },
            Block::Heading {
                level: 2,
                text: "Så räknades beloppet fram".into(),
            },
            Block::Table(Table {
                columns: vec![
                    Column {
                        share: 0.6,
                        align: Align::Left,
                    },
                    Column {
                        share: 0.4,
                        align: Align::Right,
                    },
                ],
                header: vec!["Vad".into(), "Belopp".into()],
                rows: (0..rows)
                    .map(|i| Row {
                        cells: vec![format!("Rad {i} med en förklaring"), format!("{i} kr")],
                        strong: false,
                    })
                    .collect(),
            }),
            Block::Paragraph {
                text: "Slut.".into(),
                strong: true,
            },
        ]
    }

    #[test]
    fn a_long_table_flows_onto_numbered_pages_within_the_margins() {
        let pages = layout(&long_table(150), &A4, &frame(), &Mono);
        assert!(pages.len() >= 3, "{}", pages.len());
        for (i, p) in pages.iter().enumerate() {
            let label = format!("Sida {} av {}", i + 1, pages.len());
            assert_eq!(
                p.lines
                    .iter()
                    .filter(|l| l.text == label && l.part == Part::Footer)
                    .count(),
                1,
                "{label}"
            );
            assert_eq!(
                p.lines.iter().any(|l| l.part == Part::Header),
                i > 0,
                "running head on page {}",
                i + 1
            );
            for l in p
                .lines
                .iter()
                .filter(|l| !matches!(l.part, Part::Header | Part::Footer))
            {
                assert!(
                    l.baseline > A4.margin_top && l.baseline <= A4.bottom(),
                    "page {}: {l:?}",
                    i + 1
                );
                assert!(l.x >= A4.margin_x - 0.01, "{l:?}");
                assert!(
                    l.x + Mono.width(l.text.trim_end(), l.face, l.size) <= A4.width - A4.margin_x + 0.01,
                    "{l:?}"
                );
            }
        }
        // Every row is placed once, in order; the header is content once and repeated as decoration after that.
        let cells: Vec<usize> = pages
            .iter()
            .flat_map(|p| &p.lines)
            .filter_map(|l| match l.part {
                Part::Cell { row, col: 0, .. } if row > 0 => Some(row),
                _ => None,
            })
            .collect();
        assert_eq!(cells, (1..=150).collect::<Vec<_>>());
        let header = |p: &Page| {
            p.lines
                .iter()
                .filter(|l| l.text == "Vad")
                .map(|l| l.part)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            header(&pages[0]),
            [Part::Cell {
                block: 3,
                row: 0,
                col: 0
            }]
        );
        assert_eq!(header(&pages[1]), [Part::Repeated]);
    }

    #[test]
    fn a_heading_never_ends_a_page() {
        // Fill the first page nearly to the bottom, so that the heading would fit but the table after it would not.
        for filler in 40..60 {
            let mut blocks = vec![Block::Paragraph {
                text: "rad\n".repeat(filler),
                strong: false,
            }];
            blocks.extend(long_table(3).into_iter().skip(2));
            let pages = layout(&blocks, &A4, &frame(), &Mono);
            for p in &pages {
                if let Some(&(b, top)) = p.headings.last() {
                    let below = p
                        .lines
                        .iter()
                        .any(|l| l.baseline > top + 20.0 && matches!(l.part, Part::Cell { .. }));
                    assert!(below, "{filler}: heading {b} is the last thing on its page");
                }
            }
        }
    }

    #[test]
    fn right_aligned_cells_end_at_the_column_edge() {
        let pages = layout(&long_table(2), &A4, &frame(), &Mono);
        let right = A4.width - A4.margin_x - CELL_PAD_X;
        for l in pages[0]
            .lines
            .iter()
            .filter(|l| matches!(l.part, Part::Cell { col: 1, .. }))
        {
            let end = l.x + Mono.width(l.text.trim_end(), l.face, l.size);
            assert!((end - right).abs() < 0.01, "{l:?}");
        }
    }

    #[test]
    fn a_row_taller_than_a_page_is_cut_rather_than_lost() {
        let blocks = vec![Block::Table(Table {
            columns: vec![Column {
                share: 1.0,
                align: Align::Left,
            }],
            header: vec!["Skäl".into()],
            rows: vec![Row {
                cells: vec!["ord\n".repeat(120)],
                strong: false,
            }],
        })];
        let pages = layout(&blocks, &A4, &frame(), &Mono);
        assert!(pages.len() >= 2);
        let placed: usize = pages
            .iter()
            .map(|p| p.lines.iter().filter(|l| l.text.trim_end() == "ord").count())
            .sum();
        assert_eq!(placed, 120);
        for p in &pages {
            for l in p.lines.iter().filter(|l| l.text.trim_end() == "ord") {
                assert!(l.baseline <= A4.bottom(), "{l:?}");
            }
        }
    }
}
