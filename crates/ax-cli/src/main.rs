//! The `ax` binary.

fn main() {
    std::process::exit(ax_cli::run(std::env::args().collect()));
}
