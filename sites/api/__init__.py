"""The public delivery API: a site's live content as JSON, for partners with their own front ends."""
