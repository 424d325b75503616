//! Draws laid-out pages with krilla as a tagged PDF that claims, and is checked by krilla against, PDF/UA-1
//! (accessible) and PDF/A-2a (archivable): every line of content tagged in reading order (headings, paragraphs,
//! lists, tables with header cells), page furniture marked as artifacts, an outline of the headings, the language
//! and title in the metadata, and the font embedded (subset). Produces bytes; reads nothing.

use std::collections::BTreeMap;
use std::num::NonZeroU16;

use krilla::color::luma;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, PdfVersion};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope, Tag,
    TagGroup, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};

use super::layout::{Block, Face, Geometry, Measure, Page, Part};

static REGULAR: &[u8] = include_bytes!("../../fonts/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../fonts/LiberationSans-Bold.ttf");

/// Why a letter could not be drawn. Never carries the letter's text (it would reach the log).
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read")]
    Font,
    #[error("the PDF configuration is inconsistent: {0}")]
    Configuration(String),
    #[error("krilla refused the letter: {0}")]
    Krilla(String),
}

/// The embedded faces, for measuring (rustybuzz, the shaper krilla draws with) and for drawing (krilla).
pub struct Fonts {
    regular: rustybuzz::Face<'static>,
    bold: rustybuzz::Face<'static>,
    pdf_regular: Font,
    pdf_bold: Font,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fonts(Liberation Sans)")
    }
}

impl Fonts {
    pub fn load() -> Result<Fonts, PdfError> {
        Ok(Fonts {
            regular: rustybuzz::Face::from_slice(REGULAR, 0).ok_or(PdfError::Font)?,
            bold: rustybuzz::Face::from_slice(BOLD, 0).ok_or(PdfError::Font)?,
            pdf_regular: Font::new(REGULAR.into(), 0).ok_or(PdfError::Font)?,
            pdf_bold: Font::new(BOLD.into(), 0).ok_or(PdfError::Font)?,
        })
    }

    fn face(&self, face: Face) -> &rustybuzz::Face<'static> {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// The text with every character the font cannot show replaced by `?` (a space the font lacks by a plain
    /// space) and control characters other than line breaks by spaces. A missing glyph would make the PDF fail PDF/UA validation and the whole letter with
    /// it; a caseworker's reasons may contain anything.
    pub fn printable(&self, text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '\n' => '\n',
                c if c.is_control() => ' ',
                // Kept as they are: the narrow no-break space inside amounts (`10 020 kr`) must not become a
                // place to break the line.
                c if self.regular.glyph_index(c).is_some() && self.bold.glyph_index(c).is_some() => c,
                c if c.is_whitespace() => ' ',
                _ => '?',
            })
            .collect()
    }
}

impl Measure for Fonts {
    fn width(&self, text: &str, face: Face, size: f32) -> f32 {
        let face = self.face(face);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buffer);
        let units: i64 = shaped
            .glyph_positions()
            .iter()
            .map(|p| i64::from(p.x_advance))
            .sum();
        units as f32 * size / face.units_per_em().max(1) as f32
    }
}

/// What the PDF says about itself.
#[derive(Debug)]
pub struct Info<'a> {
    pub title: &'a str,
    pub author: &'a str,
    /// BCP 47 / RFC 3066, e.g. `sv`.
    pub lang: &'a str,
    /// (year, month, day, hour, minute, second) in UTC: the decision's instant, so that the same decision always
    /// gives the same file.
    pub created: (i16, i8, i8, i8, i8, i8),
}

/// Draws the pages and builds the structure tree from the blocks they were laid out from.
pub fn render(
    blocks: &[Block],
    pages: &[Page],
    g: &Geometry,
    fonts: &Fonts,
    info: &Info<'_>,
) -> Result<Vec<u8>, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_version(PdfVersion::Pdf17)
        .with_archival_validator(Archival::A2_A)
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| PdfError::Configuration(format!("{e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let mut content: BTreeMap<Part, Vec<Identifier>> = BTreeMap::new();
    let mut outline = Outline::new();
    let mut open_h1: Option<OutlineNode> = None;
    for (index, page) in pages.iter().enumerate() {
        let size =
            PageSettings::from_wh(g.width, g.height).ok_or(PdfError::Configuration("page size".into()))?;
        let mut pdf_page = document.start_page_with(size);
        let mut surface = pdf_page.surface();
        for line in &page.lines {
            let tag = match line.part {
                Part::Header => ContentTag::Artifact(Artifact::with_kind(ArtifactType::Header)),
                Part::Footer => ContentTag::Artifact(Artifact::with_kind(ArtifactType::Footer)),
                Part::Repeated => ContentTag::Artifact(Artifact::with_kind(ArtifactType::PaginationOther)),
                _ => ContentTag::Span(SpanTag::empty()),
            };
            let id = surface.start_tagged(tag);
            let font = match line.face {
                Face::Regular => fonts.pdf_regular.clone(),
                Face::Bold => fonts.pdf_bold.clone(),
            };
            surface.draw_text(
                Point::from_xy(line.x, line.baseline),
                font,
                line.size,
                &line.text,
                false,
                TextDirection::LeftToRight,
            );
            surface.end_tagged();
            if !matches!(line.part, Part::Header | Part::Footer | Part::Repeated) {
                content.entry(line.part).or_default().push(id);
            }
        }
        surface.set_stroke(Some(Stroke {
            paint: luma::Color::new(110).into(),
            width: 0.6,
            ..Stroke::default()
        }));
        for rule in &page.rules {
            let mut path = PathBuilder::new();
            path.move_to(rule.x1, rule.y);
            path.line_to(rule.x2, rule.y);
            if let Some(path) = path.finish() {
                surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)));
                surface.draw_path(&path);
                surface.end_tagged();
            }
        }
        surface.finish();
        pdf_page.finish();
        // The outline: level 1 headings at the top, the others under the level 1 heading before them.
        for &(b, top) in &page.headings {
            if let Some(Block::Heading { level, text }) = blocks.get(b) {
                let node = OutlineNode::new(
                    text.clone(),
                    XyzDestination::new(index, Point::from_xy(g.margin_x, top)),
                );
                match (level, open_h1.as_mut()) {
                    (1, _) => {
                        if let Some(done) = open_h1.replace(node) {
                            outline.push_child(done);
                        }
                    }
                    (_, Some(parent)) => parent.push_child(node),
                    (_, None) => outline.push_child(node),
                }
            }
        }
    }
    if let Some(done) = open_h1 {
        outline.push_child(done);
    }
    document.set_outline(outline);
    document.set_tag_tree(tag_tree(blocks, &mut content, info.lang));
    let (year, month, day, hour, minute, second) = info.created;
    document.set_metadata(
        Metadata::new()
            .title(info.title.to_owned())
            .authors(vec![info.author.to_owned()])
            .language(info.lang.to_owned())
            .creator("stegvis".to_owned())
            .creation_date(
                DateTime::new(u16::try_from(year).unwrap_or(0))
                    .month(u8::try_from(month).unwrap_or(1))
                    .day(u8::try_from(day).unwrap_or(1))
                    .hour(u8::try_from(hour).unwrap_or(0))
                    .minute(u8::try_from(minute).unwrap_or(0))
                    .second(u8::try_from(second).unwrap_or(0))
                    .utc_offset_hour(0),
            ),
    );
    document.finish().map_err(|e| PdfError::Krilla(describe(&e)))
}

/// The logical structure, block by block in reading order, pointing at the drawn lines of each part.
fn tag_tree(blocks: &[Block], content: &mut BTreeMap<Part, Vec<Identifier>>, lang: &str) -> TagTree {
    let mut take = |part: Part| -> Vec<Node> {
        content
            .remove(&part)
            .unwrap_or_default()
            .into_iter()
            .map(Node::from)
            .collect()
    };
    let mut tree = TagTree::new().with_lang(Some(lang.to_owned()));
    for (b, block) in blocks.iter().enumerate() {
        let group = match block {
            Block::Heading { level, text } => {
                let level = NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN);
                TagGroup::with_children(Tag::Hn(level, Some(text.clone())), take(Part::Block(b)))
            }
            Block::Paragraph { .. } => TagGroup::with_children(Tag::P, take(Part::Block(b))),
            Block::List { items } => {
                let mut list = TagGroup::new(Tag::L(ListNumbering::Disc));
                for item in 0..items.len() {
                    let label = TagGroup::with_children(Tag::Lbl, take(Part::ListLabel { block: b, item }));
                    let body = TagGroup::with_children(Tag::LBody, take(Part::ListBody { block: b, item }));
                    list.push(TagGroup::with_children(Tag::LI, vec![label.into(), body.into()]));
                }
                list
            }
            Block::Table(table) => {
                let cells = |take: &mut dyn FnMut(Part) -> Vec<Node>, row: usize, header: bool| {
                    let mut tr = TagGroup::new(Tag::TR);
                    for col in 0..table.columns.len() {
                        let children = take(Part::Cell { block: b, row, col });
                        if header {
                            tr.push(TagGroup::with_children(
                                Tag::TH(TableHeaderScope::Column),
                                children,
                            ));
                        } else {
                            tr.push(TagGroup::with_children(Tag::TD, children));
                        }
                    }
                    tr
                };
                let head = TagGroup::with_children(Tag::THead, vec![cells(&mut take, 0, true).into()]);
                let mut body = TagGroup::new(Tag::TBody);
                for row in 1..=table.rows.len() {
                    body.push(cells(&mut take, row, false));
                }
                TagGroup::with_children(Tag::Table, vec![head.into(), body.into()])
            }
        };
        tree.push(group);
    }
    tree
}

/// krilla's error without the letter's text: validation errors carry the offending glyph's text.
fn describe(e: &krilla::error::KrillaError) -> String {
    match e {
        krilla::error::KrillaError::Validation(errors) => {
            let kinds: Vec<String> = errors
                .iter()
                .map(|(error, _)| {
                    let debug = format!("{error:?}");
                    debug.split(['(', ' ', '{']).next().unwrap_or_default().to_owned()
                })
                .collect();
            format!("validation: {}", kinds.join(", "))
        }
        other => other.to_string(),
    }
}
