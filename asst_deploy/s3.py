"""S3 (and anything that speaks its API: MinIO, R2, Ceph, GCS interoperability) through boto3.

boto3 is an optional extra (``pip install 'asst-deploy[s3]'``) imported only when an ``s3://``
destination or source is used. Endpoint, region and credentials are boto3's own: the standard
variables (``AWS_ENDPOINT_URL``, ``AWS_PROFILE``, ``AWS_ACCESS_KEY_ID``...) and config files. Only
the timeouts are ours: a publish or a lookup must not hang on an unreachable endpoint.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs the runtime lookup more than it saves
if TYPE_CHECKING:
    from typing import Any

SCHEME = "s3://"
EXTRA = "pip install 'asst-deploy[s3]'"


class S3Unavailable(Exception):
    """boto3 is not installed: says which extra to install."""


def split(url: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> (bucket, key); ValueError naming what is missing."""
    bucket, _, key = url[len(SCHEME):].partition("/")
    if not bucket:
        raise ValueError(f"{url}: no bucket (write s3://BUCKET/KEY)")
    if not key or key.endswith("/"):
        raise ValueError(f"{url}: no object key after the bucket (write s3://BUCKET/KEY, e.g. s3://{bucket}/ids.json)")
    return bucket, key


def available() -> bool:
    import importlib.util

    return importlib.util.find_spec("boto3") is not None


def client(timeout: float = 10.0) -> Any:
    """A boto3 S3 client configured from the environment, with bounded connects, reads and retries."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise S3Unavailable(f"s3:// needs boto3: {EXTRA}") from None
    config = Config(connect_timeout=timeout, read_timeout=timeout * 3, retries={"max_attempts": 3, "mode": "standard"})
    return boto3.client("s3", config=config)


def error_code(exc: BaseException) -> str:
    """The S3 error code of a botocore ``ClientError`` ('NoSuchBucket', '304', ...), else ''."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str((response.get("Error") or {}).get("Code") or "")
    return ""


def explain(exc: BaseException, url: str, action: str, setting: str) -> tuple[str, str]:
    """(what went wrong, how to fix it) for an S3 error on ``url``; ``action`` is 's3:PutObject' or
    's3:GetObject'; ``setting`` is where the URL was given (``publish: in asst-deploy.yaml``)."""
    bucket, key = split(url)
    code = error_code(exc)
    if code == "NoSuchBucket":
        return f"the bucket {bucket!r} does not exist", f"create it, or correct {setting}"
    if code in ("AccessDenied", "403", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return (f"access denied ({code})",
                f"grant {action} on arn:aws:s3:::{bucket}/{key} to the credentials in use (AWS_PROFILE, "
                "AWS_ACCESS_KEY_ID or the instance role)")
    if code in ("NoSuchKey", "404"):
        return "no such object", f"publish it: `asst-deploy publish` in the project that deploys it"
    name = type(exc).__name__
    if name in ("NoCredentialsError", "PartialCredentialsError"):
        return "no AWS credentials", "set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError"):
        return (f"the endpoint is unreachable ({exc})",
                "check the network and AWS_ENDPOINT_URL (or endpoint_url in the AWS config)")
    return f"{name}: {code or exc}", "check the bucket, the credentials and AWS_ENDPOINT_URL"
