"""Manifests from objects that already exist: ``import`` adopts one, ``export`` copies many.

Both only ever write new files: an existing file is never rewritten (the user's YAML is read,
never edited). File contents of purpose ``assistants`` cannot be downloaded from the API, so
retrieval and code-interpreter files are listed in a comment and a warning, never dropped silently.
The manifest text itself comes from :mod:`asst_deploy.manifest.writer`.
"""
