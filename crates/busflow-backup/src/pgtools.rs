//! Finding the PostgreSQL client programs and passing them a connection
//! without putting the password on a command line.

use std::path::PathBuf;

use crate::error::Error;

/// The newest `/usr/lib/postgresql/<version>/bin/<program>` (Debian's
/// layout), else `<program>` on `PATH`.
pub fn find_program(program: &str) -> Result<PathBuf, Error> {
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let path = e.path().join("bin").join(program);
            path.is_file().then_some((version, path))
        })
        .collect();
    versioned.sort();
    if let Some((_, path)) = versioned.pop() {
        return Ok(path);
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .ok_or_else(|| Error::tool(program, "not found in /usr/lib/postgresql/*/bin or on PATH (Debian package postgresql-client)"))
}

/// A connection URL split into what goes on the command line (no
/// password) and the password (for `PGPASSWORD`).
pub(crate) struct Connection {
    pub url_without_password: String,
    pub password: Option<String>,
}

/// A URL component percent-decoded (a `%` not followed by two hex digits
/// stays as it is; invalid UTF-8 becomes U+FFFD).
pub(crate) fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Splits a connection string (URL or key-value) into what goes on the
/// command line (no password) and the password (for `PGPASSWORD`).
pub(crate) fn split_password(url: &str) -> Connection {
    let split = crate::conninfo::split(url);
    Connection {
        url_without_password: split.without_password,
        password: split.password,
    }
}

/// Replaces a password in `text` (an error message) with `****`.
pub(crate) fn scrub(text: &str, password: Option<&str>) -> String {
    match password {
        Some(p) if !p.is_empty() => text.replace(p, "****"),
        _ => text.to_owned(),
    }
}

/// The last `max` bytes of `text`, from a line start where possible.
pub(crate) fn tail(text: &[u8], max: usize) -> String {
    let start = text.len().saturating_sub(max);
    let from = text[start..]
        .iter()
        .position(|b| *b == b'\n')
        .filter(|_| start > 0)
        .map_or(start, |k| start + k + 1);
    String::from_utf8_lossy(&text[from..]).trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url() {
        let c = split_password("postgres://app:s%40cret@db.internal:5432/main?sslmode=verify-full");
        assert_eq!(
            c.url_without_password,
            "postgres://app@db.internal:5432/main?sslmode=verify-full"
        );
        assert_eq!(c.password.as_deref(), Some("s@cret"));
        let c = split_password("postgresql://app@localhost/x");
        assert_eq!(
            (c.url_without_password.as_str(), c.password),
            ("postgresql://app@localhost/x", None)
        );
        assert_eq!(
            scrub("failed for s@cret", Some("s@cret")),
            "failed for ****"
        );
        assert_eq!(tail(b"one\ntwo\nthree\n", 8), "three");
    }
}
