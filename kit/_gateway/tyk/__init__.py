"""The tyk gateway: its configuration read and a request walked through it the way tyk does."""
