//! busflow-pii against its peers' cases, its clauses and its properties.

mod emit;
mod engine;
mod false_positives;
mod ledger;
mod presidio;
mod properties;
