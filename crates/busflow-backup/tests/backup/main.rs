//! busflow-backup against its clauses and its peers' cases.

mod producer;
mod retention;
mod store;
