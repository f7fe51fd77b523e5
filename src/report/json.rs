//! Machine-readable findings: one JSON array of [`Finding`] objects, whose shape is documented in
//! `docs/json-output.md`.

use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::wire::Finding;
use super::{Emitter, InputReport, Rendered, Tally};

/// The JSON array emitter. The array is written on one line, so that on standard error it is
/// one line of a JSON Lines stream (see `docs/json-output.md`).
#[derive(Debug, Default)]
pub struct JsonEmitter {
    /// Findings written so far (an atomic only because emitters are shared with the threads
    /// that render; writing happens on one thread).
    written: AtomicUsize,
}

impl Emitter for JsonEmitter {
    fn render(&self, report: &InputReport<'_>) -> io::Result<Rendered> {
        let findings = Finding::all(report.source, report.diagnostics);
        let mut bytes = Vec::new();
        for (index, finding) in findings.iter().enumerate() {
            if index > 0 {
                bytes.push(b',');
            }
            serde_json::to_writer(&mut bytes, finding)?;
        }
        Ok(Rendered {
            bytes,
            items: findings.len(),
        })
    }

    fn write(&self, out: &mut dyn Write, rendered: &Rendered) -> io::Result<()> {
        if rendered.items == 0 {
            return Ok(());
        }
        let before = self.written.fetch_add(rendered.items, Ordering::Relaxed);
        out.write_all(if before == 0 { b"[" } else { b"," })?;
        out.write_all(&rendered.bytes)
    }

    fn finish(&self, out: &mut dyn Write, _tally: &Tally) -> io::Result<()> {
        if self.written.load(Ordering::Relaxed) == 0 {
            writeln!(out, "[]")
        } else {
            writeln!(out, "]")
        }
    }
}
