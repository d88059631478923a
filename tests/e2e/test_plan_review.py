"""The plan as a reviewer reads it, from the real CLI on the example project: what it shows and how."""

from __future__ import annotations

import json
import re


def test_a_create_shows_what_the_manifest_wrote_and_the_api_defaults_apart(cli):
    out = cli("plan").stdout
    order = out[out.index("+ assistant.order-assistant"):out.index("+ assistant.support-bot")]
    # order-assistant.yaml sets top_p and response_format, and leaves temperature to the API
    assert "    + top_p: 0.9\n" in order and '    + response_format: "auto"\n' in order
    assert "+ temperature" not in order
    assert "    # API defaults, not set in the manifest: temperature 1.0\n" in order
    tutor = out[out.index("+ assistant.math-tutor"):out.index("+ assistant.order-assistant")]
    assert "+ top_p" not in tutor and "+ response_format" not in tutor
    assert '# API defaults, not set in the manifest: top_p 1.0, response_format "auto"' in tutor
    markdown = cli("plan", "--format", "markdown").stdout
    assert "# API defaults, not set in the manifest: temperature 1.0\n" in markdown


def test_function_tools_read_as_yaml_like_the_manifest(cli):
    out = cli("plan").stdout
    assert "    + tools:\n      + - type: function\n      +   name: get_order_status\n" in out
    assert (
        "      + - type: function\n"
        "      +   name: cancel_order\n"
        "      +   description: Cancel an order that has not shipped yet\n"
        "      +   strict: true\n"
        "      +   parameters:\n"
        "      +     type: object\n"
        "      +     properties:\n"
        '      +       order_number: {type: string, description: "The order number, e.g. A-1042"}\n'
        "      +       reason:\n"
        "      +         type: string\n"
        "      +         enum: [changed_mind, duplicate, too_slow, other]\n"
        "      +     required: [order_number, reason]\n"
        "      +     additionalProperties: false\n"
    ) in out
    assert '{"' not in out  # no JSON object anywhere


def test_text_markdown_and_json_list_changes_in_the_same_order(cli):
    doc = json.loads(cli("plan", "--format", "json").stdout)
    addresses = [change["address"] for change in doc["changes"]]
    text = [m.group(1) for m in re.finditer(r"^[-+~] (\S+)", cli("plan").stdout, re.M)]
    markdown = [m.group(1) for m in re.finditer(r"^\| \S+ \S+ \| `([^`]+)`", cli("plan", "--format", "markdown").stdout, re.M)]
    assert addresses == text == markdown
    assert addresses[:3] == ["assistant.math-tutor", "file.math-tutor:data/exam_scores.csv", "assistant.order-assistant"]
