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

/// Bumped whenever the instructions change in a way that changes translations; part of every
/// translation-memory key.
pub const PROMPT_VERSION: u32 = 1;

fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "Simplified Chinese",
        Lang::Ja => "Japanese",
        Lang::En => "English",
    }
}

/// The system message for a batch.
pub fn system_message(
    source: Lang,
    target: Lang,
    terms: &[&Term],
    keep: &[&str],
    rejected: &[(String, String)],
) -> String {
    let mut s = format!(
        "Translate a Markdown newsletter about Python from {} into {}.\n\
         Input: a JSON object of segment id → text. Output: only a JSON object with the same ids → translations.\n\
         Tags like <a1>…</a1> (link), <b2>…</b2> (bold), <i3>…</i3>, <s4>…</s4>, <img5>…</img5> (image text) and placeholders like <code6/> must each appear exactly once, unchanged and properly nested; move them where the translation needs them. Keep &lt; &gt; &amp; and line breaks. Add no links, URLs or Markdown. Keep names of projects, libraries and people in their usual Latin spelling.",
        language_name(source),
        language_name(target)
    );
    if !terms.is_empty() {
        s.push_str("\nGlossary:");
        for t in terms {
            s.push('\n');
            s.push_str(&t.source);
            s.push_str(" → ");
            s.push_str(&t.target);
            if let Some(note) = &t.note {
                s.push_str(" (");
                s.push_str(note);
                s.push(')');
            }
        }
    }
    if !keep.is_empty() {
        s.push_str("\nKeep as is: ");
        s.push_str(&keep.join(", "));
    }
    for (id, why) in rejected {
        s.push_str(&format!(
            "\nYour previous translation of {id} was rejected: {why}. Translate it again and fix this."
        ));
    }
    s
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
}

/// Reads the model's answer: the first JSON object in it whose values are all strings,
/// skipping code fences and any chatter before or after.
pub fn parse_answer(content: &str) -> Result<BTreeMap<String, String>, AnswerError> {
    let mut first_error = None;
    for (start, _) in content.match_indices('{') {
        let mut stream = serde_json::Deserializer::from_str(&content[start..])
            .into_iter::<BTreeMap<String, String>>();
        match stream.next() {
            Some(Ok(map)) => return Ok(map),
            Some(Err(e)) => {
                first_error.get_or_insert_with(|| e.to_string());
            }
            None => {}
        }
    }
    Err(first_error.map_or(AnswerError::NoObject, AnswerError::Malformed))
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
        let want: BTreeMap<String, String> =
            [("p-1".to_string(), "Hello <b1>x</b1>".to_string())].into();
        assert_eq!(parse_answer(r#"{"p-1":"Hello <b1>x</b1>"}"#).unwrap(), want);
        assert_eq!(
            parse_answer("```json\n{\"p-1\": \"Hello <b1>x</b1>\"}\n```").unwrap(),
            want
        );
        assert_eq!(
            parse_answer("Sure! Here is the translation {as asked}:\n{\"p-1\": \"Hello <b1>x</b1>\"}\nAnything else?").unwrap(),
            want
        );
        assert_eq!(parse_answer("no json here"), Err(AnswerError::NoObject));
        assert!(matches!(
            parse_answer("{\"p-1\": 3}"),
            Err(AnswerError::Malformed(_))
        ));
    }

    #[test]
    fn the_system_message_lists_the_batch_glossary() {
        let term = Term {
            source: "周刊".into(),
            target: "Weekly".into(),
            note: None,
            line: 1,
        };
        let s = system_message(Lang::Zh, Lang::En, &[&term], &["FastAPI"], &[]);
        assert!(
            s.ends_with("\nGlossary:\n周刊 → Weekly\nKeep as is: FastAPI"),
            "{s}"
        );
        assert!(
            s.len() < 800,
            "instructions are paid for in every request: {}",
            s.len()
        );
    }
}
