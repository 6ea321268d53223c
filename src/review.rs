//! The reviewer's side-by-side view: original | edition, one row per segment.
//!
//! Rows pair the original's body segments with the edition's (see
//! [`crate::check::pair_runs`]); each row carries the glossary terms that apply, the check
//! findings on either side's lines, and what changed in the edition since its previous
//! version (by characters for Chinese and Japanese, by words for English). The same rows are
//! rendered for a terminal (two columns wrapped to a width, East Asian wide characters counted
//! as two columns), as one self-contained HTML page, or as JSON.

use std::fmt::Write as _;

use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use unicode_width::UnicodeWidthChar;

use crate::check::{pair_by_shape, pair_runs, Context, Finding};
use crate::lang::Lang;
use crate::markdown::segment::{Document, Piece, Segment, SegmentOptions};
use crate::markdown::tag::TagKind;
use crate::message::Message;

/// One row: a segment of the original and its counterpart in the edition.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: Option<String>,
    pub original_line: Option<usize>,
    pub edition_line: Option<usize>,
    pub original: String,
    pub edition: String,
    /// The edition's text in its previous version, when it differs.
    pub previous: Option<String>,
    /// Glossary entries whose source term occurs in the original: (source, target).
    pub terms: Vec<(String, String)>,
    pub findings: Vec<Finding>,
    /// The edition's text is a person's edit, kept (from the provenance record).
    pub hand_edited: bool,
    /// A person had edited this segment when its original changed: the new original was
    /// translated, and this is what the hand edit said (from the provenance record).
    pub conflict: Option<RowConflict>,
}

/// A hand edit superseded by a change of the original, as the reviewer reads it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowConflict {
    /// The original the hand edit translated.
    pub old_original: String,
    /// The hand edit, when its markup could be read.
    pub hand_edit: Option<String>,
}

/// Tagged text as a reviewer reads it: tags dropped.
fn untagged(tagged: &str) -> String {
    crate::markdown::tag::parse(tagged)
        .into_iter()
        .map(|i| match i {
            crate::markdown::tag::Item::Text(t) => t,
            crate::markdown::tag::Item::Newline => " ".into(),
            _ => String::new(),
        })
        .collect()
}

/// Links of the two sides, in order, for the links table.
#[derive(Debug, Clone, Serialize)]
pub struct LinkRow {
    pub original: Option<String>,
    pub edition: Option<String>,
}

/// A whole review.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub original_path: String,
    pub edition_path: String,
    pub target: String,
    pub rows: Vec<Row>,
    pub links: Vec<LinkRow>,
    /// Findings that no row shows (front matter, whole-file ones).
    pub other_findings: Vec<Finding>,
    /// Where the previous version came from (a git revision), if any.
    pub since: Option<String>,
}

/// The text a reviewer reads: the segment's text with links in brackets, code in backticks,
/// images as `[image: alt]`.
pub fn display_text(seg: &Segment<'_>, text: &str) -> String {
    let mut out = String::new();
    // The item number the segment's text leaves out, as the reader sees it.
    if let Some(number) = seg.item_number(text) {
        out.push_str(&number);
    }
    for p in &seg.pieces {
        match p {
            Piece::Text { text: t, .. } => out.push_str(t),
            Piece::Open { tag, .. } => match tag.kind {
                TagKind::Link => out.push('['),
                TagKind::Image => out.push_str("[image: "),
                _ => {}
            },
            Piece::Close { tag, .. } => {
                if matches!(tag.kind, TagKind::Link | TagKind::Image) {
                    out.push(']');
                }
            }
            Piece::Atom { raw, tag } => match tag.kind {
                TagKind::HardBreak => out.push(' '),
                _ => out.push_str(text[raw.clone()].trim_end()),
            },
            Piece::Break { .. } => out.push(' '),
        }
    }
    out
}

/// Builds the rows of a review.
pub fn build(
    original_path: &str,
    original: &str,
    edition_path: &str,
    edition: &str,
    previous: Option<(&str, String)>,
    findings: &[Finding],
    cx: &Context<'_>,
) -> Review {
    let paired = pair_runs(original, edition, cx);
    let (od, ed) = (&paired.original, &paired.edition);
    // The previous edition's text for each of this edition's runs.
    let mut previous_of: std::collections::HashMap<usize, String> = Default::default();
    let since = previous.as_ref().map(|(_, rev)| rev.clone());
    let prev_doc;
    if let Some((prev_text, _)) = &previous {
        prev_doc = Document::parse(
            prev_text,
            &SegmentOptions {
                source: cx.target,
                ..cx.options.clone()
            },
        );
        let now: Vec<&Segment<'_>> = ed.runs.iter().collect();
        let before: Vec<&Segment<'_>> = prev_doc.runs.iter().collect();
        for (a, b) in pair_by_shape(&now, &before) {
            if let (Some(a), Some(b)) = (a, b) {
                let old = display_text(before[b], prev_text);
                if old != display_text(now[a], edition) {
                    previous_of.insert(a, old);
                }
            }
        }
    }
    let mut placed = vec![false; findings.len()];
    let mut rows = Vec::new();
    for (o, e) in &paired.pairs {
        let os = o.map(|i| &od.runs[i]);
        let es = e.map(|j| &ed.runs[j]);
        let lines = |s: Option<&Segment<'_>>, text: &str| {
            s.map(|s| (s.line, s.line + text[s.range.clone()].matches('\n').count()))
        };
        let (ol, el) = (lines(os, original), lines(es, edition));
        let mut row_findings = Vec::new();
        for (k, f) in findings.iter().enumerate() {
            let file = f.file.display().to_string();
            let hit = (file == original_path && ol.is_some_and(|(a, b)| (a..=b).contains(&f.line)))
                || (file == edition_path && el.is_some_and(|(a, b)| (a..=b).contains(&f.line)));
            if hit && !placed[k] {
                placed[k] = true;
                row_findings.push(f.clone());
            }
        }
        let original_text = os.map(|s| display_text(s, original)).unwrap_or_default();
        let edition_text = es.map(|s| display_text(s, edition)).unwrap_or_default();
        // Runs with nothing to translate (numbers, names) that came through unchanged are not
        // worth a row.
        if os.is_some_and(|s| !s.translatable)
            && original_text == edition_text
            && row_findings.is_empty()
        {
            continue;
        }
        let id = os.and_then(|s| (!s.id.is_empty()).then(|| s.id.clone()));
        let written = id
            .as_deref()
            .and_then(|id| cx.record.and_then(|r| r.segment(id)));
        rows.push(Row {
            hand_edited: written.is_some_and(|w| w.hand_edited),
            conflict: written
                .and_then(|w| w.conflict.as_ref())
                .map(|c| RowConflict {
                    old_original: untagged(&c.old_source),
                    hand_edit: c.hand_edit.as_deref().map(untagged),
                }),
            id,
            original_line: os.map(|s| s.line),
            edition_line: es.map(|s| s.line),
            terms: cx
                .glossary
                .terms_in(&original_text)
                .iter()
                .map(|t| (t.source.clone(), t.target.clone()))
                .collect(),
            original: original_text,
            edition: edition_text,
            previous: e.and_then(|j| previous_of.get(&j).cloned()),
            findings: row_findings,
        });
    }
    let other_findings = findings
        .iter()
        .zip(&placed)
        .filter(|(_, p)| !**p)
        .map(|(f, _)| f.clone())
        .collect();
    let links_of = |text: &str| -> Vec<String> {
        use pulldown_cmark::{Event, Parser, Tag};
        Parser::new_ext(text, crate::markdown::segment::markdown_options())
            .filter_map(|ev| match ev {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    Some(dest_url.to_string())
                }
                _ => None,
            })
            .collect()
    };
    let (lo, le) = (links_of(original), links_of(edition));
    let mut links = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, &lo, &le) {
        for (tag, o, e) in op.iter_changes(&lo, &le).map(|c| {
            let v = c.value();
            (c.tag(), v.clone(), v)
        }) {
            links.push(match tag {
                ChangeTag::Equal => LinkRow {
                    original: Some(o),
                    edition: Some(e),
                },
                ChangeTag::Delete => LinkRow {
                    original: Some(o),
                    edition: None,
                },
                ChangeTag::Insert => LinkRow {
                    original: None,
                    edition: Some(e),
                },
            });
        }
    }
    Review {
        original_path: original_path.to_string(),
        edition_path: edition_path.to_string(),
        target: cx.target.code().to_string(),
        rows,
        links,
        other_findings,
        since,
    }
}

/// Display width of `s`: East Asian wide characters count as two columns.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Splits `text` into lines of at most `cols` columns (display width), where Unicode's line
/// breaking rules (UAX #14) allow: between Chinese characters, at spaces, never inside a
/// Latin word (unless it alone is wider than a line) nor before closing punctuation such as
/// `。` or `）`.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(4);
    let options = textwrap::Options::new(cols)
        .word_separator(textwrap::WordSeparator::UnicodeBreakProperties)
        .break_words(true);
    let lines: Vec<String> = textwrap::wrap(text, options)
        .into_iter()
        .map(|l| l.into_owned())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

fn pad(s: &str, cols: usize) -> String {
    let w = width(s);
    format!("{s}{}", " ".repeat(cols.saturating_sub(w)))
}

/// The changes from `old` to `new`, by words for English and by characters for Chinese and
/// Japanese, each piece written by `write`.
fn changes(
    old: &str,
    new: &str,
    lang: Lang,
    mut write: impl FnMut(&mut String, ChangeTag, &str),
) -> String {
    let diff = match lang {
        Lang::En => TextDiff::from_words(old, new),
        Lang::Zh | Lang::Ja => TextDiff::from_chars(old, new),
    };
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        write(&mut out, change.tag(), change.value());
    }
    out
}

/// Marks what changed between `old` and `new` in `new`: `{+…+}` (coloured later on a
/// terminal).
fn mark_changes(old: &str, new: &str, lang: Lang) -> String {
    changes(old, new, lang, |out, tag, v| match tag {
        ChangeTag::Equal => out.push_str(v),
        ChangeTag::Insert => write!(out, "{{+{v}+}}").unwrap(),
        ChangeTag::Delete => {}
    })
}

/// Marks glossary terms in place: `«term»`, or with colour, underlined.
fn mark_terms(text: &str, terms: &[&str], color: bool) -> String {
    let mut out = text.to_string();
    for t in terms.iter().filter(|t| !t.is_empty()) {
        let marked = if color {
            format!("\x1b[4m{t}\x1b[24m")
        } else {
            format!("«{t}»")
        };
        out = out.replace(*t, &marked);
    }
    out
}

/// The review for a terminal `cols` wide.
/// `review` with every text from content made visible (see [`crate::control`]), for a
/// terminal.
fn shown(review: &Review) -> Review {
    let v = |s: &str| crate::control::visible(s).into_owned();
    let mut r = review.clone();
    r.original_path = v(&r.original_path);
    r.edition_path = v(&r.edition_path);
    for row in &mut r.rows {
        row.original = v(&row.original);
        row.edition = v(&row.edition);
        row.previous = row.previous.as_deref().map(v);
        for (a, b) in &mut row.terms {
            *a = v(a);
            *b = v(b);
        }
        if let Some(c) = &mut row.conflict {
            c.old_original = v(&c.old_original);
            c.hand_edit = c.hand_edit.as_deref().map(v);
        }
        for f in &mut row.findings {
            f.message = Message::plain(v(&f.message.to_string()));
        }
    }
    for l in &mut r.links {
        l.original = l.original.as_deref().map(v);
        l.edition = l.edition.as_deref().map(v);
    }
    for f in &mut r.other_findings {
        f.message = Message::plain(v(&f.message.to_string()));
    }
    r
}

pub fn render_terminal(review: &Review, cols: usize, color: bool) -> String {
    let review = &shown(review);
    let target: Lang = review.target.parse().unwrap_or(Lang::En);
    let half = (cols.saturating_sub(3)) / 2;
    let (dim, bold, red, reset) = if color {
        ("\x1b[2m", "\x1b[1m", "\x1b[31m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = String::new();
    writeln!(
        out,
        "{bold}{}{reset} │ {bold}{}{reset}",
        pad(&review.original_path, half),
        review.edition_path
    )
    .unwrap();
    if let Some(since) = &review.since {
        writeln!(
            out,
            "{dim}changes since {since} are marked{}{reset}",
            if color { "" } else { " {+like this+}" }
        )
        .unwrap();
    }
    writeln!(
        out,
        "{}┼{}",
        "─".repeat(half + 1),
        "─".repeat(cols.saturating_sub(half + 2))
    )
    .unwrap();
    for row in &review.rows {
        let head = format!(
            "{} · line {} → {}",
            row.id.as_deref().unwrap_or("-"),
            row.original_line.map_or("-".into(), |l| l.to_string()),
            row.edition_line.map_or("-".into(), |l| l.to_string())
        );
        writeln!(out, "{dim}{head}{reset}").unwrap();
        let sources: Vec<&str> = row.terms.iter().map(|(s, _)| s.as_str()).collect();
        let targets: Vec<&str> = row.terms.iter().map(|(_, t)| t.as_str()).collect();
        let left = mark_terms(&row.original, &sources, false);
        let right = match &row.previous {
            Some(prev) => mark_changes(prev, &row.edition, target),
            None => row.edition.clone(),
        };
        let right = mark_terms(&right, &targets, false);
        let (l, r) = (
            wrap(&left, half),
            wrap(&right, cols.saturating_sub(half + 3)),
        );
        for k in 0..l.len().max(r.len()) {
            let lt = l.get(k).map(String::as_str).unwrap_or("");
            let rt = r.get(k).map(String::as_str).unwrap_or("");
            let rt = if color { colorize(rt) } else { rt.to_string() };
            let lt = if color { colorize(lt) } else { lt.to_string() };
            writeln!(out, "{} │ {}", pad_colored(&lt, half), rt).unwrap();
        }
        if row.hand_edited {
            writeln!(out, "{dim}  hand-edited: kept as a person wrote it{reset}").unwrap();
        }
        if let Some(c) = &row.conflict {
            writeln!(
                out,
                "{red}  ! conflict: edited by hand, then the original changed; the new original was translated{reset}"
            )
            .unwrap();
            writeln!(out, "{red}    the old original: {}{reset}", c.old_original).unwrap();
            if let Some(h) = &c.hand_edit {
                writeln!(out, "{red}    the hand edit:    {h}{reset}").unwrap();
            }
        }
        for f in &row.findings {
            write_finding(&mut out, f, red, reset);
        }
        if !row.terms.is_empty() {
            let list: Vec<String> = row
                .terms
                .iter()
                .map(|(s, t)| format!("{s} → {t}"))
                .collect();
            writeln!(out, "{dim}  glossary: {}{reset}", list.join(", ")).unwrap();
        }
    }
    if !review.other_findings.is_empty() {
        writeln!(out, "{bold}other findings{reset}").unwrap();
        for f in &review.other_findings {
            write_finding(&mut out, f, red, reset);
        }
    }
    out
}

/// One finding under its row: `! level[rule] file:line: message`.
fn write_finding(out: &mut String, f: &Finding, red: &str, reset: &str) {
    writeln!(
        out,
        "{red}  ! {}[{}] {}:{}: {}{reset}",
        f.level,
        f.rule,
        short(&f.file),
        f.line,
        f.message
    )
    .unwrap();
}

fn short(path: &std::path::Path) -> String {
    path.file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
}

/// Turns the plain marks into colour: `{+x+}` green, `«x»` underlined.
fn colorize(s: &str) -> String {
    s.replace("{+", "\x1b[32;1m")
        .replace("+}", "\x1b[0m")
        .replace('«', "\x1b[4m")
        .replace('»', "\x1b[24m")
}

fn pad_colored(s: &str, cols: usize) -> String {
    // Escape sequences take no columns.
    let mut visible = String::new();
    let mut in_escape = false;
    for c in s.chars() {
        match c {
            '\x1b' => in_escape = true,
            'm' if in_escape => in_escape = false,
            c if !in_escape => visible.push(c),
            _ => {}
        }
    }
    format!("{s}{}", " ".repeat(cols.saturating_sub(width(&visible))))
}

/// HTML-escapes text.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_changes(old: &str, new: &str, lang: Lang) -> String {
    changes(old, new, lang, |out, tag, v| {
        let v = escape_html(v);
        match tag {
            ChangeTag::Equal => out.push_str(&v),
            ChangeTag::Insert => write!(out, "<ins>{v}</ins>").unwrap(),
            ChangeTag::Delete => write!(out, "<del>{v}</del>").unwrap(),
        }
    })
}

fn html_terms(escaped: &str, terms: &[&str]) -> String {
    let mut out = escaped.to_string();
    for t in terms.iter().filter(|t| !t.is_empty()) {
        let e = escape_html(t);
        out = out.replace(&e, &format!("<mark>{e}</mark>"));
    }
    out
}

/// The review as one self-contained HTML page: no external fonts, scripts or styles.
pub fn render_html(review: &Review) -> String {
    let target: Lang = review.target.parse().unwrap_or(Lang::En);
    let mut h = String::new();
    let title = format!("Review: {} → {}", review.original_path, review.edition_path);
    write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape_html(&title),
        CSS,
        escape_html(&title)
    )
    .unwrap();
    if let Some(since) = &review.since {
        writeln!(
            h,
            "<p class=\"since\">Changes since <code>{}</code> are marked <ins>like this</ins>.</p>",
            escape_html(since)
        )
        .unwrap();
    }
    h.push_str("<table class=\"rows\">\n<thead><tr><th>#</th><th>original</th><th>edition</th></tr></thead>\n<tbody>\n");
    for (k, row) in review.rows.iter().enumerate() {
        let sources: Vec<&str> = row.terms.iter().map(|(s, _)| s.as_str()).collect();
        let targets: Vec<&str> = row.terms.iter().map(|(_, t)| t.as_str()).collect();
        let right = match &row.previous {
            Some(prev) => html_changes(prev, &row.edition, target),
            None => escape_html(&row.edition),
        };
        write!(
            h,
            "<tr class=\"row\" id=\"row-{}\" data-id=\"{}\"><td class=\"meta\">{}<br><small>{} → {}</small></td><td class=\"original\" lang=\"zh\">{}</td><td class=\"edition\" lang=\"{}\">{}",
            k + 1,
            escape_html(row.id.as_deref().unwrap_or("")),
            k + 1,
            row.original_line.map_or("-".into(), |l| l.to_string()),
            row.edition_line.map_or("-".into(), |l| l.to_string()),
            html_terms(&escape_html(&row.original), &sources),
            escape_html(&review.target),
            html_terms(&right, &targets),
        )
        .unwrap();
        if row.hand_edited {
            h.push_str("<div class=\"hand\">hand-edited: kept as a person wrote it</div>");
        }
        if let Some(c) = &row.conflict {
            write!(
                h,
                "<div class=\"conflict\">conflict: edited by hand, then the original changed; the new original was translated<br>the old original: {}",
                escape_html(&c.old_original)
            )
            .unwrap();
            if let Some(e) = &c.hand_edit {
                write!(h, "<br>the hand edit: {}", escape_html(e)).unwrap();
            }
            h.push_str("</div>");
        }
        for f in &row.findings {
            write!(
                h,
                "<div class=\"finding {}\">{}[{}] {}</div>",
                f.level,
                f.level,
                escape_html(f.rule),
                escape_html(&f.message.to_string())
            )
            .unwrap();
        }
        if !row.terms.is_empty() {
            let list: Vec<String> = row
                .terms
                .iter()
                .map(|(s, t)| format!("{} → {}", escape_html(s), escape_html(t)))
                .collect();
            write!(
                h,
                "<div class=\"terms\">glossary: {}</div>",
                list.join(", ")
            )
            .unwrap();
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    if !review.other_findings.is_empty() {
        h.push_str("<h2>Other findings</h2>\n<ul class=\"findings\">\n");
        for f in &review.other_findings {
            writeln!(
                h,
                "<li class=\"finding {}\">{}:{}: {}[{}] {}</li>",
                f.level,
                escape_html(&f.file.display().to_string()),
                f.line,
                f.level,
                escape_html(f.rule),
                escape_html(&f.message.to_string())
            )
            .unwrap();
        }
        h.push_str("</ul>\n");
    }
    h.push_str("<h2>Links</h2>\n<table class=\"links\">\n<thead><tr><th>original</th><th>edition</th></tr></thead>\n<tbody>\n");
    for l in &review.links {
        let cell = |u: &Option<String>| {
            u.as_deref()
                .map_or("<span class=\"none\">—</span>".to_string(), |u| {
                    format!("<code>{}</code>", escape_html(u))
                })
        };
        let class = if l.original.is_some() && l.edition.is_some() {
            "same"
        } else {
            "differs"
        };
        writeln!(
            h,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td></tr>",
            cell(&l.original),
            cell(&l.edition)
        )
        .unwrap();
    }
    h.push_str("</tbody>\n</table>\n</body>\n</html>\n");
    h
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328;background:#fff}
h1{font-size:1.2rem}h2{font-size:1.05rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.45rem .6rem;vertical-align:top;text-align:left}
th{background:#f6f8fa;position:sticky;top:0}
td.meta{color:#57606a;white-space:nowrap;width:5rem}td.original,td.edition{width:47%;line-height:1.5}
ins{background:#dafbe1;text-decoration:none}del{background:#ffebe9;color:#82071e}
mark{background:#fff8c5}
.finding{margin-top:.3rem;font-size:.85rem;color:#82071e}.finding.warning{color:#9a6700}
.hand{margin-top:.3rem;font-size:.85rem;color:#57606a}.conflict{margin-top:.3rem;font-size:.85rem;color:#82071e;border-left:3px solid #cf222e;padding-left:.4rem}
.terms{margin-top:.3rem;font-size:.8rem;color:#57606a}
table.links code{font-size:.8rem;word-break:break-all}tr.differs{background:#fff5f5}.none{color:#8c959f}
.since{color:#57606a}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_display_width_keeping_words_and_closing_punctuation() {
        assert_eq!(wrap("中文中文中文", 6), vec!["中文中", "文中文"]);
        assert_eq!(
            wrap("the quick brown fox", 10),
            vec!["the quick", "brown fox"]
        );
        assert_eq!(width("🦄ab"), 4);
        // A Latin word in Chinese text is not cut, and `。` stays with its sentence.
        assert_eq!(
            wrap("用 Openpyxl 处理表格", 12),
            vec!["用 Openpyxl", "处理表格"]
        );
        assert_eq!(wrap("一二三四五。", 10), vec!["一二三四", "五。"]);
    }

    #[test]
    fn escapes_everything() {
        assert_eq!(
            escape_html("<script>alert('x')</script> & \""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;"
        );
    }
}
