"""Schema migrations: ordered SQL steps keyed on `PRAGMA user_version`.

Each step is frozen once released: a later change to the schema is a new step, never an edit of
an old one, so every library upgrades through the same path. Step N brings a library from
version N-1 to N.
"""

from __future__ import annotations

from collections.abc import Sequence

_V1 = """
CREATE TABLE papers (
    id INTEGER NOT NULL PRIMARY KEY,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    -- The abstract itself lives in papers_fts (see below); this row stays small, so sorting
    -- and filtering 100,000 papers reads a few MB instead of the whole text.
    has_abstract INTEGER NOT NULL DEFAULT 0,
    arxiv_id VARCHAR UNIQUE,
    url TEXT,
    published VARCHAR,
    published_precision VARCHAR NOT NULL DEFAULT 'unknown',
    authors JSON,
    authors_count INTEGER,
    organization TEXT,
    organization_handle TEXT,
    upvotes INTEGER,
    comments INTEGER,
    code_urls JSON NOT NULL DEFAULT '[]',
    primary_class VARCHAR,
    subjects JSON,
    journal_ref TEXT,
    arxiv_comment TEXT,
    ai_summary TEXT,
    ai_keywords JSON,
    status VARCHAR NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'reading', 'read')),
    rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    notes TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    citation_key VARCHAR UNIQUE,
    added_at VARCHAR NOT NULL,
    updated_at VARCHAR NOT NULL
);
CREATE INDEX ix_papers_title_key ON papers (title_key);
CREATE INDEX ix_papers_published ON papers (published);
CREATE INDEX ix_papers_authors_count ON papers (authors_count);
CREATE INDEX ix_papers_organization ON papers (organization);
CREATE INDEX ix_papers_upvotes ON papers (upvotes);
CREATE INDEX ix_papers_comments ON papers (comments);
CREATE INDEX ix_papers_status ON papers (status);
CREATE INDEX ix_papers_rating ON papers (rating);
CREATE INDEX ix_papers_added_at ON papers (added_at);
-- The window sorts by any column; without this index a sort by tags reads every paper.
CREATE INDEX ix_papers_tags ON papers (tags);

CREATE TABLE tags (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE paper_tags (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (paper_id, tag_id)
);
CREATE INDEX ix_paper_tags_tag_id ON paper_tags (tag_id);

CREATE TABLE reading_lists (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    created_at VARCHAR NOT NULL
);
CREATE TABLE list_items (
    list_id INTEGER NOT NULL REFERENCES reading_lists (id) ON DELETE CASCADE,
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    added_at VARCHAR NOT NULL,
    PRIMARY KEY (list_id, paper_id)
);
CREATE INDEX ix_list_items_paper_id ON list_items (paper_id);

CREATE TABLE sources (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT,
    sha256 VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    page_date VARCHAR,
    page_date_precision VARCHAR NOT NULL DEFAULT 'unknown',
    assumptions JSON NOT NULL DEFAULT '[]',
    imported_at VARCHAR NOT NULL
);
CREATE INDEX ix_sources_sha256 ON sources (sha256);
CREATE TABLE appearances (
    id INTEGER NOT NULL PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    shown JSON NOT NULL DEFAULT '{}'
);
CREATE INDEX ix_appearances_paper_id ON appearances (paper_id);
CREATE UNIQUE INDEX ix_appearances_source_position ON appearances (source_id, position);

CREATE TABLE saved_searches (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL UNIQUE COLLATE NOCASE,
    "query" TEXT NOT NULL
);

-- Full-text index over what a person searches by words. A regular (not external-content)
-- FTS5 table: it is also where abstracts are stored. Library code inserts a paper's row here
-- in the same transaction as the paper (every INSERT INTO papers goes through
-- Library._insert_papers); these triggers keep title, notes and tags in step afterwards.
-- remove_diacritics folds accents, so "cafe" finds "café".
-- No prefix index: a one-letter word is searched as a whole word (see search.py), and a
-- prefix='1' index would cost 40% more indexing time on every import.
CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract, notes, tags,
    tokenize='unicode61 remove_diacritics 2'
);
-- Buffer up to 64 MB of new terms before writing a segment: a 100,000-paper import then writes
-- a few large segments instead of hundreds of small ones that must be merged.
INSERT INTO papers_fts (papers_fts, rank) VALUES ('hashsize', 67108864);
CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    DELETE FROM papers_fts WHERE rowid = old.id;
END;
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, notes, tags ON papers BEGIN
    UPDATE papers_fts SET title = new.title, notes = new.notes, tags = new.tags
    WHERE rowid = new.id;
END;

-- papers.tags mirrors paper_tags (sorted names joined by ", ") for the index and the table.
CREATE TRIGGER paper_tags_insert AFTER INSERT ON paper_tags BEGIN
    UPDATE papers SET tags = coalesce((
        SELECT group_concat(name, ', ') FROM (
            SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id
            WHERE pt.paper_id = new.paper_id ORDER BY t.name COLLATE NOCASE)), '')
    WHERE id = new.paper_id;
END;
CREATE TRIGGER paper_tags_delete AFTER DELETE ON paper_tags BEGIN
    UPDATE papers SET tags = coalesce((
        SELECT group_concat(name, ', ') FROM (
            SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id
            WHERE pt.paper_id = old.paper_id ORDER BY t.name COLLATE NOCASE)), '')
    WHERE id = old.paper_id;
END;
CREATE TRIGGER tags_rename AFTER UPDATE OF name ON tags BEGIN
    UPDATE papers SET tags = coalesce((
        SELECT group_concat(name, ', ') FROM (
            SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id
            WHERE pt.paper_id = papers.id ORDER BY t.name COLLATE NOCASE)), '')
    WHERE id IN (SELECT paper_id FROM paper_tags WHERE tag_id = new.id);
END;
"""

# The related-papers model (core/related/): the vocabulary with document frequencies, the
# inverted index's frozen segment, the papers added, changed or removed since that segment was
# built, and a log of papers whose text changed since the model last looked. Triggers keep the
# log, so every write path (imports, merges, deletions, undo) reaches the model untouched.
_V2_RELATED = """
CREATE TABLE related_terms (
    id INTEGER NOT NULL PRIMARY KEY,
    term TEXT NOT NULL,
    df INTEGER NOT NULL
);
CREATE TABLE related_state (
    key TEXT NOT NULL PRIMARY KEY,
    value BLOB
);
CREATE TABLE related_delta (
    paper_id INTEGER NOT NULL PRIMARY KEY
);
CREATE TABLE related_changes (
    seq INTEGER NOT NULL PRIMARY KEY,
    paper_id INTEGER NOT NULL
);
-- A paper above the highest id the model has seen is found by its id; one stored under an id
-- the model saw before (a deletion undone) is logged by paper_rows.insert_papers, in one
-- statement per write: a trigger here cost 0.75 s per 100,000 imported papers.
CREATE TRIGGER related_paper_delete AFTER DELETE ON papers BEGIN
    INSERT INTO related_changes (paper_id) VALUES (old.id);
END;
-- An abstract is only ever filled in when a paper had none, which sets has_abstract.
CREATE TRIGGER related_paper_text AFTER UPDATE OF title, has_abstract ON papers BEGIN
    INSERT INTO related_changes (paper_id) VALUES (new.id);
END;
"""

# Completion from arXiv and Hugging Face: the DOI arXiv knows, and where each completed field
# came from (one row per paper and field; the reading pane shows them).
_V3_COMPLETION = """
ALTER TABLE papers ADD COLUMN doi TEXT;
CREATE TABLE completed_fields (
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    field VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    reference TEXT,
    completed_at VARCHAR NOT NULL,
    PRIMARY KEY (paper_id, field)
);
"""

# Every paper carries a version, raised whenever a field everybody shares changes (not status or
# rating, which are the reader's own): an edit made on an older version of a paper is refused
# instead of silently overwriting another writer's change (Library.set_notes).
SHARED_PAPER_COLUMNS = (
    "title, title_key, has_abstract, arxiv_id, url, published, published_precision, authors, "
    "authors_count, organization, organization_handle, upvotes, comments, code_urls, "
    "primary_class, subjects, journal_ref, doi, arxiv_comment, ai_summary, ai_keywords, notes, "
    "tags, citation_key"
)
_V4_VERSIONS = f"""
ALTER TABLE papers ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TRIGGER papers_version AFTER UPDATE OF {SHARED_PAPER_COLUMNS} ON papers
WHEN new.version = old.version BEGIN
    UPDATE papers SET version = old.version + 1 WHERE id = new.id;
END;
"""

# The highest paper id ever given: a paper id is never given twice, so an undo waiting in
# another window (or another member's) can never land on a paper imported after a delete.
PAPER_IDS = """
CREATE TABLE paper_ids (last_id INTEGER NOT NULL);
INSERT INTO paper_ids (last_id) SELECT coalesce(max(id), 0) FROM papers;
"""

# MIGRATIONS[n] upgrades a library from version n to n + 1.
MIGRATIONS: Sequence[str] = (_V1, _V2_RELATED, _V3_COMPLETION, _V4_VERSIONS, PAPER_IDS)
SCHEMA_VERSION = len(MIGRATIONS)
