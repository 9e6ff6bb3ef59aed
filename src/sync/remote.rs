//! What a marketplace hands over, in Vefa's terms: the types a connector fills and the sync
//! keeps. No HTTP here: the connectors in `marketplaces/` speak to the marketplace.

/// One of a listing's pictures as the marketplace lists it, in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteImage {
    /// The marketplace's image id.
    pub id: String,
    pub url: String,
}

/// Why a picture could not be fetched, and whether asking again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub why: String,
    /// False for an address never to be asked (not https): it is not tried again.
    pub again: bool,
}

impl FetchError {
    pub fn passing(why: impl Into<String>) -> Self {
        Self {
            why: why.into(),
            again: true,
        }
    }
}
