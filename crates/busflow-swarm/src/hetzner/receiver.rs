//! A webhook receiver for Alertmanager: every `POST` body (at most 1 MiB)
//! goes to a handler; its text is the 200 answer, its error a 500 (so
//! Alertmanager retries).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::error::{Error, ErrorKind};

/// The largest webhook body read.
pub const MAX_WEBHOOK_BYTES: usize = 1 << 20;

fn answer(status: StatusCode, text: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(text)));
    *r.status_mut() = status;
    r
}

/// Serves webhooks on `listener` until `shutdown` completes, one at a time
/// per connection; each body goes to `handler`.
pub async fn serve_webhook<H, Fut>(
    listener: TcpListener,
    handler: H,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error>
where
    H: Fn(Vec<u8>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, String>> + Send + 'static,
{
    let handler = Arc::new(handler);
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => accepted
                .map_err(|e| Error::new(ErrorKind::Webhook(format!("accept a connection: {e}"))))?,
        };
        let handler = Arc::clone(&handler);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let handler = Arc::clone(&handler);
                async move {
                    if req.method() != Method::POST {
                        return Ok::<_, Infallible>(answer(
                            StatusCode::METHOD_NOT_ALLOWED,
                            "POST an Alertmanager webhook\n".into(),
                        ));
                    }
                    let body = match Limited::new(req.into_body(), MAX_WEBHOOK_BYTES)
                        .collect()
                        .await
                    {
                        Ok(b) => b.to_bytes().to_vec(),
                        Err(e) => {
                            return Ok(answer(
                                StatusCode::PAYLOAD_TOO_LARGE,
                                format!("the body was not read: {e}\n"),
                            ));
                        }
                    };
                    Ok(match handler(body).await {
                        Ok(text) => answer(StatusCode::OK, text),
                        Err(e) => answer(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")),
                    })
                }
            });
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(error = %e, "webhook connection ended");
            }
        });
    }
}
