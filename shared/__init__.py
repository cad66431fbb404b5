"""Góp Ý shared package: event contracts and plumbing for every service, never business rules."""
