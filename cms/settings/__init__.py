"""Lantern settings: `base` reads the environment; `dev`, `test` and `production` are thin layers."""
