//! busflow-backup against its clauses and its peers' cases.

mod retention;
mod store;
