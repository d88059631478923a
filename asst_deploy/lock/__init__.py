"""The lockfile: its bytes on disk (``file``), its typed entries (``entry``), which file an
environment reads (``locate``) and the writer an apply saves through (``writer``).

``file`` and ``locate`` are stdlib only: runtime lookups (``import asst_deploy``) read them."""
