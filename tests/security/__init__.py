"""Tests of the hardened install: headers, cookies, sign-in throttling, two-step sign-in, deploy checks."""
