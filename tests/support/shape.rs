//! The shape of HTML and of rendered Markdown: their markup without their text, read by
//! pulldown-cmark and html5gum's own token type, independently of the engine.

use editions::markdown::segment::markdown_options;

/// HTML as its markup alone, read by html5gum's own token type: its start and end tags with
/// their attributes, readable ones (`alt`, `title`, `placeholder`, `aria-label`) aside, and
/// its comments; text, which translation changes, left out.
pub fn html_shape(html: &str) -> String {
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut shape = String::new();
    for token in html5gum::Tokenizer::new(html).flatten() {
        match token {
            html5gum::Token::StartTag(tag) => {
                shape.push_str(&format!("<{}", lossy(&tag.name)));
                for (k, v) in &tag.attributes {
                    if !matches!(&k[..], b"alt" | b"title" | b"placeholder" | b"aria-label") {
                        shape.push_str(&format!(" {}={}", lossy(k), lossy(&v.value)));
                    }
                }
                shape.push('>');
            }
            html5gum::Token::EndTag(tag) => shape.push_str(&format!("</{}>", lossy(&tag.name))),
            html5gum::Token::Comment(c) => shape.push_str(&format!("<!--{}-->", lossy(&c.value))),
            _ => {}
        }
    }
    shape
}

/// The shape of a document as pulldown-cmark renders it with GFM's extensions (see [`html_shape`]).
pub fn rendered_shape(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(text, markdown_options()),
    );
    html_shape(&html)
}
