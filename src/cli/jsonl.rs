//! `replylint check --jsonl`: one result line per input line, for Spark's `RDD.pipe` and Hadoop
//! streaming. The work is [`replylint::stream`]; this file only maps flags and inputs to it.

use std::io::{BufReader, Write};

use replylint::api::Api;
use replylint::inputs::Input;
use replylint::stream::{self, FieldPath, StreamOptions};
use replylint::Session;

use super::output::Messages;
use super::{CheckArgs, EXIT_CLEAN, EXIT_ERROR};

pub fn run(session: Session, args: &CheckArgs, messages: &Messages) -> i32 {
    let field = |flag: &str, path: &str| {
        FieldPath::parse(path).map_err(|error| {
            messages.error(flag, &error);
            EXIT_ERROR
        })
    };
    let (id_field, text_field) = match (
        field("--id-field", &args.id_field),
        field("--text-field", &args.text_field),
    ) {
        (Ok(id), Ok(text)) => (id, text),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let (inputs, problems) = session.collect(&args.paths);
    let mut failed = !problems.is_empty();
    for problem in &problems {
        messages.problem(problem);
    }
    let api = Api::new(session);
    let mut stdout = std::io::stdout().lock();
    for input in &inputs {
        let options = StreamOptions {
            id_field: id_field.clone(),
            text_field: text_field.clone(),
            name: input.name(&args.stdin_filename),
            threads: args.threads,
        };
        let result = match input {
            Input::Stdin => stream::run(
                &api,
                BufReader::new(std::io::stdin()),
                &mut stdout,
                &options,
            ),
            Input::File(path) | Input::Found(path) => match std::fs::File::open(path) {
                Ok(file) => stream::run(&api, BufReader::new(file), &mut stdout, &options),
                Err(error) => Err(error),
            },
        };
        if let Err(error) = result {
            if error.kind() == std::io::ErrorKind::BrokenPipe {
                return EXIT_ERROR;
            }
            messages.error(&options.name, &format!("cannot stream: {error}"));
            failed = true;
        }
    }
    if stdout.flush().is_err() || failed {
        EXIT_ERROR
    } else {
        EXIT_CLEAN
    }
}
