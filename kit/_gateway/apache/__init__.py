"""The apache gateway: its configuration read and a request walked through it the way apache does."""
