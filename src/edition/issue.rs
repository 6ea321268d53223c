//! Resolving the issue a command names: a date, or a path to a Markdown file.
//!
//! An issue named by date is found through the `originals` pattern and its editions through
//! the `editions` pattern. A file named by path has its editions beside it, in a folder named
//! after the locale, and takes its date (for the `$date` and `$url` of locale messages) from
//! its file name or its front matter's `pubDate`.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::lang::Lang;
use crate::message::{tr, tr_attr};

/// Where a newsletter keeps its originals and editions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The newsletter's root: patterns are relative to it.
    pub root: PathBuf,
    /// Where originals are; `{date}` is `YYYY-MM-DD`.
    pub originals: String,
    /// Where editions are; `{locale}` and `{date}` are filled in.
    pub editions: String,
    /// Other originals (special issues), relative to the root, each with one `{date}`.
    pub other_originals: Vec<String>,
}

impl Layout {
    /// Whether `path` (resolved, see [`crate::file::resolved`]) is a place the originals'
    /// patterns match: no edition may be written there.
    pub fn is_original_place(&self, path: &Path) -> bool {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return false;
        };
        let name = name.to_string_lossy();
        std::iter::once(&self.originals)
            .chain(&self.other_originals)
            .any(|pattern| {
                let full = self.root.join(pattern);
                let full = full.to_string_lossy();
                let Some((prefix, suffix)) = full.split_once("{date}") else {
                    return false;
                };
                let (pattern_dir, file_prefix) = match prefix.rfind('/') {
                    Some(i) => (PathBuf::from(&prefix[..i.max(1)]), &prefix[i + 1..]),
                    None => (PathBuf::from("."), prefix),
                };
                let same_dir = pattern_dir.canonicalize().is_ok_and(|d| d == dir);
                same_dir
                    && name
                        .strip_prefix(file_prefix)
                        .and_then(|rest| rest.strip_suffix(suffix))
                        .is_some_and(|date| date.parse::<jiff::civil::Date>().is_ok())
            })
    }
}

/// An original, found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The date it was named by, or the one its file name or front matter gives (written
    /// `YYYY-MM-DD`).
    pub date: Option<Date>,
    /// Whether it was named by date (its editions follow the `editions` pattern).
    pub by_date: bool,
    pub original: PathBuf,
}

/// A name that does not resolve to an original.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}\n  {}", .message, tr("hint", &[("hint", .hint)]))]
pub struct IssueError {
    pub message: String,
    pub hint: String,
}

fn fail(message: String, hint: String) -> IssueError {
    IssueError { message, hint }
}

impl Issue {
    /// How a run's table names it: its date if it was named by date, else its file's stem
    /// (`2023-12-11-sweekly`).
    pub fn label(&self) -> String {
        match (&self.date, self.by_date) {
            (Some(date), true) => date.to_string(),
            _ => self
                .original
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        }
    }

    /// Where the edition of `target` goes.
    pub fn edition(&self, layout: &Layout, target: Lang) -> PathBuf {
        match (&self.date, self.by_date) {
            (Some(date), true) => layout.root.join(
                layout
                    .editions
                    .replace("{locale}", target.code())
                    .replace("{date}", &date.to_string()),
            ),
            _ => {
                let file = self.original.file_name().unwrap_or_default();
                self.original
                    .parent()
                    .unwrap_or(Path::new("."))
                    .join(target.code())
                    .join(file)
            }
        }
    }
}

/// The date of a file named by path: a `YYYY-MM-DD` prefix of its name, or else its front
/// matter's `pubDate`.
pub fn date_of_file(path: &Path, text: &str) -> Option<Date> {
    let valid = |s: &str| s.parse::<Date>().ok().filter(|_| s.len() == 10);
    let name = path.file_name()?.to_string_lossy();
    if let Some(d) = name.get(..10).and_then(valid) {
        return Some(d);
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = body.strip_prefix("---")?;
    let end = rest.find("\n---")?;
    rest[..end].lines().find_map(|l| {
        let value = l.trim().strip_prefix("pubDate:")?.trim();
        let value = value.trim_matches(|c| c == '\'' || c == '"');
        value.get(..10).and_then(valid)
    })
}

/// Resolves `name`: a path to an existing file, or a date filled into `originals` and each of
/// `other_originals`, which must match exactly one file.
pub fn resolve(layout: &Layout, name: &str) -> Result<Issue, IssueError> {
    let root = layout.root.as_path();
    let as_path = Path::new(name);
    if name.ends_with(".md") || as_path.is_file() {
        if !as_path.is_file() {
            return Err(fail(
                tr("issue-no-file", &[("name", &name)]),
                tr_attr("issue-no-file", "hint", &[]),
            ));
        }
        let text = std::fs::read(as_path).unwrap_or_default();
        return Ok(Issue {
            date: date_of_file(as_path, &String::from_utf8_lossy(&text)),
            by_date: false,
            original: as_path.to_path_buf(),
        });
    }
    let shaped = name.len() == 10
        && name.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        let example = nearest(layout, None)
            .first()
            .map_or("2024-01-06".to_string(), Clone::clone);
        return Err(fail(
            tr("issue-not-a-name", &[("name", &name)]),
            tr_attr("issue-not-a-name", "hint", &[("example", &example)]),
        ));
    }
    if name.parse::<jiff::civil::Date>().is_err() {
        return Err(fail(
            tr("issue-not-a-date", &[("name", &name)]),
            tr(
                "issue-nearest",
                &[("dates", &list(&nearest(layout, Some(name))))],
            ),
        ));
    }
    // The weekly first, then the special issues: a date names whichever of them exist.
    let places: Vec<(PathBuf, bool)> = std::iter::once((&layout.originals, true))
        .chain(layout.other_originals.iter().map(|p| (p, false)))
        .map(|(pattern, weekly)| (root.join(pattern.replace("{date}", name)), weekly))
        .collect();
    let found: Vec<&(PathBuf, bool)> = places.iter().filter(|(p, _)| p.is_file()).collect();
    match found.as_slice() {
        [] => {
            let near = nearest(layout, Some(name));
            let looked: Vec<String> = places
                .iter()
                .map(|(p, _)| format!("`{}`", p.display()))
                .collect();
            Err(fail(
                tr(
                    "issue-no-issue",
                    &[
                        ("name", &name),
                        ("paths", &looked.join(&tr("list-separator", &[]))),
                    ],
                ),
                if near.is_empty() {
                    tr(
                        "issue-none-match",
                        &[("pattern", &layout.originals), ("root", &root.display())],
                    )
                } else {
                    tr("issue-nearest", &[("dates", &list(&near))])
                },
            ))
        }
        // A weekly by date has its editions where the `editions` pattern says; a special issue
        // has them beside it, in a folder named after the locale, as when named by path.
        [(original, weekly)] => Ok(Issue {
            date: name.parse().ok(),
            by_date: *weekly,
            original: original.clone(),
        }),
        several => {
            let paths: Vec<String> = several
                .iter()
                .map(|(p, _)| format!("`{}`", p.display()))
                .collect();
            Err(fail(
                tr(
                    "issue-several",
                    &[("name", &name), ("paths", &list(&paths))],
                ),
                tr_attr(
                    "issue-several",
                    "hint",
                    &[("path", &several[0].0.display())],
                ),
            ))
        }
    }
}

fn list(dates: &[String]) -> String {
    match dates {
        [] => tr("list-none", &[]),
        [one] => one.clone(),
        [rest @ .., last] => tr(
            "list-and",
            &[
                ("rest", &rest.join(&tr("list-separator", &[]))),
                ("last", last),
            ],
        ),
    }
}

/// Every issue the patterns match, in date order (a weekly before a special issue of the same
/// date): the weeklies as named by date, the special issues as named by path.
pub fn all(layout: &Layout) -> Vec<Issue> {
    let mut all: Vec<(String, usize, Issue)> = Vec::new();
    for (rank, pattern) in std::iter::once(&layout.originals)
        .chain(&layout.other_originals)
        .enumerate()
    {
        for (date, original) in matching(&layout.root, pattern) {
            let issue = Issue {
                date: date.parse().ok(),
                by_date: rank == 0,
                original,
            };
            all.push((date, rank, issue));
        }
    }
    all.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    all.into_iter().map(|(_, _, issue)| issue).collect()
}

/// Every date an issue has, weekly or special, sorted and once each.
pub fn every_date(layout: &Layout) -> Vec<String> {
    let mut dates: Vec<String> = std::iter::once(&layout.originals)
        .chain(&layout.other_originals)
        .flat_map(|pattern| matching(&layout.root, pattern))
        .map(|(date, _)| date)
        .collect();
    dates.sort();
    dates.dedup();
    dates
}

/// The files that `pattern` (relative to `root`, with one `{date}`) matches, with their
/// dates, sorted by date.
pub fn matching(root: &Path, pattern: &str) -> Vec<(String, PathBuf)> {
    let pattern = root.join(pattern);
    let pattern = pattern.to_string_lossy();
    let Some((prefix, suffix)) = pattern.split_once("{date}") else {
        return Vec::new();
    };
    let (dir, file_prefix) = match prefix.rfind('/') {
        Some(i) => (
            PathBuf::from(&prefix[..i.max(1)]),
            prefix[i + 1..].to_string(),
        ),
        None => (PathBuf::from("."), prefix.to_string()),
    };
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    let rest = name.strip_prefix(&file_prefix)?;
                    let date = rest.strip_suffix(suffix)?;
                    date.parse::<jiff::civil::Date>()
                        .ok()
                        .map(|_| (date.to_string(), e.path()))
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Up to three existing issue dates nearest to `name` in days, in date order (without a
/// name: the latest).
fn nearest(layout: &Layout, name: Option<&str>) -> Vec<String> {
    let dates = every_date(layout);
    let Some(name) = name else {
        return dates.last().cloned().into_iter().collect();
    };
    // An unreal date (`2024-02-30`) is taken as the last day of its month.
    let day = |d: &str| -> Option<jiff::civil::Date> {
        let n = |r: std::ops::Range<usize>| d.get(r)?.parse::<i8>().ok();
        let year = d.get(..4)?.parse::<i16>().ok()?;
        let month = jiff::civil::Date::new(year, n(5..7)?.clamp(1, 12), 1).ok()?;
        month
            .with()
            .day(n(8..10)?.clamp(1, month.days_in_month()))
            .build()
            .ok()
    };
    let at = day(name);
    let distance = |d: &str| match (day(d), at) {
        (Some(d), Some(at)) => d.since(at).map_or(i32::MAX, |s| s.get_days().abs()),
        _ => i32::MAX,
    };
    let mut near: Vec<&String> = dates.iter().collect();
    near.sort_by_key(|d| (distance(d), (*d).clone()));
    near.truncate(3);
    near.sort();
    near.into_iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_takes_its_date_from_its_name_or_its_front_matter() {
        assert_eq!(
            date_of_file(Path::new("docs/2023-12-11-sweekly.md"), ""),
            Some(jiff::civil::date(2023, 12, 11))
        );
        assert_eq!(
            date_of_file(
                Path::new("special.md"),
                "---\ntitle: x\npubDate: 2024-07-17\n---\n\ntext\n"
            ),
            Some(jiff::civil::date(2024, 7, 17))
        );
        assert_eq!(
            date_of_file(Path::new("special.md"), "---\npubDate: '2024-07-17'\n---\n"),
            Some(jiff::civil::date(2024, 7, 17))
        );
        assert_eq!(date_of_file(Path::new("notes.md"), "# notes\n"), None);
        assert_eq!(date_of_file(Path::new("2024-13-99-x.md"), ""), None);
    }
}
