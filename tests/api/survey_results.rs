//! Survey results against hand-computed figures: distributions, means, satisfaction rates
//! with Wilson intervals, response rates, the breakdown by grid hiding small groups, who may
//! read what, and the CSV export with skip logic.

use crate::helpers::TestApp;
use crate::surveying::{
    close, content, every_kind, export, grid_of, open_survey, responded, results, survey_path,
};
use crate::voting::crowd;
use crate::world;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn question<'r>(results: &'r Value, key: &str) -> &'r Value {
    results["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["key"] == key)
        .unwrap()
}

async fn results_match_hand_computed_figures(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let people = crowd(&app, a, 10, None).await;
    let east = grid_of(&app, a, "东区", &people[..5]).await;
    let west = grid_of(&app, a, "西区", &people[5..]).await;
    let survey = open_survey(&app, a, every_kind(), json!({})).await;
    // Security: 5,5,5,4,4,4,4,4 satisfied; 2,1 not (8 of 10). Service: 6 good, 3 average, 1 poor.
    let security = [5, 5, 5, 4, 4, 4, 4, 4, 2, 1];
    let service = [
        "good", "good", "good", "average", "poor", "good", "good", "good", "average", "average",
    ];
    for (i, person) in people.iter().enumerate() {
        let mut answers = json!({"channel": i % 3, "security": security[i], "service": service[i],
                                 "recommend": i});
        if security[i] <= 2 {
            answers["concerns"] = json!([0, 1]);
        }
        if i == 0 {
            answers["words"] = json!("楼道灯坏了");
        }
        responded(&app, a, survey, person, answers).await;
    }
    let results = results(&app, a, survey).await;
    assert_eq!(results["responses"], 10);
    let audience = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM survey_audience WHERE survey_id = {survey}"
        ))
        .await;
    assert_eq!(results["response_rate"]["count"], 10);
    assert_eq!(results["response_rate"]["of"], audience);
    let security = question(&results, "security");
    assert_eq!(security["answered"], 10);
    let counts: Vec<i64> = security["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [1, 1, 0, 5, 3]);
    assert_eq!(security["mean"], 3.8);
    // 8 of 10: 80%, Wilson 95% interval 49.02%–94.33% (Newcombe 1998).
    assert_eq!(
        security["satisfaction"],
        json!({"count": 8, "of": 10, "rate": 0.8, "low": 0.4902, "high": 0.9433})
    );
    let service = question(&results, "service");
    assert_eq!(service["satisfaction"]["count"], 6);
    assert_eq!(service["mean"], 2.5, "good 3, average 2, poor 1: 25 / 10");
    let labels: Vec<&str> = service["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["label"].as_str())
        .collect();
    assert_eq!(labels, ["good", "average", "poor"]);
    // The follow-up counts only those shown it: two people, both choosing 盗窃 and 诈骗.
    let concerns = question(&results, "concerns");
    assert_eq!(concerns["answered"], 2);
    assert_eq!(
        concerns["distribution"][0],
        json!({"value": 0, "label": "盗窃", "count": 2})
    );
    assert_eq!(concerns["mean"], Value::Null);
    assert_eq!(question(&results, "recommend")["mean"], 4.5);
    assert_eq!(question(&results, "words")["texts"], json!(["楼道灯坏了"]));
    // By tag, and by grid: east 5 of 5 satisfied with security, west 3 of 5.
    assert_eq!(results["by_tag"][0]["tag"], "security_satisfaction");
    assert_eq!(results["by_tag"][0]["satisfaction"]["count"], 8);
    assert_eq!(results["by_tag"][1]["tag"], "service_satisfaction");
    assert_eq!(results["by_tag"][1]["satisfaction"]["count"], 6);
    let grids = security["by_grid"].as_array().unwrap();
    let of = |grid: i64| grids.iter().find(|g| g["grid_id"] == grid).unwrap();
    assert_eq!(of(east)["satisfaction"]["count"], 5);
    assert_eq!(of(east)["satisfaction"]["high"], 1.0);
    assert_eq!(of(west)["satisfaction"]["count"], 3);
    assert_eq!(of(west)["grid_name"], "西区");
    assert_eq!(security["hidden_grids"], 0);
}

async fn small_groups_stay_hidden_in_every_view(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let people = crowd(&app, a, 12, None).await;
    let big = grid_of(&app, a, "大网格", &people[..7]).await;
    grid_of(&app, a, "四户网格", &people[7..11]).await;
    grid_of(&app, a, "一户网格", &people[11..]).await;
    let survey = open_survey(&app, a, every_kind(), json!({})).await;
    for person in &people {
        responded(&app, a, survey, person, content()).await;
    }
    // 4 and 1 hidden: together 5, enough not to be worked out from the total.
    let security = question(&results(&app, a, survey).await, "security").clone();
    let shown: Vec<i64> = security["by_grid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["grid_id"].as_i64().unwrap())
        .collect();
    assert_eq!(shown, [big]);
    assert_eq!(security["hidden_grids"], 2);
    // Nor does the export name a small grid.
    let csv = export(&app, a, survey).await.text().await.unwrap();
    let grids: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(grids.iter().filter(|g| **g == "大网格").count(), 7);
    assert_eq!(grids.iter().filter(|g| g.is_empty()).count(), 5, "{csv}");
}

async fn results_are_public_after_close_and_free_text_stays_with_staff(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let survey = open_survey(&app, a, every_kind(), json!({})).await;
    let mut answers = content();
    answers["words"] = json!("只给工作人员看");
    responded(&app, a, survey, &a.resident, answers).await;
    let path = survey_path(a, survey, "/results");
    let (status, problem) = app.get(&path, a.resident.token()).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_state"))
    );
    assert_eq!(app.get(&path, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&path, w.b.staff.token()).await.0,
        StatusCode::NOT_FOUND
    );
    close(&app, a, survey).await;
    for token in [None, a.resident.token(), w.b.resident.token()] {
        let (status, results) = app.get(&path, token).await;
        assert_eq!(status, StatusCode::OK, "{results}");
        assert_eq!(question(&results, "words")["texts"], Value::Null);
        assert!(!results.to_string().contains("只给工作人员看"));
    }
    let private = open_survey(&app, a, every_kind(), json!({"results_public": false})).await;
    close(&app, a, private).await;
    let path = survey_path(a, private, "/results");
    assert_eq!(
        app.get(&path, a.resident.token()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get(&path, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&path, a.staff.token()).await.0, StatusCode::OK);
}

async fn the_export_has_one_column_per_question_whatever_the_path(app: TestApp) {
    let w = world::build(&app).await;
    let a = &w.a;
    let neighbour = &crowd(&app, a, 1, None).await[0];
    let survey = open_survey(&app, a, every_kind(), json!({"anonymous": false})).await;
    responded(&app, a, survey, &a.resident, content()).await;
    let unhappy = json!({"channel": 1, "security": 1, "concerns": [0, 2], "service": "poor",
                         "recommend": 2, "words": "电梯, \"老坏\""});
    responded(&app, a, survey, neighbour, unhappy).await;
    let path = survey_path(a, survey, "/export.csv");
    let (status, _) = app.get(&path, a.resident.token()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = export(&app, a, survey).await;
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let bytes = response.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "a byte-order mark for spreadsheets"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "response",
            "respondent",
            "grid",
            "channel",
            "security",
            "concerns",
            "service",
            "recommend",
            "words"
        ]
    );
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().skip(1).map(String::from).collect())
        .collect();
    rows.sort();
    let names = app
        .texts(&format!(
            "SELECT display_name AS t FROM users WHERE id IN ({}, {}) ORDER BY id",
            a.resident.id, neighbour.id
        ))
        .await;
    let (resident, neighbour) = (names[0].clone(), names[1].clone());
    let mut expected = vec![
        vec![
            resident,
            String::new(),
            "网格员".into(),
            "5".into(),
            "NA".into(),
            "good".into(),
            "9".into(),
            String::new(),
        ],
        vec![
            neighbour,
            String::new(),
            "业主群".into(),
            "1".into(),
            "盗窃; 消防".into(),
            "poor".into(),
            "2".into(),
            "电梯, \"老坏\"".into(),
        ],
    ];
    expected.sort();
    assert_eq!(rows, expected);
}

crate::backend_tests!(
    results_match_hand_computed_figures,
    small_groups_stay_hidden_in_every_view,
    results_are_public_after_close_and_free_text_stays_with_staff,
    the_export_has_one_column_per_question_whatever_the_path,
);
