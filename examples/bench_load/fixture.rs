//! The fixture `setup` writes and `run` reads: where the server and its database are, and per
//! community the people the scenarios act as (with access tokens) and what they act on.

use serde::{Deserialize, Serialize};
use std::path::Path;

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fixture {
    pub version: u32,
    /// The API root, ending in `/api/v1`.
    pub base: String,
    /// The server's database, for the steps of a run that stand in for the passage of time
    /// (see `prepare`); `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    pub created_at: String,
    /// When the tokens stop working (RFC 3339).
    pub tokens_expire_at: String,
    pub communities: Vec<Community>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Community {
    pub id: i64,
    pub name: String,
    /// Community staff (or an admin): sets up votes, surveys, activities and the shop.
    pub staff: Person,
    /// A community admin, who alone may close a vote early; none if the community has none.
    pub admin: Option<Person>,
    /// The shop item every redemption takes one of (price 1 point, deep stock).
    pub reward_item: i64,
    /// A wish category and a value within the community's cap, for new wishes.
    pub wish_category: String,
    pub wish_value_fen: i64,
    /// Verified adult residents (all but `staff` and `admin`; each person in one community
    /// only), by id. Each has a points balance (topped up by `setup`), so each may redeem,
    /// vote, answer and check in.
    pub residents: Vec<Person>,
}

impl Fixture {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the fixture {}: {e}", path.display()))?;
        let fixture: Fixture = serde_json::from_str(&text)
            .map_err(|e| format!("the fixture {} is not valid: {e}", path.display()))?;
        if fixture.version != VERSION {
            return Err(format!(
                "the fixture {} is version {}, this driver reads version {VERSION}: run setup again",
                path.display(),
                fixture.version
            ));
        }
        if let Ok(expiry) = chrono::DateTime::parse_from_rfc3339(&fixture.tokens_expire_at)
            && expiry < chrono::Utc::now() + chrono::TimeDelta::minutes(10)
        {
            return Err(format!(
                "the fixture's tokens expire at {}: run setup again",
                fixture.tokens_expire_at
            ));
        }
        Ok(fixture)
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string(self).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Every resident as (community index, resident index), communities interleaved so that
    /// consecutive requests go to different communities, as real traffic does.
    pub fn interleaved(&self) -> Vec<(usize, usize)> {
        let longest = self
            .communities
            .iter()
            .map(|c| c.residents.len())
            .max()
            .unwrap_or(0);
        let mut order = Vec::new();
        for r in 0..longest {
            for (c, community) in self.communities.iter().enumerate() {
                if r < community.residents.len() {
                    order.push((c, r));
                }
            }
        }
        order
    }
}
