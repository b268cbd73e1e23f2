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
use crate::{card, decode, email, iban, ip, json, keyed, phone, replacement, secret, token, url};

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

/// Why a match was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeptBy {
    /// An exclusion: its index into [`Exclusions::of`] the detector.
    Exclusion(usize),
    /// The key it stands under names an id: the index of the id-key pattern
    /// in [`RedactorConfig::id_keys`].
    IdKey(usize),
}

/// A match that was kept: an exclusion let it through, or its key names an
/// id. The rule, the reason and the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suppression {
    /// The detector that matched.
    pub detector: Detector,
    /// Why it was kept.
    pub by: KeptBy,
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

/// Bytes that may follow a key: `=`, a closing quote, bracket or
/// parenthesis (a space is checked apart: only ` =` counts).
static KEY_END: [bool; 256] = crate::boundary::byte_table(b"=\"'])");

/// Bytes that end an unquoted value of a secret key: a password may hold
/// any other (`,`, `;`, `'`, `)` included).
fn ends_keyed_value(b: u8) -> bool {
    b.is_ascii_whitespace() || b == b'&' || b == b'"'
}

/// The engine. Build once, share freely (it is `Send + Sync`), use for
/// every line or buffer.
#[derive(Debug, Clone)]
pub struct Redactor {
    config: RedactorConfig,
    exclusions: Exclusions,
    on: [bool; Detector::ALL.len()],
    secret_keys: keyed::SecretKeys,
    id_keys: keyed::IdKeys,
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
        let id_keys = keyed::IdKeys::new(config.id_keys());
        Self {
            config,
            exclusions,
            on,
            secret_keys,
            id_keys,
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

    /// A name for why `detector`'s match was kept: the exclusion's name, or
    /// `id key <pattern>`.
    pub fn kept_by_name(&self, detector: Detector, by: KeptBy) -> String {
        match by {
            KeptBy::Exclusion(e) => self
                .exclusions
                .of(detector)
                .get(e)
                .map_or_else(|| format!("#{e}"), |x| x.name.clone()),
            KeptBy::IdKey(k) => format!(
                "id key {}",
                self.config.id_keys().get(k).map_or("?", |p| p.as_ref())
            ),
        }
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
    /// Each line that holds an encoding (see [`decode`]) is scanned in its
    /// decoded view, and what is found there maps back to whole encoded
    /// sequences.
    pub(crate) fn scan(&self, text: &[u8], base: usize, key: Option<&[u8]>, outcome: &mut Outcome) {
        if !decode::needed(text) {
            self.scan_from(text, 0, 0, base, key, outcome, true);
            return;
        }
        let mut at = 0;
        while at < text.len() {
            let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |k| at + k);
            let line = &text[at..end];
            if decode::needed(line) {
                self.scan_decoded(line, base + at, key, outcome);
            } else {
                self.scan_from(line, 0, 0, base + at, key, outcome, true);
            }
            at = end + 1;
        }
    }

    /// Scans the decoded view of `text` and maps the spans back.
    fn scan_decoded(&self, text: &[u8], base: usize, key: Option<&[u8]>, outcome: &mut Outcome) {
        let (r0, s0) = (outcome.redactions.len(), outcome.suppressed.len());
        decode::with_decoded(text, |d| {
            self.scan_from(d.text(), 0, 0, 0, key, outcome, true);
            let mut floor = 0;
            for r in &mut outcome.redactions[r0..] {
                let (s, e) = d.source(r.start, r.end);
                // Two matches in one sequence's bytes: the first keeps it.
                (r.start, r.end) = (base + s.max(floor), base + e.max(floor));
                floor = e;
            }
            for r in &mut outcome.suppressed[s0..] {
                let (s, e) = d.source(r.start, r.end);
                (r.start, r.end) = (base + s, base + e);
            }
        });
        // Drop what the mapping emptied, looking at this line's only.
        let mut kept = r0;
        for k in r0..outcome.redactions.len() {
            let r = outcome.redactions[k];
            if r.start < r.end {
                outcome.redactions[kept] = r;
                kept += 1;
            }
        }
        outcome.redactions.truncate(kept);
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
                        let run_end = i
                            + 1
                            + text[i + 1..]
                                .iter()
                                .position(|c| CLASS[usize::from(*c)] != WORD)
                                .unwrap_or(len - i - 1);
                        // A word that may end a secret key, before what
                        // may end a key: the one check clean text pays.
                        let keyed = run_end < len
                            && run_end >= 2
                            && self
                                .secret_keys
                                .may_end(text[run_end - 2], text[run_end - 1])
                            && (KEY_END[usize::from(text[run_end])]
                                || (text[run_end] == b' ' && text.get(run_end + 1) == Some(&b'=')));
                        if let Some(Some(hit)) =
                            keyed.then(|| self.keyed_value(visible, run_end - floor))
                        {
                            Some(hit)
                        } else {
                            i = run_end;
                            continue;
                        }
                    } else {
                        hit
                    }
                }
                _ => self.at_trigger(visible, at),
            };
            match hit {
                Some((d, s, e)) => {
                    let (d, e) = if d == Detector::UrlPart {
                        self.value_kind(visible, s, e)
                    } else {
                        (d, e)
                    };
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

    /// A value starting at the word start `i`. Inlined into the scan loop
    /// (its other caller, `value_kind`, is kept out of it): left to the
    /// compiler it was called, which measured 1.2× slower on clean text.
    #[allow(clippy::inline_always)]
    #[inline(always)]
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
                && let Some(end) = phone::detect_zero(text, i, || phone_context(text, i))
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
    #[allow(clippy::inline_always)]
    #[inline(always)]
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
                phone::detect_zero(text, i, || phone_context(text, i))
                    .map(|e| (Detector::Phone, i, e))
            }
            b'?' | b'&' if self.on(Detector::UrlPart) => {
                url::detect_query(text, i, self.config.sensitive_keys())
                    .map(|(s, e)| (Detector::UrlPart, s, e))
            }
            _ => None,
        }
    }

    /// The rule a sensitive key's value `[s, e)` belongs to, and its end:
    /// the detector that matches it whole (an email under `email=`, a JWT
    /// under `token=`, a Stripe key under `api_key=`) or from its start on
    /// past a space (`phone=%2B49%2030%20…` decodes to spaces), else
    /// PII-007.
    // Rare (a sensitive key's value): kept out of the scan loop's code.
    #[inline(never)]
    fn value_kind(&self, text: &[u8], s: usize, e: usize) -> (Detector, usize) {
        let from_start = |hit: Option<(Detector, usize, usize)>| {
            hit.filter(|&(_, hs, he)| hs == s && he >= e)
                .map(|(d, _, he)| (d, he))
        };
        let found = if let Some(at) = memchr::memchr(b'@', &text[s..e]) {
            from_start(self.at_trigger(text, s + at))
        } else if matches!(text[s], b'+' | b'(') {
            from_start(self.at_trigger(text, s))
        } else if is_word_byte(text[s]) {
            from_start(self.at_word(text, s))
        } else {
            None
        };
        found.unwrap_or((Detector::UrlPart, e))
    }

    /// The value of a secret key whose name ends at `key_end` (before `=`,
    /// `":`, `]=`, `)=(` or ` = `), in logfmt, form bodies, JSON written as
    /// text, PostgreSQL's `Key (…)=(…)` and SQL: PII-007. A quoted or
    /// parenthesised value runs to its closing quote or parenthesis;
    /// another to a space, `&` or `"`. Placeholders (`[REDACTED]`, `null`, `$1`) and
    /// structure (`{`, `[`) are not values.
    #[inline(never)]
    fn keyed_value(&self, text: &[u8], key_end: usize) -> Option<(Detector, usize, usize)> {
        if !self.on(Detector::UrlPart) {
            return None;
        }
        let key_start = text[..key_end]
            .iter()
            .rposition(|b| !is_context_word(*b))
            .map_or(0, |k| k + 1);
        if !self.secret_keys.contains(&text[key_start..key_end]) {
            return None;
        }
        let mut j = key_end;
        let quoted_key = matches!(text.get(j), Some(b'"' | b'\''));
        if matches!(text.get(j), Some(b'"' | b'\'' | b']' | b')')) {
            j += 1;
        }
        let spaces = |j: usize| j + text[j..].iter().take_while(|b| **b == b' ').count();
        j = spaces(j);
        match text.get(j) {
            Some(b'=') => {}
            Some(b':') if quoted_key => {}
            _ => return None,
        }
        j = spaces(j + 1);
        let (s, e) = match *text.get(j)? {
            // PostgreSQL's `Key (password)=(…)`.
            b'(' => {
                let s = j + 1;
                (s, s + memchr::memchr(b')', &text[s..])?)
            }
            q @ (b'"' | b'\'') => {
                let s = j + 1;
                (s, s + memchr::memchr(q, &text[s..])?)
            }
            _ => (
                j,
                text[j..]
                    .iter()
                    .position(|b| ends_keyed_value(*b))
                    .map_or(text.len(), |k| j + k),
            ),
        };
        let value = &text[s..e];
        let placeholder = matches!(value.first(), Some(b'[' | b'{'))
            || value.iter().all(|b| *b == b'*')
            || matches!(value, b"null" | b"true" | b"false" | b"-" | b"?")
            || (value.first() == Some(&b'$') && value[1..].iter().all(u8::is_ascii_digit));
        (!value.is_empty() && !placeholder).then_some((Detector::UrlPart, s, e))
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
        if matches!(d, Detector::Card | Detector::Phone)
            && let Some(k) = text_key(text, s).or(key).and_then(|k| self.id_keys.find(k))
        {
            outcome.suppressed.push(Suppression {
                detector: d,
                by: KeptBy::IdKey(k),
                start: base + s,
                end: base + e,
            });
            return;
        }
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
                    by: KeptBy::Exclusion(exclusion),
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

/// Whether the text before `s` says a phone number follows: a key naming
/// one (`phone=`, `"mobile":`, `tel:`), or a word (`Tel.`, `Telefon`,
/// `call`, `unter`). An unseparated landline number needs it; without it a
/// run of digits is an id.
fn phone_context(text: &[u8], s: usize) -> bool {
    const WORDS: &[&[u8]] = &[
        b"tel",
        b"telefon",
        b"phone",
        b"call",
        b"mobil",
        b"mobile",
        b"handy",
        b"fax",
        b"rufnummer",
        b"nummer",
        b"unter",
        b"sms",
        b"whatsapp",
        b"festnetz",
    ];
    const KEY_PARTS: &[&[u8]] = &[b"phone", b"tel", b"mobile", b"fax", b"msisdn", b"handy"];
    let Some((word, keyed)) = preceding_word(text, s) else {
        return false;
    };
    let word = word.strip_suffix(b".").unwrap_or(word).to_ascii_lowercase();
    if WORDS.contains(&word.as_slice()) {
        return true;
    }
    keyed
        && word
            .split(|b| matches!(b, b'_' | b'-' | b'.'))
            .any(|part| KEY_PARTS.iter().any(|k| part == *k || part.ends_with(k)))
}

fn is_context_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'
}

/// The word before `s` on its line, and whether what separates them holds
/// `=` or `:` (then the word is a key).
fn preceding_word(text: &[u8], s: usize) -> Option<(&[u8], bool)> {
    let mut j = s;
    let mut keyed = false;
    while j > 0 && b" \t=:\"'(),;[]{<".contains(&text[j - 1]) {
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
