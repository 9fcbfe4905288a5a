"""The practice studio's database: schema version, migrations, WAL, refusals in one line."""

import sqlite3

import pytest

from answer_evaluator.studio.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError


def _attempt(store, question="q1", marks=7.5, **extra):
    return store.add(question=question, seconds=extra.get("seconds", 300), words=180,
                     marks=marks, max_marks=15, text="An answer <b>.</b>",
                     evaluation={"dimensions": [{"title": "A", "state": "covered"}]},
                     feedback="<p>feedback</p>", paper="GS-II", directive="discuss")


def test_a_new_database_has_the_latest_schema_in_wal_mode(tmp_path):
    store = Store(tmp_path / "s.db")
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    assert store.upgraded_from is None
    store.close()
    db = sqlite3.connect(tmp_path / "s.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_attempts_and_drafts_round_trip(tmp_path):
    store = Store(tmp_path / "s.db")
    store.save_draft("q1", "half an answer")
    assert store.draft("q1").text == "half an answer"
    first = _attempt(store, marks=6)
    assert store.draft("q1") is None               # a graded attempt replaces the draft
    second = _attempt(store, marks=8)
    other = _attempt(store, question="q2")
    assert [a.id for a in store.attempts()] == [first.id, second.id, other.id]
    assert [a.id for a in store.attempts("q1")] == [first.id, second.id]
    assert store.previous(second).id == first.id and store.previous(first) is None
    got = store.get(second.id)
    assert got == second and got.evaluation["dimensions"][0]["state"] == "covered"
    assert got.share == pytest.approx(8 / 15)
    assert store.delete(first.id) and not store.delete(first.id)
    assert store.get(first.id) is None and store.previous(second) is None


def test_lists_can_leave_out_the_bulky_columns(tmp_path):
    store = Store(tmp_path / "s.db")
    added = _attempt(store)
    (light,) = store.attempts(text=False, evaluation=False)
    assert (light.text, light.feedback, light.evaluation) == ("", "", {})
    assert light.summary() == added.summary()
    (medium,) = store.attempts("q1", text=False)
    assert medium.evaluation == added.evaluation and medium.text == ""


def test_attempts_are_committed_when_add_returns(tmp_path):
    store = Store(tmp_path / "s.db")
    added = _attempt(store)
    other = sqlite3.connect(tmp_path / "s.db")     # another connection sees it at once
    assert other.execute("SELECT marks FROM attempts WHERE id = ?",
                         (added.id,)).fetchone() == (7.5,)


def test_an_old_database_is_migrated_in_order_keeping_its_attempts(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("INSERT INTO attempts (question, created, seconds, words, marks, max_marks, "
               "text, evaluation, feedback) VALUES ('q1', '2026-01-01T00:00:00Z', 60, 100, "
               "4.5, 10, 'old text', '{}', '')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = Store(path)
    assert store.upgraded_from == 1 and store.schema_version == SCHEMA_VERSION
    (old,) = store.attempts()
    assert (old.text, old.marks, old.paper, old.source) == ("old text", 4.5, "", "typed")
    store.save_draft("q1", "works after the migration")
    assert store.draft("q1").text == "works after the migration"


def test_a_newer_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "new.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"newer version of answer-evaluator \(schema 99"):
        Store(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"this is not a database at all\n" * 40,
                                     b"SQLite format 3\x00" + b"\xff" * 600])
def test_a_malformed_file_is_refused_in_one_line(tmp_path, content):
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert path.read_bytes() == content


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE accounts (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="database of something else.*accounts"):
        Store(path)


def test_practice_with_a_malformed_database_exits_with_one_line(tmp_path, capsys):
    from conftest import run_cli

    (tmp_path / "studio.sqlite3").write_bytes(b"garbage" * 100)
    status, out, err = run_cli(["practice", "--data", tmp_path], capsys)
    assert status == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("evaluate practice: error: ") and "studio.sqlite3" in err


def test_practice_with_a_newer_database_exits_with_one_line(tmp_path, capsys):
    from conftest import run_cli

    db = sqlite3.connect(tmp_path / "studio.sqlite3")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    status, out, err = run_cli(["practice", "--data", tmp_path], capsys)
    assert status == 1 and err.count("\n") == 1 and "newer version" in err


def test_an_id_larger_than_sqlite_holds_is_no_attempt(tmp_path):
    store = Store(tmp_path / "s.db")
    kept = _attempt(store)
    assert store.get(2 ** 64) is None and store.delete(2 ** 64) is False
    assert store.get(kept.id) == kept
