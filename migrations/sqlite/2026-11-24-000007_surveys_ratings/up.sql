-- Satisfaction surveys (满意度测评) and service ratings (好差评) with rectification (整改).

CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    title TEXT NOT NULL,
    description TEXT,
    -- The built-in template it was made from, if any.
    template TEXT,
    audience TEXT NOT NULL CHECK (audience IN ('residents', 'households', 'activity',
                                               'organisation')),
    activity_id BIGINT REFERENCES activities (id),
    organisation_id BIGINT REFERENCES organisations (id),
    -- Anonymous: responses carry no respondent (see survey_responses).
    anonymous BOOLEAN NOT NULL,
    -- A respondent may replace their answers until close.
    allow_edit BOOLEAN NOT NULL,
    -- Results readable by the audience after close (staff read them always).
    results_public BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'open', 'closed',
                                           'archived')),
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    -- People (or households) in the audience, frozen when the survey opens.
    audience_size INTEGER,
    opened_at TIMESTAMP,
    closed_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (closes_at > opens_at),
    CHECK ((audience = 'activity') = (activity_id IS NOT NULL)),
    CHECK ((audience = 'organisation') = (organisation_id IS NOT NULL))
);
CREATE INDEX surveys_community ON surveys (community_id, status, id);
CREATE INDEX surveys_due ON surveys (status, closes_at);

CREATE TABLE survey_questions (
    id INTEGER PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    position INTEGER NOT NULL,
    -- Short name, unique in the survey: the answer's key and the CSV column.
    key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('single_choice', 'multiple_choice', 'likert',
                                       'good_average_poor', 'zero_to_ten', 'free_text')),
    prompt TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    -- JSON array of option labels (choice questions only).
    options TEXT,
    -- The indicator its answers feed (satisfaction questions).
    tag TEXT,
    -- Skip logic: shown only when the earlier question `show_if_key` was answered with one of
    -- the values in `show_if_values` (JSON array of stored answer values).
    show_if_key TEXT,
    show_if_values TEXT,
    UNIQUE (survey_id, position),
    UNIQUE (survey_id, key),
    CHECK ((show_if_key IS NULL) = (show_if_values IS NULL))
);

-- The frozen audience and who has answered. Nothing here says when, or in what order.
CREATE TABLE survey_audience (
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    household_id BIGINT,
    responded BOOLEAN NOT NULL,
    PRIMARY KEY (survey_id, user_id)
) WITHOUT ROWID;
CREATE INDEX survey_audience_household ON survey_audience (survey_id, household_id);

-- One response per person (or household). Keyed by the hash of a random receipt (on SQLite
-- stored in key order), with no time; `respondent_id` only on named surveys. `grid_id` allows the
-- breakdown by grid, which hides groups under five.
CREATE TABLE survey_responses (
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    receipt_hash TEXT NOT NULL,
    respondent_id BIGINT REFERENCES users (id),
    grid_id BIGINT,
    PRIMARY KEY (survey_id, receipt_hash)
) WITHOUT ROWID;
CREATE UNIQUE INDEX survey_responses_respondent ON survey_responses (survey_id, respondent_id)
    WHERE respondent_id IS NOT NULL;

-- The answers of a response: one row per answered question (per chosen option for multiple
-- choice). `value` is the option number, the score, or 3/2/1 for good/average/poor; free
-- text has value 0 and the text.
CREATE TABLE survey_answers (
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    receipt_hash TEXT NOT NULL,
    question_id BIGINT NOT NULL REFERENCES survey_questions (id),
    value INTEGER NOT NULL,
    text TEXT,
    PRIMARY KEY (survey_id, receipt_hash, question_id, value)
) WITHOUT ROWID;
CREATE INDEX survey_answers_question ON survey_answers (question_id, value);

-- A case handled at the service counter (便民服务站) for a resident, who may then rate it.
CREATE TABLE service_cases (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    resident_id BIGINT NOT NULL REFERENCES users (id),
    service TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    handled_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    done_at TIMESTAMP,
    CHECK ((status = 'done') = (done_at IS NOT NULL))
);
CREATE INDEX service_cases_community ON service_cases (community_id, status, id);
CREATE INDEX service_cases_resident ON service_cases (resident_id, id);

-- 好差评: one rating per person per service event.
CREATE TABLE service_ratings (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    subject TEXT NOT NULL CHECK (subject IN ('wish', 'activity', 'service_case')),
    subject_id BIGINT NOT NULL,
    rater_id BIGINT NOT NULL REFERENCES users (id),
    grade TEXT NOT NULL CHECK (grade IN ('good', 'average', 'poor')),
    comment TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (subject, subject_id, rater_id)
);
CREATE INDEX service_ratings_community ON service_ratings (community_id, created_at);
-- A resident's own ratings, newest first.
CREATE INDEX service_ratings_rater ON service_ratings (rater_id, id);

-- 整改: opened by a poor rating; staff reply by the deadline, the resident accepts the reply
-- or rejects it (which reopens the case with a new deadline).
CREATE TABLE rectifications (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities (id),
    rating_id BIGINT NOT NULL UNIQUE REFERENCES service_ratings (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'replied', 'accepted')),
    due_at TIMESTAMP NOT NULL,
    reply TEXT,
    replied_by BIGINT REFERENCES users (id),
    replied_at TIMESTAMP,
    rejections INTEGER NOT NULL DEFAULT 0,
    rejection_reason TEXT,
    accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (rejections >= 0),
    -- A reopened case keeps its last (rejected) reply for staff to answer better.
    CHECK (status = 'open' OR (reply IS NOT NULL AND replied_at IS NOT NULL)),
    CHECK ((status = 'accepted') = (accepted_at IS NOT NULL))
);
CREATE INDEX rectifications_community ON rectifications (community_id, status, due_at);
