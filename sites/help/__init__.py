"""The help directory: resources readers can reach, found by where they are."""
