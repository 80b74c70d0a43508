"""The shape of a shared library on PostgreSQL: ordered steps keyed on the version stored in
`readinglist_meta`, frozen once released, like the SQLite steps in `migrations.py`.

The services see the same tables as on SQLite. The differences live here:
- `papers` is a view: the group's `paper_data` joined with the reading member's own row of
  `paper_status` (status and rating are personal; `status:read` means "read by me"). Triggers
  instead of the view's writes send each column where it belongs.
- `papers_fts` is a plain table with a `tsvector` column (GIN index) instead of FTS5; names are
  citext, which compares without regard to case like SQLite's NOCASE; JSON is kept as text.
- Every change to a shared table notifies channel `readinglist` at commit (LISTEN/NOTIFY), so
  every open window reloads within moments.
"""

from __future__ import annotations

from collections.abc import Sequence

from readinglist.core.migrations import PAPER_IDS, SHARED_PAPER_COLUMNS
from readinglist.core.postgres_fold import FOLD_DROPPED, FOLD_FROM, FOLD_TO

NOTIFY_CHANNEL = "readinglist"
APPLICATION = "readinglist"

_SHARED = [c.strip() for c in SHARED_PAPER_COLUMNS.split(",")]
_DATA_COLUMNS = ["id", *_SHARED, "added_at", "updated_at"]
_NEW_VALUES = ", ".join(f"NEW.{c}" for c in _DATA_COLUMNS)
_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _SHARED)
_UPDATES = ", ".join(f"{c} = NEW.{c}" for c in _DATA_COLUMNS if c != "id")
_NOTIFIED_TABLES = (
    "paper_data", "paper_status", "tags", "paper_tags", "reading_lists", "list_items",
    "sources", "appearances", "saved_searches", "completed_fields",
)  # fmt: skip

_V1 = (
    """
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE paper_data (
    id bigint PRIMARY KEY,
    title text NOT NULL,
    title_key text NOT NULL,
    has_abstract boolean NOT NULL DEFAULT false,
    arxiv_id text UNIQUE,
    url text,
    published text,
    published_precision text NOT NULL DEFAULT 'unknown',
    authors text,
    authors_count integer,
    organization text,
    organization_handle text,
    upvotes integer,
    comments integer,
    code_urls text NOT NULL DEFAULT '[]',
    primary_class text,
    subjects text,
    journal_ref text,
    doi text,
    arxiv_comment text,
    ai_summary text,
    ai_keywords text,
    notes text NOT NULL DEFAULT '',
    tags text NOT NULL DEFAULT '',
    citation_key text UNIQUE,
    added_at text NOT NULL,
    updated_at text NOT NULL,
    version integer NOT NULL DEFAULT 1
);
CREATE INDEX ix_papers_title_key ON paper_data (title_key);
CREATE INDEX ix_papers_published ON paper_data (published);
CREATE INDEX ix_papers_authors_count ON paper_data (authors_count);
CREATE INDEX ix_papers_organization ON paper_data (organization);
CREATE INDEX ix_papers_upvotes ON paper_data (upvotes);
CREATE INDEX ix_papers_comments ON paper_data (comments);
CREATE INDEX ix_papers_added_at ON paper_data (added_at);
CREATE INDEX ix_papers_tags ON paper_data (tags);
-- Near-duplicate titles are found as on SQLite: the titles sharing a new title's first three
-- words, in byte order (step 2's ix_papers_title_key_binary); a trigram index would find
-- other pairs than SQLite does.

-- Each member's own reading status and rating; no row means unread and unrated.
CREATE TABLE paper_status (
    member text NOT NULL DEFAULT session_user,
    paper_id bigint NOT NULL REFERENCES paper_data (id) ON DELETE CASCADE,
    status text NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'reading', 'read')),
    rating integer NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    updated_at text NOT NULL,
    PRIMARY KEY (member, paper_id)
);
CREATE INDEX ix_paper_status_paper_id ON paper_status (paper_id);

CREATE VIEW papers AS
SELECT d.id, d.title, d.title_key, d.has_abstract, d.arxiv_id, d.url, d.published,
       d.published_precision, d.authors, d.authors_count, d.organization,
       d.organization_handle, d.upvotes, d.comments, d.code_urls, d.primary_class, d.subjects,
       d.journal_ref, d.doi, d.arxiv_comment, d.ai_summary, d.ai_keywords,
       coalesce(s.status, 'unread') AS status, coalesce(s.rating, 0) AS rating,
       d.notes, d.tags, d.citation_key, d.added_at, d.updated_at, d.version
FROM paper_data d
LEFT JOIN paper_status s ON s.paper_id = d.id AND s.member = session_user;
ALTER VIEW papers ALTER COLUMN has_abstract SET DEFAULT false;
ALTER VIEW papers ALTER COLUMN published_precision SET DEFAULT 'unknown';
ALTER VIEW papers ALTER COLUMN code_urls SET DEFAULT '[]';
ALTER VIEW papers ALTER COLUMN status SET DEFAULT 'unread';
ALTER VIEW papers ALTER COLUMN rating SET DEFAULT 0;
ALTER VIEW papers ALTER COLUMN notes SET DEFAULT '';
ALTER VIEW papers ALTER COLUMN tags SET DEFAULT '';
ALTER VIEW papers ALTER COLUMN version SET DEFAULT 1;

CREATE FUNCTION readinglist_set_status(paper bigint, new_status text, new_rating integer,
                                       stamp text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO paper_status (paper_id, status, rating, updated_at)
    VALUES (paper, new_status, new_rating, stamp)
    ON CONFLICT (member, paper_id) DO UPDATE
    SET status = excluded.status, rating = excluded.rating, updated_at = excluded.updated_at
$$;

CREATE FUNCTION papers_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO paper_data ("""
    + ", ".join(_DATA_COLUMNS)
    + """)
    VALUES ("""
    + _NEW_VALUES
    + """);
    IF NEW.status <> 'unread' OR NEW.rating <> 0 THEN
        PERFORM readinglist_set_status(NEW.id, NEW.status, NEW.rating, NEW.updated_at);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER papers_insert INSTEAD OF INSERT ON papers
FOR EACH ROW EXECUTE FUNCTION papers_insert();

CREATE FUNCTION papers_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF """
    + _CHANGED
    + """ OR NEW.id IS DISTINCT FROM OLD.id OR NEW.version IS DISTINCT FROM OLD.version
       OR NEW.added_at IS DISTINCT FROM OLD.added_at THEN
        UPDATE paper_data SET """
    + _UPDATES
    + """, version = NEW.version
        WHERE id = OLD.id;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status OR NEW.rating IS DISTINCT FROM OLD.rating THEN
        PERFORM readinglist_set_status(NEW.id, NEW.status, NEW.rating, NEW.updated_at);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER papers_update INSTEAD OF UPDATE ON papers
FOR EACH ROW EXECUTE FUNCTION papers_update();

CREATE FUNCTION papers_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM paper_data WHERE id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER papers_delete INSTEAD OF DELETE ON papers
FOR EACH ROW EXECUTE FUNCTION papers_delete();

CREATE TABLE tags (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name citext NOT NULL UNIQUE
);
CREATE TABLE paper_tags (
    paper_id bigint NOT NULL REFERENCES paper_data (id) ON DELETE CASCADE,
    tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (paper_id, tag_id)
);
CREATE INDEX ix_paper_tags_tag_id ON paper_tags (tag_id);

CREATE TABLE reading_lists (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name citext NOT NULL UNIQUE,
    description text NOT NULL DEFAULT '',
    created_at text NOT NULL
);
CREATE TABLE list_items (
    list_id bigint NOT NULL REFERENCES reading_lists (id) ON DELETE CASCADE,
    paper_id bigint NOT NULL REFERENCES paper_data (id) ON DELETE CASCADE,
    position integer NOT NULL,
    added_at text NOT NULL,
    PRIMARY KEY (list_id, paper_id)
);
CREATE INDEX ix_list_items_paper_id ON list_items (paper_id);

CREATE TABLE sources (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    path text,
    sha256 text NOT NULL,
    format text NOT NULL,
    page_date text,
    page_date_precision text NOT NULL DEFAULT 'unknown',
    assumptions text NOT NULL DEFAULT '[]',
    imported_at text NOT NULL
);
CREATE INDEX ix_sources_sha256 ON sources (sha256);
CREATE TABLE appearances (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    paper_id bigint NOT NULL REFERENCES paper_data (id) ON DELETE CASCADE,
    source_id bigint NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    position integer NOT NULL,
    shown text NOT NULL DEFAULT '{}'
);
CREATE INDEX ix_appearances_paper_id ON appearances (paper_id);
CREATE UNIQUE INDEX ix_appearances_source_position ON appearances (source_id, position);

CREATE TABLE saved_searches (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name citext NOT NULL UNIQUE,
    "query" text NOT NULL
);

-- What a person searches by words, weighted by column so `title:` can ask for one: title A,
-- abstract B, notes C, tags D. Words are folded like SQLite's unicode61 remove_diacritics
-- tokenizer (lower case, no accents, split at anything that is not a letter or digit), so
-- both backends find the same papers for the same words.
CREATE FUNCTION readinglist_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary,
                                                 coalesce(value, ''))),
                          '[^[:alnum:]]+', ' ', 'g')
$$;
CREATE FUNCTION readinglist_document(title text, abstract text, notes text, tags text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('simple', readinglist_fold(title)), 'A')
        || setweight(to_tsvector('simple', readinglist_fold(abstract)), 'B')
        || setweight(to_tsvector('simple', readinglist_fold(notes)), 'C')
        || setweight(to_tsvector('simple', readinglist_fold(tags)), 'D')
$$;
CREATE TABLE papers_fts (
    rowid bigint PRIMARY KEY REFERENCES paper_data (id) ON DELETE CASCADE,
    title text,
    abstract text,
    notes text,
    tags text,
    document tsvector GENERATED ALWAYS AS (readinglist_document(title, abstract, notes, tags))
        STORED
);
CREATE INDEX ix_papers_fts_document ON papers_fts USING gin (document);

CREATE FUNCTION paper_data_text_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE papers_fts SET title = NEW.title, notes = NEW.notes, tags = NEW.tags
    WHERE rowid = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER paper_data_text_changed AFTER UPDATE OF title, notes, tags ON paper_data
FOR EACH ROW EXECUTE FUNCTION paper_data_text_changed();

-- paper_data.tags mirrors paper_tags (sorted names joined by ", ") for the index and the table.
CREATE FUNCTION readinglist_tag_text(paper bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(t.name::text, ', ' ORDER BY lower(t.name::text)), '')
    FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = paper
$$;
CREATE FUNCTION paper_tags_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE paper_data SET tags = readinglist_tag_text(OLD.paper_id) WHERE id = OLD.paper_id;
    ELSE
        UPDATE paper_data SET tags = readinglist_tag_text(NEW.paper_id) WHERE id = NEW.paper_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER paper_tags_changed AFTER INSERT OR DELETE ON paper_tags
FOR EACH ROW EXECUTE FUNCTION paper_tags_changed();
CREATE FUNCTION tags_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE paper_data SET tags = readinglist_tag_text(id)
    WHERE id IN (SELECT paper_id FROM paper_tags WHERE tag_id = NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER tags_renamed AFTER UPDATE OF name ON tags
FOR EACH ROW EXECUTE FUNCTION tags_renamed();

-- A shared field changed outside the view (the tag mirror above): the version moves too.
CREATE FUNCTION paper_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version AND ("""
    + _CHANGED
    + """) THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER paper_data_version BEFORE UPDATE ON paper_data
FOR EACH ROW EXECUTE FUNCTION paper_data_version();

CREATE TABLE completed_fields (
    paper_id bigint NOT NULL REFERENCES paper_data (id) ON DELETE CASCADE,
    field text NOT NULL,
    source text NOT NULL,
    reference text,
    completed_at text NOT NULL,
    PRIMARY KEY (paper_id, field)
);

-- The related-papers model (core/related/), as on SQLite.
CREATE TABLE related_terms (
    id bigint PRIMARY KEY,
    term text NOT NULL,
    df integer NOT NULL
);
CREATE TABLE related_state (
    key text PRIMARY KEY,
    value bytea
);
CREATE TABLE related_delta (
    paper_id bigint PRIMARY KEY
);
CREATE TABLE related_changes (
    seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    paper_id bigint NOT NULL
);
CREATE FUNCTION related_paper_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO related_changes (paper_id) VALUES (OLD.id);
    ELSIF NEW.title IS DISTINCT FROM OLD.title
          OR NEW.has_abstract IS DISTINCT FROM OLD.has_abstract THEN
        INSERT INTO related_changes (paper_id) VALUES (NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER related_paper_changed AFTER UPDATE OR DELETE ON paper_data
FOR EACH ROW EXECUTE FUNCTION related_paper_changed();

CREATE FUNCTION readinglist_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('"""
    + NOTIFY_CHANNEL
    + """', TG_TABLE_NAME);
    RETURN NULL;
END $$;
"""
    + "".join(
        f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION readinglist_notify();\n"
        for table in _NOTIFIED_TABLES
    )
)

# Step 2: search as on SQLite. The fold splits and folds words exactly as SQLite's unicode61
# remove_diacritics 2 tokenizer does for every assigned character but private-use ones (the
# characters where lower + unaccent + [:alnum:] differ were asked of SQLite itself, see
# scripts/gen_pg_fold.py): ASCII text takes a locale-free fast path, other text the plain fold
# with those characters set aside in private-use placeholders and put back afterwards.
# Columns are a position apart in the document, so a phrase never spans two of them, as in
# FTS5; papers_fts_stats keeps the row and word counts bm25 needs (FTS5 keeps them too).
_PLACEHOLDERS = "".join(chr(0xF0000 + i) for i in range(len(FOLD_FROM)))
_COLUMN_GAP = "readinglist@column.gap"  # a lexeme no fold produces: fold output has no "@"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_V2 = (
    """
CREATE OR REPLACE FUNCTION readinglist_fold(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    v text := coalesce(value, '');
BEGIN
    IF octet_length(v) = length(v) THEN
        RETURN regexp_replace(lower(v COLLATE "C"), '[^a-z0-9]+', ' ', 'g');
    END IF;
    IF v !~ """
    + _literal("[" + FOLD_FROM + FOLD_DROPPED + "]")
    + """ THEN
        RETURN regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, v)),
                              '[^[:alnum:]]+', ' ', 'g');
    END IF;
    RETURN translate(
        regexp_replace(
            lower(public.unaccent('public.unaccent'::regdictionary,
                                  translate(v, """
    + _literal(FOLD_FROM + FOLD_DROPPED)
    + ", "
    + _literal(_PLACEHOLDERS)
    + """))),
            '[^[:alnum:]"""
    + _PLACEHOLDERS[0]
    + "-"
    + _PLACEHOLDERS[-1]
    + """]+', ' ', 'g'),
        """
    + _literal(_PLACEHOLDERS)
    + ", "
    + _literal(FOLD_TO)
    + """);
END $$;

-- The words of one column as a tsvector at positions 1, 2, ... Folded words PostgreSQL's
-- parser would split further (a superscript, a modifier letter) are taken as they are.
-- (PL/pgSQL: its plans last the session; a SQL function's nested calls are planned anew.)
CREATE FUNCTION readinglist_words(value text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    f text := readinglist_fold(value);
BEGIN
    IF f ~ '^[[:alnum:] ]*$' THEN
        RETURN to_tsvector('simple', f);
    END IF;
    RETURN (SELECT coalesce(string_agg(quote_literal(word) || ':' || position, ' '), '')
                   ::tsvector
            FROM regexp_split_to_table(btrim(f), ' +') WITH ORDINALITY AS w (word, position)
            WHERE word <> '' AND octet_length(word) <= 2046);  -- longer: to_tsvector drops it
END $$;

CREATE OR REPLACE FUNCTION readinglist_document(title text, abstract text, notes text, tags text)
RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    gap tsvector := """
    + _literal(_literal(_COLUMN_GAP) + ":1")
    + """;
BEGIN
    RETURN ts_delete(
        setweight(readinglist_words(title), 'A') || gap
        || setweight(readinglist_words(abstract), 'B') || gap
        || setweight(readinglist_words(notes), 'C') || gap
        || setweight(readinglist_words(tags), 'D'),
        """
    + _literal(_COLUMN_GAP)
    + """::text);
END $$;

-- How many words a document holds (FTS5's document length, for bm25).
CREATE FUNCTION readinglist_word_count(document tsvector) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(sum(cardinality(positions)), 0) FROM unnest(document)
$$;

-- What a query word or phrase finds: its folded words in a row (`<->`), the last one a prefix
-- when `prefix`, each with one of `weights` (the columns, '' for all). A word with nothing
-- to search finds nothing, like FTS5's empty phrase: the column gap, in no document; so
-- does a word longer than a lexeme may be (2046 bytes), which no document holds.
CREATE FUNCTION readinglist_query(words text, prefix boolean, weights text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(
        CASE WHEN bool_or(octet_length(word) > 2046) THEN NULL ELSE string_agg(
            quote_literal(word)
            || CASE WHEN (prefix AND position = total) OR weights <> ''
                    THEN ':' || CASE WHEN prefix AND position = total THEN '*' ELSE '' END
                         || weights
                    ELSE '' END,
            ' <-> ' ORDER BY position) END,
        """
    + _literal(_literal(_COLUMN_GAP))
    + """)::tsquery
    FROM (SELECT word, position, count(*) OVER () AS total
          FROM regexp_split_to_table(btrim(readinglist_fold(words)), ' +')
               WITH ORDINALITY AS w (word, position)
          WHERE word <> '') AS w
$$;

-- The document is now kept by a trigger, with its length beside it (FTS5's document size,
-- which bm25 divides by): a generated column cannot feed another.
DROP INDEX ix_papers_fts_document;
ALTER TABLE papers_fts DROP COLUMN document;
ALTER TABLE papers_fts ADD COLUMN document tsvector NOT NULL DEFAULT ''::tsvector,
                       ADD COLUMN words integer NOT NULL DEFAULT 0;
CREATE FUNCTION papers_fts_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.document := readinglist_document(NEW.title, NEW.abstract, NEW.notes, NEW.tags);
    NEW.words := readinglist_word_count(NEW.document);
    RETURN NEW;
END $$;
CREATE TRIGGER papers_fts_document BEFORE INSERT OR UPDATE OF title, abstract, notes, tags
ON papers_fts FOR EACH ROW EXECUTE FUNCTION papers_fts_document();
-- Rows of a few bytes, the abstract and document kept aside (TOAST): every search reads the
-- row of each paper a word matches, and only ranking reads the documents (measured at
-- 100,000 papers: documents kept in the row made filters and sorts by date 2 to 10 times
-- slower, ranking by one common word 1.4 times faster).
ALTER TABLE papers_fts SET (toast_tuple_target = 128);
UPDATE papers_fts SET title = title;
CREATE INDEX ix_papers_fts_document ON papers_fts USING gin (document);

-- Sorts in SQLite's order straight off an index: NULLs last in descending order too, text
-- byte by byte (SQLite's BINARY), so the first page of a sort reads only that page.
CREATE INDEX ix_papers_published_desc ON paper_data (published DESC NULLS LAST);
CREATE INDEX ix_papers_upvotes_desc ON paper_data (upvotes DESC NULLS LAST);
CREATE INDEX ix_papers_comments_desc ON paper_data (comments DESC NULLS LAST);
CREATE INDEX ix_papers_authors_count_desc ON paper_data (authors_count DESC NULLS LAST);
CREATE INDEX ix_papers_title_key_binary ON paper_data (title_key COLLATE "C");
CREATE INDEX ix_papers_organization_binary ON paper_data (organization COLLATE "C");
CREATE INDEX ix_papers_tags_binary ON paper_data (tags COLLATE "C");

CREATE TABLE papers_fts_stats (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    documents bigint NOT NULL,
    words bigint NOT NULL
);
INSERT INTO papers_fts_stats (documents, words)
SELECT count(*), coalesce(sum(words), 0) FROM papers_fts;

CREATE FUNCTION papers_fts_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    documents_added bigint := 0;
    words_added bigint := 0;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT count(*), coalesce(sum(words), 0)
        INTO documents_added, words_added FROM new_rows;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        SELECT documents_added - count(*),
               words_added - coalesce(sum(words), 0)
        INTO documents_added, words_added FROM old_rows;
    END IF;
    IF documents_added <> 0 OR words_added <> 0 THEN
        UPDATE papers_fts_stats
        SET documents = documents + documents_added, words = words + words_added;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER papers_fts_inserted AFTER INSERT ON papers_fts
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION papers_fts_counted();
CREATE TRIGGER papers_fts_updated AFTER UPDATE ON papers_fts
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION papers_fts_counted();
CREATE TRIGGER papers_fts_deleted AFTER DELETE ON papers_fts
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION papers_fts_counted();
"""
)

# PG_MIGRATIONS[n] upgrades a shared library from version n to n + 1.
PG_MIGRATIONS: Sequence[str] = (_V1, _V2, PAPER_IDS)
PG_SCHEMA_VERSION = len(PG_MIGRATIONS)
