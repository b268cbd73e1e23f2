//! busflow-backup against its clauses and its peers' cases.

mod archive;
mod producer;
mod retention;
mod routing;
mod settings;
mod store;
mod support;
mod verify;
