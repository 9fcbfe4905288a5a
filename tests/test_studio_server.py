"""`evaluate practice` as a real process: an acknowledged attempt survives kill -9 and a
restart, Ctrl-C stops it cleanly, the token file is private, a port in use is one clear
line, and the other commands never import the web stack."""

import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap

from studio_support import QUESTION, LiveServer

from conftest import INDIA_JAPAN, INDIA_JAPAN_SAMPLES

STRONG = (INDIA_JAPAN_SAMPLES / "strong.txt").read_text(encoding="utf-8")


def test_an_acknowledged_attempt_survives_kill_9_and_a_restart(tmp_path):
    data = tmp_path / "data"
    first = LiveServer(data)
    try:
        status, created = first.request("POST", "/api/attempts",
                                        {"question": QUESTION, "text": STRONG, "seconds": 480})
        assert status == 201
        assert first.request("GET", "/api/attempts")[0] == 200
        assert first.request("GET", "/api/attempts", token=None)[0] == 401
        mode = stat.S_IMODE(os.stat(data / "token").st_mode)
        assert mode == 0o600
    finally:
        first.process.kill()                                    # kill -9: no clean-up at all
        first.process.wait()
        first.stop()
    assert first.process.returncode == -signal.SIGKILL
    second = LiveServer(data)
    try:
        assert second.token == first.token                 # the same data folder, same token
        status, again = second.request("GET", f"/api/attempts/{created['id']}")
        assert status == 200
        assert (again["marks"], again["text"], again["seconds"]) == (
            created["marks"], created["text"], 480)
        status, listed = second.request("GET", "/api/attempts")
        assert [a["id"] for a in listed["attempts"]] == [created["id"]]
    finally:
        assert second.stop(signal.SIGINT) == 0                 # Ctrl-C stops it cleanly


def test_a_port_in_use_is_one_clear_line(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        result = subprocess.run([sys.executable, "-m", "answer_evaluator", "practice",
                                 "--port", str(port), "--data", str(tmp_path)],
                                capture_output=True, text=True, timeout=120)
    finally:
        taken.close()
    assert result.returncode == 1
    assert result.stderr.startswith(f"evaluate practice: error: cannot listen on 127.0.0.1:{port}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_host_beyond_loopback_prints_a_warning(tmp_path):
    import io

    from answer_evaluator.studio.server import serve

    out, err = io.StringIO(), io.StringIO()
    # a documentation-only address (TEST-NET-1): no machine has it, so nothing listens
    assert serve(host="192.0.2.1", port=0, data=str(tmp_path), out=out, err=err) == 1
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("evaluate practice: warning: listening on 192.0.2.1")
    assert "anyone who can reach it and has the token" in lines[0]
    assert lines[1].startswith("evaluate practice: error: cannot listen on 192.0.2.1")


def test_grading_and_help_never_import_the_web_stack(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        from answer_evaluator.cli import main
        assert main(["--help"]) == 0
        assert main([{str(INDIA_JAPAN_SAMPLES / 'strong.txt')!r}, "--rubric",
                     {str(INDIA_JAPAN)!r}, "--out", {str(tmp_path / 'r.html')!r}]) == 0
        web = sorted(m for m in sys.modules
                     if m.split(".")[0] in ("starlette", "uvicorn", "multipart",
                                            "python_multipart", "httpx", "anyio",
                                            "platformdirs")
                     or m.startswith("answer_evaluator.studio"))
        print("WEB", web)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert "WEB []" in result.stdout


def test_practice_help_and_bad_port_are_usage(capsys):
    from conftest import run_cli

    status, out, _ = run_cli(["practice", "--help"], capsys)
    assert status == 0 and "--data" in out and "--host" in out
    status, _, err = run_cli(["practice", "--port", "70000"], capsys)
    assert status == 2 and "--port must be" in err


def test_without_data_the_users_data_folder_is_used(tmp_path):
    from conftest import RUBRICS

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "answer_evaluator", "practice",
                                "--rubrics-dir", str(RUBRICS)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        url, where = process.stdout.readline(), process.stdout.readline()
        import urllib.error
        import urllib.request

        from studio_support import wait_until

        def answers() -> bool:                 # Ctrl-C once the server is up and serving
            try:
                urllib.request.urlopen(url.split()[-1].split("?")[0], timeout=5)
            except urllib.error.HTTPError:
                return True
            except OSError:
                return False
            return True

        assert wait_until(answers)
    finally:
        process.send_signal(signal.SIGINT)
        status = process.wait(60)
        process.stdout.close()
        process.stderr.close()
    folder = tmp_path / "xdg" / "answer-evaluator" / "practice"
    assert url.startswith("Practice studio: http://127.0.0.1:")
    assert f"data folder: {folder}" in where
    assert (folder / "studio.sqlite3").is_file() and (folder / "token").is_file()
    assert status == 0
