"""The pull-request comment: exact layout, escaping, never a colour code."""

from __future__ import annotations

from render_plans import assistant, sample_plan

from asst_deploy.plan.types import Action, Change, FieldDiff, Kind, Plan
from asst_deploy.render import render
from asst_deploy.render.markdown import code, text

SAMPLE_MARKDOWN = """\
### asst-deploy plan: project `acme-support`, environment `dev`, api `assistants`

> **Note:** the lockfile was rebuilt from ownership markers

| To create | To update | To delete |
|---:|---:|---:|
| 1 | 2 | 1 |

| Action | Address | Id | Reason |
|---|---|---|---|
| ➕ create | `assistant.billing-bot` |  | new manifest |
| 🗑️ delete | `vector_store.old-bot` | `vs_old` | no manifest named it any more |
| ✏️ update | `assistant.support-bot` | `asst_abc123` | the manifest changed, or the assistant was edited outside asst-deploy |
| ✏️ update | `file.support-bot:docs/faq.md` | `file-old1` | the file's content changed |

<!-- asst-deploy-plan-diffs -->

➕ create `assistant.billing-bot`

```diff
+ display_name: "Billing Bot"
+ model: "gpt-4o"
+ description: "Answers billing questions"
+ instructions: |
+   You are a billing assistant.
+   Be brief.
+ tools:
+   - type: code_interpreter
+ temperature: 0.2
# API defaults, not set in the manifest: response_format "auto"
```

✏️ update `assistant.support-bot`

```diff
- model: "gpt-4o"
+ model: "gpt-4o-mini"
! instructions:
    You are a support agent for Acme.
-   Answer politely in English.
+   Answer briefly in English.
    Never share secrets.
```

✏️ update `file.support-bot:docs/faq.md`

```diff
- size: 65 bytes
+ size: 64 bytes (-1)
- sha256: 1a2b3c4d5e6f
+ sha256: 9f8e7d6c5b4a
! content:
    # Billing FAQ
 
-   Refunds take 14 days.
+   Refunds take 5 days.
    Write to billing@acme.test.
```

3 assistants unchanged.

**Plan: 1 to create, 2 to update, 1 to delete.**
"""


def markdown(*changes: Change, **values) -> str:
    return render(Plan("acme", "dev", "assistants", changes=changes, **values).to_json(), "markdown")


def test_sample_plan_comment_reads_exactly_so():
    doc = sample_plan(notes=("the lockfile was rebuilt from ownership markers",)).to_json()
    assert render(doc, "markdown") == SAMPLE_MARKDOWN


def test_no_ansi_even_when_colour_is_asked_for():
    doc = sample_plan().to_json()
    assert "\x1b" not in render(doc, "markdown", color=True)


def test_no_changes_comment():
    assert markdown(unchanged=("a",)) == (
        "### asst-deploy plan: project `acme`, environment `dev`, api `assistants`\n\n"
        "1 assistant unchanged.\n\n"
        "**No changes. Your assistants match the manifests.**\n"
    )


def test_pipes_backticks_and_html_in_table_cells_are_escaped():
    change = Change(Kind.FILE, "bot", Action.DELETE, id="file-1", path="docs/a|b`c`.md", role="files",
                    before={"sha256": "0" * 64}, reason="a | b <details> `x` *y* [z](u) & more")
    row = next(line for line in markdown(change).splitlines() if line.startswith("| 🗑️"))
    assert row == (
        r"| 🗑️ delete | ``file.bot:docs/a\|b`c`.md`` | `file-1` | "
        r"a \| b \<details\> \`x\` \*y\* \[z\](u) &amp; more |"
    )


def test_summary_and_fences_survive_hostile_text():
    change = Change(Kind.ASSISTANT, "bot", Action.UPDATE, id="asst_1",
                    fields=(FieldDiff("instructions", "use code here\n</details>\n", "use ````code```` here\n</details>\n"),))
    out = markdown(change)
    assert "✏️ update `assistant.bot`\n\n`````diff\n" in out
    assert "-   use code here\n+   use ````code```` here\n    </details>\n`````\n" in out
    long = Change(Kind.ASSISTANT, "bot", Action.UPDATE, id="asst_1",
                  fields=(FieldDiff("instructions", "use code here\n</details>\n" * 9, "use ````code```` here\n</details>\n" * 9),))
    out = markdown(long)
    assert "<details><summary>assistant.bot (update, 28 lines)</summary>\n\n`````diff\n" in out
    assert out.count("</details>\n`````") == 1 and out.count("`````\n\n</details>") == 1


def test_code_span_and_text_helpers():
    assert code("plain") == "`plain`"
    assert code("a`b") == "``a`b``"
    assert code("`edge`") == "`` `edge` ``"
    assert text("line one\nline two") == "line one line two"
    assert text("_under_ #hash") == r"\_under\_ \#hash"


def test_a_change_with_nothing_to_show_has_no_details_block():
    out = markdown(Change(Kind.VECTOR_STORE, "bot", Action.DELETE, id="vs_1", before={"id": "vs_1"}, reason="gone"))
    assert "<details>" not in out
    assert "| 🗑️ delete | `vector_store.bot` | `vs_1` | gone |" in out


