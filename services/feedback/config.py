"""Settings of the feedback service (env prefix ``FEEDBACK_``)."""

from __future__ import annotations

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from shared.config import VAR_DIR, ServiceSettings, sqlite_url
from shared.events import MAX_COMMENT_CHARS

# Public (it is in this file): accepted only where the development signing key is.
DEV_COMMENTER_KEY_SECRET = "dev-only-commenter-key-secret-change-me-0123456789"


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBACK_", extra="ignore", populate_by_name=True)

    database_url: str = sqlite_url("feedback")
    # Keys the pseudonymous commenter key (services.feedback.commenters). Set it once and
    # keep it: a new secret makes returning commenters count as new people.
    commenter_key_secret: str = DEV_COMMENTER_KEY_SECRET
    max_comment_chars: int = MAX_COMMENT_CHARS
    # 20,000 Vietnamese characters take up to ~60 kB in UTF-8, ~180 kB percent-encoded; the
    # body limit leaves room for a text well over the limit, so its refusal can give it back.
    max_body_bytes: int = 512 * 1024
    # Comments per hour from one network address: a commune office, a school or a mobile
    # operator puts dozens of people behind one address (40 people, a few comments each).
    rate_limit_per_hour: int = 300
    # ... from one reading page (its signed form token) and one browser (its cookie):
    # what singles out one person, or one script, behind a shared address.
    rate_limit_per_page_hour: int = 30
    rate_limit_per_browser_hour: int = 40
    # ... from one sender's e-mail address, whatever the channel.
    rate_limit_per_sender_hour: int = 20
    # All comments from the public (form and API) per minute, every address together: a
    # flood spread over many addresses. 0: no such limit.
    rate_limit_global_per_minute: int = 6000
    # Where every comment limit (hourly, global, SMTP) is counted: "memory://" (one
    # instance) or "redis://host:6379/0", shared by every instance; keys start with the prefix.
    rate_limit_storage: str = "memory://"
    rate_limit_key_prefix: str = "gopy"
    # Comments being stored at once (waiting for their group commit); past it, new ones are
    # answered 503 with Retry-After at once instead of queueing until they time out.
    intake_max_in_flight: int = 2000
    overload_retry_after_seconds: int = 5
    # Receipt-code look-ups and withdrawals (guessing a code must be slow).
    receipt_attempts_per_minute_per_address: int = 10
    receipt_attempts_per_minute: int = 300
    form_token_max_age_seconds: int = 24 * 3600

    # Outgoing acknowledgements; with no host set, mails wait in the queue until one is.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout_seconds: float = 15.0
    mail_from: str = "Góp Ý <gopy@localhost>"
    mail_poll_seconds: float = 2.0
    mail_max_attempts: int = 8
    mail_retry_base_seconds: float = 30.0
    mail_retry_max_seconds: float = 3600.0
    retention_check_hours: float = 6.0
    group_commit_max_batch: int = 200
    # Its relay's rounds cost the intake a fifth of its CPU in-process (issue 15); in its
    # own process, rounds of 150 ms under load cost it 50 µs per comment instead of 60.
    relay_in_own_process: bool = True
    relay_linger_seconds: float = 0.15

    # E-mailed comments. The SMTP listener takes mail for the consultation addresses of
    # open drafts and for <slug>@intake_mail_domain; port 0 turns it off.
    intake_smtp_host: str = "127.0.0.1"
    intake_smtp_port: int = 0
    intake_smtp_hostname: str = "gopy.localhost"
    intake_mail_domain: str = ""
    intake_max_message_bytes: int = 25 * 1024 * 1024
    # Messages the SMTP listener accepts per hour from one connecting address and from one
    # envelope sender, and per minute in all; past them it answers 451 (try again later).
    intake_smtp_per_address_hour: int = 200
    intake_smtp_per_sender_hour: int = 20
    intake_smtp_messages_per_minute: int = 600
    # The draft a mailbox or an import is about when the recipients do not say (its slug).
    intake_default_document: str = ""
    # Where replies come from; empty: the address the comment was sent to.
    intake_reply_from: str = ""
    intake_poll_seconds: float = 5.0
    # An existing mailbox read over IMAP (the invitation's Gmail address, say); no host: off.
    imap_host: str = ""
    imap_port: int = 993
    imap_ssl: bool = True
    imap_starttls: bool = False
    imap_username: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"
    imap_processed_folder: str = ""
    imap_poll_seconds: float = 60.0
    imap_idle_seconds: float = 240.0

    # Scans of postal letters: a directory under var/ (a volume in production).
    scan_dir: str = str(VAR_DIR / "scans")
    max_scan_bytes: int = 10 * 1024 * 1024
    max_scans_per_letter: int = 20
    max_letter_bytes: int = 64 * 1024 * 1024

    @model_validator(mode="after")
    def _no_development_commenter_secret(self) -> FeedbackSettings:
        """With the public development secret, anyone could link a key to an e-mail address."""
        if self.commenter_key_secret == DEV_COMMENTER_KEY_SECRET and (
            not self.is_loopback_development
        ):
            raise ValueError(
                "FEEDBACK_COMMENTER_KEY_SECRET is not set: set a long random secret, and keep "
                "it (a new one makes every returning commenter count as a new person)."
            )
        if len(self.commenter_key_secret) < 32:
            raise ValueError("FEEDBACK_COMMENTER_KEY_SECRET must be at least 32 characters.")
        return self
