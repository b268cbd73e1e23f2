//! busflow-pii against its peers' cases, its clauses and its properties.

#[path = "../../../../benches/corpus/pii.rs"]
#[allow(dead_code)]
mod corpus;

mod emit;
mod engine;
mod false_positives;
mod ledger;
mod logproto;
mod presidio;
mod properties;
mod realistic;
mod stream;
