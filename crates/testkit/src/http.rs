//! A minimal HTTP/1.0 GET for readiness probes (over TCP or a unix socket),
//! so that waiting for a service needs no async runtime.

use std::io::{Read, Write};
use std::time::Duration;

/// Sends `GET path` over `stream` and returns the status code and body.
pub(crate) fn get<S: Read + Write>(
    mut stream: S,
    host: &str,
    path: &str,
) -> Result<(u16, String), String> {
    let request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not an HTTP response: {head:.80}"))?;
    Ok((status, body.to_owned()))
}

/// `GET http://127.0.0.1:port/path`.
pub(crate) fn get_tcp(port: u16, path: &str) -> Result<(u16, String), String> {
    let stream = std::net::TcpStream::connect_timeout(
        &([127, 0, 0, 1], port).into(),
        Duration::from_secs(2),
    )
    .map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    get(stream, "127.0.0.1", path)
}

/// `GET path` over the unix socket at `socket`.
pub(crate) fn get_unix(socket: &std::path::Path, path: &str) -> Result<(u16, String), String> {
    let stream = std::os::unix::net::UnixStream::connect(socket).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    get(stream, "docker", path)
}
