//! Machine-readable findings: one JSON array of [`Finding`] objects, whose shape is documented in
//! `docs/json-output.md`.

use std::io::{self, Write};

use super::wire::Finding;
use super::{ArrayLayout, Emitter, InputReport, JsonArray, Rendered, Tally};

/// The JSON array emitter. The array is written on one line, so that on standard error it is
/// one line of a JSON Lines stream (see `docs/json-output.md`).
#[derive(Debug)]
pub struct JsonEmitter {
    array: JsonArray,
}

impl Default for JsonEmitter {
    fn default() -> Self {
        JsonEmitter {
            array: JsonArray::new(ArrayLayout {
                open: "[",
                separator: ",",
                indent: "",
                close: "]",
            }),
        }
    }
}

impl Emitter for JsonEmitter {
    fn render(&self, report: &InputReport<'_>) -> io::Result<Rendered> {
        self.array
            .render(&Finding::all(report.source, report.diagnostics))
    }

    fn write(&self, out: &mut dyn Write, rendered: &Rendered) -> io::Result<()> {
        self.array.write(out, rendered)
    }

    fn finish(&self, out: &mut dyn Write, _tally: &Tally) -> io::Result<()> {
        self.array.finish(out)
    }
}
