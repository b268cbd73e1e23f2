//! `pii-corpus`: writes the generated log corpora of `benches/corpus/pii.rs`
//! to stdout, for whole-process comparisons and the false-positive count:
//! `clean` (no personal data), `dense` (values of every detector on every
//! line), `realistic` (the twelve log families of this stack, half of the
//! lines with planted values; `benches/corpus/realistic.rs`).
//!
//! ```text
//! pii-corpus clean|dense|realistic BYTES [SEED]
//! ```

#[path = "../benches/corpus/pii.rs"]
#[allow(dead_code)]
mod corpus;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("--version" | "-V") => {
            println!("pii-corpus {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some("--help" | "-h") => {
            println!(
                "Write a generated log corpus to stdout.\n\nusage: pii-corpus clean|dense|realistic BYTES [SEED]\n\nclean: no personal data; dense: values of every detector on every line; realistic: the twelve log families of this stack with planted values. Needs nothing."
            );
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let line: fn(&mut corpus::Rng) -> String = match args.first().map(String::as_str) {
        Some("clean") => corpus::clean_line,
        Some("dense") => corpus::dense_line,
        Some("realistic") => corpus::realistic_line,
        _ => {
            eprintln!("usage: pii-corpus clean|dense|realistic BYTES [SEED]");
            return ExitCode::from(1);
        }
    };
    let Some(bytes) = args.get(1).and_then(|b| b.parse::<usize>().ok()) else {
        eprintln!("pii-corpus: BYTES must be a number");
        return ExitCode::from(1);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut rng = corpus::Rng::new(seed);
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let mut written = 0;
    while written < bytes {
        let l = line(&mut rng);
        written += l.len() + 1;
        if writeln!(out, "{l}").is_err() {
            return ExitCode::from(1);
        }
    }
    if out.flush().is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
