"""The nginx gateway: its configuration read and a request walked through it the way nginx does."""
