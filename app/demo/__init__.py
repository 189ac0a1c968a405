"""Demo data for development and demo servers."""
