"""Behaviour checks: cases written beside a manifest, run against what an environment deployed.

``reply`` holds the seam between the two halves: a runner (one per API) turns a conversation into
a :class:`~asst_deploy.checks.reply.Reply`; the expectations are judged on replies alone, so they
never know which API answered.
"""
