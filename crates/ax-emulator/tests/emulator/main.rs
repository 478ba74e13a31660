//! Integration tests: start the emulator and talk to it over loopback.

mod access;
mod common;
mod control;
mod faults;
mod lookups;
mod members;
mod pagination;
mod spaces;
