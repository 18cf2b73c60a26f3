//! The operator's SMS/WeChat gateway: messages arrive signed, carry only the phone number and
//! the words, and are retried with the same idempotency key until the gateway takes them.

use crate::helpers::{Backend, TestApp};
use crate::notifications::deliver;
use crate::points::adjust;
use crate::rewards::redeem;
use crate::world;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::TimeDelta;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::Sha256;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use wushe::config::Webhook;

crate::backend_cases!(the_gateway_gets_signed_minimal_messages_until_it_takes_them);

const SECRET: &str = "gateway-secret-0123456789-abcdefghijklmn";

#[derive(Clone)]
struct Received {
    timestamp: String,
    signature: String,
    idempotency_key: String,
    body: Vec<u8>,
}

#[derive(Clone, Default)]
struct Gateway {
    received: Arc<Mutex<Vec<Received>>>,
    /// Requests still to be answered 503 before the gateway starts taking messages.
    refusals_left: Arc<AtomicUsize>,
}

async fn receive(gateway: web::Data<Gateway>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    gateway.received.lock().unwrap().push(Received {
        timestamp: header("x-wushe-timestamp"),
        signature: header("x-wushe-signature"),
        idempotency_key: header("idempotency-key"),
        body: body.to_vec(),
    });
    let refuse = gateway
        .refusals_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if refuse {
        HttpResponse::ServiceUnavailable().finish()
    } else {
        HttpResponse::Accepted().finish()
    }
}

fn start_gateway(gateway: Gateway) -> url::Url {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(gateway.clone()))
            .route("/hook", web::post().to(receive))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    url::Url::parse(&format!("http://127.0.0.1:{port}/hook")).unwrap()
}

fn signed(received: &Received) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(received.timestamp.as_bytes());
    mac.update(b".");
    mac.update(&received.body);
    received.signature == format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn the_gateway_gets_signed_minimal_messages_until_it_takes_them(backend: Backend) {
    let gateway = Gateway::default();
    gateway.refusals_left.store(1, Ordering::SeqCst);
    let url = start_gateway(gateway.clone());
    let Some(app) = TestApp::spawn_with(backend, move |config| {
        config.delivery.webhook = Some(Webhook {
            url,
            secret: SECRET.as_bytes().to_vec(),
        });
    })
    .await
    else {
        return;
    };
    let world = world::build(&app).await;
    let a = &world.a;
    let (status, _) = adjust(&app, a.community, &a.staff, a.resident.id, 100).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, redemption) = redeem(&app, a, a.reward_item, &a.resident, 1).await;
    assert_eq!(status, StatusCode::CREATED, "{redemption}");

    // Points go by the gateway only when asked for; a redemption to collect does by default.
    assert_eq!(
        deliver(&app).await,
        "0 sent, 1 to retry, 0 failed, 0 deferred"
    );
    app.state.clock.advance(TimeDelta::hours(1));
    assert_eq!(
        deliver(&app).await,
        "1 sent, 0 to retry, 0 failed, 0 deferred"
    );
    deliver(&app).await;
    let received = gateway.received.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "refused once, then taken once");
    let outbox_id = app
        .count("SELECT id AS n FROM outbox WHERE channel = 'webhook'")
        .await;
    for attempt in &received {
        assert!(signed(attempt), "signature checks out");
        assert_eq!(attempt.idempotency_key, format!("outbox-{outbox_id}"));
    }
    let mut forged = received[1].clone();
    *forged.body.last_mut().unwrap() ^= 1;
    assert!(!signed(&forged), "a changed body fails the signature");

    let payload: Value = serde_json::from_slice(&received[1].body).unwrap();
    let phone = app
        .texts(&format!(
            "SELECT phone AS t FROM users WHERE id = {}",
            a.resident.id
        ))
        .await;
    let mut keys: Vec<&str> = payload
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["id", "kind", "locale", "phone", "text", "title"],
        "only what a message needs: {payload}"
    );
    assert_eq!(payload["phone"], phone[0].as_str());
    assert_eq!(payload["kind"], "redemption_ready");
    assert_eq!(payload["title"], "兑换成功，请领取");
}
