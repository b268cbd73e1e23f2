//! Byte sizes and CPU counts as Docker reads them.
//!
//! Memory values go through docker/go-units `RAMInBytes`: a number
//! (fractions allowed) and an optional unit `b`, `k`, `m`, `g`, `t`, `p`,
//! case-insensitive, with an optional `b` or `ib` after it, always binary:
//! `512M` = `512MB` = `512MiB` = 512·2²⁰. CPU values are decimal numbers
//! of cores (`"0.5"`), stored as nano-CPUs, so more than 9 decimals and
//! non-positive values are refused.

/// Parses a byte size the way Docker does (docker/go-units v0.5
/// `RAMInBytes`, which dockerd 28 and `docker stack config` use): the text
/// up to its last digit, `.` or space is a Go float (`512`, `1.`, `.5`,
/// `1e3`; a space right before the unit is dropped, any other makes the
/// number invalid), then an optional suffix of at most three letters: `b`
/// alone, or `k`, `m`, `g`, `t`, `p` (binary multiples) with an optional
/// `b` or `ib`, in any case.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let not_a_size =
        || format!("`{text}` is not a size: expected a number and a unit such as `512M`");
    let sep = text
        .rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
        .ok_or_else(not_a_size)?;
    let (number, suffix) = if text.as_bytes()[sep] == b' ' {
        (&text[..sep], &text[sep + 1..])
    } else {
        (&text[..=sep], &text[sep + 1..])
    };
    // Go's ParseFloat and Rust's agree on decimal text; neither takes
    // spaces, and the words Go reads (`Inf`, `NaN`) end in no digit.
    let size: f64 = number
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite())
        .ok_or_else(|| format!("`{number}` is not a number"))?;
    if size < 0.0 {
        return Err(not_a_size());
    }
    let bad_suffix =
        || format!("`{suffix}` is not a size unit: use b, k, m, g, t or p (binary multiples)");
    let lower = suffix.to_ascii_lowercase();
    let shift: i32 = match lower.as_bytes() {
        [] | [b'b'] => 0,
        _ if lower.len() > 3 => return Err(bad_suffix()),
        [unit, rest @ ..] => {
            let shift = match unit {
                b'k' => 10,
                b'm' => 20,
                b'g' => 30,
                b't' => 40,
                b'p' => 50,
                _ => return Err(bad_suffix()),
            };
            if !matches!(rest, [] | [b'b'] | [b'i', b'b']) {
                return Err(bad_suffix());
            }
            shift
        }
    };
    let bytes = (size * 2f64.powi(shift)).floor();
    // go-units returns an int64.
    if bytes >= 9_223_372_036_854_775_808.0 {
        return Err(format!("`{text}` is too large"));
    }
    Ok(floor_u64(bytes))
}

/// The floor of a non-negative finite `x` below 2^64.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn floor_u64(x: f64) -> u64 {
    // Callers pass a fraction times at most 2^50: in range, the cast is exact.
    if x.is_finite() && (0.0..18_446_744_073_709_551_616.0).contains(&x) {
        x.floor() as u64
    } else {
        0
    }
}

/// Parses a CPU count (`"0.5"`, `"2"`) into nano-CPUs, as Docker does.
pub fn parse_cpus(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (whole_part, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole_part.is_empty() && frac.is_empty()) || !digits(whole_part) || !digits(frac) {
        return Err(format!(
            "`{text}` is not a CPU count: expected a decimal number such as \"0.5\""
        ));
    }
    if frac.len() > 9 {
        return Err(format!("`{text}` has more precision than nano-CPUs hold"));
    }
    let cores: u64 = if whole_part.is_empty() {
        0
    } else {
        whole_part
            .parse()
            .map_err(|_| format!("`{text}` is too large"))?
    };
    let nanos: u64 = format!("{frac:0<9}").parse().unwrap_or(0);
    let total = cores
        .checked_mul(1_000_000_000)
        .and_then(|c| c.checked_add(nanos))
        .ok_or_else(|| format!("`{text}` is too large"))?;
    if total == 0 {
        return Err(format!("`{text}` reserves no CPU"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sizes_are_binary_whatever_the_spelling() {
        for s in [
            "512M", "512MB", "512MiB", "512m", "512mb", "0.5G", "524288k",
        ] {
            assert_eq!(parse_bytes(s), Ok(512 << 20), "{s}");
        }
        assert_eq!(parse_bytes("100"), Ok(100));
        assert_eq!(parse_bytes("1b"), Ok(1));
        assert_eq!(parse_bytes("2T"), Ok(2 << 40));
        assert!(parse_bytes("12X").is_err());
        assert!(parse_bytes("M").is_err());
        assert!(parse_bytes("").is_err());
        assert!(parse_bytes("1.2.3G").is_err());
    }

    /// Each verdict as `docker stack config` 28.2.2 gave it for
    /// `deploy.resources.limits.memory`.
    #[test]
    fn swarm_compose_012_memory_sizes_as_docker_reads_them() {
        for ok in [
            "512M", "1g", "1.5GiB", "100 MB", "1024", "2kb", "1.M", "1e3M", ".5G",
        ] {
            assert!(parse_bytes(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "M",
            "1xyz",
            "1 GB extra",
            "-1M",
            " 512M",
            "512  M",
            "512bb",
        ] {
            assert!(parse_bytes(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cpus_are_decimal_nano_cpus() {
        assert_eq!(parse_cpus("0.5"), Ok(500_000_000));
        assert_eq!(parse_cpus("2"), Ok(2_000_000_000));
        assert_eq!(parse_cpus(".25"), Ok(250_000_000));
        assert!(parse_cpus("0").is_err());
        assert!(parse_cpus("-1").is_err());
        assert!(parse_cpus("1e3").is_err());
        assert!(parse_cpus("0.0000000001").is_err());
    }

    proptest! {
        #[test]
        fn any_text_is_a_size_or_an_error(s in "\\PC{0,12}") {
            let _ = parse_bytes(&s);
            let _ = parse_cpus(&s);
        }

        #[test]
        fn mebibytes_round_trip(n in 0u64..1_000_000, unit in prop::sample::select(vec!["M", "MB", "MiB", "m"])) {
            prop_assert_eq!(parse_bytes(&format!("{n}{unit}")), Ok(n << 20));
        }
    }
}
