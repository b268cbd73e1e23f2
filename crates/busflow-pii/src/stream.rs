//! Streaming redaction: a reader in, a writer out, constant memory, every
//! core. What `pii-redact` runs; embed it in any filter.
//!
//! Input is cut into chunks of whole lines (about 1 MiB; a line longer than
//! that is held whole), chunks are redacted by `threads` workers and written
//! in input order. At most `3 × threads` chunks are in flight, so memory is
//! bounded whatever the input size. One chunk of input, or one thread, runs
//! without spawning anything.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use crate::engine::{Mode, Outcome, Redactor};
use crate::tally::Tally;

/// Bytes per chunk handed to a worker.
pub const CHUNK: usize = 1 << 20;

/// The longest line redacted whole, in bytes, by default: Loki's own
/// `max_line_size` default (256 KiB), so a longer line would not be
/// accepted downstream either. [`filter_capped`] takes another.
pub const MAX_LINE_BYTES: usize = 256 << 10;

/// Bytes asked of the reader at a time.
const SCRATCH: usize = 64 << 10;

/// Whole-line chunks of about [`CHUNK`] bytes from a reader, with every line
/// cut at `max_line` bytes (at the last white space in its final 256 bytes,
/// so no word is split) and the rest of it dropped: memory stays within
/// `CHUNK + max_line` whatever a line's length, and the work is linear (each
/// byte is read into a fixed scratch buffer and copied once).
struct Chunks<'a, R> {
    input: &'a mut R,
    pending: Vec<u8>,
    scratch: Vec<u8>,
    max_line: usize,
    // Length of the line being read, up to the cap.
    line_len: usize,
    // Dropping the rest of a line that went over the cap.
    discarding: bool,
    eof: bool,
    truncated: u64,
}

impl<'a, R: Read> Chunks<'a, R> {
    fn new(input: &'a mut R, max_line: usize) -> Self {
        Self {
            input,
            pending: Vec::with_capacity(CHUNK + SCRATCH),
            scratch: vec![0; SCRATCH],
            max_line: max_line.max(1),
            line_len: 0,
            discarding: false,
            eof: false,
            truncated: 0,
        }
    }

    /// The next chunk of whole lines; `None` at the end.
    fn next_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if self.pending.len() >= CHUNK
                && let Some(last) = memchr::memrchr(b'\n', &self.pending)
            {
                // The chunk keeps its buffer; the partial line after it
                // (under one read) moves to a fresh one of the same size,
                // so no buffer ever grows by doubling.
                let mut rest = Vec::with_capacity(CHUNK + SCRATCH);
                rest.extend_from_slice(&self.pending[last + 1..]);
                self.pending.truncate(last + 1);
                return Ok(Some(std::mem::replace(&mut self.pending, rest)));
            }
            if self.eof {
                return Ok((!self.pending.is_empty()).then(|| std::mem::take(&mut self.pending)));
            }
            let n = loop {
                match self.input.read(&mut self.scratch) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    other => break other?,
                }
            };
            if n == 0 {
                self.eof = true;
            } else {
                let scratch = std::mem::take(&mut self.scratch);
                self.push(&scratch[..n]);
                self.scratch = scratch;
            }
        }
    }

    fn push(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let newline = memchr::memchr(b'\n', data);
            if self.discarding {
                match newline {
                    // The cut line already ended with a newline of its own.
                    Some(i) => {
                        data = &data[i + 1..];
                        self.discarding = false;
                        continue;
                    }
                    None => return,
                }
            }
            let content = newline.unwrap_or(data.len());
            if self.line_len + content <= self.max_line {
                let take = newline.map_or(data.len(), |i| i + 1);
                self.pending.extend_from_slice(&data[..take]);
                self.line_len = if newline.is_some() {
                    0
                } else {
                    self.line_len + take
                };
                data = &data[take..];
                continue;
            }
            // Over the cap: keep what fits, cut back to white space, end the line.
            let room = self.max_line - self.line_len;
            self.pending.extend_from_slice(&data[..room]);
            let line_start = self.pending.len() - (self.line_len + room);
            let tail_from = self.pending.len().saturating_sub(256).max(line_start);
            if let Some(ws) = self.pending[tail_from..]
                .iter()
                .rposition(u8::is_ascii_whitespace)
            {
                self.pending.truncate(tail_from + ws);
            }
            self.pending.push(b'\n');
            self.truncated += 1;
            self.line_len = 0;
            let Some(i) = newline else {
                self.discarding = true;
                return;
            };
            data = &data[i + 1..];
        }
    }
}

fn redact_chunk(
    redactor: &Redactor,
    mode: Mode,
    chunk: &[u8],
    outcome: &mut Outcome,
) -> (Vec<u8>, Tally) {
    let mut out = Vec::with_capacity(chunk.len() + chunk.len() / 8);
    outcome.clear();
    redactor.redact_into(chunk, mode, &mut out, outcome);
    let mut tally = Tally::default();
    tally.add(outcome);
    tally.lines = memchr::memchr_iter(b'\n', chunk).count() as u64;
    tally.bytes = chunk.len() as u64;
    (out, tally)
}

/// Redacts `input` into `output` on `threads` workers (1 or more), in
/// input order, and counts what it did; lines are cut at
/// [`MAX_LINE_BYTES`].
pub fn filter(
    redactor: &Redactor,
    mode: Mode,
    threads: usize,
    input: &mut impl Read,
    output: &mut (impl Write + Send),
) -> io::Result<Tally> {
    filter_capped(redactor, mode, threads, MAX_LINE_BYTES, input, output)
}

/// [`filter`] with lines cut at `max_line` bytes (the cut is counted in
/// [`Tally::truncated`]). An error writing `output` (a closed pipe) ends the
/// work promptly: the workers and the reader stop at their next chunk.
pub fn filter_capped(
    redactor: &Redactor,
    mode: Mode,
    threads: usize,
    max_line: usize,
    input: &mut impl Read,
    output: &mut (impl Write + Send),
) -> io::Result<Tally> {
    let mut chunks = Chunks::new(input, max_line);
    let mut total = filter_chunks(redactor, mode, threads, &mut chunks, output)?;
    total.truncated += chunks.truncated;
    Ok(total)
}

fn filter_chunks<R: Read>(
    redactor: &Redactor,
    mode: Mode,
    threads: usize,
    chunks: &mut Chunks<'_, R>,
    output: &mut (impl Write + Send),
) -> io::Result<Tally> {
    let mut outcome = Outcome::default();
    let mut total = Tally::default();
    let Some(first) = chunks.next_chunk()? else {
        return Ok(total);
    };
    let second = chunks.next_chunk()?;
    if threads == 1 || second.is_none() {
        // One chunk of input, or one core: no threads.
        let mut chunk = Some(first);
        let mut then = second;
        while let Some(c) = chunk {
            let (out, tally) = redact_chunk(redactor, mode, &c, &mut outcome);
            output.write_all(&out)?;
            total.merge(&tally);
            chunk = match then.take() {
                Some(next) => Some(next),
                None => chunks.next_chunk()?,
            };
        }
        output.flush()?;
        return Ok(total);
    }
    // At most `in_flight` chunks between the reader and the writer.
    let in_flight = threads * 3;
    let (work_tx, work_rx) = sync_channel::<(u64, Vec<u8>)>(threads);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = sync_channel::<(u64, Vec<u8>, Tally)>(in_flight);
    let (token_tx, token_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        token_tx.send(()).map_err(io::Error::other)?;
    }
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || worker(redactor, mode, &work_rx, &done_tx));
        }
        // Only the workers hold the receiver: when they stop (the writer
        // failed), sending fails and the reader stops too.
        drop(work_rx);
        drop(done_tx);
        let writer = scope.spawn(move || write_in_order(done_rx, &token_tx, output));
        let read = read_into(
            chunks,
            [first, second.unwrap_or_default()],
            &work_tx,
            &token_rx,
        );
        drop(work_tx);
        let written = writer
            .join()
            .map_err(|_| io::Error::other("the writer thread panicked"))?;
        // The writer's error (a closed pipe) first: it is why the reader stopped.
        total.merge(&written?);
        read?;
        Ok(total)
    })
}

fn read_into<R: Read>(
    chunks: &mut Chunks<'_, R>,
    read: [Vec<u8>; 2],
    work_tx: &SyncSender<(u64, Vec<u8>)>,
    tokens: &Receiver<()>,
) -> io::Result<()> {
    let [first, second] = read;
    let mut then = Some(second);
    let mut chunk = Some(first);
    let mut seq = 0;
    while let Some(c) = chunk {
        // Wait until the writer has room; it hung up only on an error.
        if tokens.recv().is_err() || work_tx.send((seq, c)).is_err() {
            return Ok(());
        }
        seq += 1;
        chunk = match then.take() {
            Some(next) => Some(next),
            None => chunks.next_chunk()?,
        };
    }
    Ok(())
}

fn worker(
    redactor: &Redactor,
    mode: Mode,
    work: &Mutex<Receiver<(u64, Vec<u8>)>>,
    done: &SyncSender<(u64, Vec<u8>, Tally)>,
) {
    let mut outcome = Outcome::default();
    loop {
        let next = match work.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((seq, chunk)) = next else { return };
        let (out, tally) = redact_chunk(redactor, mode, &chunk, &mut outcome);
        if done.send((seq, out, tally)).is_err() {
            return;
        }
    }
}

fn write_in_order(
    done: Receiver<(u64, Vec<u8>, Tally)>,
    tokens: &SyncSender<()>,
    output: &mut impl Write,
) -> io::Result<Tally> {
    let mut pending = BTreeMap::new();
    let mut next = 0;
    let mut total = Tally::default();
    for (seq, out, tally) in done {
        pending.insert(seq, (out, tally));
        while let Some((out, tally)) = pending.remove(&next) {
            // On an error the receiver and the tokens' sender drop here, so
            // the workers and the reader stop instead of waiting forever.
            output.write_all(&out)?;
            total.merge(&tally);
            next += 1;
            // A token back to the reader: one more chunk may go out.
            let _ = tokens.send(());
        }
    }
    output.flush()?;
    Ok(total)
}
