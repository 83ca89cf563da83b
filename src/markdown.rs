//! Markdown → HTML, plus everything the rest of Haven needs to know about a body: heading ids,
//! table of contents, summary, internal links to check, prose for the safety checks, word count.
//!
//! Pure: text and an [`Environment`] (URLs of other pages, shortcode rendering) in, a
//! [`Rendered`] value out. Problems are returned as diagnostics located in the source file.

use crate::diagnostics::{Diagnostic, line_col};
use crate::shortcode;
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
    html,
};
use serde::Serialize;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

const MORE_MARKER: &str = "<!-- more -->";
const SUMMARY_MARKER: &str = "<!--haven:summary-->";
/// Words read per minute, for `reading_time`.
const READING_SPEED: usize = 200;

/// What markdown rendering needs from the rest of the site.
pub trait Environment: Sync {
    /// Site path (`/articles/foo/`) of the page or section with this content path, if any.
    fn url_of(&self, content_path: &str) -> Option<String>;
    /// `""` or `/prefix`, prepended to root-relative links.
    fn base_path(&self) -> &str;
    /// Renders `shortcodes/<name>.html`; `Err` carries a message for the author.
    fn render_shortcode(
        &self,
        name: &str,
        args: &serde_json::Map<String, serde_json::Value>,
        body_html: &str,
        file: &Path,
    ) -> Result<String, ShortcodeError>;
    /// Whether to write HTML; `false` when only the checks need the page (`haven check`): the
    /// body is still parsed for its prose, headings, links and problems.
    fn html(&self) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ShortcodeError {
    Unknown {
        known: Vec<String>,
    },
    Failed(String),
    /// The build's time limit passed: the diagnostic says so.
    Stopped(Diagnostic),
}

/// The file being rendered.
pub struct Source<'a> {
    /// Path shown in diagnostics (relative to the site root).
    pub file: &'a Path,
    /// Path relative to `content/` with forward slashes, for resolving relative links.
    pub content_path: &'a str,
    /// The whole normalised file text.
    pub text: &'a str,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A link to another content file (or an anchor on this page), to check once all pages are known.
#[derive(Debug, Clone, PartialEq)]
pub struct InternalLink {
    /// Content path of the target (`guides/sleep.md`), or the current file for `#anchor`.
    pub target: String,
    pub anchor: Option<String>,
    /// Byte offset of the link in the source file.
    pub offset: usize,
    /// 1-based position of the offset, for messages (the source text is not kept).
    pub line: usize,
    pub column: usize,
}

/// A block of prose (paragraph, heading, list item, table cell …) for the safety checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProseBlock {
    pub text: String,
    /// `(position in text, byte offset in the source file)` where each piece of text begins.
    pub segments: Vec<(usize, usize)>,
    /// Diagnostic codes suppressed by `<!-- haven:allow CODE -->` before the block.
    pub allow: Vec<String>,
}

impl ProseBlock {
    /// Offset in the source of the start of the block.
    pub fn start(&self) -> usize {
        self.segments.first().map(|s| s.1).unwrap_or(0)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// HTML before `<!-- more -->`, else the first paragraph.
    pub summary: String,
    pub toc: Vec<TocEntry>,
    /// Every heading id on the page (for anchor checks).
    pub anchors: Vec<String>,
    pub links: Vec<InternalLink>,
    /// Prose blocks for the safety checks, in order.
    pub prose: Vec<crate::safety::ProseSpan>,
    /// For each prose block, where its pieces begin: `(position in text, offset in the file)`.
    pub prose_segments: Vec<Vec<(usize, usize)>>,
    pub word_count: usize,
    /// The page's entry in the search index as JSON (filled in by `site`: it depends on the
    /// configuration and the page's URL too).
    pub search_entry: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Rendered {
    /// Source file offset of a byte position in the text of prose block `block`.
    pub fn prose_source_offset(&self, block: usize, pos: usize) -> usize {
        let Some(segments) = self.prose_segments.get(block) else {
            return pos;
        };
        let i = segments.partition_point(|(p, _)| *p <= pos);
        match i {
            0 => segments.first().map(|s| s.1).unwrap_or(0),
            i => {
                let (p, o) = segments[i - 1];
                o + (pos - p)
            }
        }
    }

    /// Shrinks the HTML to an exact copy, for a page whose HTML is kept until the site is
    /// written: the buffer it was rendered into is a third larger than the page.
    pub fn compact_html(&mut self) {
        if self.html.capacity() > self.html.len() {
            self.html = self.html.as_str().to_owned();
        }
    }

    /// Frees the prose once the safety checks have read it.
    pub fn drop_prose(&mut self) {
        self.prose = Vec::new();
        self.prose_segments = Vec::new();
    }

    pub fn reading_time(&self) -> usize {
        self.word_count.div_ceil(READING_SPEED).max(1)
    }
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Renders the body that starts at byte `offset` of `source.text`.
pub fn render(source: &Source<'_>, body: &str, offset: usize, env: &dyn Environment) -> Rendered {
    let mut out = Rendered::default();
    let mut ids = HashSet::new();
    out.html = render_fragment(source, body, offset, env, &mut out, &mut ids, true);
    locate_links(source.text, &mut out.links);
    if let Some(i) = out.html.find(SUMMARY_MARKER) {
        out.summary = out.html[..i].trim_end().to_string();
        out.html.replace_range(i..i + SUMMARY_MARKER.len(), "");
    }
    out.word_count = out.prose.iter().map(|b| count_words(&b.text)).sum();
    out
}

/// Per byte: 0 for a byte of a word, 1 for ASCII whitespace, 2 for the first byte of a
/// character that may be Unicode whitespace (U+0085, U+00A0, U+1680, U+2000–U+3000 start with
/// these), decoded to decide.
const WORD_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'\t' as usize] = 1;
    table[b'\n' as usize] = 1;
    table[0x0B] = 1;
    table[0x0C] = 1;
    table[b'\r' as usize] = 1;
    table[b' ' as usize] = 1;
    table[0xC2] = 2;
    table[0xE1] = 2;
    table[0xE2] = 2;
    table[0xE3] = 2;
    table
};

/// `text.split_whitespace().count()`. Eight ASCII bytes at a time (whitespace found and word
/// starts counted with bit arithmetic, no branch per byte); a table lookup per byte where there
/// is non-ASCII, and only characters that may be Unicode whitespace are decoded.
fn count_words(text: &str) -> usize {
    use crate::lanes::{HIGH, ascii_in, equal, word};
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
            let x = word(chunk);
            if x & HIGH == 0 {
                let space = equal(x, b' ') | ascii_in(x, b'\t', b'\r');
                let space_before = (space << 8) | if in_word { 0 } else { 0x80 };
                words += (!space & HIGH & space_before).count_ones() as usize;
                in_word = space >> 63 == 0;
                i += 8;
                continue;
            }
        }
        let class = WORD_BYTES[usize::from(bytes[i])];
        let space = if class < 2 {
            i += 1;
            class == 1
        } else {
            match text[i..].chars().next() {
                Some(c) => {
                    i += c.len_utf8();
                    c.is_whitespace()
                }
                None => break,
            }
        };
        words += usize::from(!space & !in_word);
        in_word = !space;
    }
    words
}

/// Fills in each link's line and column in one pass over the text (up to the last link), as
/// [`line_col`] would find them one by one.
fn locate_links(text: &str, links: &mut [InternalLink]) {
    let mut order: Vec<usize> = (0..links.len()).collect();
    order.sort_unstable_by_key(|&i| links[i].offset);
    let bytes = text.as_bytes();
    let (mut pos, mut line, mut line_start) = (0, 1, 0);
    for i in order {
        let mut offset = links[i].offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (breaks, last) = crate::diagnostics::line_breaks(&bytes[pos..offset]);
        line += breaks;
        if let Some(last) = last {
            line_start = pos + last + 1;
        }
        pos = offset;
        links[i].line = line;
        links[i].column = text[line_start..offset].chars().count() + 1;
    }
}

fn diagnostic_at(source: &Source<'_>, offset: usize, code: &str, message: String) -> Diagnostic {
    let (line, col) = line_col(source.text, offset);
    Diagnostic::error(code, message)
        .in_file(source.file)
        .at(line, col)
}

/// Renders markdown (with shortcodes) to HTML, accumulating metadata into `out`.
fn render_fragment(
    source: &Source<'_>,
    body: &str,
    offset: usize,
    env: &dyn Environment,
    out: &mut Rendered,
    ids: &mut HashSet<String>,
    top_level: bool,
) -> String {
    let scanned = match shortcode::scan(body) {
        Ok(s) => s,
        Err(errors) => {
            for e in errors {
                out.diagnostics.push(
                    diagnostic_at(source, offset + e.offset, "shortcode-syntax", e.message)
                        .suggest("see the shortcode syntax in docs/templates.md"),
                );
            }
            return String::new();
        }
    };
    let html = render_events(source, &scanned, offset, env, out, ids, top_level);
    if scanned.calls.is_empty() {
        return html;
    }
    let mut outputs: Vec<String> = Vec::with_capacity(scanned.calls.len());
    for call in &scanned.calls {
        let body_html = match &call.body {
            Some(b) => render_fragment(source, b, offset + call.body_offset, env, out, ids, false),
            None => String::new(),
        };
        let rendered =
            match env.render_shortcode(&call.name, &call.args, body_html.trim_end(), source.file) {
                Ok(h) => h,
                Err(ShortcodeError::Unknown { known }) => {
                    let mut d = diagnostic_at(
                        source,
                        offset + call.offset,
                        "unknown-shortcode",
                        format!("unknown shortcode `{}`", call.name),
                    );
                    d = d.suggest(match crate::yaml::closest(&call.name, &known) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!(
                        "available shortcodes: {}; add templates/shortcodes/{}.html to define it",
                        known.join(", "),
                        call.name
                    ),
                });
                    out.diagnostics.push(d);
                    String::new()
                }
                Err(ShortcodeError::Stopped(d)) => {
                    // The build's time is up: the rest would only say so again.
                    out.diagnostics.push(d);
                    break;
                }
                Err(ShortcodeError::Failed(message)) => {
                    out.diagnostics.push(diagnostic_at(
                        source,
                        offset + call.offset,
                        "shortcode-error",
                        format!("shortcode `{}` failed: {message}", call.name),
                    ));
                    String::new()
                }
            };
        outputs.push(rendered);
    }
    fill_placeholders(&html, &outputs)
}

/// `html` with the first placeholder of each shortcode replaced by its output, in one pass: a
/// page can have tens of thousands of calls, and replacing them one by one took time growing
/// with the square of their number.
fn fill_placeholders(html: &str, outputs: &[String]) -> String {
    const PREFIX: &str = "<!--haven:sc:";
    let mut out =
        String::with_capacity(html.len() + outputs.iter().map(String::len).sum::<usize>());
    let mut filled = vec![false; outputs.len()];
    let mut copied = 0;
    for start in memchr::memmem::find_iter(html.as_bytes(), PREFIX) {
        if start < copied {
            continue;
        }
        let digits = &html[start + PREFIX.len()..];
        let Some(end) = digits.find("-->") else {
            continue;
        };
        let Some(i) = digits[..end]
            .parse::<usize>()
            .ok()
            .filter(|&i| i < outputs.len() && !filled[i])
        else {
            continue;
        };
        filled[i] = true;
        out.push_str(&html[copied..start]);
        out.push_str(outputs[i].trim_end());
        copied = start + PREFIX.len() + end + "-->".len();
    }
    out.push_str(&html[copied..]);
    out
}

/// Where a link should point, and whether it needs checking.
enum LinkTarget {
    External,
    Internal {
        target: String,
        anchor: Option<String>,
    },
}

fn classify_link(from: &str, dest: &str) -> LinkTarget {
    if let Some(anchor) = dest.strip_prefix('#') {
        return LinkTarget::Internal {
            target: from.to_string(),
            anchor: Some(anchor.to_string()),
        };
    }
    let has_scheme = dest.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme || dest.starts_with("//") {
        return LinkTarget::External;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    if !path.ends_with(".md") {
        return LinkTarget::External;
    }
    LinkTarget::Internal {
        target: resolve_relative(from, path),
        anchor,
    }
}

/// `articles/a.md` + `../guides/b.md` → `guides/b.md`; a leading `/` is relative to `content/`.
pub fn resolve_relative(from: &str, path: &str) -> String {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        from.split('/').collect()
    };
    if !path.starts_with('/') {
        parts.pop();
    }
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Heading text → id: lowercase letters and digits, other runs become one `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            // Every heading goes through here: skip the Unicode case tables for ASCII.
            if c.is_ascii() {
                slug.push(c.to_ascii_lowercase());
            } else {
                slug.extend(c.to_lowercase());
            }
        } else if c == '\'' || c == '’' {
            // "What's" → "whats"
        } else {
            dash = true;
        }
    }
    slug
}

fn unique_id(base: String, ids: &mut HashSet<String>) -> String {
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        base
    };
    if ids.insert(base.clone()) {
        return base;
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| ids.insert(id.clone()))
        .unwrap_or(base)
}

fn alert_title(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// State of the heading being collected.
struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    events: Vec<Event<'a>>,
    text: String,
}

/// Room reserved for the text of a prose block.
const PROSE_BLOCK_BYTES: usize = 512;

#[derive(Default)]
struct ProseState {
    current: Option<ProseBlock>,
    depth: usize,
    pending_allow: Vec<String>,
    active_allow: Option<(usize, Vec<String>)>,
    code: usize,
    autolink: usize,
}

impl ProseState {
    fn push_text(&mut self, text: &str, offset: usize) {
        if self.code > 0 || self.autolink > 0 {
            return;
        }
        let allow = self
            .active_allow
            .as_ref()
            .map(|(_, a)| a.clone())
            .unwrap_or_default();
        // A paragraph comes in pieces (text between links and emphasis): room for a typical one
        // up front instead of growing through 64, 128, 256 … bytes.
        let block = self.current.get_or_insert_with(|| ProseBlock {
            allow,
            text: String::with_capacity(PROSE_BLOCK_BYTES),
            segments: Vec::with_capacity(8),
        });
        // URLs written as plain text are not prose.
        let mut rest = text;
        let mut at = offset;
        // (Most texts have no colon at all: skip the substring search for them.)
        while memchr::memchr(b':', rest.as_bytes()).is_some()
            && let Some(i) = rest.find("://")
        {
            let start = rest[..i]
                .rfind(|c: char| c.is_whitespace() || c == '(' || c == '<')
                .map(|j| j + 1)
                .unwrap_or(0);
            let end = rest[i..]
                .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
                .map(|j| i + j)
                .unwrap_or(rest.len());
            push_segment(block, &rest[..start], at);
            block.text.push(' ');
            at += end;
            rest = &rest[end..];
        }
        push_segment(block, rest, at);
    }

    fn end_block(&mut self, out: &mut Rendered) {
        if let Some(b) = self.current.take()
            && !b.text.trim().is_empty()
        {
            out.prose.push(crate::safety::ProseSpan {
                start: b.start(),
                text: b.text,
                allow: b.allow,
            });
            out.prose_segments.push(b.segments);
        }
    }
}

fn push_segment(block: &mut ProseBlock, text: &str, offset: usize) {
    if text.is_empty() {
        return;
    }
    block.segments.push((block.text.len(), offset));
    block.text.push_str(text);
}

fn is_prose_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::Item
            | Tag::TableCell
            | Tag::FootnoteDefinition(_)
    )
}

fn render_events(
    source: &Source<'_>,
    scanned: &shortcode::Scanned<'_>,
    offset: usize,
    env: &dyn Environment,
    out: &mut Rendered,
    ids: &mut HashSet<String>,
    top_level: bool,
) -> String {
    let text = &*scanned.text;
    let parser = Parser::new_ext(text, options()).into_offset_iter();
    let keep = env.html();
    let mut events = HtmlEvents {
        keep,
        table: TableCells::default(),
        // Prose has about one event for every 30 bytes; growing the list copies it each time.
        list: Vec::with_capacity(if keep { text.len() / 24 } else { 0 }),
    };
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut prose = ProseState::default();
    let mut summary_done = !top_level;
    let has_more =
        top_level && memchr::memmem::find(text.as_bytes(), MORE_MARKER.as_bytes()).is_some();
    let mut block_depth = 0usize;
    let mut headings: Vec<(u8, String, String)> = Vec::new();

    for (event, range) in parser {
        let at = offset + scanned.input_position(range.start);
        // Prose tracking for safety checks and word counts.
        match &event {
            Event::Start(tag) => {
                if is_prose_block(tag) {
                    prose.end_block(out);
                }
                match tag {
                    Tag::CodeBlock(_) => prose.code += 1,
                    Tag::Link {
                        link_type: LinkType::Autolink | LinkType::Email,
                        ..
                    } => prose.autolink += 1,
                    _ => {}
                }
                if tag_is_block(tag) {
                    prose.depth += 1;
                    if !prose.pending_allow.is_empty() && prose.active_allow.is_none() {
                        prose.active_allow =
                            Some((prose.depth, std::mem::take(&mut prose.pending_allow)));
                    }
                }
            }
            Event::End(end) => {
                match end {
                    TagEnd::CodeBlock => prose.code = prose.code.saturating_sub(1),
                    TagEnd::Link if prose.autolink > 0 => prose.autolink -= 1,
                    _ => {}
                }
                if tag_end_is_block(end) {
                    prose.end_block(out);
                    if prose
                        .active_allow
                        .as_ref()
                        .is_some_and(|(d, _)| *d == prose.depth)
                    {
                        prose.active_allow = None;
                    }
                    prose.depth = prose.depth.saturating_sub(1);
                }
            }
            Event::Text(t) => prose.push_text(t, at),
            Event::SoftBreak | Event::HardBreak => prose.push_text(" ", at),
            Event::Html(h) | Event::InlineHtml(h) => {
                if let Some(rest) = h.trim().strip_prefix("<!--")
                    && let Some(allow) = rest.trim().strip_prefix("haven:allow")
                {
                    prose.pending_allow = allow
                        .trim_end_matches("-->")
                        .split_whitespace()
                        .map(str::to_string)
                        .collect();
                }
            }
            _ => {}
        }

        // Headings are buffered so their id and anchor can be written.
        if let Some(h) = heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(_)) => {
                    let Some(h) = heading.take() else { continue };
                    let id = unique_id(h.id.unwrap_or_else(|| slugify(&h.text)), ids);
                    let level = heading_level(h.level);
                    if events.keep {
                        let mut inner = String::new();
                        html::push_html(&mut inner, h.events.into_iter());
                        let class = if h.classes.is_empty() {
                            String::new()
                        } else {
                            format!(" class=\"{}\"", escape_attr(&h.classes.join(" ")))
                        };
                        let mut tag = String::new();
                        let _ = writeln!(
                            tag,
                            "<h{level} id=\"{id}\"{class}>{inner} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{level}>",
                            id = escape_attr(&id),
                        );
                        events.push(Event::Html(tag.into()));
                    }
                    headings.push((level, id.clone(), h.text.trim().to_string()));
                    out.anchors.push(id);
                }
                Event::Text(t) | Event::Code(t) => {
                    h.text.push_str(&t);
                    if events.keep {
                        h.events.push(Event::Text(t));
                    }
                }
                other => {
                    if let Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link) = other {
                        // Links inside headings would nest in the anchor; keep their text only.
                        continue;
                    }
                    if events.keep {
                        h.events.push(other)
                    }
                }
            }
            continue;
        }

        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                heading = Some(OpenHeading {
                    level,
                    id: id.map(|i| i.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    events: Vec::new(),
                    text: String::new(),
                });
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                block_depth += 1;
                let (class, title) = alert_title(kind);
                events.push(Event::Html(
                    format!("<aside class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{title}</p>\n").into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                block_depth = block_depth.saturating_sub(1);
                events.push(Event::Html("</aside>\n".into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite_link(source, &dest_url, at, env, out);
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite_root_relative(&dest_url, env.base_path());
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::Html(h) if h.trim() == MORE_MARKER && !summary_done => {
                summary_done = true;
                events.push(Event::Html(SUMMARY_MARKER.into()));
            }
            Event::End(TagEnd::Paragraph) if !summary_done && !has_more && block_depth == 1 => {
                summary_done = true;
                block_depth = 0;
                events.push(Event::End(TagEnd::Paragraph));
                events.push(Event::Html(SUMMARY_MARKER.into()));
            }
            Event::Start(tag) => {
                if tag_is_block(&tag) {
                    block_depth += 1;
                }
                events.push(Event::Start(tag));
            }
            Event::End(end) => {
                if tag_end_is_block(&end) {
                    block_depth = block_depth.saturating_sub(1);
                }
                events.push(Event::End(end));
            }
            other => events.push(other),
        }
    }
    prose.end_block(out);
    out.toc.extend(build_toc(&headings));
    if !events.keep {
        return String::new();
    }
    let mut html_out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut html_out, events.list.into_iter());
    html_out
}

/// The events to write as HTML: none are kept when no HTML is wanted (`haven check` reads
/// pages only for their prose, links and headings).
struct HtmlEvents<'a> {
    keep: bool,
    list: Vec<Event<'a>>,
    table: TableCells,
}

/// Where the events are in a table, to give the cells of aligned columns a class
/// (`align-left`, `align-center`, `align-right`, which themes style) instead of
/// pulldown-cmark's inline `style`, which a strict Content-Security-Policy blocks.
#[derive(Default)]
struct TableCells {
    columns: Vec<Alignment>,
    in_head: bool,
    cell: usize,
}

impl<'a> HtmlEvents<'a> {
    fn push(&mut self, event: Event<'a>) {
        if !self.keep {
            return;
        }
        let table = &mut self.table;
        match &event {
            Event::Start(Tag::Table(columns)) => {
                table.columns = columns.clone();
                // pulldown-cmark writes no style for a column without alignment.
                let plain = vec![Alignment::None; columns.len()];
                self.list.push(Event::Start(Tag::Table(plain)));
                return;
            }
            Event::Start(Tag::TableHead) => (table.in_head, table.cell) = (true, 0),
            Event::End(TagEnd::TableHead) => table.in_head = false,
            Event::Start(Tag::TableRow) => table.cell = 0,
            Event::End(TagEnd::TableCell) => table.cell += 1,
            Event::Start(Tag::TableCell) => {
                let class = match table.columns.get(table.cell) {
                    Some(Alignment::Left) => "left",
                    Some(Alignment::Center) => "center",
                    Some(Alignment::Right) => "right",
                    _ => "",
                };
                if !class.is_empty() {
                    let cell = if table.in_head { "th" } else { "td" };
                    let start = format!("<{cell} class=\"align-{class}\">");
                    self.list.push(Event::Html(start.into()));
                    return;
                }
            }
            _ => {}
        }
        self.list.push(event);
    }
}

fn tag_is_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::HtmlBlock
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
    )
}

fn tag_end_is_block(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::TableCell
            | TagEnd::HtmlBlock
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
    )
}

fn rewrite_root_relative<'a>(dest: &CowStr<'a>, base_path: &str) -> CowStr<'a> {
    if !base_path.is_empty() && dest.starts_with('/') && !dest.starts_with("//") {
        format!("{base_path}{dest}").into()
    } else {
        dest.clone()
    }
}

/// Internal `.md` links become page URLs; root-relative links get the base path.
fn rewrite_link<'a>(
    source: &Source<'_>,
    dest: &CowStr<'a>,
    at: usize,
    env: &dyn Environment,
    out: &mut Rendered,
) -> CowStr<'a> {
    match classify_link(source.content_path, dest) {
        LinkTarget::External => rewrite_root_relative(dest, env.base_path()),
        LinkTarget::Internal { target, anchor } => {
            let same_page = dest.starts_with('#');
            out.links.push(InternalLink {
                target: target.clone(),
                anchor: anchor.clone(),
                offset: at,
                line: 0,
                column: 0,
            });
            if same_page {
                return dest.clone();
            }
            match env.url_of(&target) {
                Some(url) => {
                    let url = format!("{}{url}", env.base_path());
                    match anchor {
                        Some(a) => format!("{url}#{a}").into(),
                        None => url.into(),
                    }
                }
                // Reported by the link check, which knows every page.
                None => dest.clone(),
            }
        }
    }
}

fn build_toc(headings: &[(u8, String, String)]) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for (level, id, title) in headings {
        let entry = TocEntry {
            level: *level,
            id: id.clone(),
            title: title.clone(),
            children: Vec::new(),
        };
        insert_toc(&mut root, entry);
    }
    root
}

fn insert_toc(list: &mut Vec<TocEntry>, entry: TocEntry) {
    match list.last_mut() {
        Some(last) if last.level < entry.level => insert_toc(&mut last.children, entry),
        _ => list.push(entry),
    }
}

pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_are_lowercase_words_joined_by_dashes() {
        assert_eq!(
            slugify("What's Next? Coping, Day 2"),
            "whats-next-coping-day-2"
        );
        assert_eq!(slugify("  -- Sleep & Rest --  "), "sleep-rest");
        assert_eq!(slugify("Don’t PANIC"), "dont-panic");
        // Letters of any script are kept and lowercased, even where that takes two characters.
        assert_eq!(slugify("ÉTÉ à Zürich"), "été-à-zürich");
        assert_eq!(slugify("İyi Uykular"), "i\u{307}yi-uykular");
        assert_eq!(slugify("睡眠 Tips"), "睡眠-tips");
        assert_eq!(slugify("?!"), "");
    }

    /// Links to two known pages, a `box` shortcode, and HTML unless `html` is false.
    struct Env {
        html: bool,
    }
    impl Environment for Env {
        fn url_of(&self, p: &str) -> Option<String> {
            match p {
                "guides/sleep.md" => Some("/guides/sleep/".into()),
                "articles/other.md" => Some("/articles/other/".into()),
                _ => None,
            }
        }
        fn base_path(&self) -> &str {
            "/sub"
        }
        fn render_shortcode(
            &self,
            name: &str,
            args: &serde_json::Map<String, serde_json::Value>,
            body: &str,
            _file: &Path,
        ) -> Result<String, ShortcodeError> {
            match name {
                "box" => Ok(format!(
                    "<div class=\"box\" data-k=\"{}\">{body}</div>",
                    args.get("k").and_then(|v| v.as_str()).unwrap_or("")
                )),
                _ => Err(ShortcodeError::Unknown {
                    known: vec!["box".into()],
                }),
            }
        }
        fn html(&self) -> bool {
            self.html
        }
    }

    fn render_text(body: &str) -> Rendered {
        let text = format!("---\ntitle: T\n---\n{body}");
        let source = Source {
            file: Path::new("content/articles/a.md"),
            content_path: "articles/a.md",
            text: &text,
        };
        render(&source, &text[17..], 17, &Env { html: true })
    }

    #[test]
    fn compacted_html_is_allocated_to_its_length() {
        let body = "# Sleep\n\nA paragraph with *emphasis* and a [link](../guides/sleep.md).\n\n\
                    - one\n- two\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n";
        for _ in 0..2 {
            let mut r = render_text(&body.repeat(40));
            let html = r.html.clone();
            r.compact_html();
            assert!(r.html.len() > 4000, "{}", r.html.len());
            assert_eq!(r.html.capacity(), r.html.len());
            assert_eq!(r.html, html);
        }
    }

    #[test]
    fn positions_after_a_shortcode_are_the_files() {
        // Placeholders are shorter than the calls they replace: positions after them must
        // still point into the file, not into the text with placeholders.
        let body = "{% box(k=\"a long argument\") %}\nInside [b](../guides/sleep.md).\n{% end %}\n\n\
                    {{ box(k=\"inline call with a long argument\") }}\n\n\
                    After [d](missing.md) and more.\n";
        let text = format!("---\ntitle: T\n---\n{body}");
        let r = render_text(body);
        let at = |offset: usize| &text[offset..];
        let d = r.links.iter().find(|l| l.target.ends_with("missing.md"));
        assert!(
            d.is_some_and(|l| at(l.offset).starts_with("[d](missing.md)")),
            "{:?}",
            r.links
        );
        let b = r.links.iter().find(|l| l.target.ends_with("sleep.md"));
        assert!(
            b.is_some_and(|l| at(l.offset).starts_with("[b]")),
            "{:?}",
            r.links
        );
        let block = r.prose.iter().position(|p| p.text.starts_with("After"));
        let block = block.unwrap_or_else(|| panic!("{:?}", r.prose));
        let pos = r.prose[block].text.find("more").unwrap_or_default();
        assert!(at(r.prose_source_offset(block, pos)).starts_with("more."));
    }

    #[test]
    fn links_know_their_line_and_column() {
        let body = "Über [a](../guides/sleep.md) and [b](missing.md).\n\n\
                    {% box(k=\"v\") %}\nsee [c](other.md#x)\n{% end %}\n\n\
                    - «[d](#top)»\n";
        let text = format!("---\ntitle: T\n---\n{body}");
        let r = render_text(body);
        assert_eq!(r.links.len(), 4, "{:?}", r.links);
        for link in &r.links {
            assert_eq!(
                (link.line, link.column),
                line_col(&text, link.offset),
                "{link:?}"
            );
        }
        let positions: Vec<_> = r.links.iter().map(|l| (l.line, l.column)).collect();
        assert!(positions.contains(&(4, 6)), "{positions:?}");
        assert!(positions.contains(&(7, 5)), "{positions:?}");
        assert!(positions.contains(&(10, 4)), "{positions:?}");
    }

    #[test]
    fn without_html_a_page_yields_the_same_checks_input() {
        let body = "## Sleep *well* {#rest}\n\nSee [a](../guides/sleep.md#x) and [b](nowhere.md).\n\n\
                    ### A [linked](other.md) heading\n\n{% box(k=\"v\") %}\n## Inside\n\nWords.\n{% end %}\n\n\
                    {{ nope() }}\n\n- item one\n- item `two`\n";
        let text = format!("---\ntitle: T\n---\n{body}");
        let source = Source {
            file: Path::new("content/articles/a.md"),
            content_path: "articles/a.md",
            text: &text,
        };
        let full = render(&source, body, 17, &Env { html: true });
        let checks = render(&source, body, 17, &Env { html: false });
        assert!(!full.html.is_empty());
        assert!(checks.html.is_empty() && checks.summary.is_empty());
        assert_eq!(checks.anchors, full.anchors);
        assert_eq!(checks.toc, full.toc);
        assert_eq!(checks.links, full.links);
        assert_eq!(checks.prose, full.prose);
        assert_eq!(checks.prose_segments, full.prose_segments);
        assert_eq!(checks.word_count, full.word_count);
        assert_eq!(checks.diagnostics, full.diagnostics);
        assert_eq!(full.anchors, ["rest", "a-linked-heading", "inside"]);
        assert_eq!(full.diagnostics.len(), 1, "the unknown shortcode");
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let r = render_text("## What's next?\n\n## What's next?\n\n### The 5-4-3-2-1 exercise\n");
        assert_eq!(
            r.anchors,
            ["whats-next", "whats-next-1", "the-5-4-3-2-1-exercise"]
        );
        assert!(
            r.html.contains(
                "<h2 id=\"whats-next\">What’s next? <a class=\"anchor\" href=\"#whats-next\""
            ),
            "{}",
            r.html
        );
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[1].children[0].id, "the-5-4-3-2-1-exercise");
    }

    #[test]
    fn custom_heading_ids_are_kept() {
        let r = render_text("## Sleep {#wind-down}\n");
        assert_eq!(r.anchors, ["wind-down"]);
    }

    #[test]
    fn internal_links_resolve_and_are_recorded() {
        let r = render_text("See [sleep](../guides/sleep.md#wind-down) and [x](missing.md).\n");
        assert!(
            r.html.contains("href=\"/sub/guides/sleep/#wind-down\""),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[0].target, "guides/sleep.md");
        assert_eq!(r.links[0].anchor.as_deref(), Some("wind-down"));
        assert_eq!(r.links[1].target, "articles/missing.md");
        assert_eq!(r.links[1].offset, 17 + 46);
    }

    #[test]
    fn root_relative_links_get_the_base_path() {
        let r = render_text("[a](/articles/) [b](https://x.org/) [c](//cdn.x/)\n");
        assert!(r.html.contains("href=\"/sub/articles/\""));
        assert!(r.html.contains("href=\"https://x.org/\""));
        assert!(r.html.contains("href=\"//cdn.x/\""));
    }

    #[test]
    fn gfm_alerts_become_callouts() {
        let r = render_text("> [!TIP]\n> Breathe out slowly.\n");
        assert!(r.html.contains("<aside class=\"callout callout-tip\" role=\"note\"><p class=\"callout-title\">Tip</p>"), "{}", r.html);
        assert!(r.html.contains("</aside>"));
    }

    #[test]
    fn summary_is_first_paragraph_or_text_before_more() {
        let r = render_text("First para.\n\nSecond.\n");
        assert_eq!(r.summary, "<p>First para.</p>");
        assert!(!r.html.contains("haven:summary"));
        let r = render_text("One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n");
        assert_eq!(r.summary, "<p>One.</p>\n<p>Two.</p>");
    }

    #[test]
    fn extensions_are_enabled() {
        let r = render_text(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n- [x] done\n\nNote[^1].\n\n[^1]: Footnote.\n",
        );
        assert!(r.html.contains("<table>"));
        let aligned = render_text("| a | b |\n|:--|--:|\n| 1 | 2 |\n");
        assert!(
            aligned.html.contains("<td class=\"align-left\">1</td>"),
            "{}",
            aligned.html
        );
        assert!(!aligned.html.contains("style="));
        assert!(
            aligned
                .html
                .contains("<th class=\"align-left\">a</th><th class=\"align-right\">b</th>"),
            "{}",
            aligned.html
        );
        // In a list, with a column left unaligned between aligned ones.
        let nested = render_text("- item\n\n  | a | b | c |\n  |:-:|---|--:|\n  | 1 | 2 | 3 |\n");
        assert!(
            nested.html.contains(
                "<tr><td class=\"align-center\">1</td><td>2</td><td class=\"align-right\">3</td></tr>"
            ),
            "{}",
            nested.html
        );
        // Prose that quotes the attribute, and an author's own HTML, are printed as written.
        let written = "<div style=\"text-align: right\">x</div>\n\n| a |\n|:--|\n| b |\n\nWrite ` style=\"text-align: left\"`.\n";
        let plain = render_text(written);
        assert!(
            plain
                .html
                .contains("<div style=\"text-align: right\">x</div>")
                && plain
                    .html
                    .contains("<code> style=\"text-align: left\"</code>")
                && plain.html.contains("<td class=\"align-left\">b</td>"),
            "{}",
            plain.html
        );
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("“quoted”"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("footnote-definition"));
    }

    #[test]
    fn placeholders_are_filled_once_each_in_one_pass() {
        let outputs = ["<b>0</b>\n".to_string(), "<i>1</i>".to_string()];
        let html = format!(
            "a{}b{}c{}d<!--haven:sc:9-->e<!--haven:sc:x",
            shortcode::placeholder(1),
            shortcode::placeholder(0),
            shortcode::placeholder(1)
        );
        assert_eq!(
            fill_placeholders(&html, &outputs),
            format!(
                "a<i>1</i>b<b>0</b>c{}d<!--haven:sc:9-->e<!--haven:sc:x",
                shortcode::placeholder(1)
            )
        );
        // Shortcode-heavy pages take time in proportion to their size.
        let many: String = (0..20_000).map(shortcode::placeholder).collect();
        let outputs: Vec<String> = (0..20_000).map(|i| i.to_string()).collect();
        let start = std::time::Instant::now();
        let filled = fill_placeholders(&many, &outputs);
        assert!(filled.starts_with("0123456789101112"));
        assert!(start.elapsed().as_secs() < 2, "{:?}", start.elapsed());
    }

    #[test]
    fn shortcodes_render_with_markdown_bodies() {
        let r = render_text(
            "Intro.\n\n{% box(k=\"v\") %}\n**Bold** [s](../guides/sleep.md)\n{% end %}\n\nAfter.\n",
        );
        assert!(r.html.contains("<div class=\"box\" data-k=\"v\"><p><strong>Bold</strong> <a href=\"/sub/guides/sleep/\">s</a></p></div>"), "{}", r.html);
        assert!(r.html.contains("<p>After.</p>"));
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn unknown_shortcode_names_its_line() {
        let r = render_text("Line one.\n\n{{ boxx(k=\"v\") }}\n");
        assert_eq!(r.diagnostics.len(), 1);
        let d = &r.diagnostics[0];
        assert_eq!(d.code, "unknown-shortcode");
        assert_eq!((d.line, d.column), (6, 1));
        assert_eq!(d.suggestion.as_deref(), Some("did you mean `box`?"));
    }

    #[test]
    fn prose_excludes_code_and_urls() {
        let r = render_text(
            "Talk *gently* about it.\n\n```\nsecret code\n```\n\nSee https://x.org/suicide and `code`, <https://y.org/z>.\n",
        );
        let texts: Vec<_> = r.prose.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts[0], "Talk gently about it.");
        assert!(
            !texts
                .iter()
                .any(|t| t.contains("secret") || t.contains("suicide") || t.contains("y.org")),
            "{texts:?}"
        );
        // Positions map back into the file.
        let pos = r.prose[0].text.find("about").unwrap();
        assert_eq!(&r_text()[r.prose_source_offset(0, pos)..][..5], "about");
    }

    fn r_text() -> String {
        "---\ntitle: T\n---\nTalk *gently* about it.\n".to_string()
    }

    #[test]
    fn allow_comment_marks_the_next_block() {
        let r = render_text("<!-- haven:allow unsafe-phrase -->\nQuoted words.\n\nNormal.\n");
        assert_eq!(r.prose[0].allow, ["unsafe-phrase"]);
        assert!(r.prose[1].allow.is_empty());
    }

    #[test]
    fn word_counts_match_split_whitespace() {
        for text in [
            "",
            "   ",
            "one",
            " two  words ",
            "tab\tand\nnewline\r\nand\x0bvertical\x0cfeed",
            "café au lait",
            "no\u{a0}break\u{2003}em\u{3000}ideographic",
            "emoji 🙂 counts",
            "\u{85}next\u{2028}line",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
        // Every whitespace character separates words, and no other does.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(
                count_words(&text),
                text.split_whitespace().count(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn word_counts_match_split_whitespace_at_every_alignment() {
        // Every ASCII byte at every position of texts long enough for the eight-byte path,
        // among words and mixed with characters that take the byte-by-byte path.
        let bases = [
            "plain words in a sentence that runs on for a while".to_string(),
            "x".repeat(40),
            " ".repeat(40),
            "don\u{2019}t stop \u{2014} caf\u{e9} au\u{a0}lait, ok\u{2003}then words".to_string(),
        ];
        for base in &bases {
            for at in 0..=base.len() {
                if !base.is_char_boundary(at) {
                    continue;
                }
                for b in 0u8..0x80 {
                    let mut text = base.clone();
                    text.insert(at, char::from(b));
                    assert_eq!(
                        count_words(&text),
                        text.split_whitespace().count(),
                        "{text:?}"
                    );
                }
            }
        }
        // Pseudo-random mixes of whitespace, letters and multi-byte characters.
        let pieces = [
            " ",
            "\t",
            "\n",
            "\r",
            "\x0b",
            "\x0c",
            "a",
            "bc",
            "de f",
            "\u{a0}",
            "\u{85}",
            "\u{2003}",
            "\u{3000}",
            "\u{e9}",
            "\u{2019}",
            "\u{1f642}",
            ".",
            "\x1f",
            "\x7f",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..5000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let text: String = (0..seed % 40)
                .map(|k| pieces[(seed.rotate_left(k as u32 * 5) % pieces.len() as u64) as usize])
                .collect();
            assert_eq!(
                count_words(&text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn word_count_and_reading_time() {
        let r = render_text(&"word ".repeat(450));
        assert_eq!(r.word_count, 450);
        assert_eq!(r.reading_time(), 3);
    }

    #[test]
    fn resolves_relative_paths() {
        assert_eq!(resolve_relative("articles/a.md", "b.md"), "articles/b.md");
        assert_eq!(
            resolve_relative("articles/a.md", "../guides/b.md"),
            "guides/b.md"
        );
        assert_eq!(
            resolve_relative("articles/x/index.md", "../b.md"),
            "articles/b.md"
        );
        assert_eq!(resolve_relative("articles/a.md", "/about.md"), "about.md");
    }
}
