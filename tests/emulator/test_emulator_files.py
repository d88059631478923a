"""Files through the real SDK: upload, list (purpose, limit, order, after), content, delete, bad uploads."""

from __future__ import annotations

import re

import openai
import pytest
from emulator_helpers import assert_error


def test_upload_retrieve_content_delete(openai_client):
    f = openai_client.files.create(file=("data.jsonl", b'{"a": 1}\n'), purpose="batch")
    assert re.fullmatch(r"file-[A-Za-z0-9]{22}", f.id)
    assert (f.object, f.bytes, f.filename, f.purpose, f.status) == ("file", 9, "data.jsonl", "batch", "processed")
    assert openai_client.files.retrieve(f.id).to_dict() == f.to_dict()
    assert openai_client.files.content(f.id).read() == b'{"a": 1}\n'
    deleted = openai_client.files.delete(f.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (f.id, "file", True)
    with pytest.raises(openai.NotFoundError) as exc:
        openai_client.files.retrieve(f.id)
    assert_error(exc.value, param="id", contains=f"No such File object: {f.id}")


@pytest.mark.parametrize("name", ['résumé "final" \\ 請求書.md', "tab\there.txt", "plain.txt", "a;b=c.md"])
def test_filename_kept_verbatim(openai_client, name):
    f = openai_client.files.create(file=(name, b"x"), purpose="assistants")
    assert f.filename == name
    assert openai_client.files.retrieve(f.id).filename == name


def test_assistants_files_cannot_be_downloaded(openai_client):
    f = openai_client.files.create(file=("doc.md", b"secret"), purpose="assistants")
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.files.content(f.id)
    assert_error(exc.value, contains="Not allowed to download files of purpose: assistants")


def test_expires_after(openai_client):
    f = openai_client.files.create(file=("a.txt", b"x"), purpose="user_data",
                                   expires_after={"anchor": "created_at", "seconds": 3600})
    assert f.expires_at == f.created_at + 3600
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.files.create(file=("a.txt", b"x"), purpose="user_data",
                                   expires_after={"anchor": "created_at", "seconds": 10})
    assert_error(exc.value, param="expires_after[seconds]", code="integer_below_min_value")


def test_list_purpose_order_limit_after(openai_client):
    made = [openai_client.files.create(file=(f"f{i}.txt", b"x" * i), purpose="assistants" if i % 2 else "batch")
            for i in range(7)]
    page = openai_client.files.list()
    assert [f.id for f in page.data] == [f.id for f in reversed(made)]  # default: newest first, all of them
    assert page.has_more is False
    asc = openai_client.files.list(order="asc", limit=3)
    assert [f.id for f in asc.data] == [f.id for f in made[:3]] and asc.has_more is True
    nxt = openai_client.files.list(order="asc", limit=3, after=asc.data[-1].id)
    assert [f.id for f in nxt.data] == [f.id for f in made[3:6]]
    assert [f.id for f in openai_client.files.list(order="asc", limit=3)] == [f.id for f in made]  # auto-paging
    only = openai_client.files.list(purpose="batch")
    assert {f.purpose for f in only.data} == {"batch"} and len(only.data) == 4


def test_list_limits(openai_client, raw):
    openai_client.files.list(limit=10000)
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.files.list(limit=10001)
    assert_error(exc.value, param="limit", code="integer_above_max_value")
    status, _, body = raw("GET", "/v1/files?before=file-x")
    assert status == 400
    assert_error(body, param="before", code="unknown_parameter")


def test_bad_purpose_and_missing_parts(openai_client, raw):
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.files.create(file=("a.txt", b"x"), purpose="training")  # type: ignore[arg-type]
    assert_error(exc.value, param="purpose", code="invalid_value")
    boundary = "XyZ"
    only_purpose = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n"
                    f"--{boundary}--\r\n")
    status, _, body = raw("POST", "/v1/files", only_purpose,
                          {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 400
    assert_error(body, param="file", code="missing_required_parameter")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"purpose": "assistants"}'),
        ("multipart/form-data", "--x\r\n"),
        ("multipart/form-data; boundary=abc", "no boundary in here"),
        ("multipart/form-data; boundary=abc", "--abc\r\nContent-Disposition: form-data; name=\"file\"\r\n"),
        ("multipart/form-data; boundary=abc", "--abc\r\nX: y\r\n\r\ndata\r\n--abc--\r\n"),
    ],
)
def test_bad_multipart_is_a_400(raw, content_type, body):
    status, _, payload = raw("POST", "/v1/files", body, {"Content-Type": content_type})
    assert status == 400
    assert_error(payload)
    assert raw("GET", "/v1/files")[0] == 200  # and the server is fine
