//! The cutover from the swarm's PostgreSQL to Ubicloud: its trigger
//! (UBI-CUT-001) and its scope (UBI-CUT-010). The runbook's state machine
//! builds on these.

mod commands;
mod policy;
mod runbook;

pub use commands::ShellCommands;
pub use policy::{IN_SCOPE, ScopeRefusal, check_scope, cutover_required};
pub use runbook::{
    CutoverConfig, Deps, DumpPinner, Hydration, Latency, RunState, Runbook, SecretFlipper, Step,
    Target, system_clock,
};
