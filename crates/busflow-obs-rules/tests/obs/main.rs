//! busflow-obs-rules against real peers: promtool and Prometheus.

mod differential;
