"""Survivor privacy: what keeps a story, a photo or a file from exposing someone."""
