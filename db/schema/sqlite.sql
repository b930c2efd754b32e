-- Tables mwoauth reads and writes, for the sandbox and tests.
-- Extension:OAuth schema/sqlite/tables-generated.sql (856943b0) and core sql/sqlite/tables-generated.sql
-- (ddcfcf2b: actor, change_tag, change_tag_def, comment, logging, log_search, page, user, user_groups,
-- block, block_target: the 1.43+ block schema the performer checks read).
-- /*_*/ is the table-prefix placeholder, as in MediaWiki.

CREATE TABLE /*_*/oauth_registered_consumer (
  oarc_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  oarc_consumer_key BLOB NOT NULL, oarc_name BLOB NOT NULL,
  oarc_user_id INTEGER UNSIGNED NOT NULL,
  oarc_version BLOB NOT NULL, oarc_callback_url BLOB NOT NULL,
  oarc_callback_is_prefix BLOB DEFAULT NULL,
  oarc_description BLOB NOT NULL, oarc_email BLOB NOT NULL,
  oarc_email_authenticated BLOB DEFAULT NULL,
  oarc_developer_agreement SMALLINT DEFAULT 0 NOT NULL,
  oarc_owner_only SMALLINT DEFAULT 0 NOT NULL,
  oarc_wiki BLOB NOT NULL, oarc_grants BLOB NOT NULL,
  oarc_registration BLOB NOT NULL, oarc_secret_key BLOB DEFAULT NULL,
  oarc_rsa_key BLOB DEFAULT NULL, oarc_restrictions BLOB NOT NULL,
  oarc_stage SMALLINT UNSIGNED DEFAULT 0 NOT NULL,
  oarc_stage_timestamp BLOB NOT NULL,
  oarc_deleted SMALLINT UNSIGNED DEFAULT 0 NOT NULL,
  oarc_oauth_version SMALLINT DEFAULT 1 NOT NULL,
  oarc_oauth2_allowed_grants BLOB DEFAULT NULL,
  oarc_oauth2_is_confidential SMALLINT DEFAULT 1 NOT NULL
);

CREATE UNIQUE INDEX oarc_consumer_key ON /*_*/oauth_registered_consumer (oarc_consumer_key);

CREATE UNIQUE INDEX oarc_name_version_user ON /*_*/oauth_registered_consumer (
  oarc_name, oarc_user_id, oarc_version
);

CREATE INDEX oarc_user_id ON /*_*/oauth_registered_consumer (oarc_user_id);

CREATE INDEX oarc_stage_timestamp ON /*_*/oauth_registered_consumer (
  oarc_stage, oarc_stage_timestamp
);


CREATE TABLE /*_*/oauth_accepted_consumer (
  oaac_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  oaac_wiki BLOB NOT NULL, oaac_user_id INTEGER UNSIGNED NOT NULL,
  oaac_consumer_id INTEGER UNSIGNED NOT NULL,
  oaac_access_token BLOB NOT NULL, oaac_access_secret BLOB NOT NULL,
  oaac_grants BLOB NOT NULL, oaac_accepted BLOB NOT NULL,
  oaac_oauth_version SMALLINT DEFAULT 1 NOT NULL
);

CREATE UNIQUE INDEX oaac_access_token ON /*_*/oauth_accepted_consumer (oaac_access_token);

CREATE UNIQUE INDEX oaac_user_consumer_wiki ON /*_*/oauth_accepted_consumer (
  oaac_user_id, oaac_consumer_id, oaac_wiki
);

CREATE INDEX oaac_consumer_user ON /*_*/oauth_accepted_consumer (oaac_consumer_id, oaac_user_id);

CREATE INDEX oaac_user_id ON /*_*/oauth_accepted_consumer (oaac_user_id, oaac_id);


CREATE TABLE /*_*/oauth2_access_tokens (
  oaat_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  oaat_identifier VARCHAR(255) NOT NULL,
  oaat_expires BLOB NOT NULL,
  oaat_acceptance_id INTEGER UNSIGNED NOT NULL,
  oaat_revoked SMALLINT DEFAULT 0 NOT NULL
);

CREATE UNIQUE INDEX oaat_identifier ON /*_*/oauth2_access_tokens (oaat_identifier);

CREATE INDEX oaat_acceptance_id ON /*_*/oauth2_access_tokens (oaat_acceptance_id);
CREATE TABLE /*_*/actor (
  actor_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  actor_user INTEGER UNSIGNED DEFAULT NULL,
  actor_name BLOB NOT NULL
);

CREATE UNIQUE INDEX actor_user ON /*_*/actor (actor_user);

CREATE UNIQUE INDEX actor_name ON /*_*/actor (actor_name);


CREATE TABLE /*_*/change_tag (
  ct_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  ct_rc_id BIGINT UNSIGNED DEFAULT NULL,
  ct_log_id INTEGER UNSIGNED DEFAULT NULL,
  ct_rev_id INTEGER UNSIGNED DEFAULT NULL,
  ct_params BLOB DEFAULT NULL, ct_tag_id INTEGER UNSIGNED NOT NULL
);

CREATE UNIQUE INDEX ct_rc_tag_id ON /*_*/change_tag (ct_rc_id, ct_tag_id);

CREATE UNIQUE INDEX ct_log_tag_id ON /*_*/change_tag (ct_log_id, ct_tag_id);

CREATE UNIQUE INDEX ct_rev_tag_id ON /*_*/change_tag (ct_rev_id, ct_tag_id);

CREATE INDEX ct_tag_id_id ON /*_*/change_tag (
  ct_tag_id, ct_rc_id, ct_rev_id, ct_log_id
);


CREATE TABLE /*_*/change_tag_def (
  ctd_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  ctd_name BLOB NOT NULL, ctd_user_defined SMALLINT NOT NULL,
  ctd_count BIGINT UNSIGNED DEFAULT 0 NOT NULL
);

CREATE UNIQUE INDEX ctd_name ON /*_*/change_tag_def (ctd_name);

CREATE INDEX ctd_count ON /*_*/change_tag_def (ctd_count);

CREATE INDEX ctd_user_defined ON /*_*/change_tag_def (ctd_user_defined);


CREATE TABLE /*_*/comment (
  comment_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  comment_hash INTEGER NOT NULL, comment_text BLOB NOT NULL,
  comment_data BLOB DEFAULT NULL
);

CREATE INDEX comment_hash ON /*_*/comment (comment_hash);


CREATE TABLE /*_*/logging (
  log_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  log_type BLOB DEFAULT '' NOT NULL, log_action BLOB DEFAULT '' NOT NULL,
  log_timestamp BLOB DEFAULT '19700101000000' NOT NULL,
  log_actor BIGINT UNSIGNED NOT NULL,
  log_namespace INTEGER DEFAULT 0 NOT NULL,
  log_title BLOB DEFAULT '' NOT NULL,
  log_page INTEGER UNSIGNED DEFAULT NULL,
  log_comment_id BIGINT UNSIGNED NOT NULL,
  log_params BLOB NOT NULL, log_deleted SMALLINT UNSIGNED DEFAULT 0 NOT NULL
);

CREATE INDEX log_type_time ON /*_*/logging (log_type, log_timestamp);

CREATE INDEX log_actor_time ON /*_*/logging (log_actor, log_timestamp);

CREATE INDEX log_page_time ON /*_*/logging (
  log_namespace, log_title, log_timestamp
);

CREATE INDEX log_times ON /*_*/logging (log_timestamp);

CREATE INDEX log_actor_type_time ON /*_*/logging (
  log_actor, log_type, log_timestamp
);

CREATE INDEX log_page_id_time ON /*_*/logging (log_page, log_timestamp);

CREATE INDEX log_type_action ON /*_*/logging (
  log_type, log_action, log_timestamp
);


CREATE TABLE /*_*/user (
  user_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_name BLOB DEFAULT '' NOT NULL,
  user_real_name BLOB DEFAULT '' NOT NULL,
  user_password BLOB NOT NULL, user_newpassword BLOB NOT NULL,
  user_newpass_time BLOB DEFAULT NULL,
  user_email CLOB NOT NULL, user_touched BLOB NOT NULL,
  user_token BLOB DEFAULT '' NOT NULL,
  user_email_authenticated BLOB DEFAULT NULL,
  user_email_token BLOB DEFAULT NULL,
  user_email_token_expires BLOB DEFAULT NULL,
  user_registration BLOB DEFAULT NULL,
  user_editcount INTEGER UNSIGNED DEFAULT NULL,
  user_password_expires BLOB DEFAULT NULL,
  user_is_temp SMALLINT DEFAULT 0 NOT NULL
);

CREATE UNIQUE INDEX user_name ON /*_*/user (user_name);

CREATE INDEX user_email_token ON /*_*/user (user_email_token);

CREATE INDEX user_email ON /*_*/user (user_email);


CREATE TABLE /*_*/log_search (
  ls_field BLOB NOT NULL, ls_value VARCHAR(255) NOT NULL,
  ls_log_id INTEGER UNSIGNED DEFAULT 0 NOT NULL,
  PRIMARY KEY(ls_field, ls_value, ls_log_id)
);

CREATE INDEX ls_log_id ON /*_*/log_search (ls_log_id);


CREATE TABLE /*_*/page (
  page_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  page_namespace INTEGER NOT NULL, page_title BLOB NOT NULL,
  page_is_redirect SMALLINT UNSIGNED DEFAULT 0 NOT NULL,
  page_is_new SMALLINT UNSIGNED DEFAULT 0 NOT NULL,
  page_random DOUBLE PRECISION NOT NULL,
  page_touched BLOB NOT NULL, page_links_updated BLOB DEFAULT NULL,
  page_latest INTEGER UNSIGNED NOT NULL,
  page_len INTEGER UNSIGNED NOT NULL,
  page_content_model BLOB DEFAULT NULL,
  page_lang BLOB DEFAULT NULL
);

CREATE UNIQUE INDEX page_name_title ON /*_*/page (page_namespace, page_title);

CREATE INDEX page_random ON /*_*/page (page_random);

CREATE INDEX page_len ON /*_*/page (page_len);

CREATE INDEX page_redirect_namespace_len ON /*_*/page (
  page_is_redirect, page_namespace, page_len
);


CREATE TABLE /*_*/user_groups (
  ug_user INTEGER UNSIGNED DEFAULT 0 NOT NULL,
  ug_group BLOB DEFAULT '' NOT NULL,
  ug_expiry BLOB DEFAULT NULL,
  PRIMARY KEY(ug_user, ug_group)
);

CREATE INDEX ug_group ON /*_*/user_groups (ug_group);

CREATE INDEX ug_expiry ON /*_*/user_groups (ug_expiry);


CREATE TABLE /*_*/block (
  bl_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  bl_target INTEGER UNSIGNED NOT NULL,
  bl_by_actor BIGINT UNSIGNED NOT NULL,
  bl_reason_id BIGINT UNSIGNED NOT NULL,
  bl_timestamp BLOB NOT NULL, bl_anon_only SMALLINT DEFAULT 0 NOT NULL,
  bl_create_account SMALLINT DEFAULT 1 NOT NULL,
  bl_enable_autoblock SMALLINT DEFAULT 1 NOT NULL,
  bl_expiry BLOB NOT NULL, bl_deleted SMALLINT DEFAULT 0 NOT NULL,
  bl_block_email SMALLINT DEFAULT 0 NOT NULL,
  bl_allow_usertalk SMALLINT DEFAULT 0 NOT NULL,
  bl_parent_block_id INTEGER UNSIGNED DEFAULT NULL,
  bl_sitewide SMALLINT DEFAULT 1 NOT NULL
);

CREATE INDEX bl_timestamp ON /*_*/block (bl_timestamp);

CREATE INDEX bl_target ON /*_*/block (bl_target);

CREATE INDEX bl_expiry ON /*_*/block (bl_expiry);

CREATE INDEX bl_parent_block_id ON /*_*/block (bl_parent_block_id);


CREATE TABLE /*_*/block_target (
  bt_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  bt_address BLOB DEFAULT NULL, bt_user INTEGER UNSIGNED DEFAULT NULL,
  bt_user_text BLOB DEFAULT NULL, bt_auto SMALLINT DEFAULT 0 NOT NULL,
  bt_range_start BLOB DEFAULT NULL,
  bt_range_end BLOB DEFAULT NULL, bt_ip_hex BLOB DEFAULT NULL,
  bt_count INTEGER DEFAULT 0 NOT NULL
);

CREATE INDEX bt_address ON /*_*/block_target (bt_address);

CREATE INDEX bt_ip_user_text ON /*_*/block_target (bt_ip_hex, bt_user_text);

CREATE INDEX bt_range ON /*_*/block_target (bt_range_start, bt_range_end);

CREATE INDEX bt_user ON /*_*/block_target (bt_user);
