//! Database faults: a node whose PostgreSQL connections are cut (through a proxy, so other
//! tests on the same server are left alone) answers 503 with Retry-After quickly, never a 500
//! or a hang, and serves again by itself within 5 s of the database coming back.

use crate::helpers::{Backend, TestApp};
use crate::points::{assert_ledger_sound, set_rules};
use crate::tcp_proxy::Proxy;
use crate::world;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wushe::db::DatabaseTarget;

const FAULTS: usize = 3;
const OUTAGE: Duration = Duration::from_secs(4);
/// Shorter than a real node's, to keep the test short; still below the outage, so requests
/// waiting for a new connection give up during it.
const CHECKOUT: Duration = Duration::from_secs(2);
const RECOVERY: Duration = Duration::from_secs(5);

/// One request of the load: when it started and ended, and how it was answered (status 0
/// when it was not answered at all).
struct Sample {
    write: bool,
    started: Instant,
    ended: Instant,
    status: u16,
    problem: bool,
    retry_after: bool,
    body: Value,
}

struct Load {
    app: TestApp,
    path_write: String,
    path_read: String,
    staff: String,
    resident: String,
    resident_id: i64,
    next: AtomicUsize,
    stop: AtomicBool,
    samples: Mutex<Vec<Sample>>,
}

async fn one(load: &Load, write: bool) -> Sample {
    let started = Instant::now();
    let request = if write {
        let n = load.next.fetch_add(1, Ordering::SeqCst);
        let body = json!({ "user_id": load.resident_id, "asset": "points", "amount": 1, "reason": "志愿服务补录" });
        load.app
            .client
            .request(Method::POST, load.app.url(&load.path_write))
            .bearer_auth(&load.staff)
            .header("Idempotency-Key", format!("fault-{n}"))
            .json(&body)
    } else {
        load.app
            .client
            .get(load.app.url(&load.path_read))
            .bearer_auth(&load.resident)
    };
    let (status, problem, retry_after, body) =
        match request.timeout(Duration::from_secs(30)).send().await {
            Ok(response) => {
                let header = |name| response.headers().get(name).cloned();
                let problem = header("content-type")
                    .is_some_and(|v| v.to_str().unwrap_or("") == "application/problem+json");
                let retry_after = header("retry-after").is_some();
                let status = response.status().as_u16();
                let body = response.json().await.unwrap_or(Value::Null);
                (status, problem, retry_after, body)
            }
            Err(_) => (0, false, false, Value::Null),
        };
    Sample {
        write,
        started,
        ended: Instant::now(),
        status,
        problem,
        retry_after,
        body,
    }
}

async fn client(load: Arc<Load>, write: bool) {
    while !load.stop.load(Ordering::SeqCst) {
        let sample = one(&load, write).await;
        load.samples.lock().unwrap().push(sample);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A node whose database is reached through `proxy`; `None` without PostgreSQL.
async fn behind_proxy(proxy: &Proxy) -> Option<TestApp> {
    TestApp::spawn_with(Backend::Postgres, |c| {
        let DatabaseTarget::Postgres(url) = &c.database else {
            unreachable!()
        };
        let mut url = url::Url::parse(url).unwrap();
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(proxy.port)).unwrap();
        c.database = DatabaseTarget::Postgres(url.to_string());
        c.db_pool_timeout = CHECKOUT;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_fail_fast_with_503_while_postgres_is_cut_and_recover_by_themselves() {
    let Some(admin) = std::env::var("WUSHE_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        // Starting the app without it fails or skips, as the other PostgreSQL tests do.
        assert!(TestApp::spawn(Backend::Postgres).await.is_none());
        return;
    };
    let upstream = url::Url::parse(&admin)
        .unwrap()
        .socket_addrs(|| Some(5432))
        .unwrap()[0];
    let proxy = Proxy::start(upstream.to_string());
    let app = behind_proxy(&proxy).await.unwrap();
    let world = world::build(&app).await;
    let a = &world.a;
    set_rules(&app, &world, json!({ "adjustment_daily_limit": 1_000_000 })).await;
    let load = Arc::new(Load {
        path_write: format!("/communities/{}/points/adjustments", a.community),
        path_read: format!("/communities/{}/ledger/me", a.community),
        staff: a.staff.access.clone(),
        resident: a.resident.access.clone(),
        resident_id: a.resident.id,
        next: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        samples: Mutex::new(Vec::new()),
        app,
    });
    let clients: Vec<_> = (0..6)
        .map(|i| tokio::spawn(client(load.clone(), i % 2 == 0)))
        .collect();
    let mut outages = Vec::new();
    for _ in 0..FAULTS {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let cut = Instant::now();
        proxy.cut();
        tokio::time::sleep(OUTAGE / 2).await;
        let (status, body) = load.app.get("/readyz", None).await;
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready while cut: {body}"
        );
        tokio::time::sleep(OUTAGE / 2).await;
        let restored = Instant::now();
        proxy.restore();
        outages.push((cut, restored));
        while load.app.get("/readyz", None).await.0 != StatusCode::OK {
            assert!(restored.elapsed() < RECOVERY, "ready again within 5 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(RECOVERY).await;
    }
    load.stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.await.unwrap();
    }
    let load = Arc::into_inner(load).unwrap();
    let samples = load.samples.into_inner().unwrap();
    check(&samples, &outages);

    let acked: Vec<String> = samples
        .iter()
        .filter(|s| s.write && s.status == 201)
        .map(|s| s.body["id"].to_string())
        .collect();
    let present = format!(
        "SELECT COUNT(*) AS n FROM point_adjustments WHERE id IN ({})",
        acked.join(",")
    );
    assert_eq!(
        load.app.count(&present).await,
        acked.len() as i64,
        "every 201 is there"
    );
    assert_ledger_sound(&load.app, &world, a.community).await;
    let failed = samples.iter().filter(|s| s.status == 503).count();
    eprintln!(
        "db faults: {FAULTS} cuts of {OUTAGE:?}, {} requests ({failed} answered 503, {} writes acknowledged)",
        samples.len(),
        acked.len()
    );
}

/// What the load saw: never a 500 or an unanswered request, nothing slower than a checkout
/// wait; a 503 problem with Retry-After for what ran inside an outage; a read and a write
/// served within 5 s of each restore, and everything from then on.
fn check(samples: &[Sample], outages: &[(Instant, Instant)]) {
    for s in samples {
        let took = s.ended - s.started;
        assert!(
            took < CHECKOUT + Duration::from_secs(2),
            "a request took {took:?}"
        );
        assert!(
            (200..300).contains(&s.status) || s.status == 503,
            "{} (write: {}) after {took:?}: {}",
            s.status,
            s.write,
            s.body
        );
        if s.status == 503 {
            assert!(
                s.problem && s.retry_after,
                "503 without problem or Retry-After: {}",
                s.body
            );
            assert_eq!(s.body["code"], "service_unavailable");
        }
    }
    for (i, &(cut, restored)) in outages.iter().enumerate() {
        let next_cut = outages.get(i + 1).map(|o| o.0);
        let inside: Vec<_> = samples
            .iter()
            .filter(|s| s.started > cut && s.ended < restored)
            .collect();
        assert!(
            inside.len() >= 4,
            "requests during the outage: {}",
            inside.len()
        );
        assert!(
            inside.iter().all(|s| s.status == 503),
            "nothing is served while cut"
        );
        for write in [false, true] {
            let first = samples
                .iter()
                .filter(|s| s.write == write && s.started >= restored && s.status / 100 == 2)
                .map(|s| s.ended)
                .min()
                .expect("served again");
            assert!(
                first - restored < RECOVERY,
                "served again after {:?}",
                first - restored
            );
        }
        let late = samples.iter().filter(|s| {
            s.started > restored + RECOVERY && next_cut.is_none_or(|next| s.ended < next)
        });
        for s in late {
            assert_eq!(s.status / 100, 2, "after recovery: {} {}", s.status, s.body);
        }
    }
}
