"""Cursor pagination like the API: limit, order, after, before, has_more, first_id/last_id."""

from __future__ import annotations

import openai
import pytest
from emulator_helpers import assert_error

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BETA = {"OpenAI-Beta": "assistants=v2"}


@pytest.fixture
def made(openai_client):
    # Created within the same second: order must still be stable (the insertion sequence breaks ties).
    return [openai_client.beta.assistants.create(model="gpt-4o", name=f"a{i:02d}").id for i in range(25)]


def test_default_page_is_20_newest_first(openai_client, made):
    page = openai_client.beta.assistants.list()
    assert [a.id for a in page.data] == made[::-1][:20]
    assert page.has_more is True


def test_after_walks_forward_in_both_orders(openai_client, made):
    for order, expected in (("desc", made[::-1]), ("asc", made)):
        seen, after = [], None
        while True:
            page = openai_client.beta.assistants.list(order=order, limit=7, **({"after": after} if after else {}))
            seen += [a.id for a in page.data]
            if not page.has_more:
                break
            after = page.data[-1].id
        assert seen == expected
    assert [a.id for a in openai_client.beta.assistants.list(limit=4)] == made[::-1]  # the SDK's auto-paging


def test_before_walks_backward(raw, made):
    status, _, page = raw("GET", f"/v1/assistants?limit=5&before={made[10]}", headers=BETA)
    assert status == 200
    # desc order: items listed before made[10] are the newer ones, nearest first in page order
    assert [a["id"] for a in page["data"]] == [made[15], made[14], made[13], made[12], made[11]]
    assert page["has_more"] is True and page["first_id"] == made[15] and page["last_id"] == made[11]
    _, _, page = raw("GET", f"/v1/assistants?order=asc&limit=5&before={made[3]}", headers=BETA)
    assert [a["id"] for a in page["data"]] == made[0:3] and page["has_more"] is False


def test_envelope_and_empty_list(raw):
    status, _, page = raw("GET", "/v1/assistants", headers=BETA)
    assert status == 200
    assert page == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


@pytest.mark.parametrize(
    ("query", "param", "code"),
    [
        ("limit=0", "limit", "integer_below_min_value"),
        ("limit=101", "limit", "integer_above_max_value"),
        ("limit=ten", "limit", "invalid_type"),
        ("order=up", "order", "invalid_value"),
        ("after=asst_unknown", "after", "invalid_value"),
        ("page=2", "page", "unknown_parameter"),
    ],
)
def test_bad_list_parameters(raw, query, param, code):
    status, _, body = raw("GET", f"/v1/assistants?{query}", headers=BETA)
    assert status == 400
    assert_error(body, param=param, code=code)


def test_limit_100_is_the_max(openai_client, made):
    page = openai_client.beta.assistants.list(limit=100)
    assert len(page.data) == 25 and page.has_more is False
    with pytest.raises(openai.BadRequestError):
        openai_client.beta.assistants.list(limit=101)
