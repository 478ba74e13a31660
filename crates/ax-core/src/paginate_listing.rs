//! [`Listing`]: every page of a listing as Arrow record batches of about
//! [`LISTING_CHUNK_ROWS`] rows, plus what it takes to hand out the items.

use std::marker::PhantomData;

use arrow_array::RecordBatch;
use bytes::Bytes;
use futures::Stream;

use super::{Chunk, ChunkResource, Page, Resource};
use crate::error::{Error, Result};
use crate::table::{decode_envelope, VecSink};

/// Rows per merged record batch of a [`Listing`].
pub const LISTING_CHUNK_ROWS: usize = 4096;

/// Every page of a listing, kept as Arrow data: what `list_all` hands to Python.
///
/// Its record batches hold about [`LISTING_CHUNK_ROWS`] rows each (whole pages), so a
/// consumer imports a handful of batches, not hundreds. The `list_all` of every resource
/// uses [`Listing::collect_chunks`]: pages are scanned straight into one chunk's builders,
/// with no per-page batch and no merge copy. [`Listing::collect`] takes a stream of pages
/// instead: each page's batch is merged into the chunk as the walk goes on (and freed, so its
/// memory is reused). Either way the JSON bodies are kept for the items (shared, not copied) unless
/// the table holds whole items ([`Resource::ITEMS_FROM_ARROW`]: tasks and runs, whose typed
/// items are rebuilt from the table when asked for).
pub struct Listing<R: Resource> {
    batches: Vec<RecordBatch>,
    pending: Vec<RecordBatch>,
    pending_rows: usize,
    bodies: Vec<Bytes>,
    num_pages: usize,
    num_rows: usize,
    url: String,
    _r: PhantomData<fn() -> R>,
}

impl<R: Resource> Default for Listing<R> {
    fn default() -> Self {
        Listing {
            batches: Vec::new(),
            pending: Vec::new(),
            pending_rows: 0,
            bodies: Vec::new(),
            num_pages: 0,
            num_rows: 0,
            url: String::new(),
            _r: PhantomData,
        }
    }
}

impl<R: Resource> std::fmt::Debug for Listing<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listing")
            .field("collection", &R::COLLECTION)
            .field("rows", &self.num_rows)
            .field("pages", &self.num_pages)
            .field(
                "batches",
                &(self.batches.len() + usize::from(!self.pending.is_empty())),
            )
            .finish()
    }
}

impl<R: Resource> Listing<R> {
    /// An empty listing (no page yet).
    pub fn new() -> Self {
        Self::default()
    }

    /// A listing of one page (a `list` call).
    pub fn single(page: Page<R>) -> Result<Self> {
        let mut listing = Self::new();
        listing.push(page)?;
        listing.finish()
    }

    /// Collects every page of `stream`.
    pub async fn collect<S>(stream: S) -> Result<Self>
    where
        S: Stream<Item = Result<Page<R>>>,
    {
        use futures::TryStreamExt;
        let mut listing = Self::new();
        let mut stream = std::pin::pin!(stream);
        while let Some(page) = stream.try_next().await? {
            listing.push(page)?;
        }
        listing.finish()
    }

    /// Collects every chunk of a [`chunks`] stream (pages scanned straight into the
    /// chunks' builders: no per-page batches and no merge copy).
    pub async fn collect_chunks<S>(stream: S) -> Result<Self>
    where
        S: Stream<Item = Result<Chunk>>,
        R: ChunkResource,
    {
        use futures::TryStreamExt;
        let mut listing = Self::new();
        let mut stream = std::pin::pin!(stream);
        while let Some(chunk) = stream.try_next().await? {
            if listing.num_pages == 0 {
                listing.url = chunk.url;
            }
            listing.num_pages += chunk.pages;
            listing.bodies.extend(chunk.bodies);
            for batch in chunk.batches {
                listing.num_rows += batch.num_rows();
                listing.batches.push(batch);
            }
        }
        Ok(listing)
    }

    /// Adds the next page.
    pub fn push(&mut self, page: Page<R>) -> Result<()> {
        if self.num_pages == 0 {
            self.url.clone_from(&page.url);
        }
        self.num_pages += 1;
        self.num_rows += page.batch.num_rows();
        if !R::ITEMS_FROM_ARROW && !page.raw.is_empty() {
            self.bodies.push(page.raw);
        }
        if page.batch.num_rows() > 0 {
            self.pending_rows += page.batch.num_rows();
            self.pending.push(page.batch);
            if self.pending_rows >= LISTING_CHUNK_ROWS {
                self.flush()?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let merged =
            match self.pending.len() {
                0 => return Ok(()),
                1 => self.pending.pop().expect("one pending batch"),
                _ => arrow_select::concat::concat_batches(&R::schema(), &self.pending).map_err(
                    |e| Error::Decode {
                        method: "GET".into(),
                        url: self.url.clone(),
                        message: format!("merging pages: {e}"),
                    },
                )?,
            };
        self.pending.clear();
        self.pending_rows = 0;
        self.batches.push(merged);
        Ok(())
    }

    /// Merges the pages still pending into one batch (done by [`Listing::collect`]).
    pub fn finish(mut self) -> Result<Self> {
        self.flush()?;
        Ok(self)
    }

    /// The record batches in order (at least one, empty for an empty listing). Pages not
    /// merged yet (before [`Listing::finish`]) come as their own batches.
    pub fn batches(&self) -> Vec<RecordBatch> {
        if self.batches.is_empty() && self.pending.is_empty() {
            return vec![RecordBatch::new_empty(R::schema())];
        }
        self.batches.iter().chain(&self.pending).cloned().collect()
    }

    /// Number of items.
    pub fn num_rows(&self) -> usize {
        self.num_rows
    }

    /// Number of pages fetched.
    pub fn num_pages(&self) -> usize {
        self.num_pages
    }

    /// True when the JSON bodies were kept (resources whose items are not rebuilt from
    /// Arrow).
    pub fn keeps_bodies(&self) -> bool {
        !R::ITEMS_FROM_ARROW
    }

    /// The items as serde models, in order.
    pub fn items(&self) -> Result<Vec<R::Item>> {
        let decode_error = |message: String| Error::Decode {
            method: "GET".into(),
            url: self.url.clone(),
            message,
        };
        let mut out = Vec::with_capacity(self.num_rows);
        if R::ITEMS_FROM_ARROW {
            for batch in self.batches.iter().chain(&self.pending) {
                out.extend(R::items_from_batch(batch).map_err(decode_error)?);
            }
        } else {
            for body in &self.bodies {
                let mut sink = VecSink(Vec::new());
                decode_envelope(body, R::COLLECTION, &mut sink).map_err(decode_error)?;
                out.extend(sink.0);
            }
        }
        Ok(out)
    }
}
