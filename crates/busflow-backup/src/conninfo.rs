//! PostgreSQL connection strings without their passwords.
//!
//! libpq takes a password in three places: the URL's user information
//! (`postgres://app:pw@host/db`), the URL's query (`?password=pw`) and a
//! key-value conninfo (`host=db password='p w'`). A program's arguments are
//! visible to every user of the machine (`ps`), so the password is taken out
//! of all three and handed over in `PGPASSWORD` instead, and every text
//! busflow shows of a connection string ([`redact`]) has it replaced by
//! `****`, as rust-postgres' `Config` hides it in `Debug`.

use crate::pgtools::percent_decode;

/// A connection string split into what may be shown or put on a command
/// line, and the password.
pub(crate) struct Split {
    /// The connection string without any password.
    pub without_password: String,
    /// The password (percent-decoded or unquoted), if one was given.
    pub password: Option<String>,
}

/// Whether `s` is a URL (`postgres://` or `postgresql://`) rather than a
/// key-value conninfo.
fn is_url(s: &str) -> bool {
    let lower = s.trim_start().get(..13).unwrap_or("").to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// Takes every password out of `conninfo` (URL or key-value form).
pub(crate) fn split(conninfo: &str) -> Split {
    if is_url(conninfo) {
        split_url(conninfo)
    } else {
        split_keyword(conninfo)
    }
}

/// Whether libpq could read `conninfo` as a URL or as key-value pairs. A
/// string that is neither is refused before any program sees it: its
/// password could not be taken out, and it is never echoed.
pub(crate) fn parses(conninfo: &str) -> bool {
    is_url(conninfo) || pairs(conninfo).is_some_and(|p| !p.is_empty())
}

/// `conninfo` with any password replaced by `****`, for messages, `Debug`
/// and logs. What cannot be parsed is not shown at all.
pub fn redact(conninfo: &str) -> String {
    if is_url(conninfo) {
        redact_url(conninfo)
    } else {
        redact_keyword(conninfo)
    }
}

fn url_parts(url: &str) -> (usize, usize, usize) {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[scheme_end..]
        .find(['/', '?'])
        .map_or(url.len(), |i| scheme_end + i);
    let query_start = url[authority_end..]
        .find('?')
        .map_or(url.len(), |i| authority_end + i);
    (scheme_end, authority_end, query_start)
}

fn split_url(url: &str) -> Split {
    let (scheme_end, authority_end, query_start) = url_parts(url);
    let authority = &url[scheme_end..authority_end];
    let mut password = None;
    // `user:password@hosts`: the last `@` ends the user information.
    let authority = match authority.rfind('@') {
        Some(at) => {
            let (userinfo, hosts) = (&authority[..at], &authority[at..]);
            match userinfo.split_once(':') {
                Some((user, pw)) => {
                    password = Some(percent_decode(pw));
                    format!("{user}{hosts}")
                }
                None => authority.to_owned(),
            }
        }
        None => authority.to_owned(),
    };
    let path = &url[authority_end..query_start];
    let mut kept = Vec::new();
    if query_start < url.len() {
        for pair in url[query_start + 1..].split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            // libpq: a query parameter overrides the user information.
            if percent_decode(key) == "password" {
                password = Some(percent_decode(value));
            } else if !pair.is_empty() {
                kept.push(pair);
            }
        }
    }
    let mut without_password = format!("{}{authority}{path}", &url[..scheme_end]);
    if !kept.is_empty() {
        without_password.push('?');
        without_password.push_str(&kept.join("&"));
    }
    Split {
        without_password,
        password,
    }
}

fn redact_url(url: &str) -> String {
    let split = split_url(url);
    let s = split.without_password;
    if split.password.is_none() {
        return s;
    }
    // A marker where the password was, so the reader sees one was given.
    let (scheme_end, authority_end, _) = url_parts(&s);
    if let Some(at) = s[scheme_end..authority_end].rfind('@') {
        format!(
            "{}{}:****{}",
            &s[..scheme_end],
            &s[scheme_end..scheme_end + at],
            &s[scheme_end + at..]
        )
    } else {
        let sep = if s.contains('?') { '&' } else { '?' };
        format!("{s}{sep}password=****")
    }
}

/// One `key = value` pair of a key-value conninfo, as written.
struct Pair<'a> {
    key: &'a str,
    /// The value, unquoted and unescaped.
    value: String,
    /// The pair as written, for putting it back.
    raw: &'a str,
}

/// Parses libpq's key-value form: `key = value` pairs separated by white
/// space, values bare or single-quoted, `\'` and `\\` escaped. `None` when
/// the text is not of that form.
fn pairs(text: &str) -> Option<Vec<Pair<'_>>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == bytes.len() {
            return Some(out);
        }
        let start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = &text[start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if key.is_empty() || i == bytes.len() || bytes[i] != b'=' {
            return None;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = Vec::new();
        if bytes.get(i) == Some(&b'\'') {
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return None,
                    Some(b'\'') => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') if i + 1 < bytes.len() => {
                        value.push(bytes[i + 1]);
                        i += 2;
                    }
                    Some(b) => {
                        value.push(*b);
                        i += 1;
                    }
                }
            }
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                if bytes[i] == b'\\' && i + 1 < bytes.len() {
                    i += 1;
                }
                value.push(bytes[i]);
                i += 1;
            }
        }
        out.push(Pair {
            key,
            value: String::from_utf8_lossy(&value).into_owned(),
            raw: &text[start..i],
        });
    }
}

fn split_keyword(text: &str) -> Split {
    let Some(pairs) = pairs(text) else {
        // Not a conninfo libpq would read either; nothing is taken out, and
        // [`redact`] shows none of it.
        return Split {
            without_password: text.to_owned(),
            password: None,
        };
    };
    let mut password = None;
    let mut kept = Vec::new();
    for p in pairs {
        if p.key == "password" {
            password = Some(p.value);
        } else {
            kept.push(p.raw);
        }
    }
    Split {
        without_password: kept.join(" "),
        password,
    }
}

fn redact_keyword(text: &str) -> String {
    match pairs(text) {
        None => "<a connection string that does not parse>".to_owned(),
        Some(pairs) => pairs
            .iter()
            .map(|p| {
                if p.key == "password" {
                    "password=****"
                } else {
                    p.raw
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_every_form() {
        let cases = [
            (
                "postgres://app:s%40cret@db:5432/main?sslmode=verify-full",
                "postgres://app@db:5432/main?sslmode=verify-full",
                Some("s@cret"),
            ),
            (
                "postgresql://app@db/main?password=hunter2&sslmode=require",
                "postgresql://app@db/main?sslmode=require",
                Some("hunter2"),
            ),
            (
                "postgres://app:old@db/main?sslmode=require&password=new",
                "postgres://app@db/main?sslmode=require",
                Some("new"),
            ),
            (
                "host=db user=app password='p w\\'x' dbname=main",
                "host=db user=app dbname=main",
                Some("p w'x"),
            ),
            ("host=db password = hunter2", "host=db", Some("hunter2")),
            (
                "postgresql://app@localhost/x",
                "postgresql://app@localhost/x",
                None,
            ),
        ];
        for (given, without, password) in cases {
            let s = split(given);
            assert_eq!(s.without_password, without, "{given}");
            assert_eq!(s.password.as_deref(), password, "{given}");
        }
    }

    #[test]
    fn redacted_texts_never_hold_the_password() {
        for (given, secret) in [
            ("postgres://app:hunter2@db/main", "hunter2"),
            ("postgres://app@db/main?password=hunter2", "hunter2"),
            ("host=db password='hunter2' user=app", "hunter2"),
            ("host=db password='hunter2", "hunter2"),
            ("postgres://app:hunter2@db:notaport/main", "hunter2"),
            ("postgres://app:hun%74er2@db/main", "hun%74er2"),
        ] {
            let shown = redact(given);
            assert!(!shown.contains(secret), "{given} -> {shown}");
        }
        assert_eq!(
            redact("postgres://app:hunter2@db/main"),
            "postgres://app:****@db/main"
        );
        assert_eq!(
            redact("host=db password=x user=app"),
            "host=db password=**** user=app"
        );
    }
}
