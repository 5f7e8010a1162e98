"""Tests of kit._gateway: the front door, and one file per gateway."""
