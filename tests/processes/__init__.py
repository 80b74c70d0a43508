"""Programs the concurrency tests run as real processes beside each other."""
