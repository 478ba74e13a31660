//! Cursor pagination (API.md §1.8): single pages, and a page stream that keeps the next request
//! in flight while the caller handles the current page.

use std::collections::HashSet;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use bytes::Bytes;
use futures::Stream;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::task::JoinHandle;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::table::{decode_envelope, scan_pagination, VecSink};
use crate::transport::{build_url, ApiRequest};

/// Largest page size the API accepts.
pub const MAX_LIMIT: u32 = 100;

/// Consecutive empty pages (with `has_more: true`) after which a stream gives up.
pub const MAX_EMPTY_PAGES: u32 = 50;

/// A listable resource with a fixed Arrow schema.
pub trait Resource: Send + Sync + 'static {
    /// Collection key of the list envelope, e.g. `"spaces"`.
    const COLLECTION: &'static str;
    /// Serde model of one item.
    type Item: DeserializeOwned + Serialize + Send;
    /// The fixed schema of every page (also for an empty result).
    fn schema() -> SchemaRef;
    /// Decodes a page body straight into one batch plus pagination.
    fn decode_page(body: &[u8]) -> std::result::Result<(RecordBatch, Pagination), String>;
    /// True when [`Resource::items_from_batch`] rebuilds items from the table alone, so a
    /// [`Listing`] need not keep the JSON bodies.
    const ITEMS_FROM_ARROW: bool = false;
    /// Rebuilds the items of a batch with [`Resource::schema`] (only when
    /// [`Resource::ITEMS_FROM_ARROW`]).
    fn items_from_batch(batch: &RecordBatch) -> std::result::Result<Vec<Self::Item>, String> {
        let _ = batch;
        Err(format!(
            "{} items are decoded from the JSON bodies, not from Arrow",
            Self::COLLECTION
        ))
    }
}

/// The `pagination` object of a list response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pagination {
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

/// One page of a list: raw JSON, its Arrow batch and the pagination state.
pub struct Page<R: Resource> {
    /// The response body as received.
    pub raw: Bytes,
    /// The items as one Arrow batch with [`Resource::schema`].
    pub batch: RecordBatch,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    url: String,
    _r: PhantomData<fn() -> R>,
}

impl<R: Resource> Clone for Page<R> {
    fn clone(&self) -> Self {
        Page {
            raw: self.raw.clone(),
            batch: self.batch.clone(),
            has_more: self.has_more,
            next_cursor: self.next_cursor.clone(),
            url: self.url.clone(),
            _r: PhantomData,
        }
    }
}

impl<R: Resource> std::fmt::Debug for Page<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("collection", &R::COLLECTION)
            .field("rows", &self.batch.num_rows())
            .field("has_more", &self.has_more)
            .field("next_cursor", &self.next_cursor)
            .finish()
    }
}

impl<R: Resource> Page<R> {
    /// Decodes a page body received from `url`.
    pub fn from_body(raw: Bytes, url: impl Into<String>) -> Result<Self> {
        let url = url.into();
        let (batch, p) = R::decode_page(&raw).map_err(|message| Error::Decode {
            method: "GET".into(),
            url: url.clone(),
            message,
        })?;
        Ok(Page {
            raw,
            batch,
            has_more: p.has_more,
            next_cursor: p.next_cursor,
            url,
            _r: PhantomData,
        })
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.batch.num_rows()
    }

    /// True when the page has no items.
    pub fn is_empty(&self) -> bool {
        self.batch.num_rows() == 0
    }

    /// The items as serde models (decoded from [`Page::raw`]).
    pub fn items(&self) -> Result<Vec<R::Item>> {
        if self.raw.is_empty() {
            return Ok(Vec::new());
        }
        let mut sink = VecSink(Vec::with_capacity(self.len()));
        decode_envelope(&self.raw, R::COLLECTION, &mut sink).map_err(|message| Error::Decode {
            method: "GET".into(),
            url: self.url.clone(),
            message,
        })?;
        Ok(sink.0)
    }

    /// An empty last page (schema included).
    pub fn empty() -> Self {
        Page {
            raw: Bytes::new(),
            batch: RecordBatch::new_empty(R::schema()),
            has_more: false,
            next_cursor: None,
            url: String::new(),
            _r: PhantomData,
        }
    }
}

#[path = "paginate_chunks.rs"]
mod chunk_sink;
#[cfg(test)]
pub(crate) use chunk_sink::ChunkSink;
pub use chunk_sink::{chunks, Chunk, ChunkResource};
#[path = "paginate_listing.rs"]
mod listing;
pub use listing::{Listing, LISTING_CHUNK_ROWS};

/// Checks a page size (1..=100).
pub fn check_limit(limit: u32) -> Result<()> {
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(())
    } else {
        Err(Error::validation(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}, got {limit}"),
        ))
    }
}

/// Fetches and decodes one page. `query` should already contain `limit`/`cursor` if wanted.
pub async fn fetch_page<R: Resource>(
    client: &Client,
    path: &str,
    query: Vec<(String, String)>,
) -> Result<Page<R>> {
    let url = build_url(client.base_url(), path, &query)?.to_string();
    let resp = client.send(ApiRequest::get(path).with_query(query)).await?;
    // Decoded inline: measured (release) ~27 µs for a 100-space page (23 kB) inline versus
    // ~72 µs through `spawn_blocking` (~80 µs just to parse it into `serde_json::Value`).
    // The page stream runs this inside its prefetch task anyway.
    Page::from_body(resp.body, url)
}

/// Fetches one page body without decoding it; returns the body and the request URL.
async fn fetch_body(
    client: &Client,
    path: &str,
    query: Vec<(String, String)>,
) -> Result<(Bytes, String)> {
    let url = build_url(client.base_url(), path, &query)?.to_string();
    let resp = client.send(ApiRequest::get(path).with_query(query)).await?;
    Ok((resp.body, url))
}

/// Aborts the task when dropped, so an abandoned stream does not leave a request running.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for AbortOnDrop<T> {
    type Output = std::result::Result<T, tokio::task::JoinError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

struct StreamState {
    client: Client,
    path: String,
    query: Vec<(String, String)>,
    limit: u32,
    first_cursor: Option<String>,
    started: bool,
    inflight: Option<AbortOnDrop<Result<(Bytes, String)>>>,
    seen: HashSet<String>,
    pending_error: Option<Error>,
    done: bool,
    /// Set once the stream has given its last item (the sink's end, or an error).
    ended: bool,
    /// Empty pages with `has_more: true` in a row.
    empty_run: u32,
}

impl StreamState {
    fn spawn(&self, cursor: Option<String>) -> AbortOnDrop<Result<(Bytes, String)>> {
        let client = self.client.clone();
        let path = self.path.clone();
        let mut query = self.query.clone();
        query.push(("limit".into(), self.limit.to_string()));
        if let Some(c) = cursor {
            query.push(("cursor".into(), c));
        }
        AbortOnDrop(tokio::spawn(async move {
            fetch_body(&client, &path, query).await
        }))
    }
}

/// On a current-thread runtime a spawned task only runs when this one yields, so the next
/// page's request would wait until the current page is decoded. A few yields let the fetch
/// task hand the request to its connection and the connection write it; the server then
/// works on the next page while this one decodes. Each yield is a cheap no-op once nothing
/// else is ready. On a multi-thread runtime a worker picks the request up by itself.
async fn let_request_out() {
    let current_thread = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::CurrentThread);
    if current_thread {
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
    }
}

/// Streams every page from `cursor` (or the start). The next page is requested as soon as the
/// current one's pagination is known, so it downloads while the caller handles the current one.
/// Stops when `has_more` is false. After the page that carried the problem it yields
/// [`Error::RepeatedCursor`] when the server repeats a cursor, [`Error::MissingCursor`] when
/// `has_more` is true without a `next_cursor`, and [`Error::EmptyPages`] after
/// [`MAX_EMPTY_PAGES`] empty pages in a row that all say more follow.
/// `query` must not contain `limit` or `cursor`. Must be polled inside a tokio runtime.
pub fn pages<R: Resource>(
    client: Client,
    path: String,
    query: Vec<(String, String)>,
    limit: u32,
    cursor: Option<String>,
) -> impl Stream<Item = Result<Page<R>>> + Send + 'static {
    walk(
        client,
        path,
        query,
        limit,
        cursor,
        DecodePages::<R>(PhantomData),
    )
}

/// What a walk does with each page body it receives.
pub(crate) trait PageSink: Send + 'static {
    /// Collection key of the list envelope.
    const COLLECTION: &'static str;
    type Out: Send + 'static;
    /// Takes one page; returns how many items it held, and an output if one is ready.
    fn page(
        &mut self,
        body: Bytes,
        url: String,
        has_more: bool,
    ) -> Result<(usize, Option<Self::Out>)>;
    /// After the last page of a walk that ended without an error.
    fn end(&mut self) -> Result<Option<Self::Out>>;
}

/// Each page decoded on its own ([`pages`]).
struct DecodePages<R>(PhantomData<fn() -> R>);

impl<R: Resource> PageSink for DecodePages<R> {
    const COLLECTION: &'static str = R::COLLECTION;
    type Out = Page<R>;
    fn page(&mut self, body: Bytes, url: String, _: bool) -> Result<(usize, Option<Page<R>>)> {
        let page = Page::from_body(body, url)?;
        Ok((page.len(), Some(page)))
    }
    fn end(&mut self) -> Result<Option<Page<R>>> {
        Ok(None)
    }
}

fn decode_error(url: &str, message: String) -> Error {
    Error::Decode {
        method: "GET".into(),
        url: url.to_owned(),
        message,
    }
}

/// The walk behind [`pages`] and [`chunks`]: requests with the next one in flight, cursor
/// checks, the empty-page limit; each body goes to `sink`.
fn walk<D: PageSink>(
    client: Client,
    path: String,
    query: Vec<(String, String)>,
    limit: u32,
    cursor: Option<String>,
    sink: D,
) -> impl Stream<Item = Result<D::Out>> + Send + 'static {
    let mut seen = HashSet::new();
    if let Some(c) = &cursor {
        seen.insert(c.clone());
    }
    let state = StreamState {
        client,
        path,
        query,
        limit,
        first_cursor: cursor,
        started: false,
        inflight: None,
        seen,
        pending_error: check_limit(limit).err(),
        done: false,
        ended: false,
        empty_run: 0,
    };
    futures::stream::unfold((state, sink), |(mut st, mut sink)| async move {
        loop {
            if let Some(e) = st.pending_error.take() {
                st.done = true;
                st.ended = true;
                return Some((Err(e), (st, sink)));
            }
            if st.done {
                if std::mem::replace(&mut st.ended, true) {
                    return None;
                }
                return match sink.end() {
                    Ok(Some(out)) => Some((Ok(out), (st, sink))),
                    Ok(None) => None,
                    Err(e) => Some((Err(e), (st, sink))),
                };
            }
            let handle = match st.inflight.take() {
                Some(h) => h,
                None if !st.started => {
                    st.started = true;
                    let first = st.first_cursor.take();
                    st.spawn(first)
                }
                None => {
                    st.done = true;
                    continue;
                }
            };
            let (body, url) = match handle.await {
                Ok(Ok(fetched)) => fetched,
                Ok(Err(e)) => {
                    st.done = true;
                    st.ended = true;
                    return Some((Err(e), (st, sink)));
                }
                Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
                Err(_) => return None,
            };
            // Read the cursor first and put the next request in flight, then decode this
            // page while it downloads.
            let pagination = match scan_pagination(&body, D::COLLECTION) {
                Ok(p) => p,
                Err(message) => {
                    st.done = true;
                    st.ended = true;
                    return Some((Err(decode_error(&url, message)), (st, sink)));
                }
            };
            let has_more = pagination.has_more;
            match (pagination.next_cursor, pagination.has_more) {
                (Some(next), true) => {
                    if st.seen.insert(next.clone()) {
                        st.inflight = Some(st.spawn(Some(next)));
                        let_request_out().await;
                    } else {
                        let url = format!("{}{}", st.client.base_url(), st.path);
                        st.pending_error = Some(Error::RepeatedCursor { cursor: next, url });
                    }
                }
                (None, true) => {
                    // Stopping silently would pass a partial listing off as complete.
                    let url = format!("{}{}", st.client.base_url(), st.path);
                    st.pending_error = Some(Error::MissingCursor { url });
                }
                (_, false) => st.done = true,
            }
            match sink.page(body, url, has_more) {
                Ok((rows, out)) => {
                    // Empty pages that say more follow are followed (a server may filter a
                    // whole page away), but not forever.
                    if rows == 0 && has_more {
                        st.empty_run += 1;
                        if st.empty_run >= MAX_EMPTY_PAGES && st.pending_error.is_none() {
                            st.inflight = None;
                            st.pending_error = Some(Error::EmptyPages {
                                url: format!("{}{}", st.client.base_url(), st.path),
                                count: st.empty_run,
                            });
                        }
                    } else {
                        st.empty_run = 0;
                    }
                    if let Some(out) = out {
                        return Some((Ok(out), (st, sink)));
                    }
                }
                Err(e) => {
                    st.done = true;
                    st.ended = true;
                    st.inflight = None;
                    st.pending_error = None;
                    return Some((Err(e), (st, sink)));
                }
            }
        }
    })
}

/// One page of items decoded with serde (for resources without an Arrow table).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemsPage<T> {
    pub items: Vec<T>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

/// Fetches one page of `collection` as serde items.
pub async fn fetch_items<T: DeserializeOwned>(
    client: &Client,
    path: &str,
    collection: &str,
    query: Vec<(String, String)>,
) -> Result<ItemsPage<T>> {
    let url = build_url(client.base_url(), path, &query)?.to_string();
    let resp = client.send(ApiRequest::get(path).with_query(query)).await?;
    let mut sink = VecSink(Vec::new());
    let p =
        decode_envelope(&resp.body, collection, &mut sink).map_err(|message| Error::Decode {
            method: "GET".into(),
            url,
            message,
        })?;
    Ok(ItemsPage {
        items: sink.0,
        has_more: p.has_more,
        next_cursor: p.next_cursor,
    })
}
