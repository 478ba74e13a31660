//! Integration tests: start the emulator and talk to it over loopback.

mod access;
mod access_matrix;
mod bulk;
mod common;
mod control;
mod demo_tasks;
mod fault_actions;
mod faults;
mod latency;
mod lookups;
mod members;
mod pagination;
mod rate_limit;
mod reads;
mod resources;
mod runs;
mod spaces;
mod task_access;
mod task_create;
mod tasks;
mod tls;
mod triggers;
