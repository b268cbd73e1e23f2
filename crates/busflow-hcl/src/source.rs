//! Source positions: byte offsets turned into 1-based line and column.

pub use busflow_diag::Pos;

/// The start of every line of a text, to turn byte offsets into [`Pos`].
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text));
        Self { starts }
    }

    /// The position of byte `offset` of `text` (clamped to the text).
    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
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
    fn offsets_become_lines_and_character_columns() {
        let text = "ab\nçd\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(text, 0), Pos::START);
        assert_eq!(idx.pos(text, 3), Pos { line: 2, column: 1 });
        // `d` follows the two-byte `ç`: column 2, not 3.
        assert_eq!(idx.pos(text, 5), Pos { line: 2, column: 2 });
        assert_eq!(idx.pos(text, 7), Pos { line: 3, column: 1 });
        assert_eq!(idx.pos(text, 8), Pos { line: 4, column: 1 });
        assert_eq!(idx.pos(text, 99), Pos { line: 4, column: 2 });
    }
}
