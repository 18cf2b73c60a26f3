//! Every error answer of the API is an `application/problem+json` document, whatever the
//! operation. The route annotations name the errors particular to each operation with
//! `body = Problem`; this pass gives those the problem media type (utoipa would call them
//! `application/json`), and adds to every operation a `default` response for the errors any
//! request can meet (401 without a token, 413 for a body over the limit, 429, 500, 503...), so
//! a client generated from the document expects a problem wherever one can come.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{OpenApi, Ref, RefOr};

const PROBLEM_MEDIA_TYPE: &str = "application/problem+json";

pub fn document_problems(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            for (status, response) in operation.responses.responses.iter_mut() {
                if let (true, RefOr::T(response)) = (is_error(status), response) {
                    let json = response.content.shift_remove("application/json");
                    if let Some(content) = json {
                        response
                            .content
                            .insert(PROBLEM_MEDIA_TYPE.to_owned(), content);
                    }
                }
            }
            operation
                .responses
                .responses
                .entry("default".to_owned())
                .or_insert_with(any_other_problem);
        }
    }
}

/// Every operation of a path, whatever its method.
pub(super) fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
        &mut item.head,
        &mut item.options,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

fn is_error(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5')
}

fn any_other_problem() -> RefOr<utoipa::openapi::Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    RefOr::T(
        ResponseBuilder::new()
            .description("Any other error, as a problem document with a stable `code`")
            .content(PROBLEM_MEDIA_TYPE, content)
            .build(),
    )
}
