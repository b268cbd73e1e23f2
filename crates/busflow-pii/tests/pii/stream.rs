//! Streaming redaction: the same bytes out whatever the thread count, in
//! input order, with bounded read-ahead (constant memory).

use crate::corpus;

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use busflow_pii::{Mode, Outcome, Redactor, stream};

fn mixed(bytes: usize) -> Vec<u8> {
    let mut rng = corpus::Rng::new(3);
    let mut out = Vec::new();
    while out.len() < bytes {
        let line = if rng.below(4) == 0 {
            corpus::dense_line(&mut rng)
        } else {
            corpus::clean_line(&mut rng)
        };
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

#[test]
fn every_thread_count_writes_the_same_bytes_in_order() {
    let input = mixed(5 * stream::CHUNK + 12_345);
    let redactor = Redactor::default();
    for mode in [Mode::Text, Mode::Json] {
        let mut whole = Vec::new();
        redactor.redact_into(&input, mode, &mut whole, &mut Outcome::default());
        for threads in [1, 2, 4] {
            let mut out = Vec::new();
            let tally = stream::filter(&redactor, mode, threads, &mut input.as_slice(), &mut out)
                .expect("filter");
            assert!(
                out == whole,
                "{mode:?} on {threads} threads differs from one pass"
            );
            assert_eq!(tally.bytes, input.len() as u64);
            assert_eq!(
                tally.lines,
                memchr::memchr_iter(b'\n', &input).count() as u64
            );
        }
    }
}

#[test]
fn a_line_longer_than_a_chunk_is_kept_whole_and_a_last_line_without_newline_too() {
    // Under the line cap (here raised above the default 256 KiB), a line
    // longer than a chunk is held whole.
    let mut input = vec![b'x'; 3 * stream::CHUNK];
    input.extend_from_slice(b" ann@example.com\nlast 4012888888881881");
    let mut out = Vec::new();
    stream::filter_capped(
        &Redactor::default(),
        Mode::Text,
        2,
        4 * stream::CHUNK,
        &mut input.as_slice(),
        &mut out,
    )
    .expect("filter");
    assert!(out.ends_with(b"x [EMAIL]\nlast [CARD]"));
    assert_eq!(
        out.len(),
        3 * stream::CHUNK + b" [EMAIL]\nlast [CARD]".len()
    );
}

/// A reader and a writer that share how far each has got.
struct Progress {
    read: Arc<AtomicUsize>,
    max_ahead: Arc<AtomicUsize>,
}

struct Source<'a>(&'a [u8], Arc<AtomicUsize>);

impl Read for Source<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        self.1.fetch_add(n, Ordering::SeqCst);
        Ok(n)
    }
}

struct Sink(Progress, usize);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let ahead = self.0.read.load(Ordering::SeqCst).saturating_sub(self.1);
        self.0.max_ahead.fetch_max(ahead, Ordering::SeqCst);
        // Redaction shortens clean text not at all: count input-sized bytes.
        self.1 += buf.len();
        std::thread::sleep(std::time::Duration::from_millis(2));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn read_ahead_is_bounded_whatever_the_input_size() {
    // Clean lines only, so output bytes track input bytes.
    let input = corpus::corpus(40 * stream::CHUNK, 5, corpus::clean_line);
    let read = Arc::new(AtomicUsize::new(0));
    let max_ahead = Arc::new(AtomicUsize::new(0));
    let mut source = Source(&input, Arc::clone(&read));
    let mut sink = Sink(
        Progress {
            read,
            max_ahead: Arc::clone(&max_ahead),
        },
        0,
    );
    let threads = 2;
    stream::filter(
        &Redactor::default(),
        Mode::Text,
        threads,
        &mut source,
        &mut sink,
    )
    .expect("filter");
    let bound = (3 * threads + 4) * stream::CHUNK;
    let ahead = max_ahead.load(Ordering::SeqCst);
    assert!(
        ahead <= bound,
        "read {ahead} bytes ahead of the writer, bound {bound}"
    );
    assert!(
        input.len() > 2 * bound,
        "the input must be larger than the bound for this to mean anything"
    );
}

/// A reader that yields `data` a few KiB at a time, as a pipe does.
struct Pipe<'a> {
    data: &'a [u8],
}

impl std::io::Read for Pipe<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(4096).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn a_line_over_the_cap_is_cut_at_white_space_and_counted() {
    let redactor = Redactor::new(busflow_pii::RedactorConfig::default());
    // 8 MiB of one line, read from a pipe: linear, and cut at 1 KiB.
    let mut line = b"user julia@example.org paid ".to_vec();
    while line.len() < 8 << 20 {
        line.extend_from_slice(b"word ");
    }
    line.extend_from_slice(b"tail@example.org\nnext line julia@example.org\n");
    let mut out = Vec::new();
    let tally = stream::filter_capped(
        &redactor,
        Mode::Text,
        2,
        1024,
        &mut Pipe { data: &line },
        &mut out,
    )
    .expect("filtered");
    let text = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{}", &text[..200]);
    assert!(
        lines[0].len() <= 1024 && lines[0].ends_with("word"),
        "{}",
        lines[0]
    );
    assert!(
        !text.contains("julia@example.org") && !text.contains("tail@"),
        "redacted, tail dropped"
    );
    assert_eq!(tally.truncated, 1);
}

/// A writer that fails as a closed pipe does after `room` bytes.
struct ClosedAfter {
    room: usize,
}

impl std::io::Write for ClosedAfter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_closed_output_ends_the_filter_with_the_pipe_error() {
    let redactor = Redactor::new(busflow_pii::RedactorConfig::default());
    let input: Vec<u8> = b"a line with julia@example.org in it\n"
        .iter()
        .copied()
        .cycle()
        .take(64 << 20)
        .collect();
    for threads in [1, 2, 4] {
        let err = stream::filter(
            &redactor,
            Mode::Text,
            threads,
            &mut input.as_slice(),
            &mut ClosedAfter { room: 10 },
        )
        .expect_err("the pipe closed");
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::BrokenPipe,
            "{threads} threads"
        );
    }
}
