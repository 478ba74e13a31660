//! Integration tests of ax-core against the in-process emulator.

mod common;
mod faults;
mod lookups;
mod pagination;
mod resolver;
mod runs;
mod spaces;
mod task_names;
mod tasks;
mod transport;
mod wait;
