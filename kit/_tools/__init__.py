"""Per-cause tools: the access matrix, where a key goes, the rate-limit monitor, the clock,
the network, the notebook forms, User-Agent comparison."""
