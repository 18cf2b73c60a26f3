//! Who reads topics: people of the community (any role there but a member awaiting
//! verification) read every stage and the whole discussion; everyone else reads decided
//! topics only, without anyone named.

use super::store::TopicRow;
use super::types::TopicStage;
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::roles::{Permission, Role, Standing, standing};

/// Who is reading, as far as topics care.
#[derive(Debug, Clone, Copy, Default)]
pub struct Viewer {
    pub user_id: Option<i64>,
    /// Of the community: any role there but a member awaiting verification.
    pub community: bool,
    /// May manage topics (sees hidden comments in full).
    pub staff: bool,
}

impl Viewer {
    /// Someone outside the community, or nobody logged in.
    pub fn public() -> Self {
        Self::default()
    }

    pub fn of(reader: Option<&(i64, Standing)>) -> Self {
        match reader {
            None => Self::public(),
            Some((user_id, standing)) => Self {
                user_id: Some(*user_id),
                community: is_of_community(standing),
                staff: standing.require(Permission::ManageTopics).is_ok(),
            },
        }
    }

    /// How the person who just acted sees the topic in a write's answer: as one of the
    /// community (they had the standing to act), without what depends on further rights.
    pub fn actor(caller: &Caller) -> Self {
        Self {
            user_id: Some(caller.user_id),
            community: true,
            staff: false,
        }
    }

    /// Whether this reader may see a topic in `stage`.
    pub fn sees(&self, stage: TopicStage) -> bool {
        self.community || stage.is_decided()
    }
}

/// Whether the standing makes one of the community for reading its deliberation: a member
/// still awaiting verification reads only what the public reads.
pub fn is_of_community(standing: &Standing) -> bool {
    standing.roles.iter().any(|role| *role != Role::Member)
}

/// The reader of a page public in part: `caller` with their standing, or the public.
pub fn viewer(
    conn: &mut DbConnection,
    caller: Option<&Caller>,
    community_id: i64,
) -> Result<Viewer, ApiError> {
    let reader = standing::reader(conn, caller, community_id)?;
    Ok(Viewer::of(reader.as_ref()))
}

/// The topic if `viewer` may see it; 404 otherwise, so that undecided topics do not even
/// show they exist to strangers.
pub fn visible(
    conn: &mut DbConnection,
    community_id: i64,
    topic_id: i64,
    viewer: Viewer,
) -> Result<TopicRow, ApiError> {
    let topic: TopicRow = super::store::find(conn, community_id, topic_id)?;
    if !viewer.sees(topic.stage()?) {
        return Err(ApiError::not_found());
    }
    Ok(topic)
}

/// The caller as one of the community, for what only the community reads (the discussion):
/// 404 without standing, 403 for a member awaiting verification.
pub fn of_community(
    conn: &mut DbConnection,
    caller: &Caller,
    community_id: i64,
) -> Result<Viewer, ApiError> {
    let standing = standing::in_community(conn, caller.user_id, community_id)?;
    let readers: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Member)
        .collect();
    standing.require_any(&readers)?;
    Ok(Viewer::of(Some(&(caller.user_id, standing))))
}
