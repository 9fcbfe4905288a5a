"""Nothing needs the network or downloaded NLTK data: grade a sample in a clean subprocess with
NLTK's data path emptied, nltk.download disabled and every socket connection refused."""

import subprocess
import sys
import textwrap

from conftest import INDIA_JAPAN, INDIA_JAPAN_SAMPLES


def test_grades_with_no_nltk_data_and_no_network(tmp_path):
    script = textwrap.dedent(f"""
        import socket, sys
        import nltk, nltk.data
        nltk.data.path[:] = [{str(tmp_path)!r}]
        def refuse(*args, **kwargs):
            raise RuntimeError("network used")
        nltk.download = refuse
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from answer_evaluator.cli import main
        status = main([{str(INDIA_JAPAN_SAMPLES / 'strong.txt')!r}, "--rubric",
                       {str(INDIA_JAPAN)!r}, "--out", {str(tmp_path / 'r.html')!r}])
        sys.exit(status)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "NLTK_DATA": str(tmp_path),
                                 "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "/15 marks" in result.stdout and (tmp_path / "r.html").exists()


def test_sentence_splitting_needs_no_punkt_data(tmp_path):
    """Our splitter works where nltk.sent_tokenize would need downloaded punkt data."""
    import nltk

    from answer_evaluator.text import split_sentences

    try:                          # conftest empties NLTK's data path for the whole suite
        nltk.sent_tokenize("One. Two.")
        raise AssertionError("punkt data is installed here; this check needs a clean machine")
    except LookupError:
        pass
    assert split_sentences("Dr. Abe met Mr. Modi. They agreed.") == [
        "Dr. Abe met Mr. Modi.", "They agreed."]
