//! The decoded view: what a line says once its encodings are undone.
//!
//! Values in logs are often written encoded: `julia%40example.org` in a
//! query string or form body, `\u0040` and `\u0026` in JSON strings (and
//! whole JSON-escaped lines inside Docker's json-file wrapping), `&#64;`
//! and `&amp;` in rendered markup, and ANSI colour codes glued to the text
//! of console loggers. The detectors run on a decoded copy of such a line;
//! every decoded byte remembers where its source sequence starts, so a
//! match maps back to whole source sequences and the encoded span is what
//! gets replaced. An escape is never split, and the encoding around a
//! replacement stays valid.
//!
//! A pass decodes one sequence at a time; a line encoded in layers (an
//! HTML entity inside a JSON-escaped line: `\u0026#64;`) is decoded again,
//! up to [`MAX_LAYERS`] passes, and spans map back through every layer:
//!
//! | written | decoded |
//! |---------|---------|
//! | `%XX` (two hex digits) | the byte |
//! | `\uXXXX` (surrogate pairs joined), `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` | the character |
//! | `&#NN;`, `&#xHH;`, `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` | the character |
//! | ANSI CSI (`ESC [ … final`) | one space |
//!
//! `+` is not decoded to a space (it is a letter of email local parts and
//! E.164 numbers). Lines without any of these are scanned as they are, so
//! clean text pays one `memchr` pass.

use std::cell::RefCell;

/// A decoded copy of some text, with the source offset of every byte.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    /// The decoded bytes.
    pub(crate) text: Vec<u8>,
    /// `from[k]`: where the sequence that produced `text[k]` starts in the
    /// source; one more entry, the source's length.
    from: Vec<usize>,
}

/// The most passes a line is decoded in.
pub(crate) const MAX_LAYERS: usize = 3;

/// The decoded layers of a line: `layers[0]` decodes the source, each next
/// one the layer before; the last is what the detectors see.
#[derive(Debug, Default)]
pub(crate) struct View {
    layers: Vec<Decoded>,
    used: usize,
}

impl View {
    /// The fully decoded text.
    pub(crate) fn text(&self) -> &[u8] {
        &self.layers[self.used - 1].text
    }

    /// The source span of the decoded span `[s, e)`, through every layer.
    pub(crate) fn source(&self, s: usize, e: usize) -> (usize, usize) {
        self.layers[..self.used]
            .iter()
            .rev()
            .fold((s, e), |(s, e), layer| layer.source(s, e))
    }

    fn decode(&mut self, text: &[u8]) {
        self.used = 0;
        loop {
            if self.layers.len() == self.used {
                self.layers.push(Decoded::default());
            }
            let (done, rest) = self.layers.split_at_mut(self.used);
            let input = done.last().map_or(text, |d| d.text.as_slice());
            rest[0].decode(input);
            self.used += 1;
            if self.used == MAX_LAYERS || !needed(&self.layers[self.used - 1].text) {
                break;
            }
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<View> = RefCell::new(View::default());
}

/// Runs `f` on the decoded view of `text`, reusing a per-thread buffer.
pub(crate) fn with_decoded<R>(text: &[u8], f: impl FnOnce(&View) -> R) -> R {
    let mut view = SCRATCH.with(RefCell::take);
    view.decode(text);
    let r = f(&view);
    SCRATCH.with(|s| *s.borrow_mut() = view);
    r
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn hex4(s: &[u8]) -> Option<u32> {
    let s = s.get(..4)?;
    s.iter()
        .try_fold(0u32, |acc, b| Some(acc * 16 + u32::from(hex(*b)?)))
}

const ESC: u8 = 0x1b;

/// Whether `text` holds a sequence the decoded view would change.
pub(crate) fn needed(text: &[u8]) -> bool {
    let hit = |k: usize| sequence(text, k).is_some();
    memchr::memchr3_iter(b'%', b'\\', b'&', text).any(hit)
        || memchr::memchr_iter(ESC, text).any(hit)
}

/// The sequence at `k`: its length in the source and what it decodes to
/// (at most four bytes).
fn sequence(text: &[u8], k: usize) -> Option<(usize, Char)> {
    let rest = &text[k..];
    match rest.first()? {
        b'%' => {
            let v = hex(*rest.get(1)?)? * 16 + hex(*rest.get(2)?)?;
            Some((3, Char::byte(v)))
        }
        b'\\' => {
            let c = *rest.get(1)?;
            let simple = match c {
                b'"' | b'\\' | b'/' => c,
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'u' => {
                    let hi = hex4(rest.get(2..)?)?;
                    if (0xD800..0xDC00).contains(&hi)
                        && rest.get(6..8) == Some(b"\\u")
                        && let Some(lo) = rest.get(8..).and_then(hex4)
                        && (0xDC00..0xE000).contains(&lo)
                    {
                        let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        return Some((12, Char::scalar(c)));
                    }
                    return Some((6, Char::scalar(hi)));
                }
                _ => return None,
            };
            Some((2, Char::byte(simple)))
        }
        b'&' => {
            let semi = rest.iter().take(10).position(|b| *b == b';')?;
            let body = &rest[1..semi];
            let c = if let Some(num) = body.strip_prefix(b"#") {
                let (digits, radix) = match num.first() {
                    Some(b'x' | b'X') => (&num[1..], 16),
                    _ => (num, 10),
                };
                if digits.is_empty() {
                    return None;
                }
                let s = std::str::from_utf8(digits).ok()?;
                u32::from_str_radix(s, radix).ok()?
            } else {
                u32::from(match body {
                    b"amp" => b'&',
                    b"lt" => b'<',
                    b"gt" => b'>',
                    b"quot" => b'"',
                    b"apos" => b'\'',
                    b"nbsp" => b' ',
                    _ => return None,
                })
            };
            Some((semi + 1, Char::scalar(c)))
        }
        &ESC => {
            if rest.get(1) != Some(&b'[') {
                return None;
            }
            let end = rest[2..]
                .iter()
                .take(32)
                .position(|b| (0x40..=0x7e).contains(b))?;
            let params = &rest[2..2 + end];
            params
                .iter()
                .all(|b| (0x20..=0x3f).contains(b))
                .then(|| (end + 3, Char::byte(b' ')))
        }
        _ => None,
    }
}

/// A decoded character as UTF-8 bytes.
#[derive(Clone, Copy)]
struct Char {
    bytes: [u8; 4],
    len: usize,
}

impl Char {
    fn byte(b: u8) -> Self {
        Self {
            bytes: [b, 0, 0, 0],
            len: 1,
        }
    }

    /// A Unicode scalar; a lone surrogate or out-of-range value becomes
    /// U+FFFD.
    fn scalar(c: u32) -> Self {
        let c = char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut bytes = [0; 4];
        let len = c.encode_utf8(&mut bytes).len();
        Self { bytes, len }
    }
}

impl Decoded {
    /// Decodes `text` into this view (keeping the buffers' capacity).
    pub(crate) fn decode(&mut self, text: &[u8]) {
        self.text.clear();
        self.from.clear();
        let mut k = 0;
        while k < text.len() {
            // Copy the run up to the next byte that may start a sequence.
            let next = memchr::memchr3(b'%', b'\\', b'&', &text[k..]).map_or(text.len(), |n| k + n);
            let next = memchr::memchr(ESC, &text[k..next]).map_or(next, |n| k + n);
            self.text.extend_from_slice(&text[k..next]);
            self.from.extend(k..next);
            k = next;
            if k == text.len() {
                break;
            }
            if let Some((len, c)) = sequence(text, k) {
                for &byte in &c.bytes[..c.len] {
                    self.text.push(byte);
                    self.from.push(k);
                }
                k += len;
            } else {
                self.text.push(text[k]);
                self.from.push(k);
                k += 1;
            }
        }
        self.from.push(text.len());
    }

    /// The source span of the decoded span `[s, e)`: from the start of the
    /// sequence that produced `s` to the end of the one that produced
    /// `e - 1`.
    pub(crate) fn source(&self, s: usize, e: usize) -> (usize, usize) {
        let start = self.from[s];
        let mut end = e;
        while end < self.text.len() && end > 0 && self.from[end] == self.from[end - 1] {
            end += 1;
        }
        (start, self.from[end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str) -> String {
        let mut d = Decoded::default();
        d.decode(text.as_bytes());
        String::from_utf8_lossy(&d.text).into_owned()
    }

    #[test]
    fn every_encoding_decodes_once() {
        assert_eq!(view("julia%40example.org"), "julia@example.org");
        assert_eq!(
            view("a\\u0026token=x\\/y\\\"z\\\\u0040"),
            "a&token=x/y\"z\\u0040"
        );
        assert_eq!(
            view("julia&#64;web.de &#x2B;49 &amp;"),
            "julia@web.de +49 &"
        );
        assert_eq!(view("\x1b[32mLOG\x1b[39m x"), " LOG  x");
        assert_eq!(view("%2540"), "%40", "one layer a pass");
        assert_eq!(view("\\ud83d\\ude00"), "😀");
        assert_eq!(view("\\ud83d"), "\u{fffd}");
        assert_eq!(view("100% &co; \\q %zz"), "100% &co; \\q %zz");
    }

    #[test]
    fn spans_map_back_to_whole_sequences() {
        let src = b"to=julia%40web.de\\u0026x";
        let mut d = Decoded::default();
        d.decode(src);
        let start = d.text.iter().position(|b| *b == b'j').unwrap_or(0);
        let amp = d.text.iter().position(|b| *b == b'&').unwrap_or(0);
        let (from, to) = d.source(start, amp);
        assert_eq!(&src[from..to], b"julia%40web.de");
        let (from, to) = d.source(amp, amp + 1);
        assert_eq!(&src[from..to], b"\\u0026");
        let mut d = Decoded::default();
        d.decode("x\\u00e9y".as_bytes());
        assert_eq!(
            d.source(1, 2),
            (1, 7),
            "half a decoded character is all of it"
        );
    }

    #[test]
    fn layers_decode_in_turn_and_map_back_through_all() {
        let src = b"mailto:ann\\u0026#64;web.de x";
        with_decoded(src, |v| {
            assert_eq!(v.text(), b"mailto:ann@web.de x");
            assert_eq!(v.source(7, 17), (7, 26));
        });
    }

    #[test]
    fn needed_only_when_something_decodes() {
        assert!(!needed(b"a=1&b=2 100% done \\d"));
        assert!(needed(b"a=%40"));
        assert!(needed(b"\\u0040"));
        assert!(needed(b"&amp;"));
        assert!(needed(b"\x1b[0m"));
    }
}
