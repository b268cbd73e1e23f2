//! Where in a file: 1-based positions and spans.

use serde::Serialize;

/// A 1-based line and column; columns count characters (Unicode scalar
/// values), as rustc, tflint and promtool report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

impl Pos {
    /// A position; zeros are raised to 1.
    pub const fn new(line: u32, column: u32) -> Self {
        Self {
            line: if line == 0 { 1 } else { line },
            column: if column == 0 { 1 } else { column },
        }
    }

    /// The first character of a file.
    pub const START: Pos = Pos { line: 1, column: 1 };
}

/// A stretch of a file: where it starts and, when known, where it ends
/// (inclusive). An end lets the human renderer underline the whole value and
/// SARIF carry a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// The first character.
    pub start: Pos,
    /// The last character, when known.
    pub end: Option<Pos>,
}

impl Span {
    /// From `start` to `end`, both inclusive; an end before the start is
    /// dropped.
    pub fn new(start: Pos, end: Pos) -> Self {
        Self {
            start,
            end: (end >= start).then_some(end),
        }
    }
}

impl From<Pos> for Span {
    fn from(start: Pos) -> Self {
        Self { start, end: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_ends_follow_starts() {
        assert_eq!(Pos::new(0, 0), Pos::START);
        let s = Span::new(Pos::new(2, 3), Pos::new(2, 9));
        assert_eq!(s.end, Some(Pos::new(2, 9)));
        assert_eq!(Span::new(Pos::new(2, 3), Pos::new(1, 9)).end, None);
        assert_eq!(Span::from(Pos::new(4, 1)).end, None);
    }
}
