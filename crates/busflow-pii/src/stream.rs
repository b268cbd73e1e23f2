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

/// Reads whole-line chunks of about `CHUNK` bytes; `None` at the end.
fn next_chunk(input: &mut impl Read, carry: &mut Vec<u8>) -> io::Result<Option<Vec<u8>>> {
    let mut buf = std::mem::take(carry);
    buf.reserve(CHUNK);
    loop {
        let filled = buf.len();
        let want = (filled + CHUNK).max(buf.capacity());
        buf.resize(want, 0);
        let n = loop {
            match input.read(&mut buf[filled..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other?,
            }
        };
        buf.truncate(filled + n);
        if n == 0 {
            return Ok((!buf.is_empty()).then_some(buf));
        }
        if buf.len() >= CHUNK
            && let Some(last) = memchr::memrchr(b'\n', &buf)
        {
            carry.extend_from_slice(&buf[last + 1..]);
            buf.truncate(last + 1);
            return Ok(Some(buf));
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
/// input order, and counts what it did.
pub fn filter(
    redactor: &Redactor,
    mode: Mode,
    threads: usize,
    input: &mut impl Read,
    output: &mut (impl Write + Send),
) -> io::Result<Tally> {
    let mut carry = Vec::new();
    let mut outcome = Outcome::default();
    let mut total = Tally::default();
    let Some(first) = next_chunk(input, &mut carry)? else {
        return Ok(total);
    };
    let second = next_chunk(input, &mut carry)?;
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
                None => next_chunk(input, &mut carry)?,
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
        drop(done_tx);
        let writer = scope.spawn(move || write_in_order(done_rx, &token_tx, output));
        let read = read_into(
            input,
            &mut carry,
            [first, second.unwrap_or_default()],
            &work_tx,
            &token_rx,
        );
        drop(work_tx);
        let written = writer
            .join()
            .map_err(|_| io::Error::other("the writer thread panicked"))?;
        read?;
        total.merge(&written?);
        Ok(total)
    })
}

fn read_into(
    input: &mut impl Read,
    carry: &mut Vec<u8>,
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
            None => next_chunk(input, carry)?,
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
