//! The committed API document must be exactly what the code generates.

#[test]
fn committed_openapi_matches_the_code() {
    let committed =
        std::fs::read_to_string("api-docs/openapi.json").expect("api-docs/openapi.json exists");
    let generated = wushe::openapi::document_json();
    assert!(
        committed == generated,
        "api-docs/openapi.json is out of date: run `cargo run -- openapi > api-docs/openapi.json` and commit it"
    );
}

#[test]
fn every_operation_is_documented_with_a_tag_and_problem_responses() {
    let doc: serde_json::Value = serde_json::from_str(&wushe::openapi::document_json()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{method} {path} has no tag"
            );
            let secured = op.get("security").is_some();
            if secured {
                // Every protected operation documents at least one error.
                let responses = op["responses"].as_object().unwrap();
                assert!(
                    responses.keys().any(|s| s.starts_with('4')),
                    "{method} {path} documents no 4xx"
                );
            }
        }
    }
}

/// Catches a schema a route names but nothing registers (a parameter type, say): clients
/// generated from the document would fail on the dangling reference.
#[test]
fn every_schema_reference_resolves() {
    let json = wushe::openapi::document_json();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let prefix = "\"#/components/schemas/";
    for reference in json.split(prefix).skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(
            schemas.contains_key(name),
            "{name} is referenced but not defined"
        );
    }
}

#[tokio::test]
async fn served_document_and_docs_page() {
    let app = crate::helpers::TestApp::spawn(crate::helpers::Backend::Sqlite)
        .await
        .unwrap();
    let served = app
        .client
        .get(app.url("/api-docs/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(served, wushe::openapi::document_json());
    let page = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("/api-docs/openapi.json"));
    assert!(
        !html.contains("https://"),
        "the docs page must not load anything from the network"
    );
}
