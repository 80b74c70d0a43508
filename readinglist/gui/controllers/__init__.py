"""The window's controllers: each owns one concern and the window composes them.

`menus` (actions, menus, toolbar, context menus), `importing` (files, drops, pastes, preview,
background import), `exporting` (export dialog, copy as), `editing` (every undoable change).
"""
