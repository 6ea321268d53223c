//! Resolving the issue a command names: a date, or a path to a Markdown file.

use std::path::{Path, PathBuf};

use super::config::Config;

/// An original, found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// `YYYY-MM-DD` when named by date.
    pub date: Option<String>,
    pub original: PathBuf,
}

/// Resolves `name`: a path to an existing file, or a date filled into `originals`.
pub fn resolve(root: &Path, config: &Config, name: &str) -> anyhow::Result<Issue> {
    let as_path = Path::new(name);
    if name.ends_with(".md") || as_path.is_file() {
        if !as_path.is_file() {
            anyhow::bail!("cannot read `{name}`: no such file\n  hint: give the path of a Markdown file, or an issue's date as YYYY-MM-DD");
        }
        return Ok(Issue {
            date: None,
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
        anyhow::bail!(
            "`{name}` is neither a date nor a Markdown file\n  hint: name an issue by its date, such as {}",
            nearest(root, config, None).first().map_or("2024-01-06".to_string(), Clone::clone)
        );
    }
    if name.parse::<jiff::civil::Date>().is_err() {
        anyhow::bail!(
            "`{name}` is not a real date\n  hint: the nearest issues are {}",
            list(&nearest(root, config, Some(name)))
        );
    }
    let original = root.join(config.originals.replace("{date}", name));
    if !original.is_file() {
        let near = nearest(root, config, Some(name));
        anyhow::bail!(
            "there is no issue dated {name} (looked for `{}`)\n  hint: {}",
            original.display(),
            if near.is_empty() {
                format!("no issue matches `{}` under `{}`; check `originals` in editions.toml and --root", config.originals, root.display())
            } else {
                format!("the nearest issues are {}", list(&near))
            }
        );
    }
    Ok(Issue {
        date: Some(name.to_string()),
        original,
    })
}

fn list(dates: &[String]) -> String {
    match dates {
        [] => "none".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Every issue date under the originals' folder, sorted.
pub fn all_dates(root: &Path, config: &Config) -> Vec<String> {
    let pattern = root.join(&config.originals);
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
    let mut dates: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    let rest = name.strip_prefix(&file_prefix)?;
                    let date = rest.strip_suffix(suffix)?;
                    date.parse::<jiff::civil::Date>()
                        .ok()
                        .map(|_| date.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    dates.sort();
    dates
}

/// Up to three existing issue dates nearest to `name`, in date order.
fn nearest(root: &Path, config: &Config, name: Option<&str>) -> Vec<String> {
    let dates = all_dates(root, config);
    let Some(name) = name else {
        return dates.last().cloned().into_iter().collect();
    };
    let pos = dates.partition_point(|d| d.as_str() < name);
    let lo = pos.saturating_sub(2);
    let hi = (pos + 2).min(dates.len());
    let mut near: Vec<String> = dates[lo..hi].to_vec();
    // Keep the three closest by position in the sorted list.
    if near.len() > 3 {
        if pos - lo > hi - pos {
            near.remove(0);
        } else {
            near.pop();
        }
    }
    near
}
