"""Item pipelines, one job each, ordered in ITEM_PIPELINES with gaps: clean 100, normalise 200, store 300."""
