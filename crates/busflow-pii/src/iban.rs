//! IBANs: country code, check digits and BBAN of the country's length (the
//! SWIFT IBAN registry), with a valid mod-97 checksum. Upper case only;
//! grouped in fours by one consistent separator (space or dash), or not at
//! all.

use crate::boundary::is_word_byte;

/// IBAN length per country (ISO 3166 code), from the SWIFT IBAN registry;
/// a test compares it with `../shared/testdata/pii/iban-lengths.tsv`.
pub(crate) static LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

fn length_of(country: &[u8]) -> Option<usize> {
    LENGTHS
        .binary_search_by(|(c, _)| c.as_bytes().cmp(country))
        .ok()
        .map(|i| LENGTHS[i].1)
}

fn is_iban_char(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// The ISO 13616 checksum: the rearranged number mod 97 is 1.
pub(crate) fn mod97(iban: &[u8]) -> bool {
    let mut rem: u32 = 0;
    for &b in iban[4..].iter().chain(&iban[..4]) {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// The IBAN starting at `start`, if there is one: its end.
pub(crate) fn detect(text: &[u8], start: usize) -> Option<usize> {
    if start > 0 && is_word_byte(text[start - 1]) {
        return None;
    }
    let head = text.get(start..start + 4)?;
    if !(head[0].is_ascii_uppercase()
        && head[1].is_ascii_uppercase()
        && head[2].is_ascii_digit()
        && head[3].is_ascii_digit())
    {
        return None;
    }
    let len = length_of(&head[..2])?;
    let mut chars = Vec::with_capacity(len);
    let mut sep: Option<u8> = None;
    let mut i = start;
    while chars.len() < len && i < text.len() {
        let b = text[i];
        if is_iban_char(b) {
            chars.push(b);
            i += 1;
        } else if (b == b' ' || b == b'-')
            && chars.len() % 4 == 0
            && !chars.is_empty()
            && sep.is_none_or(|s| s == b)
            && text.get(i + 1).is_some_and(|n| is_iban_char(*n))
        {
            sep = Some(b);
            i += 1;
        } else {
            break;
        }
    }
    if chars.len() != len || (i < text.len() && is_word_byte(text[i])) {
        return None;
    }
    mod97(&chars).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_grouped_and_plain_ibans_with_valid_checksums() {
        assert_eq!(detect(b"DE89370400440532013000", 0), Some(22));
        assert_eq!(detect(b"DE89 3704 0044 0532 0130 00 ok", 0), Some(27));
        assert_eq!(detect(b"AL47-2121-1009-0000-0002-3569-8741", 0), Some(34));
        assert_eq!(detect(b"DE89370400440532013001", 0), None, "checksum");
        assert_eq!(detect(b"DE8937040044053201300", 0), None, "length");
        assert_eq!(
            detect(b"DE89 3704-0044 0532 0130 00", 0),
            None,
            "mixed separators"
        );
        assert_eq!(
            detect(b"AL47/2121/1009/0000/0002/3569/8741", 0),
            None,
            "slash"
        );
        assert_eq!(
            detect(b"XDE89370400440532013000", 1),
            None,
            "glued to a word"
        );
    }

    #[test]
    fn piix_001_lengths_match_the_registry_file() {
        let path = testkit::shared_dir()
            .expect("shared dir")
            .join("testdata/pii/iban-lengths.tsv");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let registry: Vec<(String, usize)> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                (
                    cols[0].to_owned(),
                    cols[cols.len() - 1].trim().parse().expect("length"),
                )
            })
            .collect();
        let ours: Vec<(String, usize)> =
            LENGTHS.iter().map(|(c, n)| ((*c).to_owned(), *n)).collect();
        assert_eq!(ours, registry);
    }

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
