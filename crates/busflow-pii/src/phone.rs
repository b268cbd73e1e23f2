//! PIIX-003: phone numbers in E.164 (`+49 30 1234567`, `+4930…`,
//! `+49 (0)30 …`, `0049 30 …`, `0049…`) and German national format
//! (`030 1234567`, `030/1234567`, `(030) 1234567`, `0170-1234567`,
//! `01701234567`, `02217915041` where a word says it is a number), also
//! behind `tel:`.
//!
//! Precision strategy, form by form:
//! - Digits are read in groups across single separators (space, `-`, `/`,
//!   and a parenthesised group); a number glued to a word, or continued by
//!   `.digit` or `:digit`, is something else.
//! - E.164 (`+`): the country code never starts with 0 (so `+01:00` and
//!   `+0100` offsets are not phones); 8 to 15 digits.
//! - `00` international: the country code stands apart (`0049 30 …`), or
//!   it is Germany's `49` followed by 7 to 11 digits (`004922179150`); any
//!   other `00` run is a zero-padded id.
//! - National with separators: a trunk `0` and an area code (`0` + 2 to 5
//!   digits, not `00`) written apart from the subscriber number, 9 to 13
//!   digits in all, the subscriber part in groups of 2 or more never
//!   starting with 0 (but after a mobile prefix, `0151 0…`) — which rules out dates (`01-05-2024`, `05.01.2024`:
//!   area too short, `.` is no separator), versions and durations.
//! - National without separators: mobile numbers (`015x`, `016x`, `017x`,
//!   11 or 12 digits) always; landline numbers (10 to 12 digits) only where
//!   the text before them says a phone number follows (a key such as
//!   `phone=`/`"mobile":`/`tel:`, or a word such as `Tel.`, `Telefon`,
//!   `call`, `unter`). Without that, a run of digits is an id.
//! - Under an id key (`order_id=`, see `id_keys`) nothing is a phone.

use crate::boundary::is_word_byte;

/// Digit groups read from a position (one prefix of them).
#[derive(Clone, Copy)]
struct Groups {
    end: usize,
    digits: usize,
    count: usize,
    first: usize,
    shortest_after_first: usize,
    separated: bool,
}

/// Every prefix of the digit groups from `i`, shortest first; `None` when
/// they hold more than `max_digits` digits (an id, not a number).
fn read_groups(text: &[u8], mut i: usize, max_digits: usize) -> Option<Vec<Groups>> {
    let mut prefixes = Vec::new();
    let mut g = Groups {
        end: i,
        digits: 0,
        count: 0,
        first: 0,
        shortest_after_first: usize::MAX,
        separated: false,
    };
    loop {
        let paren = text.get(i) == Some(&b'(');
        let start = i + usize::from(paren);
        let mut j = start;
        while j < text.len() && text[j].is_ascii_digit() {
            j += 1;
        }
        let len = j - start;
        if len == 0 || (paren && text.get(j) != Some(&b')')) {
            break;
        }
        // `(0)` after a country code is the trunk prefix, not a digit.
        let counted = if paren && &text[start..j] == b"0" {
            0
        } else {
            len
        };
        if g.digits + counted > max_digits {
            return None;
        }
        g.digits += counted;
        if g.count == 0 {
            g.first = len;
        } else {
            g.shortest_after_first = g.shortest_after_first.min(len);
        }
        g.count += 1;
        i = j + usize::from(paren);
        g.end = i;
        prefixes.push(g);
        // A single separator, then another group.
        let sep = text.get(i).copied();
        let next = text.get(i + 1).copied();
        let next_group = next.is_some_and(|b| b.is_ascii_digit() || b == b'(');
        if matches!(sep, Some(b' ' | b'-' | b'/')) && next_group {
            g.separated = true;
            i += 1;
        } else if paren && next.is_some() && sep.is_some_and(|b| b.is_ascii_digit()) {
            // `(030)1234567`
            g.separated = true;
        } else if sep == Some(b'(') && next.is_some_and(|b| b.is_ascii_digit()) {
            // `+49(0)30…`
            g.separated = true;
        } else {
            break;
        }
    }
    (!prefixes.is_empty()).then_some(prefixes)
}

/// The end of the longest prefix that `accept`s and stands alone. A
/// shorter prefix is tried only when the group after it is glued to
/// something (`0666 66666 66D::` → `0666 66666`), never when it is a plain
/// number (`081117 259812 8` is a list, not a phone and a number).
fn longest(text: &[u8], prefixes: &[Groups], accept: impl Fn(&Groups) -> bool) -> Option<usize> {
    for (k, g) in prefixes.iter().enumerate().rev() {
        if k + 1 < prefixes.len() && ends_alone(text, prefixes[k + 1].end) {
            return None;
        }
        if ends_alone(text, g.end) && accept(g) {
            return Some(g.end);
        }
    }
    None
}

/// Whether the number ending at `end` stands alone.
fn ends_alone(text: &[u8], end: usize) -> bool {
    match text.get(end) {
        Some(&b) if is_word_byte(b) || b == b'+' => false,
        Some(b'.' | b':' | b',' | b'-') => !text.get(end + 1).is_some_and(u8::is_ascii_digit),
        _ => true,
    }
}

fn starts_alone(text: &[u8], start: usize) -> bool {
    // `tel:+49…`, `tel:030…`: the URI scheme.
    if start >= 4
        && text[start - 1] == b':'
        && text[start - 4..start - 1].eq_ignore_ascii_case(b"tel")
    {
        return start == 4 || !is_word_byte(text[start - 5]);
    }
    start == 0
        || !(is_word_byte(text[start - 1])
            || matches!(text[start - 1], b'+' | b'.' | b'-' | b'/' | b':')
            // Inside a list of numbers (`12 0044 062 60617`).
            || (text[start - 1] == b' ' && start >= 2 && text[start - 2].is_ascii_digit()))
}

/// An E.164 number from the `+` at `at`: its end.
pub(crate) fn detect_plus(text: &[u8], at: usize) -> Option<usize> {
    if !starts_alone(text, at) || !text.get(at + 1).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        return None;
    }
    let prefixes = read_groups(text, at + 1, 15)?;
    longest(text, &prefixes, |g| (8..=15).contains(&g.digits))
}

/// A number from the `0` or `(` at `start`: `00` international or German
/// national. Its end.
/// `says_phone` tells whether the text before says a phone number follows
/// (asked only for an unseparated landline number).
pub(crate) fn detect_zero(
    text: &[u8],
    start: usize,
    says_phone: impl Fn() -> bool,
) -> Option<usize> {
    if !starts_alone(text, start) {
        return None;
    }
    let paren = text[start] == b'(';
    let rest = &text[start + usize::from(paren)..];
    if rest.first() != Some(&b'0') {
        return None;
    }
    if !paren && rest.get(1) == Some(&b'0') {
        // `00` + country code, written in groups.
        if !rest.get(2).is_some_and(|b| (b'1'..=b'9').contains(b)) {
            return None;
        }
        let prefixes = read_groups(text, start + 2, 15)?;
        let germany = rest.get(2..4) == Some(b"49") && rest.get(4).is_some_and(|b| *b != b'0');
        // The country code (1 to 3 digits) stands apart: `0049 30 …`; or
        // it is Germany's, unseparated: `004922179150`.
        return longest(text, &prefixes, |g| {
            (g.first <= 3
                && text.get(start + 2 + g.first) == Some(&b' ')
                && (8..=15).contains(&g.digits))
                || (germany && !g.separated && (9..=13).contains(&g.digits))
        });
    }
    // Area codes start 02 to 09; 01 is mobile (015x to 017x) or a service.
    let mobile = matches!(rest.get(1..3), Some([b'1', b'5' | b'6' | b'7']));
    if !(mobile || rest.get(1).is_some_and(|b| (b'2'..=b'9').contains(b))) {
        return None;
    }
    let prefixes = read_groups(text, start, 13)?;
    longest(text, &prefixes, |g| {
        if !(9..=13).contains(&g.digits) {
            return false;
        }
        if !g.separated {
            return if mobile {
                (11..=12).contains(&g.digits)
            } else {
                (10..=12).contains(&g.digits) && !paren && says_phone()
            };
        }
        // Trunk + area code, then a subscriber number of 5 or more digits
        // in groups of 2 or more, never starting with 0: `080046 893` (a
        // date and a time) and `081117 259812 8` are not phones.
        let subscriber = g.digits - g.first;
        let leading_zero = text[start + usize::from(paren) + g.first..]
            .iter()
            .find(|b| b.is_ascii_digit())
            == Some(&b'0');
        (3..=6).contains(&g.first)
            && g.count <= 4
            && subscriber >= 5
            && g.shortest_after_first >= 2
            && (!leading_zero || (mobile && g.first == 4))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plus(text: &str) -> Option<&str> {
        let at = text.find('+')?;
        detect_plus(text.as_bytes(), at).map(|end| &text[at..end])
    }

    fn zero(text: &str) -> Option<&str> {
        let at = text.find(['0', '('])?;
        detect_zero(text.as_bytes(), at, || false).map(|end| &text[at..end])
    }

    fn zero_said(text: &str) -> Option<&str> {
        let at = text.find(['0', '('])?;
        detect_zero(text.as_bytes(), at, || true).map(|end| &text[at..end])
    }

    #[test]
    fn piix_003_forms_people_write() {
        assert_eq!(zero("0049 151 12345678"), Some("0049 151 12345678"));
        assert_eq!(zero("x 004922179150412 y"), Some("004922179150412"));
        assert_eq!(zero("015112345678"), Some("015112345678"));
        assert_eq!(plus("+49 (0)30 1234567"), Some("+49 (0)30 1234567"));
        assert_eq!(plus("tel:+4930123456"), Some("+4930123456"));
        assert_eq!(zero("tel:030123456"), None, "a landline run needs the word");
        assert_eq!(zero_said("tel:02217915041"), Some("02217915041"));
        assert_eq!(zero_said("Tel. 02217915041"), Some("02217915041"));
        assert_eq!(zero("ref 02217915041"), None, "an id without the word");
        assert_eq!(zero_said("02217915041234"), None, "too long for a landline");
        assert_eq!(plus("tel:+49(0)8970309345"), Some("+49(0)8970309345"));
        assert_eq!(zero("0012345678901"), None, "zero-padded, not Germany");
        assert_eq!(zero("motel:030 1234567"), None);
    }

    #[test]
    fn piix_003_e164_numbers() {
        assert_eq!(plus("call +49 30 1234567 now"), Some("+49 30 1234567"));
        assert_eq!(plus("tel=+4930123456;"), Some("+4930123456"));
        assert_eq!(plus("+1 415 555 0132"), Some("+1 415 555 0132"));
        assert_eq!(plus("+44 (0) 20 7123 4567"), Some("+44 (0) 20 7123 4567"));
        assert_eq!(plus("+44 (20) 7123 4567"), Some("+44 (20) 7123 4567"));
        assert_eq!(plus("+33 1 42 68 53 00."), Some("+33 1 42 68 53 00"));
    }

    #[test]
    fn piix_003_offsets_sums_and_long_runs_are_not_e164() {
        assert_eq!(plus("2026-11-23T10:00:00+01:00"), None);
        assert_eq!(plus("ts 10:00:00 +0100"), None);
        assert_eq!(plus("x=1+4930123456"), None);
        assert_eq!(plus("+1234567"), None, "too short");
        assert_eq!(plus("+1234567890123456"), None, "too long");
        assert_eq!(plus("+49301234567.5"), None, "a decimal");
    }

    #[test]
    fn piix_003_german_national_numbers() {
        assert_eq!(zero("Tel. 030 1234567"), Some("030 1234567"));
        assert_eq!(zero("030/12345678"), Some("030/12345678"));
        assert_eq!(zero("(030) 12345678"), Some("(030) 12345678"));
        assert_eq!(zero("0170-1234567"), Some("0170-1234567"));
        assert_eq!(zero("06221 54 1234"), Some("06221 54 1234"));
        assert_eq!(zero("01701234567"), Some("01701234567"));
        assert_eq!(zero("0049 30 1234567"), Some("0049 30 1234567"));
        assert_eq!(
            zero("0666 66666 66D::/"),
            Some("0666 66666"),
            "a glued tail is not part of it"
        );
    }

    #[test]
    fn piix_003_dates_versions_ids_and_durations_are_not_phones() {
        for text in [
            "01-05-2024",
            "05.01.2024",
            "0.12.3",
            "0301234567",
            "00000123456",
            "0012345678901",
            "order 0012-3456-7890",
            "took 0 1234 ms",
            "030 1234",
            "v1.0301234567",
            "id-030 1234567",
            "081112 080046 893 INFO",
            "081117 259812 8 INFO",
            "counters=1556 0299 6584 0020 967 67658",
            "n=12 0044 062 60617",
            "010 000000",
            "030 012345",
            "081117 259812 8 INFO",
        ] {
            assert_eq!(zero(text), None, "{text}");
        }
    }
}
