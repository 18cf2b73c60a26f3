//! Table definitions shared by both backends. Written by hand (not `diesel print-schema`)
//! because the SQLite and PostgreSQL migrations must agree on one set of Rust types:
//! SQLite's `INTEGER PRIMARY KEY` is declared `BigInt` here, matching PostgreSQL's `BIGINT`.

diesel::table! {
    users (id) {
        id -> BigInt,
        display_name -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        status -> Text,
        is_platform_admin -> Bool,
        assisted -> Bool,
        id_number_hash -> Nullable<Text>,
        id_number_last4 -> Nullable<Text>,
        birth_date -> Nullable<Date>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        session_id -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    regions (id) {
        id -> BigInt,
        parent_id -> Nullable<BigInt>,
        level -> Text,
        name -> Text,
        code -> Nullable<Text>,
        path -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    communities (id) {
        id -> BigInt,
        region_id -> BigInt,
        name -> Text,
        code -> Nullable<Text>,
        kind -> Text,
        address -> Nullable<Text>,
        households_count -> Integer,
        residents_count -> Integer,
        service_facility_area_m2 -> Integer,
        activity_room_area_m2 -> Integer,
        full_time_staff_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    grids (id) {
        id -> BigInt,
        community_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    households (id) {
        id -> BigInt,
        community_id -> BigInt,
        grid_id -> Nullable<BigInt>,
        building -> Text,
        unit -> Text,
        room -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        user_id -> BigInt,
        community_id -> BigInt,
        household_id -> Nullable<BigInt>,
        address -> Text,
        status -> Text,
        applied_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
    }
}

diesel::table! {
    role_grants (id) {
        id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        community_id -> Nullable<BigInt>,
        region_id -> Nullable<BigInt>,
        granted_by -> Nullable<BigInt>,
        granted_at -> Timestamp,
        revoked_by -> Nullable<BigInt>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    assisted_sessions (id) {
        id -> BigInt,
        community_id -> BigInt,
        staff_user_id -> BigInt,
        resident_user_id -> BigInt,
        reason -> Text,
        started_at -> Timestamp,
        expires_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        community_id -> Nullable<BigInt>,
        region_id -> Nullable<BigInt>,
        actor_user_id -> Nullable<BigInt>,
        on_behalf_of_user_id -> Nullable<BigInt>,
        action -> Text,
        target_type -> Text,
        target_id -> Text,
        before_data -> Nullable<Text>,
        after_data -> Nullable<Text>,
        request_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, idempotency_key) {
        user_id -> BigInt,
        idempotency_key -> Text,
        request_fingerprint -> Text,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    point_settings (community_id) {
        community_id -> BigInt,
        time_bank_enabled -> Bool,
        min_coverage_percent -> Integer,
        star_thresholds_hours -> Text,
        gift_monthly_limit_points -> BigInt,
        gift_monthly_limit_minutes -> BigInt,
        points_expiry_months -> Nullable<Integer>,
        adjustment_daily_limit -> BigInt,
        adjustment_approval_threshold -> BigInt,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ledger_accounts (id) {
        id -> BigInt,
        community_id -> BigInt,
        asset -> Text,
        kind -> Text,
        owner_user_id -> Nullable<BigInt>,
        balance -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ledger_transactions (id) {
        id -> BigInt,
        community_id -> BigInt,
        kind -> Text,
        memo -> Text,
        ref_type -> Nullable<Text>,
        ref_id -> Nullable<BigInt>,
        reverses_id -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> BigInt,
        transaction_id -> BigInt,
        community_id -> BigInt,
        account_id -> BigInt,
        asset -> Text,
        amount -> BigInt,
        balance_after -> BigInt,
        chain_seq -> BigInt,
        prev_hash -> Text,
        hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ledger_chain_heads (community_id) {
        community_id -> BigInt,
        seq -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    point_adjustments (id) {
        id -> BigInt,
        community_id -> BigInt,
        user_id -> BigInt,
        asset -> Text,
        amount -> BigInt,
        reason -> Text,
        status -> Text,
        requested_by -> BigInt,
        requested_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
        transaction_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    reward_items (id) {
        id -> BigInt,
        community_id -> BigInt,
        name -> Text,
        description -> Nullable<Text>,
        price_points -> BigInt,
        stock -> Integer,
        per_person_limit -> Nullable<Integer>,
        active -> Bool,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    redemptions (id) {
        id -> BigInt,
        community_id -> BigInt,
        item_id -> BigInt,
        user_id -> BigInt,
        quantity -> Integer,
        points -> BigInt,
        status -> Text,
        transaction_id -> BigInt,
        refund_transaction_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
    }
}

diesel::table! {
    volunteer_profiles (community_id, user_id) {
        community_id -> BigInt,
        user_id -> BigInt,
        availability -> Text,
        dual_report -> Bool,
        dual_report_unit -> Nullable<Text>,
        introduction -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    volunteer_skills (community_id, user_id, skill) {
        community_id -> BigInt,
        user_id -> BigInt,
        skill -> Text,
    }
}

diesel::table! {
    volunteer_teams (id) {
        id -> BigInt,
        community_id -> BigInt,
        name -> Text,
        description -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    volunteer_team_members (team_id, user_id) {
        team_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    activities (id) {
        id -> BigInt,
        community_id -> BigInt,
        title -> Text,
        description -> Nullable<Text>,
        place -> Text,
        grid_id -> Nullable<BigInt>,
        team_id -> Nullable<BigInt>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        signup_deadline -> Timestamp,
        capacity -> Integer,
        status -> Text,
        cancel_reason -> Nullable<Text>,
        organiser_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    activity_credit_rules (activity_id) {
        activity_id -> BigInt,
        points_rule -> Text,
        points_amount -> BigInt,
        service_recipient_id -> Nullable<BigInt>,
        escrow_minutes -> BigInt,
    }
}

diesel::table! {
    activity_skills (activity_id, skill) {
        activity_id -> BigInt,
        skill -> Text,
    }
}

diesel::table! {
    activity_signups (id) {
        id -> BigInt,
        activity_id -> BigInt,
        user_id -> BigInt,
        status -> Text,
        created_at -> Timestamp,
        promoted_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    attendance_codes (id) {
        id -> BigInt,
        activity_id -> BigInt,
        purpose -> Text,
        code_hash -> Text,
        issued_by -> BigInt,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_by -> Nullable<BigInt>,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    attendance (id) {
        id -> BigInt,
        activity_id -> BigInt,
        user_id -> BigInt,
        source -> Text,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        minutes -> Nullable<Integer>,
        status -> Text,
        flag -> Nullable<Text>,
        note -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_hours (id) {
        id -> BigInt,
        community_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        minutes -> Integer,
        served_at -> Timestamp,
        description -> Text,
        activity_id -> Nullable<BigInt>,
        attendance_id -> Nullable<BigInt>,
        evidence -> Nullable<Text>,
        points -> BigInt,
        transaction_id -> Nullable<BigInt>,
        recorded_by -> Nullable<BigInt>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        name -> Text,
        category -> Text,
        registration -> Text,
        registration_number -> Nullable<Text>,
        contact -> Nullable<Text>,
        description -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organisation_communities (organisation_id, community_id) {
        organisation_id -> BigInt,
        community_id -> BigInt,
        status -> Text,
        requested_by -> BigInt,
        requested_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
    }
}

diesel::table! {
    organisation_members (organisation_id, user_id) {
        organisation_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    social_workers (user_id) {
        user_id -> BigInt,
        certificate_level -> Text,
        certificate_number -> Nullable<Text>,
        employer_organisation_id -> Nullable<BigInt>,
        employer_name -> Nullable<Text>,
        updated_by -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    wish_settings (community_id) {
        community_id -> BigInt,
        value_cap_fen -> BigInt,
        escalate_after_days -> Integer,
        categories -> Text,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    wishes (id) {
        id -> BigInt,
        community_id -> BigInt,
        requester_id -> BigInt,
        posted_by -> BigInt,
        title -> Text,
        story -> Text,
        category -> Text,
        estimated_value_fen -> BigInt,
        deadline -> Timestamp,
        grid_id -> Nullable<BigInt>,
        status -> Text,
        rejection_reason -> Nullable<Text>,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    wish_claims (id) {
        id -> BigInt,
        wish_id -> BigInt,
        claimant_id -> BigInt,
        claimant_kind -> Text,
        team_id -> Nullable<BigInt>,
        organisation_id -> Nullable<BigInt>,
        status -> Text,
        claimed_at -> Timestamp,
        released_at -> Nullable<Timestamp>,
        fulfilment_note -> Nullable<Text>,
        photo_ref -> Nullable<Text>,
        fulfilled_at -> Nullable<Timestamp>,
        rating -> Nullable<Integer>,
        rating_comment -> Nullable<Text>,
        confirmed_by -> Nullable<BigInt>,
        confirmed_at -> Nullable<Timestamp>,
        overdue_flagged_at -> Nullable<Timestamp>,
        transaction_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    wish_messages (id) {
        id -> BigInt,
        wish_id -> BigInt,
        claim_id -> Nullable<BigInt>,
        sender_id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    projects (id) {
        id -> BigInt,
        community_id -> BigInt,
        title -> Text,
        summary -> Text,
        proposed_by -> BigInt,
        proposer_organisation_id -> Nullable<BigInt>,
        organisation_id -> Nullable<BigInt>,
        budget_fen -> BigInt,
        status -> Text,
        topic_id -> Nullable<BigInt>,
        rejection_reason -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        completion_report -> Nullable<Text>,
        completed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        cancellation_reason -> Nullable<Text>,
        cancelled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    project_participants (project_id, user_id) {
        project_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    project_milestones (id) {
        id -> BigInt,
        project_id -> BigInt,
        title -> Text,
        due_at -> Timestamp,
        done_at -> Nullable<Timestamp>,
        note -> Nullable<Text>,
        done_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    project_societies (project_id, society) {
        project_id -> BigInt,
        society -> Text,
    }
}

diesel::table! {
    fund_donations (id) {
        id -> BigInt,
        community_id -> BigInt,
        donor_kind -> Text,
        donor_user_id -> Nullable<BigInt>,
        donor_organisation_id -> Nullable<BigInt>,
        donor_name -> Nullable<Text>,
        anonymous -> Bool,
        kind -> Text,
        amount_fen -> BigInt,
        goods_description -> Nullable<Text>,
        note -> Nullable<Text>,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
        transaction_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    fund_disbursements (id) {
        id -> BigInt,
        community_id -> BigInt,
        wish_id -> Nullable<BigInt>,
        project_id -> Nullable<BigInt>,
        amount_fen -> BigInt,
        purpose -> Text,
        status -> Text,
        requested_by -> BigInt,
        requested_at -> Timestamp,
        first_approver -> Nullable<BigInt>,
        first_approved_at -> Nullable<Timestamp>,
        second_approver -> Nullable<BigInt>,
        second_approved_at -> Nullable<Timestamp>,
        rejected_by -> Nullable<BigInt>,
        rejection_reason -> Nullable<Text>,
        transaction_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    consultation_settings (community_id) {
        community_id -> BigInt,
        cosigners_minimum -> Integer,
        cosigners_household_permille -> Integer,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    topics (id) {
        id -> BigInt,
        community_id -> BigInt,
        title -> Text,
        body -> Text,
        special -> Bool,
        procedure -> Text,
        origin -> Text,
        raised_by -> BigInt,
        organisation_id -> Nullable<BigInt>,
        cosigners_required -> Integer,
        stage -> Text,
        rejection_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    topic_cosigners (topic_id, user_id) {
        topic_id -> BigInt,
        user_id -> BigInt,
        signed_at -> Timestamp,
    }
}

diesel::table! {
    topic_procedure_steps (topic_id, step) {
        topic_id -> BigInt,
        step -> Text,
        note -> Text,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    topic_events (id) {
        id -> BigInt,
        topic_id -> BigInt,
        kind -> Text,
        actor_id -> Nullable<BigInt>,
        body -> Nullable<Text>,
        data -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    topic_comments (id) {
        id -> BigInt,
        topic_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> BigInt,
        body -> Text,
        hidden_reason -> Nullable<Text>,
        hidden_by -> Nullable<BigInt>,
        hidden_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    topic_meetings (id) {
        id -> BigInt,
        topic_id -> BigInt,
        kind -> Text,
        held_at -> Timestamp,
        location -> Nullable<Text>,
        attendees -> Text,
        minutes -> Text,
        attachments -> Text,
        recorded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    topic_ratings (topic_id, user_id) {
        topic_id -> BigInt,
        user_id -> BigInt,
        rating -> Integer,
        comment -> Nullable<Text>,
        rated_at -> Timestamp,
    }
}

diesel::table! {
    votes (id) {
        id -> BigInt,
        community_id -> BigInt,
        topic_id -> BigInt,
        question -> Text,
        kind -> Text,
        options -> Text,
        max_choices -> Integer,
        electorate -> Text,
        status -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        quorum_numerator -> Integer,
        quorum_denominator -> Integer,
        pass_numerator -> Integer,
        pass_denominator -> Integer,
        pass_inclusive -> Bool,
        live_results -> Bool,
        allow_change -> Bool,
        electorate_size -> Nullable<Integer>,
        opened_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        closed_early_by -> Nullable<BigInt>,
        close_reason -> Nullable<Text>,
        result -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    vote_representatives (vote_id, user_id) {
        vote_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    vote_electors (vote_id, elector_id) {
        vote_id -> BigInt,
        elector_id -> BigInt,
        voted -> Bool,
        channel -> Nullable<Text>,
    }
}

diesel::table! {
    vote_ballots (vote_id, receipt_hash) {
        vote_id -> BigInt,
        receipt_hash -> Text,
        choice -> Text,
    }
}

diesel::table! {
    vote_proxies (vote_id, elector_id) {
        vote_id -> BigInt,
        elector_id -> BigInt,
        cast_by -> BigInt,
        witness_name -> Text,
    }
}

diesel::table! {
    vote_paper_batches (id) {
        id -> BigInt,
        vote_id -> BigInt,
        paper_count -> Integer,
        electors -> Text,
        tally -> Text,
        status -> Text,
        entered_by -> BigInt,
        entered_at -> Timestamp,
        confirmed_by -> Nullable<BigInt>,
        confirmed_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
    }
}

diesel::table! {
    surveys (id) {
        id -> BigInt,
        community_id -> BigInt,
        title -> Text,
        description -> Nullable<Text>,
        template -> Nullable<Text>,
        audience -> Text,
        activity_id -> Nullable<BigInt>,
        organisation_id -> Nullable<BigInt>,
        anonymous -> Bool,
        allow_edit -> Bool,
        results_public -> Bool,
        status -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        audience_size -> Nullable<Integer>,
        opened_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    survey_questions (id) {
        id -> BigInt,
        survey_id -> BigInt,
        position -> Integer,
        key -> Text,
        kind -> Text,
        prompt -> Text,
        required -> Bool,
        options -> Nullable<Text>,
        tag -> Nullable<Text>,
        show_if_key -> Nullable<Text>,
        show_if_values -> Nullable<Text>,
    }
}

diesel::table! {
    survey_audience (survey_id, user_id) {
        survey_id -> BigInt,
        user_id -> BigInt,
        household_id -> Nullable<BigInt>,
        responded -> Bool,
    }
}

diesel::table! {
    survey_responses (survey_id, receipt_hash) {
        survey_id -> BigInt,
        receipt_hash -> Text,
        respondent_id -> Nullable<BigInt>,
        grid_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    survey_answers (survey_id, receipt_hash, question_id, value) {
        survey_id -> BigInt,
        receipt_hash -> Text,
        question_id -> BigInt,
        value -> Integer,
        text -> Nullable<Text>,
    }
}

diesel::table! {
    service_cases (id) {
        id -> BigInt,
        community_id -> BigInt,
        resident_id -> BigInt,
        service -> Text,
        summary -> Text,
        status -> Text,
        handled_by -> BigInt,
        created_at -> Timestamp,
        done_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    service_ratings (id) {
        id -> BigInt,
        community_id -> BigInt,
        subject -> Text,
        subject_id -> BigInt,
        rater_id -> BigInt,
        grade -> Text,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rectifications (id) {
        id -> BigInt,
        community_id -> BigInt,
        rating_id -> BigInt,
        status -> Text,
        due_at -> Timestamp,
        reply -> Nullable<Text>,
        replied_by -> Nullable<BigInt>,
        replied_at -> Nullable<Timestamp>,
        rejections -> Integer,
        rejection_reason -> Nullable<Text>,
        accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    evaluation_standards (id) {
        id -> BigInt,
        code -> Text,
        version -> Integer,
        name -> Text,
        region_id -> Nullable<BigInt>,
        community_kind -> Text,
        definition -> Text,
        retired -> Bool,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    manual_indicator_values (id) {
        id -> BigInt,
        community_id -> BigInt,
        key -> Text,
        period -> Text,
        period_start -> Timestamp,
        period_end -> Timestamp,
        value -> BigInt,
        evidence -> Text,
        note -> Nullable<Text>,
        status -> Text,
        entered_by -> BigInt,
        entered_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
    }
}

diesel::table! {
    indicator_snapshots (id) {
        id -> BigInt,
        community_id -> BigInt,
        standard_id -> BigInt,
        period -> Text,
        period_kind -> Text,
        composite -> BigInt,
        stars -> Nullable<Integer>,
        eligible -> Bool,
        passed -> Bool,
        detail -> Text,
        #[sql_name = "final"]
        is_final -> Bool,
        computed_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        published_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        community_id -> Nullable<BigInt>,
        kind -> Text,
        subject_type -> Nullable<Text>,
        subject_id -> Nullable<BigInt>,
        params -> Text,
        dedupe_key -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_settings (user_id) {
        user_id -> BigInt,
        locale -> Text,
        email_digest -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification_preferences (user_id, kind, channel) {
        user_id -> BigInt,
        kind -> Text,
        channel -> Text,
        enabled -> Bool,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        user_id -> BigInt,
        notification_id -> Nullable<BigInt>,
        channel -> Text,
        status -> Text,
        digest_of -> Nullable<Text>,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claim_token -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_leases (name) {
        name -> Text,
        holder -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        next_run_at -> Timestamp,
        runs -> BigInt,
        failures -> BigInt,
        last_started_at -> Nullable<Timestamp>,
        last_finished_at -> Nullable<Timestamp>,
        last_outcome -> Nullable<Text>,
        last_error -> Nullable<Text>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(communities -> regions (region_id));
diesel::joinable!(grids -> communities (community_id));
diesel::joinable!(households -> communities (community_id));
diesel::joinable!(memberships -> communities (community_id));
diesel::joinable!(memberships -> households (household_id));
diesel::joinable!(ledger_entries -> ledger_accounts (account_id));
diesel::joinable!(ledger_entries -> ledger_transactions (transaction_id));
diesel::joinable!(redemptions -> reward_items (item_id));
diesel::joinable!(volunteer_team_members -> volunteer_teams (team_id));
diesel::joinable!(activity_skills -> activities (activity_id));
diesel::joinable!(activity_credit_rules -> activities (activity_id));
diesel::joinable!(activity_signups -> activities (activity_id));
diesel::joinable!(attendance -> activities (activity_id));
diesel::joinable!(attendance -> users (user_id));
diesel::joinable!(survey_questions -> surveys (survey_id));
diesel::joinable!(rectifications -> service_ratings (rating_id));
diesel::joinable!(indicator_snapshots -> evaluation_standards (standard_id));
diesel::joinable!(indicator_snapshots -> communities (community_id));
diesel::joinable!(organisation_communities -> organisations (organisation_id));
diesel::joinable!(organisation_members -> organisations (organisation_id));
diesel::joinable!(wish_claims -> wishes (wish_id));
diesel::joinable!(wish_messages -> wishes (wish_id));
diesel::joinable!(wishes -> communities (community_id));
diesel::joinable!(project_participants -> projects (project_id));
diesel::joinable!(project_milestones -> projects (project_id));
diesel::joinable!(project_societies -> projects (project_id));
diesel::joinable!(activity_signups -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    refresh_tokens,
    regions,
    communities,
    grids,
    households,
    memberships,
    role_grants,
    assisted_sessions,
    audit_log,
    idempotency_keys,
    point_settings,
    ledger_accounts,
    ledger_transactions,
    ledger_entries,
    ledger_chain_heads,
    point_adjustments,
    reward_items,
    redemptions,
    volunteer_profiles,
    volunteer_skills,
    volunteer_teams,
    volunteer_team_members,
    activities,
    activity_credit_rules,
    activity_skills,
    activity_signups,
    attendance_codes,
    attendance,
    service_hours,
    organisations,
    organisation_communities,
    organisation_members,
    social_workers,
    wish_settings,
    wishes,
    wish_claims,
    wish_messages,
    projects,
    project_participants,
    project_milestones,
    project_societies,
    fund_donations,
    fund_disbursements,
    consultation_settings,
    topics,
    topic_cosigners,
    topic_procedure_steps,
    topic_events,
    topic_comments,
    topic_meetings,
    topic_ratings,
    votes,
    vote_representatives,
    vote_electors,
    vote_ballots,
    vote_proxies,
    vote_paper_batches,
    surveys,
    survey_questions,
    survey_audience,
    survey_responses,
    survey_answers,
    service_cases,
    service_ratings,
    rectifications,
    evaluation_standards,
    manual_indicator_values,
    indicator_snapshots,
    notifications,
    notification_settings,
    notification_preferences,
    outbox,
    job_leases,
);
