//! The wire contract with the model: what is sent and how the answer is read.
//!
//! Every request is one system message (the instructions, then the glossary entries that
//! occur in this batch, one per line as `source → target`) and one user message whose content
//! is exactly one JSON object mapping segment ids to tagged source text. The model answers
//! with one JSON object of the same ids. Answers wrapped in code fences or preceded by chatter
//! are accepted; anything else is an error that names what was wrong.
//!
//! The instructions are short on purpose: they are paid for in every request.

use std::collections::BTreeMap;

use crate::glossary::Term;
use crate::lang::Lang;
use crate::memory::Rating;

/// Part of every translation-memory key: bumped when what makes an answer valid changes (its
/// shape, its tags). The context, the style guide, the examples and the wording of the
/// instructions guide the model without changing that, so the translations validated under
/// them stay in use; `translate --refresh` asks again for the model's entries.
pub const PROMPT_VERSION: u32 = 1;

fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "Simplified Chinese",
        Lang::Ja => "Japanese",
        Lang::En => "English",
    }
}

/// What a request says besides its segments: where they come from and how to write them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context<'a> {
    /// The issue's title, as the original writes it.
    pub title: Option<&'a str>,
    /// Runs of the request's keys under one section heading: (first key, last key, heading).
    pub sections: Vec<(String, String, &'a str)>,
    /// The target locale's style guide (`locales/{locale}/style.md`).
    pub style: Option<&'a str>,
    /// Approved translations of text like the batch's: (tagged source, tagged translation).
    pub examples: Vec<(&'a str, &'a str)>,
}

/// The instructions every request starts with.
fn instructions(source: Lang, target: Lang) -> String {
    format!(
        "Translate a Markdown newsletter about Python from {} into {}.\n\
         Input: a JSON object of id → text. Output: only a JSON object, same ids → translations.\n\
         Keep each tag (<a1>…</a1>, <b2>…</b2>, <code3/>…) exactly once, unchanged, properly nested. Keep &lt; &gt; &amp;, line breaks and names as spelled. Add no links, URLs or Markdown.",
        language_name(source),
        language_name(target)
    )
}

/// The system message for a batch: the instructions, the issue and the sections of its
/// segments, the style guide, the glossary entries that occur (a note on a line of its own,
/// marked as guidance; renderings to avoid), the keep-as-is names, examples, and why a
/// previous answer was rejected.
pub fn system_message(
    source: Lang,
    target: Lang,
    context: &Context<'_>,
    terms: &[&Term],
    keep: &[&str],
    rejected: &[(String, String)],
) -> String {
    let mut s = instructions(source, target);
    if let Some(title) = context.title {
        s.push_str("\nIssue: ");
        s.push_str(title);
    }
    if !context.sections.is_empty() {
        s.push_str("\nSections:");
        for (i, (first, last, heading)) in context.sections.iter().enumerate() {
            s.push_str(if i == 0 { " " } else { "; " });
            if first == last {
                s.push_str(first);
            } else {
                s.push_str(&format!("{first}-{last}"));
            }
            s.push(' ');
            s.push_str(heading);
        }
    }
    if let Some(style) = context.style.map(str::trim).filter(|s| !s.is_empty()) {
        s.push_str("\nStyle guide:\n");
        s.push_str(style);
    }
    if !terms.is_empty() {
        s.push_str("\nGlossary:");
        for t in terms {
            s.push('\n');
            s.push_str(&t.source);
            s.push_str(" → ");
            s.push_str(&t.target);
            if let Some(note) = &t.note {
                s.push_str("\n  note (guidance, not text to write): ");
                s.push_str(note);
            }
            if !t.avoid.is_empty() {
                s.push_str("\n  avoid: ");
                s.push_str(&t.avoid.join(", "));
            }
        }
    }
    if !keep.is_empty() {
        s.push_str("\nKeep as is: ");
        s.push_str(&keep.join(", "));
    }
    if !context.examples.is_empty() {
        s.push_str(EXAMPLES_HEADER);
        for line in example_lines(&context.examples) {
            s.push('\n');
            s.push_str(&line);
        }
    }
    for (id, why) in rejected {
        s.push_str(&format!(
            "\nYour previous translation of {id} was rejected: {why}. Translate it again and fix this."
        ));
    }
    s
}

/// The line the examples of a system message follow.
pub const EXAMPLES_HEADER: &str = "\nApproved translations of similar text (source ⇒ translation):";

/// The examples as the system message writes them, a line each.
pub fn example_lines(examples: &[(&str, &str)]) -> Vec<String> {
    examples
        .iter()
        .map(|(source, target)| format!("{} ⇒ {}", one_line(source), one_line(target)))
        .collect()
}

fn one_line(text: &str) -> String {
    text.replace('\n', " ")
}

/// The system message of a rating request (the quality pass of `translate --qa`).
pub fn rating_system(source: Lang, target: Lang) -> String {
    format!(
        "Rate each translation of a Markdown newsletter about Python from {} into {} against its source.\n\
         Input: a JSON object of id → {{\"source\", \"translation\"}}; the tags are markup, kept on purpose.\n\
         Output: only a JSON object of the same ids → {{\"accuracy\", \"omission\", \"terminology\", \"fluency\", \"reason\"}}: each mark from 1 (bad) to 5 (good; omission 5: nothing left out), the reason one line.",
        language_name(source),
        language_name(target)
    )
}

/// The user message of a rating request: key → source and translation.
pub fn rating_user(items: &[(String, &str, &str)]) -> String {
    let object: serde_json::Map<String, serde_json::Value> = items
        .iter()
        .map(|(key, source, translation)| {
            (
                key.clone(),
                serde_json::json!({"source": source, "translation": translation}),
            )
        })
        .collect();
    serde_json::Value::Object(object).to_string()
}

/// The JSON schema of one rating.
pub fn rating_schema() -> serde_json::Value {
    let mark = serde_json::json!({"type": "integer", "minimum": 1, "maximum": 5});
    serde_json::json!({
        "type": "object",
        "properties": {
            "accuracy": mark, "omission": mark, "terminology": mark, "fluency": mark,
            "reason": {"type": "string"},
        },
        "required": ["accuracy", "omission", "terminology", "fluency", "reason"],
        "additionalProperties": false,
    })
}

/// The ratings an answer gives, by key; a rating that cannot be read (a mark out of range,
/// a missing field) is left out.
pub fn parse_ratings(content: &str, keys: &[String]) -> BTreeMap<String, Rating> {
    let Ok(answer) = parse_answer(content, keys) else {
        return BTreeMap::new();
    };
    keys.iter()
        .filter_map(|k| {
            let rating: Rating = serde_json::from_value(answer.value(k)?.clone()).ok()?;
            let marks = [
                rating.accuracy,
                rating.omission,
                rating.terminology,
                rating.fluency,
            ];
            marks
                .iter()
                .all(|m| (1..=5).contains(m))
                .then(|| (k.clone(), rating))
        })
        .collect()
}

/// The user message for a batch: one JSON object of key → tagged source, in the order given
/// (document order, so that the model reads the text as it runs).
pub fn user_message(batch: &[(String, String)]) -> String {
    let mut out = String::from("{");
    for (i, (key, text)) in batch.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key).expect("a string serialises"));
        out.push(':');
        out.push_str(&serde_json::to_string(text).expect("a string serialises"));
    }
    out.push('}');
    out
}

/// Why an answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("the answer contains no JSON object")]
    NoObject,
    #[error("the answer's JSON object is malformed: {0}")]
    Malformed(String),
    #[error("the answer's JSON objects hold none of the batch's keys")]
    NoKeys,
}

/// A model's answer: the value of each key of the batch it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    values: BTreeMap<String, serde_json::Value>,
}

impl Answer {
    /// The value of `key` as the answer has it.
    pub fn value(&self, key: &str) -> Option<&serde_json::Value> {
        self.values.get(key)
    }

    /// The translation for `key`: `None` if the answer lacks it, an error if its value is not
    /// a string (which fails only this key's segment).
    pub fn get(&self, key: &str) -> Option<Result<String, String>> {
        self.values.get(key).map(|v| match v {
            serde_json::Value::String(s) => Ok(s.clone()),
            other => Err(format!(
                "its value in the answer is {}, not a string",
                match other {
                    serde_json::Value::Null => "null",
                    serde_json::Value::Bool(_) => "a boolean",
                    serde_json::Value::Number(_) => "a number",
                    serde_json::Value::Array(_) => "an array",
                    _ => "an object",
                }
            )),
        })
    }
}

/// Reads the model's answer to a batch of `keys`: of the JSON objects in it (code fences,
/// chatter and other objects before or after it skipped), the one that holds the most of the
/// batch's keys.
pub fn parse_answer(content: &str, keys: &[String]) -> Result<Answer, AnswerError> {
    let mut first_error = None;
    let mut best: Option<(usize, serde_json::Map<String, serde_json::Value>)> = None;
    let mut objects = 0;
    let mut from = 0;
    while let Some(at) = content[from..].find('{') {
        let start = from + at;
        let mut stream = serde_json::Deserializer::from_str(&content[start..])
            .into_iter::<serde_json::Map<String, serde_json::Value>>();
        match stream.next() {
            Some(Ok(map)) => {
                objects += 1;
                let score = keys.iter().filter(|k| map.contains_key(k.as_str())).count();
                if score > best.as_ref().map_or(0, |b| b.0) {
                    best = Some((score, map));
                }
                // Objects nested in this one are not answers of their own.
                from = start + stream.byte_offset().max(1);
            }
            Some(Err(e)) => {
                first_error.get_or_insert_with(|| e.to_string());
                from = start + 1;
            }
            None => from = start + 1,
        }
    }
    match best {
        Some((_, map)) => Ok(Answer {
            values: map.into_iter().collect(),
        }),
        None if objects > 0 => Err(AnswerError::NoKeys),
        None => Err(first_error.map_or(AnswerError::NoObject, AnswerError::Malformed)),
    }
}

/// A rough token count: one per Han or kana character, one per four other characters.
pub fn estimate_tokens(text: &str) -> u64 {
    let (mut wide, mut other) = (0u64, 0u64);
    for c in text.chars() {
        if crate::lang::is_han(c) || crate::lang::is_kana(c) {
            wide += 1;
        } else {
            other += 1;
        }
    }
    wide + other.div_ceil(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_fenced_and_chatty_answers() {
        let keys = ["1".to_string(), "2".to_string()];
        let read = |content: &str| parse_answer(content, &keys);
        let want = Some(Ok("Hello <b1>x</b1>".to_string()));
        assert_eq!(read(r#"{"1":"Hello <b1>x</b1>"}"#).unwrap().get("1"), want);
        assert_eq!(
            read("```json\n{\"1\": \"Hello <b1>x</b1>\"}\n```")
                .unwrap()
                .get("1"),
            want
        );
        assert_eq!(
            read("Sure! Here is the translation {as asked}:\n{\"1\": \"Hello <b1>x</b1>\"}\nAnything else?")
                .unwrap()
                .get("1"),
            want
        );
        assert_eq!(read("no json here"), Err(AnswerError::NoObject));
        assert!(matches!(
            read("{\"1\": \"x\""),
            Err(AnswerError::Malformed(_))
        ));
        assert_eq!(read(r#"{"note": "ok"}"#), Err(AnswerError::NoKeys));
    }

    #[test]
    fn a_decoy_object_or_a_nested_value_loses_nothing_else() {
        let keys = ["1".to_string(), "2".to_string()];
        // A small object before the answer, and one after.
        let answer = parse_answer(
            r#"{"status": "ok"} {"1": "One", "2": "Two"} {"1": "decoy"}"#,
            &keys,
        )
        .unwrap();
        assert_eq!(answer.get("1"), Some(Ok("One".to_string())));
        assert_eq!(answer.get("2"), Some(Ok("Two".to_string())));
        // A nested value fails its own key only.
        let answer = parse_answer(r#"{"1": {"text": "One"}, "2": "Two"}"#, &keys).unwrap();
        assert_eq!(
            answer.get("1"),
            Some(Err(
                "its value in the answer is an object, not a string".to_string()
            ))
        );
        assert_eq!(answer.get("2"), Some(Ok("Two".to_string())));
        assert_eq!(answer.get("3"), None);
    }

    #[test]
    fn the_system_message_lists_the_batch_glossary() {
        let term = Term {
            source: "周刊".into(),
            target: "Weekly".into(),
            note: Some("the newsletter's name".into()),
            avoid: vec!["Periodical".into()],
            line: 1,
        };
        let s = system_message(
            Lang::Zh,
            Lang::En,
            &Context::default(),
            &[&term],
            &["FastAPI"],
            &[],
        );
        assert!(
            s.ends_with("\nGlossary:\n周刊 → Weekly\n  note (guidance, not text to write): the newsletter's name\n  avoid: Periodical\nKeep as is: FastAPI"),
            "{s}"
        );
        assert!(
            instructions(Lang::Zh, Lang::En).len() < 500,
            "instructions are paid for in every request: {}",
            s.len()
        );
    }

    #[test]
    fn the_system_message_gives_the_issue_sections_style_and_examples() {
        let context = Context {
            title: Some("Python 潮流周刊#34：体检"),
            sections: vec![
                ("1".into(), "3".into(), "🦄文章&教程"),
                ("4".into(), "4".into(), "🐿️项目&资源"),
            ],
            style: Some("Use American spelling.\n"),
            examples: vec![("<a1>异步</a1>\n简介", "<a1>Async</a1>\nIntro")],
        };
        let s = system_message(Lang::Zh, Lang::En, &context, &[], &[], &[]);
        let after = &s[instructions(Lang::Zh, Lang::En).len()..];
        assert_eq!(
            after,
            "\nIssue: Python 潮流周刊#34：体检\nSections: 1-3 🦄文章&教程; 4 🐿️项目&资源\nStyle guide:\nUse American spelling.\nApproved translations of similar text (source ⇒ translation):\n<a1>异步</a1> 简介 ⇒ <a1>Async</a1> Intro"
        );
    }
}
