"""What every test suite shares: running the CLI (``support.cli``) and projects on disk (``support.projects``)."""
