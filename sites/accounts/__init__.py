"""Staff sign-in: throttling and two-factor codes for editors."""
