-- Tables mwoauth reads and writes, for the sandbox and tests.
-- Extension:OAuth schema/mysql/tables-generated.sql (856943b0) and core sql/mysql/tables-generated.sql
-- (ddcfcf2b: actor, change_tag, change_tag_def, comment, logging, log_search, page, user, user_groups,
-- block, block_target: the 1.43+ block schema the performer checks read).
-- /*_*/ is the table-prefix placeholder, /*$wgDBTableOptions*/ the table options, as in MediaWiki.

CREATE TABLE /*_*/oauth_registered_consumer (
  oarc_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  oarc_consumer_key VARBINARY(32) NOT NULL,
  oarc_name VARBINARY(128) NOT NULL,
  oarc_user_id INT UNSIGNED NOT NULL,
  oarc_version VARBINARY(32) NOT NULL,
  oarc_callback_url BLOB NOT NULL,
  oarc_callback_is_prefix TINYBLOB DEFAULT NULL,
  oarc_description BLOB NOT NULL,
  oarc_email VARBINARY(255) NOT NULL,
  oarc_email_authenticated BINARY(14) DEFAULT NULL,
  oarc_developer_agreement TINYINT DEFAULT 0 NOT NULL,
  oarc_owner_only TINYINT DEFAULT 0 NOT NULL,
  oarc_wiki VARBINARY(32) NOT NULL,
  oarc_grants BLOB NOT NULL,
  oarc_registration BINARY(14) NOT NULL,
  oarc_secret_key VARBINARY(32) DEFAULT NULL,
  oarc_rsa_key BLOB DEFAULT NULL,
  oarc_restrictions BLOB NOT NULL,
  oarc_stage TINYINT UNSIGNED DEFAULT 0 NOT NULL,
  oarc_stage_timestamp BINARY(14) NOT NULL,
  oarc_deleted TINYINT UNSIGNED DEFAULT 0 NOT NULL,
  oarc_oauth_version TINYINT DEFAULT 1 NOT NULL,
  oarc_oauth2_allowed_grants BLOB DEFAULT NULL,
  oarc_oauth2_is_confidential TINYINT DEFAULT 1 NOT NULL,
  UNIQUE INDEX oarc_consumer_key (oarc_consumer_key),
  UNIQUE INDEX oarc_name_version_user (
    oarc_name, oarc_user_id, oarc_version
  ),
  INDEX oarc_user_id (oarc_user_id),
  INDEX oarc_stage_timestamp (
    oarc_stage, oarc_stage_timestamp
  ),
  PRIMARY KEY(oarc_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/oauth_accepted_consumer (
  oaac_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  oaac_wiki VARBINARY(255) NOT NULL,
  oaac_user_id INT UNSIGNED NOT NULL,
  oaac_consumer_id INT UNSIGNED NOT NULL,
  oaac_access_token VARBINARY(32) NOT NULL,
  oaac_access_secret VARBINARY(32) NOT NULL,
  oaac_grants BLOB NOT NULL,
  oaac_accepted BINARY(14) NOT NULL,
  oaac_oauth_version TINYINT DEFAULT 1 NOT NULL,
  UNIQUE INDEX oaac_access_token (oaac_access_token),
  UNIQUE INDEX oaac_user_consumer_wiki (
    oaac_user_id, oaac_consumer_id, oaac_wiki
  ),
  INDEX oaac_consumer_user (oaac_consumer_id, oaac_user_id),
  INDEX oaac_user_id (oaac_user_id, oaac_id),
  PRIMARY KEY(oaac_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/oauth2_access_tokens (
  oaat_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  oaat_identifier VARCHAR(255) NOT NULL,
  oaat_expires VARBINARY(14) NOT NULL,
  oaat_acceptance_id INT UNSIGNED NOT NULL,
  oaat_revoked TINYINT DEFAULT 0 NOT NULL,
  UNIQUE INDEX oaat_identifier (oaat_identifier),
  INDEX oaat_acceptance_id (oaat_acceptance_id),
  PRIMARY KEY(oaat_id)
) /*$wgDBTableOptions*/;
CREATE TABLE /*_*/actor (
  actor_id BIGINT UNSIGNED AUTO_INCREMENT NOT NULL,
  actor_user INT UNSIGNED DEFAULT NULL,
  actor_name VARBINARY(255) NOT NULL,
  UNIQUE INDEX actor_user (actor_user),
  UNIQUE INDEX actor_name (actor_name),
  PRIMARY KEY(actor_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/change_tag (
  ct_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  ct_rc_id BIGINT UNSIGNED DEFAULT NULL,
  ct_log_id INT UNSIGNED DEFAULT NULL,
  ct_rev_id INT UNSIGNED DEFAULT NULL,
  ct_params BLOB DEFAULT NULL,
  ct_tag_id INT UNSIGNED NOT NULL,
  UNIQUE INDEX ct_rc_tag_id (ct_rc_id, ct_tag_id),
  UNIQUE INDEX ct_log_tag_id (ct_log_id, ct_tag_id),
  UNIQUE INDEX ct_rev_tag_id (ct_rev_id, ct_tag_id),
  INDEX ct_tag_id_id (
    ct_tag_id, ct_rc_id, ct_rev_id, ct_log_id
  ),
  PRIMARY KEY(ct_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/change_tag_def (
  ctd_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  ctd_name VARBINARY(255) NOT NULL,
  ctd_user_defined TINYINT(1) NOT NULL,
  ctd_count BIGINT UNSIGNED DEFAULT 0 NOT NULL,
  UNIQUE INDEX ctd_name (ctd_name),
  INDEX ctd_count (ctd_count),
  INDEX ctd_user_defined (ctd_user_defined),
  PRIMARY KEY(ctd_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/comment (
  comment_id BIGINT UNSIGNED AUTO_INCREMENT NOT NULL,
  comment_hash INT NOT NULL,
  comment_text BLOB NOT NULL,
  comment_data BLOB DEFAULT NULL,
  INDEX comment_hash (comment_hash),
  PRIMARY KEY(comment_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/logging (
  log_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  log_type VARBINARY(32) DEFAULT '' NOT NULL,
  log_action VARBINARY(32) DEFAULT '' NOT NULL,
  log_timestamp BINARY(14) DEFAULT '19700101000000' NOT NULL,
  log_actor BIGINT UNSIGNED NOT NULL,
  log_namespace INT DEFAULT 0 NOT NULL,
  log_title VARBINARY(255) DEFAULT '' NOT NULL,
  log_page INT UNSIGNED DEFAULT NULL,
  log_comment_id BIGINT UNSIGNED NOT NULL,
  log_params BLOB NOT NULL,
  log_deleted TINYINT UNSIGNED DEFAULT 0 NOT NULL,
  INDEX log_type_time (log_type, log_timestamp),
  INDEX log_actor_time (log_actor, log_timestamp),
  INDEX log_page_time (
    log_namespace, log_title, log_timestamp
  ),
  INDEX log_times (log_timestamp),
  INDEX log_actor_type_time (
    log_actor, log_type, log_timestamp
  ),
  INDEX log_page_id_time (log_page, log_timestamp),
  INDEX log_type_action (
    log_type, log_action, log_timestamp
  ),
  PRIMARY KEY(log_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/user (
  user_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  user_name VARBINARY(255) DEFAULT '' NOT NULL,
  user_real_name VARBINARY(255) DEFAULT '' NOT NULL,
  user_password TINYBLOB NOT NULL,
  user_newpassword TINYBLOB NOT NULL,
  user_newpass_time BINARY(14) DEFAULT NULL,
  user_email TINYTEXT NOT NULL,
  user_touched BINARY(14) NOT NULL,
  user_token BINARY(32) DEFAULT '' NOT NULL,
  user_email_authenticated BINARY(14) DEFAULT NULL,
  user_email_token BINARY(32) DEFAULT NULL,
  user_email_token_expires BINARY(14) DEFAULT NULL,
  user_registration BINARY(14) DEFAULT NULL,
  user_editcount INT UNSIGNED DEFAULT NULL,
  user_password_expires VARBINARY(14) DEFAULT NULL,
  user_is_temp TINYINT(1) DEFAULT 0 NOT NULL,
  UNIQUE INDEX user_name (user_name),
  INDEX user_email_token (user_email_token),
  INDEX user_email (
    user_email(50)
  ),
  PRIMARY KEY(user_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/log_search (
  ls_field VARBINARY(32) NOT NULL,
  ls_value VARCHAR(255) NOT NULL,
  ls_log_id INT UNSIGNED DEFAULT 0 NOT NULL,
  INDEX ls_log_id (ls_log_id),
  PRIMARY KEY(ls_field, ls_value, ls_log_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/page (
  page_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  page_namespace INT NOT NULL,
  page_title VARBINARY(255) NOT NULL,
  page_is_redirect TINYINT UNSIGNED DEFAULT 0 NOT NULL,
  page_is_new TINYINT UNSIGNED DEFAULT 0 NOT NULL,
  page_random DOUBLE PRECISION UNSIGNED NOT NULL,
  page_touched BINARY(14) NOT NULL,
  page_links_updated BINARY(14) DEFAULT NULL,
  page_latest INT UNSIGNED NOT NULL,
  page_len INT UNSIGNED NOT NULL,
  page_content_model VARBINARY(32) DEFAULT NULL,
  page_lang VARBINARY(35) DEFAULT NULL,
  UNIQUE INDEX page_name_title (page_namespace, page_title),
  INDEX page_random (page_random),
  INDEX page_len (page_len),
  INDEX page_redirect_namespace_len (
    page_is_redirect, page_namespace, page_len
  ),
  PRIMARY KEY(page_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/user_groups (
  ug_user INT UNSIGNED DEFAULT 0 NOT NULL,
  ug_group VARBINARY(255) DEFAULT '' NOT NULL,
  ug_expiry VARBINARY(14) DEFAULT NULL,
  INDEX ug_group (ug_group),
  INDEX ug_expiry (ug_expiry),
  PRIMARY KEY(ug_user, ug_group)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/block (
  bl_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  bl_target INT UNSIGNED NOT NULL,
  bl_by_actor BIGINT UNSIGNED NOT NULL,
  bl_reason_id BIGINT UNSIGNED NOT NULL,
  bl_timestamp BINARY(14) NOT NULL,
  bl_anon_only TINYINT(1) DEFAULT 0 NOT NULL,
  bl_create_account TINYINT(1) DEFAULT 1 NOT NULL,
  bl_enable_autoblock TINYINT(1) DEFAULT 1 NOT NULL,
  bl_expiry VARBINARY(14) NOT NULL,
  bl_deleted TINYINT(1) DEFAULT 0 NOT NULL,
  bl_block_email TINYINT(1) DEFAULT 0 NOT NULL,
  bl_allow_usertalk TINYINT(1) DEFAULT 0 NOT NULL,
  bl_parent_block_id INT UNSIGNED DEFAULT NULL,
  bl_sitewide TINYINT(1) DEFAULT 1 NOT NULL,
  INDEX bl_timestamp (bl_timestamp),
  INDEX bl_target (bl_target),
  INDEX bl_expiry (bl_expiry),
  INDEX bl_parent_block_id (bl_parent_block_id),
  PRIMARY KEY(bl_id)
) /*$wgDBTableOptions*/;


CREATE TABLE /*_*/block_target (
  bt_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  bt_address TINYBLOB DEFAULT NULL,
  bt_user INT UNSIGNED DEFAULT NULL,
  bt_user_text VARBINARY(255) DEFAULT NULL,
  bt_auto TINYINT(1) DEFAULT 0 NOT NULL,
  bt_range_start TINYBLOB DEFAULT NULL,
  bt_range_end TINYBLOB DEFAULT NULL,
  bt_ip_hex TINYBLOB DEFAULT NULL,
  bt_count INT DEFAULT 0 NOT NULL,
  INDEX bt_address (
    bt_address(42)
  ),
  INDEX bt_ip_user_text (
    bt_ip_hex(35),
    bt_user_text(255)
  ),
  INDEX bt_range (
    bt_range_start(35),
    bt_range_end(35)
  ),
  INDEX bt_user (bt_user),
  PRIMARY KEY(bt_id)
) /*$wgDBTableOptions*/;
