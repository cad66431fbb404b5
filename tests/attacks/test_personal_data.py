"""Personal data stays in the feedback database: after comments by the web form, the API and
e-mail, each with a name, an e-mail address, a phone number and a postal address, neither
the ``comments.v1`` events nor any service's log holds the address, the phone or the
postal address."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from email.policy import SMTP

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.broker import free_port
from shared.events import topics
from shared.events.topics import topic_name
from tests.e2e.test_mail_pipeline import CONSULTATION
from tests.helpers import eventually
from tests.stack import StackFactory, end_offsets

EMAILS = ("tran.van.an@dan.example", "le.thi.binh@dan.example", "pham.dung@dan.example")
PHONE = "0912 345 678"
ADDRESS = "Số 17 ngõ 42 đường Hoàng Diệu, phường Mường Thanh"
SECRETS = (*EMAILS, PHONE, PHONE.replace(" ", ""), ADDRESS, "Hoàng Diệu")


async def topic_messages(bootstrap: str, prefix: str) -> list[bytes]:
    """Every record on the comments topic: its key, value and headers as one blob."""
    name = topic_name(topics.COMMENTS, prefix)
    partitions = [TopicPartition(name, p) for p in range(topics.PARTITIONS[topics.COMMENTS])]
    ends = await end_offsets(bootstrap, partitions)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: list[bytes] = []
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    parts = [record.key or b"", record.value or b""]
                    found.append(b"\n".join(parts + [value for _, value in record.headers]))
    finally:
        await consumer.stop()
    return found


class TestPersonalData:
    async def test_no_address_phone_or_postal_address_in_events_or_logs(
        self, make_stack: StackFactory
    ) -> None:
        port = free_port()
        stack = make_stack(FEEDBACK_INTAKE_SMTP_PORT=str(port)).start()
        document = await stack.publish_draft()
        feedback = stack.url("feedback")
        personal = {"phone": PHONE, "address": ADDRESS, "consent": True}
        api = await stack.client.post(
            f"{feedback}/api/comments",
            json={
                "document_id": document["id"],
                "text": "Đề nghị bổ sung số liệu giảm nghèo.",
                "name": "Trần Văn An",
                "email": EMAILS[0],
                **personal,
            },
        )
        assert api.status_code == 201, api.text
        page = await stack.client.get(f"{feedback}/d/{document['id']}")
        form = await stack.client.post(
            f"{feedback}/api/comments",
            json={
                "document_id": document["id"],
                "section_id": document["sections"][1]["id"],
                "text": "Cần nêu rõ chỉ tiêu từng năm.",
                "name": "Lê Thị Bình",
                "email": EMAILS[1],
                **personal,
            },
            headers={"Referer": str(page.url)},
        )
        assert form.status_code == 201, form.text
        mail = EmailMessage()
        mail["From"] = f"Phạm Dũng <{EMAILS[2]}>"
        mail["To"] = CONSULTATION
        mail["Subject"] = "Góp ý dự thảo báo cáo chính trị"
        mail["Message-ID"] = "<personal-data@dan.example>"
        # the citizen signs with a phone and an address: a signature, not the comment
        mail.set_content(
            "Góp ý phần thứ nhất: cần thêm số liệu về giảm nghèo từng năm.\n\n"
            f"-- \nPhạm Dũng\nĐiện thoại: {PHONE}\nĐịa chỉ: {ADDRESS}\n"
        )

        def send() -> None:
            with smtplib.SMTP("127.0.0.1", port, timeout=15) as client:
                client.sendmail(EMAILS[2], [CONSULTATION], mail.as_bytes(policy=SMTP))

        await asyncio.to_thread(send)
        bootstrap = stack.env["KAFKA_BOOTSTRAP_SERVERS"]
        prefix = stack.env["KAFKA_TOPIC_PREFIX"]
        events = await eventually(
            lambda: topic_messages(bootstrap, prefix), lambda found: len(found) >= 3, timeout=60
        )
        said = "giảm nghèo từng năm"
        assert any(said.encode() in e or said.encode("unicode_escape") in e for e in events), (
            "the e-mailed comment never reached the topic"
        )
        await stack.wait_consumed()
        stack.stop()
        logs = {name: process.log_path.read_bytes() for name, process in stack.processes.items()}
        assert all(logs.values()), "a service wrote no log at all: nothing was checked"
        leaks = [
            (where, secret)
            for where, blob in [("comments.v1", b"\n".join(events)), *logs.items()]
            for secret in SECRETS
            if secret.encode() in blob or secret.encode("unicode_escape") in blob
        ]
        assert not leaks, leaks
