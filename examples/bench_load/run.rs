//! `run`: one scenario in one mode: prepare, load, wind up, report.

use crate::activity::{self, MAX_CAPACITY};
use crate::drive;
use crate::fixture::Fixture;
use crate::http::Api;
use crate::mix;
use crate::prepare;
use crate::scenario::{Kind, Scenario, Target};
use serde_json::{Map, Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use wushe::db::{DatabaseTarget, Db};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Peak,
    Rate,
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    #[arg(long)]
    pub fixture: PathBuf,
    /// a: wish list, b: balance and statement, c: check-in (then settle), d: redemption,
    /// e: ballot, f: survey response, g: the morning mix.
    #[arg(long, value_parser = ["a", "b", "c", "d", "e", "f", "g"])]
    pub scenario: String,
    #[arg(long, value_enum)]
    pub mode: Mode,
    /// Operations per second (rate mode).
    #[arg(long)]
    pub rate: Option<f64>,
    /// Connections (peak mode), or the most operations in flight (rate mode).
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    #[arg(long, default_value_t = 30.0)]
    pub seconds: f64,
    /// Residents signed up to the run's activities, over all communities (c and g).
    #[arg(long)]
    pub participants: Option<usize>,
    /// Threads of the driver's runtime (1 leaves the other core to the server).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Overrides the server address in the fixture.
    #[arg(long)]
    pub base: Option<String>,
    /// Overrides the database URL in the fixture.
    #[arg(long)]
    pub database_url: Option<String>,
}

fn cycle(scenario: &str) -> Vec<Kind> {
    match scenario {
        "a" => vec![Kind::WishList],
        "b" => vec![Kind::Balance],
        "c" => vec![Kind::CheckIn],
        "d" => vec![Kind::Redeem],
        "e" => vec![Kind::Ballot],
        "f" => vec![Kind::Response],
        _ => mix::slots(&mix::MORNING),
    }
}

/// Check-ins to prepare, per community.
fn participants(args: &RunArgs, fx: &Fixture, rate: Option<f64>) -> Vec<usize> {
    let communities = fx.communities.len().max(1);
    let total = match (args.participants, rate) {
        (Some(n), _) => Some(n),
        (None, Some(rate)) => {
            let ops = rate * args.seconds;
            let checkins = if args.scenario == "g" {
                mix::share(Kind::CheckIn, ops)
            } else {
                ops
            };
            Some((checkins * 1.1).ceil() as usize + args.connections)
        }
        (None, None) => None,
    };
    fx.communities
        .iter()
        .map(|c| {
            let wanted = total.map_or(MAX_CAPACITY, |t| t.div_ceil(communities));
            wanted.min(c.residents.len()).min(MAX_CAPACITY)
        })
        .collect()
}

pub async fn run(args: RunArgs) -> Result<(), String> {
    let mut fx = Fixture::load(&args.fixture)?;
    if let Some(base) = &args.base {
        fx.base = crate::http::api_root(base);
    }
    if let Some(url) = &args.database_url {
        fx.database_url = url.clone();
    }
    let rate = match (args.mode, args.rate) {
        (Mode::Rate, Some(r)) if r > 0.0 => Some(r),
        (Mode::Rate, _) => return Err("rate mode needs --rate R (operations per second)".into()),
        (Mode::Peak, _) => None,
    };
    let api = Api::new(&fx.base, args.connections)?;
    let s = args.scenario.as_str();
    let (needs_vote, needs_survey) = (matches!(s, "e" | "g"), matches!(s, "f" | "g"));
    let (needs_activity, needs_shop) = (matches!(s, "c" | "g"), matches!(s, "d" | "g"));
    // The database, for the topics of votes and the end of activities only.
    let db = if needs_vote || needs_activity {
        let target = DatabaseTarget::parse(&fx.database_url)?;
        Some(Db::connect(&target, 2, Duration::from_secs(60))?)
    } else {
        None
    };
    let db = db.as_ref();

    let votes = if needs_vote {
        Some(prepare::open_votes(&api, db, &fx).await?)
    } else {
        None
    };
    let surveys = if needs_survey {
        Some(prepare::open_surveys(&api, &fx).await?)
    } else {
        None
    };
    if needs_shop {
        prepare::restock(&api, &fx).await?;
    }
    let mut activities = if needs_activity {
        let wanted = participants(&args, &fx, rate);
        activity::open_activities(&api, db, &fx, &wanted, args.connections)
            .await?
            .into_iter()
            .map(Some)
            .collect()
    } else {
        Vec::new()
    };
    activities.resize_with(fx.communities.len(), || None);
    let targets: Vec<Target> = activities
        .into_iter()
        .enumerate()
        .map(|(c, activity)| Target {
            vote: votes.as_ref().map(|v| v[c]),
            survey: surveys.as_ref().map(|v| v[c]),
            activity,
        })
        .collect();

    let cycle = cycle(s);
    let scenario = Arc::new(Scenario::new(cycle.clone(), fx.clone(), targets)?);
    if let Some(rate) = rate {
        let ops = rate * args.seconds;
        for kind in cycle.iter().copied().filter(|k| k.consumes()) {
            let needed = if s == "g" { mix::share(kind, ops) } else { ops };
            let capacity = scenario.capacity(kind).unwrap_or(usize::MAX);
            if needed > capacity as f64 {
                return Err(format!(
                    "{} {}s needed at this rate, the run has {capacity}: lower --rate or --seconds",
                    needed.ceil(),
                    kind.name()
                ));
            }
        }
    }
    api.warm(args.connections).await?;

    let began = wushe::db::now();
    let (tally, elapsed) = match rate {
        None => {
            drive::peak(
                api.clone(),
                scenario.clone(),
                args.connections,
                args.seconds,
            )
            .await
        }
        Some(r) => {
            drive::rate(
                api.clone(),
                scenario.clone(),
                r,
                args.connections,
                args.seconds,
            )
            .await
        }
    };

    let mut extra = Map::new();
    let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1000.0;
    if let Some(votes) = &votes {
        let took = prepare::close_votes(&api, &fx, votes).await?;
        extra.insert("close_votes_ms".into(), json!(ms(took)));
    }
    if let Some(surveys) = &surveys {
        let took = prepare::close_surveys(&api, &fx, surveys).await?;
        extra.insert("close_surveys_ms".into(), json!(ms(took)));
    }
    if needs_activity {
        let activities = Arc::try_unwrap(scenario)
            .map_err(|_| "the scenario is still in use".to_owned())?
            .into_activities();
        let (took, credited) = activity::settle(&api, db, &fx, &activities, began).await?;
        extra.insert("settle_ms".into(), json!(ms(took)));
        extra.insert("settled".into(), json!(credited));
    }

    let mut out = Map::new();
    out.insert("scenario".into(), json!(s));
    out.insert(
        "mode".into(),
        json!(if rate.is_some() { "rate" } else { "peak" }),
    );
    out.insert("backend".into(), json!(fx.backend));
    out.insert("connections".into(), json!(args.connections));
    out.insert("seconds".into(), json!(args.seconds));
    if let Some(r) = rate {
        out.insert("target_rate".into(), json!(r));
    }
    // Peak mode times each operation from when it was sent; rate mode from when it was due.
    let from = if rate.is_some() { "due" } else { "sent" };
    out.insert("timed_from".into(), json!(from));
    out.extend(tally.report(elapsed));
    out.extend(extra);
    println!("{}", Value::Object(out));
    Ok(())
}
