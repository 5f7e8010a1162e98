"""Tests of kit._history: logs, formats, the store, the timeline, charts."""
