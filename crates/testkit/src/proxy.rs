//! A TCP proxy that cuts connections: forwards to a local port and drops
//! any connection after it has carried a given number of bytes from the
//! server, as a network failure in the middle of a download does.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};

/// The running proxy; stops accepting when dropped.
#[derive(Debug)]
pub struct CutProxy {
    port: u16,
    cuts: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

fn pipe(mut from: TcpStream, mut to: TcpStream, limit: Option<usize>, cuts: &AtomicUsize) {
    let mut buf = [0u8; 16 * 1024];
    let mut carried = 0usize;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(limit) = limit
            && carried + n > limit
        {
            let _ = to.write_all(&buf[..limit - carried]);
            cuts.fetch_add(1, Ordering::SeqCst);
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
            return;
        }
        carried += n;
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

impl CutProxy {
    /// Forwards `127.0.0.1:<port>` to `127.0.0.1:target`, cutting each
    /// connection once the server has sent `cut_after` bytes on it.
    pub fn start(target: u16, cut_after: usize) -> Result<Self> {
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(|e| Error::io("cut proxy", "bind", e))?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::io("cut proxy", "local address", e))?
            .port();
        listener
            .set_nonblocking(true)
            .map_err(|e| Error::io("cut proxy", "non-blocking", e))?;
        let cuts = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (counted, stopped) = (Arc::clone(&cuts), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                let Ok((client, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                let _ = client.set_nonblocking(false);
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let (Ok(client2), Ok(server2)) = (client.try_clone(), server.try_clone()) else {
                    continue;
                };
                let up = Arc::clone(&counted);
                let down = Arc::clone(&counted);
                std::thread::spawn(move || pipe(client, server, None, &up));
                std::thread::spawn(move || pipe(server2, client2, Some(cut_after), &down));
            }
        });
        Ok(Self { port, cuts, stop })
    }

    /// The port to connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How many connections were cut so far.
    pub fn cuts(&self) -> usize {
        self.cuts.load(Ordering::SeqCst)
    }
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
