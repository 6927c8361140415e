import gc

import pytest

from zoelife.ingest import importer
from zoelife.ingest.memory import no_cyclic_gc


def test_the_cycle_collector_is_paused_and_restored_as_it_was():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), no_cyclic_gc():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with no_cyclic_gc():
            pass
        assert not gc.isenabled(), "a caller's own pause must outlive ours"
    finally:
        gc.enable()


def test_an_import_reads_its_file_with_the_collector_paused(engine, tmp_path, monkeypatch):
    """Reading a big file with the collector on cost a third more (every generation-2 pass
    walks the cells read so far)."""
    seen = []
    real_prepare = importer.prepare

    def watching_prepare(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_prepare(*args, **kwargs)

    monkeypatch.setattr(importer, "prepare", watching_prepare)
    path = tmp_path / "export.csv"
    path.write_text("Date Created,Name,Email\n2026-03-02 10:00:00,Ada Lovelace,ada@example.com\n",
                    encoding="utf-8")
    result = importer.import_requests(engine, path, source="test")
    assert seen == [False]
    assert result.imported == 1
    assert gc.isenabled()


def test_the_language_model_is_loaded_before_the_worker_is_forked():
    """What is loaded before forking is shared with the worker; the language model, loaded on
    a process's first message that is not plainly English, was loaded again by the worker and
    by the importer (~75 MB each)."""
    from zoelife.triage import language

    language._identifier.cache_clear()
    importer._warm_triage()
    assert language._identifier.cache_info().currsize == 1
