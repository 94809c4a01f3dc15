-- An example platform database ("acme"), as a platform might already keep it.
-- docs/sql-platform.example.toml maps lawline's Platform protocol onto it; the test suite loads
-- this schema into PostgreSQL and runs the platform contract tests against that mapping.
CREATE TABLE users (
    user_id      BIGINT PRIMARY KEY,
    handle       TEXT,
    msisdn       TEXT NOT NULL UNIQUE,          -- E.164
    country_code CHAR(2) NOT NULL,
    created      TIMESTAMPTZ NOT NULL,
    is_banned    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX users_handle_lower ON users (lower(handle));

CREATE TABLE user_sessions (
    user_id  BIGINT NOT NULL REFERENCES users (user_id),
    seen_at  TIMESTAMPTZ NOT NULL,
    addr     INET NOT NULL,
    src_port INTEGER
);
CREATE INDEX user_sessions_user_time ON user_sessions (user_id, seen_at);

CREATE TABLE chats (
    chat_id     BIGINT PRIMARY KEY,
    public_name TEXT NOT NULL,
    chat_type   TEXT NOT NULL,                  -- 'channel' or 'group'
    title       TEXT NOT NULL,
    about       TEXT NOT NULL,
    creator     BIGINT NOT NULL REFERENCES users (user_id),
    lang        TEXT NOT NULL,
    members     INTEGER NOT NULL,
    searchable  BOOLEAN NOT NULL DEFAULT TRUE,
    deleted     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX chats_public_name_lower ON chats (lower(public_name));

CREATE TABLE chat_messages (
    chat_id    BIGINT NOT NULL REFERENCES chats (chat_id),
    message_id INTEGER NOT NULL,
    posted_at  TIMESTAMPTZ NOT NULL,
    body       TEXT NOT NULL,
    hidden     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (chat_id, message_id)
);

CREATE TABLE message_attachments (
    chat_id       BIGINT NOT NULL,
    message_id    INTEGER NOT NULL,
    attachment_id INTEGER NOT NULL,
    mime_type     TEXT NOT NULL,
    content       BYTEA NOT NULL,
    PRIMARY KEY (chat_id, message_id, attachment_id),
    FOREIGN KEY (chat_id, message_id) REFERENCES chat_messages (chat_id, message_id)
);

-- The platform's delivery queue for lawline's notices ([notifications] table in the mapping).
-- lawline inserts; the platform delivers each row to the user and may delete it afterwards.
-- notice_key is unique: lawline retries after a crash with the same key, and a duplicate is dropped.
CREATE TABLE lawline_notices (
    notice_key TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    message    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
