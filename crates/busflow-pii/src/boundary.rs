//! What separates a value from the text around it.

/// A byte that belongs to a word: ASCII letters and digits, `_`, and any
/// byte of a non-ASCII character. A value glued to one is not a value of
/// its own (`blk_4111…`, `é4111…`).
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}
