"""The database out of reach answers 503/507 with a Vietnamese message; a defect stays a 500."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from shared.db import create_engine
from shared.storage_errors import install_storage_errors, storage_failure


def sqlite_error(statement: str, path: Path, *, uri: str = "") -> sqlite3.Error:
    connection = sqlite3.connect(uri or str(path), uri=bool(uri))
    try:
        connection.execute(statement)
    except sqlite3.Error as exc:
        return exc
    finally:
        connection.close()
    raise AssertionError("no error")


class TestWhatCountsAsUnavailable:
    def test_a_read_only_sqlite_file_is_503(self, tmp_path: Path) -> None:
        sqlite3.connect(tmp_path / "a.db").execute("CREATE TABLE t (x)").connection.commit()
        exc = sqlite_error(
            "INSERT INTO t VALUES (1)", tmp_path, uri=f"file:{tmp_path / 'a.db'}?mode=ro"
        )
        failure = storage_failure(OperationalError("INSERT", {}, exc))
        assert failure is not None and failure.status_code == 503
        assert "chỉ đọc" in failure.message

    def test_a_constraint_is_a_defect_not_an_outage(self, tmp_path: Path) -> None:
        connection = sqlite3.connect(tmp_path / "b.db")
        connection.execute("CREATE TABLE t (x UNIQUE)")
        connection.execute("INSERT INTO t VALUES (1)")
        try:
            connection.execute("INSERT INTO t VALUES (1)")
        except sqlite3.IntegrityError as exc:
            assert storage_failure(IntegrityError("INSERT", {}, exc)) is None
        else:
            raise AssertionError("no error")

    def test_a_refused_connection_is_503(self) -> None:
        failure = storage_failure(ConnectionRefusedError(111, "Connection refused"))
        assert failure is not None and failure.status_code == 503

    def test_a_full_postgresql_disk_is_507(self) -> None:
        class DiskFull(Exception):
            sqlstate = "53100"

        failure = storage_failure(OperationalError("INSERT", {}, DiskFull()))
        assert failure is not None and failure.status_code == 507
        assert "hết chỗ lưu trữ" in failure.message


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    app = FastAPI()
    install_storage_errors(app)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'x.db'}")

    @app.get("/away")
    async def away() -> None:
        raise ConnectionRefusedError(111, "Connection refused")

    @app.get("/defect")
    async def defect() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT * FROM no_such_table"))

    return app


async def test_the_api_gets_json_and_a_browser_a_page(app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        api = await client.get("/away")
        page = await client.get("/away", headers={"Accept": "text/html"})
        defect = await client.get("/defect")
    assert api.status_code == 503 and api.headers["Retry-After"] == "10"
    assert "không kết nối được cơ sở dữ liệu" in api.json()["detail"]
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "Hệ thống tạm gián đoạn" in page.text and page.headers["Retry-After"]
    assert defect.status_code == 500


def test_the_nearest_driver_error_decides(tmp_path: Path) -> None:
    """A refusal rolled back, then the retry meeting a refused connection: an outage."""
    connection = sqlite3.connect(tmp_path / "c.db")
    connection.execute("CREATE TABLE t (x UNIQUE)")
    connection.execute("INSERT INTO t VALUES (1)")
    try:
        try:
            connection.execute("INSERT INTO t VALUES (1)")
        except sqlite3.IntegrityError:
            raise OperationalError("INSERT", {}, ConnectionRefusedError(111, "refused"))  # noqa: B904
    except OperationalError as exc:
        failure = storage_failure(exc)
    assert failure is not None and failure.status_code == 503
