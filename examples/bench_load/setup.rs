//! `setup`: chooses who the scenarios act as, signs them in, gives residents points and each
//! community a shop item to spend them on, and writes the fixture.

use crate::fixture::{Community, Fixture, Person, VERSION};
use crate::http::{Api, api_root};
use crate::people;
use reqwest::Method;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use wushe::auth::TokenKeys;
use wushe::config::{Config, Sources};
use wushe::db::{DatabaseTarget, Db};

#[derive(clap::Args, Debug)]
pub struct SetupArgs {
    /// The server, e.g. http://127.0.0.1:18400 (with or without /api/v1).
    #[arg(long)]
    pub base: String,
    /// The server's database.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// Where to write the fixture.
    #[arg(long)]
    pub fixture: PathBuf,
    /// At most this many residents per community.
    #[arg(long, default_value_t = 100_000)]
    pub max_residents: usize,
    /// First add this many verified residents to every community (for small data sets such
    /// as the demo street; 0 for a generated data set).
    #[arg(long, default_value_t = 0)]
    pub add_residents: usize,
    /// Residents with fewer points than this are topped up to ten times as many.
    #[arg(long, default_value_t = 100)]
    pub min_points: i64,
    /// How long the tokens last, in hours.
    #[arg(long, default_value_t = 24)]
    pub token_hours: u64,
}

/// The shop item of the runs: one point each, a full shelf, no per-person limit.
pub fn item_body() -> Value {
    json!({
        "name": "负载测试兑换品", "description": "负载测试用，请勿兑换",
        "price_points": 1, "stock": 1_000_000, "per_person_limit": null, "active": true,
    })
}

fn person(id: i64, token: String) -> Person {
    Person { id, token }
}

pub async fn run(args: SetupArgs) -> Result<(), String> {
    let started = Instant::now();
    let target = DatabaseTarget::parse(&args.database_url)?;
    let db = Db::connect(&target, 2, Duration::from_secs(60))?;
    // The same secret the server signs with: WUSHE_JWT_SECRET, or the development key.
    let config = Config::load(&Sources::from_env_and_file(None)?)?;
    let keys = TokenKeys::new(&config.jwt_secret);
    let api = Api::new(&args.base, 8)?;

    if args.add_residents > 0 {
        let all = people::find(&db, 0, false).await?;
        let ids: Vec<i64> = all.iter().map(|c| c.id).collect();
        eprintln!(
            "adding {} residents to each of {} communities",
            args.add_residents,
            ids.len()
        );
        people::add_crowd(&db, ids, args.add_residents).await?;
    }
    let found = people::find(&db, args.max_residents, true).await?;
    if found.is_empty() {
        return Err("no community has both staff and verified residents".into());
    }
    let ttl = Duration::from_secs(args.token_hours * 3600);
    let mut communities = Vec::new();
    for c in found {
        let topped = people::top_up(
            &db,
            c.id,
            c.residents.clone(),
            (args.min_points, args.min_points * 10),
        )
        .await?;
        let mut ids = vec![c.staff];
        ids.extend(c.admin);
        ids.extend(&c.residents);
        let mut tokens = people::sign_in(&db, keys.clone(), ids, ttl)
            .await?
            .into_iter();
        let staff = person(c.staff, tokens.next().unwrap_or_default());
        let admin = c
            .admin
            .map(|id| person(id, tokens.next().unwrap_or_default()));
        let residents: Vec<Person> = c
            .residents
            .iter()
            .zip(tokens)
            .map(|(&id, token)| person(id, token))
            .collect();

        let path = format!("/communities/{}/rewards/items", c.id);
        let item = api
            .expect(Method::POST, &path, &staff.token, Some(&item_body()), 201)
            .await
            .map_err(|e| format!("{e} (does the server share WUSHE_JWT_SECRET?)"))?;
        let reward_item = item["id"].as_i64().ok_or(format!("no item id in {item}"))?;
        let path = format!("/communities/{}/wishes/settings", c.id);
        let rules = api
            .expect(Method::GET, &path, &residents[0].token, None, 200)
            .await?;
        let wish_category = rules["categories"][0]["code"]
            .as_str()
            .ok_or(format!("no wish category in {rules}"))?
            .to_owned();
        let wish_value_fen = rules["value_cap_fen"].as_i64().unwrap_or(100).min(15_000);
        eprintln!(
            "community {} {}: {} residents ({topped} topped up with points), staff {}, admin {:?}",
            c.id,
            c.name,
            residents.len(),
            staff.id,
            admin.as_ref().map(|a| a.id)
        );
        communities.push(Community {
            id: c.id,
            name: c.name,
            staff,
            admin,
            reward_item,
            wish_category,
            wish_value_fen,
            residents,
        });
    }
    let now = chrono::Utc::now();
    let fixture = Fixture {
        version: VERSION,
        base: api_root(&args.base),
        database_url: args.database_url.clone(),
        backend: target.backend_name().to_owned(),
        created_at: now.to_rfc3339(),
        tokens_expire_at: (now + chrono::TimeDelta::seconds(ttl.as_secs() as i64)).to_rfc3339(),
        communities,
    };
    fixture.save(&args.fixture)?;
    let residents: usize = fixture.communities.iter().map(|c| c.residents.len()).sum();
    eprintln!(
        "wrote {} ({} communities, {residents} residents) in {:.1} s",
        args.fixture.display(),
        fixture.communities.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
