"""The throwaway PostgreSQL cluster (bench/postgres.py) of the tests and benches works."""

import re

import psycopg
import pytest

from bench.postgres import PostgresCluster, PostgresUnavailable, missing_server


def test_a_row_written_in_one_connection_is_read_in_another(postgres_url):
    with psycopg.connect(postgres_url) as writer:
        writer.execute("CREATE TABLE member (name text NOT NULL)")
        writer.execute("INSERT INTO member VALUES (%s)", ("Éloïse",))
    with psycopg.connect(postgres_url) as reader:
        assert reader.execute("SELECT name FROM member").fetchall() == [("Éloïse",)]
        assert reader.execute("SHOW server_encoding").fetchone() == ("UTF8",)


def test_an_immediate_restart_keeps_committed_rows(postgres_cluster, postgres_url):
    port = postgres_cluster.port
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE payment (cents integer)")
        conn.execute("INSERT INTO payment VALUES (1500), (2500)")
        postgres_cluster.restart(immediate=True)
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    assert postgres_cluster.port == port
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT sum(cents) FROM payment").fetchone() == (4000,)


def test_a_server_kept_down_comes_back_on_its_port(postgres_cluster, postgres_url):
    postgres_cluster.stop_server()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(postgres_url, connect_timeout=5)
    postgres_cluster.start_server()
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.fixture
def another_url(postgres_cluster):
    url = postgres_cluster.new_database("another")
    yield url
    postgres_cluster.drop_database("another")


def test_each_test_has_a_database_of_its_own(postgres_url, another_url):
    assert postgres_url != another_url
    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE season (year integer)")
    with psycopg.connect(another_url) as conn:
        found = conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'season'")
        assert found.fetchone() == (0,)


def test_without_the_binaries_it_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr("bench.postgres.DEBIAN_BINDIRS", tmp_path / "nowhere")
    monkeypatch.setattr("shutil.which", lambda *_: None)
    assert re.search(r"`postgresql`.*`make suite` installs it", missing_server())
    with pytest.raises(PostgresUnavailable), PostgresCluster(tmp_path / "cluster"):
        pass
