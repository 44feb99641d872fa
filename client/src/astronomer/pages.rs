//! [`AllOrganizations`]: every Organization a list query matches, as one
//! `Stream`, following Astronomer's offset/limit paging.

use std::num::NonZeroU32;

use astronomer_platform::builder::ListOrganizations;
use astronomer_platform::operations::LIST_ORGANIZATIONS;
use astronomer_platform::types::{Organization, OrganizationsPaginated};
use cloud_orgs_runtime::Error;
use futures::stream::{self, BoxStream, StreamExt as _, TryStreamExt as _};

/// Organizations asked for per page unless [`AllOrganizations::page_size`]
/// says otherwise. Astronomer documents no maximum; a server that sends
/// fewer than asked is followed all the same.
pub const DEFAULT_PAGE_SIZE: NonZeroU32 = NonZeroU32::new(100).expect("not zero");

/// Pages fetched at most unless [`AllOrganizations::max_pages`] says
/// otherwise: 100,000 Organizations at the default page size.
pub const DEFAULT_MAX_PAGES: NonZeroU32 = NonZeroU32::new(1_000).expect("not zero");

/// Every Organization a `ListOrganizations` query matches, page after page,
/// as a `Stream` ([`AllOrganizations::organizations`], or
/// [`AllOrganizations::pages`] to see each page's `totalCount`).
///
/// The query is the generated builder, so filters and sorts are typed by
/// the spec (`support_plan`, `product_plan`, `astronomer_product`,
/// `product`, `sorts`); this only sets `offset` and `limit` on a copy of it
/// for each page and sends it, through the runtime like any call (a failed
/// page is retried when the policy allows: it is a `GET`).
///
/// ```no_run
/// use cloud_orgs::astronomer::{self, AllOrganizations};
/// use cloud_orgs::astronomer::types::{ListOrganizationsSort, ListOrganizationsSupportPlan};
/// use futures::TryStreamExt as _;
///
/// # async fn run(client: &astronomer::Client) -> Result<(), cloud_orgs::Error> {
/// let query = client
///     .list_organizations()
///     .support_plan(ListOrganizationsSupportPlan::BusinessCritical)
///     .sorts(vec![ListOrganizationsSort::NameAsc]);
/// let mut organizations = AllOrganizations::new(query).page_size(50).organizations();
/// while let Some(organization) = organizations.try_next().await? {
///     println!("{} ({})", organization.name, organization.id);
/// }
/// # Ok(())
/// # }
/// ```
///
/// # When it stops
///
/// Offsets advance by the number of Organizations each page actually
/// holds, and the listing ends, without error:
///
/// - when the next offset reaches the latest page's `totalCount` (a total
///   that changes between pages is followed, up or down: Organizations
///   created or deleted meanwhile may shift across pages, which offset
///   paging cannot prevent);
/// - on a page with no Organizations (nothing is left at that offset, even
///   if `totalCount` says otherwise), so a page that adds nothing can never
///   be asked for again.
///
/// It ends with [`Error::InvalidResponse`] when a page is not the one asked
/// for (its `offset` differs: a server ignoring `offset` would otherwise
/// send the same page forever), and when [`AllOrganizations::max_pages`]
/// pages have been fetched and `totalCount` still says there are more (a
/// total that keeps growing). Any other error of a page (the runtime's
/// [`Error`]) is yielded and ends the stream too. So it never fetches more
/// than `max_pages` pages, whatever the server says.
#[derive(Clone, Debug)]
pub struct AllOrganizations<'a> {
    query: ListOrganizations<'a>,
    page_size: NonZeroU32,
    max_pages: NonZeroU32,
}

impl<'a> AllOrganizations<'a> {
    /// Every Organization `query` matches (its `offset` and `limit`, if
    /// set, are replaced page by page).
    pub fn new(query: ListOrganizations<'a>) -> Self {
        Self {
            query,
            page_size: DEFAULT_PAGE_SIZE,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// Organizations asked for per page (`limit`); at least 1 (0 counts as
    /// 1). Default [`DEFAULT_PAGE_SIZE`].
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = NonZeroU32::new(size).unwrap_or(NonZeroU32::MIN);
        self
    }

    /// The most pages fetched; at least 1 (0 counts as 1). Default
    /// [`DEFAULT_MAX_PAGES`]. Reaching it while `totalCount` says there is
    /// more is an [`Error::InvalidResponse`].
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = NonZeroU32::new(pages).unwrap_or(NonZeroU32::MIN);
        self
    }

    /// The Organizations, one at a time, in the server's order.
    pub fn organizations(self) -> BoxStream<'a, Result<Organization, Error>> {
        self.pages()
            .map_ok(|page| stream::iter(page.organizations.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// The pages, as the server sent them. The last one may be empty (an
    /// empty first page is a listing with nothing in it).
    pub fn pages(self) -> BoxStream<'a, Result<OrganizationsPaginated, Error>> {
        let state = State {
            next_offset: 0,
            fetched: 0,
            done: false,
        };
        stream::try_unfold(state, move |mut state| {
            let query = self.query.clone();
            let (page_size, max_pages) = (self.page_size, self.max_pages);
            async move {
                if state.done {
                    return Ok(None);
                }
                if state.fetched >= max_pages.get() {
                    return Err(invalid(
                        format!(
                            "totalCount still exceeds offset {} after {} pages: stopped at max_pages",
                            state.next_offset, state.fetched
                        ),
                        serde_json::json!({
                            "nextOffset": state.next_offset,
                            "pagesFetched": state.fetched,
                        }),
                    ));
                }
                let page = query
                    .offset(state.next_offset)
                    .limit(i64::from(page_size.get()))
                    .send()
                    .await?
                    .into_inner();
                state.fetched += 1;
                if page.offset != state.next_offset {
                    return Err(invalid(
                        format!(
                            "asked for the page at offset {}, got the one at offset {}",
                            state.next_offset, page.offset
                        ),
                        serde_json::json!({
                            "offset": page.offset,
                            "limit": page.limit,
                            "totalCount": page.total_count,
                            "organizations": page.organizations.len(),
                        }),
                    ));
                }
                let held = i64::try_from(page.organizations.len()).unwrap_or(i64::MAX);
                state.next_offset = state.next_offset.saturating_add(held);
                state.done = held == 0 || state.next_offset >= page.total_count;
                Ok(Some((page, state)))
            }
        })
        .boxed()
    }
}

/// Where the listing is.
struct State {
    /// The offset of the next page to ask for: everything before it has
    /// been delivered.
    next_offset: i64,
    /// Pages fetched so far.
    fetched: u32,
    /// The listing is complete.
    done: bool,
}

/// A page that breaks the paging contract, as the runtime's
/// [`Error::InvalidResponse`] for `GET /organizations`, with where the
/// listing was (never the Organizations) as the excerpt.
fn invalid(detail: String, position: serde_json::Value) -> Error {
    let excerpt = serde_json::to_vec(&position).unwrap_or_default();
    let error = <serde_json::Error as serde::de::Error>::custom(detail);
    let error = astronomer_platform::Error::<()>::InvalidResponsePayload(excerpt.into(), error);
    cloud_orgs_runtime::response::from_progenitor(&LIST_ORGANIZATIONS, error).into()
}

impl crate::Client<astronomer_platform::Client> {
    /// Every Organization the token can see, page by page
    /// ([`AllOrganizations`]); for filters and sorts, build the query with
    /// `list_organizations()` and pass it to [`AllOrganizations::new`].
    pub fn all_organizations(&self) -> AllOrganizations<'_> {
        AllOrganizations::new(self.list_organizations())
    }
}
