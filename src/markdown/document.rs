//! Reading a Markdown file from disk into text the engine can work on.
//!
//! Nothing about the file is normalised: a UTF-8 byte-order mark is set aside and given back on
//! output, CRLF line endings stay as they are, and the final newline (or its absence) is kept.
//! Bytes that are not UTF-8 are refused with the exact byte offset and line, because guessing an
//! encoding would be the first step towards losing text.

use std::path::{Path, PathBuf};

use crate::message::tr_hint;

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// A source file's text, with its byte-order mark (if any) held apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    /// Where the text came from, for error messages.
    pub path: PathBuf,
    /// `true` when the file began with a UTF-8 byte-order mark.
    pub bom: bool,
    /// The text after the byte-order mark.
    pub text: String,
}

/// Errors reading a source file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    // The io::Error is part of the message rather than a `source`, so that the hint stays last.
    #[error("{}", tr_hint("read-cannot-read", &[("path", &.path.display()), ("error", &.error)]))]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}", tr_hint("read-not-utf8", &[("path", &.path.display()), ("byte", &format!("0x{:02X}", .byte)), ("offset", .offset), ("line", .line)]))]
    NotUtf8 {
        path: PathBuf,
        offset: usize,
        line: usize,
        byte: u8,
    },
}

impl SourceText {
    /// Reads `path`, refusing bytes that are not UTF-8.
    pub fn read(path: &Path) -> Result<Self, ReadError> {
        let bytes = std::fs::read(path).map_err(|error| ReadError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        Self::from_bytes(path, bytes)
    }

    /// Decodes `bytes` read from `path`.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, ReadError> {
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            ReadError::NotUtf8 {
                path: path.to_path_buf(),
                offset,
                line: 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count(),
                byte: bytes[offset],
            }
        })?;
        Ok(Self::from_string(path, text))
    }

    /// Wraps text that is already decoded.
    pub fn from_string(path: &Path, mut text: String) -> Self {
        let bom = text.starts_with(BOM);
        if bom {
            text.drain(..BOM.len());
        }
        SourceText {
            path: path.to_path_buf(),
            bom,
            text,
        }
    }

    /// Puts the byte-order mark back in front of `body`, if the source had one.
    pub fn restore(&self, body: String) -> String {
        if self.bom {
            let mut out = String::with_capacity(body.len() + BOM.len());
            out.push_str(BOM);
            out.push_str(&body);
            out
        } else {
            body
        }
    }
}

/// Maps byte offsets to 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text));
        LineIndex { starts }
    }

    /// The 1-based line on which byte `offset` lies.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// The 1-based column (in characters) of byte `offset` within its line.
    pub fn column(&self, text: &str, offset: usize) -> usize {
        let start = self.starts[self.line(offset) - 1];
        text[start..offset].chars().count() + 1
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_the_offset_and_line_of_invalid_bytes() {
        let err =
            SourceText::from_bytes(Path::new("x.md"), b"ok\nfine \xff bad".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`x.md` is not valid UTF-8: invalid byte 0xFF at byte offset 8 (line 2)\n  hint: re-save the file as UTF-8"
        );
    }

    #[test]
    fn keeps_the_bom_apart() {
        let s = SourceText::from_string(Path::new("x.md"), "\u{feff}# hi\n".into());
        assert!(s.bom);
        assert_eq!(s.text, "# hi\n");
        assert_eq!(s.restore(s.text.clone()), "\u{feff}# hi\n");
    }

    #[test]
    fn lines_and_columns() {
        let text = "ab\ncd\n\nef";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 1);
        assert_eq!(idx.line(3), 2);
        assert_eq!(idx.line(6), 3);
        assert_eq!(idx.line(7), 4);
        assert_eq!(idx.column(text, 4), 2);
    }
}
