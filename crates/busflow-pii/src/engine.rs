//! The redaction engine: bytes in, bytes out, with what it redacted.
//!
//! One pass over the input classifies each byte with a table. Runs of word
//! bytes are skipped whole unless their first byte can start a value (a
//! digit, an IBAN's country, `eyJ`, `Bearer`, a hex group); punctuation
//! triggers (`@`, `://`, `+`, `(`, `?`, `&`) hand over to their detector.
//! Only there do the exact validators run (Luhn, mod-97, parsing, base64
//! and JSON), so clean text costs one table lookup per byte.

use crate::boundary::is_word_byte;
use crate::config::RedactorConfig;
use crate::detector::Detector;
use crate::exclusions::{Context, Exclusions};
use crate::{card, email, iban, ip, json, keyed, phone, replacement, secret, token, url};

/// One redaction: the rule and the byte span it replaced in the input. The
/// value itself is never kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redaction {
    /// The detector (and so the rule) that found it.
    pub detector: Detector,
    /// Start byte in the input.
    pub start: usize,
    /// End byte (exclusive) in the input.
    pub end: usize,
}

impl Redaction {
    /// The rule ID: `PII-001`, `PII-002`, …
    pub fn rule_id(&self) -> &'static str {
        self.detector.rule_id()
    }
}

/// A match an exclusion let through: the rule, which of its exclusions
/// (index into [`Exclusions::of`]) and the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suppression {
    /// The detector that matched.
    pub detector: Detector,
    /// The index of the exclusion that applied.
    pub exclusion: usize,
    /// Start byte in the input.
    pub start: usize,
    /// End byte (exclusive) in the input.
    pub end: usize,
}

/// What one call found. Reuse it across calls ([`Outcome::clear`]) to keep
/// a loop free of allocations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// What was redacted, in input order.
    pub redactions: Vec<Redaction>,
    /// What matched but was excluded, in input order.
    pub suppressed: Vec<Suppression>,
}

impl Outcome {
    /// Empties both lists, keeping their capacity.
    pub fn clear(&mut self) {
        self.redactions.clear();
        self.suppressed.clear();
    }
}

/// How input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Mode {
    /// Bytes, whatever they are (the default).
    #[default]
    Text,
    /// Each line that is a JSON object or array is handled structurally:
    /// string values are redacted (keys never), numbers that are entirely a
    /// value become a string token, and the line stays valid JSON. Lines
    /// that are not JSON are handled as text.
    Json,
}

const BORING: u8 = 0;
const WORD: u8 = 1;
const TRIGGER: u8 = 2;

static CLASS: [u8; 256] = {
    let mut t = [BORING; 256];
    let mut c: u8 = 0;
    loop {
        if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            t[c as usize] = WORD;
        }
        if c == u8::MAX {
            break;
        }
        c += 1;
    }
    t[b'@' as usize] = TRIGGER;
    t[b':' as usize] = TRIGGER;
    t[b'+' as usize] = TRIGGER;
    t[b'(' as usize] = TRIGGER;
    t[b'?' as usize] = TRIGGER;
    t[b'&' as usize] = TRIGGER;
    t
};

/// The engine. Build once, share freely (it is `Send + Sync`), use for
/// every line or buffer.
#[derive(Debug, Clone)]
pub struct Redactor {
    config: RedactorConfig,
    exclusions: Exclusions,
    on: [bool; Detector::ALL.len()],
    secret_keys: keyed::SecretKeys,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new(RedactorConfig::default())
    }
}

impl Redactor {
    /// An engine with `config` and no exclusions.
    pub fn new(config: RedactorConfig) -> Self {
        Self::with_exclusions(config, Exclusions::default())
    }

    /// An engine with `config` and `exclusions` (PII-003).
    pub fn with_exclusions(config: RedactorConfig, exclusions: Exclusions) -> Self {
        let on = std::array::from_fn(|k| config.is_enabled(Detector::ALL[k]));
        let secret_keys = keyed::SecretKeys::new(config.sensitive_keys());
        Self {
            config,
            exclusions,
            on,
            secret_keys,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &RedactorConfig {
        &self.config
    }

    /// The exclusions.
    pub fn exclusions(&self) -> &Exclusions {
        &self.exclusions
    }

    fn on(&self, d: Detector) -> bool {
        self.on[d.index()]
    }

    /// What would be redacted in `input` (as text), in order, without
    /// overlaps. Works on any bytes: invalid UTF-8 is simply not matched.
    pub fn find(&self, input: &[u8]) -> Vec<Redaction> {
        let mut outcome = Outcome::default();
        self.scan(input, 0, None, &mut outcome);
        outcome.redactions
    }

    /// `input` (as text) with every match replaced, and the matches.
    pub fn redact(&self, input: &[u8]) -> (Vec<u8>, Vec<Redaction>) {
        let mut out = Vec::with_capacity(input.len());
        let mut outcome = Outcome::default();
        self.redact_into(input, Mode::Text, &mut out, &mut outcome);
        (out, outcome.redactions)
    }

    /// Appends `input` with every match replaced to `out`, and what was
    /// redacted and suppressed to `outcome` (spans relative to `input`).
    /// `input` may be one line or a whole buffer of lines.
    pub fn redact_into(&self, input: &[u8], mode: Mode, out: &mut Vec<u8>, outcome: &mut Outcome) {
        match mode {
            Mode::Text => self.redact_text(input, 0, out, outcome),
            Mode::Json => {
                let mut at = 0;
                while at < input.len() {
                    let end = memchr::memchr(b'\n', &input[at..]).map_or(input.len(), |k| at + k);
                    let line = &input[at..end];
                    if !json::redact_line(self, line, at, out, outcome) {
                        self.redact_text(line, at, out, outcome);
                    }
                    if end < input.len() {
                        out.push(b'\n');
                    }
                    at = end + 1;
                }
            }
        }
    }

    /// `text` (at `base` in the input) as text: found, then replaced.
    fn redact_text(&self, text: &[u8], base: usize, out: &mut Vec<u8>, outcome: &mut Outcome) {
        let first = outcome.redactions.len();
        self.scan(text, base, None, outcome);
        self.splice(text, base, &outcome.redactions[first..], out);
    }

    /// Writes `text` (which starts at `base` in the input) to `out` with the
    /// `found` spans (input offsets, inside `text`, in order) replaced.
    pub(crate) fn splice(&self, text: &[u8], base: usize, found: &[Redaction], out: &mut Vec<u8>) {
        let mut at = 0;
        for r in found {
            let (s, e) = (r.start - base, r.end - base);
            out.extend_from_slice(&text[at..s]);
            replacement::write(
                &self.config.setting(r.detector).replacement,
                r.detector,
                &text[s..e],
                out,
            );
            at = e;
        }
        out.extend_from_slice(&text[at..]);
    }

    /// Finds the values in `text` (which starts at `base` in the input) and
    /// appends them to `outcome`; `key` is the JSON key holding `text`.
    pub(crate) fn scan(&self, text: &[u8], base: usize, key: Option<&[u8]>, outcome: &mut Outcome) {
        self.scan_from(text, 0, 0, base, key, outcome, true);
    }

    /// The scan loop from `start`, with detectors seeing the text from
    /// `floor` on. Detectors see the text from the end of the previous match
    /// on, as a second pass sees it behind a `[TOKEN]`; and when a match
    /// begins, the word before it is scanned again with the text cut at the
    /// match, as a second pass sees it. Both keep redaction idempotent.
    #[allow(clippy::too_many_arguments)]
    fn scan_from(
        &self,
        text: &[u8],
        floor: usize,
        start: usize,
        base: usize,
        key: Option<&[u8]>,
        outcome: &mut Outcome,
        rescan: bool,
    ) {
        let len = text.len();
        let mut i = start;
        let mut floor = floor;
        while i < len {
            let visible = &text[floor..];
            let at = i - floor;
            let hit = match CLASS[usize::from(text[i])] {
                BORING => None,
                WORD => {
                    let hit = if at == 0 || !is_word_byte(visible[at - 1]) {
                        self.at_word(visible, at)
                    } else {
                        None
                    };
                    if hit.is_none() {
                        i += 1 + text[i + 1..]
                            .iter()
                            .position(|c| CLASS[usize::from(*c)] != WORD)
                            .unwrap_or(len - i - 1);
                        continue;
                    }
                    hit
                }
                _ => self.at_trigger(visible, at),
            };
            match hit {
                Some((d, s, e)) => {
                    let (s, e) = (floor + s, floor + e);
                    if rescan && s > floor {
                        let word = text[floor..s]
                            .iter()
                            .rposition(u8::is_ascii_whitespace)
                            .map_or(floor, |k| floor + k + 1);
                        if word < s {
                            self.scan_from(&text[..s], floor, word, base, key, outcome, false);
                        }
                    }
                    self.keep(d, text, s, e, base, key, outcome);
                    i = e;
                    floor = e;
                }
                None => i += 1,
            }
        }
    }

    /// A value starting at the word start `i`.
    fn at_word(&self, text: &[u8], i: usize) -> Option<(Detector, usize, usize)> {
        let b = text[i];
        // The shape of the word's start decides which validators can
        // apply: each needs a particular run and the byte after it.
        let v6 = || {
            let hex = text[i..]
                .iter()
                .take(5)
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            self.on(Detector::Ip) && hex <= 4 && text.get(i + hex) == Some(&b':')
        };
        if b.is_ascii_digit() {
            let run = text[i..]
                .iter()
                .take(20)
                .take_while(|c| c.is_ascii_digit())
                .count();
            let next = text.get(i + run).copied();
            if self.on(Detector::Card)
                && (run >= 12 || (run == 4 && matches!(next, Some(b' ' | b'-'))))
                && let Some((end, _)) = card::detect(text, i, self.config.redact_test_cards)
                && !text_key(text, i).is_some_and(is_id_key)
            {
                return Some((Detector::Card, i, end));
            }
            if self.on(Detector::Ip)
                && run <= 3
                && next == Some(b'.')
                && let Some(end) =
                    ip::detect_v4(text, i).and_then(|(end, a)| self.personal(a).then_some(end))
            {
                return Some((Detector::Ip, i, end));
            }
            if run <= 4
                && next.is_some_and(|c| c == b':' || c.is_ascii_hexdigit())
                && v6()
                && let Some(end) =
                    ip::detect_v6(text, i).and_then(|(end, a)| self.personal(a).then_some(end))
            {
                return Some((Detector::Ip, i, end));
            }
            if b == b'0'
                && self.on(Detector::Phone)
                && let Some(end) = phone::detect_zero(text, i)
                && !text_key(text, i).is_some_and(is_id_key)
            {
                return Some((Detector::Phone, i, end));
            }
            return None;
        }
        if self.on(Detector::Secret)
            && matches!(b, b's' | b'r' | b'w' | b'g' | b'x' | b'A' | b'B')
            && let Some(end) = secret::detect(text, i)
        {
            return Some((Detector::Secret, i, end));
        }
        if !(b.is_ascii_uppercase() || matches!(b, b'a'..=b'f')) {
            return None;
        }
        if b.is_ascii_uppercase()
            && self.on(Detector::Iban)
            && text.get(i + 1).is_some_and(u8::is_ascii_uppercase)
            && text.get(i + 2).is_some_and(u8::is_ascii_digit)
            && text.get(i + 3).is_some_and(u8::is_ascii_digit)
            && let Some(end) = iban::detect(text, i)
        {
            return Some((Detector::Iban, i, end));
        }
        if self.on(Detector::Token) {
            if b == b'e'
                && text[i..].starts_with(b"eyJ")
                && let Some(end) = token::detect_jwt(text, i)
            {
                return Some((Detector::Token, i, end));
            }
            if b | 0x20 == b'b'
                && text
                    .get(i + 1)
                    .is_some_and(|c| matches!(c | 0x20, b'e' | b'a'))
                && let Some((s, e)) = token::detect_scheme(text, i)
            {
                return Some((Detector::Token, s, e));
            }
        }
        if b.is_ascii_hexdigit()
            && v6()
            && let Some(end) =
                ip::detect_v6(text, i).and_then(|(end, a)| self.personal(a).then_some(end))
        {
            return Some((Detector::Ip, i, end));
        }
        None
    }

    /// A value at (or, for an email, around) the punctuation at `i`.
    fn at_trigger(&self, text: &[u8], i: usize) -> Option<(Detector, usize, usize)> {
        match text[i] {
            b'@' if self.on(Detector::Email) => {
                email::detect(text, i).map(|(s, e)| (Detector::Email, s, e))
            }
            b':' => {
                if self.on(Detector::UrlPart)
                    && let Some((s, e)) = url::detect_userinfo(text, i)
                {
                    return Some((Detector::UrlPart, s, e));
                }
                if self.on(Detector::Ip)
                    && text.get(i + 1) == Some(&b':')
                    && (i == 0 || !is_word_byte(text[i - 1]))
                {
                    let (end, addr) = ip::detect_v6(text, i)?;
                    return self.personal(addr).then_some((Detector::Ip, i, end));
                }
                None
            }
            b'+' if self.on(Detector::Phone) => {
                phone::detect_plus(text, i).map(|e| (Detector::Phone, i, e))
            }
            b'(' if self.on(Detector::Phone) => {
                phone::detect_zero(text, i).map(|e| (Detector::Phone, i, e))
            }
            b'?' | b'&' if self.on(Detector::UrlPart) => {
                url::detect_query(text, i, self.config.sensitive_keys())
                    .map(|(s, e)| (Detector::UrlPart, s, e))
            }
            _ => None,
        }
    }

    /// A JSON string value `text` (at `base`) under `key`: redacted whole
    /// as PII-007 when the key names a secret (JSON mode reads keys
    /// structurally, so `{"password":"…"}` needs no `=` or `:` scan).
    pub(crate) fn keep_secret_value(
        &self,
        text: &[u8],
        base: usize,
        key: Option<&[u8]>,
        outcome: &mut Outcome,
    ) {
        if self.on(Detector::UrlPart)
            && !text.is_empty()
            && key.is_some_and(|k| self.secret_keys.contains(k))
        {
            self.keep(Detector::UrlPart, text, 0, text.len(), base, key, outcome);
        }
    }

    fn personal(&self, addr: std::net::IpAddr) -> bool {
        self.config.redact_non_personal_ips
            || !self.config.kept_ip_ranges.iter().any(|r| r.contains(addr))
    }

    /// Records the match `[s, e)` of `text` as a redaction, or as a
    /// suppression when an exclusion applies.
    #[allow(clippy::too_many_arguments)]
    fn keep(
        &self,
        d: Detector,
        text: &[u8],
        s: usize,
        e: usize,
        base: usize,
        key: Option<&[u8]>,
        outcome: &mut Outcome,
    ) {
        if !self.exclusions.of(d).is_empty() {
            let context = if self.exclusions.needs_context(d) {
                Context {
                    key: key.or_else(|| text_key(text, s)),
                    preceding: preceding_word(text, s).map(|(w, _)| w),
                }
            } else {
                Context::default()
            };
            if let Some(exclusion) = self.exclusions.first_match(d, &text[s..e], &context) {
                outcome.suppressed.push(Suppression {
                    detector: d,
                    exclusion,
                    start: base + s,
                    end: base + e,
                });
                return;
            }
        }
        outcome.redactions.push(Redaction {
            detector: d,
            start: base + s,
            end: base + e,
        });
    }
}

/// Whether a key names an identifier or a counter (`id`, `order_id`,
/// `statementId`, `seq`, `offset`, `ts`): digits under it are not a card
/// or a phone number.
fn is_id_key(key: &[u8]) -> bool {
    const COUNTERS: &[&[u8]] = &[
        b"seq",
        b"sequence",
        b"offset",
        b"nonce",
        b"ts",
        b"timestamp",
        b"epoch",
        b"counter",
        b"count",
    ];
    let lower = key.to_ascii_lowercase();
    lower == b"id"
        || [b"_id", b"-id", b".id"].iter().any(|s| lower.ends_with(*s))
        || key.ends_with(b"Id")
        || key.ends_with(b"ID")
        || COUNTERS.contains(&lower.as_slice())
}

fn is_context_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'
}

/// The word before `s` on its line, and whether what separates them holds
/// `=` or `:` (then the word is a key).
fn preceding_word(text: &[u8], s: usize) -> Option<(&[u8], bool)> {
    let mut j = s;
    let mut keyed = false;
    while j > 0 && b" \t=:\"'(,;[{<".contains(&text[j - 1]) {
        keyed |= matches!(text[j - 1], b'=' | b':');
        j -= 1;
    }
    let end = j;
    while j > 0 && is_context_word(text[j - 1]) {
        j -= 1;
    }
    (j < end).then(|| (&text[j..end], keyed))
}

/// The `key` of `key=value` or `key: value` right before `s`.
fn text_key(text: &[u8], s: usize) -> Option<&[u8]> {
    preceding_word(text, s)
        .filter(|(_, keyed)| *keyed)
        .map(|(w, _)| w)
}
