//! Fuzzes answer reading and validation: arbitrary model output for a fixed batch never
//! panics, and whatever of it is accepted never yields an edition with changed links, images
//! or block structure.
//!
//! The batch is every segment of a small issue (links, emphasis, code, an image, items, a
//! quote, a table). The input is read as the model's answer (`parse_answer` with the batch's
//! keys); each key's value is validated against its segment as a model's answer is
//! (`validate`, into English); the accepted translations, with the source text for the
//! others, are merged. A merge that succeeds must keep the original's link and image
//! destinations and its block structure, as pulldown-cmark reads them.

#![no_main]

use std::collections::BTreeMap;

use editions::glossary::Glossary;
use editions::markdown::segment::markdown_options;
use editions::model::prompt::parse_answer;
use editions::model::validate::validate;
use editions::{Document, Lang, SegmentOptions};
use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

const ORIGINAL: &str = "---
title: 'Python 潮流周刊#34：体检'
---

## 🦄文章&教程

1、[深入理解 asyncio](https://example.com/a)

文章介绍了 **TaskGroup** 的*取消*语义，以及 `asyncio.run()` 的用法。

![示意图](https://example.com/a.png)

> 引用一段话，[见这里](https://example.com/b)。

| 项目 | 说明 |
| --- | --- |
| uv | 快速的包管理器 |

- 第一点
- 第二点，含 `code`
";

/// Link and image destinations, and the block structure, as pulldown-cmark reads them.
fn shape(text: &str) -> (Vec<String>, Vec<String>) {
    let mut links = Vec::new();
    let mut blocks = Vec::new();
    for event in Parser::new_ext(text, markdown_options()) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                links.push(dest_url.to_string())
            }
            Event::Start(
                t @ (Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::List(_)
                | Tag::Item
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::TableCell
                | Tag::MetadataBlock(_)),
            ) => blocks.push(format!("{t:?}").chars().take(12).collect()),
            Event::End(TagEnd::Paragraph) => blocks.push("/p".into()),
            _ => {}
        }
    }
    (links, blocks)
}

fuzz_target!(|data: &[u8]| {
    let Ok(content) = std::str::from_utf8(data) else {
        return;
    };
    let doc = Document::parse(ORIGINAL, &SegmentOptions::default());
    let segments: Vec<_> = doc.segments().collect();
    let keys: Vec<String> = (1..=segments.len()).map(|i| i.to_string()).collect();
    let Ok(answer) = parse_answer(content, &keys) else {
        return;
    };
    let glossary = Glossary::default();
    let mut translations = BTreeMap::new();
    for (seg, key) in segments.iter().zip(&keys) {
        let text = match answer.get(key) {
            Some(Ok(t)) if validate(seg, &t, Lang::Zh, Lang::En, &glossary).is_ok() => t,
            _ => seg.tagged.clone(),
        };
        translations.insert(seg.id.clone(), text);
    }
    if let Ok(edition) = editions::merge(&doc, &translations) {
        assert_eq!(shape(&edition), shape(ORIGINAL), "{edition}");
    }
});
