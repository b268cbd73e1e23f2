//! busflow-pii against its peers' cases and properties.

mod presidio;
mod properties;
