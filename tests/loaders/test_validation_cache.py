"""Validating again re-runs pyshacl only on the records a change touched, with the same results.

The generated dataset with faults of every family (``test_validation_by_record``) is validated
with a cache, then changed in one record: the report must be exactly the report of a validation
without cache, while every record whose neighbourhood did not change is taken from the cache.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from rdflib import Literal, Namespace
from rdflib.namespace import RDFS

from loaders.build import BuildResult
from loaders.validation import validate_build
from loaders.validation_cache import ValidationCache, default_path

ID = Namespace("https://w3id.org/rallynov/id/")


def _changed(result: BuildResult, triples: list) -> BuildResult:
    return BuildResult(triples, [], result.vocabulary, result.records, result.files)


@pytest.fixture
def cache(tmp_path: Path) -> ValidationCache:
    return ValidationCache(tmp_path / "validation.sqlite")


def test_second_validation_reuses_every_record_with_the_same_report(
    generated: BuildResult, generated_whole, cache: ValidationCache
) -> None:
    first = validate_build(generated, workers=1, cache=cache)
    again = validate_build(generated, workers=2, cache=cache)
    assert first.reused == 0
    assert again.reused == again.records_checked
    assert first.results == again.results == generated_whole.results
    assert again.summary() == generated_whole.summary()
    assert again.report_graph.isomorphic(first.report_graph)
    assert len(again.report_graph) == len(generated_whole.report_graph)


def test_a_change_to_one_record_validates_only_what_it_touched(
    generated: BuildResult, cache: ValidationCache
) -> None:
    validate_build(generated, workers=1, cache=cache)
    target = ID["innovation/innovation-8"]
    triples = [t for t in generated.public_triples if (t[0], t[1]) != (target, RDFS.label)]
    changed = _changed(generated, triples)
    cached = validate_build(changed, workers=1, cache=cache)
    fresh = validate_build(changed, workers=1)
    assert cached.results == fresh.results
    assert any(r.focus == str(target) and r.shape == "rsh:InnovationName" for r in cached.results)
    again = cached.records_checked - cached.reused
    assert 1 <= again <= 5  # the innovation, and the few records whose shapes read its label


def test_source_rows_come_from_the_current_build_not_the_cache(
    generated: BuildResult, cache: ValidationCache
) -> None:
    validate_build(generated, workers=1, cache=cache)
    shifted = {
        iri: dataclasses.replace(origin, where="line 999")
        for iri, origin in generated._origins.items()
    }
    moved = _changed(generated, generated.public_triples)
    moved._origins = shifted
    report = validate_build(moved, workers=1, cache=cache)
    assert report.reused == report.records_checked
    named = [r for r in report.results if r.where is not None]
    assert named and all(r.where == "line 999" for r in named)


def test_new_shapes_or_code_invalidate_every_entry(
    generated: BuildResult, cache: ValidationCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    import loaders.validation_cache as module

    validate_build(generated, workers=1, cache=cache)
    monkeypatch.setattr(module, "_code_digest", lambda: b"other shapes")
    report = validate_build(generated, workers=1, cache=cache)
    assert report.reused == 0


def test_a_changed_literal_is_a_change(generated: BuildResult, cache: ValidationCache) -> None:
    validate_build(generated, workers=1, cache=cache)
    target = ID["innovation/innovation-9"]
    triples = [
        (s, p, Literal(str(o) + " ", lang=o.language) if (s, p) == (target, RDFS.label) else o)
        for s, p, o in generated.public_triples
    ]
    report = validate_build(_changed(generated, triples), workers=1, cache=cache)
    assert report.records_checked - report.reused >= 1


def test_an_unusable_cache_warns_and_validates_everything(
    generated: BuildResult, generated_whole, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    broken = ValidationCache(blocker / "validation.sqlite")
    with pytest.warns(RuntimeWarning, match="validation cache .* unusable"):
        report = validate_build(generated, workers=1, cache=broken)
    assert report.results == generated_whole.results


def test_a_corrupt_cache_file_is_skipped(
    generated: BuildResult, generated_whole, tmp_path: Path
) -> None:
    path = tmp_path / "validation.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.warns(RuntimeWarning, match="unusable"):
        report = validate_build(generated, workers=1, cache=ValidationCache(path))
    assert report.results == generated_whole.results


def test_the_cache_holds_one_entry_per_record(
    generated: BuildResult, cache: ValidationCache
) -> None:
    report = validate_build(generated, workers=1, cache=cache)
    cache.close()
    with sqlite3.connect(cache.path) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM results").fetchone()
    assert count == report.records_checked


def test_the_default_location_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RALLYNOV_VALIDATION_CACHE", str(tmp_path / "x.sqlite"))
    assert default_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("RALLYNOV_VALIDATION_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_path() == tmp_path / "rallynov" / "validation.sqlite"


def test_forked_workers_compute_the_same_digests(
    generated: BuildResult, cache: ValidationCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    import loaders.validation_cache as module
    from loaders.neighbourhood import TripleIndex, focus_of, shape_reach
    from loaders.record_validation import support_triples
    from loaders.validation import shapes_graph

    index = TripleIndex(generated.public_triples, shape_reach())
    support = support_triples(generated.vocabulary, generated.public_triples)
    nodes = focus_of(shapes_graph(), index, support)
    monkeypatch.setattr(module, "_CHUNK", 7)  # several tasks for the two workers
    alone = cache.keys(nodes, index, support, workers=1)
    forked = cache.keys(nodes, index, support, workers=2)
    assert forked == alone and len(alone) == len(nodes)
    assert len(set(alone.values())) == len(nodes)  # one digest per record
