//! Where generated rows go: one buffer per table, written as multi-row `INSERT` statements of
//! [`ROWS_PER_STATEMENT`] rows inside one transaction per [`Sink::commit`].
//!
//! Rows are SQL literals, not bound parameters: both backends parse a 500-row `VALUES` list
//! far faster than they would run 500 single-row statements, and no driver limit on the
//! number of parameters gets in the way. Every value comes from this program, never from
//! outside, and text is quoted by [`Lit`].
//!
//! Tables are written in the order of [`Table::ALL`], parents before children, so a commit
//! at any point satisfies every foreign key as long as each row is added after the rows it
//! names. Ids are allocated here, so a child can name its parent before either is written.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use wushe::db::DbConnection;

const ROWS_PER_STATEMENT: usize = 500;

macro_rules! tables {
    ($($variant:ident $name:literal ($columns:literal),)+) => {
        /// The tables the generator fills, in an order where parents come first.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Table { $($variant,)+ }

        impl Table {
            pub const ALL: &[Table] = &[$(Table::$variant,)+];

            pub fn name(self) -> &'static str {
                match self { $(Table::$variant => $name,)+ }
            }

            fn columns(self) -> &'static str {
                match self { $(Table::$variant => $columns,)+ }
            }

            /// Whether rows have an `id` of their own (allocated by [`Sink::id`]).
            pub fn has_id(self) -> bool {
                self.columns().starts_with("id,")
            }
        }
    };
}

tables! {
    Users "users" ("id, display_name, phone, status, is_platform_admin, assisted, created_at, updated_at"),
    Regions "regions" ("id, parent_id, level, name, code, path, created_at"),
    Communities "communities" ("id, region_id, name, code, kind, address, households_count, residents_count, service_facility_area_m2, activity_room_area_m2, full_time_staff_count, created_at, updated_at"),
    Grids "grids" ("id, community_id, name, created_at"),
    Households "households" ("id, community_id, grid_id, building, unit, room, created_at"),
    Memberships "memberships" ("id, user_id, community_id, household_id, address, status, applied_at, decided_by, decided_at, rejection_reason"),
    RoleGrants "role_grants" ("id, user_id, role, community_id, region_id, granted_by, granted_at, revoked_by, revoked_at"),
    Organisations "organisations" ("id, name, category, registration, registration_number, contact, created_by, created_at, updated_at"),
    OrganisationCommunities "organisation_communities" ("organisation_id, community_id, status, requested_by, requested_at, decided_by, decided_at"),
    OrganisationMembers "organisation_members" ("organisation_id, user_id, role, joined_at"),
    SocialWorkers "social_workers" ("user_id, certificate_level, employer_organisation_id, updated_by, updated_at"),
    VolunteerProfiles "volunteer_profiles" ("community_id, user_id, availability, dual_report, dual_report_unit, created_at, updated_at"),
    PointSettings "point_settings" ("community_id, time_bank_enabled, min_coverage_percent, star_thresholds_hours, gift_monthly_limit_points, gift_monthly_limit_minutes, points_expiry_months, adjustment_daily_limit, adjustment_approval_threshold, updated_by, updated_at"),
    Activities "activities" ("id, community_id, title, place, grid_id, starts_at, ends_at, signup_deadline, capacity, status, organiser_id, created_at, updated_at"),
    ActivityCreditRules "activity_credit_rules" ("activity_id, points_rule, points_amount, service_recipient_id, escrow_minutes"),
    Attendance "attendance" ("id, activity_id, user_id, source, started_at, ended_at, minutes, status, decided_by, decided_at, rejection_reason, created_at"),
    LedgerAccounts "ledger_accounts" ("id, community_id, asset, kind, owner_user_id, balance, created_at"),
    LedgerTransactions "ledger_transactions" ("id, community_id, kind, memo, ref_type, ref_id, reverses_id, created_by, created_at"),
    LedgerEntries "ledger_entries" ("id, transaction_id, community_id, account_id, asset, amount, balance_after, chain_seq, prev_hash, hash, created_at"),
    LedgerChainHeads "ledger_chain_heads" ("community_id, seq, last_hash"),
    ServiceHours "service_hours" ("id, community_id, user_id, kind, minutes, served_at, description, activity_id, attendance_id, evidence, points, transaction_id, recorded_by, recorded_at"),
    Wishes "wishes" ("id, community_id, requester_id, posted_by, title, story, category, estimated_value_fen, deadline, grid_id, status, rejection_reason, reviewed_by, reviewed_at, published_at, created_at, updated_at"),
    WishClaims "wish_claims" ("id, wish_id, claimant_id, claimant_kind, status, claimed_at, released_at, fulfilled_at, rating, confirmed_by, confirmed_at, transaction_id"),
    Topics "topics" ("id, community_id, title, body, special, procedure, origin, raised_by, cosigners_required, stage, rejection_reason, created_at, updated_at"),
    TopicEvents "topic_events" ("id, topic_id, kind, actor_id, body, data, created_at"),
    Votes "votes" ("id, community_id, topic_id, question, kind, options, max_choices, electorate, status, opens_at, closes_at, quorum_numerator, quorum_denominator, pass_numerator, pass_denominator, pass_inclusive, live_results, allow_change, electorate_size, opened_at, closed_at, result, created_by, created_at, updated_at"),
    VoteElectors "vote_electors" ("vote_id, elector_id, voted, channel"),
    VoteBallots "vote_ballots" ("vote_id, receipt_hash, choice"),
    Surveys "surveys" ("id, community_id, title, template, audience, anonymous, allow_edit, results_public, status, opens_at, closes_at, audience_size, opened_at, closed_at, created_by, created_at, updated_at"),
    SurveyQuestions "survey_questions" ("id, survey_id, position, key, kind, prompt, required, tag"),
    SurveyAudience "survey_audience" ("survey_id, user_id, household_id, responded"),
    SurveyResponses "survey_responses" ("survey_id, receipt_hash, respondent_id, grid_id"),
    SurveyAnswers "survey_answers" ("survey_id, receipt_hash, question_id, value, text"),
    ServiceRatings "service_ratings" ("id, community_id, subject, subject_id, rater_id, grade, created_at"),
    Rectifications "rectifications" ("id, community_id, rating_id, status, due_at, reply, replied_by, replied_at, accepted_at, created_at, updated_at"),
    Projects "projects" ("id, community_id, title, summary, proposed_by, organisation_id, budget_fen, status, decided_by, decided_at, started_at, completed_at, created_at, updated_at"),
    ProjectSocieties "project_societies" ("project_id, society"),
    FundDonations "fund_donations" ("id, community_id, donor_kind, donor_user_id, donor_name, anonymous, kind, amount_fen, goods_description, recorded_by, recorded_at, transaction_id"),
    FundDisbursements "fund_disbursements" ("id, community_id, wish_id, project_id, amount_fen, purpose, status, requested_by, requested_at, first_approver, first_approved_at, second_approver, second_approved_at, transaction_id"),
    PointAdjustments "point_adjustments" ("id, community_id, user_id, asset, amount, reason, status, requested_by, requested_at, decided_by, decided_at, rejection_reason, transaction_id"),
    RewardItems "reward_items" ("id, community_id, name, description, price_points, stock, per_person_limit, active, created_by, created_at, updated_at"),
    Redemptions "redemptions" ("id, community_id, item_id, user_id, quantity, points, status, transaction_id, refund_transaction_id, created_at, decided_by, decided_at, cancel_reason"),
    ManualIndicatorValues "manual_indicator_values" ("id, community_id, key, period, period_start, period_end, value, evidence, status, entered_by, entered_at, decided_by, decided_at"),
}

/// A value written as an SQL literal that SQLite and PostgreSQL read alike.
pub trait Lit {
    fn write(&self, out: &mut String);
}

impl Lit for i64 {
    fn write(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl Lit for bool {
    fn write(&self, out: &mut String) {
        out.push_str(if *self { "TRUE" } else { "FALSE" });
    }
}

impl Lit for &str {
    fn write(&self, out: &mut String) {
        out.push('\'');
        out.push_str(&self.replace('\'', "''"));
        out.push('\'');
    }
}

impl Lit for String {
    fn write(&self, out: &mut String) {
        self.as_str().write(out);
    }
}

/// Timestamps as the application stores them: UTC, no zone; whole seconds here.
impl Lit for NaiveDateTime {
    fn write(&self, out: &mut String) {
        out.push_str(&self.format("'%Y-%m-%d %H:%M:%S'").to_string());
    }
}

impl<T: Lit> Lit for Option<T> {
    fn write(&self, out: &mut String) {
        match self {
            Some(value) => value.write(out),
            None => out.push_str("NULL"),
        }
    }
}

/// SQL NULL, for a column whose type the reader need not care about.
pub const NULL: Option<i64> = None;

/// `row![a, b, c]`: the values as a parenthesised tuple of literals, for [`Sink::add`].
macro_rules! row {
    ($($value:expr),+ $(,)?) => {{
        let mut tuple = String::from("(");
        $(
            $crate::sink::Lit::write(&$value, &mut tuple);
            tuple.push(',');
        )+
        tuple.pop();
        tuple.push(')');
        tuple
    }};
}
pub(crate) use row;

#[derive(Default)]
struct Buffer {
    /// Finished statements, each holding `ROWS_PER_STATEMENT` rows.
    statements: Vec<String>,
    /// The `VALUES` list being filled, and how many rows it holds.
    open: String,
    open_rows: usize,
    /// Rows added, committed or not.
    rows: u64,
    last_id: i64,
}

pub struct Sink<'c> {
    conn: &'c mut DbConnection,
    buffers: Vec<Buffer>,
}

impl<'c> Sink<'c> {
    pub fn new(conn: &'c mut DbConnection) -> Self {
        let buffers = Table::ALL.iter().map(|_| Buffer::default()).collect();
        Self { conn, buffers }
    }

    fn buffer(&mut self, table: Table) -> &mut Buffer {
        &mut self.buffers[table as usize]
    }

    /// The id of the next row of `table`.
    pub fn id(&mut self, table: Table) -> i64 {
        let buffer = self.buffer(table);
        buffer.last_id += 1;
        buffer.last_id
    }

    /// Queues one row, made with [`row!`] in the order of the table's columns.
    pub fn add(&mut self, table: Table, row: String) {
        let buffer = self.buffer(table);
        if buffer.open_rows > 0 {
            buffer.open.push(',');
        }
        buffer.open.push_str(&row);
        buffer.open_rows += 1;
        buffer.rows += 1;
        if buffer.open_rows == ROWS_PER_STATEMENT {
            close_statement(table, buffer);
        }
    }

    /// Writes everything queued, parents first, in one transaction. A failure leaves the
    /// database to be thrown away: the generator stops at the first error.
    pub fn commit(&mut self) -> Result<(), String> {
        for &table in Table::ALL {
            close_statement(table, self.buffer(table));
        }
        self.conn
            .batch_execute("BEGIN")
            .map_err(|e| e.to_string())?;
        for (&table, buffer) in Table::ALL.iter().zip(&mut self.buffers) {
            for statement in std::mem::take(&mut buffer.statements) {
                self.conn
                    .batch_execute(&statement)
                    .map_err(|e| format!("{}: {e}", table.name()))?;
            }
        }
        self.conn.batch_execute("COMMIT").map_err(|e| e.to_string())
    }

    /// Rows added so far, per table.
    pub fn counts(&self) -> Vec<(Table, u64)> {
        Table::ALL
            .iter()
            .map(|&table| (table, self.buffers[table as usize].rows))
            .collect()
    }
}

fn close_statement(table: Table, buffer: &mut Buffer) {
    if buffer.open_rows == 0 {
        return;
    }
    let values = std::mem::take(&mut buffer.open);
    buffer.statements.push(format!(
        "INSERT INTO {} ({}) VALUES {values}",
        table.name(),
        table.columns()
    ));
    buffer.open_rows = 0;
}
