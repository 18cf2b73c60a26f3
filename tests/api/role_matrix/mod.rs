//! The permission matrix: every operation of the API document, called by nobody, by every
//! role of community A, by the platform admin and by an outsider, against community A's records
//! and against community B's. The expectations are written out here, apart from the code's own
//! permission table, so a change to either shows up as a failure; an operation the matrix does
//! not know fails `the_matrix_covers_every_operation`.

mod callers;
mod civic;
mod decisions;
mod elsewhere;
mod people;
mod platform;
mod services;
mod sessions;

use crate::helpers::{PASSWORD, TestApp};
use crate::world::{self, Side, World};
use callers::*;
use elsewhere::COVERED_ELSEWHERE;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Who may call an endpoint on their own community.
enum Allowed {
    /// Anyone, logged in or not.
    Public,
    /// Anyone logged in.
    AnyUser,
    Roles(&'static [Who]),
    /// A region's: its admins (and the platform's) on their own region. Regions are public,
    /// so the others are refused with 403, on either side.
    Region(&'static [Who]),
    /// Whatever the function says for (caller, own side).
    Custom(fn(Who, bool) -> Result<(), StatusCode>),
}

struct Endpoint {
    method: Method,
    /// The documented path, to check that the matrix covers every operation.
    documented: &'static str,
    path: fn(&Side) -> String,
    body: fn(&Side, &World, usize) -> Option<Value>,
    allowed: Allowed,
}

/// Every endpoint in the order called: community A's and B's own operations first (the last
/// of which gives the callers standing), then the rest.
fn endpoints() -> Vec<Endpoint> {
    [
        people::endpoints(),
        civic::endpoints(),
        services::endpoints(),
        decisions::endpoints(),
        platform::endpoints(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What `who` (of community A) should get calling `endpoint` on A (`own`) or on B.
fn expected(endpoint: &Endpoint, who: Who, own: bool) -> Result<(), StatusCode> {
    let allow = |roles: &[Who]| {
        if roles.contains(&who) {
            Ok(())
        } else {
            Err(StatusCode::FORBIDDEN)
        }
    };
    match (&endpoint.allowed, who) {
        (Allowed::Public, _) => Ok(()),
        (Allowed::Custom(rule), _) => rule(who, own),
        (_, Anonymous) => Err(StatusCode::UNAUTHORIZED),
        (Allowed::AnyUser, _) => Ok(()),
        (Allowed::Region(roles) | Allowed::Roles(roles), PlatformAdmin) => allow(roles),
        (Allowed::Region(roles), _) if own => allow(roles),
        (Allowed::Region(_), _) => Err(StatusCode::FORBIDDEN),
        (Allowed::Roles(_), Outsider) => Err(StatusCode::NOT_FOUND),
        (Allowed::Roles(_), _) if !own => Err(StatusCode::NOT_FOUND),
        (Allowed::Roles(roles), _) => allow(roles),
    }
}

async fn role_matrix(app: TestApp) {
    let started = std::time::Instant::now();
    let mut world = world::build(&app).await;
    platform::prepare(&app, &mut world).await;
    let mut failures = Vec::new();
    let mut n = 0;
    for endpoint in endpoints() {
        for who in EVERYONE {
            for (own, side) in [(true, &world.a), (false, &world.b)] {
                n += 1;
                let path = (endpoint.path)(side);
                let body = (endpoint.body)(side, &world, n);
                let (status, response) = app
                    .call(endpoint.method.clone(), &path, token(&world, who), body)
                    .await;
                let ok = match expected(&endpoint, who, own) {
                    Ok(()) => status.is_success() || status == StatusCode::CONFLICT,
                    Err(want) => status == want,
                };
                if !ok {
                    let side = if own { "own" } else { "foreign" };
                    failures.push(format!(
                        "{} {path} as {who:?} ({side}): got {status}, want {:?}: {response}",
                        endpoint.method,
                        expected(&endpoint, who, own)
                    ));
                }
                // A refused request must never carry the other community's data.
                if status == StatusCode::NOT_FOUND {
                    assert!(
                        response.get("items").is_none() && response.get("id").is_none(),
                        "{path}: {response}"
                    );
                }
            }
        }
    }
    let (walked, wrong) = sessions::walk(&app).await;
    n += walked;
    failures.extend(wrong);
    // The figures for the record: how much of the API the matrix walks, and how fast.
    eprintln!(
        "role matrix: {} operations, {n} cells, {:?}",
        endpoints().len() + sessions::OPERATIONS.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} of {n} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

crate::backend_tests!(role_matrix);

#[test]
fn the_matrix_covers_every_operation() {
    let doc: Value = serde_json::from_str(&wushe::openapi::document_json()).unwrap();
    let tested: Vec<String> = endpoints()
        .iter()
        .map(|e| format!("{} {}", e.method, e.documented))
        .collect();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let operation = format!("{} {path}", method.to_uppercase());
            let covered = tested.contains(&operation)
                || sessions::OPERATIONS.contains(&operation.as_str())
                || COVERED_ELSEWHERE.iter().any(|(op, _)| *op == operation);
            assert!(covered, "{operation} is missing from the permission matrix");
        }
    }
}
