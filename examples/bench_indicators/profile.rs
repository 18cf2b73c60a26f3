//! The data sets the generator writes, chosen with `PROFILE`: the indicators district (the
//! default, for `scripts/bench-indicators`) or the load data set of issue 10 (`PROFILE=load`,
//! for `scripts/bench`).
//!
//! The indicators district writes what the indicators read and no more, and its rows must not
//! change: the benchmark compares runs over time, so everything the load data set adds is
//! switched on by [`Profile::live`] and draws its dice only when it is on.

/// What the load data set adds to the district's year, so that the service can be driven
/// over it as residents and staff would: a ledger with its entries and hash chain, the
/// points rules and rewards shop, activities' credit rules, ballots and survey audiences,
/// votes and a survey still open, and stories cut where the year ends.
pub struct Live {
    /// Verified residents across the district at `SCALE=1`: each community's drawn size is
    /// scaled so that they add up to this.
    pub residents: f64,
    /// Wishes posted in the year across the district at `SCALE=1`.
    pub wishes: f64,
    /// Votes each community closed during the year, and those open at its end.
    pub closed_votes: usize,
    pub open_votes: usize,
    /// Share of a quarterly survey's audience that responds, and of the survey open at the
    /// year's end (a few days old) that already has.
    pub response_rate: (f64, f64),
    pub open_response_rate: (f64, f64),
    /// Share of communities that run a time bank (settlements deposit time credits).
    pub time_bank_share: f64,
    /// Points adjustments (积分制: 垃圾分类, 议事 and the like) per verified resident a year.
    pub adjustments: f64,
    /// Visits to the rewards shop per verified resident a year; a visit without the points
    /// buys nothing, as the service would refuse it.
    pub redemptions: f64,
}

pub struct Profile {
    pub name: &'static str,
    pub communities: usize,
    /// Days before the year that residents began to register: none in the indicators
    /// district, whose communities fill up during the year; the load data set's communities
    /// have been on the platform for three years, so most residents are there from the start.
    pub history_days: i64,
    pub live: Option<Live>,
}

pub const INDICATORS: Profile = Profile {
    name: "indicators",
    communities: 100,
    history_days: 0,
    live: None,
};

pub const LOAD: Profile = Profile {
    name: "load",
    communities: 20,
    history_days: 3 * 365,
    live: Some(Live {
        residents: 60_000.0,
        wishes: 50_000.0,
        closed_votes: 8,
        open_votes: 2,
        response_rate: (0.36, 0.58),
        open_response_rate: (0.08, 0.15),
        time_bank_share: 0.75,
        adjustments: 3.9,
        redemptions: 2.7,
    }),
};

impl Profile {
    pub fn from_env() -> Result<&'static Profile, String> {
        match std::env::var("PROFILE").as_deref() {
            Err(_) | Ok("indicators") => Ok(&INDICATORS),
            Ok("load") => Ok(&LOAD),
            Ok(other) => Err(format!("PROFILE {other}: expected indicators or load")),
        }
    }

    pub fn is_live(&self) -> bool {
        self.live.is_some()
    }
}
