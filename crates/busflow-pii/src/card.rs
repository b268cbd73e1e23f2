//! PII-001: payment card numbers.
//!
//! Luhn alone passes one random digit string in ten, so a candidate must
//! also start with a brand's issuer prefix (IIN) and have one of that
//! brand's lengths; separators (spaces or dashes) must be consistent and
//! groups sized like printed cards; the number must stand alone (no letter,
//! digit, `_`, or `-`/`.` joined to a word before or after it). Epoch
//! timestamps, epoch-plus-year pairs, UUID fragments and long id runs fail
//! one of these.

use crate::boundary::is_word_byte;

/// A card brand: issuer prefixes (inclusive ranges of the first digits) and
/// the lengths it issues.
struct Brand {
    name: &'static str,
    prefixes: &'static [(u32, u32)],
    lengths: &'static [usize],
}

/// Issuer identification numbers of the major brands.
static BRANDS: &[Brand] = &[
    Brand {
        name: "visa",
        prefixes: &[(4, 4)],
        lengths: &[13, 16, 19],
    },
    Brand {
        name: "mastercard",
        prefixes: &[(51, 55), (2221, 2720)],
        lengths: &[16],
    },
    Brand {
        name: "amex",
        prefixes: &[(34, 34), (37, 37)],
        lengths: &[15],
    },
    Brand {
        name: "diners",
        prefixes: &[(300, 305), (3095, 3095), (36, 36), (38, 39)],
        lengths: &[14, 15, 16, 17, 18, 19],
    },
    Brand {
        name: "discover",
        prefixes: &[(6011, 6011), (644, 649), (65, 65), (622_126, 622_925)],
        lengths: &[16, 17, 18, 19],
    },
    Brand {
        name: "jcb",
        prefixes: &[(3528, 3589)],
        lengths: &[16, 17, 18, 19],
    },
    Brand {
        name: "unionpay",
        prefixes: &[(62, 62)],
        lengths: &[16, 17, 18, 19],
    },
    Brand {
        name: "maestro",
        prefixes: &[
            (5018, 5018),
            (5020, 5020),
            (5038, 5038),
            (5893, 5893),
            (6304, 6304),
            (6759, 6759),
            (6761, 6763),
        ],
        lengths: &[12, 13, 14, 15, 16, 17, 18, 19],
    },
    Brand {
        name: "dankort",
        prefixes: &[(5019, 5019)],
        lengths: &[16],
    },
    Brand {
        name: "mir",
        prefixes: &[(2200, 2204)],
        lengths: &[16, 17, 18, 19],
    },
    Brand {
        name: "uatp",
        prefixes: &[(1, 1)],
        lengths: &[15],
    },
];

/// Test numbers the card networks publish; redacted unless configured.
pub(crate) const TEST_NUMBERS: &[&str] = &[
    "4111111111111111",
    "4012888888881881",
    "4222222222222",
    "5555555555554444",
    "5105105105105100",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "6011000990139424",
    "3530111333300000",
    "30569309025904",
    "38520000023237",
];

/// The brand of `digits` (ASCII digits only), if its prefix and length fit one.
pub(crate) fn brand(digits: &[u8]) -> Option<&'static str> {
    BRANDS
        .iter()
        .find(|b| {
            b.lengths.contains(&digits.len())
                && b.prefixes.iter().any(|&(lo, hi)| {
                    let width = decimal_width(hi);
                    digits.len() >= width && (lo..=hi).contains(&prefix_value(&digits[..width]))
                })
        })
        .map(|b| b.name)
}

fn decimal_width(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}

fn prefix_value(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
}

/// The Luhn checksum holds.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0');
            if i % 2 == 1 {
                let d2 = v * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether the byte at `i` ends a number: the end, or not glued to a word
/// (`-`/`.` count as glue only when a word byte follows).
fn ends_number(text: &[u8], i: usize) -> bool {
    i >= text.len()
        || !(is_word_byte(text[i])
            || ((text[i] == b'-' || text[i] == b'.')
                && text
                    .get(i + 1)
                    .is_some_and(|b| is_word_byte(*b) && !b.is_ascii_digit())))
}

/// Whether a number ending at `i` is a plain number: nothing glued after.
fn plain_number_ends(text: &[u8], i: usize) -> bool {
    text.get(i)
        .is_none_or(|b| !(is_word_byte(*b) || matches!(b, b'-' | b'.' | b':' | b'/')))
}

/// Card-shaped readings of the digits starting at `start`, longest first,
/// each given to `visit` as its end and the digits without separators until
/// `visit` accepts one. Groups are read across one consistent separator
/// (space or dash); a reading is a prefix of the groups with 12 to 19
/// digits, printed like a card (one group, or 4 digits then groups of 3 to
/// 6), ending at a number boundary. Nothing is allocated: the scan meets a
/// digit run at every number of a dense log.
pub(crate) fn candidates<R>(
    text: &[u8],
    start: usize,
    mut visit: impl FnMut(usize, &[u8]) -> Option<R>,
) -> Option<R> {
    // Left boundary: not glued to a word, and not the tail of a dashed or
    // dotted id (`a716-4466…`, `v1.4111…`).
    if start > 0 {
        let prev = text[start - 1];
        if is_word_byte(prev) || prev == b'+' {
            return None;
        }
        if (prev == b'-' || prev == b'.' || prev == b'/')
            && start >= 2
            && is_word_byte(text[start - 2])
        {
            return None;
        }
        // Inside a list of numbers (`counters=12 3994 5114 …`). The engine
        // hides what it already redacted, so `card1 card2` is no list.
        if prev == b' ' && start >= 2 && text[start - 2].is_ascii_digit() {
            return None;
        }
    }
    // (start, end) of each digit group: at most 8 are read.
    let mut groups = [(0usize, 0usize); 8];
    let mut count = 0;
    let mut len = 0;
    let mut sep: Option<u8> = None;
    let mut i = start;
    loop {
        let group_start = i;
        while i < text.len() && text[i].is_ascii_digit() {
            i += 1;
        }
        groups[count] = (group_start, i);
        count += 1;
        len += i - group_start;
        if count == groups.len() || len > 32 {
            break;
        }
        if i + 1 < text.len()
            && (text[i] == b' ' || text[i] == b'-')
            && text[i + 1].is_ascii_digit()
            && sep.is_none_or(|s| s == text[i])
        {
            sep = Some(text[i]);
            i += 1;
            continue;
        }
        break;
    }
    let groups = &groups[..count];
    let size = |(s, e): &(usize, usize)| e - s;
    let mut digits = [0u8; 64];
    for k in (1..=groups.len()).rev() {
        let parts = &groups[..k];
        let total: usize = parts.iter().map(size).sum();
        let end = parts[k - 1].1;
        let printed = k == 1
            || (size(&parts[0]) == 4 && parts[1..].iter().all(|g| (3..=6).contains(&size(g))));
        // Grouped digits that go on in the same grouping with short plain
        // numbers, six groups or more in all, are a list of numbers
        // (`/proc/stat`-style counters), not a card with something after
        // it; one number after a 16-digit card (`… 1881 3 items`) or a date
        // (`… 1881 2026-11-23`) is not a list.
        let list_goes_on = k > 1
            && k < groups.len()
            && (groups.len() >= 6 || groups.len() - k >= 2)
            && groups[k..].iter().all(|g| size(g) <= 6)
            && plain_number_ends(text, groups[groups.len() - 1].1);
        if !(12..=19).contains(&total) || !printed || list_goes_on || !ends_number(text, end) {
            continue;
        }
        let mut n = 0;
        for &(s, e) in parts {
            digits[n..n + e - s].copy_from_slice(&text[s..e]);
            n += e - s;
        }
        if let Some(r) = visit(end, &digits[..n]) {
            return Some(r);
        }
    }
    None
}

/// The card number at `start`, if there is one: its end and brand.
pub(crate) fn detect(
    text: &[u8],
    start: usize,
    redact_test_numbers: bool,
) -> Option<(usize, &'static str)> {
    // A card is one run of 12 or more digits, or begins with a group of
    // four: anything else is rejected before any allocation.
    let run = text[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if run < 12 && run != 4 {
        return None;
    }
    if run == 4 {
        // Then a separator and a group of 3 to 6 digits (not `2026-11-23`).
        let next = text.get(start + 5..).unwrap_or_default();
        let group = next
            .iter()
            .take(7)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if !matches!(text.get(start + 4), Some(b' ' | b'-')) || !(3..=6).contains(&group) {
            return None;
        }
    }
    candidates(text, start, |end, digits| {
        let brand = brand(digits)?;
        if !luhn(digits) {
            return None;
        }
        if !redact_test_numbers && TEST_NUMBERS.iter().any(|t| t.as_bytes() == digits) {
            return None;
        }
        Some((end, brand))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<&'static str> {
        detect(text.as_bytes(), 0, true).map(|(_, b)| b)
    }

    #[test]
    fn pii_001_brands_luhn_and_groupings() {
        assert_eq!(found("4111111111111111"), Some("visa"));
        assert_eq!(found("4012-8888-8888-1881"), Some("visa"));
        assert_eq!(found("4012 8888 8888 1881"), Some("visa"));
        assert_eq!(found("3714 496353 98431"), Some("amex"));
        assert_eq!(found("5555555555554444"), Some("mastercard"));
        assert_eq!(found("2223000048400011"), Some("mastercard"));
        assert_eq!(found("122000000000003"), Some("uatp"));
        assert_eq!(found("4012-8888-8888-1882"), None, "Luhn fails");
        assert_eq!(found("4012-8888 8888-1881"), None, "mixed separators");
        assert_eq!(
            found("40128-888-88881881"),
            None,
            "first group not 4 digits"
        );
    }

    #[test]
    fn pii_001_timestamps_ids_and_uuids_are_not_cards() {
        assert_eq!(found("1748503543012"), None, "epoch milliseconds");
        assert_eq!(found("1117838978 2005"), None, "epoch + year");
        assert_eq!(found("41111111111111112222"), None, "a 20-digit id");
        assert_eq!(
            found("4111 1111 1111 1111 2222 33"),
            None,
            "a list of numbers, not a card and numbers"
        );
        assert_eq!(found("4111 1111 1111 1111 3 items"), Some("visa"));
        assert_eq!(found("4111111111111111 2222"), Some("visa"));
        assert_eq!(
            found("4111 1111 1111 1111 2026-11-23"),
            Some("visa"),
            "a date after"
        );
        assert!(
            detect(b"n=12 4111 1111 1111 1111", 5, true).is_none(),
            "inside a list"
        );
        let uuid = b"550e8400-e29b-41d4-a716-446655440000";
        assert!(
            (0..uuid.len()).all(|i| !uuid[i].is_ascii_digit() || detect(uuid, i, true).is_none())
        );
        assert!(
            detect(b"blk_4111111111111111", 4, true).is_none(),
            "glued to a word"
        );
        assert!(
            detect(b"v1.4111111111111111", 3, true).is_none(),
            "a dotted id"
        );
    }

    #[test]
    fn pii_001_test_numbers_are_a_choice() {
        assert!(detect(b"4111111111111111", 0, false).is_none());
        assert!(detect(b"4111111111111111", 0, true).is_some());
        assert!(
            TEST_NUMBERS
                .iter()
                .all(|n| luhn(n.as_bytes()) && brand(n.as_bytes()).is_some()),
            "the table is made of valid cards"
        );
    }
}
