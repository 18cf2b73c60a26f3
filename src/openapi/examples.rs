//! Example values for the record ids in paths. Each is `1`, the first record of its kind: in
//! the demo street (`wushe seed-demo`) that is 望月湖社区 and its first activity, wish, vote
//! and so on, so a generated client or a property-based test (`scripts/schemathesis`) that
//! starts from the examples reaches real records instead of a 404.

use super::problems::operations;
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};

pub fn document_path_examples(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.parameter_in == ParameterIn::Path {
                    *parameter = ParameterBuilder::from(parameter.clone())
                        .example(Some(serde_json::json!(1)))
                        .build();
                }
            }
        }
    }
}
