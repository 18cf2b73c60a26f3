//! The OpenAPI 3.1 document, collected from the route annotations themselves, so a route
//! cannot be served without being documented. `api-docs/openapi.json` is this, committed.

mod examples;
mod problems;

use crate::http::documented_routes;
use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wushe API",
        description = "Community co-governance (五社联动 / 共同缔造): residents, volunteers, committees and the indicators built from their work.\n\nErrors are `application/problem+json` with a stable `code`; messages follow `Accept-Language` (zh-CN by default, or en). Lists are paginated with `cursor` and `limit`.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    components(schemas(crate::error::Problem)),
    tags(
        (name = "auth", description = "Registration, login, token refresh and logout"),
        (name = "accounts", description = "The caller's own account"),
        (name = "regions", description = "Province → city → district → street"),
        (name = "communities", description = "Communities, grids and households"),
        (name = "memberships", description = "Residency applications and verification"),
        (name = "roles", description = "Appointing admins, staff, grid workers, social workers and volunteers"),
        (name = "assisted", description = "Accounts and sessions for residents helped in person"),
        (name = "audit", description = "Who changed what, when"),
        (name = "ledger", description = "Balances, statements, verification and reversals of the points and time-bank ledger"),
        (name = "points", description = "Points rules, staff adjustments, family gifts and expiry"),
        (name = "rewards", description = "The rewards shop (爱心超市): items, redemptions, handing them over and cancelling"),
        (name = "wishes", description = "Micro-wishes (微心愿): posting, staff review, one live claim, fulfilment, the requester's confirmation and rating with points for the fulfiller, and the message thread; the requester's name, phone and address only for the requester, the claimant and staff"),
        (name = "activities", description = "Volunteer activities: lifecycle, sign-ups with a waitlist, attendance codes, check-in and check-out, self-reported hours, review and settlement into hours, points and time credits"),
        (name = "volunteers", description = "Volunteer profiles, teams, honour hours, certificates, leaderboards and anomaly flags"),
        (name = "fund", description = "The community charity fund (社区公益慈善基金): donations of money or goods, disbursements to wishes and projects approved by two staff members, and its public statement"),
        (name = "organisations", description = "Social organisations (社区社会组织) serving each community, approved by its staff, with their members; and the community's social workers with their certificates and employers"),
        (name = "projects", description = "Micro-governance projects (社区微治理项目 / 公益创投): proposals by residents and organisations, staff decisions, participants and milestones, and the five societies each project links"),
        (name = "votes", description = "Votes on consultation topics (表决): a frozen electorate, secret ballots with receipts, results hidden until close unless live, the ballot list published for recounts, witnessed proxy ballots and paper ballots confirmed by two officers"),
        (name = "topics", description = "Consultation topics (协商议事, 一事一议, 四议两公开): raised by staff, an organisation or residents with co-signers; accepted, discussed with threaded comments and meeting records, voted on, decided, implemented with public updates and rated by residents (效果共评); the public page of decisions (决议公开)"),
        (name = "surveys", description = "Satisfaction surveys (满意度测评): built-in templates from the evaluation standards, questions of six kinds with skip logic, an audience frozen at opening, one response per person or household (anonymous ones unlinkable to the respondent), results with satisfaction rates and Wilson intervals, a breakdown by grid that hides small groups, and a CSV export"),
        (name = "ratings", description = "Service ratings (好差评) after a fulfilled wish, an attended activity or a service-counter case; a poor rating opens a rectification case (整改) with a deadline, a staff reply and the resident's acceptance; good and rectification rates per period"),
        (name = "indicators", description = "Indicators and community ratings: evaluation standards as versioned data (built-in: Hunan 2022 harmonious community, Ziyang 2018, Wuhan happy community), metrics computed from platform data with their formulas, manual values with evidence and approval, per-period snapshots with dimension and composite scores, hard thresholds, stars, ranks and trends; region roll-ups, the nomination CSV, published ratings and SVG charts"),
        (name = "notifications", description = "The in-app inbox (unread count, mark read) and each person's notification settings: language, a daily email digest, and per kind of notice (wish claimed or fulfilled, activity reminder, vote opened, closing soon or decided, survey invitation or reminder, points credited, redemption ready, rectification due) whether it also goes by email and through the operator's SMS/WeChat gateway"),
        (name = "events", description = "Live updates for the apps: a server-sent event stream per user (new inbox items, live vote tallies), served by any node"),
        (name = "operations", description = "Health and readiness"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    let app = App::new().into_utoipa_app().openapi(ApiDoc::openapi());
    let (_, mut doc) = documented_routes(app).split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    problems::document_problems(&mut doc);
    examples::document_path_examples(&mut doc);
    doc
}

/// The document as committed: pretty JSON with a trailing newline.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
