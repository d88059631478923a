"""``POST /v1/fine_tuning/alpha/graders/run``: OpenAI's graders, run deterministically.

Templates ``{{sample.output_text}}``, ``{{sample.output_json.<key>}}`` and ``{{item.<key>}}`` are
filled as the API fills them. ``string_check`` is exact (``eq``, ``ne``, ``like``: substring,
``ilike``: substring ignoring case). ``score_model`` is *scripted*, not a model: its score is the
share of the phrases the grader's messages quote in double quotes ("...") that the sample's text
holds (case ignored), scaled to ``range``; messages that quote nothing score the top of the range
for a non-empty sample. The answer says so in ``metadata.sampled_model_name``. Other grader types
are refused with a message naming what the emulator runs.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import invalid
from .routing import Request, Router
from .scripted_model import text_of
from .sdk_shapes import SdkBody

router = Router()

SCRIPTED = "scripted by the asst-deploy emulator: the share of the grader's quoted phrases found in the sample"
RUN = SdkBody("openai.types.fine_tuning.alpha.grader_run_params:GraderRunParams")
_TEMPLATE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
_QUOTED = re.compile(r'"([^"]+)"')


def _fill(template: str, sample: str, item: Any) -> str:
    def value(match: re.Match[str]) -> str:
        path = match.group(1).split(".")
        if path[:2] == ["sample", "output_text"]:
            return sample
        found: Any = {"item": item, "sample": {"output_json": _json(sample)}}
        for key in path:
            found = found.get(key) if isinstance(found, dict) else None
        return found if isinstance(found, str) else ("" if found is None else json.dumps(found))

    return _TEMPLATE.sub(value, template)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _string_check(grader: dict[str, Any], sample: str, item: Any) -> float:
    given, reference = _fill(grader["input"], sample, item), _fill(grader["reference"], sample, item)
    operation = grader["operation"]
    if operation in ("eq", "ne"):
        return float((given == reference) == (operation == "eq"))
    if operation == "ilike":
        given, reference = given.lower(), reference.lower()
    return float(reference in given)


def _score_model(grader: dict[str, Any], sample: str, item: Any) -> float:
    low, high = grader.get("range") or (0.0, 1.0)
    # the grader's own words, templates left out: a quote inside the sample is not a criterion
    said = _TEMPLATE.sub("", "\n".join(text_of(m["content"]) for m in grader["input"]))
    phrases = [p for p in _QUOTED.findall(said) if p.strip()]
    if not phrases:
        share = 1.0 if sample.strip() else 0.0
    else:
        share = sum(p.lower() in sample.lower() for p in phrases) / len(phrases)
    return low + (high - low) * share


def _metadata(grader: dict[str, Any], scripted: bool) -> dict[str, Any]:
    errors: dict[str, Any] = {key: False for key in (
        "formula_parse_error", "invalid_variable_error", "model_grader_parse_error", "model_grader_refusal_error",
        "model_grader_server_error", "other_error", "python_grader_runtime_error", "python_grader_server_error",
        "sample_parse_error", "truncated_observation_error", "unresponsive_reward_error")}
    errors.update(model_grader_server_error_details=None, python_grader_runtime_error_details=None,
                  python_grader_server_error_type=None)
    return {"name": grader["name"], "type": grader["type"], "errors": errors, "execution_time": 0.0, "scores": {},
            "token_usage": 0 if scripted else None,
            "sampled_model_name": f"{grader['model']} ({SCRIPTED})" if scripted else None}


@router.route("POST", "/v1/fine_tuning/alpha/graders/run", write=False)
def run_grader(req: Request) -> dict[str, Any]:
    body = req.body_as(RUN)
    grader, sample, item = body["grader"], body["model_sample"], body.get("item")
    if grader["type"] == "string_check":
        reward = _string_check(grader, sample, item)
    elif grader["type"] == "score_model":
        reward = _score_model(grader, sample, item)
    else:
        raise invalid(f"The asst-deploy emulator runs string_check and score_model graders, not {grader['type']}.",
                      "grader.type", "unsupported_value")
    metadata = _metadata(grader, grader["type"] == "score_model")
    metadata["scores"] = {grader["name"]: reward}
    return {"reward": reward, "metadata": metadata, "sub_rewards": {}, "model_grader_token_usage_per_model": {}}
