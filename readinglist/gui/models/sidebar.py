"""The sidebar: library views, reading lists, saved searches, tags and sources, with counts.

Each selectable entry carries a key ("all", "status:read", "list:3", ...) that the window turns
into a scope for the table; the key also survives a rebuild, so the selection can be restored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from readinglist.core import scopes
from readinglist.core.library import Library, NamedCount, SourceInfo
from readinglist.core.records import PaperRecord, ReadingStatus
from readinglist.gui.icons import icon

NAME = 0
COUNT = 1

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "all", "status", "new", "list", "suggested", ...
ENTRY_NAME_ROLE = Qt.ItemDataRole.UserRole + 3  # the list's, tag's or search's own name
QUERY_ROLE = Qt.ItemDataRole.UserRole + 4  # a saved search's query

GROUPS = ("library", "lists", "searches", "tags", "sources")


@dataclass(frozen=True)
class Entry:
    """What a sidebar key means for the table."""

    key: str
    kind: str
    name: str
    scope_sql: str | None
    query: str = ""
    count: int | None = None  # papers in it, as the sidebar shows (None: a saved search)


@dataclass(frozen=True)
class SidebarCounts:
    """Everything the sidebar shows, read from the library in one go (in the background)."""

    total: int
    status: dict[str, int]
    new: int
    new_scope: str
    lists: list[NamedCount]
    searches: list[NamedCount]
    tags: list[NamedCount]
    sources: list[SourceInfo]
    # The reading pane's paper read again with the counts (another process may have changed it).
    pane: PaperRecord | None = None
    pane_id: int | None = None

    @staticmethod
    def read(library: Library, new_scope: str | None = None) -> SidebarCounts:
        """Qt-free: runs in a worker thread. `new_scope`: the papers "New in the last import"
        shows (the window's last drop, every file of it); by default the library's latest
        import."""
        new_scope = new_scope or scopes.last_import_scope()
        return SidebarCounts(
            total=library.count(),
            status=library.status_counts(),
            new=library.count(new_scope),
            new_scope=new_scope,
            lists=library.lists(),
            searches=library.saved_searches(),
            tags=library.tags(),
            sources=library.sources(),
        )


class SidebarModel(QStandardItemModel):
    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(0, 2, parent)
        self.library = library
        self._entries: dict[str, Entry] = {}

    def entry(self, key: str) -> Entry | None:
        return self._entries.get(key)

    def index_of(self, key: str) -> QStandardItem | None:
        for group in range(self.rowCount()):
            parent = self.item(group, NAME)
            for row in range(parent.rowCount()):
                child = parent.child(row, NAME)
                if child.data(KEY_ROLE) == key:
                    return child
        return None

    def reload(self) -> None:
        """Rebuild every entry with fresh counts from the library, here and now."""
        self.show_counts(SidebarCounts.read(self.library))

    def show_counts(self, counts: SidebarCounts) -> None:
        """Rebuild every entry from counts read beforehand (see SidebarCounts.read)."""
        self.clear()
        self.setColumnCount(2)
        self._entries.clear()
        status = counts.status
        library = self._group("Library", "library", "mdi6.bookshelf")
        self._add(library, Entry("all", "all", "All papers", None), counts.total, "mdi6.book-open")
        for value, label, glyph in (
            (ReadingStatus.UNREAD, "Unread", "mdi6.email-mark-as-unread"),
            (ReadingStatus.READING, "Reading", "mdi6.book-open-page-variant"),
            (ReadingStatus.READ, "Read", "mdi6.check-circle-outline"),
        ):
            entry = Entry(f"status:{value.value}", "status", label, scopes.status_scope(value))
            self._add(library, entry, status.get(value.value, 0), glyph)
        new = Entry("new", "new", "New in the last import", counts.new_scope)
        self._add(library, new, counts.new, "mdi6.new-box")

        lists = self._group("Reading lists", "lists", "mdi6.format-list-bulleted")
        for item in counts.lists:
            entry = Entry(f"list:{item.id}", "list", item.name, scopes.list_scope(item.id))
            self._add(lists, entry, item.count, "mdi6.playlist-star")
            # What to read next for it (gui/controllers/related.py shows the view).
            suggested = Entry(f"suggested:{item.id}", "suggested", item.name, None)
            row = self._add(lists, suggested, None, "mdi6.lightbulb-on-outline")
            row.setText("↳ Suggested")
            row.setToolTip(f"Papers not in “{item.name}” that fit it best")
        searches = self._group("Saved searches", "searches", "mdi6.magnify")
        for item in counts.searches:
            entry = Entry(f"search:{item.id}", "search", item.name, None, item.detail)
            self._add(searches, entry, None, "mdi6.text-search")
        tags = self._group("Tags", "tags", "mdi6.tag-multiple")
        for item in counts.tags:
            entry = Entry(f"tag:{item.id}", "tag", item.name, scopes.tag_scope(item.id))
            self._add(tags, entry, item.count, "mdi6.tag-outline")
        sources = self._group("Sources", "sources", "mdi6.file-document-multiple")
        for source in counts.sources:
            entry = Entry(
                f"source:{source.id}", "source", source.name, scopes.source_scope(source.id)
            )
            row = self._add(sources, entry, source.paper_count, "mdi6.file-document-outline")
            row.setToolTip(f"{source.path or source.name}\nimported {source.imported_at:%c}")

    def _group(self, title: str, kind: str, glyph: str) -> QStandardItem:
        item = QStandardItem(icon(glyph), title)
        # Every item carries every role, so no lookup ever gets an empty value back.
        item.setData(f"group:{kind}", KEY_ROLE)
        item.setData("group", KIND_ROLE)
        item.setData(title, ENTRY_NAME_ROLE)
        item.setData("", QUERY_ROLE)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        spacer = QStandardItem()
        for role in (KEY_ROLE, KIND_ROLE, ENTRY_NAME_ROLE, QUERY_ROLE):
            spacer.setData(item.data(role), role)
        spacer.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.appendRow([item, spacer])
        return item

    def _add(
        self, parent: QStandardItem, entry: Entry, count: int | None, glyph: str
    ) -> QStandardItem:
        entry = replace(entry, count=count)
        self._entries[entry.key] = entry
        item = QStandardItem(icon(glyph), entry.name)
        item.setData(entry.key, KEY_ROLE)
        item.setData(entry.kind, KIND_ROLE)
        item.setData(entry.name, ENTRY_NAME_ROLE)
        item.setData(entry.query, QUERY_ROLE)
        item.setToolTip(entry.query or entry.name)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if entry.kind == "list":
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        item.setFlags(flags)
        number = QStandardItem("" if count is None else f"{count:,}")
        for role in (KEY_ROLE, KIND_ROLE, ENTRY_NAME_ROLE, QUERY_ROLE):
            number.setData(item.data(role), role)
        number.setFlags(flags)
        number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        parent.appendRow([item, number])
        return item
