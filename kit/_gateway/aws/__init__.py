"""The aws gateway: its configuration read and a request walked through it the way aws does."""
