//! What separates a value from the text around it.

/// A byte that belongs to a word: ASCII letters and digits, `_`, and any
/// byte of a non-ASCII character. A value glued to one is not a value of
/// its own (`blk_4111…`, `é4111…`).
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// A table saying which bytes are among `bytes`: the scan's byte classes
/// are lookups, not per-byte matches.
pub(crate) const fn byte_table(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
}
