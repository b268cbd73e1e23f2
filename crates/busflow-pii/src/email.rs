//! PII-002: email addresses, found from their `@`.
//!
//! The local part follows the WHATWG "valid e-mail address" grammar minus
//! the characters that, in logs, are delimiters far more often than parts of
//! an address (`=`, `/`, `?`, `'`, `{`, `}`, `|`): `user=a@b.io` redacts
//! `a@b.io` and keeps the key. The domain is two or more labels (letters,
//! digits, inner hyphens, at most 63 bytes each) whose last is a top-level
//! label: letters only and at least two, or punycode (`xn--…`). A trailing
//! dot is sentence punctuation, not part of the address.

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b".!#$%&*+^_`~-".contains(&b)
}

fn is_label(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// The email address around the `@` at `at`: its byte span.
pub(crate) fn detect(text: &[u8], at: usize) -> Option<(usize, usize)> {
    // Local part, leftwards; no leading dot.
    let mut start = at;
    while start > 0 && is_local(text[start - 1]) {
        start -= 1;
    }
    while start < at && text[start] == b'.' {
        start += 1;
    }
    if start == at || text[at - 1] == b'.' || at - start > 64 {
        return None;
    }
    // A local part glued to a word byte that is not allowed in it (`é`,
    // another `@`) is not an address boundary.
    if start > 0 && (text[start - 1] >= 0x80 || text[start - 1] == b'@') {
        return None;
    }
    // Domain, rightwards: labels separated by single dots.
    let mut end = at + 1;
    let mut labels: Vec<(usize, usize)> = Vec::new();
    loop {
        let label_start = end;
        while end < text.len() && is_label(text[end]) {
            end += 1;
        }
        let label = &text[label_start..end];
        if label.is_empty()
            || label.len() > 63
            || label[0] == b'-'
            || label[label.len() - 1] == b'-'
        {
            // An empty label after a dot ends the address before that dot.
            if label.is_empty() && !labels.is_empty() {
                end = label_start - 1;
                break;
            }
            return None;
        }
        labels.push((label_start, end));
        if end + 1 < text.len() && text[end] == b'.' && is_label(text[end + 1]) {
            end += 1;
            continue;
        }
        break;
    }
    // Not glued to what follows (`a@b.com_x`, `a@b.comé`).
    if end < text.len() && (text[end] == b'_' || text[end] >= 0x80 || text[end] == b'@') {
        return None;
    }
    if labels.len() < 2 {
        return None;
    }
    let (tld_start, tld_end) = labels[labels.len() - 1];
    let tld = &text[tld_start..tld_end];
    let tld_ok = (tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic))
        || (tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--"));
    tld_ok.then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Option<&str> {
        let at = text.find('@')?;
        detect(text.as_bytes(), at).map(|(s, e)| &text[s..e])
    }

    #[test]
    fn pii_002_addresses_in_text_urls_quotes_and_json() {
        assert_eq!(
            find("my email address is info@presidio.site"),
            Some("info@presidio.site")
        );
        assert_eq!(
            find("user=first.last+tag@mail.example.co.uk;"),
            Some("first.last+tag@mail.example.co.uk")
        );
        assert_eq!(find(r#"{"email":"a@b.io"}"#), Some("a@b.io"));
        assert_eq!(
            find("mailto:ops@busflow.app?subject=x"),
            Some("ops@busflow.app")
        );
        assert_eq!(
            find("a@xn--d1acufc.xn--p1ai"),
            Some("a@xn--d1acufc.xn--p1ai")
        );
        assert_eq!(find("write to ops@busflow.app."), Some("ops@busflow.app"));
    }

    #[test]
    fn pii_002_not_addresses() {
        assert_eq!(find("my email is info@presidio."), None);
        assert_eq!(find("@handle on social"), None);
        assert_eq!(find("git@github"), None);
        assert_eq!(find("x@1.2.3.4"), None, "an IP is not a top-level label");
        assert_eq!(find("a@-b.com"), None);
        assert_eq!(find("pkg@1.4.2"), None, "npm versions");
    }
}
