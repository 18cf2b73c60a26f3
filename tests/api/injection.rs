//! Injection strings (SQL, script, template, JNDI, RTL override, emoji and other 4-byte
//! UTF-8) in text fields and query filters are stored and returned verbatim as JSON text,
//! the tables stay intact, control characters are refused, and the CSV export never hands a
//! spreadsheet a formula.

use crate::helpers::TestApp;
use crate::surveying::{close, content, every_kind, export, open_survey, responded};
use crate::world;
use reqwest::StatusCode;
use serde_json::json;

const NASTY: [&str; 9] = [
    "'); DROP TABLE users;--",
    "\" OR 1=1 --",
    "<script>alert(1)</script>",
    "{{7*7}} ${7*7} #{7*7}",
    "${jndi:ldap://x/a}",
    "\u{202E}txt.exe 右到左",
    "👨‍👩‍👧‍👦 𝌆 𠀋 🀄",
    "%s%n%x \\x00 \\u0000",
    "=HYPERLINK(\"http://x\",\"点这里\")",
];

async fn injection_strings_round_trip(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let wishes = format!("/communities/{}/wishes", a.community);
    let users = app.count("SELECT COUNT(*) AS n FROM users").await;
    for text in NASTY {
        let mut body = crate::wishes::request(&app);
        body["title"] = json!(text);
        body["story"] = json!(format!("{text}\n{text}"));
        let (status, posted) = app.post(&wishes, a.resident.token(), body).await;
        assert_eq!(status, StatusCode::CREATED, "{text}: {posted}");
        let (status, read) = app
            .get(&format!("{wishes}/{}", posted["id"]), a.resident.token())
            .await;
        assert_eq!(status, StatusCode::OK, "{read}");
        assert_eq!(read["title"], text);
        assert_eq!(read["story"], format!("{text}\n{text}"));
        // As a filter it matches nothing, or is refused; it is never run.
        let filter = format!("{wishes}?category={}", urlencode(text));
        let (status, list) = app.get(&filter, a.resident.token()).await;
        assert!(
            status == StatusCode::OK && list["items"] == json!([])
                || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{text}: {status} {list}"
        );
    }
    let stored = app.texts("SELECT title AS t FROM wishes ORDER BY id").await;
    assert_eq!(stored, NASTY, "stored verbatim");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users").await, users);
    for (text, code) in [
        ("bell\u{7}", "control_characters"),
        ("escape\u{1b}[31m", "control_characters"),
        ("line\nbreak", "control_characters"),
        ("nul\u{0}", "control_characters"),
    ] {
        let mut body = crate::wishes::request(&app);
        body["title"] = json!(text);
        let (status, refused) = app.post(&wishes, a.resident.token(), body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{text:?}: {refused}"
        );
        assert_eq!(refused["errors"][0]["code"], code, "{text:?}");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM wishes").await, 9);
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Free-text answers and display names starting with a formula reach the CSV as text.
async fn csv_export_carries_no_formulas(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let formulas = [
        "=1+1",
        "+SUM(A1)",
        "-2+3",
        "@cmd",
        "=HYPERLINK(\"http://x\")",
    ];
    let mut people = Vec::new();
    for (n, formula) in formulas.iter().enumerate() {
        let phone = format!("1391888{n:04}");
        let who =
            world::verified_resident(&app, a.community, a.household, &a.staff, &phone, formula);
        people.push(who.await);
    }
    // The audience is fixed when the survey opens, so the respondents live there first.
    let survey = open_survey(&app, a, every_kind(), json!({ "anonymous": false })).await;
    for (who, formula) in people.iter().zip(formulas.iter()) {
        let mut answers = content();
        answers["words"] = json!(formula);
        let receipt = responded(&app, a, survey, who, answers).await;
        assert_eq!(receipt["answers"]["words"], *formula, "stored verbatim");
    }
    close(&app, a, survey).await;
    let response = export(&app, a, survey).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let words = header.iter().position(|h| h == "words").unwrap();
    let (mut answers, mut names) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record.unwrap();
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a formula in the export: {cell:?}"
            );
        }
        answers.push(record[words].to_owned());
        names.push(record[1].to_owned());
    }
    let mut expected: Vec<String> = formulas.iter().map(|f| format!("'{f}")).collect();
    expected.sort();
    answers.sort();
    names.sort();
    assert_eq!(answers, expected, "answers kept whole, as text");
    assert_eq!(names, expected, "respondents' names too");
}

crate::backend_tests!(injection_strings_round_trip, csv_export_carries_no_formulas);
