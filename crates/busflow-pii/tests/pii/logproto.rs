//! The protobuf code of the gateway is generated from `proto/push.proto`
//! (written from Loki's published definition) with prost-build and
//! committed, so building busflow needs no `protoc`; this test regenerates
//! it with Debian's `protoc` and compares. `BUSFLOW_BLESS=1` rewrites it.

use std::path::Path;

#[test]
fn piix_006_logproto_is_generated_from_push_proto() {
    let out = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    prost_build::Config::new()
        .out_dir(out.path())
        .compile_protos(&[root.join("proto/push.proto")], &[root.join("proto")])
        .expect("protoc (Debian's protobuf-compiler) compiles proto/push.proto");
    let generated = std::fs::read_to_string(out.path().join("logproto.rs")).expect("generated");
    let committed_path = root.join("src/gateway/logproto.rs");
    if std::env::var_os("BUSFLOW_BLESS").is_some() {
        std::fs::write(&committed_path, &generated).expect("write");
    }
    let committed = std::fs::read_to_string(&committed_path).expect("committed");
    assert!(
        committed == generated,
        "src/gateway/logproto.rs is not what proto/push.proto generates; run with BUSFLOW_BLESS=1"
    );
}
