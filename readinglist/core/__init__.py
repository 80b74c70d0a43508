"""The Qt-free domain: storage, identity, search and the library service."""
