-- table alembic_version
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- table audit_checkpoints
CREATE TABLE audit_checkpoints (
	id INTEGER NOT NULL,
	tree_size BIGINT NOT NULL,
	root_hash VARCHAR(64) NOT NULL,
	signed_at VARCHAR(40) NOT NULL,
	key_id VARCHAR(64) NOT NULL,
	signature VARCHAR(128) NOT NULL,
	CONSTRAINT pk_audit_checkpoints PRIMARY KEY (id)
);

-- table audit_head
CREATE TABLE audit_head (
	id INTEGER NOT NULL,
	seq BIGINT NOT NULL,
	hash VARCHAR(64) NOT NULL,
	CONSTRAINT pk_audit_head PRIMARY KEY (id)
);

-- table audit_log
CREATE TABLE audit_log (
	seq INTEGER NOT NULL,
	at VARCHAR(40) NOT NULL,
	event_type VARCHAR(64) NOT NULL,
	actor VARCHAR(128) NOT NULL,
	payload TEXT NOT NULL,
	prev_hash VARCHAR(64) NOT NULL,
	hash VARCHAR(64) NOT NULL,
	CONSTRAINT pk_audit_log PRIMARY KEY (seq)
);

-- table consents
CREATE TABLE consents (
	id VARCHAR(32) NOT NULL,
	subject_id INTEGER NOT NULL,
	party_id VARCHAR(32),
	scope VARCHAR(80) NOT NULL,
	granted_at DATETIME NOT NULL,
	expires_on DATE,
	revoked_at DATETIME,
	end_reason VARCHAR(32),
	CONSTRAINT fk_consents_party_id_relying_parties FOREIGN KEY(party_id) REFERENCES relying_parties (id),
	CONSTRAINT fk_consents_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_consents PRIMARY KEY (id)
);

-- table disputes
CREATE TABLE disputes (
	id INTEGER NOT NULL,
	record_id INTEGER NOT NULL,
	subject_id INTEGER NOT NULL,
	furnisher_id VARCHAR(32) NOT NULL,
	reason TEXT NOT NULL,
	prior_state VARCHAR(16) NOT NULL,
	state VARCHAR(16) NOT NULL,
	opened_at DATETIME NOT NULL,
	deadline DATE NOT NULL,
	resolved_at DATETIME,
	note TEXT,
	CONSTRAINT fk_disputes_furnisher_id_furnishers FOREIGN KEY(furnisher_id) REFERENCES furnishers (id),
	CONSTRAINT fk_disputes_record_id_records FOREIGN KEY(record_id) REFERENCES records (id),
	CONSTRAINT fk_disputes_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_disputes PRIMARY KEY (id)
);

-- table furnishers
CREATE TABLE furnishers (
	id VARCHAR(32) NOT NULL,
	name VARCHAR(200) NOT NULL,
	kind VARCHAR(32) NOT NULL,
	categories JSON NOT NULL,
	key_id VARCHAR(32) NOT NULL,
	key_hash VARCHAR(64) NOT NULL,
	active BOOLEAN NOT NULL,
	created_at DATETIME NOT NULL,
	CONSTRAINT pk_furnishers PRIMARY KEY (id),
	CONSTRAINT uq_furnishers_key_id UNIQUE (key_id),
	CONSTRAINT uq_furnishers_name UNIQUE (name)
);

-- table inquiries
CREATE TABLE inquiries (
	id INTEGER NOT NULL,
	decision_id VARCHAR(40) NOT NULL,
	at DATETIME NOT NULL,
	party_id VARCHAR(32) NOT NULL,
	subject_id INTEGER,
	kind VARCHAR(16) NOT NULL,
	purpose VARCHAR(32) NOT NULL,
	program_id VARCHAR(32),
	activity VARCHAR(32),
	consent_id VARCHAR(32),
	answer BOOLEAN NOT NULL,
	reason VARCHAR(200) NOT NULL,
	inputs TEXT NOT NULL,
	CONSTRAINT fk_inquiries_party_id_relying_parties FOREIGN KEY(party_id) REFERENCES relying_parties (id),
	CONSTRAINT fk_inquiries_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_inquiries PRIMARY KEY (id),
	CONSTRAINT uq_inquiries_decision_id UNIQUE (decision_id)
);

-- table integrity_flag_subjects
CREATE TABLE integrity_flag_subjects (
	flag_id INTEGER NOT NULL,
	subject_id INTEGER NOT NULL,
	CONSTRAINT fk_integrity_flag_subjects_flag_id_integrity_flags FOREIGN KEY(flag_id) REFERENCES integrity_flags (id),
	CONSTRAINT fk_integrity_flag_subjects_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_integrity_flag_subjects PRIMARY KEY (flag_id, subject_id)
);

-- table integrity_flags
CREATE TABLE integrity_flags (
	id INTEGER NOT NULL,
	detector VARCHAR(32) NOT NULL,
	fingerprint VARCHAR(64) NOT NULL,
	state VARCHAR(16) NOT NULL,
	strength FLOAT NOT NULL,
	evidence TEXT NOT NULL,
	raised_at DATETIME NOT NULL,
	decided_at DATETIME,
	decided_by VARCHAR(128),
	note TEXT,
	CONSTRAINT pk_integrity_flags PRIMARY KEY (id),
	CONSTRAINT uq_integrity_flags_detector UNIQUE (detector, fingerprint)
);

-- index ix_audit_checkpoints_tree_size
CREATE INDEX ix_audit_checkpoints_tree_size ON audit_checkpoints (tree_size);

-- index ix_consents_subject_id_scope
CREATE INDEX ix_consents_subject_id_scope ON consents (subject_id, scope);

-- index ix_disputes_furnisher_id
CREATE INDEX ix_disputes_furnisher_id ON disputes (furnisher_id);

-- index ix_disputes_record_id
CREATE INDEX ix_disputes_record_id ON disputes (record_id);

-- index ix_disputes_subject_id
CREATE INDEX ix_disputes_subject_id ON disputes (subject_id);

-- index ix_inquiries_party_id
CREATE INDEX ix_inquiries_party_id ON inquiries (party_id);

-- index ix_inquiries_subject_id_at
CREATE INDEX ix_inquiries_subject_id_at ON inquiries (subject_id, at);

-- index ix_integrity_flag_subjects_subject_id
CREATE INDEX ix_integrity_flag_subjects_subject_id ON integrity_flag_subjects (subject_id);

-- index ix_integrity_flags_state
CREATE INDEX ix_integrity_flags_state ON integrity_flags (state);

-- index ix_ledger_entries_scheme_subject_id
CREATE INDEX ix_ledger_entries_scheme_subject_id ON ledger_entries (scheme, subject_id);

-- index ix_ledger_grade_history_scheme_subject_id
CREATE INDEX ix_ledger_grade_history_scheme_subject_id ON ledger_grade_history (scheme, subject_id);

-- index ix_list_entries_list_id_state
CREATE INDEX ix_list_entries_list_id_state ON list_entries (list_id, state);

-- index ix_list_entries_subject_id
CREATE INDEX ix_list_entries_subject_id ON list_entries (subject_id);

-- index ix_list_repairs_entry_id
CREATE INDEX ix_list_repairs_entry_id ON list_repairs (entry_id);

-- index ix_list_repairs_subject_id
CREATE INDEX ix_list_repairs_subject_id ON list_repairs (subject_id);

-- index ix_programs_party_id
CREATE INDEX ix_programs_party_id ON programs (party_id);

-- index ix_record_versions_record_id
CREATE INDEX ix_record_versions_record_id ON record_versions (record_id);

-- index ix_records_subject_id
CREATE INDEX ix_records_subject_id ON records (subject_id);

-- index ix_reviews_subject_id
CREATE INDEX ix_reviews_subject_id ON reviews (subject_id);

-- index ix_scores_run_id
CREATE INDEX ix_scores_run_id ON scores (run_id);

-- index ix_scores_subject_id
CREATE INDEX ix_scores_subject_id ON scores (subject_id);

-- index ix_statements_subject_id
CREATE INDEX ix_statements_subject_id ON statements (subject_id);

-- index ix_subject_tokens_subject_id
CREATE INDEX ix_subject_tokens_subject_id ON subject_tokens (subject_id);

-- table ledger_balances
CREATE TABLE ledger_balances (
	scheme VARCHAR(32) NOT NULL,
	subject_id INTEGER NOT NULL,
	policy_version INTEGER NOT NULL,
	balance INTEGER NOT NULL,
	grade VARCHAR(3) NOT NULL,
	as_of DATE NOT NULL,
	CONSTRAINT fk_ledger_balances_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_ledger_balances PRIMARY KEY (scheme, subject_id)
);

-- table ledger_entries
CREATE TABLE ledger_entries (
	id INTEGER NOT NULL,
	scheme VARCHAR(32) NOT NULL,
	policy_version INTEGER NOT NULL,
	subject_id INTEGER NOT NULL,
	record_id BIGINT NOT NULL,
	rule_id VARCHAR(48) NOT NULL,
	points INTEGER NOT NULL,
	occurred_on DATE NOT NULL,
	counts_until DATE NOT NULL,
	CONSTRAINT fk_ledger_entries_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_ledger_entries PRIMARY KEY (id)
);

-- table ledger_grade_history
CREATE TABLE ledger_grade_history (
	id INTEGER NOT NULL,
	scheme VARCHAR(32) NOT NULL,
	subject_id INTEGER NOT NULL,
	policy_version INTEGER NOT NULL,
	balance INTEGER NOT NULL,
	grade VARCHAR(3) NOT NULL,
	as_of DATE NOT NULL,
	replaced_on DATE NOT NULL,
	reason VARCHAR(16) NOT NULL,
	CONSTRAINT fk_ledger_grade_history_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_ledger_grade_history PRIMARY KEY (id)
);

-- table ledger_policies
CREATE TABLE ledger_policies (
	id INTEGER NOT NULL,
	scheme VARCHAR(32) NOT NULL,
	version INTEGER NOT NULL,
	title VARCHAR(200) NOT NULL,
	file VARCHAR(512) NOT NULL,
	source TEXT NOT NULL,
	digest VARCHAR(64) NOT NULL,
	installed_at DATETIME NOT NULL,
	installed_by VARCHAR(128) NOT NULL,
	CONSTRAINT pk_ledger_policies PRIMARY KEY (id),
	CONSTRAINT uq_ledger_policies_scheme UNIQUE (scheme, version)
);

-- table list_entries
CREATE TABLE list_entries (
	id INTEGER NOT NULL,
	list_id VARCHAR(32) NOT NULL,
	subject_id INTEGER NOT NULL,
	rule_id VARCHAR(64) NOT NULL,
	ref VARCHAR(128) NOT NULL,
	record_ids TEXT NOT NULL,
	tier VARCHAR(16),
	starts_on DATE NOT NULL,
	scheduled_end DATE,
	ended_on DATE,
	removal_reason VARCHAR(64),
	state VARCHAR(16) NOT NULL,
	basis TEXT NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT fk_list_entries_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_list_entries PRIMARY KEY (id),
	CONSTRAINT uq_list_entries_list_id UNIQUE (list_id, subject_id, rule_id, ref)
);

-- table list_repairs
CREATE TABLE list_repairs (
	id INTEGER NOT NULL,
	entry_id INTEGER NOT NULL,
	subject_id INTEGER NOT NULL,
	applied_on DATE NOT NULL,
	statement TEXT NOT NULL,
	decide_by DATE NOT NULL,
	state VARCHAR(16) NOT NULL,
	decided_on DATE,
	decided_by VARCHAR(128),
	decision_reason TEXT,
	CONSTRAINT fk_list_repairs_entry_id_list_entries FOREIGN KEY(entry_id) REFERENCES list_entries (id),
	CONSTRAINT fk_list_repairs_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_list_repairs PRIMARY KEY (id)
);

-- table model_versions
CREATE TABLE model_versions (
	id INTEGER NOT NULL,
	version VARCHAR(32) NOT NULL,
	model TEXT NOT NULL,
	created_at DATETIME NOT NULL,
	active BOOLEAN NOT NULL,
	metrics JSON NOT NULL,
	CONSTRAINT pk_model_versions PRIMARY KEY (id),
	CONSTRAINT uq_model_versions_version UNIQUE (version)
);

-- table org_search
CREATE VIRTUAL TABLE org_search USING fts5(name, code, content='', tokenize='unicode61 remove_diacritics 2', prefix='2 3');

-- table org_search_config
CREATE TABLE 'org_search_config'(k PRIMARY KEY, v) WITHOUT ROWID;

-- table org_search_data
CREATE TABLE 'org_search_data'(id INTEGER PRIMARY KEY, block BLOB);

-- table org_search_docsize
CREATE TABLE 'org_search_docsize'(id INTEGER PRIMARY KEY, sz BLOB);

-- table org_search_idx
CREATE TABLE 'org_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;

-- table org_search_state
CREATE TABLE org_search_state (id INTEGER PRIMARY KEY CHECK (id = 1), last_subject_id INTEGER NOT NULL);

-- table programs
CREATE TABLE programs (
	id VARCHAR(32) NOT NULL,
	party_id VARCHAR(32) NOT NULL,
	name VARCHAR(200) NOT NULL,
	purpose VARCHAR(32) NOT NULL,
	benefit TEXT NOT NULL,
	conditions JSON NOT NULL,
	active BOOLEAN NOT NULL,
	created_at DATETIME NOT NULL,
	CONSTRAINT fk_programs_party_id_relying_parties FOREIGN KEY(party_id) REFERENCES relying_parties (id),
	CONSTRAINT pk_programs PRIMARY KEY (id)
);

-- table record_versions
CREATE TABLE record_versions (
	id INTEGER NOT NULL,
	record_id INTEGER NOT NULL,
	version INTEGER NOT NULL,
	state VARCHAR(16) NOT NULL,
	content TEXT NOT NULL,
	content_hash VARCHAR(64) NOT NULL,
	superseded_at DATETIME NOT NULL,
	reason VARCHAR(32) NOT NULL,
	CONSTRAINT fk_record_versions_record_id_records FOREIGN KEY(record_id) REFERENCES records (id),
	CONSTRAINT pk_record_versions PRIMARY KEY (id)
);

-- table records
CREATE TABLE records (
	id INTEGER NOT NULL,
	furnisher_id VARCHAR(32) NOT NULL,
	external_id VARCHAR(128) NOT NULL,
	category VARCHAR(32) NOT NULL,
	subject_id INTEGER NOT NULL,
	occurred_on DATE NOT NULL,
	amount_minor BIGINT,
	currency VARCHAR(3),
	legal_basis VARCHAR(256),
	fields TEXT NOT NULL,
	state VARCHAR(16) NOT NULL,
	version INTEGER NOT NULL,
	content_hash VARCHAR(64) NOT NULL,
	received_at DATETIME NOT NULL,
	CONSTRAINT fk_records_furnisher_id_furnishers FOREIGN KEY(furnisher_id) REFERENCES furnishers (id),
	CONSTRAINT fk_records_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_records PRIMARY KEY (id),
	CONSTRAINT uq_records_furnisher_id UNIQUE (furnisher_id, external_id)
);

-- table relying_parties
CREATE TABLE relying_parties (
	id VARCHAR(32) NOT NULL,
	name VARCHAR(200) NOT NULL,
	activities JSON NOT NULL,
	purposes JSON NOT NULL,
	key_id VARCHAR(32) NOT NULL,
	key_hash VARCHAR(64) NOT NULL,
	active BOOLEAN NOT NULL,
	created_at DATETIME NOT NULL,
	CONSTRAINT pk_relying_parties PRIMARY KEY (id),
	CONSTRAINT uq_relying_parties_key_id UNIQUE (key_id),
	CONSTRAINT uq_relying_parties_name UNIQUE (name)
);

-- table reviews
CREATE TABLE reviews (
	id INTEGER NOT NULL,
	decision_id VARCHAR(40) NOT NULL,
	subject_id INTEGER NOT NULL,
	reason TEXT NOT NULL,
	state VARCHAR(16) NOT NULL,
	requested_at DATETIME NOT NULL,
	decided_at DATETIME,
	outcome_note TEXT,
	CONSTRAINT fk_reviews_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_reviews PRIMARY KEY (id),
	CONSTRAINT uq_reviews_decision_id UNIQUE (decision_id)
);

-- table score_runs
CREATE TABLE score_runs (
	id INTEGER NOT NULL,
	started_at DATETIME NOT NULL,
	finished_at DATETIME,
	engine VARCHAR(16) NOT NULL,
	as_of DATE NOT NULL,
	model_version_id INTEGER NOT NULL,
	snapshot VARCHAR(512) NOT NULL,
	records INTEGER NOT NULL,
	subjects INTEGER NOT NULL,
	published INTEGER NOT NULL,
	duration_s FLOAT,
	digest VARCHAR(64),
	CONSTRAINT fk_score_runs_model_version_id_model_versions FOREIGN KEY(model_version_id) REFERENCES model_versions (id),
	CONSTRAINT pk_score_runs PRIMARY KEY (id)
);

-- table scores
CREATE TABLE scores (
	id INTEGER NOT NULL,
	subject_id INTEGER NOT NULL,
	model_version_id INTEGER NOT NULL,
	run_id INTEGER NOT NULL,
	as_of DATE NOT NULL,
	score INTEGER NOT NULL,
	band VARCHAR(16) NOT NULL,
	history INTEGER,
	capacity INTEGER,
	compliance INTEGER,
	payments INTEGER,
	identity INTEGER,
	reasons TEXT NOT NULL,
	features TEXT,
	CONSTRAINT fk_scores_model_version_id_model_versions FOREIGN KEY(model_version_id) REFERENCES model_versions (id),
	CONSTRAINT fk_scores_run_id_score_runs FOREIGN KEY(run_id) REFERENCES score_runs (id),
	CONSTRAINT fk_scores_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_scores PRIMARY KEY (id)
);

-- table statements
CREATE TABLE statements (
	id INTEGER NOT NULL,
	record_id INTEGER NOT NULL,
	subject_id INTEGER NOT NULL,
	text TEXT NOT NULL,
	created_at DATETIME NOT NULL,
	CONSTRAINT fk_statements_record_id_records FOREIGN KEY(record_id) REFERENCES records (id),
	CONSTRAINT fk_statements_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_statements PRIMARY KEY (id),
	CONSTRAINT uq_statements_record_id UNIQUE (record_id)
);

-- table subject_tokens
CREATE TABLE subject_tokens (
	id INTEGER NOT NULL,
	subject_id INTEGER NOT NULL,
	key_id VARCHAR(32) NOT NULL,
	key_hash VARCHAR(64) NOT NULL,
	created_at DATETIME NOT NULL,
	expires_at DATETIME NOT NULL,
	revoked BOOLEAN NOT NULL,
	CONSTRAINT fk_subject_tokens_subject_id_subjects FOREIGN KEY(subject_id) REFERENCES subjects (id),
	CONSTRAINT pk_subject_tokens PRIMARY KEY (id),
	CONSTRAINT uq_subject_tokens_key_id UNIQUE (key_id)
);

-- table subjects
CREATE TABLE subjects (
	id INTEGER NOT NULL,
	kind VARCHAR(16) NOT NULL,
	scheme VARCHAR(32) NOT NULL,
	lookup_key VARCHAR(64) NOT NULL,
	display_id VARCHAR(64) NOT NULL,
	name VARCHAR(200),
	birth_date DATE,
	created_at DATETIME NOT NULL,
	CONSTRAINT pk_subjects PRIMARY KEY (id),
	CONSTRAINT uq_subjects_scheme UNIQUE (scheme, lookup_key)
);

