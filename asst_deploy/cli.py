"""The command line: click options in, text out. No logic of its own: each command calls one
function in ``asst_deploy.commands`` that returns an exit code, and ``_run`` maps every error to
exit 1 in one place (2 is reserved for ``plan --detailed-exitcode``: changes). Heavy modules load
lazily so that ``asst-deploy --help`` stays fast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

from .defaults import DEFAULT_PARALLELISM
from .errors import EXIT_ERROR, EXIT_INTERRUPTED, AsstDeployError

if TYPE_CHECKING:
    from .console import Console
    from .session import Options

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _apply_all(options: list[Decorator]) -> Decorator:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


BACKENDS = ("openai", "azure", "local")


def _backend(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--backend or ASST_DEPLOY_BACKEND, named as the user set it when the value is wrong."""
    if value is None or value in BACKENDS:
        return value
    if ctx.get_parameter_source(param.name or "backend") is click.core.ParameterSource.ENVIRONMENT:
        raise click.UsageError(f"ASST_DEPLOY_BACKEND={value!r} is not a backend: use one of {', '.join(BACKENDS)}",
                               ctx=ctx)
    raise click.BadParameter(f"{value!r}: use one of {', '.join(BACKENDS)}", ctx=ctx, param=param)


# Every command that reads a project.
_project = _apply_all([
    click.option("--env", "env", envvar="ASST_DEPLOY_ENV", help="Environment (default: default_environment)."),
    click.option("--project-dir", type=click.Path(file_okay=False, path_type=Path),
                 help="The folder holding asst-deploy.yaml and assistants/ (default: the nearest one "
                      "from the current folder upward)."),
    click.option("--debug", is_flag=True, help="Show tracebacks."),
])
_api = click.option("--api", type=click.Choice(["assistants", "agents", "responses"]),
                    help="What an assistant becomes (overrides asst-deploy.yaml).")
# Every command that sends requests.
_account = _apply_all([
    _project,
    click.option("--backend", metavar="[openai|azure|local]", envvar="ASST_DEPLOY_BACKEND", callback=_backend,
                 help="openai (any compatible server via OPENAI_BASE_URL), azure, or local (the emulator). "
                      "Also ASST_DEPLOY_BACKEND."),
    _api,
    click.option("-v", "--verbose", is_flag=True, help="One line per API request: method, path, status, time."),
])
def _reason(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("give the reason the checks are skipped: it is printed and recorded", ctx=ctx,
                                 param=param)
    return value


_skip_checks = click.option(
    "--skip-checks", metavar="REASON", callback=_reason,
    help="Let a promotion (promote_from) take assistants that have not passed their checks; said and recorded "
         "with REASON.")
# plan, apply and destroy.
_tuning = _apply_all([
    click.option("--target", "targets", multiple=True, metavar="NAME", help="Only this assistant (repeatable)."),
    click.option("--parallelism", type=click.IntRange(1, 64), help=f"Concurrent requests (default {DEFAULT_PARALLELISM})."),
    click.option("--max-retries", type=click.IntRange(0, 20), help="SDK retries per request (default 2)."),
    click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds per request (default 60)."),
    click.option("--rate-limit-wait", type=click.FloatRange(min=0),
                 help="Seconds a request keeps retrying 429s, whatever --max-retries says (default 600)."),
    click.option("--rotate-credentials", is_flag=True,
                 help="api: agents: send every vault credential's secret again from its environment variable."),
])
_apply_options = _apply_all([
    click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation."),
    click.option("--wait-timeout", type=click.FloatRange(min=0), default=600, show_default=True,
                 help="Seconds to wait for vector stores to process files."),
    click.option("--lock-timeout", type=click.FloatRange(min=0), default=0, show_default=True,
                 help="Seconds to wait for another apply on this environment to finish."),
    click.option("--events", type=click.Choice(["text", "json"]), default="text", show_default=True,
                 help="json: each step and wait as one JSON object per line on stdout (the plan and summary "
                      "go to stderr)."),
])


def _examples(*lines: str) -> str:
    """A help epilog click prints as written (``\\b`` stops it re-wrapping the lines)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def _project_dir(given: Path | None) -> Path:
    """--project-dir as given, else the project the current folder is in (found upward, as the
    runtime lookup finds it), else the current folder (whose missing config is then the error)."""
    from .lock.locate import project_root

    if given is not None:
        return given.resolve()
    return Path(project_root(".") or ".").resolve()


def _options(kw: dict[str, Any]) -> "Options":
    from .session import Options

    return Options(
        project_dir=_project_dir(kw.pop("project_dir")),
        env=kw.pop("env", None),
        backend=kw.pop("backend", None),
        api=kw.pop("api", None),
        verbose=kw.pop("verbose", False),
        max_retries=kw.pop("max_retries", None),
        timeout=kw.pop("timeout", None),
        parallelism=kw.pop("parallelism", None),
        rate_limit_wait=kw.pop("rate_limit_wait", None),
        targets=tuple(kw.pop("targets", ()) or ()),
        skip_checks=kw.pop("skip_checks", None),
        rotate_credentials=bool(kw.pop("rotate_credentials", False)),
    )


def _run(debug: bool, call: Callable[[], int]) -> None:
    """Run a command: its output escaped (no server text reaches the terminal as a control sequence),
    its errors mapped to exit codes."""
    from .interrupts import leave
    from .render.terminal import escaping_output

    with escaping_output():
        code = _outcome(debug, call)
    leave(code)  # after a signal, without waiting for threads still blocked in a request


def _outcome(debug: bool, call: Callable[[], int]) -> int:
    """Map errors to exit codes in one place; a user error never shows a traceback."""
    from .backends.client import redact
    from .interrupts import stop_on_signals

    try:
        with stop_on_signals():
            return call()
    except AsstDeployError as exc:
        if debug:
            _traceback(redact)
        click.echo(f"error: {redact(str(exc))}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        # apply's steps say how many were saved (apply.py); anything else stopped before a change
        # or, like import, records what it changed as it goes
        click.echo("interrupted: the lockfile holds every change that finished; run the command again to go on",
                   err=True)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: say so briefly, and how to see more
        if debug:
            _traceback(redact)
        click.echo(f"error: unexpected {type(exc).__name__}: {redact(str(exc))} (run with --debug for details)",
                   err=True)
        return EXIT_ERROR


def _traceback(redact: Callable[[str], str]) -> None:
    """--debug: the traceback, with any API key an error message quoted removed."""
    import traceback

    click.echo(redact(traceback.format_exc()).rstrip("\n"), err=True)


def _console(verbose: bool = False, events: str = "text") -> "Console":
    from .console import Console

    return Console(view="json" if events == "json" else "verbose" if verbose else "text")


def _color() -> bool:
    from .render import use_color

    return use_color(sys.stdout)


class _Cli(click.Group):
    """Usage errors (an unknown option, a bad value, a bad ASST_DEPLOY_BACKEND) exit 1, not click's 2:
    ``plan --detailed-exitcode`` defines 2 as "the plan has changes", and CI reads it so."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.ClickException as exc:
            exc.show()
            code = EXIT_ERROR
        except click.Abort:
            click.echo("Aborted.", err=True)
            code = EXIT_ERROR
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Cli, context_settings=CONTEXT)
@click.version_option(package_name="asst-deploy")
def main() -> None:
    """Declarative OpenAI assistants: manifests in git, plan, apply, ids in a lockfile.

    Exit codes: 0 success, 1 any error (including a wrong option), 2 only for
    `plan --detailed-exitcode` with changes, 130 interrupted."""


@main.command(epilog=_examples("asst-deploy init", "asst-deploy init --project support-bots-prod"))
@click.option("--project", "name", metavar="NAME",
              help="The project name (default: a lockfile's, else the folder's name plus a generated suffix).")
@click.option("--project-dir", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="The folder to write asst-deploy.yaml in.")
@click.option("--nested", is_flag=True, help="Make a separate project inside another project's folder.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def init(name: str | None, project_dir: Path, nested: bool, debug: bool) -> None:
    """Write asst-deploy.yaml with a project name no other project takes by chance."""
    from .commands.init import run_init

    _run(debug, lambda: run_init(project_dir.resolve(), name, nested=nested))


@main.command(epilog=_examples("asst-deploy validate", "asst-deploy validate --env prod --api responses"))
@_project
@_api
def validate(debug: bool, **kw: Any) -> None:
    """Check asst-deploy.yaml and every manifest (every environment); send nothing anywhere."""
    from .commands.validate import run_validate

    options = _options(kw)
    _run(debug, lambda: run_validate(options.project_dir, options.env, options.api, _console()))


@main.command(epilog=_examples("asst-deploy plan --env prod", "asst-deploy plan --format markdown --detailed-exitcode",
                               "asst-deploy plan --env prod --out prod.plan.json"))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Save the plan for `apply PLANFILE`.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0 with no changes, 2 with changes, 1 on error.")
@_skip_checks
@_account
@_tuning
def plan(fmt: str, out_file: Path | None, detailed_exitcode: bool, debug: bool, **kw: Any) -> None:
    """Show what apply would create, update and delete. Changes nothing."""
    from .commands.plan import run_plan

    options = _options(kw)
    _run(debug, lambda: run_plan(options, _console(), fmt=fmt, out_file=out_file,
                                 detailed_exitcode=detailed_exitcode, color=fmt == "text" and _color()))


@main.command(epilog=_examples("asst-deploy apply", "asst-deploy apply --env prod --auto-approve",
                               "asst-deploy apply --env prod prod.plan.json"))
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_apply_options
@_skip_checks
@_account
@_tuning
def apply(plan_file: Path | None, auto_approve: bool, wait_timeout: float, lock_timeout: float, events: str,
          debug: bool, **kw: Any) -> None:
    """Create, update and delete so the account matches the manifests."""
    from .commands.apply import ApplyRequest, run_apply

    options = _options(kw)
    request = ApplyRequest(auto_approve=auto_approve, wait_timeout=wait_timeout, lock_timeout=lock_timeout,
                           plan_file=plan_file, color=_color())
    _run(debug, lambda: run_apply(options, request, _console(options.verbose, events)))


@main.command(epilog=_examples("asst-deploy destroy --env dev", "asst-deploy destroy --env dev --target support-bot",
                               "asst-deploy destroy --env dev --out dev.destroy.json"))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="How the plan is shown.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Save the destroy plan for `apply PLANFILE` and delete nothing now.")
@_apply_options
@_account
@_tuning
def destroy(fmt: str, out_file: Path | None, auto_approve: bool, wait_timeout: float, lock_timeout: float,
            events: str, debug: bool, **kw: Any) -> None:
    """Delete everything this project and environment own; nothing else."""
    from .commands.apply import ApplyRequest, run_apply
    from .commands.plan import run_plan

    options = _options(kw)
    if options.rotate_credentials:
        raise click.UsageError("--rotate-credentials sends credentials' secrets again, and destroy deletes the "
                               "credentials: leave it out")
    if out_file is not None:  # a reviewed destroy: planned and saved now, carried out by `apply FILE`
        _run(debug, lambda: run_plan(options, _console(), fmt=fmt, out_file=out_file, color=fmt == "text" and _color(),
                                     destroy=True))
        return
    request = ApplyRequest(destroy=True, auto_approve=auto_approve, wait_timeout=wait_timeout,
                           lock_timeout=lock_timeout, color=_color(), fmt=fmt)
    _run(debug, lambda: run_apply(options, request, _console(options.verbose, events)))


@main.command(name="test", epilog=_examples("asst-deploy test --env dev",
                                            "asst-deploy test --env dev --format markdown --junit checks.xml"))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), help="Also write JUnit XML here, for CI.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report here instead of stdout.")
@_account
@_tuning
def test_(fmt: str, junit: Path | None, out_file: Path | None, debug: bool, **kw: Any) -> None:
    """Run the manifests' checks against what the environment deployed; exit 1 if any fails."""
    from .commands.test import TestRequest, run_test

    options = _options(kw)
    request = TestRequest(fmt=fmt, junit=junit, out_file=out_file)
    _run(debug, lambda: run_test(options, request, _console(options.verbose)))


@main.command(epilog=_examples("asst-deploy ids --env prod", "asst-deploy ids --env prod --format dotenv > ids.env",
                               "asst-deploy ids --env prod --format configmap | kubectl apply -f -"))
@click.option("--format", "fmt", type=click.Choice(["json", "env", "dotenv", "configmap"]), default="json",
              show_default=True, help="json, KEY=value lines, a .env file, or a Kubernetes ConfigMap.")
@_project
def ids(fmt: str, debug: bool, **kw: Any) -> None:
    """Print name -> id from the lockfile, for other tools and languages. Sends nothing."""
    from .commands.ids import run_ids

    options = _options(kw)
    _run(debug, lambda: run_ids(options, _console(), fmt=fmt))


@main.command(epilog=_examples("asst-deploy publish --env prod"))
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Seconds to wait for an apply on this environment to finish.")
@_project
def publish(lock_timeout: float, debug: bool, **kw: Any) -> None:
    """Write the ids document to the publish: destinations of asst-deploy.yaml."""
    from .commands.publish import run_publish

    options = _options(kw)
    _run(debug, lambda: run_publish(options, _console(), lock_timeout=lock_timeout))


@main.command(epilog=_examples("asst-deploy show", "asst-deploy show support-bot --env prod"))
@click.argument("name", required=False)
@_account
def show(name: str | None, debug: bool, **kw: Any) -> None:
    """Show the lockfile and the account side by side."""
    from .commands.show import run_show

    options = _options(kw)
    _run(debug, lambda: run_show(options, _console(), name))


@main.command(name="import", epilog=_examples("asst-deploy import asst_abc123 support-bot",
                                              "asst-deploy import agent_abc123 researcher --api agents"))
@click.argument("assistant_id")
@click.argument("name")
@click.option("--force", is_flag=True, help="Adopt an object another project owns.")
@_account
def import_(assistant_id: str, name: str, force: bool, debug: bool, **kw: Any) -> None:
    """Adopt an existing assistant: write its manifest and mark it as ours."""
    from .commands.import_ import run_import

    options = _options(kw)
    _run(debug, lambda: run_import(options, assistant_id, name, _console(), force=force))


@main.command(epilog=_examples("asst-deploy export --out exported/", "asst-deploy export --all",
                               "asst-deploy export --format promptfoo --env dev"))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the manifests (default: the manifests folder; promptfoo: promptfoo/).")
@click.option("--all", "include_all", is_flag=True, help="Also export assistants asst-deploy manages.")
@click.option("--format", "fmt", type=click.Choice(["manifests", "promptfoo"]), default="manifests",
              show_default=True, help="promptfoo: the manifests' checks as promptfoo configs for what is deployed "
                                      "(reads the lockfile; sends nothing).")
@_account
def export(out_dir: Path | None, include_all: bool, fmt: str, debug: bool, **kw: Any) -> None:
    """Write manifests for assistants that exist on the account."""
    from .commands.export import run_export

    options = _options(kw)
    _run(debug, lambda: run_export(options, out_dir, _console(), include_all=include_all, fmt=fmt))


@main.command(epilog=_examples("asst-deploy schema > schema/manifest.schema.json",
                               "asst-deploy schema --published > schema/published.schema.json"))
@click.option("--published", is_flag=True, help="The schema of the published ids document instead (publish:).")
def schema(published: bool) -> None:
    """Print the JSON Schema of a manifest (for editors)."""
    from .commands.schema import run_schema

    _run(False, lambda: run_schema(sys.stdout, published))


@main.command(epilog=_examples("asst-deploy emulator --port 8765 --data .asst-deploy/emulator.sqlite3",
                               "asst-deploy emulator --rate-limit-every 3 --latency-ms 50"))
@click.option("--port", type=int, default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--data", type=click.Path(dir_okay=False), default=None, help="SQLite file (default: in memory).")
@click.option("--latency-ms", type=float, default=0.0, help="Added to every request.")
@click.option("--rate-limit-every", type=int, default=0, help="Answer 429 to every Nth request.")
@click.option("--error-rate", type=float, default=0.0, help="Fraction of requests answered 500/503.")
@click.option("--outage-after-writes", type=int, default=None, help="Fail everything after N writes.")
@click.option("--processing-seconds", type=float, default=0.0, help="How long files stay in_progress.")
@click.option("--no-assistants", is_flag=True, help="Answer 404 on /v1/assistants, like api.openai.com now.")
@click.option("--rate-limit-requests", type=click.IntRange(min=0), default=0,
              help="An account limit like OpenAI's: N requests per --rate-limit-period, x-ratelimit-* headers, 429 beyond.")
@click.option("--rate-limit-period", "rate_limit_period_s", type=click.FloatRange(min=0.001), default=60.0,
              show_default=True, help="Seconds in which the request bucket refills.")
@click.option("--no-retry-after", is_flag=True, help="Rate-limit 429s without retry-after (only x-ratelimit-*).")
@click.option("--quota-exhausted", is_flag=True, default=False,
              help="Answer every request 429 insufficient_quota, as OpenAI does once the account's credit is spent.")
def emulator(port: int, host: str, data: str | None, no_assistants: bool, no_retry_after: bool, **faults: Any) -> None:
    """Run the local API emulator (Assistants, Files, Vector Stores, Agents, Responses)."""
    from .commands.emulator import run_emulator

    _run(False, lambda: run_emulator(port=port, data=data, host=host, serve_assistants=not no_assistants,
                                     rate_limit_retry_after=not no_retry_after, **faults))


def run() -> None:
    """The ``asst-deploy`` program: the CLI, then the end of the process without the interpreter's
    last garbage collection. That collection walks every object alive (the SDK's hundreds of modules
    among them) only to free memory the operating system takes back at once; it cost a plan of
    300 assistants a sixth of its CPU (docs/decisions/0005). Every file is closed by then, and
    atexit handlers still run. Only the program does this: ``main`` in a test runner or a program
    that embeds the CLI leaves the collector alone."""
    import gc

    try:
        main()
    finally:
        gc.freeze()  # what is alive now is never collected again: the process is ending


if __name__ == "__main__":
    run()
