//! The review as one self-contained HTML page: no external fonts, scripts or styles.
//!
//! The page is a maud template, so every text from content is escaped by the template itself
//! (a forgotten escape cannot happen); the only raw HTML is the page's own style sheet. The
//! counts at the top link to the first row holding what they count, and the findings to the
//! rows that hold them.

use maud::{html, Markup, PreEscaped, DOCTYPE};
use similar::ChangeTag;

use super::{changes, LinkStatus, Review, Row, RowKind};
use crate::check::{Finding, Level};
use crate::lang::Lang;
use crate::message::{language, tr};

/// `text` with the glossary's `terms` in `<mark>`.
fn marked(text: &str, terms: &[&str]) -> Markup {
    let mut pieces: Vec<(bool, &str)> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        // The earliest term, the longest at that place.
        let next = terms
            .iter()
            .filter(|t| !t.is_empty())
            .filter_map(|t| rest.find(*t).map(|at| (at, std::cmp::Reverse(t.len()), *t)))
            .min();
        match next {
            Some((at, _, t)) => {
                pieces.push((false, &rest[..at]));
                pieces.push((true, t));
                rest = &rest[at + t.len()..];
            }
            None => {
                pieces.push((false, rest));
                rest = "";
            }
        }
    }
    html! {
        @for (term, piece) in pieces {
            @if term { mark { (piece) } } @else { (piece) }
        }
    }
}

/// The edition's text, with what changed since `previous` in `<ins>` and `<del>`.
fn edition_text(row: &Row, target: Lang, terms: &[&str]) -> Markup {
    let Some(previous) = &row.previous else {
        return marked(&row.edition, terms);
    };
    let mut pieces: Vec<(ChangeTag, String)> = Vec::new();
    changes(previous, &row.edition, target, |_, tag, v| {
        pieces.push((tag, v.to_string()))
    });
    html! {
        @for (tag, v) in &pieces {
            @match tag {
                ChangeTag::Equal => (marked(v, terms)),
                ChangeTag::Insert => ins { (marked(v, terms)) },
                ChangeTag::Delete => del { (v) },
            }
        }
    }
}

fn row_class(row: &Row) -> String {
    let mut class = vec![
        "row",
        match row.kind {
            RowKind::Segment => "segment",
            RowKind::TableRow { .. } => "table-row",
            RowKind::Boilerplate { .. } => "boilerplate",
        },
    ];
    if row.previous.is_some() {
        class.push("changed");
    }
    if row.hand_edited {
        class.push("hand-edited");
    }
    if row.conflict.is_some() {
        class.push("conflict");
    }
    if row.findings.iter().any(|f| f.level == Level::Error) {
        class.push("error");
    } else if !row.findings.is_empty() {
        class.push("warning");
    }
    class.join(" ")
}

/// The review as one self-contained HTML page.
pub fn render_html(review: &Review) -> String {
    let title = tr(
        "review-title",
        &[
            ("original", &review.original_path),
            ("edition", &review.edition_path),
        ],
    );
    // Findings are numbered in page order.
    let numbered: Vec<(usize, &Finding)> = review
        .rows
        .iter()
        .enumerate()
        .flat_map(|(k, row)| row.findings.iter().map(move |f| (k, f)))
        .collect();
    let page = html! {
        (DOCTYPE)
        html lang=(language().code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { (title) }
                (counts(review, &numbered))
                (finding_index(&numbered))
                @if let Some(since) = &review.since {
                    p.since {
                        (tr("review-since", &[("since", since)])) " "
                        ins { (tr("review-like-this", &[])) }
                    }
                }
                (rows(review))
                (other_findings(review))
                (links(review))
            }
        }
    };
    let mut out = page.into_string();
    out.push('\n');
    out
}

/// The counts at the top, each linking to the first row (or finding) holding what it counts.
fn counts(review: &Review, numbered: &[(usize, &Finding)]) -> Markup {
    let first_row = |f: &dyn Fn(&Row) -> bool| {
        review
            .rows
            .iter()
            .position(f)
            .map(|k| format!("#row-{}", k + 1))
    };
    let first_finding = |level: Level| {
        numbered
            .iter()
            .position(|(_, f)| f.level == level)
            .map(|n| format!("#finding-{}", n + 1))
    };
    let link_of = |id: &str| match id {
        "review-count-segments" => first_row(&|r| !matches!(r.kind, RowKind::Boilerplate { .. })),
        "review-count-changed" => first_row(&|r| r.previous.is_some()),
        "review-count-hand-edited" => first_row(&|r| r.hand_edited),
        "review-count-conflicts" => first_row(&|r| r.conflict.is_some()),
        "review-count-boilerplate" => first_row(&|r| matches!(r.kind, RowKind::Boilerplate { .. })),
        "review-count-errors" => first_finding(Level::Error),
        _ => first_finding(Level::Warning),
    };
    html! {
        nav.counts {
            @for (id, n) in review.counts.labelled() {
                @let class = format!("count {}", id.trim_start_matches("review-count-"));
                @match link_of(id).filter(|_| n > 0) {
                    Some(href) => a class=(class) href=(href) {
                        span.n { (n) } " " (tr(id, &[]))
                    },
                    None => span class=(class) { span.n { (n) } " " (tr(id, &[])) },
                }
            }
        }
    }
}

/// Every finding of the rows, in page order, each a link to it.
fn finding_index(numbered: &[(usize, &Finding)]) -> Markup {
    html! {
        @if !numbered.is_empty() {
            ol.finding-index {
                @for (n, (k, f)) in numbered.iter().enumerate() {
                    li class=(f.level.id()) {
                        a href=(format!("#finding-{}", n + 1)) {
                            (f.level) "[" (f.rule) "] " (tr("review-row", &[("row", &(k + 1))]))
                        }
                    }
                }
            }
        }
    }
}

/// The aligned rows: the original beside the edition, with what is known of each.
fn rows(review: &Review) -> Markup {
    let target: Lang = review.target.parse().unwrap_or(Lang::En);
    let line = |l: Option<usize>| l.map_or("-".to_string(), |l| l.to_string());
    // The number of each row's first finding: findings are numbered in page order.
    let first_finding: Vec<usize> = review
        .rows
        .iter()
        .scan(1, |next, row| {
            let first = *next;
            *next += row.findings.len();
            Some(first)
        })
        .collect();
    html! {
        table.rows {
            thead {
                tr {
                    th { "#" }
                    th { (tr("review-original", &[])) }
                    th { (tr("review-edition", &[])) }
                }
            }
            tbody {
                @for (k, row) in review.rows.iter().enumerate() {
                    @let sources: Vec<&str> = row.terms.iter().map(|(s, _)| s.as_str()).collect();
                    @let targets: Vec<&str> = row.terms.iter().map(|(_, t)| t.as_str()).collect();
                    tr class=(row_class(row)) id=(format!("row-{}", k + 1))
                        data-id=(row.id.as_deref().unwrap_or("")) {
                        td.meta {
                            (k + 1) br;
                            small { (line(row.original_line)) " → " (line(row.edition_line)) }
                        }
                        td.original lang="zh" { (marked(&row.original, &sources)) }
                        td.edition lang=(review.target) {
                            (edition_text(row, target, &targets))
                            (row_notes(row, first_finding[k]))
                        }
                    }
                }
            }
        }
    }
}

/// What a row's edition cell says under its text: boilerplate, a hand edit, a rating, a
/// conflict, a candidate, its findings (numbered from `first_finding`) and its glossary terms.
fn row_notes(row: &Row, first_finding: usize) -> Markup {
    html! {
        @if let RowKind::Boilerplate { rule, message } = &row.kind {
            div.note {
                @match message {
                    Some(m) => (tr("review-boilerplate-replaced", &[("rule", rule), ("message", m)])),
                    None => (tr("review-boilerplate-dropped", &[("rule", rule)])),
                }
            }
        }
        @if row.hand_edited {
            div.hand { (tr("review-hand-edited", &[])) }
        }
        @if let Some(r) = &row.rating {
            div class=(if r.score() < 3 { "rating low" } else { "rating" }) {
                (super::rating_text(r))
            }
        }
        @if let Some(c) = &row.conflict {
            div.conflict {
                (tr("review-conflict", &[])) br;
                (tr("review-old-original", &[("text", &c.old_original)]))
                @if let Some(e) = &c.hand_edit {
                    br; (tr("review-hand-edit", &[("text", e)]))
                }
            }
        }
        @if let Some(c) = &row.candidate {
            div.candidate {
                (tr("review-candidate", &[("text", &c.text), ("why", &c.why)]))
            }
        }
        @for (n, f) in row.findings.iter().enumerate() {
            div class=(format!("finding {}", f.level.id()))
                id=(format!("finding-{}", first_finding + n)) {
                (f.level) "[" (f.rule) "] " (f.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()) ":" (f.line) ": " (f.message)
            }
        }
        @if !row.terms.is_empty() {
            @let list: Vec<String> = row.terms.iter().map(|(s, t)| format!("{s} → {t}")).collect();
            div.terms { (tr("review-glossary", &[("terms", &list.join(", "))])) }
        }
    }
}

/// Findings that belong to no row (the front matter, the file as a whole).
fn other_findings(review: &Review) -> Markup {
    html! {
        @if !review.other_findings.is_empty() {
            h2 { (tr("review-other-findings", &[])) }
            ul.findings {
                @for f in &review.other_findings {
                    li class=(format!("finding {}", f.level.id())) {
                        (f.file.display().to_string()) ":" (f.line) ": " (f.level) "[" (f.rule) "] " (f.message)
                    }
                }
            }
        }
    }
}

/// Every link of the original and of the edition, and what became of it.
fn links(review: &Review) -> Markup {
    html! {
        h2 { (tr("review-links", &[])) }
        table.links {
            thead {
                tr {
                    th { (tr("review-original", &[])) }
                    th { (tr("review-edition", &[])) }
                    th { }
                }
            }
            tbody {
                @for l in &review.links {
                    @let status = match l.status {
                        LinkStatus::Same => "same",
                        LinkStatus::Expected => "expected",
                        LinkStatus::Lost => "lost",
                        LinkStatus::Added => "added",
                    };
                    tr class=(status) {
                        @for side in [&l.original, &l.edition] {
                            td {
                                @match side {
                                    Some(u) => code { (u) },
                                    None => span.none { "—" },
                                }
                            }
                        }
                        td.status { (tr(&format!("review-link-{status}"), &[])) }
                    }
                }
            }
        }
    }
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328;background:#fff}
h1{font-size:1.2rem}h2{font-size:1.05rem;margin-top:2rem}
nav.counts{display:flex;flex-wrap:wrap;gap:.4rem;margin:.6rem 0}
.count{padding:.2rem .55rem;border:1px solid #d0d7de;border-radius:1rem;font-size:.85rem;color:#57606a;text-decoration:none}
a.count{color:#0969da}.count .n{font-weight:600}a.count.errors{color:#82071e;border-color:#cf222e}a.count.warnings{color:#9a6700;border-color:#bf8700}
ol.finding-index{font-size:.85rem;margin:.2rem 0 .8rem}ol.finding-index li.error a{color:#82071e}ol.finding-index li.warning a{color:#9a6700}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.45rem .6rem;vertical-align:top;text-align:left}
th{background:#f6f8fa;position:sticky;top:0}
td.meta{color:#57606a;white-space:nowrap;width:5rem}td.original,td.edition{width:47%;line-height:1.5}
tr.boilerplate td{background:#f6f8fa;color:#57606a}tr.error td.meta{border-left:3px solid #cf222e}tr.warning td.meta{border-left:3px solid #bf8700}
:target{outline:2px solid #0969da}
ins{background:#dafbe1;text-decoration:none}del{background:#ffebe9;color:#82071e}
mark{background:#fff8c5}
.finding{margin-top:.3rem;font-size:.85rem;color:#82071e}.finding.warning{color:#9a6700}
.note,.hand{margin-top:.3rem;font-size:.85rem;color:#57606a}.candidate{margin-top:.3rem;font-size:.85rem;color:#0550ae;border-left:3px solid #0969da;padding-left:.4rem}.conflict{margin-top:.3rem;font-size:.85rem;color:#82071e;border-left:3px solid #cf222e;padding-left:.4rem}
.terms,.rating{margin-top:.3rem;font-size:.8rem;color:#57606a}.rating.low{color:#82071e}
table.links code{font-size:.8rem;word-break:break-all}tr.lost,tr.added{background:#fff5f5}tr.expected{color:#57606a}td.status{white-space:nowrap;font-size:.8rem}.none{color:#8c959f}
.since{color:#57606a}";
