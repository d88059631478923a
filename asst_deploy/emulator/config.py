"""The emulator's settings: what it serves and which faults it injects.

Fault fields can be changed while the server runs (``Emulator.set_faults`` or
``POST /__emulator__/faults``); the other fields are fixed at start.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .model_names import sdk_models

# Fields that may change at run time. processing_seconds is included because a test
# that wants to watch files go in_progress -> completed should not need a restart.
FAULT_FIELDS: tuple[str, ...] = (
    "latency_ms",
    "rate_limit_every",
    "retry_after_s",
    "error_rate",
    "seed",
    "outage_after_writes",
    "processing_seconds",
    "rate_limit_requests",
    "rate_limit_period_s",
    "rate_limit_retry_after",
    "write_answer_delay_ms",
    "quota_exhausted",
    "write_answer_delay_rate",
)


@dataclass
class EmulatorConfig:
    """Everything an emulator needs to start; defaults give a fast, fault-free server."""

    data: str | None = None  # sqlite path; None = in memory
    # the installed SDK's model literals (model_names.py): a name the SDK knows is one the emulator serves
    models: tuple[str, ...] = field(default_factory=sdk_models)
    processing_seconds: float = 0.0  # how long files stay in_progress in vector stores
    answer_seconds: float = 0.0  # how long a run or an agent session shows in_progress before its answer
    latency_ms: float = 0.0  # added to every request
    rate_limit_every: int = 0  # 429 on every Nth request, 0 = off
    retry_after_s: float = 0.0  # Retry-After sent with injected faults
    error_rate: float = 0.0  # fraction of requests answered 500/503
    seed: int = 0  # seeds the error_rate coin
    outage_after_writes: int | None = None  # after N writes every request fails 503 until healed
    # OpenAI's request limit: a bucket of N requests that refills evenly over the period (per
    # minute by default, as the account's RPM); every answer carries the x-ratelimit-* headers, and
    # an empty bucket answers 429. 0 = off.
    rate_limit_requests: int = 0
    rate_limit_period_s: float = 60.0
    rate_limit_retry_after: bool = True  # False: 429s without retry-after(-ms), only x-ratelimit-*
    # a write is carried out at once and answered this much later: a client whose timeout is
    # shorter sees a timeout for a create that happened (the case that makes twins)
    write_answer_delay_ms: float = 0.0
    # the account's quota is spent: every API request is answered 429 ``insufficient_quota``, as
    # OpenAI does (no retry-after: waiting does not help, and a client must not retry it)
    quota_exhausted: bool = False
    write_answer_delay_rate: float = 1.0  # the fraction of writes answered late (the seeded coin picks them)
    api_key_required: bool = True  # 401 without "Authorization: Bearer <key>"
    serve_assistants: bool = True  # False: /v1/assistants* answers 404, as after the sunset
    # True: a vector store's usage_bytes is its files' own size. By default it is their processed
    # size (store.PROCESSED_SQL), larger, as on api.openai.com: a client must not expect the raw sum
    raw_usage_bytes: bool = False
    # Build every route's body shape from the SDK's request types when the server starts (about
    # half a second, importing the SDK's beta types), not at the first write: off for --backend
    # local, whose reads never need them
    preload_sdk_shapes: bool = True
    record_bodies: bool = False  # keep every JSON request body, for contract tests (Emulator.bodies())

    def __post_init__(self) -> None:
        self.models = tuple(self.models)
        check_faults({name: getattr(self, name) for name in FAULT_FIELDS})


ENV_PREFIX = "ASST_DEPLOY_EMULATOR_"
_BOOLS = frozenset({"rate_limit_retry_after", "quota_exhausted"})


def settings_from_env(environ: dict[str, str]) -> dict[str, object]:
    """Fault settings from ``ASST_DEPLOY_EMULATOR_<FIELD>`` variables (e.g. ``..._LATENCY_MS=50``).

    Lets a wrapper script or CI job inject faults into ``asst-deploy emulator`` without flags.
    An empty value or ``none`` clears ``outage_after_writes``.
    """
    out: dict[str, object] = {}
    for name in FAULT_FIELDS:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is None:
            continue
        raw = raw.strip()
        try:
            if name == "outage_after_writes":
                out[name] = None if raw.lower() in ("", "none") else int(raw)
            elif name in ("rate_limit_every", "seed", "rate_limit_requests"):
                out[name] = int(raw)
            elif name in _BOOLS:
                out[name] = raw.lower() not in ("0", "false", "no", "off", "")
            else:
                out[name] = float(raw)
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a number") from None
    return check_faults(out)


def check_faults(values: dict[str, object]) -> dict[str, object]:
    """Validate fault settings (names and ranges); return them coerced. Raises ValueError."""
    known = {f.name for f in fields(EmulatorConfig)}
    out: dict[str, object] = {}
    for name, value in values.items():
        if name not in FAULT_FIELDS:
            hint = " (fixed at start)" if name in known else ""
            raise ValueError(f"unknown fault setting {name!r}{hint}; known: {', '.join(FAULT_FIELDS)}")
        if name == "outage_after_writes":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError("outage_after_writes must be a non-negative integer or None")
        elif name in _BOOLS:
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false")
        elif name in ("rate_limit_every", "seed", "rate_limit_requests"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer")
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a non-negative number")
            if name in ("error_rate", "write_answer_delay_rate") and value > 1:
                raise ValueError(f"{name} must be between 0 and 1")
            if name == "rate_limit_period_s" and value <= 0:
                raise ValueError("rate_limit_period_s must be positive")
            value = float(value)
        out[name] = value
    return out
