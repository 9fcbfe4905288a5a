"""The disk cache of the rubric index for automatic choice (index_cache.py): the same choice
as a fresh fit, refitted when a rubric file changes, and never in the way when it is broken,
unwritable or turned off."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from answer_evaluator import index_cache
from answer_evaluator.catalogue import Catalogue
from answer_evaluator.selection import RubricIndex, usable_rubrics

from conftest import RUBRICS, SAMPLES

ANSWER = (SAMPLES / "anti-defection-law" / "strong.txt").read_text(encoding="utf-8")


def catalogue(folder: Path) -> Catalogue:
    return Catalogue.discover([folder], env={}, cwd=folder)


@pytest.fixture
def folder(tmp_path):
    """A user's rubric folder of two rubrics beside the shipped library."""
    mine = tmp_path / "mine"
    mine.mkdir()
    for name in ("local-self-government", "anti-defection-law"):
        text = (RUBRICS / f"{name}.toml").read_text(encoding="utf-8")
        (mine / f"my-{name}.toml").write_text(
            text.replace(f'id = "{name}"', f'id = "my-{name}"', 1), encoding="utf-8")
    return mine


@pytest.fixture
def env(tmp_path):
    return {index_cache.ENV: str(tmp_path / "cache")}


def fresh_choice(folder):
    return RubricIndex(usable_rubrics(catalogue(folder))[0]).choose(ANSWER)


def test_a_cached_index_chooses_as_a_fresh_one_and_loads_only_its_choice(folder, env):
    first, _ = RubricIndex.of_catalogue(catalogue(folder), env=env)
    assert list(Path(env[index_cache.ENV]).glob("*.npz"))          # written
    again = catalogue(folder)
    cached, _ = RubricIndex.of_catalogue(again, env=env)
    choice, expected = cached.choose(ANSWER), fresh_choice(folder)
    assert cached.ids == first.ids
    assert (choice.rubric, choice.reason) == (expected.rubric, expected.reason)
    assert abs(choice.similarity - expected.similarity) < 1e-12
    assert len(again._loaded) == 1                   # the chosen rubric, not all of them
    # the similarities to every rubric, not just the best, are those of a fresh fit
    text = [ANSWER]
    assert abs(cached.vectorizer.transform(text) @ cached.matrix.T
               - first.vectorizer.transform(text) @ first.matrix.T).max() < 1e-12


def test_an_edited_added_or_broken_rubric_refits_the_index(folder, env):
    RubricIndex.of_catalogue(catalogue(folder), env=env)
    key = index_cache.fingerprint([q.path for q in catalogue(folder).questions])
    edited = folder / "my-anti-defection-law.toml"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace('question = "', 'question = "Zanzibar aside, ', 1),
                      encoding="utf-8")
    os.utime(edited, ns=(1, 1))                     # even with an older time stamp
    assert index_cache.fingerprint([q.path for q in catalogue(folder).questions]) != key
    index, _ = RubricIndex.of_catalogue(catalogue(folder), env=env)
    assert "zanzibar" in index.vectorizer.vocabulary_
    scores = (index.vectorizer.transform(["Zanzibar"]) @ index.matrix.T).toarray()[0]
    assert index.ids[scores.argmax()] == "my-anti-defection-law" and scores.max() > 0
    # a rubric that does not validate is reported alike from a fresh fit and the cache
    (folder / "my-broken.toml").write_text(
        text.replace('id = "my-anti-defection-law"', 'id = "my-broken"', 1).replace(
            "weight = ", "weight = -", 1), encoding="utf-8")
    fresh, fresh_problems = RubricIndex.of_catalogue(catalogue(folder), env=env)
    cached, cached_problems = RubricIndex.of_catalogue(catalogue(folder), env=env)
    assert "my-broken" not in fresh.ids and cached.ids == fresh.ids
    assert fresh_problems == cached_problems and any("my-broken" in p for p in fresh_problems)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "mismatch"])
def test_a_damaged_cache_is_ignored(folder, env, damage):
    RubricIndex.of_catalogue(catalogue(folder), env=env)
    cache = Path(env[index_cache.ENV])
    npz, meta = next(cache.glob("*.npz")), next(cache.glob("*.json"))
    if damage == "truncate":
        npz.write_bytes(npz.read_bytes()[:100])
    elif damage == "garbage":
        meta.write_text("{not json", encoding="utf-8")
    else:
        meta.write_text(meta.read_text(encoding="utf-8").replace('"ids": ["', '"ids": ["x", "'),
                        encoding="utf-8")
    key = npz.stem
    assert index_cache.load(key, env) is None
    index, _ = RubricIndex.of_catalogue(catalogue(folder), env=env)
    assert index.choose(ANSWER).rubric == fresh_choice(folder).rubric
    assert index_cache.load(key, env) is not None        # and written whole again


def test_a_cache_turned_off_or_unwritable_changes_nothing(folder, tmp_path):
    off = {index_cache.ENV: "off"}
    assert index_cache.cache_dir(off) is None
    index, _ = RubricIndex.of_catalogue(catalogue(folder), env=off)
    assert index.choose(ANSWER).rubric == fresh_choice(folder).rubric
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    env = {index_cache.ENV: str(blocked / "cache")}
    index, _ = RubricIndex.of_catalogue(catalogue(folder), env=env)
    assert index.choose(ANSWER).rubric == fresh_choice(folder).rubric
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_the_cache_lives_in_the_user_cache_folder_and_keeps_a_few_indexes(tmp_path):
    assert index_cache.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == (
        tmp_path / "answer-evaluator")
    env = {index_cache.ENV: str(tmp_path / "c")}
    import numpy as np
    from scipy.sparse import csr_matrix

    for n in range(index_cache.KEEP + 3):
        assert index_cache.save(f"k{n}", ids=["a"], failed={}, vocabulary={"w": 0},
                                idf=np.ones(1), matrix=csr_matrix(np.ones((1, 1))), env=env)
        os.utime(tmp_path / "c" / f"k{n}.json", ns=(n * 10**9, n * 10**9))
    kept = sorted(p.stem for p in (tmp_path / "c").glob("*.json"))
    assert len(kept) == index_cache.KEEP and "k0" not in kept
    assert len(list((tmp_path / "c").glob("*.npz"))) == index_cache.KEEP
    assert not list((tmp_path / "c").glob(".*"))                 # no temporary files left


def test_no_home_folder_means_no_cache(folder, monkeypatch):
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert index_cache.cache_dir({}) is None
    index, _ = RubricIndex.of_catalogue(catalogue(folder), env={})
    assert index.choose(ANSWER).rubric == fresh_choice(folder).rubric

