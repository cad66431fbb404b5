"""The IMAP poller: reads an existing mailbox (a Gmail address in the invitation, say).

Each new message is stored in the inbox together with the folder's cursor
(UIDVALIDITY, last UID) in one transaction, so a restart resumes exactly where it left
off: nothing skipped, nothing read twice. Only then is the message marked as read (or
moved), which is a courtesy to people who also open the mailbox, not our bookkeeping.
IMAPClient (a well-kept, synchronous library) runs in a worker thread; IDLE is used
where the server offers it, plain polling elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.feedback.mail.inbox import store_raw
from services.feedback.models import ImapCursor
from shared.db import unit_of_work

log = logging.getLogger(__name__)
FETCH_BATCH = 50


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    username: str
    password: str
    folder: str = "INBOX"
    use_ssl: bool = True
    starttls: bool = False
    # Where read messages go; empty: they stay and are flagged \Seen.
    processed_folder: str = ""
    idle_seconds: float = 240.0
    poll_seconds: float = 60.0
    verify_tls: bool = True

    @property
    def mailbox_key(self) -> str:
        return f"{self.username}@{self.host}:{self.port}/{self.folder}"


class ImapPoller:
    """Copies new messages of one folder into the inbox, forever, until ``stop``."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        account: ImapAccount,
        on_stored: Callable[[], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._account = account
        self._on_stored = on_stored
        self._client: IMAPClient | None = None

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await self._run(stop)
        except asyncio.CancelledError:
            self._abandon()
            raise

    async def _run(self, stop: asyncio.Event) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                await self.poll_once()
                backoff = 1.0
                await self._wait_for_news(stop)
            except (OSError, IMAPClientError, ssl.SSLError) as exc:
                log.warning("IMAP %s: %s; retrying in %.0f s", self._account.host, exc, backoff)
                await self._disconnect()
                try:
                    await asyncio.wait_for(stop.wait(), timeout=backoff)
                except TimeoutError:
                    pass
                backoff = min(backoff * 2, 300.0)
        await self._disconnect()

    async def poll_once(self) -> int:
        """Store every message newer than the cursor; return how many were stored."""
        client = await self._connect()
        selected = await asyncio.to_thread(client.select_folder, self._account.folder)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        cursor = await self._cursor()
        last_uid = cursor.last_uid if cursor and cursor.uidvalidity == uidvalidity else 0
        if cursor and cursor.uidvalidity != uidvalidity:
            # The folder was recreated: UIDs start over. Re-reading is safe, because the
            # reader records a message it has seen (same Message-ID) as a duplicate.
            log.warning("IMAP folder %s has a new UIDVALIDITY", self._account.mailbox_key)
        uids = await asyncio.to_thread(client.search, ["UID", f"{last_uid + 1}:*"])
        # "n:*" always matches the newest message, even when its UID is below n.
        new = sorted(int(u) for u in uids if int(u) > last_uid)
        stored = 0
        for start in range(0, len(new), FETCH_BATCH):
            batch = new[start : start + FETCH_BATCH]
            fetched = await asyncio.to_thread(client.fetch, batch, ["BODY.PEEK[]"])
            for uid in batch:
                raw = fetched.get(uid, {}).get(b"BODY[]")
                if raw is None:  # expunged meanwhile
                    continue
                await self._store(bytes(raw), uid, uidvalidity)
                stored += 1
            await asyncio.to_thread(self._mark_processed, client, batch)
        if new and not stored:
            await self._save_cursor(uidvalidity, new[-1])
        if stored and self._on_stored:
            self._on_stored()
        return stored

    async def _store(self, raw: bytes, uid: int, uidvalidity: int) -> None:
        async with unit_of_work(self._sessions) as session:
            store_raw(
                session,
                raw,
                source="imap",
                source_ref=f"{self._account.mailbox_key};{uidvalidity};{uid}",
            )
            await self._advance(session, uidvalidity, uid)

    async def _save_cursor(self, uidvalidity: int, uid: int) -> None:
        async with unit_of_work(self._sessions) as session:
            await self._advance(session, uidvalidity, uid)

    async def _advance(self, session: AsyncSession, uidvalidity: int, uid: int) -> None:
        cursor = await session.get(ImapCursor, self._account.mailbox_key)
        if cursor is None:
            cursor = ImapCursor(
                mailbox=self._account.mailbox_key, uidvalidity=uidvalidity, last_uid=uid
            )
        cursor.uidvalidity, cursor.last_uid = uidvalidity, uid
        session.add(cursor)

    async def _cursor(self) -> ImapCursor | None:
        async with self._sessions() as session:
            return await session.get(ImapCursor, self._account.mailbox_key)

    def _mark_processed(self, client: IMAPClient, uids: list[int]) -> None:
        target = self._account.processed_folder
        if not target:
            client.add_flags(uids, [b"\\Seen"])
            return
        if not client.folder_exists(target):
            client.create_folder(target)
        if client.has_capability("MOVE"):
            client.move(uids, target)
        else:
            client.copy(uids, target)
            client.delete_messages(uids)
            client.uid_expunge(uids) if client.has_capability("UIDPLUS") else client.expunge()

    async def _wait_for_news(self, stop: asyncio.Event) -> None:
        client = await self._connect()
        if not client.has_capability("IDLE"):
            try:
                await asyncio.wait_for(stop.wait(), timeout=self._account.poll_seconds)
            except TimeoutError:
                pass
            return
        await asyncio.to_thread(client.idle)
        # Even with IDLE, look again every poll_seconds: a message that lands between the
        # search and IDLE may only be announced at the server's next own check (Dovecot:
        # 30 s; others: never), so it waits one poll at most, not a whole IDLE.
        limit = min(self._account.idle_seconds, self._account.poll_seconds)
        try:
            waited = 0.0
            # Short IDLE checks, so a stop request is noticed within a second.
            while not stop.is_set() and waited < limit:
                responses = await asyncio.to_thread(client.idle_check, 1.0)
                waited += 1.0
                if any(b"EXISTS" in r for r in responses if isinstance(r, tuple)):
                    break
        except asyncio.CancelledError:
            self._abandon()  # a worker thread may still read the socket: close it under it
            raise
        await asyncio.to_thread(client.idle_done)

    def _abandon(self) -> None:
        """Drop the connection at once (no LOGOUT), so no worker thread outlives the service."""
        client, self._client = self._client, None
        if client is not None:
            try:
                client.shutdown()
            except Exception:  # already closed
                pass

    async def _connect(self) -> IMAPClient:
        if self._client is not None:
            return self._client
        account = self._account
        context = ssl.create_default_context()
        if not account.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE

        def connect() -> IMAPClient:
            client = IMAPClient(
                account.host,
                port=account.port,
                ssl=account.use_ssl,
                ssl_context=context,
                timeout=30,
            )
            if account.starttls and not account.use_ssl:
                client.starttls(context)
            client.login(account.username, account.password)
            return client

        self._client = await asyncio.to_thread(connect)
        return self._client

    async def _disconnect(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            await asyncio.to_thread(client.logout)
        except Exception:  # the connection is already gone; nothing to tidy
            pass
