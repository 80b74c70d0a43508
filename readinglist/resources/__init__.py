"""Files the application loads at run time (icons). Find them with `readinglist.assets`."""
