from __future__ import annotations

import pytest
from chalicelib.domain.file_checks import clean_filename, content_disposition, file_problem, key_name

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\talk.pdf", "talk.pdf"),
        ("..", "file"),
        ("\x00\x01\x7f", "file"),
        (".htaccess", "htaccess"),
        ("e\u0301te\u0301.png", "été.png"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("a" * 2000 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_clean_filename_keeps_only_a_harmless_last_part(raw, clean):
    assert clean_filename(raw) == clean


def test_key_name_is_ascii_with_the_extension_of_the_declared_type():
    assert key_name("Präsentation final (2).html", "application/pdf") == "Prasentation-final-2.pdf"
    assert key_name("....", "image/png") == "file.png"


def test_content_disposition_is_ascii_with_a_utf8_name():
    header = content_disposition('Ünïcode "quoted"; name.pdf', attachment=True)

    assert header == (
        'attachment; filename="Unicode _quoted__ name.pdf"; '
        "filename*=UTF-8''%C3%9Cn%C3%AFcode%20%22quoted%22%3B%20name.pdf"
    )


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 20),
        ("image/webp", b"RIFF\0\0\0\0WEBPVP8L" + b"\0" * 20),
        ("application/pdf", b"%PDF-1.7\n"),
    ],
)
def test_file_problem_accepts_well_formed_starts(content_type, data):
    assert file_problem(content_type=content_type, data=data) is None


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("image/jpeg", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("image/png", b"   <?xml version='1.0'?><svg/>"),
        ("image/gif", b"GIF89a\x01\x00\x01\x00<body onload=x>"),
        ("application/vnd.oasis.opendocument.presentation", b"PK\x03\x04" + b"\0" * 60),
        ("text/html", b"<p>hi"),
    ],
)
def test_file_problem_refuses_mismatched_or_dressed_up_content(content_type, data):
    assert file_problem(content_type=content_type, data=data) is not None
