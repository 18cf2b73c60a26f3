//! HTTP plumbing: the app with its middleware, extractors, and the server.

mod docs;
mod freshness;
pub mod idempotency;
pub mod json;
pub mod metrics;
mod ops;
pub mod pagination;
pub mod problem;
mod query;
mod security;
pub mod spreadsheet;
pub mod text;

pub use freshness::CACHE_TTL;
pub use json::{BodyLimit, Json};

use crate::error::ApiError;
use crate::state::AppState;
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use std::net::TcpListener;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

/// Every `/api/v1` route, one line per feature module.
pub fn api_routes(cfg: &mut ServiceConfig) {
    crate::auth::routes::routes(cfg);
    crate::accounts::routes::routes(cfg);
    crate::regions::routes::routes(cfg);
    crate::communities::routes::routes(cfg);
    crate::communities::grids::routes(cfg);
    crate::communities::households::routes(cfg);
    crate::memberships::routes::routes(cfg);
    crate::roles::routes::routes(cfg);
    crate::assisted::routes::routes(cfg);
    crate::audit::routes::routes(cfg);
    crate::ledger::routes::routes(cfg);
    crate::points::routes::routes(cfg);
    crate::rewards::routes::routes(cfg);
    crate::wishes::routes::routes(cfg);
    crate::wishes::claim_routes::routes(cfg);
    crate::votes::routes::routes(cfg);
    crate::votes::ballot_routes::routes(cfg);
    crate::votes::paper_routes::routes(cfg);
    crate::activities::signup_routes::routes(cfg);
    crate::activities::routes::routes(cfg);
    crate::activities::attendance_routes::routes(cfg);
    crate::volunteers::routes::routes(cfg);
    crate::fund::routes::routes(cfg);
    crate::topics::routes::routes(cfg);
    crate::topics::stage_routes::routes(cfg);
    crate::topics::discussion_routes::routes(cfg);
    crate::topics::outcome_routes::routes(cfg);
    crate::organisations::routes::routes(cfg);
    crate::organisations::member_routes::routes(cfg);
    crate::projects::routes::routes(cfg);
    crate::projects::work_routes::routes(cfg);
    crate::surveys::routes::routes(cfg);
    crate::surveys::response_routes::routes(cfg);
    crate::surveys::result_routes::routes(cfg);
    crate::ratings::routes::routes(cfg);
    crate::indicators::routes(cfg);
    crate::notifications::routes::routes(cfg);
    crate::events::routes::routes(cfg);
}

/// Runs `work` in a write transaction and answers 200 with what it returns: the shape of most
/// changes of state.
pub async fn write_ok<T, F>(state: &AppState, work: F) -> Result<actix_web::HttpResponse, ApiError>
where
    T: serde::Serialize + Send + 'static,
    F: FnOnce(&mut crate::db::DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    let value = state.db.write(work).await?;
    Ok(actix_web::HttpResponse::Ok().json(value))
}

/// 200 with a JSON body already serialised, as the cache holds it.
pub fn json_bytes(body: Vec<u8>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body)
}

/// The documented routes: the API and the health probes. Also used to build the OpenAPI file.
pub fn documented_routes<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.service(utoipa_actix_web::scope("/api/v1").configure(api_routes))
        .configure(ops::documented)
}

/// The served OpenAPI document, rendered once at start-up.
pub struct OpenApiJson(pub String);

pub fn build_app(
    state: web::Data<AppState>,
    openapi: web::Data<OpenApiJson>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limit = state.config.body_limit;
    let cors = cors(&state.config.cors_origins);
    let mode = state.config.mode;
    let metrics = web::Data::new(state.metrics.clone());
    let app = App::new()
        .app_data(state)
        .app_data(openapi)
        .app_data(metrics)
        .app_data(web::Data::new(BodyLimit(limit)))
        .app_data(web::PayloadConfig::new(limit))
        .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::not_found().into()))
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            tracing::debug!(%err, "bad query string");
            ApiError::invalid_field("query", "invalid_value").into()
        }));
    let (app, _) = documented_routes(app.into_utoipa_app()).split_for_parts();
    app.configure(ops::undocumented)
        .default_service(web::to(|| async {
            Err::<actix_web::HttpResponse, _>(ApiError::not_found())
        }))
        .wrap(from_fn(freshness::invalidate_after_writes))
        .wrap(from_fn(query::utf8_only))
        .wrap(from_fn(problem::problem_responses))
        .wrap(Compress::default())
        .wrap(from_fn(metrics::record_metrics))
        .wrap(TracingLogger::default())
        .wrap(cors)
        .wrap(security::headers(mode))
}

fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            "authorization",
            "content-type",
            "accept-language",
            "idempotency-key",
        ])
        .expose_headers(["x-request-id", "retry-after"])
        .max_age(3600)
}

/// Ends the event streams when a shutdown signal arrives, as actix begins its graceful
/// shutdown, which would otherwise wait out its timeout for streams that never finish.
fn close_streams_on_shutdown(events: crate::events::EventBus) {
    tokio::spawn(async move {
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = terminate => {}
        }
        events.close_streams();
    });
}

/// Starts serving on `listener`; the server stops gracefully on SIGTERM or Ctrl-C.
pub fn server(
    state: AppState,
    listener: TcpListener,
    workers: Option<usize>,
) -> std::io::Result<Server> {
    close_streams_on_shutdown(state.events.clone());
    let state = web::Data::new(state);
    let openapi = web::Data::new(OpenApiJson(crate::openapi::document_json()));
    let mut server = HttpServer::new(move || build_app(state.clone(), openapi.clone()))
        .listen(listener)?
        .shutdown_timeout(30);
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}
