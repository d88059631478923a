"""The only code that talks to an API (DESIGN.md section 1).

``client.py`` builds the one ``openai`` client; ``storage.py`` drives files and vector stores (the
same on every API); ``assistants.py``, ``agents.py`` and ``responses.py`` each map the neutral
spec to one API and back. ``open_backend`` puts them together for a command.
"""
