//! The S3 server's backend: `s3s-fs`, with a `GetObject` body read in 1 MiB
//! chunks on a blocking thread.
//!
//! `s3s-fs` streams object bodies through `tokio::fs` in 4 KiB reads, each
//! a hop to the blocking pool: about 75 MB/s, which made the test server,
//! not the code under test, the bottleneck of any download. Everything but
//! the body (ranges, `ETag`, attributes, errors) is still `s3s-fs`'s answer;
//! only the body is replaced by the same bytes read faster.

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use s3s::dto::{
    AbortMultipartUploadInput, AbortMultipartUploadOutput, CompleteMultipartUploadInput,
    CompleteMultipartUploadOutput, CreateBucketInput, CreateBucketOutput,
    CreateMultipartUploadInput, CreateMultipartUploadOutput, DeleteObjectInput, DeleteObjectOutput,
    DeleteObjectsInput, DeleteObjectsOutput, GetObjectInput, GetObjectOutput, HeadBucketInput,
    HeadBucketOutput, HeadObjectInput, HeadObjectOutput, ListBucketsInput, ListBucketsOutput,
    ListMultipartUploadsInput, ListMultipartUploadsOutput, ListObjectsInput, ListObjectsOutput,
    ListObjectsV2Input, ListObjectsV2Output, ListPartsInput, ListPartsOutput, PutObjectInput,
    PutObjectOutput, StreamingBlob, UploadPartInput, UploadPartOutput,
};
use s3s::stream::{ByteStream, RemainingLength};
use s3s::{S3, S3Request, S3Response, S3Result};
use tokio::sync::mpsc;

const CHUNK: usize = 1 << 20;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `s3s-fs` over `root`, with the faster `GetObject` body.
pub(crate) struct Backend {
    pub(crate) fs: s3s_fs::FileSystem,
    pub(crate) root: PathBuf,
}

/// A body read on a blocking thread, a few chunks ahead.
struct Chunks {
    rx: mpsc::Receiver<Result<Bytes, BoxError>>,
    remaining: usize,
}

impl futures_util::Stream for Chunks {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.rx.poll_recv(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled {
            self.remaining = self.remaining.saturating_sub(chunk.len());
        }
        polled
    }
}

impl ByteStream for Chunks {
    fn remaining_length(&self) -> RemainingLength {
        RemainingLength::new_exact(self.remaining)
    }
}

/// `length` bytes of `path` from `start`, read in [`CHUNK`]s.
fn read_body(path: PathBuf, start: u64, length: usize) -> Chunks {
    let (tx, rx) = mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let opened = std::fs::File::open(&path).and_then(|mut f| {
            f.seek(SeekFrom::Start(start))?;
            Ok(f)
        });
        let mut file = match opened {
            Ok(f) => f,
            Err(e) => {
                let _ = tx.blocking_send(Err(Box::new(e) as BoxError));
                return;
            }
        };
        let mut left = length;
        while left > 0 {
            let mut buf = vec![0u8; left.min(CHUNK)];
            let sent = match file.read_exact(&mut buf) {
                Ok(()) => {
                    left -= buf.len();
                    tx.blocking_send(Ok(Bytes::from(buf)))
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(Box::new(e) as BoxError));
                    return;
                }
            };
            if sent.is_err() {
                return; // the client went away
            }
        }
    });
    Chunks {
        rx,
        remaining: length,
    }
}

/// The first byte of a `Content-Range: bytes a-b/len` value.
fn range_start(content_range: Option<&str>) -> u64 {
    content_range
        .and_then(|r| r.strip_prefix("bytes "))
        .and_then(|r| r.split('-').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or(0)
}

/// The impl of [`S3`]: the listed operations go to `s3s-fs` as they are
/// (`async_trait` must see them expanded, so the macro writes the impl).
macro_rules! s3_impl {
    ($($name:ident($input:ty) -> $output:ty;)* { $($own:tt)* }) => {
        #[async_trait::async_trait]
        impl S3 for Backend {
            $(
                async fn $name(&self, req: S3Request<$input>) -> S3Result<S3Response<$output>> {
                    self.fs.$name(req).await
                }
            )*
            $($own)*
        }
    };
}

s3_impl! {
        abort_multipart_upload(AbortMultipartUploadInput) -> AbortMultipartUploadOutput;
        complete_multipart_upload(CompleteMultipartUploadInput) -> CompleteMultipartUploadOutput;
        create_bucket(CreateBucketInput) -> CreateBucketOutput;
        create_multipart_upload(CreateMultipartUploadInput) -> CreateMultipartUploadOutput;
        delete_object(DeleteObjectInput) -> DeleteObjectOutput;
        delete_objects(DeleteObjectsInput) -> DeleteObjectsOutput;
        head_bucket(HeadBucketInput) -> HeadBucketOutput;
        head_object(HeadObjectInput) -> HeadObjectOutput;
        list_buckets(ListBucketsInput) -> ListBucketsOutput;
        list_multipart_uploads(ListMultipartUploadsInput) -> ListMultipartUploadsOutput;
        list_objects(ListObjectsInput) -> ListObjectsOutput;
        list_objects_v2(ListObjectsV2Input) -> ListObjectsV2Output;
        list_parts(ListPartsInput) -> ListPartsOutput;
        put_object(PutObjectInput) -> PutObjectOutput;
        upload_part(UploadPartInput) -> UploadPartOutput;
    {
    async fn get_object(
        &self,
        req: S3Request<GetObjectInput>,
    ) -> S3Result<S3Response<GetObjectOutput>> {
        let path = self.root.join(&req.input.bucket).join(&req.input.key);
        let mut response = self.fs.get_object(req).await?;
        let output = &mut response.output;
        let length = output
            .content_length
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0);
        let start = range_start(output.content_range.as_deref());
        output.body = Some(StreamingBlob::new(read_body(path, start, length)));
        Ok(response)
    }
}
}
