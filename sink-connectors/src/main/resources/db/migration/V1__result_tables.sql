-- LearnStream's result tables. Each table mirrors one compacted result topic; its primary key is
-- the topic's record key split into columns, so an upsert per record converges to the topic's
-- final state however often it is replayed. Grafana reads only these tables and the views below.
-- Times are timestamptz (UTC); scores are 0-100; rates are 0-1.
-- Tables updated in place keep a third of each page free (fillfactor) so that an update can stay
-- on its page without touching the primary key (a HOT update). Secondary indexes cost every insert
-- and every non-HOT update; they exist only where a dashboard filter is selective enough to use
-- them, on columns that do not change on update. (Measured on quiz_analytics, 20k-row upserts:
-- the (domain, module) index made inserts 1.8x slower; fillfactor 65 made updates 1.7x faster.)

-- Seed 000: per-module quiz performance, per (user, domain, course, module, quiz type).
CREATE TABLE quiz_analytics (
    user_id            text             NOT NULL,
    domain             text             NOT NULL,
    course             text             NOT NULL,
    module             text             NOT NULL,
    quiz_type          text             NOT NULL CHECK (quiz_type IN ('diagnostic', 'module')),
    attempt_count      bigint           NOT NULL,
    average_score      double precision NOT NULL,
    average_time_taken double precision NOT NULL,
    best_score         double precision NOT NULL,
    last_score         double precision NOT NULL,
    last_attempted_at  timestamptz      NOT NULL,
    PRIMARY KEY (user_id, domain, course, module, quiz_type)
) WITH (fillfactor = 65);

-- Seed 000: engagement per (user, domain).
CREATE TABLE user_engagement (
    user_id             text        NOT NULL,
    domain              text        NOT NULL,
    modules_started     integer     NOT NULL,
    modules_completed   integer     NOT NULL,
    total_quiz_attempts integer     NOT NULL,
    total_time_seconds  bigint      NOT NULL,
    last_activity_at    timestamptz NOT NULL,
    streak_days         integer     NOT NULL,
    longest_streak_days integer     NOT NULL,
    PRIMARY KEY (user_id, domain)
) WITH (fillfactor = 65);

-- Seed 003: user analytics.
CREATE TABLE user_analytics (
    user_id                 text             PRIMARY KEY,
    total_courses_enrolled  integer          NOT NULL,
    total_courses_completed integer          NOT NULL,
    total_learning_hours    double precision NOT NULL,
    average_score           double precision NOT NULL,
    score_count             bigint           NOT NULL,
    last_active_at          timestamptz,
    streak_days             integer          NOT NULL,
    longest_streak_days     integer          NOT NULL,
    time_zone               text,
    created_at              timestamptz,
    learning_path           jsonb            NOT NULL,
    skills_acquired         jsonb            NOT NULL
) WITH (fillfactor = 65);

-- Learning progress per (user, course, module); module '' is the course as a whole.
CREATE TABLE learning_progress (
    user_id             text             NOT NULL,
    course_id           text             NOT NULL,
    module_id           text             NOT NULL,
    status              text             NOT NULL CHECK (status IN ('not_started', 'in_progress', 'completed', 'dropped')),
    progress_percentage double precision NOT NULL,
    time_spent_seconds  bigint           NOT NULL,
    last_access_at      timestamptz,
    completed_at        timestamptz,
    score               double precision,
    PRIMARY KEY (user_id, course_id, module_id)
) WITH (fillfactor = 65);
CREATE INDEX learning_progress_course ON learning_progress (course_id);

-- Course analytics; module_analytics holds [{moduleId, completions, dropoffs}] (see course_module_funnel).
CREATE TABLE course_analytics (
    course_id                     text             PRIMARY KEY,
    total_enrollments             bigint           NOT NULL,
    total_completions             bigint           NOT NULL,
    completion_rate               double precision NOT NULL,
    average_score                 double precision NOT NULL,
    average_time_to_complete_hours double precision NOT NULL,
    dropouts                      bigint           NOT NULL,
    module_analytics              jsonb            NOT NULL,
    updated_at                    timestamptz
);

-- Assessment analytics; question_analytics holds per-question statistics (see assessment_questions).
CREATE TABLE assessment_analytics (
    assessment_id               text             PRIMARY KEY,
    course_id                   text             NOT NULL,
    total_attempts              bigint           NOT NULL,
    average_score               double precision NOT NULL,
    pass_rate                   double precision NOT NULL,
    average_time_spent_minutes  double precision NOT NULL,
    difficulty_rating           double precision NOT NULL,
    question_analytics          jsonb            NOT NULL,
    updated_at                  timestamptz
);

-- Windowed metrics: one row per (window size, dimension, value, window start), written when the
-- window closes. "time" is the window start, for Grafana's time column.
CREATE TABLE windowed_metrics (
    window_size     text             NOT NULL CHECK (window_size IN ('1m', '5m', '1h', '1d')),
    dimension       text             NOT NULL,
    dimension_value text             NOT NULL,
    window_start    timestamptz      NOT NULL,
    window_end      timestamptz      NOT NULL,
    events          bigint           NOT NULL,
    events_by_type  jsonb            NOT NULL,
    active_learners double precision NOT NULL,
    quiz_attempts   bigint           NOT NULL,
    average_score   double precision,
    p50_score       double precision,
    p90_score       double precision,
    failure_rate    double precision,
    late_events     bigint           NOT NULL,
    final           boolean          NOT NULL,
    PRIMARY KEY (window_size, dimension, dimension_value, window_start)
);
CREATE INDEX windowed_metrics_time ON windowed_metrics (window_size, dimension, window_start);

-- Seed 000: FSRS-6 memory per (user, module).
CREATE TABLE memory_scores (
    user_id          text             NOT NULL,
    module_id        text             NOT NULL,
    domain           text             NOT NULL,
    course_id        text             NOT NULL,
    current_score    double precision NOT NULL,
    forgetting_score double precision NOT NULL,
    revision_urgency text             NOT NULL CHECK (revision_urgency IN ('high', 'medium', 'low')),
    last_reviewed_at timestamptz      NOT NULL,
    next_review_at   timestamptz      NOT NULL,
    decay_factor     double precision NOT NULL,
    stability        double precision NOT NULL,
    difficulty       double precision NOT NULL,
    retrievability   double precision NOT NULL,
    reps             integer          NOT NULL,
    lapses           integer          NOT NULL,
    last_score       double precision,
    computed_at      timestamptz      NOT NULL,
    PRIMARY KEY (user_id, module_id)
) WITH (fillfactor = 65);

-- Seed 000: scheduled revisions; reviewed_at stays null until the learner reviews the module.
CREATE TABLE revision_signals (
    user_id       text        NOT NULL,
    module_id     text        NOT NULL,
    scheduled_at  timestamptz NOT NULL,
    domain        text        NOT NULL,
    urgency_level text        NOT NULL CHECK (urgency_level IN ('high', 'medium', 'low')),
    reviewed_at   timestamptz,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (user_id, module_id, scheduled_at)
);
CREATE INDEX revision_signals_scheduled ON revision_signals (scheduled_at);

-- At-risk learners per (user, course); factors explain the score: [{factor, value, contribution, explanation}].
CREATE TABLE at_risk_learners (
    user_id          text             NOT NULL,
    course_id        text             NOT NULL,
    risk_score       double precision NOT NULL,
    at_risk          boolean          NOT NULL,
    factors          jsonb            NOT NULL,
    last_activity_at timestamptz,
    next_check_at    timestamptz,
    computed_at      timestamptz      NOT NULL,
    PRIMARY KEY (user_id, course_id)
) WITH (fillfactor = 65);

-- Dead letters per input topic and stage (deserialize / validate / process).
CREATE TABLE dlq_counts (
    source_topic text        NOT NULL,
    stage        text        NOT NULL,
    count        bigint      NOT NULL,
    last_error   text,
    last_at      timestamptz,
    PRIMARY KEY (source_topic, stage)
);

-- The sink's own progress: the next offset to read per (group, topic, partition), written in the
-- same transaction as the rows, so the tables and the offsets never disagree.
CREATE TABLE sink_offsets (
    consumer_group text        NOT NULL,
    topic          text        NOT NULL,
    partition      integer     NOT NULL,
    next_offset    bigint      NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (consumer_group, topic, partition)
);

-- FSRS-6 recall probability of a memory at a given time: R = (1 + f t / S)^-decay with
-- f = 0.9^(-1/decay) - 1 and t in days since the last review. Dashboards use it to show how a
-- cohort's memories fade between reviews (the stored retrievability is as of computed_at).
CREATE FUNCTION fsrs_retrievability(stability double precision, decay double precision,
                                    last_reviewed_at timestamptz, at timestamptz)
    RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN at <= last_reviewed_at THEN 1.0
                ELSE power(1.0 + (power(0.9, -1.0 / decay) - 1.0)
                                 * (extract(epoch FROM at - last_reviewed_at) / 86400.0) / stability, -decay)
           END
$$;

-- Urgency of a recall probability, with the topology's default thresholds.
CREATE FUNCTION fsrs_urgency(retrievability double precision)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN retrievability < 0.7 THEN 'high' WHEN retrievability < 0.9 THEN 'medium' ELSE 'low' END
$$;

-- One row per module of a course, in course order of the stored array: completions and the
-- learners who dropped after it (an empty module id: dropped before completing any).
CREATE VIEW course_module_funnel AS
SELECT c.course_id, m.ordinality AS position, m.value ->> 'moduleId' AS module_id,
       (m.value ->> 'completions')::bigint AS completions, (m.value ->> 'dropoffs')::bigint AS dropoffs,
       c.total_enrollments
FROM course_analytics c
CROSS JOIN LATERAL jsonb_array_elements(c.module_analytics) WITH ORDINALITY AS m(value, ordinality);

CREATE VIEW assessment_questions AS
SELECT a.assessment_id, a.course_id, q ->> 'questionId' AS question_id, (q ->> 'answers')::bigint AS answers,
       (q ->> 'correctRate')::double precision AS correct_rate,
       (q ->> 'discrimination')::double precision AS discrimination
FROM assessment_analytics a
CROSS JOIN LATERAL jsonb_array_elements(a.question_analytics) AS q;
