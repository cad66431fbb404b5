"""Staff accounts, sign-in, API tokens and per-document reviewer lists, owned here."""
