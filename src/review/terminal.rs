//! The review for a terminal: the counts, then two columns (original │ edition) per row,
//! wrapped per UAX #14, with what is under each row (boilerplate, hand edits, conflicts,
//! findings, glossary) on the lines after it.

use std::fmt::Write as _;

use super::{mark_changes, mark_terms, pad, width, wrap, Counts, Review, Row, RowKind};
use crate::check::Finding;
use crate::lang::Lang;
use crate::message::tr;

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
    }
    for l in &mut r.links {
        l.original = l.original.as_deref().map(v);
        l.edition = l.edition.as_deref().map(v);
    }
    r
}

/// The counts on one line: `segments 7 · changed 1 · …`.
fn counts_line(c: &Counts) -> String {
    c.labelled()
        .iter()
        .map(|(id, n)| format!("{} {n}", tr(id, &[])))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The review for a terminal `cols` wide.
pub fn render_terminal(review: &Review, cols: usize, color: bool) -> String {
    let review = &shown(review);
    let target: Lang = review.target.parse().unwrap_or(Lang::En);
    let mut screen = Screen::new(cols, color);
    screen.header(review);
    for row in &review.rows {
        screen.row_head(row);
        screen.columns(row, target);
        screen.notes(row);
    }
    screen.other_findings(&review.other_findings);
    screen.out
}

/// The terminal view being written: its width, its two columns and its styles (escape
/// sequences, empty without colour).
struct Screen {
    out: String,
    cols: usize,
    /// The width of the original's column.
    half: usize,
    color: bool,
    dim: &'static str,
    bold: &'static str,
    red: &'static str,
    reset: &'static str,
}

impl Screen {
    /// An empty view `cols` wide, in colour or not.
    fn new(cols: usize, color: bool) -> Self {
        let (dim, bold, red, reset) = if color {
            ("\x1b[2m", "\x1b[1m", "\x1b[31m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        Screen {
            out: String::new(),
            cols,
            half: (cols.saturating_sub(3)) / 2,
            color,
            dim,
            bold,
            red,
            reset,
        }
    }

    /// The paths, the counts, where the previous version came from, and the rule under them.
    fn header(&mut self, review: &Review) {
        let (cols, half, out) = (self.cols, self.half, &mut self.out);
        let (dim, bold, reset) = (self.dim, self.bold, self.reset);
        writeln!(
            out,
            "{bold}{}{reset} │ {bold}{}{reset}",
            pad(&review.original_path, half),
            review.edition_path
        )
        .unwrap();
        for line in wrap(&counts_line(&review.counts), cols) {
            writeln!(out, "{bold}{line}{reset}").unwrap();
        }
        if let Some(since) = &review.since {
            let marked = tr("review-since", &[("since", since)]);
            if self.color {
                writeln!(out, "{dim}{marked}{reset}").unwrap();
            } else {
                writeln!(out, "{marked} {{+{}+}}", tr("review-like-this", &[])).unwrap();
            }
        }
        writeln!(
            out,
            "{}┼{}",
            "─".repeat(half + 1),
            "─".repeat(cols.saturating_sub(half + 2))
        )
        .unwrap();
    }

    /// The line above a row: its segment id or what the rule did, and its lines.
    fn row_head(&mut self, row: &Row) {
        let line_of = |l: Option<usize>| l.map_or("-".into(), |l| l.to_string());
        let lines = tr(
            "review-line",
            &[
                ("original", &line_of(row.original_line)),
                ("edition", &line_of(row.edition_line)),
            ],
        );
        let head = match &row.kind {
            RowKind::Boilerplate { rule, message } => {
                let what = match message {
                    Some(m) => tr(
                        "review-boilerplate-replaced",
                        &[("rule", rule), ("message", m)],
                    ),
                    None => tr("review-boilerplate-dropped", &[("rule", rule)]),
                };
                format!("{what} · {lines}")
            }
            _ => format!("{} · {lines}", row.id.as_deref().unwrap_or("-")),
        };
        let (dim, reset) = (self.dim, self.reset);
        writeln!(self.out, "{dim}{head}{reset}").unwrap();
    }

    /// The row's two columns side by side, wrapped: the original with its terms marked, and
    /// the edition with its terms and what changed since the previous version.
    fn columns(&mut self, row: &Row, target: Lang) {
        let (cols, half, color) = (self.cols, self.half, self.color);
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
            writeln!(self.out, "{} │ {}", pad_colored(&lt, half), rt).unwrap();
        }
    }

    /// What is under a row: a hand edit, its rating, a conflict, a candidate, its findings
    /// and its glossary terms.
    fn notes(&mut self, row: &Row) {
        let (cols, out) = (self.cols, &mut self.out);
        let (dim, red, reset) = (self.dim, self.red, self.reset);
        if row.hand_edited {
            writeln!(out, "{dim}  {}{reset}", tr("review-hand-edited", &[])).unwrap();
        }
        if let Some(r) = &row.rating {
            let rated = crate::control::visible(&super::rating_text(r)).into_owned();
            let color = if r.score() < 3 { red } else { dim };
            writeln!(out, "{color}  {rated}{reset}").unwrap();
        }
        if let Some(c) = &row.conflict {
            writeln!(out, "{red}  ! {}{reset}", tr("review-conflict", &[])).unwrap();
            let old = tr("review-old-original", &[("text", &c.old_original)]);
            writeln!(out, "{red}    {old}{reset}").unwrap();
            if let Some(h) = &c.hand_edit {
                let edit = tr("review-hand-edit", &[("text", h)]);
                writeln!(out, "{red}    {edit}{reset}").unwrap();
            }
        }
        if let Some(c) = &row.candidate {
            let text = crate::control::visible(&c.text).into_owned();
            let line = tr("review-candidate", &[("text", &text), ("why", &c.why)]);
            writeln!(out, "{dim}  ◆ {line}{reset}").unwrap();
        }
        for f in &row.findings {
            write_finding(out, f, cols, red, reset);
        }
        if !row.terms.is_empty() {
            let list: Vec<String> = row
                .terms
                .iter()
                .map(|(s, t)| format!("{s} → {t}"))
                .collect();
            let terms = tr("review-glossary", &[("terms", &list.join(", "))]);
            writeln!(out, "{dim}  {terms}{reset}").unwrap();
        }
    }

    /// The findings no row shows, under a heading of their own.
    fn other_findings(&mut self, findings: &[Finding]) {
        if findings.is_empty() {
            return;
        }
        let (bold, red, reset) = (self.bold, self.red, self.reset);
        writeln!(
            self.out,
            "{bold}{}{reset}",
            tr("review-other-findings", &[])
        )
        .unwrap();
        for f in findings {
            write_finding(&mut self.out, f, self.cols, red, reset);
        }
    }
}

/// One finding under its row, `! level[rule] file:line: message`, wrapped to `cols`.
fn write_finding(out: &mut String, f: &Finding, cols: usize, red: &str, reset: &str) {
    let message = crate::control::visible(&f.message.to_string()).into_owned();
    let text = format!(
        "{}[{}] {}:{}: {message}",
        f.level,
        f.rule,
        short(&f.file),
        f.line
    );
    for (k, line) in wrap(&text, cols.saturating_sub(4)).iter().enumerate() {
        let mark = if k == 0 { "!" } else { " " };
        writeln!(out, "{red}  {mark} {line}{reset}").unwrap();
    }
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
