"""The shared content every Lantern site is composed from: StreamField blocks and the snippets they use."""
