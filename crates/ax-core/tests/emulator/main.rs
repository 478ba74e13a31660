//! Integration tests of ax-core against the in-process emulator.

mod common;
mod pagination;
mod resolver;
mod spaces;
mod transport;
