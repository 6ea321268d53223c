//! The aligner on the real archive: its language ratios, its pairs for reading by hand, and
//! ground truth by construction.
//!
//! ```sh
//! # Gale–Church ratios, measured on the anchored pairs of every published edition
//! cargo run --release --example align_corpus -- DOCS --ratios
//! # each edition's pairs side by side, for reading by hand
//! cargo run --release --example align_corpus -- DOCS --dump OUT_DIR DATE…
//! # ground truth by construction (what .ci/run runs)
//! cargo run --release --example align_corpus -- DOCS
//! ```
//!
//! Ground truth: `examples/align_truth.txt` lists, for editions whose alignment was read by
//! hand, each original segment (by id) and the edition line of the run that translates it.
//! Each edition is then edited at random (a paragraph deleted, inserted from another edition,
//! merged with the next, split in two, swapped with the next, an intro block dropped or added,
//! a boilerplate block reworded), realigned, and every pair the aligner is confident of is
//! compared with the truth: a pair is right when its edition run is, byte for byte, the run the
//! truth names. The run fails below 99 % of pairs right.

#[path = "../tests/support/mod.rs"]
#[allow(dead_code)]
mod support;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use editions::edition::align::{pair_runs, Paired, Setting, Shape, Unit};
use editions::edition::locale::Locale;
use editions::edition::rules;
use editions::{Document, Lang, SegmentOptions};

const REPO: &str = env!("CARGO_MANIFEST_DIR");
const ORIGINAL_URL: &str = "https://pythoncat.top/posts/{date}-weekly";

struct Corpus {
    docs: PathBuf,
    /// The repository's configuration, as the library reads editions.toml: its rules.
    rules: editions::config::Config,
    options: SegmentOptions,
}

impl Corpus {
    fn texts(&self, date: &str, locale: Lang) -> Option<(String, String)> {
        let name = format!("{date}-weekly.md");
        let original = std::fs::read_to_string(self.docs.join(&name)).ok()?;
        let edition = std::fs::read_to_string(self.docs.join(locale.code()).join(&name)).ok()?;
        Some((original, edition))
    }

    fn locale_texts(&self, original: &str, date: &str, locale: Lang) -> Vec<String> {
        let dir = Path::new(REPO).join("locales");
        let Ok(loc) = Locale::load(&dir, locale.code()) else {
            return Vec::new();
        };
        let doc = Document::parse(original, &self.options);
        let vars = rules::variables(&doc, date, ORIGINAL_URL);
        rules::locale_texts(&self.rules.boilerplate, &loc, &dir, &vars)
    }

    fn align<'o, 'e>(
        &self,
        original: &'o str,
        edition: &'e str,
        date: &str,
        locale: Lang,
    ) -> Paired<'o, 'e> {
        let texts = self.locale_texts(original, date, locale);
        let rewrite = |u: &str| rules::rewrite_url(u, &self.rules.url_rewrite, locale.code());
        pair_runs(
            original,
            edition,
            &Setting {
                rules: &self.rules.boilerplate,
                target: locale,
                locale_texts: &texts,
                options: &self.options,
                rewrite: &rewrite,
            },
        )
    }

    fn dates(&self, locale: Lang) -> Vec<String> {
        let mut dates: Vec<String> = std::fs::read_dir(self.docs.join(locale.code()))
            .map(|d| {
                d.flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let date = name.strip_suffix("-weekly.md")?.to_string();
                        self.docs.join(&name).is_file().then_some(date)
                    })
                    .collect()
            })
            .unwrap_or_default();
        dates.sort();
        dates
    }
}

fn one_line(text: &str, max: usize) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match t.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &t[..at]),
        None => t,
    }
}

/// Gale–Church's mean ratio and variance, over the anchored text pairs.
fn ratios(corpus: &Corpus) {
    for locale in [Lang::En, Lang::Ja] {
        let (mut sx, mut sy, mut pairs) = (0f64, 0f64, Vec::new());
        for date in corpus.dates(locale) {
            let (original, edition) = corpus.texts(&date, locale).unwrap();
            let paired = corpus.align(&original, &edition, &date, locale);
            let same = |u: &str| u.to_string();
            for (o, e, link) in paired.confident() {
                if !link.anchored {
                    continue;
                }
                let a = Unit::of_run(&paired.original.runs[o], &original, &same);
                let b = Unit::of_run(&paired.edition.runs[e], &edition, &same);
                if a.shape != Shape::Text || a.chars < 4 {
                    continue;
                }
                sx += a.chars as f64;
                sy += b.chars as f64;
                pairs.push((a.chars as f64, b.chars as f64));
            }
        }
        let c = sy / sx.max(1.0);
        let var = pairs.iter().map(|(x, y)| (y - c * x).powi(2)).sum::<f64>() / sx.max(1.0);
        println!(
            "zh → {}: {} anchored pairs, mean ratio {:.2}, variance {:.2} per character",
            locale.code(),
            pairs.len(),
            c,
            var
        );
    }
}

/// Each edition's links side by side, one line per link.
fn dump(corpus: &Corpus, out: &Path, dates: &[String]) {
    std::fs::create_dir_all(out).unwrap();
    for date in dates {
        let Some((original, edition)) = corpus.texts(date, Lang::En) else {
            eprintln!("{date}: no English edition");
            continue;
        };
        let paired = corpus.align(&original, &edition, date, Lang::En);
        let mut text = String::new();
        for link in &paired.alignment.links {
            let os: Vec<String> = link
                .original
                .clone()
                .map(|o| {
                    let r = &paired.original.runs[paired.original_runs[o]];
                    format!(
                        "{} L{} {}",
                        r.id,
                        r.line,
                        one_line(&original[r.range.clone()], 70)
                    )
                })
                .collect();
            let es: Vec<String> = link
                .edition
                .clone()
                .map(|e| {
                    let r = &paired.edition.runs[paired.edition_runs[e]];
                    format!("L{} {}", r.line, one_line(&edition[r.range.clone()], 70))
                })
                .collect();
            let mark = match (link.confident, link.anchored) {
                (true, true) => "A",
                (true, false) => "C",
                _ => "?",
            };
            text.push_str(&format!(
                "{mark} {:>6.1} | {} || {}\n",
                link.cost,
                if os.is_empty() {
                    "-".into()
                } else {
                    os.join(" + ")
                },
                if es.is_empty() {
                    "-".into()
                } else {
                    es.join(" + ")
                },
            ));
        }
        std::fs::write(out.join(format!("{date}.txt")), text).unwrap();
    }
}

/// A small deterministic generator (xorshift), so that every run edits the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Edit {
    Delete,
    Insert,
    Merge,
    Split,
    Swap,
    DropIntro,
    AddIntro,
    Reword,
}

const EDITS: [Edit; 8] = [
    Edit::Delete,
    Edit::Insert,
    Edit::Merge,
    Edit::Split,
    Edit::Swap,
    Edit::DropIntro,
    Edit::AddIntro,
    Edit::Reword,
];

/// An edition cut into its blocks (at blank lines), so that it can be edited.
fn blocks(text: &str) -> Vec<String> {
    text.split("\n\n").map(str::to_string).collect()
}

/// Whether a block is a plain paragraph (no heading, list, quote, table, code or HTML).
fn is_paragraph(b: &str) -> bool {
    let t = b.trim_start();
    !t.is_empty()
        && !t.starts_with(['#', '-', '*', '>', '|', '`', '<', '!', '['])
        && !t.starts_with("---")
        && !t.contains("```")
        && !t.contains('\n')
}

/// Applies `edit` to the edition's blocks; `body` is where the body starts. Returns whether
/// it applied.
fn apply(
    edit: Edit,
    blocks: &mut Vec<String>,
    body: usize,
    rng: &mut Rng,
    foreign: &[String],
) -> bool {
    let n = blocks.len();
    if n < body + 3 {
        return false;
    }
    let paragraphs: Vec<usize> = (body..n).filter(|&k| is_paragraph(&blocks[k])).collect();
    let pick = |rng: &mut Rng| paragraphs.get(rng.below(paragraphs.len())).copied();
    match edit {
        Edit::Delete => {
            let Some(k) = pick(rng) else { return false };
            blocks.remove(k);
        }
        Edit::Insert => {
            let at = body + rng.below(n - body);
            blocks.insert(at, foreign[rng.below(foreign.len())].clone());
        }
        Edit::Merge => {
            let Some(k) = pick(rng) else { return false };
            if k + 1 >= n || !is_paragraph(&blocks[k + 1]) {
                return false;
            }
            let next = blocks.remove(k + 1);
            blocks[k] = format!("{} {}", blocks[k], next);
        }
        Edit::Split => {
            let Some(k) = pick(rng) else { return false };
            let b = blocks[k].clone();
            let Some(at) = b.find(". ").filter(|&at| at + 2 < b.len()) else {
                return false;
            };
            blocks[k] = b[..at + 1].to_string();
            blocks.insert(k + 1, b[at + 2..].to_string());
        }
        Edit::Swap => {
            let Some(k) = pick(rng) else { return false };
            if k + 1 >= n || !is_paragraph(&blocks[k + 1]) {
                return false;
            }
            blocks.swap(k, k + 1);
        }
        Edit::DropIntro => {
            blocks.remove(body);
        }
        Edit::AddIntro => {
            blocks.insert(
                body,
                "Welcome to this week's issue of Python Trending Weekly, hand-picked from \
                 hundreds of sources for you: articles, tutorials, open-source projects, \
                 tools, podcasts and videos."
                    .into(),
            );
        }
        Edit::Reword => {
            // The edition's intro, said otherwise.
            let Some(k) = (body..n).find(|&k| blocks[k].contains("Python Trending Weekly")) else {
                return false;
            };
            blocks[k] = blocks[k]
                .replace(
                    "Python Trending Weekly",
                    "the Python Trending Weekly newsletter",
                )
                .replace("Welcome", "Hello and welcome");
        }
    }
    true
}

#[derive(Default)]
struct Score {
    trials: usize,
    right: usize,
    wrong: usize,
    expected: usize,
}

fn ground_truth(corpus: &Corpus) -> bool {
    let truth = support::align_truth();
    // Paragraphs of other editions, to insert.
    let mut foreign = Vec::new();
    for date in corpus.dates(Lang::En).iter().step_by(17) {
        let (_, e) = corpus.texts(date, Lang::En).unwrap();
        foreign.extend(blocks(&e).into_iter().filter(|b| is_paragraph(b)).take(6));
    }
    let mut scores: BTreeMap<Edit, Score> = BTreeMap::new();
    let mut clean = Score::default();
    let mut wrong_examples = Vec::new();
    let trials: usize = std::env::var("ALIGN_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(12);
    for (date, pairs) in &truth {
        let (original, edition) = corpus.texts(date, Lang::En).unwrap();
        // The truth as texts: segment id → the edition run's bytes.
        let doc = Document::parse(&edition, &SegmentOptions::default());
        let run_text = |line: usize| -> Option<&str> {
            doc.runs
                .iter()
                .find(|r| r.line == line)
                .map(|r| edition[r.range.clone()].trim())
        };
        let expected: HashMap<&str, &str> = pairs
            .iter()
            .map(|(id, &line)| {
                let text = run_text(line)
                    .unwrap_or_else(|| panic!("{date}: no run at edition line {line}"));
                (id.as_str(), text)
            })
            .collect();
        // The body starts after the front matter or the first heading.
        let cut = blocks(&edition);
        let body = cut
            .iter()
            .position(|b| b.starts_with("# ") || b.starts_with("---"))
            .map_or(0, |k| k + 1);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ date.bytes().map(u64::from).sum::<u64>());
        let mut check = |edited: &str, score: &mut Score, what: &str| {
            let paired = corpus.align(&original, edited, date, Lang::En);
            score.trials += 1;
            let present: HashMap<&str, usize> = {
                let ed = Document::parse(edited, &SegmentOptions::default());
                let mut m = HashMap::new();
                for r in &ed.runs {
                    *m.entry(edited[r.range.clone()].trim()).or_default() += 1;
                }
                m.into_iter()
                    .filter_map(|(t, k)| expected.values().find(|v| **v == t).map(|v| (*v, k)))
                    .collect()
            };
            score.expected += expected
                .values()
                .filter(|t| present.contains_key(*t))
                .count();
            for (o, e, _) in paired.confident() {
                let seg = &paired.original.runs[o];
                let Some(want) = expected.get(seg.id.as_str()) else {
                    continue;
                };
                let got = edited[paired.edition.runs[e].range.clone()].trim();
                if got == *want {
                    score.right += 1;
                } else {
                    score.wrong += 1;
                    if wrong_examples.len() < 30 {
                        wrong_examples.push(format!(
                            "{date} {what}: {} (line {}) paired with `{}`, truth `{}`",
                            seg.id,
                            seg.line,
                            one_line(got, 50),
                            one_line(want, 50)
                        ));
                    }
                }
            }
        };
        check(&edition, &mut clean, "unedited");
        for _ in 0..trials {
            for edit in EDITS {
                let mut b = cut.clone();
                // One to three edits of the same kind.
                let times = 1 + rng.below(3);
                let mut applied = false;
                for _ in 0..times {
                    applied |= apply(edit, &mut b, body, &mut rng, &foreign);
                }
                if !applied {
                    continue;
                }
                let edited = b.join("\n\n");
                check(
                    &edited,
                    scores.entry(edit).or_default(),
                    &format!("{edit:?}"),
                );
            }
        }
    }
    println!(
        "{} hand-checked editions, {} pairs; unedited: {}/{} right",
        truth.len(),
        truth.values().map(BTreeMap::len).sum::<usize>(),
        clean.right,
        clean.right + clean.wrong
    );
    println!(
        "edit        trials   confident pairs right   share right   recovered of those left intact"
    );
    let mut all = Score::default();
    for (edit, s) in &scores {
        println!(
            "{:<11} {:>6}   {:>7}/{:<7}         {:.4}        {:.3}",
            format!("{edit:?}"),
            s.trials,
            s.right,
            s.right + s.wrong,
            s.right as f64 / (s.right + s.wrong).max(1) as f64,
            s.right as f64 / s.expected.max(1) as f64
        );
        all.trials += s.trials;
        all.right += s.right;
        all.wrong += s.wrong;
        all.expected += s.expected;
    }
    let share = all.right as f64 / (all.right + all.wrong).max(1) as f64;
    println!(
        "{:<11} {:>6}   {:>7}/{:<7}         {:.4}        {:.3}",
        "all",
        all.trials,
        all.right,
        all.right + all.wrong,
        share,
        all.right as f64 / all.expected.max(1) as f64
    );
    for w in &wrong_examples {
        println!("wrong: {w}");
    }
    clean.wrong == 0 && share >= 0.99
}

fn main() {
    let mut args = std::env::args().skip(1);
    let docs = PathBuf::from(args.next().expect(
        "usage: align_corpus CORPUS/python-weekly/docs [--ratios | --dump OUT DATE…] (the corpus path as an argument)",
    ));
    let corpus = Corpus {
        docs,
        rules: editions::config::Config::load(Path::new(env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .0,
        options: SegmentOptions::default(),
    };
    let rest: Vec<String> = args.collect();
    match rest.first().map(String::as_str) {
        Some("--ratios") => ratios(&corpus),
        Some("--dump") => dump(&corpus, Path::new(&rest[1]), &rest[2..]),
        _ => {
            if !ground_truth(&corpus) {
                std::process::exit(1);
            }
        }
    }
}
