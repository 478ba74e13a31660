//! Listings scanned straight into shared column builders ([`chunks`]): the pages of a walk
//! go into one set of builders per [`super::LISTING_CHUNK_ROWS`] rows or so, with no
//! per-page batch and no merge copy.

use arrow_array::RecordBatch;
use bytes::Bytes;
use futures::Stream;

use super::{decode_error, walk, PageSink, Pagination, Resource, LISTING_CHUNK_ROWS, MAX_LIMIT};
use crate::client::Client;
use crate::error::Result;

/// Streams the pages of a listing decoded straight into shared column builders: one
/// [`Chunk`] per [`LISTING_CHUNK_ROWS`] rows or so (whole pages), then the rest. Requests,
/// prefetching and the errors are those of [`pages`]. [`Listing::collect_chunks`] gathers
/// them. Must be polled inside a tokio runtime.
pub fn chunks<R: ChunkResource>(
    client: Client,
    path: String,
    query: Vec<(String, String)>,
    limit: u32,
    cursor: Option<String>,
) -> impl Stream<Item = Result<Chunk>> + Send + 'static {
    walk(
        client,
        path,
        query,
        limit,
        cursor,
        ChunkSink::<R>::default(),
    )
}

/// A resource whose pages can be scanned straight into one set of column builders that
/// spans many pages ([`chunks`]): tasks, task runs and spaces. The chunks carry the page
/// bodies for the items unless these are rebuilt from Arrow
/// ([`Resource::ITEMS_FROM_ARROW`]).
pub trait ChunkResource: Resource {
    type Columns: Send + 'static;
    /// Rough size of one item in a page body, in bytes of JSON (to size the builders of a
    /// one-page listing).
    const ROW_BYTES: usize = 400;
    /// Empty builders sized for about `rows` rows.
    fn columns(rows: usize) -> Self::Columns;
    /// Rows the builders hold (all whole after a successful scan).
    fn rows(c: &Self::Columns) -> usize;
    /// Appends a page's items on the direct path. `None` when it gives up; the builders may
    /// then hold part of the page after their earlier rows.
    fn scan_into(body: &[u8], c: &mut Self::Columns) -> Option<Pagination>;
    /// A batch of the first `rows` rows.
    fn finish_rows(c: Self::Columns, rows: usize) -> std::result::Result<RecordBatch, String>;
}

/// Record batches of a walk with [`chunks`], and the pages they came from.
#[derive(Debug)]
pub struct Chunk {
    /// Usually one batch; two when the direct scan gave up on a page (the rows before it,
    /// then the page decoded on its own).
    pub batches: Vec<RecordBatch>,
    /// Pages that went into these batches (empty pages included).
    pub pages: usize,
    /// URL of the first of those pages.
    pub url: String,
    /// The bodies of those pages, for the items (none when the items are rebuilt from
    /// Arrow, [`Resource::ITEMS_FROM_ARROW`]).
    pub bodies: Vec<Bytes>,
}

pub(crate) struct ChunkSink<R: ChunkResource> {
    /// Rows after which the builders become a batch ([`LISTING_CHUNK_ROWS`]; smaller in
    /// tests).
    pub(crate) chunk_rows: usize,
    columns: Option<R::Columns>,
    rows: usize,
    done: Vec<RecordBatch>,
    pages: usize,
    url: Option<String>,
    bodies: Vec<Bytes>,
}

impl<R: ChunkResource> Default for ChunkSink<R> {
    fn default() -> Self {
        ChunkSink {
            chunk_rows: LISTING_CHUNK_ROWS,
            columns: None,
            rows: 0,
            done: Vec::new(),
            pages: 0,
            url: None,
            bodies: Vec::new(),
        }
    }
}

impl<R: ChunkResource> ChunkSink<R> {
    fn finish_columns(&mut self, url: &str) -> Result<()> {
        if let Some(cols) = self.columns.take() {
            let rows = std::mem::take(&mut self.rows);
            if rows > 0 {
                let batch = R::finish_rows(cols, rows).map_err(|m| decode_error(url, m))?;
                self.done.push(batch);
            }
        }
        Ok(())
    }

    fn take_chunk(&mut self) -> Option<Chunk> {
        if self.pages == 0 && self.done.is_empty() {
            return None;
        }
        Some(Chunk {
            batches: std::mem::take(&mut self.done),
            pages: std::mem::take(&mut self.pages),
            url: self.url.take().unwrap_or_default(),
            bodies: std::mem::take(&mut self.bodies),
        })
    }
}

impl<R: ChunkResource> PageSink for ChunkSink<R> {
    const COLLECTION: &'static str = R::COLLECTION;
    type Out = Chunk;

    fn page(&mut self, body: Bytes, url: String, has_more: bool) -> Result<(usize, Option<Chunk>)> {
        self.pages += 1;
        if self.url.is_none() {
            self.url = Some(url.clone());
        }
        // Room for a whole chunk when more pages follow; for a one-page listing, about what
        // this body holds.
        let capacity = if has_more || self.rows > 0 {
            self.chunk_rows + usize::try_from(MAX_LIMIT).unwrap_or(100)
        } else {
            (body.len() / R::ROW_BYTES.max(1)).clamp(1, 1024)
        };
        let cols = self.columns.get_or_insert_with(|| R::columns(capacity));
        let before = self.rows;
        let added = if R::scan_into(&body, cols).is_some() {
            let now = R::rows(cols);
            self.rows = now;
            now - before
        } else {
            // The scanner gave up partway: keep the rows before this page as a batch of
            // their own, and decode this page by itself (the `serde_json` path, whose
            // results and errors are the reference).
            self.rows = before;
            self.finish_columns(&url)?;
            let (batch, _) = R::decode_page(&body).map_err(|m| decode_error(&url, m))?;
            let n = batch.num_rows();
            if n > 0 {
                self.done.push(batch);
            }
            n
        };
        if !R::ITEMS_FROM_ARROW && !body.is_empty() {
            self.bodies.push(body);
        }
        if self.rows >= self.chunk_rows {
            self.finish_columns(&url)?;
        }
        let out = if self.done.is_empty() {
            None
        } else {
            self.take_chunk()
        };
        Ok((added, out))
    }

    fn end(&mut self) -> Result<Option<Chunk>> {
        let url = self.url.clone().unwrap_or_default();
        self.finish_columns(&url)?;
        Ok(self.take_chunk())
    }
}
