//! Integration tests of ax-core against the in-process emulator.

mod common;
mod faults;
mod pagination;
mod resolver;
mod runs;
mod spaces;
mod tasks;
mod transport;
mod wait;
