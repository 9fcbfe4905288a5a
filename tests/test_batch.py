"""Batch grading: a class folder with good and bad files, the batch folder, the overview page
in a real browser, alike pairs, identical results whatever the number of jobs, exit codes."""

from __future__ import annotations

import csv
import json
import shutil
import zlib
from pathlib import Path

import pytest

from conftest import RUBRICS, SAMPLES, run_cli, screenshot_is_blank

IJ = SAMPLES / "india-japan"
BAD = {   # file -> words its reason must contain
    "empty.txt": "is empty",
    "binary.txt": "binary",
    "scanned.pdf": "no text layer",
}


# ----------------------------------------------------------------------------- files made here


def minimal_pdf(lines: list[str] | None) -> bytes:
    """A one-page PDF; with `lines`, a text layer of Helvetica lines (an empty string is a
    blank line); without, only a grey rectangle, like a scan with no OCR."""
    if lines is None:
        content = b"0.5 g 50 50 500 700 re f"
    else:
        body = []
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            body.append(f"({escaped}) Tj T*")
        content = ("BT /F1 10 Tf 14 TL 40 780 Td " + " ".join(body) + " ET").encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 800] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def wrapped(text: str, width: int = 95) -> list[str]:
    """Paragraphs wrapped into lines as a word processor would, a blank line between."""
    import textwrap

    lines = []
    for paragraph in text.split("\n\n"):
        for line in paragraph.split("\n"):
            lines += textwrap.wrap(line, width) or [""]
        lines.append("")
    return lines[:-1]


def make_docx(path: Path, text: str) -> None:
    import docx

    document = docx.Document()
    for paragraph in text.split("\n\n"):
        for line in paragraph.split("\n"):
            if line.startswith("- "):
                document.add_paragraph(line[2:], style="List Bullet")
            else:
                document.add_paragraph(line)
    document.save(str(path))


def sample(name: str, folder: Path = IJ) -> str:
    from answer_evaluator import read_answer

    return read_answer(folder / name).text


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory) -> Path:
    """A teacher's folder: India-Japan answers (named by evaluate.toml), a sub-folder of
    Bhakti answers with its own evaluate.toml, and every kind of trouble."""
    root = tmp_path_factory.mktemp("class") / "class-a"
    root.mkdir()
    (root / "evaluate.toml").write_text('rubric = "india-japan-partnership"\n')
    for name in ("strong", "average", "economic-only"):
        shutil.copy(IJ / f"{name}.txt", root / f"{name}.txt")
    strong = sample("strong.txt")
    (root / "copied.txt").write_text(
        strong.replace("largest ODA donor", "biggest ODA donor").replace("Both", "The two"))
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (root / "word1252.txt").write_bytes(
        sample("average.txt").replace("India", "India\u2019s partner", 1).encode("cp1252"))
    make_docx(root / "essay.docx", sample("economic-only.txt"))
    (root / "typed.pdf").write_bytes(minimal_pdf(wrapped(sample("average.txt"))))
    (root / "scanned.pdf").write_bytes(minimal_pdf(None))
    (root / "script.txt").write_text(sample("too-short.txt") + "\n\n<script>alert(1)</script>")
    (root / "<img src=x onerror=alert(2)>.txt").write_text(sample("off-topic.txt"))
    (root / ".hidden.txt").write_text(strong)
    (root / "notes.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    outside = root.parent / "outside.txt"
    outside.write_text(strong)
    (root / "link-out.txt").symlink_to(outside)
    bhakti = root / "bhakti"
    bhakti.mkdir()
    (bhakti / "evaluate.toml").write_text('rubric = "bhakti-movement"\n')
    for name in ("strong", "weak"):
        shutil.copy(SAMPLES / "bhakti-movement" / f"{name}.txt", bhakti / f"{name}.txt")
    return root


GOOD = {"strong.txt", "average.txt", "economic-only.txt", "copied.txt", "word1252.txt",
        "essay.docx", "typed.pdf", "script.txt", "<img src=x onerror=alert(2)>.txt",
        "bhakti/strong.txt", "bhakti/weak.txt"}


def batch(argv, capsys, out: Path, jobs: int = 2):
    status, stdout, stderr = run_cli([*argv, "--rubrics-dir", RUBRICS, "--out", out, "--quiet",
                                      "--jobs", jobs], capsys)
    return status, stdout, stderr


def read_csv(folder: Path) -> list[dict]:
    with (folder / "results.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_json(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def graded(class_folder, tmp_path_factory):
    """The class folder graded once with two jobs: (status, stdout, batch folder)."""
    import contextlib
    import io

    from answer_evaluator.cli import main

    out = tmp_path_factory.mktemp("out") / "batch-2"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main([str(a) for a in (class_folder, "--rubrics-dir", RUBRICS, "--out", out,
                                        "--quiet", "--jobs", 2)])
    return int(status), stdout.getvalue(), out


# ----------------------------------------------------------------------------- tests


def test_every_good_file_is_graded_and_every_bad_one_reported(graded, class_folder):
    status, stdout, out = graded
    assert status == 1                                   # some files failed
    rows = {Path(r["file"]).relative_to(class_folder).as_posix(): r for r in read_csv(out)}
    assert set(rows) == GOOD | set(BAD)                  # one row per answer file
    for name in GOOD:
        row = rows[name]
        assert row["error"] == "" and float(row["marks"]) >= 0, (name, row["error"])
        assert (out / row["report"]).is_file()
        assert row["candidate"] == Path(name).stem
    for name, reason in BAD.items():
        assert reason in rows[name]["error"] and rows[name]["marks"] == ""
        assert f"{name}: " in stdout and reason in stdout
    assert "Windows-1252" in rows["word1252.txt"]["warnings"]
    assert rows["bhakti/strong.txt"]["rubric"] == "bhakti-movement"
    assert rows["strong.txt"]["rubric"] == "india-japan-partnership"
    assert rows["strong.txt"]["rubric_source"] == "folder"
    # dimension columns of both rubrics (their union), filled for the rubric used
    assert rows["strong.txt"]["dim:economy:state"] in ("covered", "partly covered", "missing")
    assert rows["strong.txt"]["dim:caste-critique:score"] == ""
    assert rows["bhakti/weak.txt"]["dim:caste-critique:score"] != ""
    assert "too-short" in rows["bhakti/weak.txt"]["flags"]
    # the PDF and the Word file are graded like the same text typed in
    assert abs(int(rows["typed.pdf"]["words"]) - int(rows["average.txt"]["words"])) <= 2
    assert rows["typed.pdf"]["marks"] == rows["average.txt"]["marks"]
    assert rows["essay.docx"]["marks"] == rows["economic-only.txt"]["marks"]
    skipped = {Path(s["path"]).name: s["reason"] for s in read_json(out)["skipped"]}
    assert skipped[".hidden.txt"] == "hidden file"
    assert "outside" in skipped["link-out.txt"]
    assert "not an answer file" in skipped["notes.png"]
    assert ".hidden.txt" in stdout and "link-out.txt" in stdout
    assert not list(out.rglob("*.part"))


def test_overview_lists_everything_and_renders_in_chromium(graded, browser):
    _, _, out = graded
    index = out / "index.html"
    html = index.read_text(encoding="utf-8")
    for name in GOOD | set(BAD):
        assert html.count(Path(name).name.replace("<", "&lt;").replace(">", "&gt;")) >= 1
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "script-src 'sha256-" in html.replace("&#39;", "'")
    page = browser.open(index)
    assert page.errors == [], page.console
    assert not screenshot_is_blank(page.screenshot)
    assert page.count("#candidates tbody tr") == len(GOOD)
    assert page.count("#failures tbody tr") == len(BAD)
    assert page.count("svg.histogram rect") >= 10
    assert page.count("table.heat") == 2                 # one heatmap per rubric
    assert page.count("ol.missed li") >= 1
    # the headings sort the table (the script runs under the page's CSP)
    button = page.page.locator("#candidates thead th:nth-child(4) button")
    button.click()
    marks = [float(v) for v in page.page.locator("#candidates tbody td:nth-child(4)")
             .evaluate_all("cells => cells.map(c => c.dataset.value)")]
    assert marks == sorted(marks)
    button.click()
    marks = [float(v) for v in page.page.locator("#candidates tbody td:nth-child(4)")
             .evaluate_all("cells => cells.map(c => c.dataset.value)")]
    assert marks == sorted(marks, reverse=True)
    assert page.errors == [], page.console
    phone = browser.open(index, width=390, height=800)
    assert phone.errors == [] and not screenshot_is_blank(phone.screenshot)
    report = out / read_json(out)["results"][[Path(r["file"]).name for r in
                                              read_json(out)["results"]].index("script.txt")]["report"]
    shown = browser.open(report)
    assert shown.errors == []                            # no alert dialog, no CSP error


def test_overview_reads_without_javascript(graded, browser):
    _, _, out = graded
    context = browser._browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((out / "index.html").resolve().as_uri())
    assert page.locator("#candidates tbody tr").count() == len(GOOD)
    assert "Distribution of marks" in page.inner_text("body")
    context.close()


def test_near_identical_answers_are_paired_and_different_ones_are_not(graded, class_folder):
    _, stdout, out = graded
    pairs = read_json(out)["similar_pairs"]["pairs"]
    names = {frozenset(Path(p[k]).name for k in ("first", "second")): p["similarity"]
             for p in pairs}
    assert names[frozenset({"strong.txt", "copied.txt"})] > 0.9
    assert frozenset({"strong.txt", "economic-only.txt"}) not in names
    assert frozenset({"strong.txt", "average.txt"}) not in names
    assert "Possible copying" in stdout
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="answers/copied.html"' in html and 'href="answers/strong.html"' in html


def test_one_job_and_two_jobs_give_identical_results(graded, class_folder, tmp_path, capsys):
    _, _, two = graded
    one = tmp_path / "batch-1"
    status, _, _ = batch([class_folder], capsys, one, jobs=1)
    assert status == 1
    first, second = read_json(one), read_json(two)
    first.pop("created")
    second.pop("created")
    assert first == second
    reports = sorted(p.relative_to(two) for p in two.rglob("*.html") if p.name != "index.html")
    assert reports == sorted(p.relative_to(one) for p in one.rglob("*.html")
                             if p.name != "index.html")
    for report in reports:
        assert (one / report).read_bytes() == (two / report).read_bytes()


def test_a_second_run_makes_a_new_folder(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "answers"
    folder.mkdir()
    shutil.copy(IJ / "strong.txt", folder / "strong.txt")
    shutil.copy(IJ / "average.txt", folder / "average.txt")
    monkeypatch.chdir(tmp_path)
    argv = [folder, "--rubric", RUBRICS / "india-japan-partnership.toml", "--quiet", "--jobs", 1]
    assert run_cli(argv, capsys)[0] == 0
    first = [p for p in (tmp_path / "reports").iterdir()]
    assert len(first) == 1 and first[0].name.startswith("answers-")
    before = {p: p.read_bytes() for p in first[0].rglob("*") if p.is_file()}
    assert run_cli(argv, capsys)[0] == 0
    assert run_cli(argv, capsys)[0] == 0
    folders = sorted((tmp_path / "reports").iterdir())
    assert len(folders) == 3
    assert {p: p.read_bytes() for p in first[0].rglob("*") if p.is_file()} == before
    # the reports folder itself is never graded when it sits inside the graded folder
    monkeypatch.chdir(folder)
    status, stdout, _ = run_cli([".", "--rubric", RUBRICS / "india-japan-partnership.toml",
                                 "--quiet", "--jobs", 1], capsys)
    assert status == 0
    status, stdout, _ = run_cli([".", "--rubric", RUBRICS / "india-japan-partnership.toml",
                                 "--quiet", "--jobs", 1], capsys)
    assert status == 0 and "the reports folder" in stdout and "Graded 2 of 2" in stdout


def test_exit_codes(tmp_path, capsys):
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(IJ / "strong.txt", good / "a.txt")
    shutil.copy(IJ / "average.txt", good / "b.md")
    rubric = ["--rubric", RUBRICS / "india-japan-partnership.toml"]
    assert batch([good, *rubric], capsys, tmp_path / "o1")[0] == 0
    # a missing path is a failure of that path, not a crash
    status, stdout, _ = batch([good, tmp_path / "missing.txt", *rubric], capsys, tmp_path / "o2")
    assert status == 1 and "missing.txt: no such file or folder" in stdout
    rows = read_csv(tmp_path / "o2")
    assert len(rows) == 3 and rows[-1]["error"] == "no such file or folder"
    # nothing to grade at all is a usage error, and no folder is made
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    status, _, stderr = batch([empty, *rubric], capsys, tmp_path / "o3")
    assert status == 2 and "no answer files" in stderr and "photo.jpg" in stderr
    assert not (tmp_path / "o3").exists()
    assert batch([tmp_path / "nope", tmp_path / "nada", *rubric], capsys, tmp_path / "o4")[0] == 2
    # a glob pattern
    status, stdout, _ = batch([str(good / "*.txt"), *rubric], capsys, tmp_path / "o5")
    assert status == 0 and "Graded 1 of 1" in stdout
    # one bad file alone goes through the single-answer path
    (tmp_path / "empty.txt").write_text("")
    status, stdout, stderr = run_cli([tmp_path / "empty.txt", *rubric], capsys)
    assert status == 1 and "is empty" in stderr and "Graded" not in stdout


def test_rubric_from_first_line_or_automatic_choice(tmp_path, capsys):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "named.txt").write_text("Rubric: india-japan-partnership\n"
                                      + sample("strong.txt"))
    (folder / "plain.txt").write_text(sample("strong.txt"))
    (folder / "bhakti.txt").write_text(sample("strong.txt", SAMPLES / "bhakti-movement"))
    (folder / "unknown.txt").write_text("Rubric: india-japan\n" + sample("strong.txt"))
    status, _, _ = batch([folder], capsys, tmp_path / "out")
    assert status == 1
    rows = {r["candidate"]: r for r in read_json(tmp_path / "out")["results"]}
    assert rows["named"]["rubric_source"] == "first line"
    assert rows["named"]["marks"] == rows["plain"]["marks"]      # the line is not graded
    assert rows["named"]["words"] == rows["plain"]["words"]
    assert rows["plain"]["rubric_source"] == "automatic"
    assert rows["plain"]["rubric"] == "india-japan-partnership"
    assert 0 < rows["plain"]["confidence"] <= 1
    assert "chosen automatically" in rows["plain"]["rubric_choice"]
    assert rows["bhakti"]["rubric"] == "bhakti-movement"
    assert "no rubric 'india-japan'" in rows["unknown"]["error"]
    assert "india-japan-partnership" in rows["unknown"]["error"]    # did you mean


def test_grade_paths_as_a_library_and_interrupting(tmp_path):
    from answer_evaluator.batch import BatchInterrupted, grade_paths

    folder = tmp_path / "answers"
    folder.mkdir()
    for name in ("strong", "average", "economic-only", "too-short", "repeated"):
        shutil.copy(IJ / f"{name}.txt", folder / f"{name}.txt")
    result = grade_paths([folder], rubrics_dir=RUBRICS, write=False, jobs=1)
    assert result.out is None and len(result.graded) == 5 and result.status == 0
    assert [r.candidate for r in result.results] == sorted(r.candidate for r in result.results)

    def stop_after_two(done, total):
        if done == 2:
            raise KeyboardInterrupt

    out = tmp_path / "stopped"
    with pytest.raises(BatchInterrupted) as caught:
        grade_paths([folder], rubrics_dir=RUBRICS, out=out, jobs=1, progress=stop_after_two)
    assert caught.value.done == 2 and caught.value.total == 5
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 2 and all(p.suffix == ".html" for p in files)   # whole reports only
    assert not (out / "results.csv").exists()


def test_word_and_pdf_text_keep_paragraphs_and_bullets(tmp_path):
    from answer_evaluator import read_answer
    from answer_evaluator.errors import AnswerReadError

    text = sample("strong.txt")
    make_docx(tmp_path / "a.docx", text)
    (tmp_path / "a.pdf").write_bytes(minimal_pdf(wrapped(text)))
    assert read_answer(tmp_path / "a.docx").text == text
    assert read_answer(tmp_path / "a.pdf").text == text
    (tmp_path / "fake.docx").write_text("not a zip")
    with pytest.raises(AnswerReadError, match="not a valid .docx"):
        read_answer(tmp_path / "fake.docx")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n" + zlib.compress(b"junk"))
    with pytest.raises(AnswerReadError, match="broken.pdf"):
        read_answer(tmp_path / "broken.pdf")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(AnswerReadError, match="old Word .doc"):
        read_answer(tmp_path / "old.doc")


def test_alike_pairs_compare_only_answers_to_the_same_question():
    from answer_evaluator.batch import similar_pairs

    strong = (IJ / "strong.txt").read_text(encoding="utf-8")
    copied = strong.replace("India", "india", 3)
    other = (IJ / "economic-only.txt").read_text(encoding="utf-8")
    names = ["a.txt", "b.txt", "c.txt", "d.txt"]
    texts = [strong, copied, strong, other]
    count, pairs = similar_pairs(names, texts)
    assert count == 3 and pairs[0].similarity > 0.95       # a, b and c alike; d is not
    count, pairs = similar_pairs(names, texts, groups=["ij", "ij", "other", "ij"])
    assert count == 1 and {pairs[0].first, pairs[0].second} == {"a.txt", "b.txt"}


def test_prefetch_reads_what_workers_would_and_leaves_bad_files_to_them(tmp_path, capfd):
    from answer_evaluator import read_answer
    from answer_evaluator.batch.prefetch import Prefetch

    good = [IJ / "strong.txt", IJ / "average.txt"]
    (tmp_path / "empty.txt").write_text("")
    files = good + [tmp_path / "empty.txt", tmp_path / "gone.txt"]
    with Prefetch(files) as prefetch:
        read = prefetch.answers(wait=True)
    assert set(read) == set(good)                       # bad ones are read again, by a worker
    assert all(read[p] == read_answer(p) for p in good)
    with Prefetch(files, start=False) as prefetch:
        assert prefetch.answers() == {}
    with Prefetch(files * 200):                         # left without asking: ends quietly
        pass
    assert capfd.readouterr().err == ""


def test_prefetch_left_with_much_read_ends_at_once(tmp_path):
    import time

    from answer_evaluator.batch.prefetch import Prefetch

    text = (IJ / "strong.txt").read_text(encoding="utf-8")
    files = []
    for i in range(300):                  # far more than a pipe holds (64 KB) once pickled
        files.append(tmp_path / f"a{i}.txt")
        files[-1].write_text(text, encoding="utf-8")
    prefetch = Prefetch(files)
    time.sleep(1.0)                       # all read: the reader waits to hand them over
    started = time.monotonic()
    prefetch.close()                      # as on Ctrl-C while the libraries load
    assert time.monotonic() - started < 2


def test_interrupting_two_jobs_keeps_only_whole_reports(tmp_path):
    from answer_evaluator.batch import BatchInterrupted, grade_paths

    folder = tmp_path / "answers"
    folder.mkdir()
    for i, name in enumerate(["strong", "average", "economic-only", "too-short"] * 6):
        shutil.copy(IJ / f"{name}.txt", folder / f"{i:02d}-{name}.txt")

    def stop_after_three(done, total):
        if done == 3:
            raise KeyboardInterrupt

    out = tmp_path / "stopped"
    with pytest.raises(BatchInterrupted) as caught:
        grade_paths([folder], rubrics_dir=RUBRICS, out=out, jobs=2, chunk_size=2,
                    progress=stop_after_three)
    assert 3 <= caught.value.done < 24 and caught.value.total == 24
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files and all(p.suffix == ".html" and not p.name.startswith(".") for p in files)
    assert not (out / "results.csv").exists()


def test_alike_pairs_dense_and_sparse_products_agree(monkeypatch):
    from answer_evaluator.batch import pairs

    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*/*.txt"))]
    texts += [t.replace(".", ". Indeed,", 2) for t in texts[:12]]      # near copies
    names = [f"{i}.txt" for i in range(len(texts))]
    dense = pairs.similar_pairs(names, texts, threshold=0.3)
    monkeypatch.setattr(pairs, "_DENSE_LIMIT", 0)
    assert pairs.similar_pairs(names, texts, threshold=0.3) == dense
    assert dense[0] >= 12


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no named pipes here")
def test_named_pipes_are_skipped_and_odd_file_names_shown_escaped(tmp_path, capsys):
    import os

    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(IJ / "strong.txt", folder / "plain.txt")
    shutil.copy(IJ / "average.txt", folder / "two\nlines\x1b[31m.txt")
    os.mkfifo(folder / "pipe.txt")                 # reading it would wait for a writer forever
    status, stdout, _ = batch([folder], capsys, tmp_path / "out", jobs=2)
    assert status == 0
    assert "pipe.txt: not a regular file" in stdout
    assert "two\\nlines\\x1b[31m.txt" in stdout and "\x1b" not in stdout
    rows = read_json(tmp_path / "out")["results"]
    assert sorted(Path(r["file"]).name for r in rows) == ["plain.txt", "two\nlines\x1b[31m.txt"]


def test_schedule_gives_each_worker_its_stretch_and_every_file_once():
    from answer_evaluator.batch.pool import MIN_CHUNK, Schedule

    files = [Path(f"f{i:03d}.txt") for i in range(203)]
    schedule = Schedule(files, jobs=2)
    first, second = schedule.next_for(0), schedule.next_for(1)
    assert first[0] == files[0] and second[0] == files[102]   # each at the front of its own
    own, stolen = [], []
    while (chunk := schedule.next_for(0)) is not None:         # worker 1 stops; 0 takes all
        (own if chunk[0] < files[102] else stolen).append(chunk)
    assert [p for c in [first, *own] for p in c] == files[:102]          # its stretch, in order
    assert stolen[0][-1] == files[-1]                          # then the other's, from the back
    for taken in ([first, *own[:-1]], stolen):                # smaller and smaller chunks
        sizes = [len(c) for c in taken]                        # (own[-1]: its stretch's rest)
        assert sizes == sorted(sizes, reverse=True)
    assert len(stolen[-1]) <= MIN_CHUNK
    assert sorted(p for c in [second, *stolen] for p in c) == files[102:]
    assert not schedule.left()
    schedule = Schedule(files, jobs=2, chunk_size=10)
    schedule.give_back(1, schedule.next_for(1))                # not graded: taken again, whole
    assert schedule.next_for(1) == files[102:112]


def test_a_worker_that_dies_fails_only_the_chunk_it_was_grading(tmp_path, monkeypatch):
    import os

    from answer_evaluator.batch import grade_paths, pool

    folder = tmp_path / "answers"
    folder.mkdir()
    for i in range(8):
        shutil.copy(IJ / "average.txt", folder / f"a{i}.txt")
    shutil.copy(IJ / "strong.txt", folder / "a3-boom.txt")
    real = pool._grade_chunk

    def grade_or_die(chunk, sink=None):
        if any("boom" in p.name for p in chunk):
            os._exit(3)                                  # as if killed by the system
        return real(chunk, sink)

    monkeypatch.setattr(pool, "_grade_chunk", grade_or_die)
    result = grade_paths([folder], rubrics_dir=RUBRICS, out=tmp_path / "out", jobs=2,
                         chunk_size=1)
    failed = {Path(r.file).name: r.error for r in result.failures}
    assert list(failed) == ["a3-boom.txt"] and "worker process died (exit code 3)" in failed[
        "a3-boom.txt"]
    assert len(result.graded) == 8                       # the others, by the other worker
    assert (tmp_path / "out" / "index.html").is_file()
