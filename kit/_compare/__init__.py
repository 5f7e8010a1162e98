"""Request comparison: a working and a failing request read from wherever people
have them (curl, Postman, HAR, httpx), their differences, which of them
matter (bisect), and the same request varied only on the wire."""
