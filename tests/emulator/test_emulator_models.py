"""``/v1/models``: the configured list, retrieve, 404 for unknown names."""

from __future__ import annotations

import openai
import pytest
from emulator_helpers import assert_error

from asst_deploy.emulator import sdk_models


def test_list_and_retrieve(openai_client):
    models = openai_client.models.list()
    assert [m.id for m in models] == list(sdk_models())
    m = openai_client.models.retrieve("gpt-4o")
    assert (m.id, m.object, m.owned_by) == ("gpt-4o", "model", "system") and m.created > 0
    with pytest.raises(openai.NotFoundError) as exc:
        openai_client.models.retrieve("gpt-2")
    assert_error(exc.value, code="model_not_found", contains="The model 'gpt-2' does not exist")


@pytest.mark.asst_emulator(models=("my-model", "gpt-4o"))
def test_configured_model_list_drives_validation(openai_client):
    assert [m.id for m in openai_client.models.list()] == ["my-model", "gpt-4o"]
    with pytest.raises(openai.BadRequestError):
        openai_client.beta.agents.create(model="gpt-5")
    assert openai_client.beta.agents.create(model="my-model").model == "my-model"


def test_base_models_cannot_be_deleted(openai_client):
    with pytest.raises(openai.PermissionDeniedError):
        openai_client.models.delete("gpt-4o")
    with pytest.raises(openai.NotFoundError):
        openai_client.models.delete("ft:gpt-4o:acme::x")
