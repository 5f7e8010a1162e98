"""History: logs and their formats, counting per window, HAR, the store, the recorder,
windows, the timeline, spikes and their charts."""
