"""`podium jobs` and `podium outbox` against a running stack found through its stack.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from podium.localstack.state_folder import Holder
from support.jobs import job_record, outbox, run_until_finished

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def state_dir(aws_stack, tmp_path):
    """A state folder whose stack.json points at this test process's moto, as `podium dev` writes it."""
    environ = {k: v for k, v in os.environ.items() if k.startswith(("PODIUM_", "AWS_"))}
    me = Holder.this_process()  # a live pid with its start time, as the stack writes them
    marker = {"pid": me.pid, "started": me.started, "aws": os.environ["AWS_ENDPOINT_URL"], "environ": environ}
    (tmp_path / "stack.json").write_text(json.dumps(marker))
    return tmp_path


def podium(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PODIUM_", "AWS_"))}
    env["PYTHONPATH"] = str(REPO / "backend")
    return subprocess.run(
        [sys.executable, "-m", "podium.cli", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def test_job_enqueued_from_the_cli_names_the_system_actor(empty_queues, poller, state_dir, mailbox):
    arguments = {"to": mailbox, "subject": "Site rebuilt", "message": "Your site is live.", "link_path": "/e/demo/"}

    run = podium(
        "jobs", "--state-dir", str(state_dir), "--enqueue", "send_notification", "--args", json.dumps(arguments)
    )
    job_id = run.stdout.strip()
    run_until_finished(poller, [job_id])

    [mail] = outbox(mailbox)
    assert run.returncode == 0, run.stderr
    assert "Podium (system)" in mail.text
    assert "http://127.0.0.1:8080/e/demo/" in mail.text
    assert job_record(job_id).actor_id == "system"


def test_cli_enqueue_refuses_arguments_that_are_not_an_object(state_dir):
    run = podium("jobs", "--state-dir", str(state_dir), "--enqueue", "noop", "--args", "[1, 2]")

    assert run.returncode == 2 and "JSON object" in run.stderr


def test_cli_enqueue_with_a_missing_argument_names_it_and_sends_nothing(empty_queues, sqs, state_dir, mailbox):
    run = podium("jobs", "--state-dir", str(state_dir), "--enqueue", "send_notification", "--args", json.dumps({"to": mailbox}))

    queued = sqs.receive_message(QueueUrl=empty_queues.jobs_queue_url).get("Messages", [])
    assert run.returncode == 2 and run.stdout == "" and queued == []
    assert run.stderr == (
        "podium jobs: job send_notification: missing argument 'subject'; missing argument 'message'; "
        "missing argument 'link_path'; its arguments are: to, subject, message, link_path, "
        "link_text='Open in Podium'\n"
    )


def test_cli_enqueue_with_malformed_args_json_says_where_and_exits_2(state_dir):
    run = podium("jobs", "--state-dir", str(state_dir), "--enqueue", "send_email", "--args", "{to: 'a@example.org'}")

    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith(
        "podium jobs: --args is not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2)"
    )


def test_outbox_prints_each_mail_as_one_json_line_newest_last(aws_stack, state_dir, mailbox):
    from chalicelib.adapters.mail import send_email

    send_email(to=mailbox, subject="First", text="one", html="<p>one</p>")
    send_email(to=mailbox, subject="Second", text="two")
    send_email(to="someone-else@example.org", subject="Not yours", text="three")

    run = podium("outbox", "--state-dir", str(state_dir), "--to", mailbox, "--json")

    assert run.returncode == 0, run.stderr
    assert [json.loads(line) for line in run.stdout.splitlines()] == [
        {"to": mailbox, "subject": "First", "text": "one\n", "html": "<p>one</p>\n"},
        {"to": mailbox, "subject": "Second", "text": "two\n", "html": None},
    ]


def test_jobs_lists_dead_letters_and_redrives_them(empty_queues, poller, state_dir):
    from chalicelib.adapters.queue import peek_dead_letters
    from chalicelib.jobs.enqueue import enqueue

    job_id = enqueue("test_explode", reason="bad input")
    while not peek_dead_letters():
        poller.poll_jobs_once()

    recent = podium("jobs", "--state-dir", str(state_dir))
    dead = podium("jobs", "--state-dir", str(state_dir), "--dead")
    redrive = podium("jobs", "--state-dir", str(state_dir), "--redrive")

    assert f"{job_id:<18} test_explode" in recent.stdout and "FAILURE  x5  RuntimeError: bad input" in recent.stdout
    assert job_id in dead.stdout and "1 message(s) in the dead-letter queue." in dead.stdout
    assert redrive.stdout.strip() == "Redrove 1 message(s) to the jobs queue."
    assert peek_dead_letters() == [] and job_record(job_id).state == "RETRY"


@pytest.mark.parametrize("command", [["jobs"], ["outbox", "--json"]])
def test_commands_without_a_running_stack_say_how_to_start_one(tmp_path, command):
    run = podium(*command, "--state-dir", str(tmp_path))

    assert run.returncode == 1
    assert "No local stack is running" in run.stderr and "make run" in run.stderr


@pytest.mark.parametrize(
    ("charset", "encoding", "text", "html"),
    [
        ("utf-8", "8bit", "“Café” – naïve\n", "<p>“Café” ünïcode</p>\n"),
        ("utf-8", "quoted-printable", "“Café” – naïve\n", "<p>“Café” ünïcode</p>\n"),
        ("utf-8", "base64", "“Café” – naïve\n", "<p>“Café” ünïcode</p>\n"),
        ("iso-8859-1", "quoted-printable", "«Café» déjà vu\n", "<p>Café déjà</p>\n"),
        ("iso-8859-1", "base64", "«Café» déjà vu\n", "<p>Café déjà</p>\n"),
        ("us-ascii", "7bit", "Plain words.\n", "<p>Plain words.</p>\n"),
    ],
)
def test_outbox_decodes_every_transfer_encoding_and_charset(aws_stack, mailbox, charset, encoding, text, html):
    from email.message import EmailMessage

    from chalicelib.adapters.aws import client
    from chalicelib.adapters.mail import sender
    from support.jobs import outbox

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender(), mailbox, "Ünïcode subject"
    message.set_content(text, charset=charset, cte=encoding)
    message.add_alternative(html, subtype="html", charset=charset, cte=encoding)
    raw = message.as_bytes()
    client("ses").send_raw_email(Source=sender(), Destinations=[mailbox], RawMessage={"Data": raw})

    [mail] = outbox(mailbox)
    assert raw.count(f"Content-Transfer-Encoding: {encoding}".encode()) == 2
    assert (mail.subject, mail.text, mail.html) == ("Ünïcode subject", text, html)
