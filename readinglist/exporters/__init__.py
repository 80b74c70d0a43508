"""Qt-free exporters: a sequence of PaperRecords to Markdown or BibTeX text."""
