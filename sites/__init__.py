"""What makes a site a site: its branding, its page types, and how a new agency site is set up."""
