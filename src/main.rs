//! The `replylint` command. Flags are parsed and output printed here; the work is done by the
//! library.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
