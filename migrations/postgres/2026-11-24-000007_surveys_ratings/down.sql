DROP TABLE rectifications;
DROP TABLE service_ratings;
DROP TABLE service_cases;
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_audience;
DROP TABLE survey_questions;
DROP TABLE surveys;
