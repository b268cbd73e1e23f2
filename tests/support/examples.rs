//! The example binaries, as the tests that run them as processes find them.

use std::path::{Path, PathBuf};

/// `target/<profile>/examples/<name>`, built by `cargo build --examples`
/// (the README's test command builds it first).
pub fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let path = dir.join("examples").join(name);
    assert!(
        path.is_file(),
        "{} is not built: run `cargo build --examples` (the README's test command builds it)",
        path.display()
    );
    path
}
