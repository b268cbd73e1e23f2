//! The project's written contract, read in place from `../shared/`.

use std::path::PathBuf;

use crate::error::{Error, Result};

const SERVICE: &str = "contracts";

/// The shared folder beside the repository (`CONTRACTS.md`, `testdata/`),
/// or the folder named by `BUSFLOW_SHARED_DIR`.
pub fn shared_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("BUSFLOW_SHARED_DIR") {
        return Ok(PathBuf::from(dir));
    }
    // crates/testkit -> repository root -> its parent.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.join("CONTRACTS.md").is_file() {
        Ok(dir)
    } else {
        Err(Error::service(
            SERVICE,
            format!(
                "no CONTRACTS.md in {} (set BUSFLOW_SHARED_DIR to the shared folder)",
                dir.display()
            ),
        ))
    }
}

/// The clause IDs of `CONTRACTS.md` (first cell of each table row) that
/// start with one of `prefixes`, in document order.
pub fn clause_ids(prefixes: &[&str]) -> Result<Vec<String>> {
    let path = shared_dir()?.join("CONTRACTS.md");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::io(SERVICE, format!("read {}", path.display()), e))?;
    Ok(text
        .lines()
        .filter_map(|line| line.strip_prefix("| "))
        .filter_map(|rest| rest.split(" |").next())
        .filter(|id| {
            id.rsplit_once('-')
                .is_some_and(|(_, n)| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter(|id| prefixes.iter().any(|p| id.starts_with(p)))
        .map(str::to_owned)
        .collect())
}
