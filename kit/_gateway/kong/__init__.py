"""The kong gateway: its configuration read and a request walked through it the way kong does."""
