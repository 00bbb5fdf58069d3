//! The output buffer a query writes its JSON into, and the streaming sink
//! that sends a long listing to the JS thread array by array.

use super::columns::Columns;
use super::pool;

/// How the JSON a query wrote becomes JS values (node/deliver.rs, lib/deliver.js).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Form {
    /// Any JSON value, parsed as is (counts).
    #[default]
    Plain = 0,
    /// `[keys][[values], [values], ...]`: an array of row objects.
    Rows = 1,
    /// `[keys][values]` or `null`: one row object or null.
    Row = 2,
}

/// What a query writes: JSON text, and its shape. Rows go out as arrays of
/// values under one list of keys: half the bytes of repeated keys, and V8 parses
/// arrays and builds same-shaped objects faster than it parses objects.
#[derive(Debug, Default)]
pub(crate) struct Out {
    pub buf: Vec<u8>,
    pub form: Form,
    /// The Columns id of Rows/Row output (0 otherwise).
    pub columns_id: u32,
    /// Bytes of key list at the start of `buf` (0: none, the text is one value).
    pub keys_len: u32,
    /// Rows output longer than SEGMENT_BYTES is written as consecutive arrays,
    /// `[keys][row, ...][row, ...]...`: the end of every one but the last.
    pub segments: Vec<u32>,
    /// A listing's cursor to its next page (keyset paging, rows/cursor.rs).
    pub next: Next,
    /// A streamed Sync read (node/deliver.rs): each row array goes to the JS thread as
    /// soon as it is complete, instead of being recorded in `segments`.
    sink: Option<Sink>,
}

/// Where a listing's next page starts: JS gets it as the result's `nextCursor`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Next {
    /// Not a listing (no `nextCursor`).
    #[default]
    None,
    /// The page came back short: there is no next page (`nextCursor: null`).
    End,
    /// The cursor after the page's last row.
    After(String),
}

/// A piece of a streamed result.
#[derive(Debug)]
pub(crate) enum Part {
    /// Text as Out would hold it: `[keys][rows]` for the first piece of Rows
    /// output (`keys_len` > 0), `[rows]` for the next ones; or a whole
    /// Plain/Row result.
    Text {
        bytes: Vec<u8>,
        form: Form,
        columns_id: u32,
        keys_len: u32,
    },
    /// Forget the rows sent so far: the query started its result over.
    Restart,
    /// The listing's cursor, sent last.
    Next(Next),
}

#[derive(Debug)]
pub(super) struct Sink {
    tx: std::sync::mpsc::SyncSender<Part>,
    /// Whether a piece went out since the result (re)started.
    sent: bool,
    /// The size at which the current piece goes out: FIRST_PIECE_BYTES, doubled
    /// for each next one up to SEGMENT_BYTES, so the JS thread starts parsing
    /// early instead of waiting for 64 KiB (most of a 1,000-row listing).
    piece: usize,
}

/// The first piece of a streamed result (see Sink::piece).
const FIRST_PIECE_BYTES: usize = 8 << 10;

/// Rows per JSON array are cut about this often (at a row boundary). JS parses
/// each array from its own string: under V8's large-object threshold (128 KiB)
/// a string is a bump allocation in the young generation, where one multi-MB
/// string costs an mmap and a page fault per 4 KiB on every Sync call (~6% of a
/// getSessions(500)). Async results stay one string and are parsed an array or
/// a few per event-loop turn (lib/deliver.js).
pub(crate) const SEGMENT_BYTES: usize = 64 << 10;

impl Out {
    pub fn new(buf: Vec<u8>) -> Self {
        Out {
            buf,
            form: Form::Plain,
            columns_id: 0,
            keys_len: 0,
            segments: Vec::new(),
            next: Next::None,
            sink: None,
        }
    }

    /// Output whose row arrays are sent through `tx` as they complete.
    pub fn streaming(buf: Vec<u8>, tx: std::sync::mpsc::SyncSender<Part>) -> Self {
        Out {
            sink: Some(Sink {
                tx,
                sent: false,
                piece: FIRST_PIECE_BYTES,
            }),
            ..Out::new(buf)
        }
    }

    /// Sends what is left of a streamed result (all of it, for Plain/Row
    /// output). A receiver that is gone (the JS side failed) is not an error
    /// here: its own failure is what the caller reports.
    pub fn finish(mut self) {
        if let Some(sink) = self.sink.take() {
            let bytes = std::mem::take(&mut self.buf);
            let _ = sink.tx.send(Part::Text {
                bytes,
                form: self.form,
                columns_id: self.columns_id,
                keys_len: self.keys_len,
            });
            if self.next != Next::None {
                let _ = sink.tx.send(Part::Next(std::mem::take(&mut self.next)));
            }
        }
    }

    pub fn clear(&mut self) {
        self.restart();
        self.buf.clear();
        self.form = Form::Plain;
        self.columns_id = 0;
        self.keys_len = 0;
        self.segments.clear();
        self.next = Next::None;
    }

    /// Drops what was written after `len` (a result being replaced). Streamed
    /// output that already went out is dropped whole: a query only starts its
    /// result over from the beginning.
    pub fn truncate(&mut self, len: usize) {
        if self.restart() {
            self.clear();
            return;
        }
        self.buf.truncate(len);
        self.segments.retain(|&end| (end as usize) < len);
    }

    /// Tells the receiver to forget what was sent; whether anything was.
    fn restart(&mut self) -> bool {
        match &mut self.sink {
            Some(sink) if sink.sent => {
                sink.sent = false;
                sink.piece = FIRST_PIECE_BYTES;
                let _ = sink.tx.send(Part::Restart);
                true
            }
            _ => false,
        }
    }

    /// The row arrays of Rows output, in order (one unless it was segmented).
    #[cfg(test)]
    pub fn row_arrays(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(self.keys_len).chain(self.segments.iter().copied());
        let ends = self.segments.iter().copied().map(|e| e as usize);
        let ends = ends.chain(std::iter::once(self.buf.len()));
        starts.zip(ends).map(|(a, b)| &self.buf[a as usize..b])
    }

    /// Between two rows: a comma, or `][` once the current array holds
    /// SEGMENT_BYTES (a streamed piece: its Sink::piece).
    pub(super) fn next_row(&mut self) {
        let start = self.segments.last().copied().unwrap_or(self.keys_len) as usize;
        let full = match &self.sink {
            Some(sink) => sink.piece,
            None => SEGMENT_BYTES,
        };
        if self.buf.len() - start >= full {
            if let Some(sink) = &mut self.sink {
                self.buf.push(b']');
                let bytes = std::mem::replace(&mut self.buf, pool::take_buffer());
                let _ = sink.tx.send(Part::Text {
                    bytes,
                    form: self.form,
                    columns_id: self.columns_id,
                    keys_len: self.keys_len,
                });
                sink.sent = true;
                sink.piece = (sink.piece * 2).min(SEGMENT_BYTES);
                self.keys_len = 0;
                self.buf.push(b'[');
                return;
            }
            if let Ok(end) = u32::try_from(self.buf.len() + 1) {
                self.buf.push(b']');
                self.segments.push(end);
                self.buf.push(b'[');
                return;
            }
        }
        self.buf.push(b',');
    }

    /// A whole result that is one plain value (writes and maintenance report
    /// small serde structs).
    pub fn set_value<T: serde::Serialize>(&mut self, value: &T) -> crate::base::error::Result<()> {
        self.clear();
        serde_json::to_writer(&mut self.buf, value).map_err(|e| {
            crate::base::error::DbError::internal(format!("serializing a result: {e}"))
        })
    }

    /// Starts Rows/Row output of `shape`: its key list.
    pub(super) fn keys(&mut self, kind: Form, columns: &Columns) {
        self.form = kind;
        self.columns_id = columns.id;
        self.buf.extend_from_slice(columns.keys_json.as_bytes());
        self.keys_len = columns.keys_json.len() as u32;
    }
}
