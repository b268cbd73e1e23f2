//! busflow-obs-rules against real peers: promtool and Prometheus.

mod differential;
mod documented;
mod live;
mod policy;
mod robustness;
mod slo;
